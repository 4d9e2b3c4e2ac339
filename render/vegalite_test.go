package render_test

import (
	"encoding/json"
	"testing"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/render"
	"github.com/stretchr/testify/require"
)

func TestVegaLiteGolden(t *testing.T) {
	for _, c := range svgCases {
		t.Run(c.name, func(t *testing.T) {
			b, err := render.VegaLite(c.r)
			require.NoError(t, err)
			golden(t, "vegalite/"+c.name+".vl.json", append(b, '\n'))
		})
	}
	b, err := render.VegaLiteDashboard(fixture())
	require.NoError(t, err)
	golden(t, "vegalite/dashboard.vl.json", append(b, '\n'))
}

func vegaOf(t *testing.T, r convreport.Result) map[string]any {
	t.Helper()
	b, err := render.VegaLite(r)
	require.NoError(t, err)
	var spec map[string]any
	require.NoError(t, json.Unmarshal(b, &spec))
	require.Equal(t, "https://vega.github.io/schema/vega-lite/v5.json", spec["$schema"])
	return spec
}

func path(m map[string]any, keys ...string) any {
	var v any = m
	for _, k := range keys {
		v = v.(map[string]any)[k]
	}
	return v
}

func TestVegaLiteMarks(t *testing.T) {
	tests := []struct {
		name     string
		r        convreport.Result
		mark     string
		valueCh  string
		stack    any // the value channel's stack; "absent" when unset
		category string
	}{
		{"bars run along x", byRep, "bar", "x", "absent", "y"},
		{"stacked columns", byInboxChannel, "bar", "y", "zero", "x"},
		{"percent columns normalize", withChart(byInboxChannel, convreport.Chart{Type: convreport.ColumnChart, Percent: true}), "bar", "y", "normalize", "x"},
		{"grouped bars do not stack", withChart(byInboxChannel, convreport.Chart{Type: convreport.BarChart}), "bar", "x", nil, "y"},
		{"lines", overTime, "line", "y", "absent", "x"},
		{"areas", waitOverTime, "area", "y", nil, "x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := vegaOf(t, tt.r)
			require.Equal(t, tt.mark, path(spec, "mark", "type"))
			val := path(spec, "encoding", tt.valueCh).(map[string]any)
			// Durations are drawn in a unit of their own (see TestVegaLiteDurationAxis).
			require.Contains(t, []any{"value", "value_hours"}, val["field"])
			stack, ok := val["stack"]
			if !ok {
				stack = "absent"
			}
			require.Equal(t, tt.stack, stack)
			require.NotNil(t, path(spec, "encoding", tt.category))
		})
	}
}

func TestVegaLiteTimeAxisAndNulls(t *testing.T) {
	spec := vegaOf(t, waitOverTime)
	x := path(spec, "encoding", "x").(map[string]any)
	require.Equal(t, "temporal", x["type"])
	require.Equal(t, "bucket", x["field"])
	rows := path(spec, "data", "values").([]any)
	require.Len(t, rows, len(waitOverTime.Points))
	require.Equal(t, "2025-03-29", rows[1].(map[string]any)["bucket"])
	require.Nil(t, rows[1].(map[string]any)["value"], "a null stays null")
	require.Equal(t, "–", rows[1].(map[string]any)["value_text"])
	require.Equal(t, 600.125, rows[2].(map[string]any)["value"])
	require.Equal(t, "10m 00s", rows[2].(map[string]any)["value_text"])
}

func TestVegaLitePieAndDonut(t *testing.T) {
	pie := vegaOf(t, byChannel)
	require.Equal(t, "arc", path(pie, "mark", "type"))
	require.Nil(t, path(pie, "mark").(map[string]any)["innerRadius"])
	require.Equal(t, "value", path(pie, "encoding", "theta", "field"))
	donut := vegaOf(t, withChart(byChannel, convreport.Chart{Type: convreport.DonutChart}))
	require.NotNil(t, path(donut, "mark").(map[string]any)["innerRadius"])
}

func TestVegaLiteSummaryAndTable(t *testing.T) {
	s := vegaOf(t, openNow)
	require.Equal(t, "text", path(s, "mark", "type"))
	require.Equal(t, "4,321", path(s, "data", "values").([]any)[0].(map[string]any)["value_text"])
	tb := vegaOf(t, shareByPriority)
	require.Equal(t, "text", path(tb, "mark", "type"))
	require.Len(t, path(tb, "data", "values"), 2*len(shareByPriority.Points), "a cell per point and column")
}

func TestVegaLiteDashboard(t *testing.T) {
	b, err := render.VegaLiteDashboard(fixture())
	require.NoError(t, err)
	var spec map[string]any
	require.NoError(t, json.Unmarshal(b, &spec))
	require.Equal(t, render.VegaLiteSchema, spec["$schema"])
	require.Equal(t, `Chat & "Email" <overview>`, path(spec, "title", "text"))
	parts := spec["vconcat"].([]any)
	require.Len(t, parts, len(fixture().Results))
	for _, p := range parts {
		require.NotContains(t, p.(map[string]any), "$schema", "only the top level names the schema")
	}
}

// Each report of a Vega-Lite dashboard keeps its own colours, legend and
// side-by-side slots: a pie of channels, a stacked and a grouped chart of
// inboxes by channel, and one by team. Shared (Vega-Lite's default for
// concatenated views) they would be one scale over chat, email, the
// script label, "(no value)" and the teams, its colours the pie's three,
// under one legend titled for all.
func TestVegaLiteDashboardReportsHaveTheirOwnScales(t *testing.T) {
	grouped := withChart(byInboxChannel, convreport.Chart{Type: convreport.ColumnChart})
	byTeam := result(convreport.Report{Name: "By inbox and team", Dimensions: []string{"Inbox", "Team"}, Chart: convreport.Chart{Type: convreport.ColumnChart}},
		convreport.Point{Dimensions: []convreport.DimensionValue{known("Inbox", "Support"), known("Team", "A")}, Value: num("4"), Count: 4},
		convreport.Point{Dimensions: []convreport.DimensionValue{known("Inbox", "Support"), known("Team", "B")}, Value: num("2"), Count: 2},
	)
	b, err := render.VegaLiteDashboard(render.Dashboard{Name: "D", Results: []convreport.Result{byChannel, byInboxChannel, grouped, byTeam}})
	require.NoError(t, err)
	var spec struct {
		Resolve struct {
			Scale  map[string]string `json:"scale"`
			Legend map[string]string `json:"legend"`
		} `json:"resolve"`
		VConcat []struct {
			Encoding struct {
				Color struct {
					Field string `json:"field"`
					Title string `json:"title"`
				} `json:"color"`
			} `json:"encoding"`
		} `json:"vconcat"`
	}
	require.NoError(t, json.Unmarshal(b, &spec))
	require.Equal(t, map[string]string{"color": "independent", "xOffset": "independent", "yOffset": "independent"}, spec.Resolve.Scale)
	require.Equal(t, map[string]string{"color": "independent"}, spec.Resolve.Legend)
	require.Equal(t, "category", spec.VConcat[0].Encoding.Color.Field)
	require.Equal(t, "series", spec.VConcat[1].Encoding.Color.Field)
	require.Equal(t, "Team", spec.VConcat[3].Encoding.Color.Title)
}
