package convreport_test

import (
	"context"
	"fmt"
	"github.com/convreport/convreport/calendar"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/memory"
)

// skippedMidnights returns the dates of 2005-2025 whose midnight loc's clock
// skipped, each with its first instant found by walking minutes forward from
// a few hours before the instant time.Date picks for the missing midnight: a
// reference that shares nothing with the code under test.
func skippedMidnights(t *testing.T, loc *time.Location) map[string]time.Time {
	out := map[string]time.Time{}
	for d := time.Date(2005, 1, 1, 12, 0, 0, 0, time.UTC); d.Year() < 2026; d = d.AddDate(0, 0, 1) {
		y, m, day := d.Date()
		guess := time.Date(y, m, day, 0, 0, 0, 0, loc)
		if guess.Day() == day && guess.Hour() == 0 && guess.Minute() == 0 {
			continue // midnight exists
		}
		first := guess.Add(-3 * time.Hour)
		for first.In(loc).Day() != day {
			first = first.Add(time.Minute)
		}
		require.Zero(t, first.Second()) // the changes here fall on whole minutes
		out[d.Format(time.DateOnly)] = first.UTC()
	}
	return out
}

// TestOneRuleTurnsADateIntoAnInstant checks every place a date becomes an
// instant, on every date of 2005-2025 whose midnight did not exist in zones
// that moved their clocks at midnight: America/Sao_Paulo's 2018-11-04 began
// at 01:00, and "--from 2018-11-04", date("2018-11-04"), the date conditions
// and in_last_days all took 2018-11-03 23:00 for it, so a conversation of
// that hour was counted both "yesterday" and "on the 4th". Now each means
// the first instant of the day, as presets and buckets do.
func TestOneRuleTurnsADateIntoAnInstant(t *testing.T) {
	for _, zone := range []string{"America/Sao_Paulo", "America/Santiago", "America/Havana", "Asia/Beirut", "America/Asuncion"} {
		loc, err := time.LoadLocation(zone)
		require.NoError(t, err)
		dates := skippedMidnights(t, loc)
		require.NotEmpty(t, dates, zone)
		for date, first := range dates {
			t.Run(zone+"/"+date, func(t *testing.T) {
				checkDateMeansInstant(t, loc, date, first)
			})
		}
	}
}

func checkDateMeansInstant(t *testing.T, loc *time.Location, date string, first time.Time) {
	d, err := calendar.ParseDate(date)
	require.NoError(t, err)
	require.Equal(t, first, d.Start(loc).UTC(), "Date.Start")
	parsed, err := calendar.ParseTime(date, loc)
	require.NoError(t, err)
	require.Equal(t, first, parsed.UTC(), "ParseTime")

	next := first.In(loc).Add(36 * time.Hour)
	nextDate := next.Format(time.DateOnly)
	now := time.Date(next.Year(), next.Month(), next.Day(), 12, 0, 0, 0, loc) // noon of the day after
	from, _, err := convreport.Yesterday.Resolve(now, loc, calendar.Monday)
	require.NoError(t, err)
	require.Equal(t, first, from.UTC(), "yesterday")

	// Two conversations: the last second before the day, the first of it.
	before, on := first.Add(-time.Second), first
	src, err := memory.New([]convreport.Conversation{
		{ID: "before", Channel: convreport.Chat, Status: convreport.Open, CreatedAt: before},
		{ID: "on", Channel: convreport.Chat, Status: convreport.Open, CreatedAt: on},
	})
	require.NoError(t, err)
	eng := convreport.NewEngine(src)
	q := convreport.Query{From: first.Add(-72 * time.Hour), To: first.Add(72 * time.Hour), Zone: loc, Now: now}
	env := convreport.FilterEnv{Now: now, Zone: loc}

	cond := func(op convreport.Op, vals ...string) string {
		s, err := convreport.Condition{Property: "CreatedAt", Op: op, Values: vals}.Expr(convreport.DefaultSchema())
		require.NoError(t, err)
		return s
	}
	cases := []struct {
		name, filter string
		before, on   bool // which of the two it keeps
	}{
		{"date literal", fmt.Sprintf(`CreatedAt >= date(%q)`, date), false, true},
		{"date literal, upper bound", fmt.Sprintf(`CreatedAt < date(%q)`, date), true, false},
		{"equals", cond(convreport.Equals, date), false, true},
		{"before", cond(convreport.Before, date), true, false},
		{"after", cond(convreport.After, date), false, true},
		{"between", cond(convreport.Between, date, nextDate), false, true},
		{"in_last_days 1", cond(convreport.InLastDays, "1"), false, true},
		{"daysAgo", `CreatedAt >= daysAgo(1)`, false, true},
	}
	for _, tc := range cases {
		f, err := convreport.CompileFilter(convreport.DefaultSchema(), tc.filter)
		require.NoError(t, err, tc.filter)
		for _, c := range []struct {
			id   string
			at   time.Time
			want bool
		}{{"before", before, tc.before}, {"on", on, tc.on}} {
			got, err := f.Match(&convreport.Conversation{ID: c.id, Channel: convreport.Chat, Status: convreport.Open, CreatedAt: c.at}, env)
			require.NoError(t, err)
			require.Equal(t, c.want, got, "%s: %s on %s", tc.name, tc.filter, c.id)
		}
		// The engine evaluates the same filter natively on columns.
		res, err := eng.Run(context.Background(), q, convreport.Report{Name: tc.name, Filter: tc.filter})
		require.NoError(t, err)
		var want int64
		for _, keep := range []bool{tc.before, tc.on} {
			if keep {
				want++
			}
		}
		require.Equal(t, want, res[0].Matched, "%s: %s through the engine", tc.name, tc.filter)
	}

	// Day buckets over [date, next date) have one bucket, the date's own.
	qd := convreport.Query{From: parsed, To: first.Add(30 * time.Hour), Zone: loc, Now: now}
	res, err := eng.Run(context.Background(), qd, convreport.Report{Name: "volume", Bucket: convreport.Day})
	require.NoError(t, err)
	require.Equal(t, date, res[0].Points[0].Bucket.In(loc).Format(time.DateOnly))
}
