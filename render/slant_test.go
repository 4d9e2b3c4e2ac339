package render_test

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/render"
)

// estW is the drawing's own estimate of a label's width at 11 px: 0.6 em
// a character.
func estW(s string) float64 { return float64(utf8.RuneCountInString(s)) * 0.6 * 11 }

var (
	slantedLabel  = regexp.MustCompile(`<text x="([0-9.]+)" y="[0-9.]+" text-anchor="end" transform="rotate\(-45 [^"]*\)">([^<]*)</text>`)
	centredLabel  = regexp.MustCompile(`<text x="([0-9.]+)" y="([0-9.]+)" text-anchor="middle">([^<]*)</text>`)
	svgWidth      = regexp.MustCompile(`^<svg [^>]*width="([0-9.]+)"`)
	noteLine      = regexp.MustCompile(`<text class="note" x="[0-9.]+" y="([0-9.]+)"[^>]*>([^<]*)</text>`)
	linkedTooltip = regexp.MustCompile(`<a [^>]*>\s*<title>([^<]*)</title>`)
)

func columnsOf(t *testing.T, n int, label func(i int) string) string {
	t.Helper()
	var pts []convreport.Point
	for i := 0; i < n; i++ {
		pts = append(pts, convreport.Point{Dimensions: []convreport.DimensionValue{known("OriginURL", label(i))}, Value: num(strconv.Itoa(n - i)), Count: int64(n - i)})
	}
	r := result(convreport.Report{Name: "Pages", Dimensions: []string{"OriginURL"}, Chart: convreport.Chart{Type: convreport.ColumnChart}}, pts...)
	var buf bytes.Buffer
	require.NoError(t, render.SVG(&buf, r, render.SVGOptions{}))
	return buf.String()
}

// Slanted labels end at their column and reach left by their width times
// cos 45°: the plot starts far enough right that the first one starts
// inside the drawing (it began at x ≈ −13, cut to "ttps://shop.ex…").
func TestSlantedLabelsStartInsideTheDrawing(t *testing.T) {
	doc := columnsOf(t, 12, func(i int) string { return fmt.Sprintf("https://shop.example.com/products/item-%02d", i) })
	labels := slantedLabel.FindAllStringSubmatch(doc, -1)
	require.Len(t, labels, 12, "12 columns fit 12 labels")
	for _, m := range labels {
		x, _ := strconv.ParseFloat(m[1], 64)
		require.GreaterOrEqual(t, x-estW(m[2])*0.7071, 0.0, "label %q at x=%s", m[2], m[1])
	}
	require.Empty(t, noteLine.FindAllStringSubmatch(doc, -1), "nothing left out, nothing to note")
}

// 60 columns of 9.6 px would put their slanted labels 6.8 px apart
// across the slant, under their 11 px font. Every 3rd is labelled
// instead, 20 px apart, with a note; every column keeps its tooltip.
//
// By hand: the labels are 11 characters, 72.6 px; the ticks (0 to 60)
// end at x = 37.2, and the first label's reach, its width and the 11 px
// of its glyphs turned 45°, (72.6 + 11) × 0.7071 + 4 = 63.1 px, moves the
// plot's left to 58.4; 60 bands of 9.43 px are 6.67 px apart across the
// slant, and 14 px (a line) needs every 3rd.
func TestCrowdedSlantedLabelsAreThinned(t *testing.T) {
	doc := columnsOf(t, 60, func(i int) string { return fmt.Sprintf("customer-%02d", i) })
	labels := slantedLabel.FindAllStringSubmatch(doc, -1)
	require.Len(t, labels, 20)
	var xs []float64
	for i, m := range labels {
		require.Equal(t, fmt.Sprintf("customer-%02d", 3*i), m[2])
		x, _ := strconv.ParseFloat(m[1], 64)
		require.GreaterOrEqual(t, x-estW(m[2])*0.7071, 0.0)
		xs = append(xs, x)
	}
	for i := 1; i < len(xs); i++ {
		require.GreaterOrEqual(t, (xs[i]-xs[i-1])*0.7071, 14.0, "labels %d and %d across their slant", i-1, i)
	}
	notes := noteLine.FindAllStringSubmatch(doc, -1)
	require.Len(t, notes, 1)
	require.Equal(t, "Every 3rd of the 60 columns is labelled; each column&#39;s tooltip names it.", notes[0][2])
	tips := linkedTooltip.FindAllStringSubmatch(doc, -1)
	require.Len(t, tips, 60)
	require.Equal(t, "customer-59: 1 (1 conversation)", tips[59][1])
}

// A thinned time axis (121 hours) labels only hours whose label fits
// inside the drawing: neither the first nor the last runs off its edge.
func TestThinnedTimeAxisLabelsStayInsideTheDrawing(t *testing.T) {
	var pts []convreport.Point
	start := time.Date(2025, 3, 1, 0, 0, 0, 0, paris)
	for i := 0; i < 121; i++ {
		pts = append(pts, convreport.Point{Bucket: start.Add(time.Duration(i) * time.Hour), Value: num(strconv.Itoa(i % 7)), Count: int64(i % 7)})
	}
	r := result(convreport.Report{Name: "Hours", Bucket: convreport.Hour, Chart: convreport.Chart{Type: convreport.ColumnChart}}, pts...)
	var buf bytes.Buffer
	require.NoError(t, render.SVG(&buf, r, render.SVGOptions{}))
	width, _ := strconv.ParseFloat(svgWidth.FindStringSubmatch(buf.String())[1], 64)
	labels := centredLabel.FindAllStringSubmatch(buf.String(), -1)
	require.NotEmpty(t, labels)
	for _, m := range labels {
		x, _ := strconv.ParseFloat(m[1], 64)
		require.GreaterOrEqual(t, x-estW(m[3])/2, 0.0, "label %q at x=%s", m[3], m[1])
		require.LessOrEqual(t, x+estW(m[3])/2, width, "label %q at x=%s", m[3], m[1])
	}
	require.Empty(t, noteLine.FindAllStringSubmatch(buf.String(), -1), "dates left out are read from their neighbours")
}

// The note under a column chart goes below its category labels: it was
// drawn over them.
func TestColumnNoteBelowTheLabels(t *testing.T) {
	var pts []convreport.Point
	for i := 0; i < 5; i++ {
		pts = append(pts, convreport.Point{Dimensions: []convreport.DimensionValue{known("Assignee", fmt.Sprintf("rep-%d", i))}, Value: num("5"), Count: 5})
	}
	pts = append(pts, convreport.Point{Dimensions: []convreport.DimensionValue{unknown("Assignee")}, Value: num("100"), Count: 100})
	r := result(convreport.Report{Name: "Reps", Dimensions: []string{"Assignee"}, Chart: convreport.Chart{Type: convreport.ColumnChart}}, pts...)
	for _, opts := range []render.SVGOptions{{}, {Height: 100}} {
		var buf bytes.Buffer
		require.NoError(t, render.SVG(&buf, r, opts))
		notes := noteLine.FindAllStringSubmatch(buf.String(), -1)
		require.Len(t, notes, 1)
		require.True(t, strings.HasPrefix(notes[0][2], "(no value) is 80 %"), notes[0][2])
		noteY, _ := strconv.ParseFloat(notes[0][1], 64)
		labels := centredLabel.FindAllStringSubmatch(buf.String(), -1)
		require.Len(t, labels, 6)
		for _, m := range labels {
			y, _ := strconv.ParseFloat(m[2], 64)
			require.GreaterOrEqual(t, noteY-y, 14.0, "label %q at y=%s, note at y=%s", m[3], m[2], notes[0][1])
		}
	}
}
