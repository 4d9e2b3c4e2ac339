package calendar

import (
	"encoding/json"
	"errors"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

var weekdays = []Weekday{Monday, Tuesday, Wednesday, Thursday, Friday}

func TestBetweenAWeekOfOfficeHours(t *testing.T) {
	for _, zone := range []string{"UTC", "Europe/Paris", "America/New_York", "Asia/Kolkata"} {
		t.Run(zone, func(t *testing.T) {
			loc := mustZone(t, zone)
			cal := OfficeHours(loc, At(9, 0), At(17, 0), weekdays...)
			// 2025-06-01 is a Sunday; no DST change that week anywhere.
			a := time.Date(2025, 6, 1, 0, 0, 0, 0, loc)
			b := time.Date(2025, 6, 7, 23, 59, 0, 0, loc)
			require.Equal(t, 604740*time.Second, b.Sub(a))
			require.Equal(t, 144000*time.Second, cal.Between(a, b), "five days of 8 hours")
		})
	}
}

func TestBetween(t *testing.T) {
	utc := func(s string) time.Time { return rfc(t, s+"Z") }
	office := OfficeHours(nil, At(9, 0), At(17, 0), weekdays...)
	split := &Calendar{}
	for _, d := range weekdays {
		split.Week.SetDay(d, []Hours{{At(9, 0), At(12, 0)}, {At(13, 0), At(17, 0)}})
	}
	night := &Calendar{}
	night.Week.SetDay(Monday, []Hours{{At(22, 0), At(24, 0)}})
	night.Week.SetDay(Tuesday, []Hours{{At(0, 0), At(6, 0)}})
	holiday := OfficeHours(nil, At(9, 0), At(17, 0), weekdays...)
	holiday.Holidays = []Date{{2025, time.June, 4}, {2025, time.June, 4}, {2025, time.June, 7}, {2025, time.June, 9}}

	// 2025-06-02 is a Monday.
	cases := []struct {
		name string
		cal  *Calendar
		a, b string
		want time.Duration
	}{
		{"inside one opening", office, "2025-06-02T10:30:00", "2025-06-02T12:00:00", 90 * time.Minute},
		{"starts before opening", office, "2025-06-02T08:00:00", "2025-06-02T09:30:00", 30 * time.Minute},
		{"ends after closing", office, "2025-06-02T16:00:00", "2025-06-02T20:00:00", time.Hour},
		{"before opening only", office, "2025-06-02T08:00:00", "2025-06-02T08:30:00", 0},
		{"overnight", office, "2025-06-02T16:00:00", "2025-06-03T10:00:00", 2 * time.Hour},
		{"over the weekend", office, "2025-06-06T16:00:00", "2025-06-09T09:30:00", 90 * time.Minute},
		{"weekend only", office, "2025-06-07T08:00:00", "2025-06-08T20:00:00", 0},
		{"sub-second precision", office, "2025-06-02T09:00:30.5", "2025-06-02T09:01:00", 29500 * time.Millisecond},
		{"empty", office, "2025-06-02T10:00:00", "2025-06-02T10:00:00", 0},
		{"reversed", office, "2025-06-02T12:00:00", "2025-06-02T10:00:00", 0},
		{"across the lunch break", split, "2025-06-02T11:00:00", "2025-06-02T14:00:00", 2 * time.Hour},
		{"a week with a lunch break", split, "2025-06-01T00:00:00", "2025-06-08T00:00:00", 35 * time.Hour},
		{"night shift split at midnight", night, "2025-06-02T23:00:00", "2025-06-03T01:00:00", 2 * time.Hour},
		{"whole night shift", night, "2025-06-02T00:00:00", "2025-06-04T00:00:00", 8 * time.Hour},
		// June 4 (listed twice) and 9 are weekday holidays, June 7 a Saturday.
		{"a week with a holiday", holiday, "2025-06-01T00:00:00", "2025-06-07T23:59:00", 32 * time.Hour},
		{"starting on a holiday", holiday, "2025-06-04T10:00:00", "2025-06-05T10:00:00", time.Hour},
		{"ending on a holiday", holiday, "2025-06-03T16:00:00", "2025-06-04T12:00:00", time.Hour},
		{"within a holiday", holiday, "2025-06-04T10:00:00", "2025-06-04T12:00:00", 0},
		{"three weeks with two holidays", holiday, "2025-06-01T00:00:00", "2025-06-22T00:00:00", 15*8*time.Hour - 2*8*time.Hour},
		{"a year of office hours", office, "2025-01-01T00:00:00", "2026-01-01T00:00:00", 261 * 8 * time.Hour},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			require.Equal(t, c.want, c.cal.Between(utc(c.a), utc(c.b)))
		})
	}
	t.Run("nil calendar counts calendar time", func(t *testing.T) {
		var cal *Calendar
		require.Equal(t, 90*time.Minute, cal.Between(utc("2025-06-02T10:30:00"), utc("2025-06-02T12:00:00")))
		require.Equal(t, time.Duration(0), cal.Between(utc("2025-06-02T12:00:00"), utc("2025-06-02T10:30:00")))
	})
	t.Run("instants in any zone", func(t *testing.T) {
		paris := OfficeHours(mustZone(t, "Europe/Paris"), At(9, 0), At(17, 0), weekdays...)
		// 07:00Z to 09:00Z is 09:00 to 11:00 in Paris in June.
		require.Equal(t, 2*time.Hour, paris.Between(utc("2025-06-02T07:00:00"), rfc(t, "2025-06-02T05:00:00-04:00")))
	})
}

func TestBetweenOnParisDSTDays(t *testing.T) {
	paris := mustZone(t, "Europe/Paris")
	everyDay := func(h ...Hours) *Calendar {
		c := &Calendar{Zone: paris}
		for d := Monday; d <= Sunday; d++ {
			c.Week.SetDay(d, h)
		}
		return c
	}
	spring := [2]string{"2025-03-30T00:00:00+01:00", "2025-03-31T00:00:00+02:00"}
	autumn := [2]string{"2025-10-26T00:00:00+02:00", "2025-10-27T00:00:00+01:00"}
	cases := []struct {
		name        string
		cal         *Calendar
		span        [2]string
		want        time.Duration
		description string
	}{
		{"office hours in spring", everyDay(Hours{At(9, 0), At(17, 0)}), spring, 8 * time.Hour, "the change is outside the hours"},
		{"office hours in autumn", everyDay(Hours{At(9, 0), At(17, 0)}), autumn, 8 * time.Hour, "the change is outside the hours"},
		{"morning in spring", everyDay(Hours{At(0, 0), At(12, 0)}), spring, 11 * time.Hour, "02:00 jumps to 03:00"},
		{"morning in autumn", everyDay(Hours{At(0, 0), At(12, 0)}), autumn, 13 * time.Hour, "03:00 falls back to 02:00"},
		{"01:00-04:00 in spring", everyDay(Hours{At(1, 0), At(4, 0)}), spring, 2 * time.Hour, "01:00+01 to 04:00+02"},
		{"01:00-04:00 in autumn", everyDay(Hours{At(1, 0), At(4, 0)}), autumn, 4 * time.Hour, "01:00+02 to 04:00+01"},
		{"02:00-03:00 in spring", everyDay(Hours{At(2, 0), At(3, 0)}), spring, 0, "the hour does not exist"},
		{"02:00-03:00 in autumn", everyDay(Hours{At(2, 0), At(3, 0)}), autumn, 2 * time.Hour, "the hour happens twice"},
		{"all day in spring", everyDay(Hours{At(0, 0), At(24, 0)}), spring, 23 * time.Hour, "the day is 23h"},
		{"all day in autumn", everyDay(Hours{At(0, 0), At(24, 0)}), autumn, 25 * time.Hour, "the day is 25h"},
		{"within the repeated hour", everyDay(Hours{At(2, 0), At(3, 0)}), [2]string{"2025-10-26T02:30:00+02:00", "2025-10-26T02:30:00+01:00"}, time.Hour, "02:30 to 03:00 then 02:00 to 02:30"},
		{"across the jump", everyDay(Hours{At(1, 0), At(4, 0)}), [2]string{"2025-03-30T01:30:00+01:00", "2025-03-30T03:30:00+02:00"}, time.Hour, "one real hour"},
		{"a week across the spring change", everyDay(Hours{At(0, 0), At(24, 0)}), [2]string{"2025-03-24T00:00:00+01:00", "2025-03-31T00:00:00+02:00"}, 167 * time.Hour, "one short day"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			require.Equal(t, c.want, c.cal.Between(rfc(t, c.span[0]), rfc(t, c.span[1])), c.description)
		})
	}
}

// bruteBetween is the reference: it walks [a, b) a minute at a time and
// counts the minutes whose wall clock is open. a and b are whole minutes.
func bruteBetween(c *Calendar, a, b time.Time) time.Duration {
	loc := c.Zone
	if loc == nil {
		loc = time.UTC
	}
	var open time.Duration
	for u := a; u.Before(b); u = u.Add(time.Minute) {
		lt := u.In(loc)
		y, m, d := lt.Date()
		holiday := false
		for _, h := range c.Holidays {
			if h == (Date{y, m, d}) {
				holiday = true
			}
		}
		if holiday {
			continue
		}
		hours := c.Week.Day(WeekdayOf(lt.Weekday()))
		for _, s := range c.Special {
			if s.Date == (Date{y, m, d}) {
				hours = s.Hours
			}
		}
		minute := Clock(lt.Hour()*60 + lt.Minute())
		for _, h := range hours {
			if h.Start <= minute && minute < h.End {
				open += time.Minute
				break
			}
		}
	}
	return open
}

// randomCalendar returns a valid calendar of up to three intervals a day on
// a 15-minute grid, with holidays around start.
func randomCalendar(rng *rand.Rand, loc *time.Location, start time.Time) *Calendar {
	c := &Calendar{Zone: loc}
	for d := Monday; d <= Sunday; d++ {
		var prev Clock
		for range rng.IntN(4) {
			s := prev + Clock(rng.IntN(8)*15)
			e := s + Clock(15+rng.IntN(32)*15)
			if e > 24*60 {
				break
			}
			c.Week.SetDay(d, append(c.Week.Day(d), Hours{s, e}))
			prev = e
		}
	}
	taken := map[Date]bool{}
	for range rng.IntN(6) {
		y, m, d := start.In(loc).AddDate(0, 0, rng.IntN(60)).Date()
		c.Holidays = append(c.Holidays, Date{y, m, d})
		taken[Date{y, m, d}] = true
	}
	// Special days, on other dates: their own hours, or none.
	for range rng.IntN(5) {
		y, m, d := start.In(loc).AddDate(0, 0, rng.IntN(60)).Date()
		if taken[Date{y, m, d}] {
			continue
		}
		taken[Date{y, m, d}] = true
		sd := SpecialDay{Date: Date{y, m, d}}
		if rng.IntN(4) > 0 {
			s := Clock(rng.IntN(80) * 15)
			sd.Hours = []Hours{{s, min(24*60, s+Clock(15+rng.IntN(40)*15))}}
		}
		c.Special = append(c.Special, sd)
	}
	return c
}

func TestBetweenAgreesWithMinuteByMinute(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	zones := []string{"Europe/Paris", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "UTC"}
	// Spans start near DST changes, so that many of them cross one.
	near := []string{"2025-03-30T01:00:00Z", "2025-10-26T01:00:00Z", "2025-03-09T07:00:00Z", "2025-11-02T06:00:00Z", "2025-04-05T15:00:00Z", "2025-10-04T15:30:00Z"}
	for i := range 120 {
		loc := mustZone(t, zones[i%len(zones)])
		centre := rfc(t, near[rng.IntN(len(near))])
		a := centre.Add(time.Duration(rng.IntN(30*24*60)-15*24*60) * time.Minute)
		b := a.Add(time.Duration(rng.IntN(6*7*24*60)) * time.Minute)
		if i%4 == 0 {
			b = a.Add(time.Duration(rng.IntN(24*60)) * time.Minute) // short spans hit the one-day path
		}
		cal := randomCalendar(rng, loc, a)
		require.NoError(t, cal.Validate())
		require.Equalf(t, bruteBetween(cal, a, b), cal.Between(a, b), "%s %s..%s %+v", loc, a, b, cal)
	}
}

func TestBetweenDoesNotAllocate(t *testing.T) {
	paris := mustZone(t, "Europe/Paris")
	cal := OfficeHours(paris, At(9, 0), At(17, 0), weekdays...)
	cal.Holidays = []Date{{2025, 12, 25}, {2026, 1, 1}, {2025, 11, 11}}
	a := rfc(t, "2025-10-20T10:00:00+02:00")
	for _, b := range []time.Time{a.Add(3 * time.Hour), a.AddDate(0, 3, 0)} {
		allocs := testing.AllocsPerRun(100, func() { cal.Between(a, b) })
		require.Zero(t, allocs, "span to %s", b)
	}
}

func TestCalendarValidate(t *testing.T) {
	require.NoError(t, OfficeHours(nil, At(9, 0), At(17, 0), weekdays...).Validate())
	require.NoError(t, (&Calendar{}).Validate(), "a calendar that never opens is valid")
	adjacent := &Calendar{}
	adjacent.Week.SetDay(Monday, []Hours{{At(13, 0), At(24, 0)}, {At(0, 0), At(13, 0)}})
	require.NoError(t, adjacent.Validate(), "adjacent intervals, in any order")

	cases := []struct {
		name  string
		edit  func(c *Calendar)
		field string
		err   string
	}{
		{"overnight", func(c *Calendar) { c.Week.SetDay(Friday, []Hours{{At(22, 0), At(6, 0)}}) }, "week.friday[0]",
			"convreport: calendar: week.friday[0]: 22:00-06:00 does not start before it ends (split hours past midnight into two days, 22:00-24:00 and 00:00-06:00)"},
		{"empty interval", func(c *Calendar) { c.Week.SetDay(Monday, []Hours{{At(9, 0), At(9, 0)}}) }, "week.monday[0]",
			"convreport: calendar: week.monday[0]: 09:00-09:00 does not start before it ends (split hours past midnight into two days, 22:00-24:00 and 00:00-06:00)"},
		{"past midnight", func(c *Calendar) { c.Week.SetDay(Tuesday, []Hours{{At(9, 0), At(25, 0)}}) }, "week.tuesday[0]",
			"convreport: calendar: week.tuesday[0]: 09:00-25:00 is outside 00:00-24:00"},
		{"negative", func(c *Calendar) { c.Week.SetDay(Sunday, []Hours{{At(0, -30), At(1, 0)}}) }, "week.sunday[0]",
			"convreport: calendar: week.sunday[0]: -00:30-01:00 is outside 00:00-24:00"},
		{"overlap", func(c *Calendar) {
			c.Week.SetDay(Wednesday, []Hours{{At(9, 0), At(12, 0)}, {At(14, 0), At(15, 0)}, {At(11, 0), At(13, 0)}})
		}, "week.wednesday[2]", "convreport: calendar: week.wednesday[2]: 11:00-13:00 overlaps 09:00-12:00"},
		{"holiday not a date", func(c *Calendar) { c.Holidays = []Date{{2025, 12, 25}, {2025, 2, 29}} }, "holidays[1]",
			"convreport: calendar: holidays[1]: 2025-02-29 is not a date from 0001-01-01 to 9999-12-31"},
		{"holiday month 13", func(c *Calendar) { c.Holidays = []Date{{2025, 13, 1}} }, "holidays[0]",
			"convreport: calendar: holidays[0]: 2025-13-01 is not a date from 0001-01-01 to 9999-12-31"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cal := OfficeHours(nil, At(9, 0), At(17, 0), Thursday)
			c.edit(cal)
			err := cal.Validate()
			require.EqualError(t, err, c.err)
			var ce *Error
			require.True(t, errors.As(err, &ce))
			require.Equal(t, c.field, ce.Field)
		})
	}
	t.Run("every problem is reported", func(t *testing.T) {
		cal := &Calendar{Holidays: []Date{{2025, 4, 31}}}
		cal.Week.SetDay(Monday, []Hours{{At(17, 0), At(9, 0)}})
		require.EqualError(t, cal.Validate(), "convreport: calendar: week.monday[0]: 17:00-09:00 does not start before it ends (split hours past midnight into two days, 22:00-24:00 and 00:00-06:00)\n"+
			"convreport: calendar: holidays[0]: 2025-04-31 is not a date from 0001-01-01 to 9999-12-31")
	})
}

func TestOfficeHours(t *testing.T) {
	paris := mustZone(t, "Europe/Paris")
	cal := OfficeHours(paris, At(9, 0), At(17, 30), Monday, Friday)
	require.Equal(t, paris, cal.Zone)
	for d := Monday; d <= Sunday; d++ {
		hours := cal.Week.Day(d)
		if d == Monday || d == Friday {
			require.Equal(t, []Hours{{540, 1050}}, hours)
		} else {
			require.Empty(t, hours)
		}
	}
	cal.Week.Day(Monday)[0].End = At(12, 0)
	require.Equal(t, At(17, 30), cal.Week.Day(Friday)[0].End, "days do not share their hours")
	require.Equal(t, time.Duration(0), OfficeHours(nil, At(9, 0), At(17, 0)).Between(time.Unix(0, 0), time.Unix(1e6, 0)))
}

func TestClock(t *testing.T) {
	require.Equal(t, Clock(9*60+5), At(9, 5))
	require.Equal(t, "09:05", At(9, 5).String())
	require.Equal(t, "00:00", At(0, 0).String())
	require.Equal(t, "24:00", At(24, 0).String())
	for s, want := range map[string]Clock{"00:00": 0, "09:30": 570, "23:59": 1439, "24:00": 1440} {
		c, err := ParseClock(s)
		require.NoError(t, err)
		require.Equal(t, want, c)
	}
	for _, s := range []string{"9:00", "09:0", "24:01", "25:00", "09:60", "0900", "09-00", "", " 09:00", "+9:00", "ab:cd"} {
		_, err := ParseClock(s)
		require.EqualError(t, err, `convreport: bad clock "`+s+`": want HH:MM from 00:00 to 24:00`)
	}
	b, err := json.Marshal(Hours{At(9, 0), At(24, 0)})
	require.NoError(t, err)
	require.JSONEq(t, `{"start": "09:00", "end": "24:00"}`, string(b))
	_, err = json.Marshal(At(24, 1))
	require.ErrorContains(t, err, "convreport: clock 24:01 is outside 00:00-24:00")
	var h Hours
	require.NoError(t, json.Unmarshal([]byte(`{"start": "08:15", "end": "12:45"}`), &h))
	require.Equal(t, Hours{At(8, 15), At(12, 45)}, h)
}

func TestDate(t *testing.T) {
	require.Equal(t, "2025-12-25", Date{2025, time.December, 25}.String())
	require.Equal(t, "0999-01-02", Date{999, time.January, 2}.String())
	for s, want := range map[string]Date{"2025-12-25": {2025, 12, 25}, "2024-02-29": {2024, 2, 29}, "0001-01-01": {1, 1, 1}} {
		d, err := ParseDate(s)
		require.NoError(t, err)
		require.Equal(t, want, d)
	}
	for _, s := range []string{"2025-02-29", "2025-2-01", "2025-13-01", "2025-00-10", "2025-01-00", "0000-01-01", "2025/01/01", "25-01-01", "2025-01-01T00:00:00Z", ""} {
		_, err := ParseDate(s)
		require.EqualError(t, err, `convreport: bad date "`+s+`": want an existing date written YYYY-MM-DD`)
	}
	var d Date
	require.NoError(t, json.Unmarshal([]byte(`"2025-05-01"`), &d))
	require.Equal(t, Date{2025, 5, 1}, d)
	_, err := json.Marshal(Date{2025, 2, 30})
	require.ErrorContains(t, err, "convreport: 2025-02-30 is not a date from 0001-01-01 to 9999-12-31")
}

func TestCalendarJSON(t *testing.T) {
	paris := mustZone(t, "Europe/Paris")
	cal := OfficeHours(paris, At(9, 0), At(17, 0), weekdays...)
	cal.Week.SetDay(Saturday, []Hours{{At(10, 0), At(12, 0)}, {At(14, 0), At(16, 30)}})
	cal.Holidays = []Date{{2025, 12, 25}, {2026, 1, 1}}
	const want = `{"zone":"Europe/Paris","week":{` +
		`"monday":[{"start":"09:00","end":"17:00"}],"tuesday":[{"start":"09:00","end":"17:00"}],` +
		`"wednesday":[{"start":"09:00","end":"17:00"}],"thursday":[{"start":"09:00","end":"17:00"}],` +
		`"friday":[{"start":"09:00","end":"17:00"}],"saturday":[{"start":"10:00","end":"12:00"},{"start":"14:00","end":"16:30"}]},` +
		`"holidays":["2025-12-25","2026-01-01"]}`
	b, err := json.Marshal(cal)
	require.NoError(t, err)
	require.Equal(t, want, string(b))
	b, err = json.Marshal(*cal)
	require.NoError(t, err)
	require.Equal(t, want, string(b), "a Calendar value marshals the same")

	var back Calendar
	require.NoError(t, json.Unmarshal(b, &back))
	require.Equal(t, "Europe/Paris", back.Zone.String())
	require.Equal(t, cal.Week, back.Week)
	require.Equal(t, cal.Holidays, back.Holidays)

	t.Run("nil zone is UTC", func(t *testing.T) {
		b, err := json.Marshal(&Calendar{})
		require.NoError(t, err)
		require.Equal(t, `{"zone":"UTC","week":{}}`, string(b))
		var c Calendar
		require.NoError(t, json.Unmarshal([]byte(`{"week": {"sunday": [{"start": "00:00", "end": "24:00"}]}}`), &c))
		require.Nil(t, c.Zone)
		require.Equal(t, []Hours{{0, 1440}}, c.Week.Day(Sunday))
	})
	t.Run("zones that would not read back", func(t *testing.T) {
		_, err := json.Marshal(&Calendar{Zone: time.FixedZone("UTC+2", 7200)})
		require.ErrorContains(t, err, `convreport: calendar: zone: unknown time zone "UTC+2": want an IANA name such as "Europe/Paris"`)
		const local = `convreport: calendar: zone: "Local" differs from machine to machine: name an IANA time zone such as "Europe/Paris"`
		_, err = json.Marshal(&Calendar{Zone: time.FixedZone("Local", 3600)})
		require.ErrorContains(t, err, local)
		// time.Local is named "Local" only where the machine has a local
		// zone: without one (no /etc/localtime or zone files) it is UTC,
		// named so, and marshals as "UTC".
		b, err := json.Marshal(&Calendar{Zone: time.Local})
		if time.Local.String() == "Local" {
			require.ErrorContains(t, err, local)
		} else {
			require.NoError(t, err)
			require.Equal(t, `{"zone":"UTC","week":{}}`, string(b))
		}
	})
	t.Run("an invalid calendar does not marshal", func(t *testing.T) {
		c := &Calendar{}
		c.Week.SetDay(Monday, []Hours{{At(17, 0), At(9, 0)}})
		_, err := json.Marshal(c)
		require.ErrorContains(t, err, "convreport: calendar: week.monday[0]: 17:00-09:00 does not start before it ends")
	})

	bad := []struct {
		name, in, err string
	}{
		{"unknown zone", `{"zone": "Europe/Pariss"}`, `convreport: calendar: zone: unknown time zone "Europe/Pariss": want an IANA name such as "Europe/Paris"`},
		{"local zone", `{"zone": "Local"}`, `convreport: calendar: zone: "Local" differs from machine to machine: name an IANA time zone such as "Europe/Paris"`},
		{"bad start", `{"week": {"monday": [{"start": "9:00", "end": "17:00"}]}}`, `convreport: calendar: week.monday[0].start: bad clock "9:00": want HH:MM from 00:00 to 24:00`},
		{"missing end", `{"week": {"friday": [{"start": "09:00", "end": "17:00"}, {"start": "18:00"}]}}`, `convreport: calendar: week.friday[1].end: bad clock "": want HH:MM from 00:00 to 24:00`},
		{"bad holiday", `{"holidays": ["2025-12-25", "2025-12-32"]}`, `convreport: calendar: holidays[1]: bad date "2025-12-32": want an existing date written YYYY-MM-DD`},
		{"overlap", `{"week": {"monday": [{"start": "09:00", "end": "12:00"}, {"start": "11:00", "end": "13:00"}]}}`, `convreport: calendar: week.monday[1]: 11:00-13:00 overlaps 09:00-12:00`},
		{"overnight", `{"week": {"monday": [{"start": "22:00", "end": "06:00"}]}}`, `convreport: calendar: week.monday[0]: 22:00-06:00 does not start before it ends (split hours past midnight into two days, 22:00-24:00 and 00:00-06:00)`},
		{"unknown day", `{"week": {"mondy": []}}`, `convreport: calendar: week.mondy: unknown key (want monday, tuesday, wednesday, thursday, friday, saturday, sunday)`},
		{"unknown key", `{"zone": "UTC", "timezone": "UTC"}`, `convreport: calendar: timezone: unknown key (want name, zone, week, holidays, special)`},
		{"number for a clock", `{"week": {"monday": [{"start": 9, "end": "17:00"}]}}`, `convreport: calendar: week.monday[0].start: want a string, got a JSON number`},
		{"object for a day", `{"week": {"monday": {"start": "09:00"}}}`, `convreport: calendar: week.monday: want an array, got a JSON object`},
		{"array for the calendar", `[]`, `convreport: calendar: want an object, got a JSON array`},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			var cal Calendar
			err := json.Unmarshal([]byte(c.in), &cal)
			require.EqualError(t, err, c.err)
			var ce *Error
			require.True(t, errors.As(err, &ce))
		})
	}
}

func BenchmarkBetween(b *testing.B) {
	paris := mustZone(b, "Europe/Paris")
	cal := OfficeHours(paris, At(9, 0), At(17, 0), weekdays...)
	cal.Holidays = []Date{{2025, 12, 25}, {2026, 1, 1}, {2025, 11, 11}, {2025, 5, 1}, {2025, 5, 8}}
	a := rfc(b, "2025-10-20T10:00:00+02:00")
	for _, span := range []time.Duration{3 * time.Hour, 50 * time.Hour, 90 * 24 * time.Hour} {
		b.Run(span.String(), func(b *testing.B) {
			for b.Loop() {
				cal.Between(a, a.Add(span))
			}
		})
	}
}

func mustZone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	require.NoError(t, err)
	return loc
}

// rfc parses an RFC 3339 time written by hand, offset included.
func rfc(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339Nano, s)
	require.NoError(t, err)
	return v
}

// ParseTime refuses a time outside the supported times, the zero
// time.Time among them, which a query would read as no bound.
func TestParseTimeRefusesTimesOutsideTheSupportedOnes(t *testing.T) {
	for _, s := range []string{"0001-01-01", "0001-01-01T00:00:00Z", "1677-09-21", "2262-04-12", "2262-04-11T23:47:17Z", "9999-12-31"} {
		_, err := ParseTime(s, time.UTC)
		require.EqualError(t, err, `convreport: "`+s+`" is outside the supported times, 1677-09-21T00:12:43.145224193Z to 2262-04-11T23:47:16.854775807Z`, s)
	}
	for _, s := range []string{"1677-09-22", "2262-04-11", "2262-04-11T23:47:16Z", "2025-03-01T09:00:00+01:00"} {
		_, err := ParseTime(s, time.UTC)
		require.NoError(t, err, s)
	}
}

// encoding/json matches "Zone" to zone and keeps the last of two "zone"
// keys; a file that says something else than what was read is refused,
// naming the key, and the receiver is left as it was.
func TestCalendarJSONKeysAreExact(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`{"Zone":"Europe/Paris"}`, `convreport: calendar: Zone: keys are case-sensitive: want "zone"`},
		{`{"zone":"UTC","zone":"Europe/Paris"}`, `convreport: calendar: zone: the key appears twice in one object; give it once`},
		{`{"week":{"monday":[{"start":"09:00","end":"12:00","End":"17:00"}]}}`, `convreport: calendar: week.monday[0].End: keys are case-sensitive: want "end"`},
	} {
		c0 := Calendar{Name: "kept"}
		err := json.Unmarshal([]byte(c.in), &c0)
		var ce *Error
		require.ErrorAs(t, err, &ce, c.in)
		require.EqualError(t, err, c.want)
		require.Equal(t, "kept", c0.Name)
	}
	for _, c := range []struct{ in, want string }{
		{`{"calendars":[{"name":"a"},{"name":"b"}],"inboxes":{"Billing":"a","Billing":"b"}}`, `convreport: calendar: inboxes.Billing: the key appears twice in one object; give it once`},
		{`{"calendars":[{"name":"a"}],"Default":"a"}`, `convreport: calendar: Default: keys are case-sensitive: want "default"`},
		{`{"calendars":[{"name":"a","NAME":"b"}]}`, `convreport: calendar: calendars[0].NAME: keys are case-sensitive: want "name"`},
	} {
		_, err := Parse([]byte(c.in))
		require.EqualError(t, err, c.want, c.in)
	}
	// Inbox names are the embedder's: their case is kept as written.
	s, err := Parse([]byte(`{"calendars":[{"name":"a"}],"inboxes":{"Billing":"a","billing":"a"}}`))
	require.NoError(t, err)
	require.Len(t, s.Inboxes, 2)
}
