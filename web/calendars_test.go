package web_test

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/calendar"

	"github.com/chromedp/chromedp"
	"github.com/convreport/convreport"
	"github.com/convreport/convreport/render"
	"github.com/convreport/convreport/store"
	"github.com/convreport/convreport/web"
	"github.com/stretchr/testify/require"
)

type calendarsResult struct {
	Set      *calendar.Set `json:"set"`
	Names    []string      `json:"names"`
	Editable bool          `json:"editable"`
}

const officeSet = `{"calendars": [
	{"name": "office", "zone": "Europe/Paris", "week": {
		"monday": [{"start": "09:00", "end": "12:00"}, {"start": "14:00", "end": "18:00"}],
		"tuesday": [{"start": "09:00", "end": "18:00"}], "wednesday": [{"start": "09:00", "end": "18:00"}],
		"thursday": [{"start": "09:00", "end": "18:00"}], "friday": [{"start": "09:00", "end": "17:00"}]},
	 "holidays": ["2025-05-01", "2025-05-08", "2025-05-29"]}]}`

func TestCalendarsAPI(t *testing.T) {
	f := newFixture(t)
	var out calendarsResult
	okJSON(t, f.get("/api/calendars", "ana"), http.StatusOK, &out)
	require.Equal(t, []string{}, out.Names)
	require.False(t, out.Editable)

	failure(t, f.do(req{method: http.MethodPut, path: "/api/calendars", user: "ana", body: officeSet}), http.StatusForbidden, "forbidden")

	bad := `{"calendars": [{"name": "office", "week": {"monday": [{"start": "09:00", "end": "13:00"}, {"start": "12:00", "end": "18:00"}]}}]}`
	e := failure(t, f.do(req{method: http.MethodPut, path: "/api/calendars", user: "admin", body: bad}), http.StatusUnprocessableEntity, "invalid_calendar")
	require.Equal(t, "calendars[0].week.monday[1]", e.Field)
	require.Equal(t, "calendar: calendars[0].week.monday[1]: 12:00-18:00 overlaps 09:00-13:00", e.Message)
	e = failure(t, f.do(req{method: http.MethodPut, path: "/api/calendars", user: "admin", body: `{"calendars": [{"name": "x", "zone": "Europe/Pariss"}]}`}), http.StatusUnprocessableEntity, "invalid_calendar")
	require.Equal(t, "calendars[0].zone", e.Field)

	okJSON(t, f.do(req{method: http.MethodPut, path: "/api/calendars", user: "admin", body: officeSet}), http.StatusOK, &out)
	require.Equal(t, []string{"office"}, out.Names)
	require.True(t, out.Editable)
}

func TestCreateABusinessHoursDashboard(t *testing.T) {
	f := newFixture(t)
	body := `{"template": "chat-overview", "name": "Chats in hours", "calendar": "office"}`
	e := failure(t, f.do(req{method: http.MethodPost, path: "/api/dashboards", user: "ana", body: body}), http.StatusUnprocessableEntity, "invalid_dashboard")
	require.Equal(t, "calendar", e.Field)
	require.Contains(t, e.Message, `no calendar "office"`)
	okJSON(t, f.do(req{method: http.MethodPut, path: "/api/calendars", user: "admin", body: officeSet}), http.StatusOK, &calendarsResult{})
	var created struct {
		ID       string `json:"id"`
		Calendar string `json:"calendar"`
	}
	okJSON(t, f.do(req{method: http.MethodPost, path: "/api/dashboards", user: "ana", body: body}), http.StatusCreated, &created)
	require.Equal(t, "office", created.Calendar)
	// Every duration report of it counts business hours.
	w := f.get("/api/dashboards/"+created.ID+"/run?range=last_30_days", "ana")
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	var run struct {
		Charts []struct {
			Y struct {
				Title string `json:"title"`
			} `json:"y"`
		} `json:"charts"`
	}
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &run))
	var titles []string
	for _, c := range run.Charts {
		if strings.HasSuffix(c.Y.Title, "(business hours)") {
			titles = append(titles, c.Y.Title)
		}
	}
	// The template's two duration reports; its counts are no durations.
	require.Equal(t, []string{"Average agent first response time (business hours)", "Average time to close (business hours)"}, titles)
}

func TestBusinessHoursToggleInTheEditor(t *testing.T) {
	f := newFixture(t)
	okJSON(t, f.do(req{method: http.MethodPut, path: "/api/calendars", user: "admin", body: officeSet}), http.StatusOK, &calendarsResult{})
	path := "/api/dashboards/shared/reports/average-chat-first-response-time-by-rep"

	// An unknown calendar is refused, naming the field.
	e := failure(t, f.edit(http.MethodPost, path+"/preview", "ana", `{"calendar": "ofice"}`), http.StatusUnprocessableEntity, "invalid_report")
	require.Equal(t, "calendar", e.Field)
	e = failure(t, f.edit(http.MethodPatch, path, "ana", `{"version": 1, "calendar": "ofice"}`), http.StatusUnprocessableEntity, "invalid_report")
	require.Equal(t, "calendar", e.Field)

	before := f.run("shared", "ana", "range=last_30_days")
	var out editResult
	okJSON(t, f.edit(http.MethodPatch, path, "ana", `{"version": 1, "calendar": "office"}`), http.StatusOK, &out)
	require.Equal(t, "office", out.Report.Calendar)
	after := f.run("shared", "ana", "range=last_30_days")

	// The numbers are the engine's with the stored calendar.
	set, err := calendar.Parse([]byte(officeSet))
	require.NoError(t, err)
	q := convreport.Query{Range: convreport.Last30Days, Zone: paris, Now: now, Calendars: set}
	rep := out.Report
	want, err := f.eng.Run(context.Background(), q, rep)
	require.NoError(t, err)
	want = render.ReadableAll(want, now) // as every view of the API shows it
	i := after.report(t, rep.ID)
	require.Len(t, after.Reports[i].Points, len(want[0].Points))
	for j, p := range want[0].Points {
		require.Equal(t, p.Value.Decimal.String(), *after.Reports[i].Points[j].Value, "point %d", j)
	}
	require.NotEqual(t, before.Reports[i].Points[0].Value, after.Reports[i].Points[0].Value, "business hours change the number")

	// The drill-down lists business time, by the calendar.
	p := after.Reports[i].Points[0]
	var dr drillResult
	okJSON(t, f.get(drillPath("shared", rep.ID, after, p.Dimensions, "limit=500"), "ana"), http.StatusOK, &dr)
	col := -1
	for k, c := range dr.Columns {
		if c.Name == "FirstResponseTime" {
			col = k
		}
	}
	require.GreaterOrEqual(t, col, 0)
	byID := map[string]convreport.Conversation{}
	for _, c := range f.cs {
		byID[c.ID] = c
	}
	office := set.Calendars[0]
	for _, row := range dr.Rows {
		c := byID[row.ID]
		d, ok := c.AgentFirstResponseTime()
		require.True(t, ok)
		biz := office.Between(c.FirstResponseAt.Add(-d), c.FirstResponseAt)
		require.InDelta(t, biz.Seconds(), row.Values[col].(float64), 0.0005, row.ID)
	}

	// The editor page offers the toggle, on, with the calendar chosen.
	w := f.get("/dashboards/shared/reports/"+rep.ID+"/edit", "ana")
	require.Equal(t, http.StatusOK, w.Code)
	require.Contains(t, w.Body.String(), `<input type="checkbox" id="edit-business" checked> Count business hours only`)
	require.Contains(t, w.Body.String(), `<option value="office" selected>office</option>`)

	// Unticked, the report counts calendar time again.
	var off editResult
	okJSON(t, f.edit(http.MethodPatch, path, "ana", `{"version": 2, "calendar": ""}`), http.StatusOK, &off)
	require.Equal(t, "", off.Report.Calendar)
	require.Equal(t, before.Reports[i].Points, f.run("shared", "ana", "range=last_30_days").Reports[i].Points)
}

// A person ticks "Count business hours only" in the editor: the preview
// says so, and the report is saved with the calendar.
func TestBrowserBusinessHoursToggle(t *testing.T) {
	b := newBrowser(t)
	f := newFixture(t, func(c *web.Config) {
		c.Authenticate = func(*http.Request) (access.Viewer, error) { return users["ana"], nil }
	})
	office, err := calendar.Parse([]byte(officeSet))
	require.NoError(t, err)
	require.NoError(t, f.store.(*store.Memory).SaveCalendars(context.Background(), users["admin"], office))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := &http.Server{Handler: f.h, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	root := "http://" + ln.Addr().String() + "/"

	const rid = "average-chat-first-response-time-by-rep"
	// The browser starts on the tab's own context, not on a step's: a
	// step's deadline would end it.
	b.eval(`"started"`)
	b.do("open the editor", chromedp.Navigate(root+"dashboards/shared/reports/"+rid+"/edit"),
		chromedp.WaitVisible(chromedp.CSS(`#editor`)), chromedp.WaitVisible(chromedp.CSS(`#preview svg`)))
	b.wait("the script", `document.documentElement.dataset.ready === "true"`)
	require.Equal(t, "true", b.eval(`String(document.querySelector("#edit-calendar").disabled)`), "off: no calendar to choose")
	b.do("tick business hours", chromedp.Click(chromedp.CSS("#edit-business")))
	b.wait("the preview in business hours", `document.querySelector("#preview-meta").textContent.includes("(business hours)")`)
	b.shot("editor-business-hours")
	b.do("update", chromedp.Click(chromedp.CSS("#update")))
	b.wait("the dashboard", `document.body.classList.contains("page-dashboard")`)

	d, err := f.store.Get(context.Background(), users["ana"], "shared")
	require.NoError(t, err)
	r, _ := d.Report(rid)
	require.Equal(t, "office", r.Calendar)
}
