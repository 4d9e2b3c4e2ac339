package render_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/render"
)

// A plan whose value is the text "(no value)" beside conversations with
// no plan: two series, told apart everywhere, the value quoted as a
// category spelled so already was. The legend listed "(no value)" twice
// and Vega-Lite, which colours by series name, drew one series.
func TestNoValueSpelledOutIsQuotedInSeries(t *testing.T) {
	r := result(convreport.Report{Name: "By inbox and plan", Dimensions: []string{"Inbox", "plan"}, Chart: convreport.Chart{Type: convreport.ColumnChart, Stacked: true}},
		convreport.Point{Dimensions: []convreport.DimensionValue{known("Inbox", "Sales"), known("plan", "(no value)")}, Value: num("5"), Count: 5},
		convreport.Point{Dimensions: []convreport.DimensionValue{known("Inbox", "Sales"), unknown("plan")}, Value: num("3"), Count: 3},
		convreport.Point{Dimensions: []convreport.DimensionValue{known("Inbox", "(no value)"), unknown("plan")}, Value: num("1"), Count: 1},
	)
	spec := render.NewChartSpec(r)
	require.Len(t, spec.Series, 2)
	require.Equal(t, "“(no value)”", spec.Series[0].Name)
	require.Equal(t, "(no value)", spec.Series[1].Name)
	require.Equal(t, []string{"Sales / “(no value)”", "Sales / (no value)", "“(no value)” / (no value)"}, spec.Labels)
	require.Equal(t, "“(no value)”", spec.Categories[1].Label)

	var svg bytes.Buffer
	require.NoError(t, render.SVG(&svg, r, render.SVGOptions{}))
	require.Contains(t, svg.String(), ">“(no value)”</text>")
	require.Contains(t, svg.String(), "<title>Sales / “(no value)”: 5 (5 conversations)</title>")

	b, err := render.VegaLite(r)
	require.NoError(t, err)
	var v struct {
		Data struct {
			Values []struct{ Series string } `json:"values"`
		} `json:"data"`
	}
	require.NoError(t, json.Unmarshal(b, &v))
	require.Equal(t, "“(no value)”", v.Data.Values[0].Series)
	require.Equal(t, "(no value)", v.Data.Values[1].Series)
}
