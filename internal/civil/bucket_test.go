package civil

import (
	"math/rand/v2"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestBucketStart(t *testing.T) {
	paris := mustZone(t, "Europe/Paris")
	kolkata := mustZone(t, "Asia/Kolkata")
	cases := []struct {
		name string
		t    string
		b    Unit
		loc  *time.Location
		ws   time.Weekday
		want string
	}{
		{"hour", "2025-05-14T10:59:59.999+02:00", Hour, paris, time.Monday, "2025-05-14T10:00:00+02:00"},
		{"hour at its start", "2025-05-14T10:00:00+02:00", Hour, paris, time.Monday, "2025-05-14T10:00:00+02:00"},
		{"hour in a half-hour zone", "2025-05-14T04:10:00Z", Hour, kolkata, time.Monday, "2025-05-14T09:00:00+05:30"},
		{"day", "2025-05-14T23:59:59+02:00", Day, paris, time.Monday, "2025-05-14T00:00:00+02:00"},
		{"day from another zone's instant", "2025-05-14T23:30:00Z", Day, paris, time.Monday, "2025-05-15T00:00:00+02:00"},
		{"day of the spring change", "2025-03-30T12:00:00+02:00", Day, paris, time.Monday, "2025-03-30T00:00:00+01:00"},
		{"monday week across new year", "2025-01-01T12:00:00Z", Week, time.UTC, time.Monday, "2024-12-30T00:00:00Z"},
		{"sunday week across new year", "2025-01-01T12:00:00Z", Week, time.UTC, time.Sunday, "2024-12-29T00:00:00Z"},
		{"sunday week on a sunday", "2025-01-05T00:00:00Z", Week, time.UTC, time.Sunday, "2025-01-05T00:00:00Z"},
		{"monday week on a sunday", "2025-01-05T23:59:59Z", Week, time.UTC, time.Monday, "2024-12-30T00:00:00Z"},
		{"month", "2024-02-29T23:00:00Z", Month, time.UTC, time.Monday, "2024-02-01T00:00:00Z"},
		{"month in winter time started in summer time", "2025-10-31T12:00:00+01:00", Month, paris, time.Monday, "2025-10-01T00:00:00+02:00"},
		{"quarter", "2025-06-30T23:59:59+02:00", Quarter, paris, time.Monday, "2025-04-01T00:00:00+02:00"},
		{"quarter of october", "2025-10-01T00:00:00+02:00", Quarter, paris, time.Monday, "2025-10-01T00:00:00+02:00"},
		{"year", "2025-12-31T23:59:59+01:00", Year, paris, time.Monday, "2025-01-01T00:00:00+01:00"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := BucketStart(rfc(t, c.t), c.b, c.loc, c.ws)
			require.Truef(t, got.Equal(rfc(t, c.want)), "got %s, want %s", got, c.want)
			require.Equal(t, c.loc, got.Location())
		})
	}
}

// checkStarts compares allStarts(t, from, to) in loc, Monday weeks, with the
// expected labels and instants.
func checkStarts(t *testing.T, from, to string, b Unit, loc *time.Location, wantLabels []string, wantStarts []string) {
	t.Helper()
	starts := allStarts(t, rfc(t, from), rfc(t, to), b, loc, time.Monday)
	labels := make([]string, len(starts))
	for i, s := range starts {
		labels[i] = key(b, s)
	}
	require.Equal(t, wantLabels, labels)
	require.Len(t, starts, len(wantStarts))
	for i, w := range wantStarts {
		require.Truef(t, starts[i].Equal(rfc(t, w)), "start %d = %s, want %s", i, starts[i], w)
	}
}

func TestHourBucketsAcrossDST(t *testing.T) {
	paris := mustZone(t, "Europe/Paris")
	lordHowe := mustZone(t, "Australia/Lord_Howe")

	t.Run("paris spring: 02:00 does not exist", func(t *testing.T) {
		checkStarts(t, "2025-03-30T01:00:00+01:00", "2025-03-30T04:00:00+02:00", Hour, paris,
			[]string{"2025-03-30T01:00+01:00", "2025-03-30T03:00+02:00"},
			[]string{"2025-03-30T01:00:00+01:00", "2025-03-30T03:00:00+02:00"})
	})
	t.Run("paris autumn: 02:00 happens twice", func(t *testing.T) {
		checkStarts(t, "2025-10-26T01:00:00+02:00", "2025-10-26T04:00:00+01:00", Hour, paris,
			[]string{"2025-10-26T01:00+02:00", "2025-10-26T02:00+02:00", "2025-10-26T02:00+01:00", "2025-10-26T03:00+01:00"},
			[]string{"2025-10-26T01:00:00+02:00", "2025-10-26T02:00:00+02:00", "2025-10-26T02:00:00+01:00", "2025-10-26T03:00:00+01:00"})
		require.True(t, BucketStart(rfc(t, "2025-10-26T02:30:00+01:00"), Hour, paris, time.Monday).Equal(rfc(t, "2025-10-26T02:00:00+01:00")))
		require.True(t, BucketStart(rfc(t, "2025-10-26T02:30:00+02:00"), Hour, paris, time.Monday).Equal(rfc(t, "2025-10-26T02:00:00+02:00")))
	})
	t.Run("lord howe april: 30 minutes repeated, the 01:00 bucket lasts 90 minutes", func(t *testing.T) {
		// 02:00+11:00 becomes 01:30+10:30 (15:00Z).
		checkStarts(t, "2025-04-06T00:00:00+11:00", "2025-04-06T04:00:00+10:30", Hour, lordHowe,
			[]string{"2025-04-06T00:00+11:00", "2025-04-06T01:00+11:00", "2025-04-06T02:00+10:30", "2025-04-06T03:00+10:30"},
			[]string{"2025-04-06T00:00:00+11:00", "2025-04-06T01:00:00+11:00", "2025-04-06T02:00:00+10:30", "2025-04-06T03:00:00+10:30"})
		for _, in := range []string{"2025-04-06T01:45:00+11:00", "2025-04-06T01:30:00+10:30", "2025-04-06T01:59:59+10:30"} {
			got := BucketStart(rfc(t, in), Hour, lordHowe, time.Monday)
			require.Truef(t, got.Equal(rfc(t, "2025-04-06T01:00:00+11:00")), "%s is in bucket %s", in, got)
		}
		got := BucketStart(rfc(t, "2025-04-06T02:00:00+10:30"), Hour, lordHowe, time.Monday)
		require.True(t, got.Equal(rfc(t, "2025-04-06T02:00:00+10:30")))
	})
	t.Run("lord howe october: 30 minutes skipped, the 01:00 bucket lasts 90 minutes", func(t *testing.T) {
		// 02:00+10:30 becomes 02:30+11:00 (15:30Z).
		checkStarts(t, "2025-10-05T00:00:00+10:30", "2025-10-05T04:00:00+11:00", Hour, lordHowe,
			[]string{"2025-10-05T00:00+10:30", "2025-10-05T01:00+10:30", "2025-10-05T03:00+11:00"},
			[]string{"2025-10-05T00:00:00+10:30", "2025-10-05T01:00:00+10:30", "2025-10-05T03:00:00+11:00"})
		got := BucketStart(rfc(t, "2025-10-05T02:45:00+11:00"), Hour, lordHowe, time.Monday)
		require.True(t, got.Equal(rfc(t, "2025-10-05T01:00:00+10:30")), "got %s", got)
	})
	t.Run("kathmandu 1986-01-01 began at 00:15, its first hour bucket too", func(t *testing.T) {
		// 00:00+05:30 became 00:15+05:45 (1985-12-31T18:30Z).
		ktm := mustZone(t, "Asia/Kathmandu")
		checkStarts(t, "1985-12-31T22:00:00+05:30", "1986-01-01T03:00:00+05:45", Hour, ktm,
			[]string{"1985-12-31T22:00+05:30", "1985-12-31T23:00+05:30", "1986-01-01T00:15+05:45", "1986-01-01T01:00+05:45", "1986-01-01T02:00+05:45"},
			[]string{"1985-12-31T22:00:00+05:30", "1985-12-31T23:00:00+05:30", "1986-01-01T00:15:00+05:45", "1986-01-01T01:00:00+05:45", "1986-01-01T02:00:00+05:45"})
		for in, want := range map[string]string{
			"1985-12-31T23:59:59+05:30": "1985-12-31T23:00:00+05:30",
			"1986-01-01T00:15:00+05:45": "1986-01-01T00:15:00+05:45",
			"1986-01-01T00:59:59+05:45": "1986-01-01T00:15:00+05:45",
			"1986-01-01T01:00:00+05:45": "1986-01-01T01:00:00+05:45",
		} {
			got := BucketStart(rfc(t, in), Hour, ktm, time.Monday)
			require.Truef(t, got.Equal(rfc(t, want)), "%s is in bucket %s, want %s", in, got, want)
		}
		// A range starting mid-bucket starts at the bucket.
		checkStarts(t, "1986-01-01T00:30:00+05:45", "1986-01-01T01:30:00+05:45", Hour, ktm,
			[]string{"1986-01-01T00:15+05:45", "1986-01-01T01:00+05:45"},
			[]string{"1986-01-01T00:15:00+05:45", "1986-01-01T01:00:00+05:45"})
	})
	t.Run("kolkata hours start at half past in UTC", func(t *testing.T) {
		checkStarts(t, "2025-05-14T00:00:00Z", "2025-05-14T02:00:00Z", Hour, mustZone(t, "Asia/Kolkata"),
			[]string{"2025-05-14T05:00+05:30", "2025-05-14T06:00+05:30", "2025-05-14T07:00+05:30"},
			[]string{"2025-05-13T23:30:00Z", "2025-05-14T00:30:00Z", "2025-05-14T01:30:00Z"})
	})
	t.Run("UTC hours are labelled Z", func(t *testing.T) {
		checkStarts(t, "2025-03-30T14:10:00Z", "2025-03-30T15:00:00Z", Hour, time.UTC,
			[]string{"2025-03-30T14:00Z"}, []string{"2025-03-30T14:00:00Z"})
	})
}

func TestDayBucketsAcrossDST(t *testing.T) {
	lordHowe := mustZone(t, "Australia/Lord_Howe")
	t.Run("lord howe april 6 lasts 24h30", func(t *testing.T) {
		checkStarts(t, "2025-04-05T12:00:00+11:00", "2025-04-07T12:00:00+10:30", Day, lordHowe,
			[]string{"2025-04-05", "2025-04-06", "2025-04-07"},
			[]string{"2025-04-05T00:00:00+11:00", "2025-04-06T00:00:00+11:00", "2025-04-07T00:00:00+10:30"})
	})
	t.Run("lord howe october 5 lasts 23h30", func(t *testing.T) {
		checkStarts(t, "2025-10-05T00:00:00+10:30", "2025-10-06T00:00:00+11:00", Day, lordHowe,
			[]string{"2025-10-05"}, []string{"2025-10-05T00:00:00+10:30"})
		checkStarts(t, "2025-10-05T00:00:00+10:30", "2025-10-06T00:00:00.000000001+11:00", Day, lordHowe,
			[]string{"2025-10-05", "2025-10-06"}, []string{"2025-10-05T00:00:00+10:30", "2025-10-06T00:00:00+11:00"})
	})
	t.Run("paris days of 23h and 25h", func(t *testing.T) {
		paris := mustZone(t, "Europe/Paris")
		checkStarts(t, "2025-03-29T00:00:00+01:00", "2025-04-01T00:00:00+02:00", Day, paris,
			[]string{"2025-03-29", "2025-03-30", "2025-03-31"},
			[]string{"2025-03-29T00:00:00+01:00", "2025-03-30T00:00:00+01:00", "2025-03-31T00:00:00+02:00"})
		checkStarts(t, "2025-10-25T00:00:00+02:00", "2025-10-28T00:00:00+01:00", Day, paris,
			[]string{"2025-10-25", "2025-10-26", "2025-10-27"},
			[]string{"2025-10-25T00:00:00+02:00", "2025-10-26T00:00:00+02:00", "2025-10-27T00:00:00+01:00"})
	})
	t.Run("sao paulo day starting at 01:00", func(t *testing.T) {
		checkStarts(t, "2018-11-03T12:00:00-03:00", "2018-11-05T00:00:00-02:00", Day, mustZone(t, "America/Sao_Paulo"),
			[]string{"2018-11-03", "2018-11-04"},
			[]string{"2018-11-03T00:00:00-03:00", "2018-11-04T01:00:00-02:00"})
	})
	t.Run("apia skipped 2011-12-30", func(t *testing.T) {
		checkStarts(t, "2011-12-29T00:00:00-10:00", "2012-01-01T00:00:00+14:00", Day, mustZone(t, "Pacific/Apia"),
			[]string{"2011-12-29", "2011-12-31"},
			[]string{"2011-12-29T00:00:00-10:00", "2011-12-31T00:00:00+14:00"})
	})
}

func TestWiderBuckets(t *testing.T) {
	paris := mustZone(t, "Europe/Paris")
	t.Run("monday weeks across the year end", func(t *testing.T) {
		checkStarts(t, "2024-12-25T00:00:00Z", "2025-01-07T00:00:00Z", Week, time.UTC,
			[]string{"2024-12-23", "2024-12-30", "2025-01-06"},
			[]string{"2024-12-23T00:00:00Z", "2024-12-30T00:00:00Z", "2025-01-06T00:00:00Z"})
	})
	t.Run("sunday weeks across the year end", func(t *testing.T) {
		starts := allStarts(t, rfc(t, "2024-12-25T00:00:00Z"), rfc(t, "2025-01-07T00:00:00Z"), Week, time.UTC, time.Sunday)
		labels := []string{}
		for _, s := range starts {
			labels = append(labels, key(Week, s))
		}
		require.Equal(t, []string{"2024-12-22", "2024-12-29", "2025-01-05"}, labels)
	})
	t.Run("months of 29, 31 and 30 days", func(t *testing.T) {
		checkStarts(t, "2024-02-10T00:00:00+01:00", "2024-04-30T00:00:00+02:00", Month, paris,
			[]string{"2024-02-01", "2024-03-01", "2024-04-01"},
			[]string{"2024-02-01T00:00:00+01:00", "2024-03-01T00:00:00+01:00", "2024-04-01T00:00:00+02:00"})
	})
	t.Run("quarters", func(t *testing.T) {
		checkStarts(t, "2024-12-31T23:00:00Z", "2025-07-01T00:00:00Z", Quarter, time.UTC,
			[]string{"2024-10-01", "2025-01-01", "2025-04-01"},
			[]string{"2024-10-01T00:00:00Z", "2025-01-01T00:00:00Z", "2025-04-01T00:00:00Z"})
	})
	t.Run("years", func(t *testing.T) {
		checkStarts(t, "2023-06-01T00:00:00+02:00", "2025-01-01T00:00:00+01:00", Year, paris,
			[]string{"2023-01-01", "2024-01-01"},
			[]string{"2023-01-01T00:00:00+01:00", "2024-01-01T00:00:00+01:00"})
	})
	t.Run("empty range", func(t *testing.T) {
		at := rfc(t, "2025-01-01T00:00:00Z")
		require.Nil(t, allStarts(t, at, at, Day, time.UTC, time.Monday))
		require.Nil(t, allStarts(t, at, at.Add(-time.Hour), Day, time.UTC, time.Monday))
	})
}

// refKey is an independent reference for which bucket an instant's wall
// clock belongs to, for day-wide buckets: a new bucket starts where the key
// changes.
func refKey(lt time.Time, b Unit, ws time.Weekday) string {
	switch b {
	case Day:
		return lt.Format(time.DateOnly)
	case Week:
		back := (int(lt.Weekday()) - int(ws) + 7) % 7
		y, m, d := lt.Date()
		return time.Date(y, m, d-back, 12, 0, 0, 0, time.UTC).Format(time.DateOnly)
	case Month:
		return lt.Format("2006-01")
	case Quarter:
		return lt.Format("2006") + "Q" + string(rune('1'+(lt.Month()-1)/3))
	case Year:
		return lt.Format("2006")
	}
	panic(b)
}

// refIsStart reports whether the instant u, on the 30-minute UTC grid (on
// which every transition and wall-clock hour of the test zones falls),
// starts a bucket.
func refIsStart(u time.Time, b Unit, loc *time.Location, ws time.Weekday) bool {
	lt := u.In(loc)
	if b == Hour {
		return lt.Minute() == 0 && lt.Second() == 0
	}
	return refKey(lt, b, ws) != refKey(u.Add(-30*time.Minute).In(loc), b, ws)
}

func TestBucketStartsPartitionTheRange(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	zones := []string{"Europe/Paris", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "UTC"}
	spans := map[Unit]time.Duration{
		Hour: 10 * 24 * time.Hour, Day: 70 * 24 * time.Hour, Week: 200 * 24 * time.Hour,
		Month: 400 * 24 * time.Hour, Quarter: 800 * 24 * time.Hour, Year: 3 * 366 * 24 * time.Hour,
	}
	base := rfc(t, "2023-06-01T00:00:00Z")
	const grid = 30 * time.Minute
	for _, zone := range zones {
		loc := mustZone(t, zone)
		// Half the ranges end within a few hours after a change of offset.
		changes := periodEnds(loc, base, base.AddDate(3, 0, 0))
		if zone != "UTC" && zone != "Asia/Kolkata" {
			require.NotEmpty(t, changes, zone)
		}
		for _, b := range []Unit{Hour, Day, Week, Month, Quarter, Year} {
			for i := range 16 {
				ws := time.Weekday(rng.IntN(7))
				from := base.Add(time.Duration(rng.Int64N(int64(3 * 365 * 24 * time.Hour))))
				span := 1 + time.Duration(rng.Int64N(int64(spans[b])))
				if i%2 == 1 && len(changes) > 0 {
					from = changes[rng.IntN(len(changes))].Add(time.Duration(rng.Int64N(int64(3*time.Hour))) - span)
				}
				if i%3 == 0 {
					from = from.Truncate(grid) // land on bucket edges sometimes
				}
				to := from.Add(span)
				starts := allStarts(t, from, to, b, loc, ws)

				// The reference: the last start at or before from, then
				// every start in (from, to), found by walking the grid.
				var want []time.Time
				u := from.Truncate(grid)
				for !refIsStart(u, b, loc, ws) {
					u = u.Add(-grid)
				}
				want = append(want, u)
				for u = from.Truncate(grid).Add(grid); u.Before(to); u = u.Add(grid) {
					if refIsStart(u, b, loc, ws) {
						want = append(want, u)
					}
				}
				require.Equalf(t, len(want), len(starts), "%s %s %s..%s", zone, b, from, to)
				for k := range want {
					require.Truef(t, starts[k].Equal(want[k]), "%s %s start %d = %s, want %s", zone, b, k, starts[k], want[k].In(loc))
					require.Equal(t, loc, starts[k].Location())
				}

				// A partition: increasing starts, each instant in exactly
				// the bucket BucketStart names.
				require.False(t, starts[0].After(from))
				require.True(t, starts[len(starts)-1].Before(to))
				for k := range starts {
					require.True(t, BucketStart(starts[k], b, loc, ws).Equal(starts[k]))
					if k > 0 {
						require.True(t, starts[k-1].Before(starts[k]))
						require.True(t, BucketStart(starts[k].Add(-1), b, loc, ws).Equal(starts[k-1]))
					}
				}
				require.True(t, BucketStart(to.Add(-1), b, loc, ws).Equal(starts[len(starts)-1]))
				for range 20 {
					at := from.Add(time.Duration(rng.Int64N(int64(to.Sub(from)))))
					k := Index(starts, at)
					require.GreaterOrEqual(t, k, 0)
					require.False(t, starts[k].After(at))
					if k+1 < len(starts) {
						require.True(t, at.Before(starts[k+1]))
					}
					require.True(t, BucketStart(at, b, loc, ws).Equal(starts[k]))
				}
			}
		}
	}
}

func TestBucketIndexNanosAgreesWithLinearSearch(t *testing.T) {
	linear := func(starts []int64, t int64) int {
		k := -1
		for i, s := range starts {
			if s <= t {
				k = i
			}
		}
		return k
	}
	rng := rand.New(rand.NewPCG(3, 4))
	require.Equal(t, -1, IndexNanos(nil, 0))
	require.Equal(t, -1, Index(nil, time.Time{}))
	for range 300 {
		n := 1 + rng.IntN(50)
		seen := map[int64]bool{}
		var starts []int64
		for len(starts) < n {
			s := rng.Int64N(1000) - 500
			if !seen[s] {
				seen[s] = true
				starts = append(starts, s)
			}
		}
		sort.Slice(starts, func(i, j int) bool { return starts[i] < starts[j] })
		times := make([]time.Time, n)
		for i, s := range starts {
			times[i] = time.Unix(0, s)
		}
		probes := []int64{starts[0] - 1, starts[0], starts[n-1], starts[n-1] + 1, -600, 600}
		for range 50 {
			probes = append(probes, rng.Int64N(1200)-600)
		}
		for _, p := range probes {
			want := linear(starts, p)
			require.Equal(t, want, IndexNanos(starts, p), "starts %v, t %d", starts, p)
			require.Equal(t, want, Index(times, time.Unix(0, p)), "starts %v, t %d", starts, p)
		}
	}
}

func BenchmarkBucketIndexNanos(b *testing.B) {
	loc := mustZone(b, "Europe/Paris")
	from := rfc(b, "2025-01-01T00:00:00+01:00")
	starts := allStarts(b, from, from.AddDate(1, 0, 0), Day, loc, time.Monday)
	nanos := make([]int64, len(starts))
	for i, s := range starts {
		nanos[i] = s.UnixNano()
	}
	span := nanos[len(nanos)-1] - nanos[0]
	sink := 0
	for i := 0; b.Loop(); i++ {
		sink += IndexNanos(nanos, nanos[0]+int64(i*7919)%span)
	}
	_ = sink
}

func TestDayBucketsWhereTheDateGoesBack(t *testing.T) {
	// On 2006-10-29 at 00:01 ADT (-03:00) Goose Bay set its clocks back to
	// 23:01 AST (-04:00) of the 28th. The 29th had begun: the repeated hour
	// is part of it.
	gooseBay := mustZone(t, "America/Goose_Bay")
	checkStarts(t, "2006-10-28T12:00:00-03:00", "2006-10-30T12:00:00-04:00", Day, gooseBay,
		[]string{"2006-10-28", "2006-10-29", "2006-10-30"},
		[]string{"2006-10-28T00:00:00-03:00", "2006-10-29T00:00:00-03:00", "2006-10-30T00:00:00-04:00"})
	for _, in := range []string{"2006-10-29T00:00:30-03:00", "2006-10-28T23:30:00-04:00", "2006-10-29T00:00:00-04:00"} {
		got := BucketStart(rfc(t, in), Day, gooseBay, time.Monday)
		require.Truef(t, got.Equal(rfc(t, "2006-10-29T00:00:00-03:00")), "%s is in bucket %s", in, got)
	}
	got := BucketStart(rfc(t, "2006-10-28T23:59:59-03:00"), Day, gooseBay, time.Monday)
	require.True(t, got.Equal(rfc(t, "2006-10-28T00:00:00-03:00")), "got %s", got)
	got = BucketStart(rfc(t, "2006-10-28T23:30:00-04:00"), Month, gooseBay, time.Monday)
	require.True(t, got.Equal(rfc(t, "2006-10-01T00:00:00-03:00")), "got %s", got)
}

// key labels a bucket start as the result JSON does: the date, or the
// wall-clock hour with its offset.
func key(u Unit, t time.Time) string {
	if u == Hour {
		return t.Format("2006-01-02T15:04Z07:00")
	}
	return t.Format(time.DateOnly)
}

// allStarts is BucketStarts without a limit that matters.
func allStarts(t testing.TB, from, to time.Time, b Unit, loc *time.Location, ws time.Weekday) []time.Time {
	t.Helper()
	starts, over := BucketStarts(from, to, b, loc, ws, 1<<30)
	require.False(t, over)
	return starts
}

// periodEnds lists the ends of loc's offset periods in [from, to): the
// instants near which buckets are worth probing.
func periodEnds(loc *time.Location, from, to time.Time) []time.Time {
	var out []time.Time
	for u := from.In(loc); ; {
		_, end := OffsetPeriod(u)
		if end.IsZero() || !end.Before(to) {
			return out
		}
		out = append(out, end)
		u = end
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
	v, err := time.Parse(time.RFC3339, s)
	require.NoError(t, err)
	return v
}

// The unit holding MinTime began before it; its bucket starts at MinTime,
// and the next at the unit after, as a calendar reads them in UTC.
func TestFirstBucketStartsAtMinTime(t *testing.T) {
	next := map[Unit]string{
		Hour: "1677-09-21T01:00:00Z", Day: "1677-09-22T00:00:00Z", Week: "1677-09-27T00:00:00Z",
		Month: "1677-10-01T00:00:00Z", Quarter: "1677-10-01T00:00:00Z", Year: "1678-01-01T00:00:00Z",
	}
	for u := Hour; u <= Year; u++ {
		require.True(t, BucketStart(MinTime, u, time.UTC, time.Monday).Equal(MinTime), u)
		require.True(t, BucketStart(MinTime.Add(time.Minute), u, time.UTC, time.Monday).Equal(MinTime), u)
		starts, over := BucketStarts(MinTime, MinTime.Add(3*366*24*time.Hour), u, time.UTC, time.Monday, 1<<20)
		require.False(t, over)
		require.True(t, starts[0].Equal(MinTime), "%s: %s", u, starts[0])
		require.True(t, starts[1].Equal(rfc(t, next[u])), "%s: %s", u, starts[1])
		require.Equal(t, MinTime.UnixNano(), starts[0].UnixNano(), "a nanosecond count")
		// A bucket wholly after MinTime keeps its own start.
		require.True(t, BucketStart(starts[1], u, time.UTC, time.Monday).Equal(starts[1]), u)
	}
}

// Apia skipped 2011-12-30 (its clocks went from the 29th to the 31st); a
// day with a DST change is short or long, not skipped.
func TestSkippedDay(t *testing.T) {
	apia, err := time.LoadLocation("Pacific/Apia")
	if err != nil {
		t.Fatal(err)
	}
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		loc     *time.Location
		day     int
		month   time.Month
		year    int
		skipped bool
		start   string
	}{
		{apia, 30, time.December, 2011, true, "2011-12-31T00:00:00+14:00"},
		{apia, 29, time.December, 2011, false, "2011-12-29T00:00:00-10:00"},
		{apia, 31, time.December, 2011, false, "2011-12-31T00:00:00+14:00"},
		{paris, 30, time.March, 2025, false, "2025-03-30T00:00:00+01:00"},
	} {
		start, skipped := SkippedDay(c.year, c.month, c.day, c.loc)
		if skipped != c.skipped || start.Format(time.RFC3339) != c.start || start.Location() != c.loc {
			t.Errorf("%s %d-%02d-%02d: %s, %v; want %s, %v", c.loc, c.year, c.month, c.day, start.Format(time.RFC3339), skipped, c.start, c.skipped)
		}
	}
}
