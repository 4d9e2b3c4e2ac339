package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/library"
	"github.com/convreport/convreport/memory"
	"github.com/convreport/convreport/sample"
	"github.com/convreport/convreport/store"
)

// BenchmarkLivePoll measures what an idle feed costs each livePoll: one
// read of its dashboard's version from the store (moved), against a rerun
// of the dashboard, which a poll that finds no change spares. The
// dashboard has the two overview templates' 12 reports.
func BenchmarkLivePoll(b *testing.B) {
	now := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	cs := sample.Generate(sample.Config{Seed: 11, N: 20000, From: now.AddDate(0, 0, -60), To: now})
	src, err := memory.New(cs)
	if err != nil {
		b.Fatal(err)
	}
	var reports []convreport.Report
	for _, id := range []string{"chat-overview", "email-overview"} {
		tpl, _ := library.Lookup(id)
		d, err := tpl.NewDashboard(convreport.DashboardOptions{Name: "x", Owner: "ana"})
		if err != nil {
			b.Fatal(err)
		}
		reports = append(reports, d.Reports...)
	}
	dir, err := store.OpenDir(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	ana := access.Viewer{UserID: "ana"}
	for name, st := range map[string]store.Store{"memory": store.NewMemory(), "dir": dir} {
		d := convreport.Dashboard{ID: "floor", Name: "Floor", Owner: "ana", Reports: reports}
		if _, err := st.Create(context.Background(), ana, d); err != nil {
			b.Fatal(err)
		}
		hh, err := New(Config{Engine: convreport.NewEngine(src), Store: st, Schema: src.Schema(),
			Authenticate: func(*http.Request) (access.Viewer, error) { return ana, nil },
			Now:          func() time.Time { return now }})
		if err != nil {
			b.Fatal(err)
		}
		h := hh.(*handler)
		r := httptest.NewRequest(http.MethodGet, "/api/dashboards/floor/live?range=last_30_days", nil)
		r.SetPathValue("id", "floor")
		run, err := h.runForLive(r, ana)
		if err != nil {
			b.Fatal(err)
		}
		fd := &feed{hub: &h.live, r: r, v: ana, seen: defKey(run.stored)}
		b.Run(name+"/poll", func(b *testing.B) {
			for b.Loop() {
				if fd.moved(context.Background()) {
					b.Fatal("moved with no change")
				}
			}
		})
		b.Run(name+"/rerun", func(b *testing.B) {
			for b.Loop() {
				if _, err := h.runForLive(r, ana); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
