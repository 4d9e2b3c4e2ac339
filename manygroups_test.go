package convreport_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/memory"
)

// TestLimitedResultHoldsOnlyItsPoints runs a report of 100,000 groups
// that keeps 10 apart from Other, and checks that the result, kept
// alive, holds about what its 11 points need, not every group's
// dimension values (several MB here); and that the 10 are the largest
// groups.
func TestLimitedResultHoldsOnlyItsPoints(t *testing.T) {
	const groups = 100_000
	start := time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)
	// Made at its final size (the 10 large groups add 55): under the race
	// detector, growing a slice of 100,000 conversations by appends cost
	// more than the runs.
	cs := make([]convreport.Conversation, 0, groups+55)
	for i := range groups {
		// Group i has 1 conversation, and every 10,000th has i/10,000+2.
		n := 1
		if i%10_000 == 0 {
			n = i/10_000 + 2
		}
		contact := fmt.Sprintf("contact-%06d", i)
		for k := range n {
			cs = append(cs, convreport.Conversation{
				ID: "c" + strconv.Itoa(i) + "-" + strconv.Itoa(k), Channel: convreport.Chat, Assignee: "ann",
				ContactID: contact, CreatedAt: start.Add(time.Duration(i) * time.Second),
			})
		}
	}
	src, err := memory.New(cs)
	if err != nil {
		t.Fatal(err)
	}
	cs = nil
	eng := convreport.NewEngine(src)
	q := convreport.Query{From: start, To: start.AddDate(0, 0, 7)}
	r := convreport.Report{Name: "by contact", Dimensions: []string{"ContactID"}, Limit: 10}
	if _, err := eng.Run(context.Background(), q, r); err != nil { // what a first run keeps
		t.Fatal(err)
	}
	res, err := eng.Run(context.Background(), q, r)
	if err != nil {
		t.Fatal(err)
	}
	pts := res[0].Points
	if len(pts) != 11 || !pts[10].Other || pts[10].Count != groups-10 {
		t.Fatalf("got %d points, the last %+v; want 10 and Other of %d", len(pts), pts[len(pts)-1], groups-10)
	}
	for k, p := range pts[:10] {
		i := (9 - k) * 10_000 // the largest first
		if want := fmt.Sprintf("contact-%06d", i); p.Dimensions[0].Value != want || p.Count != int64(i/10_000+2) {
			t.Errorf("point %d: %s with %d, want %s with %d", k, p.Dimensions[0].Value, p.Count, want, i/10_000+2)
		}
	}
	// What the result holds: the heap with it, less the heap without.
	pts = nil
	var with, without runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&with)
	runtime.KeepAlive(res)
	res = nil
	runtime.GC()
	runtime.ReadMemStats(&without)
	if held := int64(with.HeapAlloc) - int64(without.HeapAlloc); held > 1<<20 {
		t.Errorf("a result of 11 points holds %d bytes", held)
	}
}

// TestLimitedReportKeepsTheFirstGroups runs reports of a few hundred
// groups full of ties (counts of 1 to 4, averages that repeat, groups
// with no response, which an average leaves out) that keep k apart from Other, by
// their Limit or by the engine's MaxGroups, and holds them to the same
// report unlimited, ordered here: the first k points, then one Other
// point of the rest.
func TestLimitedReportKeepsTheFirstGroups(t *testing.T) {
	src, groups, start := manyGroups(t)
	q := convreport.Query{From: start, To: start.AddDate(0, 0, 7)}
	ctx := context.Background()
	all, err := convreport.NewEngine(src).Run(ctx, q, func() []convreport.Report {
		var rs []convreport.Report
		for _, m := range []convreport.Measure{{}, {Agg: convreport.Average, Metric: convreport.FirstResponseTime}} {
			for _, s := range []convreport.SortBy{convreport.ByValueDesc, convreport.ByValueAsc, convreport.ByLabelAsc, convreport.ByLabelDesc} {
				rs = append(rs, convreport.Report{Name: "by contact", Measure: m, Dimensions: []string{"ContactID", "Assignee"}, Sort: s})
			}
		}
		return rs
	}()...)
	if err != nil {
		t.Fatal(err)
	}
	for _, whole := range all {
		r := whole.Report
		// A group is a point where its measure counts a conversation:
		// every group for the count, four in five for the average.
		n := len(whole.Points)
		if wantN := map[bool]int{true: groups, false: groups - groups/5}[r.Measure.Agg == ""]; n != wantN {
			t.Fatalf("%s: %d points unlimited, want %d", r.Measure.Key(), n, wantN)
		}
		// want orders the unlimited points as the report's Sort says:
		// by value (none last), ties by label, a value before none.
		want := slices.Clone(whole.Points)
		label := func(a, b convreport.Point) int { return byLabel(a.Dimensions, b.Dimensions) }
		slices.SortStableFunc(want, func(a, b convreport.Point) int {
			switch r.Sort {
			case convreport.ByLabelAsc:
				return label(a, b)
			case convreport.ByLabelDesc:
				return -label(a, b)
			}
			if a.Value.Valid != b.Value.Valid {
				if a.Value.Valid {
					return -1
				}
				return 1
			}
			c := a.Value.Decimal.Cmp(b.Value.Decimal)
			if r.Sort != convreport.ByValueAsc {
				c = -c
			}
			if c != 0 {
				return c
			}
			return label(a, b)
		})
		for _, k := range []int{1, 2, 7, 60, 61, 150, 399} {
			for _, byLimit := range []bool{true, false} {
				if k >= n || !byLimit && k+1 >= n {
					continue // MaxGroups k+1 keeps them all
				}
				eng, lr := convreport.NewEngine(src), r
				if byLimit {
					lr.Limit = k
				} else {
					eng = convreport.NewEngine(src, convreport.WithLimits(convreport.Limits{MaxGroups: k + 1}))
				}
				res, err := eng.Run(ctx, q, lr)
				if err != nil {
					t.Fatal(err)
				}
				got := res[0]
				name := fmt.Sprintf("%s sorted %s, %d kept (by Limit: %v)", r.Measure.Key(), r.Sort, k, byLimit)
				if len(got.Points) != k+1 || got.Folded != n-k {
					t.Fatalf("%s: %d points, %d folded; want %d and %d", name, len(got.Points), got.Folded, k+1, n-k)
				}
				for i, p := range got.Points[:k] {
					w := want[i]
					if !slices.Equal(p.Dimensions, w.Dimensions) || p.Count != w.Count || p.Value.Valid != w.Value.Valid || !p.Value.Decimal.Equal(w.Value.Decimal) {
						t.Fatalf("%s: point %d is %v %d %v, want %v %d %v", name, i, p.Dimensions, p.Count, p.Value, w.Dimensions, w.Count, w.Value)
					}
				}
				var rest int64
				for _, p := range want[k:] {
					rest += p.Count
				}
				if o := got.Points[k]; !o.Other || o.Count != rest {
					t.Fatalf("%s: last point %+v, want Other of %d", name, o, rest)
				}
			}
		}
	}
}

// manyGroups is the source of TestLimitedReportKeepsTheFirstGroups and
// TestLimitedSeriesKeepTheFirst: 400 groups by contact and assignee, of 1
// to 4 conversations each over about three days, every fifth with no
// response.
func manyGroups(t *testing.T) (*memory.Source, int, time.Time) {
	rng := rand.New(rand.NewPCG(3, 4))
	start := time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)
	var cs []convreport.Conversation
	const groups = 400
	for i := range groups {
		for k := range 1 + rng.IntN(4) {
			c := convreport.Conversation{
				ID: fmt.Sprintf("c%d-%d", i, k), Channel: convreport.Chat,
				Assignee:  []string{"ann", "bob", ""}[i%3],
				ContactID: fmt.Sprintf("contact-%03d", i/3),
				CreatedAt: start.Add(time.Duration(i*10+k) * time.Minute),
			}
			if i%5 != 0 { // every fifth group has no response
				c.FirstResponseAt = c.CreatedAt.Add(time.Duration(1+rng.IntN(3)) * time.Minute)
			}
			cs = append(cs, c)
		}
	}
	src, err := memory.New(cs)
	if err != nil {
		t.Fatal(err)
	}
	return src, groups, start
}

// TestLimitedSeriesKeepTheFirst runs reports by contact and assignee by
// day that keep k series apart from Other, and holds them to the same
// report unlimited: the series kept are the k with the most
// conversations, ties by label (most series have one to four), each with
// its points as they were; the Other series holds the rest, bucket by
// bucket.
func TestLimitedSeriesKeepTheFirst(t *testing.T) {
	src, _, start := manyGroups(t)
	q := convreport.Query{From: start, To: start.AddDate(0, 0, 7)}
	ctx := context.Background()
	eng := convreport.NewEngine(src)
	r := convreport.Report{Name: "by contact by day", Dimensions: []string{"ContactID", "Assignee"}, Bucket: convreport.Day}
	whole, err := eng.Run(ctx, q, r)
	if err != nil {
		t.Fatal(err)
	}
	type series struct {
		dims  []convreport.DimensionValue
		total int64
	}
	key := func(ds []convreport.DimensionValue) string { return fmt.Sprint(ds) }
	byKey := map[string]*series{}
	counts := map[string]int64{}               // series and bucket → count
	buckets := map[string][]convreport.Point{} // series → its points
	var all []*series
	for _, p := range whole[0].Points {
		k := key(p.Dimensions)
		if byKey[k] == nil {
			byKey[k] = &series{dims: p.Dimensions}
			all = append(all, byKey[k])
		}
		byKey[k].total += p.Count
		counts[k+p.Bucket.String()] = p.Count
		buckets[k] = append(buckets[k], p)
	}
	slices.SortFunc(all, func(a, b *series) int {
		if a.total != b.total {
			return int(b.total - a.total)
		}
		return byLabel(a.dims, b.dims)
	})
	for _, k := range []int{1, 3, 20, 100, len(all) - 1} {
		lr := r
		lr.Limit = k
		res, err := eng.Run(ctx, q, lr)
		if err != nil {
			t.Fatal(err)
		}
		got := res[0]
		if got.Folded != len(all)-k {
			t.Fatalf("Limit %d: %d series folded, want %d", k, got.Folded, len(all)-k)
		}
		kept := map[string]bool{}
		for _, s := range all[:k] {
			kept[key(s.dims)] = true
		}
		seen := map[string]bool{}
		other := map[string]int64{} // bucket → count
		for _, p := range got.Points {
			if p.Other {
				other[p.Bucket.String()] = p.Count
				continue
			}
			k2 := key(p.Dimensions)
			if !kept[k2] {
				t.Fatalf("Limit %d: series %s kept, not among the first %d", k, k2, k)
			}
			seen[k2] = true
			if want := counts[k2+p.Bucket.String()]; p.Count != want {
				t.Fatalf("Limit %d: series %s on %s counts %d, want %d", k, k2, p.Bucket, p.Count, want)
			}
		}
		if len(seen) != k {
			t.Fatalf("Limit %d: %d series kept", k, len(seen))
		}
		wantOther := map[string]int64{}
		for _, s := range all[k:] {
			for _, p := range buckets[key(s.dims)] {
				wantOther[p.Bucket.String()] += p.Count
			}
		}
		for b, n := range wantOther {
			if other[b] != n {
				t.Fatalf("Limit %d: Other on %s counts %d, want %d", k, b, other[b], n)
			}
		}
	}
}

// byLabel orders dimension values as a report's labels: dimension by
// dimension, a value before none.
func byLabel(a, b []convreport.DimensionValue) int {
	for j := range a {
		x, y := a[j], b[j]
		if x.Known != y.Known {
			if x.Known {
				return -1
			}
			return 1
		}
		if c := strings.Compare(x.Value, y.Value); c != 0 {
			return c
		}
	}
	return 0
}
