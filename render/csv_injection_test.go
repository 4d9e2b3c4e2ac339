package render_test

import (
	"bytes"
	"encoding/csv"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/render"
	"github.com/stretchr/testify/require"
)

// hostileCells are labels a customer can type that a spreadsheet would run
// as formulas or act on.
var hostileCells = []string{
	"=HYPERLINK(\"http://x\",\"y\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)",
	"\t=1+1", "\r=1+1", "a\nb", "=", "-", "ok\x00\x1b[2J",
}

var plainNumber = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)

// safeCell reports whether a CSV cell, as a spreadsheet reads it, is inert:
// a plain number, or text with no control character and no formula start.
func safeCell(s string) bool {
	if plainNumber.MatchString(s) {
		return true
	}
	if strings.IndexFunc(s, unicode.IsControl) >= 0 {
		return false
	}
	return s == "" || !strings.ContainsRune("=+-@", rune(s[0]))
}

func TestCSVNeutralisesHostileCells(t *testing.T) {
	var pts []convreport.Point
	for i, h := range hostileCells {
		pts = append(pts, convreport.Point{Dimensions: []convreport.DimensionValue{known("Assignee", h)}, Value: num("-12.5"), Count: int64(i)})
	}
	d := render.Dashboard{From: rangeFrom, To: rangeTo, Zone: paris, Results: []convreport.Result{
		result(convreport.Report{Name: "=cmd|' /C calc'!A0", Dimensions: []string{"Assignee"}}, pts...),
	}}
	var b bytes.Buffer
	require.NoError(t, render.CSV(&b, d))
	rows, err := csv.NewReader(&b).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 1+len(hostileCells))
	for i, row := range rows[1:] {
		for _, c := range row {
			require.True(t, safeCell(c), "row %d cell %q", i, c)
		}
		require.Equal(t, "'=cmd|' /C calc'!A0", row[0])
		require.Equal(t, "-12.5", row[5], "a negative number stays a number")
	}
	require.Equal(t, "'-2+3", rows[3][3])
	require.Equal(t, "\uFFFD=1+1", rows[5][3], "a tab becomes U+FFFD")
}

func TestCSVCell(t *testing.T) {
	for in, want := range map[string]string{
		"12": "12", "-12": "-12", "-0.125": "-0.125", "3673230.5": "3673230.5",
		"-": "'-", "-1-": "'-1-", "+5": "'+5", "1e6": "1e6", "-1e6": "'-1e6",
		"=A1": "'=A1", "@x": "'@x", "a=b": "a=b", "": "", "\r\n": "\uFFFD\uFFFD",
		"2025-03-30": "2025-03-30", "(no value)": "(no value)",
	} {
		require.Equal(t, want, render.CSVCell(in), "%q", in)
	}
}
