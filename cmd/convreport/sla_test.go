package main_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// The SLA dashboard over the week of the business-hours test: "week" is
// answered 32 hours after its creation on a Sunday (0 business hours of a
// 9-17 weekday office) and closed after 6 days (40 business hours);
// "saturday" is answered after an hour and closed after two, on a
// Saturday.
const slaDashboard = `{"name": "SLA", "owner": "me", "reports": [
	{"id": "fr", "name": "First response met", "measure": {"agg": "sla_met", "sla": "std", "target": "first_response"}, "dimensions": ["Inbox"], "sort": "label_asc"},
	{"id": "cl", "name": "Close over", "measure": {"agg": "sla_total_over", "sla": "std", "target": "close"}, "dimensions": ["Inbox"], "sort": "label_asc"}]}`

func TestRunWithSLAPolicies(t *testing.T) {
	data := write(t, "week.jsonl", weekData)
	dash := write(t, "sla.json", slaDashboard)
	cal := write(t, "office.json", officeCalendar)
	calendarTime := write(t, "std.json", `{"name": "std", "first_response": {"within": "2h"}, "close": {"within": "24h"}}`)
	business := write(t, "std-office.json", `{"name": "std", "first_response": {"within": "2h", "calendar": "office"}, "close": {"within": "24h", "calendar": "office"}}`)
	args := []string{"run", "--data", data, "--dashboard", dash, "--from", "2025-06-01", "--to", "2025-06-08", "--tz", "Europe/Paris", "--now", "2025-06-10", "--format", "json"}

	values := func(o string) []map[string]string {
		var got struct {
			Reports []struct {
				Points []struct {
					Dimensions map[string]*string `json:"dimensions"`
					Value      *string            `json:"value"`
				} `json:"points"`
			} `json:"reports"`
		}
		require.NoError(t, json.Unmarshal([]byte(o), &got), o)
		var out []map[string]string
		for _, r := range got.Reports {
			m := map[string]string{}
			for _, p := range r.Points {
				m[*p.Dimensions["inbox"]] = *p.Value
			}
			out = append(out, m)
		}
		return out
	}
	o := cli(t, "", append(args, "--sla", calendarTime)...)
	require.Equal(t, 0, o.code, o.stderr)
	// Calendar time: week answered 30h late and closed 143h59m late
	// (518 340 s over); saturday within both.
	require.Equal(t, []map[string]string{{"Support": "0", "US": "100"}, {"Support": "518340", "US": "0"}}, values(o.stdout))

	o = cli(t, "", append(args, "--sla", business, "--calendar", cal)...)
	require.Equal(t, 0, o.code, o.stderr)
	// Business time: week answered in 0 business seconds, closed after
	// 40 business hours (16 over); saturday counts 0.
	require.Equal(t, []map[string]string{{"Support": "100", "US": "100"}, {"Support": "57600", "US": "0"}}, values(o.stdout))

	// The drill-down of a point lists its breaches.
	drill := []string{"drill", "--data", data, "--dashboard", dash, "--report", "Close over", "--point", "inbox=Support", "--from", "2025-06-01", "--to", "2025-06-08",
		"--tz", "Europe/Paris", "--now", "2025-06-10", "--format", "json", "--sla", calendarTime}
	o = cli(t, "", drill...)
	require.Equal(t, 0, o.code, o.stderr)
	require.Contains(t, o.stdout, `"total": 1`)
	require.Contains(t, o.stdout, `"id": "week"`)
	// --columns places the time over target, by name or key, as --sort
	// takes it: 143h59m over, in seconds.
	for _, col := range []string{"OverTarget", "over_target"} {
		o = cli(t, "", append(drill[:len(drill)-4:len(drill)-4], "--sla", calendarTime, "--format", "csv", "--columns", col+",ID", "--sort", col)...)
		require.Equal(t, 0, o.code, o.stderr)
		require.Equal(t, "over_target,id\n518340,week\n", o.stdout, col)
	}
	// A report that is no SLA measure has no such column.
	o = cli(t, "", "drill", "--data", data, "--dashboard", "chat-overview", "--report", "Conversations by rep", "--columns", "ID,OverTarget")
	require.Equal(t, 2, o.code, o.stderr)
	require.Equal(t, "convreport: --columns: OverTarget is the time over target of an SLA measure's breaches: the measure is count, not an sla_ aggregation\n", o.stderr)

	// Without --sla, a dashboard measuring a policy no template gives.
	o = cli(t, "", args...)
	require.NotEqual(t, 0, o.code)
	require.Contains(t, o.stderr, `convreport: dashboard "SLA" measures SLA targets: give --sla FILE.json holding policy "std"`+"\n")
	two := write(t, "two.json", `{"name": "Two", "owner": "me", "reports": [
		{"id": "fr", "name": "First response met", "measure": {"agg": "sla_met", "sla": "std", "target": "first_response"}},
		{"id": "cl", "name": "Close over", "measure": {"agg": "sla_total_over", "sla": "gold", "target": "close"}},
		{"id": "cs", "name": "Close met", "measure": {"agg": "sla_met", "sla": "std", "target": "close"}}]}`)
	o = cli(t, "", "run", "--data", data, "--dashboard", two)
	require.NotEqual(t, 0, o.code)
	require.Contains(t, o.stderr, `convreport: dashboard "Two" measures SLA targets: give --sla FILE.json holding policies "std" and "gold"`+"\n")
	o = cli(t, "", "drill", "--data", data, "--dashboard", two, "--report", "Close over")
	require.NotEqual(t, 0, o.code)
	require.Contains(t, o.stderr, `convreport: dashboard "Two" measures SLA targets: give --sla FILE.json holding policy "gold"`+"\n")
	// The SLA template runs as it comes, with its own policy.
	o = cli(t, "", "run", "--data", data, "--dashboard", "sla", "--from", "2025-06-01", "--to", "2025-06-08", "--now", "2025-06-10", "--format", "json")
	require.Equal(t, 0, o.code, o.stderr)
}

func TestBadSLAPoliciesOnTheCommandLine(t *testing.T) {
	data := write(t, "week.jsonl", weekData)
	dash := write(t, "sla.json", slaDashboard)
	cases := []struct{ name, json, want string }{
		{"zero target", `{"name": "std", "first_response": {"within": "0s"}}`, "line 1, column 36: sla: first_response.within: 0s is not a target: want a positive duration"},
		{"negative target", `{"policies": [{"name": "std", "close": {"within": "-1h"}}]}`, "line 1, column 41: sla: policies[0].close.within: -1h0m0s is not a target"},
		{"filter", `{"name": "std", "filter": "Inbox ==", "first_response": {"within": "1h"}, "close": {"within": "1h"}}`, "sla: filter: "},
		{"calendar", `{"name": "std", "first_response": {"within": "1h", "calendar": "office"}, "close": {"within": "1h"}}`, `sla: first_response.calendar: no calendar "office": there are no calendars: give --calendar FILE.json holding it` + "\n"},
		{"no such target", `{"name": "std", "first_response": {"within": "1h"}}`, `report "Close over": measure: policy "std" sets no close target`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			pol := write(t, "pol.json", c.json)
			for _, cmd := range [][]string{
				{"run", "--data", data, "--dashboard", dash, "--sla", pol},
				{"drill", "--data", data, "--dashboard", dash, "--report", "Close over", "--sla", pol},
			} {
				o := cli(t, "", cmd...)
				require.Equal(t, 1, o.code, "%s: %s", cmd[0], o.stderr)
				require.Equal(t, 1, strings.Count(o.stderr, "\n"), "one line: %q", o.stderr)
				require.Contains(t, o.stderr, "convreport: --sla "+pol+": "+c.want)
			}
		})
	}
}

// The errors about a policy's calendar, checked against --calendar's
// file, name paths as the --sla file is written: a file of one policy
// has no "policies[0]", a set names the policy's index.
func TestSLACalendarErrorsNamePathsAsTheFileHasThem(t *testing.T) {
	data := write(t, "week.jsonl", weekData)
	dash := write(t, "sla.json", slaDashboard)
	cal := write(t, "office.json", officeCalendar)
	cases := []struct{ name, json, want string }{
		{"one policy", `{"name": "std", "first_response": {"within": "1h"}, "close": {"within": "8h", "calendar": "paris"}}`,
			`sla: close.calendar: no calendar "paris" (have office)`},
		{"one policy, filter and calendar", `{"name": "std", "filter": "Inbx == \"Sales\"", "first_response": {"within": "1h", "calendar": "ofice"}, "close": {"within": "8h"}}`,
			`sla: filter: unknown property "Inbx" (did you mean "Inbox"?) at line 1, column 1; sla: first_response.calendar: no calendar "ofice" (have office)`},
		{"a set", `{"policies": [{"name": "a", "close": {"within": "1h"}}, {"name": "std", "first_response": {"within": "1h"}, "close": {"within": "8h", "calendar": "paris"}}]}`,
			`sla: policies[1].close.calendar: no calendar "paris" (have office)`},
		{"a set of one", `{"policies": [{"name": "std", "first_response": {"within": "1h"}, "close": {"within": "8h", "calendar": "paris"}}]}`,
			`sla: policies[0].close.calendar: no calendar "paris" (have office)`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			pol := write(t, "pol.json", c.json)
			for _, cmd := range [][]string{
				{"run", "--data", data, "--dashboard", dash, "--sla", pol, "--calendar", cal},
				{"drill", "--data", data, "--dashboard", dash, "--report", "Close over", "--sla", pol, "--calendar", cal},
				{"serve", "--addr", "127.0.0.1:0", "--data", data, "--sla", pol, "--calendar", cal},
			} {
				o := cli(t, "", cmd...)
				require.Equal(t, 1, o.code, "%s: %s", cmd[0], o.stderr)
				require.Equal(t, "convreport: --sla "+pol+": "+c.want+"\n", o.stderr, cmd[0])
			}
		})
	}
}
