package render_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"html"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/render"
)

// Values spelled like the group with no value, quotes and all, each get a
// label of their own: one more layer of curly quotes than they hold.
func TestDimensionLabelAddsOneLayerOfQuotes(t *testing.T) {
	for _, c := range []struct {
		d     convreport.DimensionValue
		label string
	}{
		{unknown("Assignee"), "(no value)"},
		{known("Assignee", "(no value)"), "“(no value)”"},
		{known("Assignee", "“(no value)”"), "““(no value)””"},
		{known("Assignee", `"(no value)"`), `“"(no value)"”`},
		{known("Assignee", `“"(no value)"”`), `““"(no value)"””`},
		{known("Assignee", `""(no value)""`), `“""(no value)""”`},
		// Not "(no value)" within quotes: the value itself.
		{known("Assignee", "rep-07"), "rep-07"},
		{known("Assignee", "Other"), "Other"},
		{known("Assignee", `"rep-07"`), `"rep-07"`},
		{known("Assignee", "“(no value)"), "“(no value)"},
		{known("Assignee", `“(no value)"`), `“(no value)"`},
		{known("Assignee", "(no value) "), "(no value) "},
		{known("Assignee", "“ (no value)”"), "“ (no value)”"},
		{known("Assignee", "(No value)"), "(No value)"},
	} {
		require.Equal(t, c.label, render.DimensionLabel(c.d), "label of %+v", c.d)
		v, ok := render.ParseDimensionLabel(c.label)
		require.Equal(t, c.d.Known, ok, "known of %q", c.label)
		require.Equal(t, c.d.Value, v, "value of %q", c.label)
	}
}

// A label may be typed with ASCII quotes where the outputs show curly
// ones: one layer is taken off either way. An empty label names no value.
func TestParseDimensionLabelTakesEitherQuotes(t *testing.T) {
	for label, want := range map[string]string{
		`"(no value)"`:       "(no value)",
		`"“(no value)”"`:     "“(no value)”",
		`""(no value)""`:     `"(no value)"`,
		`“"(no value)"”`:     `"(no value)"`,
		`"rep-07"`:           `"rep-07"`,
		"“Alice”":            "“Alice”",
		`"(no value)" `:      `"(no value)" `,
		"Alice / (no value)": "Alice / (no value)",
	} {
		v, ok := render.ParseDimensionLabel(label)
		require.True(t, ok, label)
		require.Equal(t, want, v, label)
	}
	_, ok := render.ParseDimensionLabel("")
	require.False(t, ok)
	_, ok = render.ParseDimensionLabel("(no value)")
	require.False(t, ok)
}

// Every value built of up to three layers of quotes (curly, ASCII or
// odd pairs) around a few cores has a label no other value has, which
// reads back as it.
func TestDimensionLabelIsOneToOne(t *testing.T) {
	wraps := [][2]string{{"“", "”"}, {`"`, `"`}, {"“", `"`}, {`"`, "”"}, {"”", "“"}}
	values := []string{"(no value)", "x", "", "“", `"`, "(no value)”"}
	for layer := 0; layer < 3; layer++ {
		n := len(values)
		for _, v := range values[:n] {
			for _, w := range wraps {
				values = append(values, w[0]+v+w[1])
			}
		}
	}
	seen := map[string]string{"(no value)": "the group with no value"}
	for _, v := range values {
		if v == "" {
			continue // an empty value is no value: sources keep none
		}
		l := render.DimensionLabel(known("Assignee", v))
		if prev, dup := seen[l]; dup && prev != v {
			t.Fatalf("%q and %q are both labelled %q", prev, v, l)
		}
		seen[l] = v
		got, ok := render.ParseDimensionLabel(l)
		require.True(t, ok, l)
		require.Equal(t, v, got, "label %q", l)
	}
}

// The group with no value and values reading "(no value)" within any
// quotes are four groups in every output: text, SVG, HTML, the report's
// CSV and Vega-Lite, as categories and as series.
func TestGroupsSpelledNoValueStayApartInEveryOutput(t *testing.T) {
	groups := []convreport.DimensionValue{
		known("Assignee", "“(no value)”"), known("Assignee", `"(no value)"`),
		known("Assignee", "(no value)"), unknown("Assignee"),
	}
	labels := []string{"““(no value)””", `“"(no value)"”`, "“(no value)”", "(no value)"}
	counts := []string{"4", "3", "2", "1"}
	var pts []convreport.Point
	for i, g := range groups {
		pts = append(pts, convreport.Point{Dimensions: []convreport.DimensionValue{g}, Value: num(counts[i]), Count: int64(4 - i)})
	}
	r := result(convreport.Report{Name: "By rep", Dimensions: []string{"Assignee"}}, pts...)
	d := render.Dashboard{Name: "Reps", From: rangeFrom, To: rangeTo, Zone: paris, Results: []convreport.Result{r}}

	spec := render.NewChartSpec(r)
	require.Equal(t, labels, spec.Labels)
	for i, c := range spec.Categories {
		require.Equal(t, labels[i], c.Label)
	}

	var text bytes.Buffer
	require.NoError(t, render.Text(&text, d, render.TextOptions{}))
	for i, l := range labels {
		require.Regexp(t, `(?m)^\s+`+regexp.QuoteMeta(l)+`\s+`+counts[i]+`\s`, text.String())
	}

	var svg bytes.Buffer
	require.NoError(t, render.SVG(&svg, r, render.SVGOptions{}))
	for i, l := range labels {
		require.Contains(t, svg.String(), ">"+html.EscapeString(l)+"</text>")
		require.Contains(t, svg.String(), "<title>"+html.EscapeString(l)+": "+counts[i]+" (")
	}

	var page bytes.Buffer
	require.NoError(t, render.HTML(&page, d, render.HTMLOptions{}))
	rows := regexp.MustCompile(`<th scope="row"><bdi>([^<]*)</bdi></th><td class="num">(\d+)</td>`).FindAllStringSubmatch(page.String(), -1)
	require.Len(t, rows, 4)
	for i, row := range rows {
		require.Equal(t, html.EscapeString(labels[i]), row[1])
		require.Equal(t, counts[i], row[2])
	}

	var c bytes.Buffer
	require.NoError(t, render.ReportCSV(&c, r))
	recs, err := csv.NewReader(&c).ReadAll()
	require.NoError(t, err)
	require.Len(t, recs, 5)
	for i, l := range labels {
		require.Equal(t, []string{l, counts[i]}, recs[i+1])
	}

	b, err := render.VegaLite(r)
	require.NoError(t, err)
	var v struct {
		Data struct {
			Values []struct{ Category, Label string } `json:"values"`
		} `json:"data"`
	}
	require.NoError(t, json.Unmarshal(b, &v))
	require.Len(t, v.Data.Values, 4)
	for i, row := range v.Data.Values {
		require.Equal(t, labels[i], row.Category)
		require.Equal(t, labels[i], row.Label)
	}

	// The same groups as the series of a stacked column chart.
	var spts []convreport.Point
	for i, g := range groups {
		spts = append(spts, convreport.Point{Dimensions: []convreport.DimensionValue{known("Inbox", "Sales"), g}, Value: num(counts[i]), Count: int64(4 - i)})
	}
	sr := result(convreport.Report{Name: "By inbox and rep", Dimensions: []string{"Inbox", "Assignee"},
		Chart: convreport.Chart{Type: convreport.ColumnChart, Stacked: true}}, spts...)
	sspec := render.NewChartSpec(sr)
	var names []string
	for _, s := range sspec.Series {
		names = append(names, s.Name)
	}
	require.Equal(t, labels, names)
	require.Equal(t, []string{"Sales / ““(no value)””", `Sales / “"(no value)"”`, "Sales / “(no value)”", "Sales / (no value)"}, sspec.Labels)
	b, err = render.VegaLite(sr)
	require.NoError(t, err)
	var sv struct {
		Data struct {
			Values []struct{ Series string } `json:"values"`
		} `json:"data"`
	}
	require.NoError(t, json.Unmarshal(b, &sv))
	require.Len(t, sv.Data.Values, 4)
	for i, row := range sv.Data.Values {
		require.Equal(t, labels[i], row.Series)
	}
}
