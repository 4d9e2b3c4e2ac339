package convreport_test

import (
	"context"
	"testing"
	"time"

	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/calendar"

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
	// What one scan covering both periods would cost: the reports without
	// time buckets run once over both periods, each twice, restricted to
	// its period by a condition on CreatedAt. A sketch to weigh a scan
	// with two ranges against two scans, not a way to compare (buckets
	// and the Limit's ranking would differ).
	b.Run("one-scan-sketch", func(b *testing.B) {
		q := convreport.Query{Range: convreport.Last30Days, Zone: paris, Now: now, Compare: convreport.ComparePrevious}
		pq, err := q.Previous()
		if err != nil {
			b.Fatal(err)
		}
		from, to, _ := convreport.Last30Days.Resolve(now, paris, calendar.Monday)
		var rs []convreport.Report
		for _, r := range d.Reports {
			if r.Bucket != convreport.NoBucket {
				continue
			}
			for _, w := range [][2]time.Time{{from, to}, {pq.From, pq.To}} {
				x := r
				x.Conditions = append(append([]convreport.Condition(nil), r.Conditions...), convreport.Condition{Property: "CreatedAt", Op: convreport.Between,
					Values: []string{w[0].Format(time.RFC3339Nano), w[1].Format(time.RFC3339Nano)}})
				rs = append(rs, x)
			}
		}
		one := convreport.Query{From: pq.From, To: to, Zone: paris, Now: now}
		for b.Loop() {
			if _, err := eng.Run(context.Background(), one, rs...); err != nil {
				b.Fatal(err)
			}
		}
	})
	var flat []convreport.Report
	for _, r := range d.Reports {
		if r.Bucket == convreport.NoBucket {
			flat = append(flat, r)
		}
	}
	for _, c := range []struct {
		name string
		cmp  convreport.Compare
	}{{"no-buckets-plain", convreport.NoCompare}, {"no-buckets-previous", convreport.ComparePrevious}} {
		b.Run(c.name, func(b *testing.B) {
			q := convreport.Query{Range: convreport.Last30Days, Zone: paris, Now: now, Compare: c.cmp}
			for b.Loop() {
				if _, err := eng.Run(context.Background(), q, flat...); err != nil {
					b.Fatal(err)
				}
			}
		})
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
			q := convreport.Query{Range: convreport.Last30Days, Zone: paris, Now: now, Compare: c.cmp, Viewer: access.Viewer{UserID: "ana"}}
			for b.Loop() {
				if _, err := eng.RunDashboard(context.Background(), q, dd); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
