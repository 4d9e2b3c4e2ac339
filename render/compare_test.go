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
		Transform []map[string]any `json:"transform"`
		Layer     []struct {
			Mark     map[string]any `json:"mark"`
			Encoding map[string]any `json:"encoding"`
		} `json:"layer"`
	}
	if err := json.Unmarshal(raw, &spec); err != nil {
		t.Fatal(err)
	}
	if len(spec.Layer) != 2 || spec.Layer[1].Mark["filled"] != false || spec.Layer[1].Encoding["x"].(map[string]any)["field"] != "previous_seconds" {
		t.Fatalf("want the bars and a layer of dashed outlines at previous_seconds:\n%s", raw)
	}
	// Every field a layer draws is in the data or calculated by the
	// shared transform: the bars' value_seconds and the outlines'
	// previous_seconds, both from seconds (the largest value is 112 s).
	made := map[string]string{}
	for _, tr := range spec.Transform {
		made[tr["as"].(string)] = tr["calculate"].(string)
	}
	for _, l := range spec.Layer {
		f := l.Encoding["x"].(map[string]any)["field"].(string)
		if _, ok := spec.Data.Values[0][f]; !ok && made[f] == "" {
			t.Errorf("layer %v draws %s, which neither the data nor the transform has:\n%s", l.Mark, f, raw)
		}
	}
	if want := "datum.previous == null ? null : datum.previous / 1"; made["previous_seconds"] != want {
		t.Errorf("previous_seconds is %q, want %q", made["previous_seconds"], want)
	}
	ann := spec.Data.Values[0]
	if ann["previous"] != 100.0 || ann["previous_text"] != "1m 40s (9 conversations)" || ann["excluded_text"] != "2 (no agent reply yet)" {
		t.Errorf("Ann's row: %v", ann)
	}
	if bea := spec.Data.Values[1]; bea["previous"] != nil {
		t.Errorf("Bea's row has a previous value: %v", bea)
	}
}

// Text and CSV say the compared period too: a column of previous values
// and the change for a table, the previous value and count in CSV rows,
// empty where the earlier period has no value.
func TestTextAndCSVShowTheComparedPeriod(t *testing.T) {
	r := compared(convreport.TableChart, true)
	d := render.Dashboard{Name: "Support", Results: []convreport.Result{r}}
	var text bytes.Buffer
	if err := render.Text(&text, d, render.TextOptions{Width: 100}); err != nil {
		t.Fatal(err)
	}
	out := text.String()
	// Ann waited 112 s against 100 s: 1m 52s, 1m 40s, +12 %; Bea has no
	// earlier value (no conversation then): a dash for the value.
	for _, want := range []string{
		"compared with previous month, 2025-03-01 – 2025-03-31",
		"Previous", "Change",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text lacks %q:\n%s", want, out)
		}
	}
	var ann, bea string
	for _, line := range strings.Split(out, "\n") {
		switch {
		case strings.Contains(line, "Ann"):
			ann = line
		case strings.Contains(line, "Bea"):
			bea = line
		}
	}
	if f := strings.Fields(ann); len(f) < 8 || f[1]+" "+f[2] != "1m 52s" || f[4]+" "+f[5] != "1m 40s" || f[6]+" "+f[7] != "+12 %" {
		t.Errorf("Ann's line %q, want 1m 52s, 10, 1m 40s, +12 %%", ann)
	}
	if f := strings.Fields(bea); len(f) < 4 || f[1] != "50s" || f[3] != nullValueText {
		t.Errorf("Bea's line %q, want 50s, 4 and no previous value", bea)
	}

	var dash bytes.Buffer
	if err := render.CSV(&dash, d); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(dash.String()), "\n")
	if want := "report,measure,unit,assignee,bucket,value,count,other,previous_value,previous_count"; lines[0] != want {
		t.Errorf("header %q, want %q", lines[0], want)
	}
	if want := "By rep,avg_wait_time,seconds,Ann,,112,10,,100,9"; lines[1] != want {
		t.Errorf("Ann's row %q, want %q", lines[1], want)
	}
	if want := "By rep,avg_wait_time,seconds,Bea,,50,4,,,0"; lines[2] != want {
		t.Errorf("Bea's row %q, want %q", lines[2], want)
	}

	var one bytes.Buffer
	if err := render.ReportCSV(&one, r); err != nil {
		t.Fatal(err)
	}
	rows := strings.Split(strings.TrimSpace(one.String()), "\n")
	if !strings.HasSuffix(rows[0], ",Previous month (seconds),\"Conversations, previous month\"") {
		t.Errorf("report CSV header %q lacks the previous month's columns", rows[0])
	}
	if want := "Ann,112,10,100,9"; rows[1] != want {
		t.Errorf("report CSV row %q, want %q", rows[1], want)
	}
	if want := "Bea,50,4,,0"; rows[2] != want {
		t.Errorf("report CSV row %q, want %q", rows[2], want)
	}
}

// nullValueText is how text shows a point with no value in the compared
// period.
const nullValueText = "–"
