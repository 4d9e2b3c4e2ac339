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

// TestTextShowsEveryPointOfTheResult: text shows the points every other
// format shows, the engine's Other point with its own value, and folds
// nothing itself (Top is ignored).
func TestTextShowsEveryPointOfTheResult(t *testing.T) {
	r := byRep
	r.Folded = 4
	d := render.Dashboard{Name: "D", Results: []convreport.Result{r}}
	for _, top := range []int{0, 3, -1} {
		var b bytes.Buffer
		require.NoError(t, render.Text(&b, d, render.TextOptions{Top: top, Width: 60}))
		lines := strings.Split(b.String(), "\n")
		require.Len(t, lines, 5+len(r.Points)+1, "a row per point:\n%s", b.String())
		require.Contains(t, b.String(), "😀 Zoë 李")
		require.Regexp(t, `^  Other \(4 more\) +21  `, lines[5+len(r.Points)-1], "the engine's Other, its value and the groups it folds")
	}
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

// A width no terminal has is an error of Text, said before anything is
// drawn: a bar as wide as it asks for would take gigabytes.
func TestTextRefusesAWidthNoTerminalHas(t *testing.T) {
	for _, width := range []int{-5, render.MaxTextWidth + 1, 100_000_000_000} {
		var b bytes.Buffer
		err := render.Text(&b, fixture(), render.TextOptions{Width: width})
		require.Error(t, err, "width %d", width)
		require.Contains(t, err.Error(), "width")
		require.Contains(t, err.Error(), "1000")
		require.Zero(t, b.Len(), "nothing written for width %d", width)
	}
	var b bytes.Buffer
	require.NoError(t, render.Text(&b, fixture(), render.TextOptions{Width: render.MaxTextWidth}))
	for _, l := range strings.Split(b.String(), "\n") {
		require.LessOrEqual(t, textwidth.String(l), render.MaxTextWidth)
	}
}
