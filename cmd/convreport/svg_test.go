package main_test

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestRunSVGWritesOneDocument reads run --format svg, on standard output
// and with --out, with an XML parser: one root svg element holding every
// report's chart.
func TestRunSVGWritesOneDocument(t *testing.T) {
	path := generated(t, 500)
	out := filepath.Join(t.TempDir(), "f.svg")
	args := []string{"run", "--data", path, "--dashboard", "chat-overview", "--from", "2025-03-01", "--to", "2025-06-01", "--format", "svg"}
	o := cli(t, "", args...)
	require.Equal(t, 0, o.code, o.stderr)
	o2 := cli(t, "", append(args, "--out", out)...)
	require.Equal(t, 0, o2.code, o2.stderr)
	file, err := os.ReadFile(out)
	require.NoError(t, err)
	require.Equal(t, o.stdout, string(file))

	dec := xml.NewDecoder(bytes.NewReader(file))
	depth, roots, charts := 0, 0, 0
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err, "well-formed XML")
		switch tok := tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				roots++
			}
			if depth == 1 && tok.Name.Local == "svg" {
				charts++
			}
			depth++
		case xml.EndElement:
			depth--
		case xml.CharData:
			if depth == 0 {
				require.Empty(t, strings.TrimSpace(string(tok)))
			}
		}
	}
	require.Equal(t, 1, roots, "one document")
	require.Equal(t, 6, charts, "the six reports of chat-overview, laid out in it")
}
