package exec

import "testing"

// A plan's series are counted once over every worker, by their slots
// with a counted row: a series in several buckets, or met by two
// workers, is one; a slot of excluded rows only is none.
func TestSeriesBoundCountsEachSeriesOnce(t *testing.T) {
	l, err := LayoutOf([]uint64{10_000}, 50) // 10 000 values, 50 buckets: sparse
	if err != nil {
		t.Fatal(err)
	}
	key := func(series, bucket uint64) uint64 { return series + bucket*l.StrideB }
	b := &seriesBound{stop: 4}
	g1, g2 := NewGroups(l.Keys()), NewGroups(l.Keys())
	if g1.Dense {
		t.Fatal("want sparse groups")
	}
	var w1, w2 seriesMet
	add := func(g *Groups, k uint64, counted bool) {
		s := g.Slot(k)
		if counted {
			g.Count[s]++
		} else {
			g.Excluded[s]++
		}
	}
	// Worker 1: series 1 in two buckets, series 2 excluded only.
	add(g1, key(1, 0), true)
	add(g1, key(1, 7), true)
	add(g1, key(2, 3), false)
	if n, over := b.meet(g1, l, &w1); over || n != 0 || b.seen.n != 1 {
		t.Fatalf("after worker 1: %d series met, over %v", b.seen.n, over)
	}
	// Worker 2: series 1 again, and 3.
	add(g2, key(1, 9), true)
	add(g2, key(3, 9), true)
	if _, over := b.meet(g2, l, &w2); over || b.seen.n != 2 {
		t.Fatalf("after worker 2: %d series met, over %v", b.seen.n, over)
	}
	// Nothing new: nothing looked at again.
	if _, over := b.meet(g2, l, &w2); over || b.seen.n != 2 || w2.checked != 2 {
		t.Fatalf("again: %d series met, %d slots checked", b.seen.n, w2.checked)
	}
	// Worker 1 meets series 4, worker 2 series 5: the fourth series
	// reaches the bound.
	add(g1, key(4, 1), true)
	if _, over := b.meet(g1, l, &w1); over || b.seen.n != 3 {
		t.Fatalf("three series: %d met, over %v", b.seen.n, over)
	}
	add(g2, key(5, 1), true)
	n, over := b.meet(g2, l, &w2)
	if !over || n != 4 {
		t.Fatalf("four series: %d met, over %v", n, over)
	}
}
