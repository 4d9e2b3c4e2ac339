package convreport

import (
	"archive/zip"
	"context"
	"errors"
	"github.com/convreport/convreport/calendar"
	"io"
	"iter"
	"path/filepath"
	"runtime"
	"sort"
	"testing"
	"time"
	_ "time/tzdata" // the zones of the tests, without relying on the machine's zone files

	"github.com/stretchr/testify/require"

	"github.com/convreport/convreport/internal/civil"
)

// allStarts is bucketStarts without a limit that matters.
func allStarts(t testing.TB, from, to time.Time, b Bucket, loc *time.Location, ws time.Weekday) []time.Time {
	t.Helper()
	starts, over := civil.BucketStarts(from, to, b.unit(), loc, ws, 1<<30)
	require.False(t, over)
	return starts
}

// rowsSource is the smallest Source: a slice, scanned whole.
type rowsSource struct{ rows []Conversation }

func (rowsSource) Schema() *Schema { return DefaultSchema() }

func (s rowsSource) Scan(ctx context.Context, _ ScanHint) iter.Seq2[*Conversation, error] {
	return func(yield func(*Conversation, error) bool) {
		for i := range s.rows {
			if !yield(&s.rows[i], nil) {
				return
			}
		}
	}
}

// offsetChanges returns the instants in (from, to] at which loc's UTC offset
// changes, found without ZoneBounds: by sampling the offset every hour and
// bisecting between samples that differ. It would miss a change undone
// within the hour, which no zone has had.
func offsetChanges(loc *time.Location, from, to time.Time) []time.Time {
	var out []time.Time
	prev := offsetAt(from, loc)
	for lo := from; lo.Before(to); {
		hi := lo.Add(time.Hour)
		if off := offsetAt(hi, loc); off != prev {
			a, b := lo, hi // a has prev, b does not
			for b.Sub(a) > time.Second {
				mid := a.Add(b.Sub(a) / 2)
				if offsetAt(mid, loc) == prev {
					a = mid
				} else {
					b = mid
				}
			}
			// Changes fall on whole seconds.
			c := b.Truncate(time.Second)
			if offsetAt(c, loc) == prev {
				c = c.Add(time.Second)
			}
			out = append(out, c.In(loc))
			prev = off
		}
		lo = hi
	}
	return out
}

// offsetAt is loc's UTC offset at t, in seconds.
func offsetAt(t time.Time, loc *time.Location) int {
	_, off := t.In(loc).Zone()
	return off
}

// wallBefore reports whether t's wall clock in loc reads before the wall
// time w (a wall time read as UTC).
func wallBefore(t time.Time, loc *time.Location, w time.Time) bool {
	y, m, d := t.In(loc).Date()
	hh, mm, ss := t.In(loc).Clock()
	return time.Date(y, m, d, hh, mm, ss, t.In(loc).Nanosecond(), time.UTC).Before(w)
}

// The defects of one report: ZoneBounds answers an end at or before its
// input in Europe/Paris on 2040-12-31 (the last day of a leap year past the
// zone's transition table), and every loop that stepped to that end stood
// still. Each case below hung before offsetPeriod; the expected values are
// worked out by hand (Paris is at +01:00 all through that week).
func TestZoneBoundsStandStill(t *testing.T) {
	paris := mustZone(t, "Europe/Paris")
	at := func(s string) time.Time { return rfc(t, s).In(paris) }

	t.Run("offsetPeriod brackets its input", func(t *testing.T) {
		in := at("2040-12-31T01:00:00+01:00")
		_, end := in.ZoneBounds()
		require.False(t, end.After(in), "the standard library no longer misbehaves here: keep the test, it still pins offsetPeriod")
		start, end := civil.OffsetPeriod(in)
		require.False(t, start.After(in))
		require.True(t, end.After(in))
		require.Equal(t, 3600, offsetAt(end.Add(-time.Nanosecond), paris))
	})
	t.Run("yesterday at 2041-01-03 12:00", func(t *testing.T) {
		from, to, err := Yesterday.Resolve(at("2041-01-03T12:00:00+01:00"), paris, calendar.Monday)
		require.NoError(t, err)
		require.Equal(t, at("2041-01-02T00:00:00+01:00"), from)
		require.Equal(t, at("2041-01-03T00:00:00+01:00"), to)
	})
	t.Run("day buckets over 2041-01-01..05", func(t *testing.T) {
		got := allStarts(t, at("2041-01-01T00:00:00+01:00"), at("2041-01-05T00:00:00+01:00"), Day, paris, time.Monday)
		require.Equal(t, []time.Time{at("2041-01-01T00:00:00+01:00"), at("2041-01-02T00:00:00+01:00"),
			at("2041-01-03T00:00:00+01:00"), at("2041-01-04T00:00:00+01:00")}, got)
	})
	t.Run("hour buckets over 2040-12-30..2041-01-02", func(t *testing.T) {
		from := at("2040-12-30T00:00:00+01:00")
		got := allStarts(t, from, at("2041-01-02T00:00:00+01:00"), Hour, paris, time.Monday)
		require.Len(t, got, 72)
		for i, s := range got {
			require.Equal(t, from.Add(time.Duration(i)*time.Hour), s)
		}
	})
	t.Run("business hours from 2040-12-30 to 2041-01-02", func(t *testing.T) {
		cal := calendar.OfficeHours(paris, calendar.At(9, 0), calendar.At(17, 0), calendar.Monday, calendar.Tuesday, calendar.Wednesday, calendar.Thursday, calendar.Friday)
		// Sunday 10:00 to Wednesday 12:00: Monday 8 h, Tuesday 8 h,
		// Wednesday 09:00-12:00.
		got := cal.Between(at("2040-12-30T10:00:00+01:00"), at("2041-01-02T12:00:00+01:00"))
		require.Equal(t, 19*time.Hour, got)
	})
	t.Run("a daily report over the stuck days runs", func(t *testing.T) {
		// A hang guard, not a bound on the work: the run takes milliseconds,
		// and the deadline only keeps a regression from hanging the suite.
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		src := rowsSource{rows: []Conversation{{ID: "a", Channel: Chat, Status: Open, CreatedAt: at("2041-01-02T10:00:00+01:00")}}}
		q := Query{From: at("2041-01-01T00:00:00+01:00"), To: at("2041-01-05T00:00:00+01:00"), Zone: paris}
		res, err := NewEngine(src).Run(ctx, q, Report{Name: "volume", Bucket: Day})
		require.NoError(t, err)
		require.Len(t, res[0].Points, 4)
		require.EqualValues(t, 1, res[0].Points[1].Count)
	})
}

// The bucket cap holds while the starts are built: a range of centuries in
// hours is refused after limit+1 steps, not after building millions.
func TestBucketCapWhileBuilding(t *testing.T) {
	from := time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	to := time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, b := range []Bucket{Hour, Day, Week, Month} {
		starts, over := civil.BucketStarts(from, to, b.unit(), time.UTC, time.Monday, 100)
		require.True(t, over, b)
		require.Len(t, starts, 101, b)
	}
	starts, over := civil.BucketStarts(from, to, civil.Year, time.UTC, time.Monday, 130)
	require.False(t, over)
	require.Len(t, starts, 130)

	src := rowsSource{}
	q := Query{From: from, To: to}
	_, err := NewEngine(src, WithLimits(Limits{MaxBuckets: 1000})).Run(context.Background(), q, Report{Name: "hours", Bucket: Hour})
	var le *LimitError
	require.True(t, errors.As(err, &le), "%v", err)
	require.Equal(t, 1000, le.Max)
	require.Greater(t, le.Got, 1000)
}

// tzdataZones returns every zone of the time zone database Go embeds with
// time/tzdata (the same file), loaded from that file, so the sweep does not
// depend on the machine's zone files.
func tzdataZones(t *testing.T) map[string]*time.Location {
	t.Helper()
	path := filepath.Join(runtime.GOROOT(), "lib", "time", "zoneinfo.zip")
	zr, err := zip.OpenReader(path)
	require.NoError(t, err, "the Go distribution's zone database")
	defer zr.Close()
	zones := map[string]*time.Location{}
	seen := map[string]bool{} // links are stored as copies: load each zone once
	for _, f := range zr.File {
		rc, err := f.Open()
		require.NoError(t, err)
		data, err := io.ReadAll(rc)
		rc.Close()
		require.NoError(t, err)
		if seen[string(data)] {
			continue
		}
		seen[string(data)] = true
		loc, err := time.LoadLocationFromTZData(f.Name, data)
		require.NoError(t, err, f.Name)
		zones[f.Name] = loc
	}
	require.Greater(t, len(zones), 300)
	return zones
}

// TestTimeLoopsAdvanceEverywhere sweeps every zone of the tz database over
// 1970-2100 through each loop of the time code: the zone periods, day
// starts, hour steps, week and month starts and business-hours spans. It
// looks where loops go wrong: at each change of offset and at each year's
// end (where ZoneBounds misbehaves), and checks what each answer must be
// rather than only that it comes.
func TestTimeLoopsAdvanceEverywhere(t *testing.T) {
	zones := tzdataZones(t)
	names := make([]string, 0, len(zones))
	for name := range zones {
		names = append(names, name)
	}
	sort.Strings(names)
	begin := time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	end := time.Date(2101, 1, 1, 0, 0, 0, 0, time.UTC)
	cal := &calendar.Calendar{}
	for wd := calendar.Monday; wd <= calendar.Friday; wd++ {
		cal.Week.SetDay(wd, []calendar.Hours{{Start: calendar.At(8, 30), End: calendar.At(12, 0)}, {Start: calendar.At(13, 0), End: calendar.At(18, 0)}})
	}
	cal.Week.SetDay(calendar.Saturday, []calendar.Hours{{Start: calendar.At(0, 0), End: calendar.At(24, 0)}})

	for _, name := range names {
		loc := zones[name]
		// The periods: each brackets its start, keeps one offset, and the
		// walk reaches 2101 in a bounded number of steps.
		var marks []time.Time // instants to probe: changes and year ends
		steps := 0
		for u := begin.In(loc); u.Before(end); steps++ {
			start, stop := civil.OffsetPeriod(u)
			switch {
			case steps > 2000:
				t.Fatalf("%s: more than 2000 periods from 1970 to 2100", name)
			case !start.IsZero() && start.After(u):
				t.Fatalf("%s: period of %s starts at %s", name, u, start)
			case stop.IsZero():
			case !stop.After(u):
				t.Fatalf("%s: period of %s ends at %s", name, u, stop)
			case offsetAt(u, loc) != offsetAt(stop.Add(-time.Nanosecond), loc):
				t.Fatalf("%s: offset changes inside [%s, %s)", name, u, stop)
			}
			if stop.IsZero() {
				break
			}
			if offsetAt(stop, loc) != offsetAt(u, loc) {
				marks = append(marks, stop)
			}
			u = stop
		}
		for y := 1970; y <= 2100; y++ {
			marks = append(marks, time.Date(y, 12, 31, 12, 0, 0, 0, time.UTC))
		}
		for _, m := range marks {
			checkTimeLoopsAround(t, name, loc, cal, m)
		}
	}
}

// checkTimeLoopsAround checks day starts, hour steps, week and month starts
// and business hours in the two days around the instant m.
func checkTimeLoopsAround(t *testing.T, name string, loc *time.Location, cal *calendar.Calendar, m time.Time) {
	local := m.In(loc)
	// Day starts: the first instant whose wall clock reaches the date.
	for k := -1; k <= 1; k++ {
		y, mo, d := local.AddDate(0, 0, k).Date()
		s := civil.StartOfDay(y, mo, d, loc)
		w := time.Date(y, mo, d, 0, 0, 0, 0, time.UTC)
		if wallBefore(s, loc, w) || !wallBefore(s.Add(-time.Nanosecond), loc, w) {
			t.Fatalf("%s: civil.StartOfDay(%s) = %s", name, w.Format(time.DateOnly), s)
		}
	}
	// Hour steps: strictly later, on a whole hour of the wall clock or a
	// date's start, and each instant between two steps starts at the first.
	s := civil.HourStart(m.Add(-3*time.Hour), loc)
	for range 8 {
		n := civil.HourNext(s)
		if !n.After(s) || n.Sub(s) >= 2*time.Hour {
			t.Fatalf("%s: civil.HourNext(%s) = %s", name, s, n)
		}
		if _, mm, ss := n.Clock(); (mm != 0 || ss != 0 || n.Nanosecond() != 0) && !civil.DateOf(n).Start(loc).Equal(n) {
			t.Fatalf("%s: civil.HourNext(%s) = %s, not a whole hour nor a date's start", name, s, n)
		}
		if mid := s.Add(n.Sub(s) / 2); !civil.HourStart(mid, loc).Equal(s) {
			t.Fatalf("%s: civil.HourStart(%s) = %s, want %s", name, mid, civil.HourStart(mid, loc), s)
		}
		s = n
	}
	// Day, week and month starts around m: strictly increasing, each the
	// start of its own bucket.
	for _, b := range []Bucket{Day, Week, Month} {
		span := map[Bucket]time.Duration{Day: 2 * 24 * time.Hour, Week: 8 * 24 * time.Hour, Month: 32 * 24 * time.Hour}[b]
		from, to := m.Add(-span), m.Add(span)
		starts, over := civil.BucketStarts(from, to, b.unit(), loc, time.Sunday, 1000)
		if over || len(starts) == 0 {
			t.Fatalf("%s: %s buckets of %s..%s: %d, over %v", name, b, from, to, len(starts), over)
		}
		for i, st := range starts {
			if i > 0 && !st.After(starts[i-1]) {
				t.Fatalf("%s: %s bucket starts not increasing at %s", name, b, st)
			}
			if !civil.BucketStart(st, b.unit(), loc, time.Sunday).Equal(st) {
				t.Fatalf("%s: %s bucket of its own start %s is %s", name, b, st, civil.BucketStart(st, b.unit(), loc, time.Sunday))
			}
		}
	}
	// Business hours: within [0, b-a] and additive at any split.
	a, b := m.Add(-30*time.Hour), m.Add(29*time.Hour)
	mid := m.Add(-17 * time.Minute)
	open := cal.Prepare()
	whole := open.Between(a, b)
	if whole < 0 || whole > b.Sub(a) || whole != open.Between(a, mid)+open.Between(mid, b) {
		t.Fatalf("%s: business time of %s..%s is %s, not the sum of its halves", name, a, b, whole)
	}
}

// Business time against a reference loop that walks the span minute by
// minute and asks the wall clock whether it is open, in zones whose changes
// are odd (half hours, skipped days, midnight changes) and over year ends
// past the zones' transition tables.
func TestBusinessHoursAgainstMinuteWalk(t *testing.T) {
	zones := []string{"Europe/Paris", "America/Sao_Paulo", "Australia/Lord_Howe", "Pacific/Apia", "America/Goose_Bay", "Asia/Kathmandu", "America/Santiago"}
	cal := &calendar.Calendar{Holidays: []calendar.Date{{Year: 2040, Month: 12, Day: 31}, {Year: 2011, Month: 12, Day: 29}}}
	for wd := calendar.Monday; wd <= calendar.Friday; wd++ {
		cal.Week.SetDay(wd, []calendar.Hours{{Start: calendar.At(0, 0), End: calendar.At(1, 30)}, {Start: calendar.At(9, 0), End: calendar.At(17, 0)}, {Start: calendar.At(23, 0), End: calendar.At(24, 0)}})
	}
	for _, name := range zones {
		loc := mustZone(t, name)
		cal.Zone = loc
		var spans [][2]time.Time
		for _, c := range offsetChanges(loc, time.Date(2008, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2013, 1, 1, 0, 0, 0, 0, time.UTC)) {
			c = c.Truncate(time.Minute)
			spans = append(spans, [2]time.Time{c.Add(-50 * time.Hour), c.Add(47 * time.Hour)})
		}
		for _, y := range []int{2036, 2040, 2044, 2099} {
			e := time.Date(y, 12, 31, 0, 0, 0, 0, time.UTC)
			spans = append(spans, [2]time.Time{e.Add(-60 * time.Hour), e.Add(70 * time.Hour)})
		}
		open := cal.Prepare()
		for _, sp := range spans {
			want := time.Duration(0)
			for u := sp[0]; u.Before(sp[1]); u = u.Add(time.Minute) {
				w := u.In(loc)
				day := calendar.Date{Year: w.Year(), Month: w.Month(), Day: w.Day()}
				if slicesContains(cal.Holidays, day) {
					continue
				}
				c := calendar.Clock(w.Hour()*60 + w.Minute())
				for _, h := range cal.Week.Day(calendar.WeekdayOf(w.Weekday())) {
					if h.Start <= c && c < h.End {
						want += time.Minute
					}
				}
			}
			require.Equalf(t, want, open.Between(sp[0], sp[1]), "%s %s..%s", name, sp[0], sp[1])
		}
	}
}

func slicesContains(ds []calendar.Date, d calendar.Date) bool {
	for _, x := range ds {
		if x == d {
			return true
		}
	}
	return false
}
