package render_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"
	_ "time/tzdata" // Europe/Paris without relying on the machine's zone files

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/render"
	"github.com/shopspring/decimal"
)

// Golden files live in testdata/. After a deliberate change to a renderer,
// rewrite them with
//
//	go test ./render/ -update
//
// and review the diff before committing.
var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./render/ -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; run go test ./render/ -update and review the diff\n--- got:\n%s", name, got)
	}
}

var paris = mustZone("Europe/Paris")

func mustZone(name string) *time.Location {
	z, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return z
}

// Hostile labels: markup, quotes and ampersands, right-to-left text, emoji
// and wide characters, a terminal escape.
const (
	labelScript = `<script>alert("x")</script>`
	labelQuotes = `Ops "Tier 2" & 'Co'`
	labelRTL    = "مرحبا بالعالم"
	labelEmoji  = "😀 Zoë 李"
	labelEscape = "evil\x1b[31mred"
)

func known(prop, v string) convreport.DimensionValue {
	return convreport.DimensionValue{Property: prop, Value: v, Known: true}
}

func unknown(prop string) convreport.DimensionValue {
	return convreport.DimensionValue{Property: prop}
}

func num(s string) decimal.NullDecimal {
	return decimal.NewNullDecimal(decimal.RequireFromString(s))
}

var null = decimal.NullDecimal{}

func day(d int) time.Time {
	if d > 31 {
		return time.Date(2025, 4, d-31, 0, 0, 0, 0, paris)
	}
	return time.Date(2025, 3, d, 0, 0, 0, 0, paris)
}

var (
	rangeFrom = day(28)
	rangeTo   = day(33) // 2025-04-02
)

func result(r convreport.Report, pts ...convreport.Point) convreport.Result {
	return convreport.Result{Report: r, From: rangeFrom, To: rangeTo, Zone: paris, Points: pts}
}

// Each report of the fixture dashboard, built by hand.
var (
	// A grouped count with the no-value group, hostile labels and the
	// folded tail.
	byRep = result(convreport.Report{Name: "Conversations by rep", Dimensions: []string{"Assignee"}, Limit: 6},
		convreport.Point{Dimensions: []convreport.DimensionValue{known("Assignee", "rep-07")}, Value: num("1234"), Count: 1234},
		convreport.Point{Dimensions: []convreport.DimensionValue{known("Assignee", labelScript)}, Value: num("312"), Count: 312},
		convreport.Point{Dimensions: []convreport.DimensionValue{known("Assignee", labelQuotes)}, Value: num("150"), Count: 150},
		convreport.Point{Dimensions: []convreport.DimensionValue{unknown("Assignee")}, Value: num("96"), Count: 96},
		convreport.Point{Dimensions: []convreport.DimensionValue{known("Assignee", labelRTL)}, Value: num("40"), Count: 40},
		convreport.Point{Dimensions: []convreport.DimensionValue{known("Assignee", labelEmoji)}, Value: num("7"), Count: 7},
		convreport.Point{Dimensions: []convreport.DimensionValue{known("Assignee", "Other")}, Other: true, Value: num("21"), Count: 21},
	)
	// A duration average with a null point (a source may return one).
	avgResponse = result(convreport.Report{Name: "Average chat first response time by rep", Dimensions: []string{"Assignee"},
		Measure: convreport.Measure{Agg: convreport.Average, Metric: convreport.FirstResponseTime}},
		convreport.Point{Dimensions: []convreport.DimensionValue{known("Assignee", "rep-07")}, Value: num("3780.5"), Count: 3},
		convreport.Point{Dimensions: []convreport.DimensionValue{known("Assignee", labelEscape)}, Value: num("312.5"), Count: 8},
		convreport.Point{Dimensions: []convreport.DimensionValue{unknown("Assignee")}, Value: num("4.25"), Count: 2},
		convreport.Point{Dimensions: []convreport.DimensionValue{known("Assignee", "rep-09")}, Value: null, Count: 0, Excluded: 5},
	)
	// A daily series over the spring-forward night: 2025-03-30 has 23 hours
	// in Paris.
	overTime = result(convreport.Report{Name: "Chat conversations over time", Bucket: convreport.Day},
		convreport.Point{Bucket: day(28), Value: num("12"), Count: 12},
		convreport.Point{Bucket: day(29), Value: num("0"), Count: 0},
		convreport.Point{Bucket: day(30), Value: num("30"), Count: 30},
		convreport.Point{Bucket: day(31), Value: num("1500"), Count: 1500},
		convreport.Point{Bucket: day(32), Value: num("7"), Count: 7},
	)
	// Two dimensions, stacked: Sales has no email point.
	byInboxChannel = result(convreport.Report{Name: "Volume by inbox and channel", Dimensions: []string{"Inbox", "Channel"},
		Chart: convreport.Chart{Type: convreport.ColumnChart, Stacked: true}},
		convreport.Point{Dimensions: []convreport.DimensionValue{known("Inbox", "Support"), known("Channel", "email")}, Value: num("40"), Count: 40},
		convreport.Point{Dimensions: []convreport.DimensionValue{known("Inbox", "Support"), known("Channel", "chat")}, Value: num("25"), Count: 25},
		convreport.Point{Dimensions: []convreport.DimensionValue{known("Inbox", "Sales"), known("Channel", "chat")}, Value: num("20"), Count: 20},
		convreport.Point{Dimensions: []convreport.DimensionValue{known("Inbox", labelQuotes), unknown("Channel")}, Value: num("5"), Count: 5},
	)
	byChannel = result(convreport.Report{Name: "Conversations by channel", Dimensions: []string{"Channel"},
		Chart: convreport.Chart{Type: convreport.PieChart}},
		convreport.Point{Dimensions: []convreport.DimensionValue{known("Channel", "chat")}, Value: num("60"), Count: 60},
		convreport.Point{Dimensions: []convreport.DimensionValue{known("Channel", "email")}, Value: num("30"), Count: 30},
		convreport.Point{Dimensions: []convreport.DimensionValue{known("Channel", labelScript)}, Value: num("10"), Count: 10},
	)
	openNow = result(convreport.Report{Name: "Open emails", Snapshot: true},
		convreport.Point{Value: num("4321"), Count: 4321},
	)
	// A duration series with an empty (null) bucket, drawn as an area.
	waitOverTime = result(convreport.Report{Name: "Average wait time over time", Bucket: convreport.Day,
		Measure: convreport.Measure{Agg: convreport.Average, Metric: convreport.WaitTime}, Chart: convreport.Chart{Type: convreport.AreaChart}},
		convreport.Point{Bucket: day(28), Value: num("90"), Count: 4},
		convreport.Point{Bucket: day(29), Value: null, Count: 0},
		convreport.Point{Bucket: day(30), Value: num("600.125"), Count: 2},
		convreport.Point{Bucket: day(31), Value: num("45"), Count: 9},
		convreport.Point{Bucket: day(32), Value: num("7200"), Count: 1},
	)
	// A share, shown as a table, with a custom dimension.
	shareByPriority = result(convreport.Report{Name: "Answered within 5 minutes by priority", Dimensions: []string{"Priority"},
		Measure: convreport.Measure{Agg: convreport.ShareWithin, Metric: convreport.FirstResponseTime, Threshold: convreport.Duration(5 * time.Minute)},
		Chart:   convreport.Chart{Type: convreport.TableChart}},
		convreport.Point{Dimensions: []convreport.DimensionValue{known("Priority", "high")}, Value: num("82.456"), Count: 57},
		convreport.Point{Dimensions: []convreport.DimensionValue{known("Priority", "low")}, Value: num("100"), Count: 3},
	)
)

func fixture() render.Dashboard {
	return render.Dashboard{
		Name: `Chat & "Email" <overview>`,
		From: rangeFrom, To: rangeTo, Zone: paris,
		Results: []convreport.Result{byRep, avgResponse, overTime, byInboxChannel, byChannel, openNow, waitOverTime, shareByPriority},
	}
}
