package render_test

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/render"
)

func itemURL(i int) string {
	return fmt.Sprintf("https://shop.example.com/products/category/item-%02d", i)
}

// Page URLs of one site differ only at their end: cut at their end, every
// bar read "https://shop.example.com/produ…". Cut in their middle, each
// keeps its start and its end, in the SVG's bar labels and the text's
// table alike. By hand: a bar label has 224 px (35 % of 640), 31
// characters of 7.2 px; 12 of the start, "…", 18 of the end.
func TestCutLabelsStayDistinct(t *testing.T) {
	var pts []convreport.Point
	for i := 0; i < 6; i++ {
		pts = append(pts, convreport.Point{Dimensions: []convreport.DimensionValue{known("OriginURL", itemURL(i))},
			Value: num(fmt.Sprint(9 - i)), Count: int64(9 - i)})
	}
	r := result(convreport.Report{Name: "Chats by page", Dimensions: []string{"OriginURL"}}, pts...)
	var svg bytes.Buffer
	require.NoError(t, render.SVG(&svg, r, render.SVGOptions{}))
	var drawn []string
	for _, m := range regexp.MustCompile(`text-anchor="end">([^<]*)</text>`).FindAllStringSubmatch(svg.String(), -1) {
		drawn = append(drawn, m[1])
	}
	want := make([]string, 6)
	for i := range want {
		want[i] = fmt.Sprintf("https://shop…s/category/item-%02d", i)
	}
	require.Equal(t, want, drawn)

	// The text's table at 60 columns: the label has 31 (60, less the
	// indent, the value column and a bar of 10).
	var text bytes.Buffer
	require.NoError(t, render.Text(&text, render.Dashboard{Results: []convreport.Result{r}}, render.TextOptions{Width: 60}))
	for _, w := range want {
		require.Contains(t, text.String(), "  "+w+"  ")
	}

	// Labels told apart by their start keep the usual cut.
	r = result(convreport.Report{Name: "Chats by page", Dimensions: []string{"OriginURL"}},
		convreport.Point{Dimensions: []convreport.DimensionValue{known("OriginURL", "https://one.example.com/a/very/long/path/to/a/page")}, Value: num("2"), Count: 2},
		convreport.Point{Dimensions: []convreport.DimensionValue{known("OriginURL", "https://two.example.com/a/very/long/path/to/a/page")}, Value: num("1"), Count: 1},
	)
	svg.Reset()
	require.NoError(t, render.SVG(&svg, r, render.SVGOptions{}))
	require.Contains(t, svg.String(), ">https://one.example.com/a/very…</text>")
	require.Contains(t, svg.String(), ">https://two.example.com/a/very…</text>")
}

// A legend of series named by URLs: each keeps its end. By hand: a
// legend entry has 160 px, 22 characters of 7.2 px; 8 of the start, "…",
// 13 of the end.
func TestCutSeriesNamesStayDistinct(t *testing.T) {
	var pts []convreport.Point
	for i := 0; i < 3; i++ {
		pts = append(pts, convreport.Point{Dimensions: []convreport.DimensionValue{known("Inbox", "Sales"), known("OriginURL", itemURL(i))},
			Value: num("1"), Count: 1})
	}
	r := result(convreport.Report{Name: "By inbox and page", Dimensions: []string{"Inbox", "OriginURL"}, Chart: convreport.Chart{Type: convreport.ColumnChart, Stacked: true}}, pts...)
	var svg bytes.Buffer
	require.NoError(t, render.SVG(&svg, r, render.SVGOptions{}))
	for i := 0; i < 3; i++ {
		require.Contains(t, svg.String(), fmt.Sprintf(">https://…egory/item-%02d</text>", i))
	}
	require.False(t, strings.Contains(svg.String(), ">https://shop.example.c…</text>"))
}
