package render_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/render"
	"github.com/convreport/convreport/render/internal/textwidth"
	"github.com/stretchr/testify/require"
)

func TestTextGolden(t *testing.T) {
	var b bytes.Buffer
	if err := render.Text(&b, fixture(), render.TextOptions{}); err != nil {
		t.Fatal(err)
	}
	golden(t, "dashboard.txt", b.Bytes())
}

func TestTextFoldsTheTail(t *testing.T) {
	d := render.Dashboard{Name: "D", Results: []convreport.Result{byRep}}
	var b bytes.Buffer
	require.NoError(t, render.Text(&b, d, render.TextOptions{Top: 3, Width: 60}))
	lines := strings.Split(b.String(), "\n")
	// The 4 rows after the top 3 (96 + 40 + 7 + 21, the report's own
	// Other included) fold into one.
	require.Regexp(t, `^  Other \(4 more\) +164$`, lines[8])
	require.Len(t, lines, 10)

	b.Reset()
	require.NoError(t, render.Text(&b, d, render.TextOptions{Top: -1, Width: 60}))
	require.NotContains(t, b.String(), "more)")
	require.Contains(t, b.String(), "😀 Zoë 李")
}

func TestTextFitsTheWidth(t *testing.T) {
	for _, width := range []int{40, 60, 80, 120} {
		var b bytes.Buffer
		d := fixture()
		d.Results = append(d.Results, bySeries)
		require.NoError(t, render.Text(&b, d, render.TextOptions{Width: width}))
		for _, l := range strings.Split(b.String(), "\n") {
			require.LessOrEqual(t, textwidth.String(l), width, "%q is wider than %d", l, width)
		}
		require.NotContains(t, b.String(), "\x1b", "no terminal escape gets through")
	}
}

func TestTextAlignsWideLabels(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, render.Text(&b, render.Dashboard{Results: []convreport.Result{byRep}}, render.TextOptions{}))
	// The value column ends at the same column on every row.
	ends := map[int]bool{}
	for _, l := range strings.Split(b.String(), "\n")[3:10] {
		before, _, _ := strings.Cut(l, "  █")
		before, _, _ = strings.Cut(before, "  ▎")
		before, _, _ = strings.Cut(before, "  ▋")
		ends[textwidth.String(strings.TrimRight(before, " "))] = true
	}
	require.Len(t, ends, 1, "values right-aligned:\n%s", b.String())
}

func TestTextSeriesSparklines(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, render.Text(&b, render.Dashboard{Results: []convreport.Result{bySeries}}, render.TextOptions{}))
	want := "Conversations over time by channel\n" +
		"  chat" + strings.Repeat(" ", 27-4) + "  ▆█▃  total 12\n" +
		"  <script>alert(\"x\")</script>  ▃▁█  total 4\n" +
		"  2025-03-29 … 2025-03-31\n"
	require.True(t, strings.HasSuffix(b.String(), want), "got:\n%s", b.String())
}
