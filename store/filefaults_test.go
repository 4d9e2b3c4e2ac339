package store_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/calendar"
	"github.com/convreport/convreport/store"
	"github.com/stretchr/testify/require"
)

// The calendars and SLA policies kept beside the dashboards are files a
// person may edit too: a key they do not have (a misspelt "timezon",
// which the next save would otherwise drop), a key in another case or
// twice, and a value that does not read are refused as a dashboard's
// are, naming the value's path and where in the file it is. The lines
// and columns were counted by hand.
func TestCalendarsFileFaultsAreNamedWhereTheyAre(t *testing.T) {
	file := func(office, start, end, last string) string {
		return "{\n" +
			"  \"calendars\": [\n" +
			"    {\"name\": \"paris\", \"zone\": \"Europe/Paris\"},\n" +
			"    {\"name\": \"office\", " + office + ",\n" +
			"     \"week\": {\"monday\": [{\"start\": " + start + ", \"end\": " + end + "}]}}\n" +
			"  ],\n" +
			"  " + last + "\n" +
			"}\n"
	}
	const zone, nine, five, def = `"zone": "UTC"`, `"09:00"`, `"17:00"`, `"default": "paris"`
	for _, c := range []struct{ file, want string }{
		{file(`"timezon": "UTC"`, nine, five, def),
			`line 4, column 24: calendars[1].timezon: unknown key (want name, zone, week, holidays, special)`},
		{file(zone, `"9h"`, five, def),
			`line 5, column 27: calendars[1].week.monday[0].start: bad clock "9h": want HH:MM from 00:00 to 24:00`},
		{file(zone, nine, `17`, def),
			`line 5, column 45: calendars[1].week.monday[0].end: want a string, got a JSON number`},
		{file(zone, nine, five, `"inboxes": {"Sales": "paris", "US support": "nyc"}`),
			`line 7, column 33: inboxes["US support"]: no calendar "nyc" (have paris, office)`},
		{file(`"Zone": "UTC"`, nine, five, def),
			`line 4, column 24: calendars[1].Zone: keys are case-sensitive: want "zone"`},
		{file(`"zone": "UTC", "zone": "UTC"`, nine, five, def),
			`line 4, column 39: calendars[1].zone: the key appears twice in one object; give it once`},
		{file(zone, nine, five, `"defualt": "paris"`),
			`line 7, column 3: defualt: unknown key (want calendars, default, inboxes)`},
	} {
		dir := t.TempDir()
		path := filepath.Join(dir, "_calendars.json")
		require.NoError(t, os.WriteFile(path, []byte(c.file), 0o600))
		s := reopen(t, dir)
		_, err := s.Calendars(ctx)
		var fe *store.FileError
		require.ErrorAs(t, err, &fe, c.want)
		require.Equal(t, path, fe.Path)
		require.EqualError(t, err, "convreport/store: calendars file "+path+" is unreadable: "+c.want+" (correct the file there, or restore it from a backup)")
		var line, col int
		_, err = fmt.Sscanf(c.want, "line %d, column %d:", &line, &col)
		require.NoError(t, err)
		require.Equal(t, []int{line, col}, []int{fe.Line, fe.Column})

		// A dashboard naming a calendar reads the file, and is refused
		// for it; the file is left as it is.
		_, err = s.Create(ctx, olivia, convreport.Dashboard{Name: "Hours", Calendar: "paris"})
		require.ErrorAs(t, err, &fe, c.want)
		b, err := os.ReadFile(path)
		require.NoError(t, err)
		require.Equal(t, c.file, string(b))
	}
}

func TestSLAFileFaultsAreNamedWhereTheyAre(t *testing.T) {
	file := func(values, close string) string {
		return "{\n" +
			"  \"policies\": [\n" +
			"    {\"name\": \"standard\", \"first_response\": {\"within\": \"1h\"}},\n" +
			"    {\"name\": \"vip\",\n" +
			"     \"conditions\": [{\"property\": \"Inbox\", \"op\": \"is_any_of\", \"values\": " + values + "}],\n" +
			"     \"close\": " + close + "}\n" +
			"  ]\n" +
			"}\n"
	}
	for _, c := range []struct{ file, want string }{
		{file(`["VIP"]`, `{"withn": "2h"}`), `line 6, column 16: policies[1].close.withn: unknown key (want within, calendar)`},
		{file(`["VIP"]`, `{"within": "2 hours"}`), `line 6, column 16: policies[1].close.within: bad duration "2 hours": want a number and a unit, like 90s, 5m or 1h30m`},
		{file(`"VIP"`, `{"within": "2h"}`), `line 5, column 62: policies[1].conditions[0].values: want an array, got a JSON string`},
		// A value the policy lacks: the key of the object that should
		// hold it.
		{file(`["VIP"]`, `{}`), `line 6, column 6: policies[1].close.within: 0s is not a target: want a positive duration, like 5m or 8h`},
	} {
		dir := t.TempDir()
		path := filepath.Join(dir, "_sla.json")
		require.NoError(t, os.WriteFile(path, []byte(c.file), 0o600))
		s := reopen(t, dir)
		_, err := s.SLA(ctx)
		var fe *store.FileError
		require.ErrorAs(t, err, &fe, c.want)
		require.EqualError(t, err, "convreport/store: SLA policies file "+path+" is unreadable: "+c.want+" (correct the file there, or restore it from a backup)")
	}
}

// The calendars and SLA policies files as the store writes them, every
// key set, read as they did when written, and save back unchanged:
// nothing a file holds is dropped.
func TestCalendarsAndSLAFilesOfTheCurrentFormat(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{"_calendars.json": "calendars-store-format.json", "_sla.json": "sla-store-format.json"}
	for name, src := range files {
		b, err := os.ReadFile(filepath.Join("testdata", src))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), b, 0o600))
	}
	s := reopen(t, dir)
	cals, err := s.Calendars(ctx)
	require.NoError(t, err)
	require.Equal(t, []string{"paris", "new-york"}, cals.Names())
	require.Equal(t, "paris", cals.Default)
	require.Equal(t, map[string]string{"US support": "new-york"}, cals.Inboxes)
	paris := cals.Calendars[0]
	require.Equal(t, "Europe/Paris", paris.Zone.String())
	require.Equal(t, []calendar.Hours{{Start: calendar.At(9, 0), End: calendar.At(17, 30)}}, paris.Week.Day(calendar.Monday))
	require.Equal(t, []calendar.Hours{{Start: calendar.At(10, 0), End: calendar.At(12, 0)}, {Start: calendar.At(14, 0), End: calendar.At(16, 0)}}, paris.Week.Day(calendar.Saturday))
	require.Empty(t, paris.Week.Day(calendar.Sunday))
	require.Equal(t, []calendar.Date{{Year: 2025, Month: 12, Day: 25}, {Year: 2026, Month: 1, Day: 1}}, paris.Holidays)
	require.Equal(t, []calendar.SpecialDay{
		{Date: calendar.Date{Year: 2025, Month: 12, Day: 24}, Hours: []calendar.Hours{{Start: calendar.At(9, 0), End: calendar.At(12, 0)}}},
		{Date: calendar.Date{Year: 2025, Month: 12, Day: 31}, Hours: []calendar.Hours{}},
	}, paris.Special)

	pols, err := s.SLA(ctx)
	require.NoError(t, err)
	require.Equal(t, []string{"standard", "vip"}, pols.Names())
	std := pols.Policies[0]
	require.Equal(t, "Answer within the hour, close within a business day", std.Description)
	require.Equal(t, `Channel == "chat"`, std.Filter)
	require.Equal(t, []convreport.Condition{{Property: "Inbox", Op: convreport.IsAnyOf, Values: []string{"Sales", "Support"}}}, std.Conditions)
	require.Equal(t, &convreport.SLATarget{Within: convreport.Duration(time.Hour)}, std.FirstResponse)
	require.Equal(t, &convreport.SLATarget{Within: convreport.Duration(8 * time.Hour), Calendar: "paris"}, std.Close)
	require.Nil(t, pols.Policies[1].FirstResponse)

	// Saved back as read, each file is what it was.
	admin := access.Viewer{UserID: "admin", Admin: true}
	require.NoError(t, s.SaveCalendars(context.Background(), admin, cals))
	require.NoError(t, s.SaveSLA(context.Background(), admin, pols))
	for name, src := range files {
		want, err := os.ReadFile(filepath.Join("testdata", src))
		require.NoError(t, err)
		got, err := os.ReadFile(filepath.Join(dir, name))
		require.NoError(t, err)
		require.True(t, bytes.Equal(want, got), "%s changed on a save of what it held:\n%s", name, got)
	}
}
