package colstore

import (
	"cmp"
	"fmt"
	"hash/maphash"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestMergeMatchesReference merges segments that follow one another in
// time, overlap, interleave row by row or tie on creation times, with dead
// rows, and columns held alike or not (codes of each width, offsets in
// one unit or two, times as they are, numbers as codes or floats). Every
// merged row is held to a reference: the live rows sorted by creation
// time and ID, each value read from its segment.
func TestMergeMatchesReference(t *testing.T) {
	kinds := []Kind{Ints, Strings, Bools, Ints, Floats}
	const created, str, boolean, when, num = 0, 1, 2, 3, 4
	rng := rand.New(rand.NewPCG(5, 6))
	for trial := range 150 {
		nsegs := 1 + rng.IntN(4)
		layout := rng.IntN(4) // 0 in turn, 1 overlapping, 2 interleaved, 3 one time
		var segs []*Segment
		var dead []*tombs
		id := 0
		for si := range nsegs {
			n := 1 + rng.IntN(3000)
			seg := NewSegment(n, len(kinds))
			seg.Created = make([]int64, n)
			ids := NewStrs(n, 0)
			for r := range n {
				var c int64
				switch layout {
				case 0:
					c = int64(si*10_000 + r)
				case 1:
					c = int64(si*1_000 + r)
				case 2:
					c = int64(r*nsegs + si)
				default:
					c = 7
				}
				seg.Created[r] = c * 1e9
				if layout == 3 {
					// Ties on creation time go by ID, here from segment
					// to segment.
					ids.Add(fmt.Sprintf("c-%06d", r*nsegs+si))
				} else {
					ids.Add(fmt.Sprintf("c-%06d", id))
				}
				id++
			}
			seg.IDs = ids
			seg.Cols[created].Ints = seg.Created
			// Codes at a width of the segment's own.
			top := []uint32{200, 60_000, 1 << 20}[rng.IntN(3)]
			codes := make([]uint32, n)
			for r := range codes {
				codes[r] = uint32(rng.Int64N(int64(top)))
			}
			seg.Cols[str].Codes = Narrow(codes)
			bools := make([]uint32, n)
			for r := range bools {
				bools[r] = uint32(rng.IntN(3))
			}
			seg.Cols[boolean].Codes = Narrow(bools)
			// Times after creation in whole seconds, or milliseconds, or
			// some before it (kept as they are).
			vals := make([]int64, n)
			form := rng.IntN(3)
			for r := range vals {
				switch {
				case rng.IntN(5) == 0:
					vals[r] = Null
				case form == 0:
					vals[r] = seg.Created[r] + rng.Int64N(1e5)*1e9
				case form == 1:
					vals[r] = seg.Created[r] + rng.Int64N(1e8)*1e6
				default:
					vals[r] = seg.Created[r] - rng.Int64N(1e9)
				}
			}
			seg.Cols[when] = Times(vals, seg.Created)
			fs := make([]float64, n)
			for r := range fs {
				fs[r] = float64(rng.IntN(1000))
				if rng.IntN(7) == 0 {
					fs[r] = math.NaN()
				}
				if si == 1 && r == 0 && rng.IntN(2) == 0 {
					fs[r] = 0.5 // floats, not codes
				}
			}
			seg.Cols[num] = Numbers(fs)
			seg.Seal()
			if !seg.IndexNumbered() {
				seg.IndexIDs(maphash.MakeSeed())
			}
			segs = append(segs, seg)
			var d *tombs
			if rng.IntN(2) == 0 {
				d = &tombs{groups: make([][]*Mask, (n+ChunkRows*tombGroup-1)/(ChunkRows*tombGroup))}
				for range rng.IntN(n/2 + 1) {
					markDead(d, rng.IntN(n))
				}
			}
			dead = append(dead, d)
		}
		// The reference: live rows by creation time, then ID.
		type ref struct{ s, r int }
		var want []ref
		for si, seg := range segs {
			for r := range seg.N {
				if !dead[si].has(r) {
					want = append(want, ref{si, r})
				}
			}
		}
		slices.SortFunc(want, func(a, b ref) int {
			if c := cmp.Compare(segs[a.s].Created[a.r], segs[b.s].Created[b.r]); c != 0 {
				return c
			}
			return cmp.Compare(segs[a.s].IDs.At(a.r), segs[b.s].IDs.At(b.r))
		})
		tab := New(kinds, created)
		out := tab.merge(segs, dead)
		name := fmt.Sprintf("trial %d (layout %d, %d segments)", trial, layout, nsegs)
		require.Equal(t, len(want), out.N, name)
		for i, w := range want {
			s := segs[w.s]
			g, v := out.Cols[num].Number(i), s.Cols[num].Number(w.r)
			if s.IDs.At(w.r) != out.IDs.At(i) || s.Created[w.r] != out.Created[i] ||
				s.Cols[str].Codes.At(w.r) != out.Cols[str].Codes.At(i) ||
				s.Cols[boolean].Codes.At(w.r) != out.Cols[boolean].Codes.At(i) ||
				s.Int(when, w.r) != out.Int(when, i) || g != v && !(math.IsNaN(g) && math.IsNaN(v)) {
				t.Fatalf("%s: row %d is not row %d of segment %d", name, i, w.r, w.s)
			}
		}
	}
}

// markDead marks row r of d dead, as a test builds tombs by hand.
func markDead(d *tombs, r int) {
	c := r / ChunkRows
	if d.groups[c/tombGroup] == nil {
		d.groups[c/tombGroup] = make([]*Mask, tombGroup)
	}
	g := d.groups[c/tombGroup]
	if g[c%tombGroup] == nil {
		g[c%tombGroup] = new(Mask)
	}
	g[c%tombGroup][(r%ChunkRows)/64] |= 1 << (r % 64)
}
