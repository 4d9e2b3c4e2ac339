package render_test

import (
	"bytes"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/internal/browsertest"
	"github.com/convreport/convreport/render"
)

// In Chromium, as people see the SVG: every axis label of a column chart
// of page URLs, slanted, lies inside its drawing (the first began at
// x ≈ −13 and read "ttps://shop.ex…"); so do the thinned labels of 60
// columns; and the bars of 6 URLs of one site have 6 different labels.
func TestBrowserAxisLabelsInsideAndDistinct(t *testing.T) {
	bin := browsertest.Chromium(t)
	columns := func(name string, n int, label func(i int) string, typ convreport.ChartType) convreport.Result {
		var pts []convreport.Point
		for i := 0; i < n; i++ {
			pts = append(pts, convreport.Point{Dimensions: []convreport.DimensionValue{known("OriginURL", label(i))}, Value: num(strconv.Itoa(n - i)), Count: int64(n - i)})
		}
		return result(convreport.Report{Name: name, Dimensions: []string{"OriginURL"}, Chart: convreport.Chart{Type: typ}}, pts...)
	}
	d := render.Dashboard{Name: "Labels", Results: []convreport.Result{
		columns("URLs", 12, func(i int) string { return fmt.Sprintf("https://shop.example.com/products/item-%02d", i) }, convreport.ColumnChart),
		columns("Customers", 60, func(i int) string { return fmt.Sprintf("customer-%02d", i) }, convreport.ColumnChart),
		columns("Bars", 6, func(i int) string { return fmt.Sprintf("https://shop.example.com/products/category/item-%02d", i) }, convreport.BarChart),
	}}
	var doc bytes.Buffer
	doc.WriteString(`<!DOCTYPE html><html><body style="margin:0">`)
	for i, r := range d.Results {
		require.NoError(t, render.SVG(&doc, r, render.SVGOptions{ID: "c" + strconv.Itoa(i)}))
	}
	doc.WriteString(`</body></html>`)
	file := filepath.Join(t.TempDir(), "labels.html")
	require.NoError(t, os.WriteFile(file, doc.Bytes(), 0o644))

	ctx := newBrowser(t, bin)
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate((&url.URL{Scheme: "file", Path: filepath.ToSlash(file)}).String()),
		chromedp.WaitReady(chromedp.CSS("body > svg:nth-of-type(3)"))))
	type label struct {
		Chart       int
		Text        string
		Left, Right float64 // relative to the drawing
		Width       float64 // the drawing's
	}
	labels, err := chromedp.Run(ctx, chromedp.Evaluate[[]label](`[...document.querySelectorAll("body > svg")].flatMap((svg, chart) => {
		const box = svg.getBoundingClientRect();
		return [...svg.querySelectorAll("g.axis text[transform], :scope > text[text-anchor=end][dy]")].map((t) => {
			const r = t.getBoundingClientRect();
			return {Chart: chart, Text: t.textContent, Left: r.left - box.left, Right: r.right - box.left, Width: box.width};
		});
	})`))
	require.NoError(t, err)
	count := map[int]int{}
	bars := map[string]bool{}
	for _, l := range labels {
		count[l.Chart]++
		require.GreaterOrEqual(t, l.Left, 0.0, "chart %d: label %q starts left of the drawing", l.Chart, l.Text)
		require.LessOrEqual(t, l.Right, l.Width, "chart %d: label %q ends right of the drawing", l.Chart, l.Text)
		if l.Chart == 2 {
			bars[l.Text] = true
		}
	}
	require.Equal(t, map[int]int{0: 12, 1: 20, 2: 6}, count)
	require.Len(t, bars, 6, "six bars, six labels: %v", bars)
}
