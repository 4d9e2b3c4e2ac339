package render_test

import (
	"archive/zip"
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/render"
)

// File names from report names: nothing that climbs out of a folder,
// hides the file, names a device or is empty.
func TestFileName(t *testing.T) {
	for in, want := range map[string]string{
		"Conversations by rep":     "Conversations by rep",
		"../../etc/passwd":         "etc-passwd",
		`a\b:c*d?"e<f>g|h`:         "a-b-c-d-e-f-g-h",
		".hidden":                  "hidden",
		"Temps de réponse (moyen)": "Temps de réponse (moyen)",
		"":                         "report",
		"///":                      "report",
		"nul":                      "_nul",
		"CON.txt":                  "_CON.txt",
		"tab\there":                "tab-here",
	} {
		require.Equal(t, want, render.FileName(in, "report"), in)
	}
	require.Len(t, []rune(render.FileName(strings.Repeat("é", 200), "x")), 80)
}

// The zip has one CSV per report, each the report's ReportCSV; the same
// name twice, in any case, gets a number.
func TestCSVZip(t *testing.T) {
	mk := func(name string, n int64) convreport.Result {
		return result(convreport.Report{Name: name, Chart: convreport.Chart{Type: convreport.SummaryChart}},
			convreport.Point{Value: num(strings.Repeat("1", int(n))), Count: n})
	}
	d := render.Dashboard{Name: "D", Results: []convreport.Result{mk("Chats", 1), mk("chats", 2), mk("Chats", 3), mk("../x", 4)}}
	var b bytes.Buffer
	require.NoError(t, render.CSVZip(&b, d, day(3)))
	zr, err := zip.NewReader(bytes.NewReader(b.Bytes()), int64(b.Len()))
	require.NoError(t, err)
	var names []string
	for i, f := range zr.File {
		names = append(names, f.Name)
		rc, err := f.Open()
		require.NoError(t, err)
		got, err := io.ReadAll(rc)
		require.NoError(t, err)
		var want bytes.Buffer
		require.NoError(t, render.ReportCSV(&want, d.Results[i]))
		require.Equal(t, want.String(), string(got))
		require.True(t, f.Modified.Equal(day(3)), f.Modified)
	}
	require.Equal(t, []string{"Chats.csv", "chats (2).csv", "Chats (3).csv", "x.csv"}, names)
}
