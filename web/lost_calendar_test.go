package web_test

import (
	"context"
	"errors"
	"html"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/calendar"
	"github.com/convreport/convreport/memory"
	"github.com/convreport/convreport/sample"
	"github.com/convreport/convreport/store"
	"github.com/convreport/convreport/web"
	"github.com/stretchr/testify/require"
)

const (
	// twoCalendars are the calendars the store keeps at first.
	twoCalendars = `{"calendars": [
		{"name": "office", "zone": "Europe/Paris", "week": {"monday": [{"start": "09:00", "end": "18:00"}], "tuesday": [{"start": "09:00", "end": "18:00"}]}},
		{"name": "paris", "zone": "Europe/Paris", "week": {"wednesday": [{"start": "09:00", "end": "18:00"}]}}]}`
	// parisOnly is the calendars file edited by hand: office is gone.
	parisOnly = `{"calendars": [{"name": "paris", "zone": "Europe/Paris", "week": {"wednesday": [{"start": "09:00", "end": "18:00"}]}}]}`
	// twoPolicies are the SLA policies: standard counts its close target
	// in office's hours, fast its first response in calendar time.
	twoPolicies = `{"policies": [{"name": "standard", "close": {"within": "24h", "calendar": "office"}},
		{"name": "fast", "first_response": {"within": "1h"}}]}`
)

// lostFixture is a handler over a directory store that keeps twoCalendars
// and twoPolicies, with two dashboards of ana's everyone may view:
// "hours" (a count "volume", an average first response time "frt" in
// office's business hours, the SLA met of standard's close target
// "sla-close" and of fast's first response "sla-fast"), and "in-hours",
// which counts by office (a count "count", an average first response
// time "response"). Its n conversations are all within the last 30 days.
func lostFixture(t *testing.T) (f *fixture, dir string, n int) {
	t.Helper()
	dir = t.TempDir()
	st, err := store.OpenDir(dir)
	require.NoError(t, err)
	ctx := context.Background()
	set, err := calendar.Parse([]byte(twoCalendars))
	require.NoError(t, err)
	require.NoError(t, st.SaveCalendars(ctx, users["admin"], set))
	var sla convreport.SLASet
	require.NoError(t, sla.UnmarshalJSON([]byte(twoPolicies)))
	require.NoError(t, st.SaveSLA(ctx, users["admin"], &sla))
	frt := convreport.Measure{Agg: convreport.Average, Metric: convreport.FirstResponseTime}
	for _, o := range []convreport.DashboardOptions{
		{ID: "hours", Name: "Hours", Reports: []convreport.Report{
			{ID: "volume", Name: "Volume", Measure: convreport.Measure{Agg: convreport.Count}},
			{ID: "frt", Name: "FRT", Measure: frt, Calendar: "office"},
			{ID: "sla-close", Name: "SLA close", Measure: convreport.Measure{Agg: convreport.SLAMet, SLA: "standard", Target: convreport.CloseTarget}},
			{ID: "sla-fast", Name: "SLA fast", Measure: convreport.Measure{Agg: convreport.SLAMet, SLA: "fast", Target: convreport.FirstResponseTarget}},
		}},
		{ID: "in-hours", Name: "In hours", Reports: []convreport.Report{
			{ID: "count", Name: "Count", Measure: convreport.Measure{Agg: convreport.Count}},
			{ID: "response", Name: "Response", Measure: frt},
		}},
	} {
		o.Owner, o.Visibility = "ana", access.EveryoneCanView
		d, err := convreport.NewDashboard(o)
		require.NoError(t, err)
		if d.ID == "in-hours" {
			d.Calendar = "office"
		}
		_, err = st.Create(ctx, users["ana"], d)
		require.NoError(t, err)
	}
	cs := sample.Generate(sample.Config{Seed: 3, N: 300, From: now.AddDate(0, 0, -20), To: now.AddDate(0, 0, -1), Zone: paris})
	src, err := memory.New(cs)
	require.NoError(t, err)
	eng := convreport.NewEngine(src)
	cfg := web.Config{Engine: eng, Store: st, Schema: src.Schema(), Now: func() time.Time { return now }, Zone: paris, Logger: discard(),
		AllowedHosts: []string{"reports.test"},
		Authenticate: func(r *http.Request) (access.Viewer, error) {
			if v, ok := users[r.Header.Get("X-User")]; ok {
				return v, nil
			}
			return access.Viewer{}, errors.New("sign in first")
		}}
	h, err := web.New(cfg)
	require.NoError(t, err)
	f = &fixture{t: t, h: h, store: st, cs: cs, eng: eng, src: src, conf: cfg}
	for _, id := range []string{"hours", "in-hours"} {
		require.Equal(t, http.StatusOK, f.get("/api/dashboards/"+id+"/run", "ana").Code, "before the calendars change")
	}
	return f, dir, len(cs)
}

// writeFile replaces a file of the store's directory by hand.
func writeFile(t *testing.T, dir, name, body string) {
	t.Helper()
	require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600))
}

const (
	lostCalendarSentence = `Business hours: this server has no calendar "office" (it has paris); choose another, or count calendar time.`
	lostPolicyCalendar   = `The measure: SLA policy "standard" counts its time to close target in calendar "office", which this server no longer has; an admin can add the calendar again or change the policy, or choose another policy or measure.`
)

// A business-hours calendar removed from the store by hand (its file
// edited; the API refuses to drop one in use) made every page of a
// dashboard with a report counting by it an error page. The report is
// now stale like one naming a dropped property: its card names the
// calendar and what to do; so is one measuring an SLA policy whose
// target counts in it; the others run; the API names the report and the
// part; the editor shows the calendar marked; changing the calendar
// brings the numbers back, and the dashboard's other reports can still
// be edited meanwhile.
func TestReportCountingByALostCalendar(t *testing.T) {
	f, dir, n := lostFixture(t)
	writeFile(t, dir, "_calendars.json", parisOnly)

	body := page(t, f, "/dashboards/hours", "ana", http.StatusOK)
	require.Contains(t, card(t, body, "article", "volume"), strconv.Itoa(n)+" conversations")
	require.NotContains(t, card(t, body, "article", "sla-fast"), "data-stale", "a policy in calendar time runs")
	frt := card(t, body, "article", "frt")
	require.Contains(t, frt, "Not run: the calendar it counts business hours by is gone")
	require.Contains(t, frt, lostCalendarSentence)
	require.Contains(t, frt, `<a href="dashboards/hours/reports/frt/edit" data-edit-stale="frt">Edit the report</a> to choose another calendar, or count calendar time.`)
	require.NotContains(t, frt, "<svg")
	sla := card(t, body, "article", "sla-close")
	require.Contains(t, sla, "Not run: its SLA policy counts in a calendar that is gone")
	require.Contains(t, sla, lostPolicyCalendar)
	body = page(t, f, "/dashboards/hours/print", "ana", http.StatusOK)
	require.Contains(t, card(t, body, "section", "frt"), lostCalendarSentence)
	require.Contains(t, card(t, body, "section", "sla-close"), lostPolicyCalendar)

	e := failure(t, f.get("/api/dashboards/hours/run", "ana"), http.StatusUnprocessableEntity, "invalid_report")
	require.Equal(t, []string{"frt", "calendar", `report "FRT" (frt): ` + lowerInitial(lostCalendarSentence[:len(lostCalendarSentence)-1])},
		[]string{e.Report, e.Field, e.Message})
	e = failure(t, f.get("/api/dashboards/hours/reports/sla-close/export?format=csv", "ana"), http.StatusUnprocessableEntity, "invalid_report")
	require.Equal(t, []string{"sla-close", "measure"}, []string{e.Report, e.Field})
	require.Equal(t, http.StatusOK, f.get("/api/dashboards/hours/reports/sla-fast/export?format=csv", "ana").Code)

	edit := html.UnescapeString(page(t, f, "/dashboards/hours/reports/frt/edit", "ana", http.StatusOK))
	has(t, edit, "No preview: this server no longer has the calendar this report counts business hours by.", "the editor's note")
	has(t, edit, lostCalendarSentence, "the editor's note")
	has(t, edit, `<option value="office" selected>office (not among the calendars)</option>`, "the calendar, marked")
	has(t, edit, `"refused_all":[{"field":"calendar","index":-1,"reason":"this server has no calendar \"office\" (it has paris); choose another, or count calendar time"}]`, "the editor's state")

	// Another report of the dashboard can still be changed.
	v := func() string { return strconv.FormatInt(mustGet(t, f, "hours").Version, 10) }
	okJSON(t, f.edit(http.MethodPatch, "/api/dashboards/hours/reports/volume", "ana", `{"version": `+v()+`, "name": "All"}`), http.StatusOK, &editResult{})
	// The report itself, not while it keeps the calendar.
	e = failure(t, f.edit(http.MethodPatch, "/api/dashboards/hours/reports/frt", "ana", `{"version": `+v()+`, "name": "FRT, renamed"}`), http.StatusUnprocessableEntity, "invalid_report")
	require.Equal(t, "calendar", e.Field)
	require.Equal(t, `report "FRT, renamed": calendar: this server has no calendar "office" (it has paris); choose another, or count calendar time`, e.Message)
	okJSON(t, f.edit(http.MethodPatch, "/api/dashboards/hours/reports/frt", "ana", `{"version": `+v()+`, "calendar": "paris"}`), http.StatusOK, &editResult{})
	require.NotContains(t, card(t, page(t, f, "/dashboards/hours", "ana", http.StatusOK), "article", "frt"), "data-stale")

	// An admin adds the calendar again: the policy's report runs.
	okJSON(t, f.do(req{method: http.MethodPut, path: "/api/calendars", user: "admin", body: twoCalendars}), http.StatusOK, &calendarsResult{})
	run := f.run("hours", "ana", "range=last_30_days")
	require.Equal(t, []string{"volume", "frt", "sla-close", "sla-fast"}, run.ReportIDs)
}

// A dashboard that counts business hours by a calendar removed by hand:
// each report that counts by it is stale, saying it is the dashboard's
// calendar, which only an admin can add again (the report's editor
// cannot fix it: no link to it); the API names the report and the
// dashboard's calendar.
func TestDashboardCountingByALostCalendar(t *testing.T) {
	f, dir, _ := lostFixture(t)
	writeFile(t, dir, "_calendars.json", parisOnly)
	const sentence = `Business hours: the dashboard counts them by calendar "office", which this server no longer has (it has paris); an admin can add it again.`
	body := page(t, f, "/dashboards/in-hours", "ana", http.StatusOK)
	for _, id := range []string{"count", "response"} {
		c := card(t, body, "article", id)
		require.Contains(t, c, "Not run: the dashboard's calendar is gone")
		require.Contains(t, c, sentence)
		require.Contains(t, c, "An admin can add the calendar again.")
		require.NotContains(t, c, "data-edit-stale")
	}
	e := failure(t, f.get("/api/dashboards/in-hours/run", "ana"), http.StatusUnprocessableEntity, "invalid_dashboard")
	require.Equal(t, []string{"count", "calendar"}, []string{e.Report, e.Field})
	e = failure(t, f.get("/api/dashboards/in-hours/reports/response/drill?point=%7B%7D", "ana"), http.StatusUnprocessableEntity, "invalid_dashboard")
	require.Equal(t, "response", e.Report)

	okJSON(t, f.do(req{method: http.MethodPut, path: "/api/calendars", user: "admin", body: twoCalendars}), http.StatusOK, &calendarsResult{})
	require.Equal(t, http.StatusOK, f.get("/api/dashboards/in-hours/run", "ana").Code)
	require.NotContains(t, page(t, f, "/dashboards/in-hours", "ana", http.StatusOK), "data-stale")
}

// The calendars' file deleted: no calendar is left, and the card says
// that one is missing, naming none other.
func TestCalendarsFileDeleted(t *testing.T) {
	f, dir, _ := lostFixture(t)
	require.NoError(t, os.Remove(filepath.Join(dir, "_calendars.json")))
	frt := card(t, page(t, f, "/dashboards/hours", "ana", http.StatusOK), "article", "frt")
	require.Contains(t, frt, `Business hours: this server has no calendar "office"; choose another, or count calendar time.`)
	// With no calendar to choose, the editor still shows the report's, to
	// untick.
	edit := html.UnescapeString(page(t, f, "/dashboards/hours/reports/frt/edit", "ana", http.StatusOK))
	has(t, edit, `<input type="checkbox" id="edit-business" checked> Count business hours only`, "the toggle, ticked")
	has(t, edit, `<option value="office" selected>office (not among the calendars)</option>`, "the calendar, marked")
	v := strconv.FormatInt(mustGet(t, f, "hours").Version, 10)
	okJSON(t, f.edit(http.MethodPatch, "/api/dashboards/hours/reports/frt", "ana", `{"version": `+v+`, "calendar": ""}`), http.StatusOK, &editResult{})
	require.NotContains(t, card(t, page(t, f, "/dashboards/hours", "ana", http.StatusOK), "article", "frt"), "data-stale")
}

// An SLA policy removed from its file by hand, or its target: the report
// measuring it is stale, naming the policy and the policies there are;
// measuring another brings its numbers back.
func TestReportMeasuringALostPolicy(t *testing.T) {
	f, dir, _ := lostFixture(t)
	writeFile(t, dir, "_sla.json", `{"policies": [{"name": "fast", "first_response": {"within": "1h"}}]}`)
	const sentence = `The measure: this server has no SLA policy "standard" (it has fast); choose another policy or measure.`
	body := page(t, f, "/dashboards/hours", "ana", http.StatusOK)
	sla := card(t, body, "article", "sla-close")
	require.Contains(t, sla, "Not run: the SLA target it measures is gone")
	require.Contains(t, sla, sentence)
	require.NotContains(t, card(t, body, "article", "sla-fast"), "data-stale")
	e := failure(t, f.get("/api/dashboards/hours/run", "ana"), http.StatusUnprocessableEntity, "invalid_report")
	require.Equal(t, []string{"sla-close", "measure", `report "SLA close" (sla-close): ` + lowerInitial(sentence[:len(sentence)-1])}, []string{e.Report, e.Field, e.Message})
	edit := html.UnescapeString(page(t, f, "/dashboards/hours/reports/sla-close/edit", "ana", http.StatusOK))
	has(t, edit, "No preview: this server no longer has the SLA target this report measures.", "the editor's note")
	has(t, edit, `"refused_all":[{"field":"measure","index":-1,`, "the editor marks the measure")

	// The policy is back without its close target.
	writeFile(t, dir, "_sla.json", `{"policies": [{"name": "standard", "first_response": {"within": "2h"}}, {"name": "fast", "first_response": {"within": "1h"}}]}`)
	require.Contains(t, card(t, page(t, f, "/dashboards/hours", "ana", http.StatusOK), "article", "sla-close"),
		`The measure: SLA policy "standard" no longer sets a time to close target; choose another target, policy or measure.`)

	v := strconv.FormatInt(mustGet(t, f, "hours").Version, 10)
	okJSON(t, f.edit(http.MethodPatch, "/api/dashboards/hours/reports/sla-close", "ana", `{"version": `+v+`, "measure": {"agg": "sla_met", "sla": "fast", "target": "first_response"}}`),
		http.StatusOK, &editResult{})
	require.Equal(t, http.StatusOK, f.get("/api/dashboards/hours/run", "ana").Code)
}

// The live stream draws the cards as the page does.
func TestLostCalendarLive(t *testing.T) {
	f, dir, _ := lostFixture(t)
	writeFile(t, dir, "_calendars.json", parisOnly)
	_, ev := f.firstReports("/api/dashboards/hours/live?range=last_30_days")
	require.Len(t, ev.Reports, 4)
	require.Equal(t, "frt", ev.Reports[1].ID)
	require.Empty(t, ev.Reports[1].Points)
	require.Contains(t, html.UnescapeString(ev.Reports[1].HTML), lostCalendarSentence)
	require.Contains(t, html.UnescapeString(ev.Reports[2].HTML), lostPolicyCalendar)
	require.NotEmpty(t, ev.Reports[3].Points, "sla-fast runs")
}
