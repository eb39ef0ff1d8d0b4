// Package logtail keeps the end of what a child process writes: the measuring commands run
// bots as children and, when one fails, say why with its last lines, not all its logs.
package logtail

import (
	"bytes"
	"sync"
)

// Buffer keeps the last bytes written to it. It is safe for concurrent use, as a child's
// stdout and stderr may both write to it.
type Buffer struct {
	mu  sync.Mutex
	max int
	buf []byte
}

// New returns a Buffer that keeps the last max bytes.
func New(max int) *Buffer { return &Buffer{max: max} }

// Write keeps p, dropping what is older than the last max bytes; it never fails.
func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	if over := len(b.buf) - b.max; over > 0 {
		// A copy, so that the dropped bytes do not stay behind the slice.
		b.buf = bytes.Clone(b.buf[over:])
	}
	return len(p), nil
}

// String returns the bytes kept.
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return string(b.buf)
}
