package gitbook

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"unicode/utf8"
)

// Limits on one page, so that a load's work is bounded whatever a folder
// holds. The shipped pages are under 8 KiB and a generated team page of
// 10,000 roles is 1.8 MiB: the limits are far above any real page, and far
// below what would take seconds to parse.
const (
	// MaxRolePageBytes bounds a role page. goldmark's time grows with a
	// page's bytes, up to about 2.5 s a MiB for the worst shapes (pages
	// of "[").
	MaxRolePageBytes = 512 << 10
	// MaxTeamPageBytes bounds the team page, whose cards and matrix grow
	// with the team.
	MaxTeamPageBytes = 4 << 20
	// MaxBlockPrefix bounds the quotes, list markers and indentation that
	// open a line. goldmark measures a line's column from its start once
	// per nested block, so one line of 100 KB of "> " took 4 s and 5 MB
	// would take hours; real pages nest a few levels.
	MaxBlockPrefix = 128
)

// readPage reads a page, or reports why it is refused: too large, binary, or
// so deeply nested that parsing it would not end in reasonable time.
func readPage(fsys fs.FS, file string, team bool, d *diags) ([]byte, bool) {
	limit, what := int64(MaxRolePageBytes), "une page de rôle"
	if team {
		limit, what = MaxTeamPageBytes, "la page d'équipe"
	}
	f, err := fsys.Open(file)
	if err != nil {
		d.errorf(file, 0, "fichier illisible : %v", unwrapPath(err))
		return nil, false
	}
	defer f.Close()
	// One byte past the limit tells a page at the limit from a larger one
	// without reading the rest.
	raw, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		d.errorf(file, 0, "fichier illisible : %v", unwrapPath(err))
		return nil, false
	}
	if !checkBinary(file, raw, d) {
		return nil, false
	}
	if int64(len(raw)) > limit {
		size := ""
		if st, err := f.Stat(); err == nil {
			size = " (" + sizeWords(st.Size()) + ")"
		}
		line := 1 + bytes.Count(raw[:limit], []byte("\n"))
		d.errorf(file, line, "page trop grande%s : elle dépasse à cette ligne la limite de %s pour %s, et rolebot ne la lit pas ; découpez-la en plusieurs pages ou retirez-en ce qui n'est pas du texte (données, export collé…)", size, sizeWords(limit), what)
		return nil, false
	}
	return raw, true
}

// sizeWords is a size in French units: "512 Kio", "5,1 Mio".
func sizeWords(n int64) string {
	switch {
	case n >= 1<<20:
		s := fmt.Sprintf("%.1f", float64(n)/(1<<20))
		return strings.Replace(strings.TrimSuffix(s, ".0"), ".", ",", 1) + " Mio"
	case n >= 1<<10:
		return fmt.Sprintf("%d Kio", n>>10)
	}
	return plural(int(n), "octet", "octets")
}

// binarySample is how much of a file the control-character count looks at,
// as git does to tell binary files.
const binarySample = 8000

// checkBinary refuses a file that is not text: one with a NUL byte, or whose
// start is mostly control characters or invalid UTF-8 (an image, an archive
// or a Word document renamed .md).
func checkBinary(file string, raw []byte, d *diags) bool {
	sample := raw[:min(len(raw), binarySample)]
	odd := 0
	for i := 0; i < len(sample); {
		r, size := utf8.DecodeRune(sample[i:])
		if r == utf8.RuneError && size <= 1 || r < 0x80 && isControl(r) {
			odd++
		}
		i += size
	}
	nul := bytes.IndexByte(raw, 0)
	if nul < 0 && odd*10 <= len(sample) {
		return true
	}
	line, where := 1, ""
	if nul >= 0 {
		var col int
		line, col = lineCol(raw, nul)
		where = fmt.Sprintf(" : octet nul (0x00) en colonne %d", col)
	}
	d.errorf(file, line, "fichier binaire%s ; ce n'est pas une page Markdown (image, archive ou document Word renommé en .md ?) : retirez-le du dossier ou remplacez-le par du texte", where)
	return false
}

// checkControls refuses a control character in a text page: it has no
// place there and would reach Slack and terminals. It runs once the
// encoding is known good, since broken encodings show as C1 controls and
// deserve their own message.
func checkControls(file string, raw []byte, d *diags) bool {
	// Byte by byte, as the text is valid UTF-8: a C0 control or DEL is one
	// byte, a C1 control is C2 followed by 80–9F.
	for i, c := range raw {
		var r rune
		switch {
		case c < 0x20 || c == 0x7F:
			r = rune(c)
		case c == 0xC2 && i+1 < len(raw) && raw[i+1] >= 0x80 && raw[i+1] < 0xA0:
			r = rune(raw[i+1])
		default:
			continue
		}
		if !isControl(r) {
			continue
		}
		line, col := lineCol(raw, i)
		d.errorf(file, line, "caractère de contrôle U+%04X en colonne %d : il n'a pas sa place dans une page et s'afficherait tel quel dans Slack ; supprimez-le", r, col)
		return false
	}
	return true
}

// isControl reports the C0 and C1 control characters a text page never
// holds: every one but tab, line feed, vertical tab, form feed and carriage
// return.
func isControl(r rune) bool {
	switch r {
	case '\t', '\n', '\v', '\f', '\r':
		return false
	}
	return r < 0x20 || r == 0x7F || r >= 0x80 && r < 0xA0
}

// lineCol is the 1-based line and column (in bytes) of offset off.
func lineCol(raw []byte, off int) (line, col int) {
	line = 1 + bytes.Count(raw[:off], []byte("\n"))
	col = off - (bytes.LastIndexByte(raw[:off], '\n') + 1) + 1
	return line, col
}

// checkNesting refuses a page with a line that opens more than
// MaxBlockPrefix bytes of quotes and list markers, outside fenced code.
func (s *source) checkNesting(d *diags) bool {
	fence := ""
	for i := range s.lineStarts {
		line := s.mdLine(i)
		if t := bytes.TrimLeft(line, " "); bytes.HasPrefix(t, []byte("```")) || bytes.HasPrefix(t, []byte("~~~")) {
			switch {
			case fence == "":
				fence = string(t[:3])
			case bytes.HasPrefix(t, []byte(fence)):
				fence = ""
			}
			continue
		}
		if fence != "" {
			continue
		}
		if n, markers := blockPrefix(line); markers > 0 && n > MaxBlockPrefix {
			d.errorf(s.path, i+1, "imbrication trop profonde : la ligne commence par %d caractères de citations (>), de puces ou d'indentation, au-delà de la limite de %d ; rolebot ne lit pas cette page, dont l'analyse prendrait des minutes", n, MaxBlockPrefix)
			return false
		}
	}
	return true
}

// mdLine is line i (0-based) of the parsed bytes, without its line break.
func (s *source) mdLine(i int) []byte {
	end := len(s.md)
	if i+1 < len(s.lineStarts) {
		end = s.lineStarts[i+1]
	}
	return bytes.TrimRight(s.md[s.lineStarts[i]:end], "\r\n")
}

// blockPrefix measures the run of block markers that opens a line: spaces,
// tabs, ">", bullets ("-", "*", "+") and numbers ("1.", "2)") followed by a
// space. n is its length in bytes, markers how many quotes and list markers
// it holds. A line of only such characters is not counted: it opens nothing
// that holds text.
func blockPrefix(line []byte) (n, markers int) {
	i := 0
	for i < len(line) {
		switch c := line[i]; {
		case c == ' ' || c == '\t':
			i++
		case c == '>':
			i++
			markers++
		case (c == '-' || c == '*' || c == '+') && i+1 < len(line) && (line[i+1] == ' ' || line[i+1] == '\t'):
			i += 2
			markers++
		case c >= '0' && c <= '9':
			j := i
			for j < len(line) && j-i < 9 && line[j] >= '0' && line[j] <= '9' {
				j++
			}
			if j+1 < len(line) && (line[j] == '.' || line[j] == ')') && (line[j+1] == ' ' || line[j+1] == '\t') {
				i = j + 2
				markers++
				continue
			}
			return i, markers
		default:
			return i, markers
		}
	}
	return 0, 0
}
