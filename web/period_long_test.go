package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/library"
)

// A period too long for a report's time buckets is a problem of the
// period: the others still show it, and the report's card says so in its
// place (notrun.go); when no report is left to show it, the page says so
// next to the date range and shows the default period, and the API blames
// the period parameter, not the saved report.
func TestPeriodTooLongForBuckets(t *testing.T) {
	has := func(body, want string, msg ...any) {
		t.Helper()
		if !strings.Contains(body, want) {
			i := strings.Index(body, `id="range-error"`)
			if i < 0 {
				i = strings.Index(body, `id="reports"`)
			}
			t.Fatalf("the page has no %q %v; from its period error or its reports: %.400s", want, msg, body[max(i, 0):])
		}
	}
	f := newFixture(t)
	const long = "from=1700-01-01&to=2025-01-01"
	const says = "The period Jan 1, 1700 – Dec 31, 2024 has 118704 days, too many for report &#34;Chat conversations over time&#34;"

	body := page(t, f, "/dashboards/chat?"+long, "ana", http.StatusOK)
	require.NotContains(t, body, `id="range-error"`, "the other reports show the period")
	has(body, "Jan 1, 1700 – Dec 31, 2024", "the period asked for")
	has(body, `value="1700-01-01"`)
	card := cardsOf(body)["chat-conversations-over-time"]
	has(card, `<p class="card-meta">Not run for this period: too many time buckets</p>`)
	has(card, says)
	has(card, "choose a shorter period or a wider time bucket.</li>")
	has(card, "Edit the report</a> to choose a wider time bucket, or choose a shorter period above.")
	has(cardsOf(body)["conversations-by-rep"], "<svg", "the others draw")
	body = page(t, f, "/dashboards/chat/print?"+long, "ana", http.StatusOK)
	has(body, says)
	has(body, "This report is not run for this period: it would have more time buckets than this server allows.")

	var r notRunResult
	okJSON(t, f.get("/api/dashboards/chat/run?"+long, "ana"), http.StatusOK, &r)
	require.Len(t, r.ReportIDs, 5)
	require.NotContains(t, r.ReportIDs, "chat-conversations-over-time")
	require.Len(t, r.NotRun, 1)
	e := r.NotRun[0]
	require.Equal(t, "chat-conversations-over-time", e.Report)
	require.Equal(t, "invalid_query", e.Code)
	require.Equal(t, "from", e.Field)
	require.Contains(t, e.Message, "has 118704 days")
	require.Contains(t, e.Message, "a report may have at most 100000")
	for _, p := range []string{
		"/api/dashboards/chat/export?format=zip&" + long,
		"/api/dashboards/chat/reports/chat-conversations-over-time/export?format=csv&" + long,
		`/api/dashboards/chat/reports/chat-conversations-over-time/drill?point={"bucket":"2025-01-01"}&` + long,
		`/api/dashboards/chat/reports/chat-conversations-over-time/drill/export?format=csv&point={"bucket":"2025-01-01"}&` + long,
	} {
		e := failure(t, f.get(strings.ReplaceAll(strings.ReplaceAll(p, `"`, "%22"), "{", "%7B"), "ana"), http.StatusBadRequest, "invalid_query")
		require.Equal(t, "from", e.Field, p)
		require.Contains(t, e.Message, "has 118704 days", p)
	}

	// A dashboard of that report alone: the period shows nothing, so the
	// page shows the default period and says why by the date range.
	tpl, _ := library.Lookup("chat-overview")
	over := tpl.Reports[len(tpl.Reports)-1]
	require.Equal(t, "chat-conversations-over-time", over.ID)
	_, err := f.store.Create(context.Background(), users["ana"], convreport.Dashboard{ID: "series", Name: "Series", Owner: "ana",
		Visibility: access.EveryoneCanView, Reports: []convreport.Report{over}})
	require.NoError(t, err)
	body = page(t, f, "/dashboards/series?"+long, "ana", http.StatusOK)
	has(body, `id="range-error"`)
	has(body, says)
	has(body, "choose a shorter period or a wider time bucket. Showing the default period instead.")
	has(body, `value="1700-01-01"`, "what was typed is kept")
	has(body, "May 2, 2025 – May 31, 2025", "the default period")
	has(cardsOf(body)["chat-conversations-over-time"], "<svg", "its numbers in the default period")
	body = page(t, f, "/dashboards/series/print?"+long, "ana", http.StatusOK)
	has(body, says)
	has(body, "Showing the default period instead.")
	e = failure(t, f.get("/api/dashboards/series/run?"+long, "ana"), http.StatusBadRequest, "invalid_query")
	require.Equal(t, "from", e.Field)
	require.Empty(t, e.Report)
	require.Contains(t, e.Message, "has 118704 days")

	// A preset: an hourly report over 5000 days.
	var res editResult
	okJSON(t, f.edit(http.MethodPatch, "/api/dashboards/shared/reports/chat-conversations-over-time", "ana", `{"version": 1, "bucket": "hour"}`), http.StatusOK, &res)
	body = page(t, f, "/dashboards/shared?range=last_5000_days", "ana", http.StatusOK)
	require.NotContains(t, body, `id="range-error"`)
	has(cardsOf(body)["chat-conversations-over-time"], "has 5000 days, too many for report")
	okJSON(t, f.get("/api/dashboards/shared/run?range=last_5000_days", "ana"), http.StatusOK, &r)
	require.Len(t, r.NotRun, 1)
	require.Equal(t, "range", r.NotRun[0].Field)
	require.Contains(t, r.NotRun[0].Message, "it would have 120000 time buckets")

	// In the editor the bucket is being chosen: the refusal stays on it,
	// and names the period too.
	e = failure(t, f.edit(http.MethodPost, "/api/dashboards/shared/reports/chat-conversations-over-time/preview?range=last_5000_days", "ana", `{"bucket": "hour"}`),
		http.StatusUnprocessableEntity, "invalid_report")
	require.Equal(t, "bucket", e.Field)
	require.Contains(t, e.Message, "has 5000 days")
}
