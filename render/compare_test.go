package render_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/render"
	"github.com/shopspring/decimal"
)

func nd(s string) decimal.NullDecimal {
	return decimal.NewNullDecimal(decimal.RequireFromString(s))
}

func TestChange(t *testing.T) {
	for _, c := range []struct {
		cur, prev decimal.NullDecimal
		want      string
	}{
		{nd("112"), nd("100"), "+12 %"},
		{nd("95"), nd("100"), "−5 %"},
		{nd("100"), nd("100"), "0 %"},
		{nd("10"), nd("3"), "+233 %"},
		{nd("1.035"), nd("1"), "+3.5 %"},
		{nd("5"), nd("0"), ""},
		{decimal.NullDecimal{}, nd("3"), ""},
		{nd("3"), decimal.NullDecimal{}, ""},
	} {
		if got := render.Change(c.cur, c.prev); got != c.want {
			t.Errorf("Change(%v, %v) = %q, want %q", c.cur, c.prev, got, c.want)
		}
	}
}

// compared is a result by hand: two reps this month, one of them with
// two chats left out; the previous month had 100 and nothing for Bea.
func compared(chart convreport.ChartType, dims bool) convreport.Result {
	from := time.Date(2025, 4, 1, 0, 0, 0, 0, paris)
	r := convreport.Result{
		Report: convreport.Report{Name: "By rep", Measure: convreport.Measure{Agg: convreport.Average, Metric: convreport.WaitTime}, Chart: convreport.Chart{Type: chart}},
		From:   from, To: from.AddDate(0, 1, 0), Zone: paris,
		Compare: convreport.ComparePrevious, PreviousFrom: from.AddDate(0, -1, 0), PreviousTo: from,
	}
	if dims {
		r.Report.Dimensions = []string{"Assignee"}
		r.Points = []convreport.Point{
			{Dimensions: []convreport.DimensionValue{{Property: "Assignee", Value: "Ann", Known: true}}, Value: nd("112"), Count: 10, Excluded: 2,
				Previous: &convreport.Point{Value: nd("100"), Count: 9}},
			{Dimensions: []convreport.DimensionValue{{Property: "Assignee", Value: "Bea", Known: true}}, Value: nd("50"), Count: 4,
				Previous: &convreport.Point{Count: 0}},
		}
	} else {
		r.Points = []convreport.Point{{Value: nd("112"), Count: 10, Excluded: 2, Previous: &convreport.Point{Value: nd("100"), Count: 9}}}
	}
	return r
}

func TestSVGDrawsTheComparedPeriod(t *testing.T) {
	for _, chart := range []convreport.ChartType{convreport.BarChart, convreport.ColumnChart} {
		var b bytes.Buffer
		if err := render.SVG(&b, compared(chart, true), render.SVGOptions{}); err != nil {
			t.Fatal(err)
		}
		svg := b.String()
		// One ghost: Bea had no value in the previous month.
		if n := strings.Count(svg, `class="ghost"`); n != 1 {
			t.Errorf("%s: %d ghosts, want 1", chart, n)
		}
		for _, want := range []string{
			"Ann, previous month: 1m 40s (9 conversations)",
			"Ann: 1m 52s (10 conversations) · 2 left out: no agent reply yet · previous month: 1m 40s (9 conversations), +12 %",
			"Bea: 50s (4 conversations) · previous month: – (0 conversations)",
		} {
			if !strings.Contains(svg, want) {
				t.Errorf("%s: the SVG does not say %q:\n%s", chart, want, svg)
			}
		}
	}
	var b bytes.Buffer
	if err := render.SVG(&b, compared(convreport.SummaryChart, false), render.SVGOptions{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "+12 % vs previous month") {
		t.Errorf("the summary does not say its change:\n%s", b.String())
	}
}

func TestVegaLiteLayersTheComparedPeriod(t *testing.T) {
	raw, err := render.VegaLite(compared(convreport.BarChart, true))
	if err != nil {
		t.Fatal(err)
	}
	var spec struct {
		Data struct {
			Values []map[string]any `json:"values"`
		} `json:"data"`
		Layer []struct {
			Mark     map[string]any `json:"mark"`
			Encoding map[string]any `json:"encoding"`
		} `json:"layer"`
	}
	if err := json.Unmarshal(raw, &spec); err != nil {
		t.Fatal(err)
	}
	if len(spec.Layer) != 2 || spec.Layer[1].Mark["filled"] != false || spec.Layer[1].Encoding["x"].(map[string]any)["field"] != "previous" {
		t.Fatalf("want the bars and a layer of dashed outlines at previous:\n%s", raw)
	}
	ann := spec.Data.Values[0]
	if ann["previous"] != 100.0 || ann["previous_text"] != "1m 40s (9 conversations)" || ann["excluded_text"] != "2 (no agent reply yet)" {
		t.Errorf("Ann's row: %v", ann)
	}
	if bea := spec.Data.Values[1]; bea["previous"] != nil {
		t.Errorf("Bea's row has a previous value: %v", bea)
	}
}
