package convreport

import (
	"errors"
	"fmt"
	"github.com/convreport/convreport/calendar"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/convreport/convreport/internal/civil"
)

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

type rangeCase struct {
	r        Range
	from, to string // RFC 3339, by hand
}

func checkRanges(t *testing.T, now time.Time, loc *time.Location, ws calendar.Weekday, cases []rangeCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(string(c.r), func(t *testing.T) {
			from, to, err := c.r.Resolve(now, loc, ws)
			require.NoError(t, err)
			require.Truef(t, from.Equal(rfc(t, c.from)), "from = %s, want %s", from, c.from)
			require.Truef(t, to.Equal(rfc(t, c.to)), "to = %s, want %s", to, c.to)
			require.Equal(t, loc, from.Location(), "from is in the query zone")
			require.Equal(t, loc, to.Location(), "to is in the query zone")
		})
	}
}

func TestResolveEveryPresetOnAnOrdinaryDay(t *testing.T) {
	paris := mustZone(t, "Europe/Paris")
	now := rfc(t, "2025-05-14T10:30:00+02:00") // a Wednesday
	checkRanges(t, now, paris, calendar.Monday, []rangeCase{
		{Today, "2025-05-14T00:00:00+02:00", "2025-05-15T00:00:00+02:00"},
		{Yesterday, "2025-05-13T00:00:00+02:00", "2025-05-14T00:00:00+02:00"},
		{ThisWeek, "2025-05-12T00:00:00+02:00", "2025-05-19T00:00:00+02:00"},
		{LastWeek, "2025-05-05T00:00:00+02:00", "2025-05-12T00:00:00+02:00"},
		{ThisMonth, "2025-05-01T00:00:00+02:00", "2025-06-01T00:00:00+02:00"},
		{LastMonth, "2025-04-01T00:00:00+02:00", "2025-05-01T00:00:00+02:00"},
		{ThisQuarter, "2025-04-01T00:00:00+02:00", "2025-07-01T00:00:00+02:00"},
		{LastQuarter, "2025-01-01T00:00:00+01:00", "2025-04-01T00:00:00+02:00"},
		{ThisYear, "2025-01-01T00:00:00+01:00", "2026-01-01T00:00:00+01:00"},
		{LastYear, "2024-01-01T00:00:00+01:00", "2025-01-01T00:00:00+01:00"},
		{Last7Days, "2025-05-07T00:00:00+02:00", "2025-05-14T00:00:00+02:00"},
		{LastNDays(14), "2025-04-30T00:00:00+02:00", "2025-05-14T00:00:00+02:00"},
		{Last30Days, "2025-04-14T00:00:00+02:00", "2025-05-14T00:00:00+02:00"},
		// 14 days of May, 30 of April, 31 of March, 15 of February.
		{Last90Days, "2025-02-13T00:00:00+01:00", "2025-05-14T00:00:00+02:00"},
	})
}

func TestResolveEveryPresetOnNewYearsDay(t *testing.T) {
	ny := mustZone(t, "America/New_York")
	// 2025-01-01 is a Wednesday; Now is given in UTC and read in New York.
	now := rfc(t, "2025-01-01T05:30:00Z")
	monday := []rangeCase{
		{Today, "2025-01-01T00:00:00-05:00", "2025-01-02T00:00:00-05:00"},
		{Yesterday, "2024-12-31T00:00:00-05:00", "2025-01-01T00:00:00-05:00"},
		{ThisWeek, "2024-12-30T00:00:00-05:00", "2025-01-06T00:00:00-05:00"},
		{LastWeek, "2024-12-23T00:00:00-05:00", "2024-12-30T00:00:00-05:00"},
		{ThisMonth, "2025-01-01T00:00:00-05:00", "2025-02-01T00:00:00-05:00"},
		{LastMonth, "2024-12-01T00:00:00-05:00", "2025-01-01T00:00:00-05:00"},
		{ThisQuarter, "2025-01-01T00:00:00-05:00", "2025-04-01T00:00:00-04:00"},
		{LastQuarter, "2024-10-01T00:00:00-04:00", "2025-01-01T00:00:00-05:00"},
		{ThisYear, "2025-01-01T00:00:00-05:00", "2026-01-01T00:00:00-05:00"},
		{LastYear, "2024-01-01T00:00:00-05:00", "2025-01-01T00:00:00-05:00"},
		{Last7Days, "2024-12-25T00:00:00-05:00", "2025-01-01T00:00:00-05:00"},
		{Last30Days, "2024-12-02T00:00:00-05:00", "2025-01-01T00:00:00-05:00"},
		// 31 days of December, 30 of November, 29 of October.
		{Last90Days, "2024-10-03T00:00:00-04:00", "2025-01-01T00:00:00-05:00"},
	}
	t.Run("monday weeks", func(t *testing.T) { checkRanges(t, now, ny, calendar.Monday, monday) })
	t.Run("sunday weeks", func(t *testing.T) {
		checkRanges(t, now, ny, calendar.Sunday, []rangeCase{
			{ThisWeek, "2024-12-29T00:00:00-05:00", "2025-01-05T00:00:00-05:00"},
			{LastWeek, "2024-12-22T00:00:00-05:00", "2024-12-29T00:00:00-05:00"},
		})
	})
	t.Run("still new year's eve in New York", func(t *testing.T) {
		checkRanges(t, rfc(t, "2025-01-01T04:59:59Z"), ny, calendar.Monday, []rangeCase{
			{Today, "2024-12-31T00:00:00-05:00", "2025-01-01T00:00:00-05:00"},
			{ThisYear, "2024-01-01T00:00:00-05:00", "2025-01-01T00:00:00-05:00"},
			{ThisQuarter, "2024-10-01T00:00:00-04:00", "2025-01-01T00:00:00-05:00"},
			{LastQuarter, "2024-07-01T00:00:00-04:00", "2024-10-01T00:00:00-04:00"},
		})
	})
	t.Run("saturday weeks on the last day of the year", func(t *testing.T) {
		// 2024-12-31 is a Tuesday: the Saturday week began on the 28th.
		checkRanges(t, rfc(t, "2024-12-31T23:59:59.999+09:00"), mustZone(t, "Asia/Tokyo"), calendar.Saturday, []rangeCase{
			{ThisWeek, "2024-12-28T00:00:00+09:00", "2025-01-04T00:00:00+09:00"},
			{LastWeek, "2024-12-21T00:00:00+09:00", "2024-12-28T00:00:00+09:00"},
			{Today, "2024-12-31T00:00:00+09:00", "2025-01-01T00:00:00+09:00"},
		})
	})
}

func TestResolveDSTDays(t *testing.T) {
	paris := mustZone(t, "Europe/Paris")
	cases := []struct {
		name string
		now  string
		r    Range
		from string
		to   string
		len  time.Duration
	}{
		{"spring today is 23h", "2025-03-30T12:00:00+02:00", Today, "2025-03-30T00:00:00+01:00", "2025-03-31T00:00:00+02:00", 23 * time.Hour},
		{"spring yesterday is 23h", "2025-03-31T08:00:00+02:00", Yesterday, "2025-03-30T00:00:00+01:00", "2025-03-31T00:00:00+02:00", 23 * time.Hour},
		{"autumn today is 25h", "2025-10-26T12:00:00+01:00", Today, "2025-10-26T00:00:00+02:00", "2025-10-27T00:00:00+01:00", 25 * time.Hour},
		{"autumn yesterday is 25h", "2025-10-27T08:00:00+01:00", Yesterday, "2025-10-26T00:00:00+02:00", "2025-10-27T00:00:00+01:00", 25 * time.Hour},
		{"autumn today during the repeated hour", "2025-10-26T02:30:00+01:00", Today, "2025-10-26T00:00:00+02:00", "2025-10-27T00:00:00+01:00", 25 * time.Hour},
		{"week with the spring change", "2025-03-30T12:00:00+02:00", ThisWeek, "2025-03-24T00:00:00+01:00", "2025-03-31T00:00:00+02:00", 7*24*time.Hour - time.Hour},
		{"last 7 days over the spring change", "2025-04-02T12:00:00+02:00", Last7Days, "2025-03-26T00:00:00+01:00", "2025-04-02T00:00:00+02:00", 7*24*time.Hour - time.Hour},
		{"october is 31 days and an hour", "2025-11-01T00:00:00+01:00", LastMonth, "2025-10-01T00:00:00+02:00", "2025-11-01T00:00:00+01:00", 31*24*time.Hour + time.Hour},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			from, to, err := c.r.Resolve(rfc(t, c.now), paris, calendar.Monday)
			require.NoError(t, err)
			require.True(t, from.Equal(rfc(t, c.from)), "from = %s", from)
			require.True(t, to.Equal(rfc(t, c.to)), "to = %s", to)
			require.Equal(t, c.len, to.Sub(from))
		})
	}
}

func TestResolveDaysWhoseMidnightDoesNotExist(t *testing.T) {
	cases := []struct {
		zone, now string
		r         Range
		from, to  string
	}{
		// Brazil moved its clocks from 00:00 to 01:00: the day began at 01:00
		// and lasted 23 hours.
		{"America/Sao_Paulo", "2018-11-04T12:00:00-02:00", Today, "2018-11-04T01:00:00-02:00", "2018-11-05T00:00:00-02:00"},
		{"America/Sao_Paulo", "2018-11-05T12:00:00-02:00", Yesterday, "2018-11-04T01:00:00-02:00", "2018-11-05T00:00:00-02:00"},
		{"America/Sao_Paulo", "2018-11-04T12:00:00-02:00", Yesterday, "2018-11-03T00:00:00-03:00", "2018-11-04T01:00:00-02:00"},
		{"America/Sao_Paulo", "2018-11-10T12:00:00-02:00", ThisWeek, "2018-11-05T00:00:00-02:00", "2018-11-12T00:00:00-02:00"},
		{"Asia/Beirut", "2025-03-30T12:00:00+03:00", Today, "2025-03-30T01:00:00+03:00", "2025-03-31T00:00:00+03:00"},
		// Chile falls back from 00:00 to 23:00, so the 5th has 25 hours; it
		// springs forward from 00:00 to 01:00, so 2025-09-07 begins at 01:00.
		{"America/Santiago", "2025-04-05T12:00:00-03:00", Today, "2025-04-05T00:00:00-03:00", "2025-04-06T00:00:00-04:00"},
		{"America/Santiago", "2025-09-07T12:00:00-03:00", Today, "2025-09-07T01:00:00-03:00", "2025-09-08T00:00:00-03:00"},
	}
	for _, c := range cases {
		t.Run(c.zone+" "+c.now+" "+string(c.r), func(t *testing.T) {
			from, to, err := c.r.Resolve(rfc(t, c.now), mustZone(t, c.zone), calendar.Monday)
			require.NoError(t, err)
			require.True(t, from.Equal(rfc(t, c.from)), "from = %s, want %s", from, c.from)
			require.True(t, to.Equal(rfc(t, c.to)), "to = %s, want %s", to, c.to)
		})
	}
}

func TestResolveMonthLengths(t *testing.T) {
	cases := []struct {
		now  string
		days int
	}{
		{"2024-02-10T12:00:00Z", 29}, // leap year
		{"2025-02-28T23:59:59Z", 28},
		{"2025-04-01T00:00:00Z", 30},
		{"2025-01-31T12:00:00Z", 31},
		{"2025-12-15T12:00:00Z", 31},
	}
	for _, c := range cases {
		t.Run(c.now, func(t *testing.T) {
			now := rfc(t, c.now)
			from, to, err := ThisMonth.Resolve(now, time.UTC, calendar.Monday)
			require.NoError(t, err)
			require.Equal(t, 1, from.Day())
			require.Equal(t, now.Month(), from.Month())
			require.Equal(t, time.Duration(c.days)*24*time.Hour, to.Sub(from))
		})
	}
	t.Run("last month of march 2024 is a leap february", func(t *testing.T) {
		from, to, err := LastMonth.Resolve(rfc(t, "2024-03-31T12:00:00Z"), time.UTC, calendar.Monday)
		require.NoError(t, err)
		require.Equal(t, rfc(t, "2024-02-01T00:00:00Z"), from)
		require.Equal(t, rfc(t, "2024-03-01T00:00:00Z"), to)
	})
}

func TestResolveQuarters(t *testing.T) {
	// The quarter of each month, by hand: its first month, and the first
	// month and year of the previous quarter.
	want := map[time.Month]struct{ this, last string }{
		time.January:   {"2025-01-01", "2024-10-01"},
		time.February:  {"2025-01-01", "2024-10-01"},
		time.March:     {"2025-01-01", "2024-10-01"},
		time.April:     {"2025-04-01", "2025-01-01"},
		time.May:       {"2025-04-01", "2025-01-01"},
		time.June:      {"2025-04-01", "2025-01-01"},
		time.July:      {"2025-07-01", "2025-04-01"},
		time.August:    {"2025-07-01", "2025-04-01"},
		time.September: {"2025-07-01", "2025-04-01"},
		time.October:   {"2025-10-01", "2025-07-01"},
		time.November:  {"2025-10-01", "2025-07-01"},
		time.December:  {"2025-10-01", "2025-07-01"},
	}
	next := map[string]string{"2025-01-01": "2025-04-01", "2025-04-01": "2025-07-01", "2025-07-01": "2025-10-01", "2025-10-01": "2026-01-01", "2024-10-01": "2025-01-01"}
	for m, w := range want {
		t.Run(m.String(), func(t *testing.T) {
			now := time.Date(2025, m, 15, 12, 0, 0, 0, time.UTC)
			from, to, err := ThisQuarter.Resolve(now, time.UTC, calendar.Monday)
			require.NoError(t, err)
			require.Equal(t, w.this, from.Format(time.DateOnly))
			require.Equal(t, next[w.this], to.Format(time.DateOnly))
			from, to, err = LastQuarter.Resolve(now, time.UTC, calendar.Monday)
			require.NoError(t, err)
			require.Equal(t, w.last, from.Format(time.DateOnly))
			require.Equal(t, w.this, to.Format(time.DateOnly))
		})
	}
}

func TestResolveNilZoneIsUTC(t *testing.T) {
	from, to, err := Today.Resolve(rfc(t, "2025-05-14T23:30:00-02:00"), nil, calendar.Monday)
	require.NoError(t, err)
	require.Equal(t, rfc(t, "2025-05-15T00:00:00Z"), from)
	require.Equal(t, rfc(t, "2025-05-16T00:00:00Z"), to)
	require.Equal(t, time.UTC, from.Location())
}

func TestLastNDays(t *testing.T) {
	require.Equal(t, Range("last_14_days"), LastNDays(14))
	require.Equal(t, Last7Days, LastNDays(7))
	from, to, err := LastNDays(1).Resolve(rfc(t, "2025-05-14T10:00:00Z"), time.UTC, calendar.Monday)
	require.NoError(t, err)
	require.Equal(t, rfc(t, "2025-05-13T00:00:00Z"), from, "last_1_days is yesterday")
	require.Equal(t, rfc(t, "2025-05-14T00:00:00Z"), to)

	from, to, err = LastNDays(366).Resolve(rfc(t, "2025-01-01T10:00:00Z"), time.UTC, calendar.Monday)
	require.NoError(t, err)
	require.Equal(t, rfc(t, "2024-01-01T00:00:00Z"), from, "exactly 2024, which has 366 days")
	require.Equal(t, rfc(t, "2025-01-01T00:00:00Z"), to)
}

func TestParseRange(t *testing.T) {
	for _, r := range []Range{Today, Yesterday, ThisWeek, LastWeek, ThisMonth, LastMonth, ThisQuarter, LastQuarter, ThisYear, LastYear, Last7Days, Last30Days, Last90Days, "last_1_days", "last_100000_days"} {
		got, err := ParseRange(string(r))
		require.NoError(t, err, r)
		require.Equal(t, r, got)
	}
}

func TestRangeErrors(t *testing.T) {
	const presets = "want today, yesterday, this_week, last_week, this_month, last_month, this_quarter, last_quarter, this_year, last_year, or last_N_days such as last_7_days"
	const n = "want last_N_days with N from 1 to 100000, without leading zeros"
	cases := []struct {
		in, reason string
	}{
		{"last_week2", presets},
		{"", presets},
		{"Today", presets},
		{" today", presets},
		{"last_7_day", presets},
		{"last__days", presets},
		{"last_-1_days", presets},
		{"last_1.5_days", presets},
		{"last_0_days", n},
		{"last_007_days", n},
		{"last_100001_days", n},
		{"last_99999999999999999999999_days", n},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			want := `convreport: unknown date range "` + c.in + `" (` + c.reason + `)`
			_, err := ParseRange(c.in)
			require.EqualError(t, err, want)
			var re *RangeError
			require.True(t, errors.As(err, &re))
			require.Equal(t, c.in, re.Range)
			require.Equal(t, c.reason, re.Reason)

			_, _, err = Range(c.in).Resolve(time.Now(), time.UTC, calendar.Monday)
			require.EqualError(t, err, want)
		})
	}
	_, _, err := LastNDays(0).Resolve(time.Now(), time.UTC, calendar.Monday)
	require.EqualError(t, err, `convreport: unknown date range "last_0_days" (`+n+`)`)
}

func TestTodayHoldsNowWhereTheDateGoesBack(t *testing.T) {
	// At 23:30 AST on the 28th (after 00:01 ADT of the 29th became 23:01
	// AST of the 28th), the 29th has begun in Goose Bay.
	from, to, err := Today.Resolve(rfc(t, "2006-10-28T23:30:00-04:00"), mustZone(t, "America/Goose_Bay"), calendar.Monday)
	require.NoError(t, err)
	require.True(t, from.Equal(rfc(t, "2006-10-29T00:00:00-03:00")), "from = %s", from)
	require.True(t, to.Equal(rfc(t, "2006-10-30T00:00:00-04:00")), "to = %s", to)
}

// TestPresetsAgreeWithBuckets checks, at random instants in zones with
// unusual changes, that each "this" preset holds now and is the bucket of
// its width holding now, and that each "last" preset ends where the
// matching "this" one starts.
func TestPresetsAgreeWithBuckets(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	zones := []string{"Europe/Paris", "Australia/Lord_Howe", "America/Sao_Paulo", "America/Santiago", "America/Goose_Bay", "Pacific/Apia", "Asia/Beirut", "UTC"}
	pairs := []struct {
		this, last Range
		b          Bucket
	}{
		{Today, Yesterday, Day}, {ThisWeek, LastWeek, Week}, {ThisMonth, LastMonth, Month},
		{ThisQuarter, LastQuarter, Quarter}, {ThisYear, LastYear, Year},
	}
	start := rfc(t, "2005-01-01T00:00:00Z")
	for _, zone := range zones {
		loc := mustZone(t, zone)
		// Half the instants fall within a day of a change of offset.
		changes := offsetChanges(loc, start, time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC))
		for i := range 200 {
			now := start.Add(time.Duration(rng.Int64N(int64(21 * 365 * 24 * time.Hour))))
			if i%2 == 0 && len(changes) > 0 {
				now = changes[rng.IntN(len(changes))].Add(time.Duration(rng.Int64N(int64(48*time.Hour))) - 24*time.Hour)
			}
			ws := calendar.Weekday(rng.IntN(7))
			for _, p := range pairs {
				from, to, err := p.this.Resolve(now, loc, ws)
				require.NoError(t, err)
				require.Truef(t, !now.Before(from) && now.Before(to), "%s %s at %s: %s..%s", zone, p.this, now.In(loc), from, to)
				msg := fmt.Sprintf("%s %s at %s (week from %s): %s..%s", zone, p.this, now.In(loc), ws, from, to)
				require.True(t, from.Equal(civil.BucketStart(now, p.b.unit(), loc, ws.Std())), msg)
				require.True(t, to.Equal(civil.BucketStart(to, p.b.unit(), loc, ws.Std())), msg)
				lastFrom, lastTo, err := p.last.Resolve(now, loc, ws)
				require.NoError(t, err)
				msg += fmt.Sprintf("; %s %s..%s", p.last, lastFrom, lastTo)
				require.True(t, lastTo.Equal(from), msg)
				require.True(t, lastFrom.Before(lastTo), msg)
				require.True(t, lastFrom.Equal(civil.BucketStart(from.Add(-1), p.b.unit(), loc, ws.Std())), msg)
			}
			from, to, err := Last30Days.Resolve(now, loc, ws)
			require.NoError(t, err)
			today, _, _ := Today.Resolve(now, loc, ws)
			require.True(t, to.Equal(today))
			// The 30 dates before today, less the one Samoa skipped.
			var want, got []string
			y, m, d := today.Date()
			for k := 30; k >= 1; k-- {
				if date := time.Date(y, m, d-k, 12, 0, 0, 0, time.UTC).Format(time.DateOnly); !(zone == "Pacific/Apia" && date == "2011-12-30") {
					want = append(want, date)
				}
			}
			for _, s := range allStarts(t, from, to, Day, loc, ws.Std()) {
				got = append(got, Day.Key(s))
			}
			require.Equal(t, want, got, "%s at %s", zone, now.In(loc))
		}
	}
}
