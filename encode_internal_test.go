package convreport

import (
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/convreport/convreport/internal/colstore"
)

// unixNano decides IsZero without a branch, by the zero Time's second
// and nanosecond: it must agree with IsZero at and around that instant,
// in any location, with a monotonic reading or without.
func TestUnixNanoIsZero(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	zero := time.Time{}
	for _, tm := range []time.Time{
		zero, zero.In(ny), zero.Add(time.Nanosecond), zero.Add(-time.Nanosecond),
		zero.Add(time.Second), zero.Add(-time.Second), time.Unix(0, 0), time.Unix(0, 0).UTC(),
		time.Now(), time.Now().Round(0), time.Date(2025, 3, 30, 1, 30, 0, 7, ny),
	} {
		want := int64(colstore.Null)
		if !tm.IsZero() {
			want = tm.UnixNano()
		}
		require.Equal(t, want, unixNano(tm), "%v", tm)
	}
}

// A piece split in two shares its columns by cost, keeps every column
// that reads the creation times with the encoder that reads them in, and
// hands that encoder's zones and a buffer of a block's seconds to
// whichever piece has them; a piece of a checked batch (the creation
// times in already) shares its time fields like any other. A piece with
// less than two blocks left, or one share of columns, is not split.
func TestPieceSplit(t *testing.T) {
	n := 10 * encodeBlock
	created := make([]int64, n)
	field := func(kind encodeKind, off uintptr, cost int, timed bool) columnEncoder {
		return columnEncoder{field: &fieldEncoder{kind: kind, off: off}, cost: cost, timed: timed}
	}
	custom := func(cost int, timed bool) columnEncoder {
		return columnEncoder{rows: func(lo, hi int) {}, cost: cost, timed: timed}
	}
	type col struct {
		off   uintptr // a field's, or 1000 + a custom column's cost
		timed bool
	}
	cols := func(p *piece) (all []col, cost int) {
		for i, f := range p.fs {
			require.Equal(t, f.off, p.encs[i].field.off, "fs and encs index for index")
			all = append(all, col{f.off, p.encs[i].timed})
			cost += p.encs[i].cost
		}
		for _, e := range p.rest {
			all = append(all, col{1000 + uintptr(e.cost), e.timed})
			cost += e.cost
		}
		return all, cost
	}
	for _, unchecked := range []bool{true, false} {
		group := []columnEncoder{
			field(encodeCodes, 16, 4, false), field(encodeCodes, 32, 4, false), field(encodeID, 0, 10, false),
			field(encodeTime, 96, 3, true), field(encodeTime, 120, 3, true), field(encodeCount, 200, 3, false),
			custom(6, true), custom(4, false),
		}
		if unchecked {
			group = append(group, field(encodeCreated, 72, 4, true))
		}
		p := newPiece(group, created)
		whole, total := cols(p)
		require.Equal(t, int64(total), p.cost.Load())
		require.Nil(t, p.split(n-2*encodeBlock+1, n, created), "less than two blocks left")
		q := p.split(3*encodeBlock, n, created)
		require.NotNil(t, q)
		require.Equal(t, 3*encodeBlock, q.lo)
		require.Equal(t, int64(q.lo), q.next.Load())
		kept, keptCost := cols(p)
		given, givenCost := cols(q)
		require.ElementsMatch(t, whole, slices.Concat(kept, given), "every column in one piece or the other")
		require.NotEmpty(t, kept)
		require.NotEmpty(t, given)
		require.Equal(t, int64(keptCost), p.cost.Load())
		require.Equal(t, int64(givenCost), q.cost.Load())
		// Taken costliest first, each to the lighter half: the halves
		// differ by the costliest share at most, the timed columns
		// together where the creation times are read.
		costliest := 0
		timedCost := 0
		for _, e := range group {
			if unchecked && e.timed {
				timedCost += e.cost
			} else {
				costliest = max(costliest, e.cost)
			}
		}
		costliest = max(costliest, timedCost)
		require.LessOrEqual(t, max(keptCost-givenCost, givenCost-keptCost), costliest, "halves by cost")
		for _, pc := range []*piece{p, q} {
			require.Equal(t, hasKind(pc.fs, encodeTime), pc.secs != nil, "a block's seconds where there are times")
		}
		if !unchecked {
			require.Nil(t, p.created)
			require.Nil(t, q.created)
			continue
		}
		// The piece that reads the creation times has every timed column,
		// and their zones.
		with, without := p, q
		if p.created == nil {
			with, without = q, p
		}
		require.NotNil(t, with.created)
		require.Nil(t, without.created)
		withCols, _ := cols(with)
		for _, c := range whole {
			if c.timed {
				require.Contains(t, withCols, c)
			}
		}
		require.True(t, slices.ContainsFunc(with.fs, func(f fieldEncoder) bool { return f.kind == encodeCreated }))
	}
	one := newPiece([]columnEncoder{field(encodeCreated, 72, 4, true), field(encodeTime, 96, 3, true)}, created)
	require.Nil(t, one.split(0, n, created), "one share of columns")
}
