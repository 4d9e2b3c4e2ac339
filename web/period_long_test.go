package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// A period too long for a report's time buckets is a problem of the
// period: the page says so next to the date range and shows the default
// period, and the API blames the period parameter, not the saved report.
func TestPeriodTooLongForBuckets(t *testing.T) {
	has := func(body, want string, msg ...any) {
		t.Helper()
		if !strings.Contains(body, want) {
			i := strings.Index(body, `id="range-error"`)
			t.Fatalf("the page has no %q %v; its period error: %.400s", want, msg, body[max(i, 0):])
		}
	}
	f := newFixture(t)
	const long = "from=1700-01-01&to=2025-01-01"
	const says = "The period Jan 1, 1700 – Dec 31, 2024 has 118704 days, too many for report &#34;Chat conversations over time&#34;"

	body := page(t, f, "/dashboards/chat?"+long, "ana", http.StatusOK)
	has(body, `id="range-error"`)
	has(body, says)
	has(body, "choose a shorter period or a wider time bucket. Showing the default period instead.")
	has(body, `value="1700-01-01"`, "what was typed is kept")
	has(body, "May 2, 2025 – May 31, 2025", "the default period")
	has(body, `id="report-chat-conversations-over-time"`, "the reports are there")
	body = page(t, f, "/dashboards/chat/print?"+long, "ana", http.StatusOK)
	has(body, says)

	e := failure(t, f.get("/api/dashboards/chat/run?"+long, "ana"), http.StatusBadRequest, "invalid_query")
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
	}

	// A preset: an hourly report over 5000 days.
	var res editResult
	okJSON(t, f.edit(http.MethodPatch, "/api/dashboards/shared/reports/chat-conversations-over-time", "ana", `{"version": 1, "bucket": "hour"}`), http.StatusOK, &res)
	body = page(t, f, "/dashboards/shared?range=last_5000_days", "ana", http.StatusOK)
	has(body, `id="range-error"`)
	has(body, "has 5000 days, too many for report")
	e = failure(t, f.get("/api/dashboards/shared/run?range=last_5000_days", "ana"), http.StatusBadRequest, "invalid_query")
	require.Equal(t, "range", e.Field)
	require.Contains(t, e.Message, "it would have 120000 time buckets")

	// In the editor the bucket is being chosen: the refusal stays on it,
	// and names the period too.
	e = failure(t, f.edit(http.MethodPost, "/api/dashboards/shared/reports/chat-conversations-over-time/preview?range=last_5000_days", "ana", `{"bucket": "hour"}`),
		http.StatusUnprocessableEntity, "invalid_report")
	require.Equal(t, "bucket", e.Field)
	require.Contains(t, e.Message, "has 5000 days")
}
