package colstore

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// idSegment returns a build function for a segment of the given IDs, in
// creation order from created on, found through their hashes.
func idSegment(ids []string, created int64) func(*Dicts) *Segment {
	return segmentOf(ids, created, false)
}

// numberedSegment is idSegment for rising numbered IDs, found by number.
func numberedSegment(ids []string, created int64) func(*Dicts) *Segment {
	return segmentOf(ids, created, true)
}

func segmentOf(ids []string, created int64, numbered bool) func(*Dicts) *Segment {
	return func(d *Dicts) *Segment {
		n := len(ids)
		seg := NewSegment(n, 1)
		seg.Created = make([]int64, n)
		b := NewStrs(n, 0)
		for r, id := range ids {
			b.Add(id)
			seg.Created[r] = created + int64(r)
		}
		seg.Cols[0].Ints = seg.Created
		seg.IDs = b
		seg.Seal()
		if !numbered {
			seg.IndexIDs(d.Seed())
		} else if !seg.IndexNumbered() {
			panic("the IDs do not rise")
		}
		return seg
	}
}

// Present finds exactly the IDs that live rows hold, across segments,
// leaving out rows killed since, whether it probes the segments or merges
// the hashes of the batches that made them; a reference set says which
// those are.
func TestPresentMatchesReference(t *testing.T) {
	for _, numbered := range []bool{false, true} {
		t.Run(fmt.Sprintf("numbered %v", numbered), func(t *testing.T) { presentMatchesReference(t, numbered) })
	}
}

// presentMatchesReference is TestPresentMatchesReference, its batches
// found by the hashes of their IDs or by their numbers.
func presentMatchesReference(t *testing.T, numbered bool) {
	defer func(m int) { mergedRows = m }(mergedRows)
	mergedRows = 30_000 // several segments, as a large load leaves
	rng := rand.New(rand.NewPCG(5, 6))
	tab := New([]Kind{Ints}, 0)
	live := map[string]bool{}
	next := 0
	var earlier [][]uint32 // each batch's hashes, as a load keeps them
	for batch := range 6 {
		n := 20_000 + rng.IntN(40_000)
		ids := make([]string, n)
		for i := range ids {
			ids[i] = fmt.Sprintf("c%07d", next+i)
			live[ids[i]] = true
		}
		var kill []string
		for range 2000 * batch {
			id := fmt.Sprintf("c%07d", rng.IntN(next+1))
			if live[id] {
				kill = append(kill, id)
				delete(live, id)
			}
		}
		earlier = append(earlier, tab.HashIDs(n, func(i int) string { return ids[i] }, nil).Hashes())
		tab = tab.Change(kill, segmentOf(ids, int64(next), numbered))
		next += n
	}
	require.Greater(t, len(tab.Segments()), 1, "the test needs several segments")
	asked := make([]string, 100_000)
	for i := range asked {
		asked[i] = fmt.Sprintf("c%07d", rng.IntN(next+next/10)) // a tenth never added
	}
	var want []int
	for i, id := range asked {
		if live[id] {
			want = append(want, i)
		}
	}
	got := tab.Present(len(asked), func(i int) string { return asked[i] })
	require.Equal(t, want, got)
	// Merging the hashes of the batches finds the same.
	at := func(i int) string { return asked[i] }
	require.Equal(t, want, tab.PresentAmong(earlier, tab.HashIDs(len(asked), at, nil), at))
	// A batch too small to sort is probed ID by ID, with the same answer.
	small := asked[:3000]
	got = tab.Present(len(small), func(i int) string { return small[i] })
	var wantSmall []int
	for _, i := range want {
		if i < len(small) {
			wantSmall = append(wantSmall, i)
		}
	}
	require.Equal(t, wantSmall, got)
	require.Empty(t, New([]Kind{Ints}, 0).Present(3, func(int) string { return "c0000001" }))
}

// Segments merge while they are small, but never into one of more than
// mergedRows rows: a load of equal batches keeps them as they are.
func TestMergesStopAtMergedRows(t *testing.T) {
	defer func(m int) { mergedRows = m }(mergedRows)
	mergedRows = 1000
	tab := New([]Kind{Ints}, 0)
	next := 0
	for _, n := range []int{100, 100, 100, 600, 600, 600, 50} {
		ids := make([]string, n)
		for i := range ids {
			ids[i] = fmt.Sprintf("c%05d", next+i)
		}
		tab = tab.Change(nil, idSegment(ids, int64(next)))
		next += n
	}
	var sizes []int
	for _, s := range tab.Segments() {
		sizes = append(sizes, s.N)
	}
	// 100+100 merge, then +100; 300+600 merge (900); 600 and 600 would
	// pass the cap; 50 is under half of 600.
	require.Equal(t, []int{900, 600, 600, 50}, sizes)
	rows := 0
	for range tab.Rows() {
		rows++
	}
	require.Equal(t, next, rows)
}

// Rows killed by later changes stay live in earlier snapshots, and each
// snapshot's dead rows are exactly those killed up to it: a segment of
// 200,000 rows spans four groups of tombs, and the kills of each change
// fall in some groups, some chunks and some rows already dead in others.
// IsDead and LiveInto are held to a reference set for every row of every
// snapshot, after all the changes.
func TestKillsLeaveEarlierSnapshotsAlone(t *testing.T) {
	const n = 200_000
	require.Greater(t, n, 3*tombGroup*ChunkRows)
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("k%07d", i)
	}
	tab := New([]Kind{Ints}, 0).Change(nil, idSegment(ids, 0))
	rng := rand.New(rand.NewPCG(9, 10))
	dead := map[int]bool{}
	type snap struct {
		t    *Table
		dead map[int]bool
	}
	snaps := []snap{{tab, map[int]bool{}}}
	for change := range 12 {
		var kill []string
		// A few rows, then a run within one chunk, then one in another
		// group: copies of a group and of a chunk alike.
		for range 1 + rng.IntN(40) {
			kill = append(kill, ids[rng.IntN(n)])
		}
		at := rng.IntN(n - 64)
		for r := at; r < at+1+rng.IntN(64); r++ {
			kill = append(kill, ids[r])
		}
		if change%3 == 0 {
			kill = append(kill, ids[(change*tombGroup*ChunkRows+5)%n])
		}
		for _, id := range kill {
			var r int
			fmt.Sscanf(id, "k%07d", &r)
			dead[r] = true
		}
		tab = tab.Change(kill, func(*Dicts) *Segment { return nil })
		snaps = append(snaps, snap{tab, maps.Clone(dead)})
	}
	require.Len(t, tab.Segments(), 1, "the kills must not rewrite the segment")
	for i, sn := range snaps {
		require.Equal(t, n-len(sn.dead), sn.t.Len(), "snapshot %d", i)
		for base := 0; base < n; base += ChunkRows {
			rows := min(ChunkRows, n-base)
			var live Mask
			sn.t.LiveInto(&live, 0, base, rows)
			// Plain compares: testify's, for each of 2.6 million rows and
			// both answers, cost most of the test.
			for r := base; r < base+rows; r++ {
				want := !sn.dead[r]
				if dead := sn.t.IsDead(0, r); dead != !want {
					t.Fatalf("snapshot %d, row %d: IsDead %v, want %v", i, r, dead, !want)
				}
				if got := live[(r-base)/64]&(1<<(r%64)) != 0; got != want {
					t.Fatalf("snapshot %d, row %d: live in LiveInto %v, want %v", i, r, got, want)
				}
			}
		}
	}
}
