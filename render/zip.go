package render

import (
	"archive/zip"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// CSVZip writes d as a zip archive of one CSV per report ([ReportCSV]),
// each named after its report ([FileName], then " (2)", " (3)"… for a
// name already used, without regard to case), dated modified.
func CSVZip(w io.Writer, d Dashboard, modified time.Time) error {
	if err := checkResults(d.Results); err != nil {
		return err
	}
	zw := zip.NewWriter(w)
	names := nameSet{}
	for _, r := range d.Results {
		f, err := zw.CreateHeader(&zip.FileHeader{Name: names.add(FileName(r.Report.Name, "report"), ".csv"),
			Method: zip.Deflate, Modified: modified})
		if err != nil {
			return err
		}
		if err := ReportCSV(f, r); err != nil {
			return err
		}
	}
	return zw.Close()
}

// FileName makes a report's or dashboard's name a safe file name: letters,
// digits, spaces, '-', '_', '.' and '(' ')' kept, anything else (path
// separators, quotes, control characters) a '-', no leading dot, at most
// 80 runes; fallback when nothing is left.
func FileName(name, fallback string) string {
	var b strings.Builder
	n := 0
	for _, r := range name {
		if n == 80 {
			break
		}
		switch {
		case unicode.IsLetter(r), unicode.IsDigit(r), r == ' ', r == '-', r == '_', r == '.', r == '(', r == ')':
		default:
			r = '-'
		}
		b.WriteRune(r)
		n++
	}
	s := strings.Trim(strings.TrimSpace(b.String()), ".-")
	for strings.Contains(s, "--") {
		s = strings.ReplaceAll(s, "--", "-")
	}
	if s == "" {
		return fallback
	}
	// Names Windows keeps for devices, whatever the extension.
	switch strings.ToUpper(strings.TrimSpace(strings.SplitN(s, ".", 2)[0])) {
	case "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "LPT1", "LPT2", "LPT3":
		s = "_" + s
	}
	return s
}

// nameSet gives each file of a zip its own name: "Chats.csv", then
// "Chats (2).csv", compared without regard to case (Windows and macOS
// would overwrite one with the other).
type nameSet map[string]bool

func (s nameSet) add(base, ext string) string {
	name := base + ext
	for i := 2; s[strings.ToLower(name)]; i++ {
		name = base + " (" + strconv.Itoa(i) + ")" + ext
	}
	s[strings.ToLower(name)] = true
	return name
}
