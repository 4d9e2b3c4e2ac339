package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/web"
)

// The reports of the dashboard "mixed": chat conversations by rep, and
// the Billing team's each hour, a time series with a line per rep (a few:
// a page draws each point).
var (
	byRep = convreport.Report{ID: "by-rep", Name: "Chats by rep", Filter: `Channel == "chat"`,
		Dimensions: []string{"Assignee"}, Chart: convreport.Chart{Type: convreport.BarChart}}
	byRepHourly = convreport.Report{ID: "by-rep-hourly", Name: "Billing chats by rep each hour", Filter: `Channel == "chat" && Team == "Billing"`,
		Dimensions: []string{"Assignee"}, Bucket: convreport.Hour, Chart: convreport.Chart{Type: convreport.LineChart}}
)

// longPeriod is every day of the sample's data: twice the default
// period's hours.
const longPeriod = "from=2025-04-02&to=2025-06-01"

// notRunFixture is the fixture with the dashboard "mixed" (its reports
// the given ones) and, in h, a handler whose engine allows a time series
// exactly the points "Billing chats by rep each hour" has in the default
// period (the last 30 days), which it returns: a longer period has too
// many for it, and none too many for "Chats by rep". f.eng keeps the
// default limits.
func notRunFixture(t *testing.T, reports ...convreport.Report) (*fixture, int) {
	t.Helper()
	f := newFixture(t)
	_, err := f.store.Create(context.Background(), users["ana"], convreport.Dashboard{ID: "mixed", Name: "Mixed", Owner: "ana",
		Visibility: access.EveryoneCanView, Reports: reports})
	require.NoError(t, err)
	q := convreport.Query{Range: convreport.Last30Days, Now: now, Zone: paris}
	out, err := f.eng.Run(context.Background(), q, byRepHourly)
	require.NoError(t, err)
	reps := map[string]bool{}
	for _, p := range out[0].Points {
		reps[p.Dimensions[0].Label()] = true
	}
	require.Greater(t, len(reps), 2, "a line per rep")
	// 30 days without a clock change: 720 hours of each line.
	limit := 720 * len(reps)
	require.Len(t, out[0].Points, limit)
	cfg := f.cfg(func(c *web.Config) {
		c.Engine = convreport.NewEngine(f.src, convreport.WithLimits(convreport.Limits{MaxPoints: limit}))
	})
	h, err := web.New(cfg)
	require.NoError(t, err)
	f.h, f.conf = h, cfg
	return f, limit
}

// notRunResult is a run answer with the reports that did not run; the
// rest as comparedRun reads it is in run.
type notRunResult struct {
	run       comparedRun
	ReportIDs []string               `json:"report_ids"`
	Filters   []convreport.Condition `json:"filters"`
	Period    string                 `json:"period"`
	Reports   []struct {
		Points []struct {
			Dimensions    map[string]*string `json:"dimensions"`
			Value         *string            `json:"value"`
			Count         int64              `json:"count"`
			PreviousCount *int64             `json:"previous_count"`
		} `json:"points"`
	} `json:"reports"`
	NotRun []apiError `json:"not_run"`
}

// runOf runs dashboard "mixed" in the view q.
func runOf(t *testing.T, f *fixture, q url.Values) notRunResult {
	t.Helper()
	var r notRunResult
	okJSON(t, f.get("/api/dashboards/mixed/run?"+q.Encode(), "ana"), http.StatusOK, &r)
	okJSON(t, f.get("/api/dashboards/mixed/run?"+q.Encode(), "ana"), http.StatusOK, &r.run)
	return r
}

// directPoints are the points of rep run alone by eng in the period of
// query, with its filters and comparison: "rep: value (count) at bucket
// previous",
// sorted.
func directPoints(t *testing.T, f *fixture, eng *convreport.Engine, rep convreport.Report, query url.Values) []string {
	t.Helper()
	q := convreport.Query{Zone: paris, Now: now}
	var err error
	q.From, err = time.ParseInLocation(time.DateOnly, query.Get("from"), paris)
	require.NoError(t, err)
	q.To, err = time.ParseInLocation(time.DateOnly, query.Get("to"), paris)
	require.NoError(t, err)
	q.Compare = convreport.Compare(query.Get("compare"))
	d := convreport.Dashboard{}
	if fs := query.Get("filters"); fs != "" {
		var cs []convreport.Condition
		require.NoError(t, json.Unmarshal([]byte(fs), &cs))
		d, err = d.WithFilters(f.src.Schema(), cs...)
		require.NoError(t, err)
	}
	out, err := eng.Run(context.Background(), q, d.Runnable(rep))
	require.NoError(t, err)
	var pts []string
	for _, p := range out[0].Points {
		s := fmt.Sprintf("%s: %s (%d)", p.Dimensions[0].Label(), p.Value.Decimal.String(), p.Count)
		if !p.Bucket.IsZero() {
			s += " at " + p.Bucket.In(paris).Format("2006-01-02T15:04Z07:00")
		}
		if p.Previous != nil {
			s += fmt.Sprintf(" %d", p.Previous.Count)
		}
		pts = append(pts, s)
	}
	// The page's order puts "(no value)" last: the numbers are what count.
	slices.Sort(pts)
	return pts
}

// apiPoints are the points of report i of r, as directPoints says them.
func (r notRunResult) apiPoints(i int) []string {
	var pts []string
	for _, p := range r.Reports[i].Points {
		label := "(no value)"
		if a := p.Dimensions["assignee"]; a != nil {
			label = *a
		}
		s := fmt.Sprintf("%s: %s (%d)", label, *p.Value, p.Count)
		if b := p.Dimensions["bucket"]; b != nil {
			s += " at " + *b
		}
		if p.PreviousCount != nil {
			s += fmt.Sprintf(" %d", *p.PreviousCount)
		}
		pts = append(pts, s)
	}
	slices.Sort(pts)
	return pts
}

// A time series by rep each hour over a long period has more points than
// the engine allows; a report by rep beside it does not. The run answers
// 200: the report by rep with the numbers it has alone, and the hourly
// one under "not_run" with the period's error, naming it, the limit and
// the ways out. A view's filters and comparison, and the pinned period
// of its drill-downs, still hold; a filter down to one rep brings the
// hourly report back, as fewer series do.
func TestRunSetsAsideAReportOverItsPointsInThePeriod(t *testing.T) {
	f, limit := notRunFixture(t, byRepHourly, byRep)
	const says = `the period Apr 2, 2025 – May 31, 2025 has 60 days, too many for report "Billing chats by rep each hour": ` +
		`a line per group times its time buckets would be at least `
	advice := fmt.Sprintf(" points, and a report may have at most %d; choose a shorter period, a wider time bucket or a smaller Top", limit)
	notRun := func(r notRunResult) {
		t.Helper()
		require.Len(t, r.NotRun, 1)
		e := r.NotRun[0]
		require.Equal(t, "by-rep-hourly", e.Report)
		require.Equal(t, "invalid_query", e.Code)
		require.Equal(t, "from", e.Field, "the period is what to change")
		require.True(t, strings.HasPrefix(e.Message, says), e.Message)
		require.True(t, strings.HasSuffix(e.Message, advice), e.Message)
		var got int
		_, err := fmt.Sscanf(strings.TrimPrefix(e.Message, says), "%d", &got)
		require.NoError(t, err)
		require.Greater(t, got, limit)
	}

	for _, view := range []url.Values{
		{},
		{"compare": {"previous"}},
		{"filters": {`[{"property":"Team","op":"is_none_of","values":["Sales"]}]`}},
		{"compare": {"year"}, "filters": {`[{"property":"Team","op":"is_any_of","values":["Billing", "Support"]}]`}},
	} {
		q, _ := url.ParseQuery(longPeriod)
		for k, v := range view {
			q[k] = v
		}
		r := runOf(t, f, q)
		notRun(r)
		require.Equal(t, []string{"by-rep"}, r.ReportIDs, view)
		require.Len(t, r.Reports, 1)
		require.Equal(t, directPoints(t, f, f.eng, byRep, q), r.apiPoints(0), view)
		if view.Has("compare") {
			require.Equal(t, view.Get("compare"), r.run.Reports[0].Compare)
		}
		if view.Has("filters") {
			require.Len(t, r.Filters, 1)
		}
		// The run's period pins its drill-downs: each lists the point's count.
		require.Contains(t, r.Period, "from=2025-04-02")
		require.Positive(t, f.drillAll("mixed", "ana", r.run, view))
	}

	// One rep's line fits: the report runs with the numbers it has alone.
	rep := ""
	for _, c := range f.cs {
		if c.Channel == convreport.Chat && c.Team == "Billing" && c.Assignee != "" {
			rep = c.Assignee
			break
		}
	}
	require.NotEmpty(t, rep)
	q, _ := url.ParseQuery(longPeriod)
	q.Set("filters", `[{"property":"Assignee","op":"is_any_of","values":["`+rep+`"]}]`)
	r := runOf(t, f, q)
	require.Empty(t, r.NotRun)
	require.Equal(t, []string{"by-rep-hourly", "by-rep"}, r.ReportIDs)
	require.Equal(t, directPoints(t, f, f.eng, byRepHourly, q), r.apiPoints(0))
	require.Len(t, r.Reports[0].Points, 60*24, "one line, each hour")

	// The Vega-Lite spec: a text view in the report's place.
	var vega struct {
		VConcat []map[string]any `json:"vconcat"`
	}
	okJSON(t, f.get("/api/dashboards/mixed/run?format=vega&"+longPeriod, "ana"), http.StatusOK, &vega)
	require.Len(t, vega.VConcat, 2)
	text := vega.VConcat[0]
	require.Equal(t, map[string]any{"text": "Billing chats by rep each hour", "subtitle": "Not run for this period: too many points"}, text["title"])
	require.Equal(t, "text", text["mark"].(map[string]any)["type"])
	line := text["data"].(map[string]any)["values"].([]any)[0].(map[string]any)["text"].(string)
	require.True(t, strings.HasPrefix(strings.ReplaceAll(line, "\n", " "), "The period Apr 2, 2025 – May 31, 2025 has 60 days"), line)
	require.True(t, strings.HasSuffix(strings.ReplaceAll(line, "\n", " "), advice+"."), line)
	for _, l := range strings.Split(line, "\n") {
		require.LessOrEqual(t, len([]rune(l)), 80)
	}
	require.Equal(t, "Chats by rep", vega.VConcat[1]["title"].(map[string]any)["text"])

	// Every report's CSV or none: the zip says which cannot run.
	e := failure(t, f.get("/api/dashboards/mixed/export?format=zip&"+longPeriod, "ana"), http.StatusBadRequest, "invalid_query")
	require.Equal(t, "by-rep-hourly", e.Report)
	require.Equal(t, "from", e.Field)
	require.True(t, strings.HasPrefix(e.Message, says), e.Message)
	// The report alone is refused on the period, as before.
	e = failure(t, f.get("/api/dashboards/mixed/reports/by-rep-hourly/export?format=csv&"+longPeriod, "ana"), http.StatusBadRequest, "invalid_query")
	require.Equal(t, "from", e.Field)
	w := f.get("/api/dashboards/mixed/reports/by-rep/export?format=csv&"+longPeriod, "ana")
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
}

// The page of a period too long for one report: the others draw, and it
// is a card like a stale report's, in its place, that says which limit
// and what to do, with no points to drill into; the print says it too.
func TestPageShowsAReportOverItsPointsAsACard(t *testing.T) {
	f, limit := notRunFixture(t, byRepHourly, byRep)
	body := page(t, f, "/dashboards/mixed?"+longPeriod, "ana", http.StatusOK)
	require.NotContains(t, body, `id="range-error"`, "the period stays")
	require.Contains(t, body, "Apr 2, 2025 – May 31, 2025")
	cards := cardsOf(body)
	hourly := cards["by-rep-hourly"]
	require.Contains(t, hourly, `class="card card-stale"`)
	require.Contains(t, hourly, `data-stale="true"`)
	require.Contains(t, hourly, `<p class="card-meta">Not run for this period: too many points</p>`)
	require.Contains(t, hourly, "<strong>This report is not run for this period: it would have more points than this server allows.</strong>")
	text := html.UnescapeString(hourly)
	require.Contains(t, text, `<li>The period Apr 2, 2025 – May 31, 2025 has 60 days, too many for report "Billing chats by rep each hour": a line per group times its time buckets would be at least `)
	require.Contains(t, text, fmt.Sprintf(" points, and a report may have at most %d; choose a shorter period, a wider time bucket or a smaller Top.</li>", limit))
	require.Contains(t, text, `<a href="dashboards/mixed/reports/by-rep-hourly/edit?from=2025-04-02&to=2025-06-01" data-edit-stale="by-rep-hourly">Edit the report</a> to choose a wider time bucket or a smaller Top, or choose a shorter period above.`)
	require.NotContains(t, hourly, "/drill?", "no point to drill into")
	require.NotContains(t, hourly, "<svg")
	require.Contains(t, cards["by-rep"], "<svg")
	require.Len(t, drillLink.FindAllString(cards["by-rep"], -1), len(directPoints(t, f, f.eng, byRep, mustQuery(longPeriod))))

	// One who may not edit is told who can.
	body = page(t, f, "/dashboards/mixed?"+longPeriod, "carl", http.StatusOK)
	require.Contains(t, cardsOf(body)["by-rep-hourly"], "Choose a shorter period above to see its numbers; an editor of this dashboard can choose a wider time bucket or a smaller Top.")
	require.NotContains(t, cardsOf(body)["by-rep-hourly"], "data-edit-stale")

	// In the default period it fits: its card draws.
	body = page(t, f, "/dashboards/mixed", "ana", http.StatusOK)
	require.Contains(t, cardsOf(body)["by-rep-hourly"], "<svg")
	require.NotContains(t, cardsOf(body)["by-rep-hourly"], "data-stale")

	body = page(t, f, "/dashboards/mixed/print?"+longPeriod, "ana", http.StatusOK)
	require.NotContains(t, body, `id="range-error"`)
	require.Contains(t, body, "<p>This report is not run for this period: it would have more points than this server allows.</p>")
	require.Contains(t, html.UnescapeString(body), `too many for report "Billing chats by rep each hour"`)
}

// When the period leaves no report with numbers, the period is what is
// wrong, as before: the API refuses it on its parameter, and the page
// shows the default period with the reason by the date range form,
// rather than a page of cards each saying the same.
func TestPeriodTooLongForEveryReport(t *testing.T) {
	f, limit := notRunFixture(t, byRepHourly)
	e := failure(t, f.get("/api/dashboards/mixed/run?"+longPeriod, "ana"), http.StatusBadRequest, "invalid_query")
	require.Equal(t, "from", e.Field)
	require.Empty(t, e.Report, "the period, not the report")
	require.Contains(t, e.Message, `the period Apr 2, 2025 – May 31, 2025 has 60 days, too many for report "Billing chats by rep each hour"`)
	require.Contains(t, e.Message, fmt.Sprintf("a report may have at most %d", limit))

	body := page(t, f, "/dashboards/mixed?"+longPeriod, "ana", http.StatusOK)
	require.Contains(t, body, `id="range-error"`)
	require.Contains(t, body, "a smaller Top. Showing the default period instead.")
	require.Contains(t, body, "May 2, 2025 – May 31, 2025")
	require.Contains(t, cardsOf(body)["by-rep-hourly"], "<svg", "the default period's numbers")

	// A stale report beside it shows no numbers in any period: the
	// period is still all that keeps the rest from showing.
	g, _ := notRunFixture(t, byRepHourly, convreport.Report{ID: "by-plan", Name: "By plan", Dimensions: []string{"plan"}})
	body = page(t, g, "/dashboards/mixed?"+longPeriod, "ana", http.StatusOK)
	require.Contains(t, body, "a smaller Top. Showing the default period instead.")
	require.Contains(t, cardsOf(body)["by-rep-hourly"], "<svg")
	require.Contains(t, cardsOf(body)["by-plan"], `<p class="card-meta">Not run: it names a property the schema no longer has</p>`)
}

// cardsOf is each card of a dashboard page by its report's ID.
func cardsOf(body string) map[string]string {
	out := map[string]string{}
	for _, m := range cardBlock.FindAllStringSubmatch(body, -1) {
		out[m[1]] = m[0]
	}
	return out
}

var cardBlock = regexp.MustCompile(`(?s)<article class="card[^"]*" id="report-([^"]+)".*?</article>`)

func mustQuery(s string) url.Values {
	q, err := url.ParseQuery(s)
	if err != nil {
		panic(err)
	}
	return q
}
