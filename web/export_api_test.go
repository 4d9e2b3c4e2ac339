package web_test

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"image/png"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/convreport/convreport"
)

// chatsByRep counts the chat conversations created in [from, to) per
// assignee ("(no value)" for none), within team when it is not empty: the
// "Conversations by rep" report, by a plain loop.
func chatsByRep(cs []convreport.Conversation, from, to time.Time, team string) map[string]int64 {
	out := map[string]int64{}
	for _, c := range cs {
		if c.Channel != convreport.Chat || c.CreatedAt.Before(from) || !c.CreatedAt.Before(to) || (team != "" && c.Team != team) {
			continue
		}
		name := c.Assignee
		if name == "" {
			name = "(no value)"
		}
		out[name]++
	}
	return out
}

// attachment returns the file name of a download.
func attachment(t *testing.T, h http.Header) string {
	t.Helper()
	disp, params, err := mime.ParseMediaType(h.Get("Content-Disposition"))
	require.NoError(t, err)
	require.Equal(t, "attachment", disp)
	return params["filename"]
}

func readCSV(t *testing.T, b []byte) [][]string {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	require.NoError(t, err, string(b))
	return rows
}

const last30 = "range=last_30_days"

// A report's CSV holds what its table shows, for the viewer's scope: ana
// sees every chat, ben only the Support team's.
func TestExportReportCSV(t *testing.T) {
	f := newFixture(t)
	from, to := now.AddDate(0, 0, -30), now
	for _, tc := range []struct{ user, team string }{{"ana", ""}, {"ben", "Support"}} {
		w := f.get("/api/dashboards/chat/reports/conversations-by-rep/export?format=csv&"+last30, tc.user)
		require.Equal(t, http.StatusOK, w.Code, w.Body.String())
		require.Equal(t, "text/csv; charset=utf-8", w.Header().Get("Content-Type"))
		require.Equal(t, "Conversations by rep.csv", attachment(t, w.Header()))
		rows := readCSV(t, w.Body.Bytes())
		require.Equal(t, []string{"Assignee", "Conversations"}, rows[0])
		want := chatsByRep(f.cs, from, to, tc.team)
		got := map[string]int64{}
		for _, r := range rows[1:] {
			n, err := strconv.ParseInt(r[1], 10, 64)
			require.NoError(t, err)
			got[r[0]] = n
		}
		require.Equal(t, want, got, tc.user)
		if _, ok := want["(no value)"]; ok {
			require.Equal(t, "(no value)", rows[len(rows)-1][0], "the group with no value is last")
		}
	}

	// A duration: exact decimal seconds, with the count beside it.
	w := f.get("/api/dashboards/chat/reports/average-chat-first-response-time-by-rep/export?format=csv&"+last30, "ana")
	rows := readCSV(t, w.Body.Bytes())
	require.Equal(t, []string{"Assignee", "Average agent first response time (seconds)", "Conversations"}, rows[0])
	run := f.run("chat", "ana", last30)
	rep := run.Reports[run.report(t, "average-chat-first-response-time-by-rep")]
	require.Len(t, rows, len(rep.Points)+1)
	for i, p := range rep.Points {
		require.Equal(t, *p.Value, rows[i+1][1])
		require.Equal(t, strconv.FormatInt(p.Count, 10), rows[i+1][2])
	}
}

func TestExportReportSVGAndPNG(t *testing.T) {
	f := newFixture(t)
	w := f.get("/api/dashboards/chat/reports/conversations-by-rep/export?format=svg&"+last30, "ana")
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	require.Equal(t, "image/svg+xml", w.Header().Get("Content-Type"))
	require.Contains(t, w.Header().Get("Content-Security-Policy"), "default-src 'none'")
	require.True(t, strings.HasPrefix(w.Body.String(), "<svg "), w.Body.String()[:40])
	require.NotContains(t, w.Body.String(), "<a ", "an exported chart links nowhere")
	require.Contains(t, w.Body.String(), "Conversations by rep")
	width, height := svgRootSize(t, w.Body.String())

	w = f.get("/api/dashboards/chat/reports/conversations-by-rep/export?format=png&"+last30, "ana")
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	require.Equal(t, "image/png", w.Header().Get("Content-Type"))
	require.Equal(t, "Conversations by rep.png", attachment(t, w.Header()))
	img, err := png.Decode(bytes.NewReader(w.Body.Bytes()))
	require.NoError(t, err)
	require.Equal(t, 2*width, img.Bounds().Dx(), "twice the SVG's size")
	require.Equal(t, 2*height, img.Bounds().Dy())
	colours := map[uint32]bool{}
	for y := 0; y < img.Bounds().Dy(); y += 3 {
		for x := 0; x < img.Bounds().Dx(); x += 3 {
			r, g, b, _ := img.At(x, y).RGBA()
			colours[r>>8<<16|g>>8<<8|b>>8] = true
		}
	}
	require.Greater(t, len(colours), 10, "not blank")
}

func svgRootSize(t *testing.T, s string) (int, int) {
	t.Helper()
	tag := s[:strings.Index(s, ">")]
	attr := func(name string) int {
		i := strings.Index(tag, " "+name+`="`)
		require.GreaterOrEqual(t, i, 0, tag)
		v := tag[i+len(name)+3:]
		f, err := strconv.ParseFloat(v[:strings.Index(v, `"`)], 64)
		require.NoError(t, err)
		return int(f + 0.999)
	}
	return attr("width"), attr("height")
}

// The dashboard's zip: one CSV per report, named after it, each the
// report's own CSV.
func TestExportDashboardZip(t *testing.T) {
	f := newFixture(t)
	w := f.get("/api/dashboards/chat/export?format=zip&"+last30, "ben")
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	require.Equal(t, "application/zip", w.Header().Get("Content-Type"))
	require.Equal(t, "Chat.zip", attachment(t, w.Header()))
	zr, err := zip.NewReader(bytes.NewReader(w.Body.Bytes()), int64(w.Body.Len()))
	require.NoError(t, err)
	d, err := f.store.Get(t.Context(), users["ben"], "chat")
	require.NoError(t, err)
	var names []string
	for _, r := range d.Reports {
		names = append(names, r.Name+".csv")
	}
	var got []string
	for _, zf := range zr.File {
		got = append(got, zf.Name)
		rc, err := zf.Open()
		require.NoError(t, err)
		b, err := io.ReadAll(rc)
		require.NoError(t, err)
		rid := d.Reports[slices.Index(names, zf.Name)].ID
		one := f.get("/api/dashboards/chat/reports/"+rid+"/export?format=csv&"+last30, "ben")
		require.Equal(t, one.Body.String(), string(b), zf.Name)
	}
	require.Equal(t, names, got)
}

// The drill-down's CSV: every row of the point (not a page of 25), the
// drill-down's columns, exact values, the same IDs as the API's pages.
func TestExportDrillCSV(t *testing.T) {
	f := newFixture(t)
	run := f.run("chat", "ben", last30)
	rep := run.Reports[run.report(t, "conversations-by-rep")]
	p := rep.Points[0]
	require.Greater(t, p.Count, int64(25), "more rows than a page")
	var page drillResult
	okJSON(t, f.get(drillPath("chat", "conversations-by-rep", run, p.Dimensions, "limit=1000&sort=ID"), "ben"), http.StatusOK, &page)

	path := strings.Replace(drillPath("chat", "conversations-by-rep", run, p.Dimensions, "format=csv&sort=ID"), "/drill?", "/drill/export?", 1)
	w := f.get(path, "ben")
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	require.Equal(t, "text/csv; charset=utf-8", w.Header().Get("Content-Type"))
	require.Equal(t, "Conversations by rep - "+*p.Dimensions["assignee"]+".csv", attachment(t, w.Header()))
	rows := readCSV(t, w.Body.Bytes())
	require.Len(t, rows, int(p.Count)+1)
	require.Equal(t, []string{"Conversation ID", "Created", "Assignee", "Page URL", "Chatflow", "Status"}, rows[0][:6])
	byID := map[string]convreport.Conversation{}
	for _, c := range f.cs {
		byID[c.ID] = c
	}
	for i, r := range rows[1:] {
		require.Equal(t, page.Rows[i].ID, r[0])
		c := byID[r[0]]
		require.Equal(t, "Support", c.Team, "in ben's scope")
		require.Equal(t, c.CreatedAt.In(paris).Format(time.RFC3339Nano), r[1], "exact time in the zone")
		require.Equal(t, *p.Dimensions["assignee"], r[2])
	}
}

// Every export goes through the access checks.
func TestExportAccess(t *testing.T) {
	f := newFixture(t)
	run := f.run("chat", "ana", last30)
	rep := run.Reports[run.report(t, "conversations-by-rep")]
	drill := strings.Replace(drillPath("chat", "conversations-by-rep", run, rep.Points[0].Dimensions, ""), "/drill?", "/drill/export?", 1)
	private := []string{
		"/api/dashboards/email/reports/email-volume-by-owner/export?format=csv",
		"/api/dashboards/email/export?format=zip",
		"/api/dashboards/email/reports/email-volume-by-owner/drill/export?point=%7B%7D",
	}
	for _, p := range private {
		failure(t, f.get(p, "ben"), http.StatusNotFound, "not_found")
		failure(t, f.get(p, "carl"), http.StatusNotFound, "not_found")
		failure(t, f.get(p, ""), http.StatusUnauthorized, "unauthenticated")
	}
	require.Equal(t, http.StatusNotFound, f.get("/dashboards/email/print", "ben").Code)

	e := failure(t, f.get("/api/dashboards/chat/reports/conversations-by-rep/export?format=xlsx", "ana"), http.StatusBadRequest, "bad_request")
	require.Equal(t, "format", e.Field)
	e = failure(t, f.get("/api/dashboards/chat/export", "ana"), http.StatusBadRequest, "bad_request")
	require.Equal(t, "format", e.Field)
	e = failure(t, f.get("/api/dashboards/chat/reports/conversations-by-rep/export?format=csv&tz=Mars/Base", "ana"), http.StatusBadRequest, "invalid_query")
	require.Equal(t, "tz", e.Field)
	failure(t, f.get("/api/dashboards/chat/reports/nope/export?format=csv", "ana"), http.StatusNotFound, "not_found")
	e = failure(t, f.get(strings.Replace(drill, "point=", "point=x", 1), "ana"), http.StatusBadRequest, "invalid_point")
	require.Equal(t, "point", e.Field)
	failure(t, f.do(req{method: http.MethodPost, path: "/api/dashboards/chat/export?format=zip", user: "ana", body: "{}"}),
		http.StatusMethodNotAllowed, "method_not_allowed")

	// A rep ben's scope does not reach is no point for him.
	var outside map[string]*string
	for _, c := range f.cs {
		if c.Team == "Sales" && c.Assignee != "" && c.Channel == convreport.Chat {
			outside = map[string]*string{"assignee": &c.Assignee}
			break
		}
	}
	require.NotNil(t, outside)
	benOnly := true
	for _, c := range f.cs {
		if c.Team == "Support" && c.Assignee == *outside["assignee"] {
			benOnly = false
		}
	}
	if benOnly {
		p := strings.Replace(drillPath("chat", "conversations-by-rep", run, outside, ""), "/drill?", "/drill/export?", 1)
		failure(t, f.get(p, "ben"), http.StatusNotFound, "point_not_found")
	}
}

// A bad period on the dashboard page is said next to the date range; the
// page shows the default period and keeps what was typed.
func TestBadPeriodInline(t *testing.T) {
	f := newFixture(t)
	for _, tc := range []struct{ query, msg, kept string }{
		{"tz=Mars/Base", `Tz &#34;Mars/Base&#34; is not an IANA time zone`, `value="Mars/Base"`},
		{"from=2025-05-10&to=2025-05-01", "The last day, 2025-04-30, is before the first, 2025-05-10", `value="2025-05-10"`},
		{"from=2025-13-01&to=2025-05-01", "From:", `value="2025-13-01"`},
	} {
		body := page(t, f, "/dashboards/chat?"+tc.query, "ana", http.StatusOK)
		require.Contains(t, body, `id="range-error"`, tc.query)
		require.Contains(t, body, tc.msg, tc.query)
		require.Contains(t, body, tc.kept, tc.query)
		require.Contains(t, body, "May 2, 2025 – May 31, 2025", "the default period, last 30 days")
		require.Contains(t, body, `id="report-conversations-by-rep"`, "the reports are there")
	}
	require.NotContains(t, page(t, f, "/dashboards/chat?"+last30, "ana", http.StatusOK), `id="range-error"`)

	// The print layout too: the default period, and why.
	body := page(t, f, "/dashboards/chat/print?tz=Mars/Base", "ana", http.StatusOK)
	require.Contains(t, body, `id="range-error"`)
	require.Contains(t, body, `Tz &#34;Mars/Base&#34; is not an IANA time zone`)
	require.Contains(t, body, "May 2, 2025 – May 31, 2025")
	require.Contains(t, body, `id="report-conversations-by-rep"`)
	require.NotContains(t, page(t, f, "/dashboards/chat/print?"+last30, "ana", http.StatusOK), `id="range-error"`)
}

// "This month" on the 12th at 15:00 draws 12 days, not 30: the run (and
// so every chart and export) drops the empty days after now. The
// fixture's conversations end on June 1.
func TestThisMonthStopsAtNow(t *testing.T) {
	f := newFixture(t)
	q := "range=this_month&now=" + url.QueryEscape("2025-06-12T15:00:00+02:00")
	run := f.run("chat", "ana", q)
	ts := run.Reports[run.report(t, "chat-conversations-over-time")]
	require.Len(t, ts.Points, 12)
	require.Equal(t, "2025-06-12", *ts.Points[11].Dimensions["bucket"])
	require.Equal(t, time.Date(2025, 7, 1, 0, 0, 0, 0, paris), run.To.In(paris), "the period is still the month")
	w := f.get("/api/dashboards/chat/reports/chat-conversations-over-time/export?format=csv&"+q, "ana")
	require.Len(t, readCSV(t, w.Body.Bytes()), 13)

	// A now before conversations that were counted (a rerun "as of" the
	// 12th over data that goes on): their days are shown, none hidden.
	q = "range=this_month&now=" + url.QueryEscape("2025-05-12T15:00:00+02:00")
	run = f.run("chat", "ana", q)
	ts = run.Reports[run.report(t, "chat-conversations-over-time")]
	require.Len(t, ts.Points, 31)
}

// Exports hold what the page shows under its view: the dashboard filters
// and the comparison of the URL apply to a report's CSV and to a point's
// conversations as they apply to the run and the drill-down dialog.
func TestExportHonoursTheView(t *testing.T) {
	f := newFixture(t)
	view := last30 + "&filters=" + url.QueryEscape(`[{"property":"Team","op":"is_any_of","values":["Support"]}]`)
	w := f.get("/api/dashboards/chat/reports/conversations-by-rep/export?format=csv&"+view, "ana")
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	got := map[string]int64{}
	for _, r := range readCSV(t, w.Body.Bytes())[1:] {
		n, err := strconv.ParseInt(r[1], 10, 64)
		require.NoError(t, err)
		got[r[0]] = n
	}
	require.Equal(t, chatsByRep(f.cs, now.AddDate(0, 0, -30), now, "Support"), got)

	run := f.run("chat", "ana", view)
	rep := run.Reports[run.report(t, "conversations-by-rep")]
	p := rep.Points[0]
	path := strings.Replace(drillPath("chat", "conversations-by-rep", run, p.Dimensions, "format=csv"), "/drill?", "/drill/export?", 1)
	require.Contains(t, path, "filters=", "the drill link carries the view")
	w = f.get(path, "ana")
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	rows := readCSV(t, w.Body.Bytes())
	require.Len(t, rows, int(p.Count)+1)
	team := map[string]string{}
	for _, c := range f.cs {
		team[c.ID] = c.Team
	}
	for _, r := range rows[1:] {
		require.Equal(t, "Support", team[r[0]], r[0])
	}

	w = f.get("/api/dashboards/chat/reports/conversations-by-rep/export?format=csv&"+last30+"&filters=nope", "ana")
	require.Equal(t, http.StatusBadRequest, w.Code, w.Body.String())
	require.Contains(t, w.Body.String(), `"field":"filters"`)
}

// A page drops only the parameter that is wrong: a bad period keeps the
// view's filters, and a bad filter keeps the period; the note says which.
func TestBadViewParameterKeepsTheRest(t *testing.T) {
	f := newFixture(t)
	filters := url.QueryEscape(`[{"property":"Team","op":"is_any_of","values":["Support"]}]`)
	body := page(t, f, "/dashboards/chat?tz=Mars/Base&filters="+filters, "ana", http.StatusOK)
	require.Contains(t, body, "Showing the default period instead.")
	require.Contains(t, body, `class="chip chip-view"`, "the view's filter is kept")

	body = page(t, f, "/dashboards/chat?range=last_7_days&filters=nope", "ana", http.StatusOK)
	require.Contains(t, body, "Showing the dashboard without these filters.")
	require.NotContains(t, body, `class="chip chip-view"`)
	require.Contains(t, body, `value="last_7_days" selected`, "the period is kept")

	body = page(t, f, "/dashboards/chat?tz=Mars/Base&filters=nope", "ana", http.StatusOK)
	require.Contains(t, body, `id="range-error"`, "both wrong: both dropped, the first said")
}
