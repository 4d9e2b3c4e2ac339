package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/memory"
	"github.com/convreport/convreport/web"
)

// Africa/Monrovia kept -0:44:30 until 1972, an offset RFC 3339 cannot
// write: every time the API writes parses back to the instant it stands
// for (an offset cut to -00:44 names one 30 seconds off), and the pinned
// period a drill-down is asked for is the run's own.
func TestAPITimesInAZoneWhoseOffsetHasSeconds(t *testing.T) {
	// Local midnight of 1960-06-01 is 00:44:30 UTC. "early" is 15 seconds
	// before it, the last conversation of May 31; the others are in the
	// period.
	midnight := time.Date(1960, 6, 1, 0, 44, 30, 0, time.UTC)
	cs := []convreport.Conversation{
		{ID: "early", Channel: convreport.Chat, CreatedAt: midnight.Add(-15 * time.Second)},
		{ID: "first", Channel: convreport.Chat, CreatedAt: midnight},
		{ID: "later", Channel: convreport.Chat, CreatedAt: midnight.Add(30 * time.Hour)},
		{ID: "paris", Channel: convreport.Chat, CreatedAt: time.Date(1900, 1, 1, 12, 0, 0, 0, time.UTC)},
	}
	src, err := memory.New(cs)
	require.NoError(t, err)
	f := newFixture(t, func(c *web.Config) { c.Engine, c.Schema = convreport.NewEngine(src), src.Schema() })

	w := f.get("/api/dashboards/chat/run?from=1960-06-01&to=1960-06-04&now=1960-06-10&tz=Africa/Monrovia&compare=previous", "ana")
	var raw struct {
		From   string `json:"from"`
		To     string `json:"to"`
		Now    string `json:"now"`
		Period string `json:"period"`
		Charts []struct {
			Categories []struct {
				Time string `json:"time"`
			} `json:"categories"`
		} `json:"charts"`
		Reports []struct {
			PreviousFrom string `json:"previous_from"`
			PreviousTo   string `json:"previous_to"`
		} `json:"reports"`
	}
	okJSON(t, w, http.StatusOK, &raw)
	require.NotContains(t, w.Body.String(), "-00:44", "no offset cut to minutes")
	is := func(written string, want time.Time) {
		t.Helper()
		got, err := time.Parse(time.RFC3339Nano, written)
		require.NoError(t, err, "%q is RFC 3339", written)
		require.True(t, got.Equal(want), "%s is not %s", written, want)
	}
	is(raw.From, midnight)
	is(raw.To, midnight.AddDate(0, 0, 3))
	is(raw.Now, midnight.AddDate(0, 0, 9))
	is(raw.Reports[0].PreviousFrom, midnight.AddDate(0, 0, -3))
	is(raw.Reports[0].PreviousTo, midnight)
	period, err := url.ParseQuery(raw.Period)
	require.NoError(t, err)
	is(period.Get("from"), midnight)
	is(period.Get("to"), midnight.AddDate(0, 0, 3))
	is(period.Get("now"), midnight.AddDate(0, 0, 9))

	run := f.run("chat", "ana", "from=1960-06-01&to=1960-06-04&now=1960-06-10&tz=Africa/Monrovia")
	over := run.report(t, "chat-conversations-over-time")
	days := raw.Charts[over].Categories
	require.Len(t, days, 3)
	for i, d := range days {
		is(d.Time, midnight.AddDate(0, 0, i))
	}

	// The drill-down of the conversations without a rep, for the run's
	// pinned period, lists the two of the period, not "early".
	byRep := run.report(t, "conversations-by-rep")
	require.Len(t, run.Reports[byRep].Points, 1)
	require.Equal(t, int64(2), run.Reports[byRep].Points[0].Count)
	w = f.get(drillPath("chat", "conversations-by-rep", run, run.Reports[byRep].Points[0].Dimensions, "sort=CreatedAt"), "ana")
	var dr struct {
		From    string `json:"from"`
		To      string `json:"to"`
		Total   int    `json:"total"`
		Columns []struct {
			Key string `json:"key"`
		} `json:"columns"`
		Rows []struct {
			ID     string `json:"id"`
			Values []any  `json:"values"`
		} `json:"rows"`
	}
	okJSON(t, w, http.StatusOK, &dr)
	is(dr.From, midnight)
	is(dr.To, midnight.AddDate(0, 0, 3))
	require.Equal(t, 2, dr.Total)
	require.Len(t, dr.Rows, 2)
	col := -1
	for i, c := range dr.Columns {
		if c.Key == "created_at" {
			col = i
		}
	}
	require.NotEqual(t, -1, col, "%+v", dr.Columns)
	for i, want := range []time.Time{cs[1].CreatedAt, cs[2].CreatedAt} {
		require.Equal(t, cs[i+1].ID, dr.Rows[i].ID)
		is(dr.Rows[i].Values[col].(string), want)
	}
	require.NotContains(t, w.Body.String(), "-00:44", "no offset cut to minutes")

	// Compared, the point's previous period too.
	w = f.get(drillPath("chat", "conversations-by-rep", run, run.Reports[byRep].Points[0].Dimensions, "compare=previous"), "ana")
	var cmp struct {
		Point struct {
			Previous struct {
				From  string `json:"from"`
				To    string `json:"to"`
				Count int64  `json:"count"`
			} `json:"previous"`
		} `json:"point"`
	}
	okJSON(t, w, http.StatusOK, &cmp)
	is(cmp.Point.Previous.From, midnight.AddDate(0, 0, -3))
	is(cmp.Point.Previous.To, midnight)
	require.Equal(t, int64(1), cmp.Point.Previous.Count, "early")
	require.NotContains(t, w.Body.String(), "-00:44", "no offset cut to minutes")

	// Europe/Paris kept +0:09:21 until 1911: its 1900-01-01 began at
	// 1899-12-31T23:50:39Z. The drill-down page names the period by the
	// zone's dates, whatever the API writes.
	run = f.run("chat", "ana", "from=1900-01-01&to=1900-01-03&now=1900-01-10&tz=Europe/Paris")
	is(run.From.Format(time.RFC3339Nano), time.Date(1899, 12, 31, 23, 50, 39, 0, time.UTC))
	byRep = run.report(t, "conversations-by-rep")
	page := strings.Replace(drillPath("chat", "conversations-by-rep", run, run.Reports[byRep].Points[0].Dimensions, ""), "/api/", "/", 1)
	w = f.get(page, "ana")
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	require.Contains(t, w.Body.String(), "Jan 1, 1900 – Jan 2, 1900")
	require.NotContains(t, w.Body.String(), "Dec 31, 1899")
}
