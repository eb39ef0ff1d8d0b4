package config

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// MaxSecretFileSize is the largest file a *_FILE variable may name. A token
// or a database URL is well under 1 KiB; a bigger file is the wrong file (a
// log, an archive, a device), and reading it whole would hold the start.
const MaxSecretFileSize = 64 << 10

// ErrSecretFileTooLarge is returned, wrapped, by ReadSecretFile for a file
// larger than MaxSecretFileSize.
var ErrSecretFileTooLarge = errors.New("secret file too large")

// ReadSecretFile reads the file a *_FILE variable names, reading at most
// MaxSecretFileSize+1 bytes whatever its size: a larger file is refused with
// ErrSecretFileTooLarge at once, without being read whole. Load and LoadLocal
// use it when given no readFile.
func ReadSecretFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer func() { _ = f.Close() }()
	return readCapped(f, path)
}

// readCapped reads r up to MaxSecretFileSize bytes, and one more to tell a
// file at the cap from a larger one, which it refuses. name is for errors.
func readCapped(r io.Reader, name string) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxSecretFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if len(b) > MaxSecretFileSize {
		return nil, fmt.Errorf("%s: %w", name, ErrSecretFileTooLarge)
	}
	return b, nil
}

// readSecret reads the file path that the variable name names with
// readFile, and turns a failure or a file over MaxSecretFileSize (whatever
// readFile is) into a *VarError naming the variable.
func readSecret(readFile func(string) ([]byte, error), name, path string) ([]byte, *VarError) {
	b, err := readFile(path)
	if errors.Is(err, ErrSecretFileTooLarge) || (err == nil && len(b) > MaxSecretFileSize) {
		return nil, &VarError{
			Var: name,
			Msg: fmt.Sprintf("(%s) désigne un fichier de plus de %d Kio : seul le secret y est attendu (mauvais fichier ?)", path, MaxSecretFileSize>>10),
			Err: ErrSecretFileTooLarge,
		}
	}
	if err != nil {
		return nil, &VarError{Var: name, Msg: fmt.Sprintf("illisible : %v", err), Err: err}
	}
	return b, nil
}
