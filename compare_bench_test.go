package convreport_test

import (
	"context"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/library"
	"github.com/convreport/convreport/memory"
	"github.com/convreport/convreport/sample"
)

// BenchmarkCompare measures a compared run against a plain one over the
// same reports and data: the Chat overview's six reports, last 30 days,
// on 200,000 sample conversations. Read Compare/plain as the baseline
// of the same run.
func BenchmarkCompare(b *testing.B) {
	paris, _ := time.LoadLocation("Europe/Paris")
	now := time.Date(2025, 6, 1, 0, 0, 0, 0, paris)
	cs := sample.Generate(sample.Config{Seed: 1, N: 200_000, From: now.AddDate(0, 0, -90), To: now, Zone: paris})
	src, err := memory.New(cs)
	if err != nil {
		b.Fatal(err)
	}
	eng := convreport.NewEngine(src)
	tpl, _ := library.Lookup("chat-overview")
	d, err := tpl.NewDashboard(convreport.DashboardOptions{Name: "Chat", Owner: "ana"})
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		cmp  convreport.Compare
		f    []convreport.Condition
	}{
		{"plain", convreport.NoCompare, nil},
		{"previous", convreport.ComparePrevious, nil},
		{"filtered", convreport.NoCompare, []convreport.Condition{{Property: "Team", Op: convreport.IsNoneOf, Values: []string{"Sales"}}}},
	} {
		b.Run(c.name, func(b *testing.B) {
			dd, err := d.SetFilters(nil, c.f)
			if err != nil {
				b.Fatal(err)
			}
			q := convreport.Query{Range: convreport.Last30Days, Zone: paris, Now: now, Compare: c.cmp, Viewer: convreport.Viewer{UserID: "ana"}}
			for b.Loop() {
				if _, err := eng.RunDashboard(context.Background(), q, dd); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
