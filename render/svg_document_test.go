package render_test

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"testing"

	"github.com/convreport/convreport/render"
	"github.com/stretchr/testify/require"
)

// requireOneXMLDocument parses b with encoding/xml and requires exactly
// one root element, named svg, and nothing but white space after it.
func requireOneXMLDocument(t *testing.T, b []byte) {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(b))
	depth, roots := 0, 0
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		switch tok := tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				roots++
				require.Equal(t, "svg", tok.Name.Local)
			}
			depth++
		case xml.EndElement:
			depth--
		case xml.CharData:
			if depth == 0 {
				require.Empty(t, bytes.TrimSpace(tok), "text outside the root")
			}
		}
	}
	require.Equal(t, 0, depth)
	require.Equal(t, 1, roots, "one root element")
}

func TestEverySVGIsOneWellFormedDocument(t *testing.T) {
	d := fixture()
	for i, r := range d.Results {
		var b bytes.Buffer
		require.NoError(t, render.SVG(&b, r, render.SVGOptions{Report: i}))
		requireOneXMLDocument(t, b.Bytes())
	}
	var b bytes.Buffer
	require.NoError(t, render.SVGDashboard(&b, d, render.SVGOptions{}))
	requireOneXMLDocument(t, b.Bytes())
	for i := range d.Results {
		require.Contains(t, b.String(), `id="r`+string(rune('0'+i))+`-title"`, "report %d is drawn", i)
	}
}
