package render_test

import (
	"bytes"
	"strconv"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/render"
)

func pieOf(values ...int) convreport.Result {
	var pts []convreport.Point
	for i, v := range values {
		pts = append(pts, convreport.Point{Dimensions: []convreport.DimensionValue{known("Inbox", "inbox-"+strconv.Itoa(i))},
			Value: num(strconv.Itoa(v)), Count: int64(v)})
	}
	return result(convreport.Report{Name: "By inbox", Dimensions: []string{"Inbox"}, Chart: convreport.Chart{Type: convreport.PieChart}}, pts...)
}

// 23 of 80 is exactly 28.75 %: rounded half away from zero, 28.8 %, in
// the SVG's legend (so the HTML page and the web dashboard), the text
// and the Vega-Lite tooltip alike.
func TestPieShareRoundsTheExactQuotient(t *testing.T) {
	r := pieOf(57, 23)
	var svg, text bytes.Buffer
	require.NoError(t, render.SVG(&svg, r, render.SVGOptions{}))
	require.Contains(t, svg.String(), ">23 · 28.8 %<")
	require.Contains(t, svg.String(), ">57 · 71.3 %<")
	require.NoError(t, render.Text(&text, render.Dashboard{Results: []convreport.Result{r}}, render.TextOptions{}))
	require.Contains(t, text.String(), "28.8 %")
	require.Contains(t, text.String(), "71.3 %")
	vl, err := render.VegaLite(r)
	require.NoError(t, err)
	require.Contains(t, string(vl), `"share": "28.8 %"`)
	var page bytes.Buffer
	require.NoError(t, render.HTML(&page, render.Dashboard{Results: []convreport.Result{r}}, render.HTMLOptions{}))
	require.Contains(t, page.String(), "23 · 28.8 %")
}

// refShare is the share of part in total by integer arithmetic: tenths
// of a percent rounded half up, written without a trailing ".0".
func refShare(part, total int) string {
	tenths := (2*part*1000 + total) / (2 * total)
	s := strconv.Itoa(tenths / 10)
	if tenths%10 != 0 {
		s += "." + strconv.Itoa(tenths%10)
	}
	return s + " %"
}

// Every share of every total up to 400 is written as the integer
// reference says, in the chart spec every renderer draws from.
func TestPieSharesAgainstAnIntegerReference(t *testing.T) {
	require.Equal(t, "28.8 %", refShare(23, 80), "the reference itself")
	require.Equal(t, "0.3 %", refShare(1, 400), "the reference itself: 0.25 rounds up")
	require.Equal(t, "33.3 %", refShare(1, 3), "the reference itself")
	for total := 1; total <= 400; total++ {
		for part := 0; part <= total; part++ {
			s := render.NewChartSpec(pieOf(part, total-part)).Slices
			if s[0].ShareText != refShare(part, total) || s[1].ShareText != refShare(total-part, total) {
				t.Fatalf("%d and %d of %d: shares %q and %q, want %q and %q", part, total-part, total,
					s[0].ShareText, s[1].ShareText, refShare(part, total), refShare(total-part, total))
			}
			if got := render.FormatShare(decimal.NewFromInt(int64(part)), decimal.NewFromInt(int64(total))); got != refShare(part, total) {
				t.Fatalf("FormatShare(%d, %d) = %q, want %q", part, total, got, refShare(part, total))
			}
		}
	}
}

// Shares of decimal values (a pie of percentages) and of nothing.
func TestFormatShareOfDecimalsAndNothing(t *testing.T) {
	d := decimal.RequireFromString
	require.Equal(t, "28.8 %", render.FormatShare(d("2.3"), d("8")))
	require.Equal(t, "0.1 %", render.FormatShare(d("0.05"), d("50")), "exactly 0.1 %")
	require.Equal(t, "0 %", render.FormatShare(d("0.0499"), d("100")), "0.0499 % rounds down")
	require.Equal(t, "0.1 %", render.FormatShare(d("0.05"), d("100")), "0.05 % rounds up")
	require.Equal(t, "0 %", render.FormatShare(d("0"), d("10")))
	require.Equal(t, "0 %", render.FormatShare(d("-3"), d("10")))
	require.Equal(t, "0 %", render.FormatShare(d("3"), d("0")))
	require.Equal(t, "100 %", render.FormatShare(d("1e400"), d("1e400")), "values past float64's range")
	require.False(t, strings.Contains(render.FormatShare(d("1e-500"), d("1")), "NaN"))
}
