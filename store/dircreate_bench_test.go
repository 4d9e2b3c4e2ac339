package store_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/plan"
	"github.com/convreport/convreport/store"
)

// fillDashboardDir writes n dashboards of a few reports each into dir, as files a
// store wrote, without going through Create.
func fillDashboardDir(tb testing.TB, dir string, n int) {
	tb.Helper()
	at := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	for i := range n {
		d := dash(fmt.Sprintf("Dashboard %d", i), access.EveryoneCanView,
			report("a", "A"), report("b", "B"), report("c", "C"), report("d", "D"))
		d.ID, d.Version, d.CreatedAt, d.UpdatedAt = fmt.Sprintf("dashboard-%d", i), 1, at, at
		b, err := json.MarshalIndent(d, "", "  ")
		if err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, d.ID+".json"), append(b, '\n'), 0o600); err != nil {
			tb.Fatal(err)
		}
	}
}

// BenchmarkDirCreate creates a dashboard in a directory of 2,000, under
// no cap on dashboards and under one (which needs their count), and
// removes it again, so that every iteration finds 2,000.
func BenchmarkDirCreate(b *testing.B) {
	dir := b.TempDir()
	fillDashboardDir(b, dir, 2000)
	for _, c := range []struct {
		name string
		plan plan.Plan
	}{
		{"uncapped", plan.Plan{}},
		{"capped", plan.Plan{Name: "large", DashboardsPerAccount: 5000, ReportsPerDashboard: 10}},
	} {
		b.Run(c.name, func(b *testing.B) {
			s, err := store.OpenDir(dir, store.WithPlan(c.plan))
			if err != nil {
				b.Fatal(err)
			}
			d := dash("Support", access.Private, report("a", "A"), report("b", "B"))
			for b.Loop() {
				created, err := s.Create(ctx, olivia, d)
				if err != nil {
					b.Fatal(err)
				}
				if err := os.Remove(filepath.Join(dir, created.ID+".json")); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
