package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/web"
)

// A period that makes a time series by rep more points (a line per rep
// times its days) than the engine allows is a problem of the period, as
// too many buckets is: the page shows the other reports, and in its place
// a card that says so, the API lists it with the period's error, and the
// editor's preview blames the bucket, each naming the limit and the ways
// out.
func TestPeriodTooLongForPoints(t *testing.T) {
	f := newFixture(t)
	var res editResult
	okJSON(t, f.edit(http.MethodPatch, "/api/dashboards/shared/reports/chat-conversations-over-time", "ana", `{"version": 1, "dimensions": ["Assignee"]}`), http.StatusOK, &res)

	// The reps with a chat in the last 30 days, by a run without the
	// limit: the default period's lines.
	var rep convreport.Report
	for _, r := range res.Dashboard.Reports {
		if r.ID == "chat-conversations-over-time" {
			rep = r
		}
	}
	q := convreport.Query{Range: convreport.Last30Days, Now: now, Zone: paris}
	out, err := f.eng.Run(context.Background(), q, rep)
	require.NoError(t, err)
	reps := map[string]bool{}
	for _, p := range out[0].Points {
		reps[p.Dimensions[0].Label()] = true
	}
	require.Greater(t, len(reps), 2)
	// The default period fits exactly; 151 days do not.
	limit := 30 * len(reps)
	cfg := f.cfg(func(c *web.Config) {
		c.Engine = convreport.NewEngine(f.src, convreport.WithLimits(convreport.Limits{MaxPoints: limit}))
	})
	h, err := web.New(cfg)
	require.NoError(t, err)
	g := *f
	g.h, g.eng, g.conf = h, cfg.Engine, cfg

	const long = "from=2025-01-01&to=2025-05-31"
	var r notRunResult
	okJSON(t, g.get("/api/dashboards/shared/run?"+long, "ana"), http.StatusOK, &r)
	require.Len(t, r.NotRun, 1)
	e := r.NotRun[0]
	require.Equal(t, "chat-conversations-over-time", e.Report)
	require.Equal(t, "from", e.Field)
	require.Contains(t, e.Message, `the period Jan 1, 2025 – May 30, 2025 has 150 days, too many for report "Chat conversations over time": a line per group times its time buckets would be at least`)
	require.Contains(t, e.Message, fmt.Sprintf("points, and a report may have at most %d; choose a shorter period, a wider time bucket or a smaller Top", limit))
	require.NotContains(t, r.ReportIDs, "chat-conversations-over-time")
	require.Len(t, r.ReportIDs, 5, "the others run")
	run := g.run("shared", "ana", "range=last_30_days")
	for _, r := range run.Reports {
		if r.Name == "Chat conversations over time" {
			require.Len(t, r.Points, limit)
		}
	}

	body := page(t, &g, "/dashboards/shared?"+long, "ana", http.StatusOK)
	require.NotContains(t, body, `id="range-error"`)
	card := cardsOf(body)["chat-conversations-over-time"]
	require.Contains(t, card, "has 150 days, too many for report &#34;Chat conversations over time&#34;: a line per group times its time buckets")
	require.Contains(t, card, "a smaller Top.</li>")
	require.Contains(t, cardsOf(body)["conversations-by-rep"], "<svg")

	e = failure(t, g.edit(http.MethodPost, "/api/dashboards/shared/reports/chat-conversations-over-time/preview?"+long, "ana", `{"bucket": "day"}`),
		http.StatusUnprocessableEntity, "invalid_report")
	require.Equal(t, "bucket", e.Field)
	require.True(t, strings.HasPrefix(e.Message, "the period Jan 1, 2025 – May 30, 2025 has 150 days"), e.Message)
}
