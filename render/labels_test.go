package render_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/memory"
	"github.com/convreport/convreport/render"
)

// A custom property's schema label names it wherever a built-in
// property's label names it: the axis and the legend, the table's head,
// the card's line, the drawing's description, the report's CSV and the
// Vega-Lite titles. The engine's result carries the schema that labels
// it; a Result made by hand without one names a custom property by its
// name.
func TestCustomLabelsNameTheirProperties(t *testing.T) {
	schema, err := convreport.ParseSchema([]byte(`{"properties": [
		{"name": "plan", "kind": "enum", "values": ["free", "pro"], "label": "Plan tier"},
		{"name": "vip", "kind": "bool", "label": "VIP"}]}`))
	require.NoError(t, err)
	at := time.Date(2025, 3, 29, 10, 0, 0, 0, paris)
	conv := func(id, plan string, vip bool) convreport.Conversation {
		return convreport.Conversation{ID: id, Channel: convreport.Chat, Status: convreport.Open, CreatedAt: at,
			Properties: map[string]any{"plan": plan, "vip": vip}}
	}
	src, err := memory.New([]convreport.Conversation{conv("a", "pro", true), conv("b", "pro", false), conv("c", "free", false)}, memory.WithSchema(schema))
	require.NoError(t, err)
	rep := convreport.Report{Name: "Plans", Dimensions: []string{"plan", "vip"}, Chart: convreport.Chart{Type: convreport.ColumnChart, Stacked: true}}
	res, err := convreport.NewEngine(src).Run(context.Background(), convreport.Query{From: rangeFrom, To: rangeTo, Zone: paris, Now: rangeTo}, rep)
	require.NoError(t, err)
	r := res[0]
	require.Same(t, schema, r.Schema, "the engine says which schema the result ran against")

	spec := render.NewChartSpec(r)
	require.Equal(t, "Plan tier", spec.X.Title)
	require.Equal(t, "plan", spec.X.Field, "the field stays the key")
	require.Equal(t, "VIP", spec.Legend)

	var svg bytes.Buffer
	require.NoError(t, render.SVG(&svg, r, render.SVGOptions{}))
	require.Contains(t, svg.String(), "<desc id=\"chart-desc\">Stacked column chart of conversations by plan tier and VIP, 3 points.</desc>")

	var text bytes.Buffer
	require.NoError(t, render.Text(&text, render.Dashboard{Results: res}, render.TextOptions{}))
	require.Contains(t, text.String(), "Plan tier / VIP")

	var page bytes.Buffer
	require.NoError(t, render.HTML(&page, render.Dashboard{Results: res}, render.HTMLOptions{}))
	require.Contains(t, page.String(), "Conversations by plan tier and VIP · 3 conversations")

	var csv bytes.Buffer
	require.NoError(t, render.ReportCSV(&csv, r))
	require.True(t, strings.HasPrefix(csv.String(), "Plan tier / VIP,Conversations\n"), csv.String())
	// The dashboard CSV and the result JSON are for programs: keys.
	csv.Reset()
	require.NoError(t, render.CSV(&csv, render.Dashboard{Results: res}))
	require.True(t, strings.HasPrefix(csv.String(), "report,measure,unit,plan,vip,bucket,"), csv.String())

	vl, err := render.VegaLite(r)
	require.NoError(t, err)
	var v struct {
		Encoding struct {
			X     struct{ Title string } `json:"x"`
			Color struct{ Title string } `json:"color"`
		} `json:"encoding"`
	}
	require.NoError(t, json.Unmarshal(vl, &v))
	require.Equal(t, "Plan tier", v.Encoding.X.Title)
	require.Equal(t, "VIP", v.Encoding.Color.Title)

	// Without a schema, a custom property goes by its name and a built-in
	// one by its label.
	r.Schema = nil
	spec = render.NewChartSpec(r)
	require.Equal(t, "plan", spec.X.Title)
	require.Equal(t, "vip", spec.Legend)
	r.Report.Dimensions[0] = "OriginURL"
	require.Equal(t, "Page URL", render.NewChartSpec(r).X.Title)
}

// The note on a large group with no value names its property by label.
func TestNoValueNoteNamesTheCustomLabel(t *testing.T) {
	schema, err := convreport.ParseSchema([]byte(`{"properties": [{"name": "plan", "kind": "enum", "values": ["free", "pro"], "label": "Plan tier"}]}`))
	require.NoError(t, err)
	r := result(convreport.Report{Name: "Plans", Dimensions: []string{"plan"}},
		convreport.Point{Dimensions: []convreport.DimensionValue{known("plan", "pro")}, Value: num("1"), Count: 1},
		convreport.Point{Dimensions: []convreport.DimensionValue{unknown("plan")}, Value: num("3"), Count: 3},
	)
	r.Schema = schema
	require.Equal(t, "(no value) is 75 % of the conversations (no Plan tier); shown after the others.", render.NewChartSpec(r).Note)
}
