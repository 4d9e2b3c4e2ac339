package convreport_test

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/calendar"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/library"
	"github.com/convreport/convreport/memory"
	"github.com/stretchr/testify/require"
)

// The fuzz targets of the root package. Each has seeds here (f.Add) and a
// corpus under testdata/fuzz/<target>; .ci/run fuzzes each for a few
// seconds. None may panic, hang or grow memory without bound, and every
// rejection is the package's typed error.

// fuzzEngine runs fuzzed dashboards over a few conversations of the
// fixture, so that every accepted report goes through the whole engine.
var fuzzEngine = sync.OnceValue(func() *convreport.Engine {
	src, err := memory.New(fixture())
	if err != nil {
		panic(err)
	}
	return convreport.NewEngine(src, convreport.WithWorkers(2))
})

func templateJSON(f *testing.F, d convreport.Dashboard) []byte {
	b, err := json.Marshal(d)
	require.NoError(f, err)
	return b
}

// FuzzDashboardJSON decodes a dashboard as a Store or the CLI reads one:
// Validate either accepts it or returns a *DashboardError; an accepted one
// writes back to JSON that reads back to the same dashboard, and runs
// through the engine without panicking (errors are *ReportError).
func FuzzDashboardJSON(f *testing.F) {
	for _, t := range library.All() {
		d, err := t.NewDashboard(convreport.DashboardOptions{Name: t.Name, Owner: "ana"})
		require.NoError(f, err)
		f.Add(templateJSON(f, d))
	}
	for _, s := range []string{
		`{"name":"Support","owner":"ana","reports":[]}`,
		`{"id":"x","name":"Support","owner":"ana","visibility":"specific","grants":[{"team":"t1","allow":"edit"},{"user":"bo"}],"reports":[{"id":"r","name":"R","measure":{"agg":"percentile","metric":"wait_time","p":99.9},"dimensions":["Inbox","Team"],"bucket":"hour","limit":3,"sort":"label_desc"}],"version":7,"created_at":"2025-03-01T10:00:00+01:00"}`,
		`{"name":"Support","owner":"ana","reports":[{"id":"r","name":"R","measure":{"agg":"share_within","metric":"first_response_time","threshold":"5m"},"filter":"Channel == \"chat\" && FirstResponseTime > duration(\"1m\")","conditions":[{"property":"Inbox","op":"is_any_of","values":["Sales"]}]}]}`,
		`{"name":"Support","owner":"ana","reports":[{"id":"r","name":"R","snapshot":true,"bucket":"day"}]}`,
		`{"name":"Support","owner":"ana","reports":[{"id":"r","name":"R","dimensions":["A","B","C","D","E"]}]}`,
		`{"name":"Support","owner":"ana","reports":[{"id":"r","name":"R","date_property":"ClosedAt","measure":{"agg":"max","metric":"time_to_close"}}]}`,
		`{"name":"Support","owner":"ana","reports":[{"id":"r","name":"R"},{"id":"r","name":"S"}]}`,
		`{"name":"a.b","owner":"ana"}`, `{"name":"x","owner":""}`, `{"name":"x","owner":"a","visibility":"public"}`,
		`{"name":"x","owner":"a","reports":[{"id":"r","name":"R","measure":{"threshold":"forever"}}]}`,
		`{"name":"x","owner":"a","created_at":"2025-03-01T10:00:00+23:59"}`,
		`{"name":"\u0000","owner":"a"}`, `{"name":"` + "\xff" + `","owner":"a"}`,
		`null`, `[]`, `{}`, `{"reports":{}}`, `{"version":1e400}`,
	} {
		f.Add([]byte(s))
	}
	q := fixtureQuery()
	q.Viewer = access.Viewer{UserID: "fuzz", Admin: true}
	f.Fuzz(func(t *testing.T, data []byte) {
		var d convreport.Dashboard
		if err := json.Unmarshal(data, &d); err != nil {
			return
		}
		if err := d.Validate(); err != nil {
			var de *convreport.DashboardError
			if !errors.As(err, &de) {
				t.Fatalf("Validate: %T is not a *DashboardError: %v", err, err)
			}
			return
		}
		b1, err := json.Marshal(d)
		if err != nil {
			t.Fatalf("a valid dashboard does not write back: %v", err)
		}
		var back convreport.Dashboard
		if err := json.Unmarshal(b1, &back); err != nil {
			t.Fatalf("what was written does not read back: %v\n%s", err, b1)
		}
		if err := back.Validate(); err != nil {
			t.Fatalf("a valid dashboard is invalid after a round trip: %v\n%s", err, b1)
		}
		b2, err := json.Marshal(back)
		if err != nil || string(b1) != string(b2) {
			t.Fatalf("round trip changed the dashboard (%v):\n%s\n%s", err, b1, b2)
		}
		// No deadline: an expired one would fail the run with the context's
		// error, so whether an input passed would depend on the machine's
		// speed. The engine's limits and the filter limits bound the work of
		// any dashboard Validate accepts, and go test -timeout catches a hang.
		res, err := fuzzEngine().RunDashboard(context.Background(), q, d)
		if err != nil {
			var re *convreport.ReportError
			if !errors.As(err, &re) {
				t.Fatalf("RunDashboard: %T is not a *ReportError: %v", err, err)
			}
			return
		}
		if len(res) != len(d.Reports) {
			t.Fatalf("%d results for %d reports", len(res), len(d.Reports))
		}
	})
}

var fuzzZones = []string{"UTC", "Europe/Paris", "America/New_York", "Australia/Lord_Howe", "Pacific/Apia", "America/Goose_Bay", "Asia/Kathmandu", "Pacific/Kiritimati"}

// FuzzParseRange parses a preset and resolves it at any instant of the
// years 1 to 9999 in any zone: ParseRange accepts exactly what Resolve
// does, a rejection is a *RangeError quoting the text, and an accepted
// preset is a non-empty half-open range placed as its name says around now.
func FuzzParseRange(f *testing.F) {
	for i, r := range []string{
		"today", "yesterday", "this_week", "last_week", "this_month", "last_month", "this_quarter",
		"last_quarter", "this_year", "last_year", "last_7_days", "last_30_days", "last_90_days",
		"last_1_days", "last_100000_days", "last_100001_days", "last_0_days", "last_07_days",
		"last_-1_days", "last__days", "Today", " today", "last_N_days", "last_9999999999999999999999_days", "",
	} {
		f.Add(r, int64(1740787200+i*86_399), fuzzZones[i%len(fuzzZones)], int8(i%9-1))
	}
	f.Add("today", int64(1288486800), "America/Goose_Bay", int8(0))        // a clock set back across midnight
	f.Add("this_week", int64(1325239200), "Pacific/Apia", int8(6))         // a skipped date
	f.Add("last_month", int64(-62135596800), "UTC", int8(0))               // 0001-01-01
	f.Add("this_year", int64(253402300799), "Pacific/Kiritimati", int8(0)) // 9999-12-31T23:59:59Z
	minSec, maxSec := time.Date(1, 1, 2, 0, 0, 0, 0, time.UTC).Unix(), time.Date(9999, 12, 30, 0, 0, 0, 0, time.UTC).Unix()
	f.Fuzz(func(t *testing.T, s string, sec int64, zone string, week int8) {
		r, err := convreport.ParseRange(s)
		if err != nil {
			var re *convreport.RangeError
			if !errors.As(err, &re) || re.Range != s {
				t.Fatalf("ParseRange(%q): %T %v", s, err, err)
			}
			if !strings.HasPrefix(err.Error(), "convreport: unknown date range ") {
				t.Fatalf("ParseRange(%q): message %q", s, err)
			}
			if _, _, err2 := convreport.Range(s).Resolve(time.Now(), nil, calendar.Monday); err2 == nil {
				t.Fatalf("Resolve accepts %q, ParseRange does not", s)
			}
			return
		}
		if string(r) != s {
			t.Fatalf("ParseRange(%q) = %q", s, r)
		}
		if sec < minSec || sec > maxSec {
			sec = minSec + (sec%(maxSec-minSec)+(maxSec-minSec))%(maxSec-minSec)
		}
		now := time.Unix(sec, 0)
		loc, err := time.LoadLocation(zone)
		if err != nil || zone == "" || zone == "Local" {
			if loc, err = time.LoadLocation(fuzzZones[len(zone)%len(fuzzZones)]); err != nil {
				t.Fatal(err) // the tests link time/tzdata (zone_test.go): every fuzzZones entry loads
			}
		}
		ws := time.Weekday((int(week)%7 + 7) % 7)
		from, to, err := r.Resolve(now, loc, calendar.Weekday((int(ws)+6)%7))
		if err != nil {
			t.Fatalf("%q parses but does not resolve: %v", s, err)
		}
		if !from.Before(to) {
			t.Fatalf("%s at %s in %s: empty range [%s, %s)", r, now, loc, from, to)
		}
		if from.Location() != loc || to.Location() != loc {
			t.Fatalf("%s: range not in %s", r, loc)
		}
		switch {
		case r == convreport.Today || strings.HasPrefix(s, "this_"):
			if now.Before(from) || !now.Before(to) {
				t.Fatalf("%s at %s in %s: [%s, %s) does not hold now", r, now, loc, from, to)
			}
		default: // yesterday, last_*: over by today's start
			if to.After(now) {
				t.Fatalf("%s at %s in %s: [%s, %s) ends after now", r, now, loc, from, to)
			}
		}
		// The engine resolves the same preset the same way.
		q := convreport.Query{Range: r, Now: now, Zone: loc, WeekStart: calendar.Weekday((int(ws) + 6) % 7)}
		res, err := fuzzEngine().Run(context.Background(), q, convreport.Report{Name: "n"})
		// Resolve works on any date; a query keeps to the supported times.
		minT, maxT := time.Unix(0, math.MinInt64+1), time.Unix(0, math.MaxInt64)
		if outside := func(t time.Time) bool { return t.Before(minT) || t.After(maxT) }; outside(now) || outside(from) || outside(to) {
			var qe *convreport.QueryError
			if !errors.As(err, &qe) {
				t.Fatalf("Run with %s at %s: want a *QueryError for a range outside the supported times, got %v", r, now, err)
			}
			return
		}
		if err != nil {
			t.Fatalf("Run with %s: %v", r, err)
		}
		if !res[0].From.Equal(from) || !res[0].To.Equal(to) {
			t.Fatalf("Run resolved %s to [%s, %s), Resolve to [%s, %s)", r, res[0].From, res[0].To, from, to)
		}
	})
}

// FuzzCalendarJSON reads business hours as a Query's Calendar comes from
// JSON: a rejection is a *calendar.Error (or invalid JSON), an accepted
// calendar is valid, writes back to the same JSON, and its Between is
// never negative nor more than the real time.
func FuzzCalendarJSON(f *testing.F) {
	for _, s := range []string{
		`{"zone":"Europe/Paris","week":{"monday":[{"start":"09:00","end":"12:00"},{"start":"13:00","end":"17:30"}],"friday":[{"start":"00:00","end":"24:00"}]},"holidays":["2025-12-25","2026-01-01"]}`,
		`{"zone":"Australia/Lord_Howe","week":{"sunday":[{"start":"01:30","end":"02:30"}]}}`,
		`{"zone":"","week":{}}`, `{}`, `{"zone":"Local"}`, `{"zone":"Mars/Olympus"}`, `{"zone":"../../etc/passwd"}`,
		`{"week":{"monday":[{"start":"17:00","end":"09:00"}]}}`,
		`{"week":{"monday":[{"start":"09:00","end":"12:00"},{"start":"11:00","end":"13:00"}]}}`,
		`{"week":{"monday":[{"start":"9:00","end":"24:01"}]}}`,
		`{"week":{"mon":[]}}`, `{"week":[]}`, `{"holidays":["2025-02-29"]}`, `{"holidays":["0000-01-01"]}`,
		`{"holidays":"2025-12-25"}`, `{"zone":5}`, `{"week":{"monday":[{"start":"09:00"}]}}`,
		`null`, `[]`, `"x"`,
		`{"name":"office","zone":"Europe/Paris","holidays":["2025-03-03"],"special":[{"date":"2025-03-01","hours":[{"start":"10:00","end":"12:00"}]},{"date":"2025-03-05","hours":[]}]}`,
		`{"special":[{"date":"2025-03-01","hours":[]},{"date":"2025-03-01","hours":[]}]}`, `{"special":[{"date":5}]}`, `{"name":"A b"}`,
	} {
		f.Add([]byte(s), int64(1740787200), int64(86400*9+3600))
	}
	f.Fuzz(func(t *testing.T, data []byte, start, span int64) {
		var c calendar.Calendar
		if err := json.Unmarshal(data, &c); err != nil {
			var ce *calendar.Error
			var se *json.SyntaxError
			if !errors.As(err, &ce) && !errors.As(err, &se) {
				t.Fatalf("%T is neither a *calendar.Error nor a *json.SyntaxError: %v", err, err)
			}
			return
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("an accepted calendar is invalid: %v", err)
		}
		b1, err := json.Marshal(c)
		if err != nil {
			t.Fatalf("an accepted calendar does not write back: %v", err)
		}
		var back calendar.Calendar
		if err := json.Unmarshal(b1, &back); err != nil {
			t.Fatalf("what was written does not read back: %v\n%s", err, b1)
		}
		if b2, err := json.Marshal(back); err != nil || string(b1) != string(b2) {
			t.Fatalf("round trip changed the calendar (%v):\n%s\n%s", err, b1, b2)
		}
		// Between over at most a year from 1970 ± 100 years.
		a := time.Unix(start%(100*365*86400), 0)
		sp := span % (366 * 86400)
		if sp < 0 {
			sp = -sp
		}
		b := a.Add(time.Duration(sp) * time.Second)
		if d := c.Between(a, b); d < 0 || d > b.Sub(a) {
			t.Fatalf("Between(%s, %s) = %s", a, b, d)
		}
	})
}
