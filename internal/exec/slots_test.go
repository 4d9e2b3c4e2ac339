package exec

import (
	"math/rand/v2"
	"testing"
)

// TestSlotTable holds slotTable to a map: keys added in random order
// (zero among them, and keys alike in their low or high bits, which a
// weak hash would pile into one place), each found with its slot and
// every key never added not found, at every size the table grows
// through; and a clone keeps its keys when the original gains more.
func TestSlotTable(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, keyOf := range []func(i int) uint64{
		func(i int) uint64 { return uint64(i) },                     // 0, 1, 2, …
		func(i int) uint64 { return uint64(i) << 40 },               // differ in high bits
		func(i int) uint64 { return uint64(i) * 1024 },              // a stride
		func(i int) uint64 { return rng.Uint64() },                  // anything
		func(i int) uint64 { return uint64(i%7)*1e9 + uint64(i/7) }, // two dimensions
	} {
		var tab slotTable
		want := map[uint64]int{}
		var keys []uint64
		for len(keys) < 20_000 {
			k := keyOf(len(want))
			if _, ok := want[k]; ok {
				continue
			}
			if got := tab.find(k); got != -1 {
				t.Fatalf("key %d found at slot %d before it was added", k, got)
			}
			want[k] = len(keys)
			tab.add(k, len(keys))
			keys = append(keys, k)
			if n := len(keys); n&(n-1) == 0 || n%997 == 0 {
				for _, k := range keys {
					if got := tab.find(k); got != want[k] {
						t.Fatalf("after %d keys: key %d at slot %d, want %d", n, k, got, want[k])
					}
				}
				if 2*tab.n > len(tab.entries) {
					t.Fatalf("after %d keys: %d entries hold %d keys, more than half", n, len(tab.entries), tab.n)
				}
			}
		}
		c := tab.clone()
		var later []uint64 // keys added to the original after the clone
		for i := range 1000 {
			if k := uint64(1)<<63 + uint64(i); tab.find(k) == -1 {
				tab.add(k, len(keys)+i)
				later = append(later, k)
			}
		}
		for i, k := range keys {
			if got := c.find(k); got != i {
				t.Fatalf("clone: key %d at slot %d, want %d", k, got, i)
			}
		}
		for _, k := range later {
			if got := c.find(k); got != -1 {
				t.Fatalf("clone finds key %d, added to the original after it, at slot %d", k, got)
			}
		}
	}
}

// TestSparseGroups counts rows of random keys in two sparse Groups, as
// two workers would, merges them, and holds every group's count and key
// to a map: slots gained one at a time keep what they hold as the
// arrays grow.
func TestSparseGroups(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	want := map[uint64]int64{}
	var gs [2]*Groups
	for w := range gs {
		gs[w] = NewGroups(1 << 40)
		if gs[w].Dense {
			t.Fatal("a key space of 2^40 keys is dense")
		}
		for range 50_000 {
			k := rng.Uint64N(30_000) * 7919
			gs[w].Count[gs[w].Slot(k)]++
			want[k]++
		}
	}
	gs[0].Merge(gs[1])
	g := gs[0]
	if len(g.Keys) != len(want) {
		t.Fatalf("%d groups, want %d", len(g.Keys), len(want))
	}
	for s, k := range g.Keys {
		if g.Count[s] != want[k] {
			t.Fatalf("key %d: count %d, want %d", k, g.Count[s], want[k])
		}
		if got := g.Slot(k); got != s {
			t.Fatalf("key %d: slot %d, want %d", k, got, s)
		}
	}
}
