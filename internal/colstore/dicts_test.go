package colstore

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

// The dictionary index finds every value it was given, across its growth
// and across snapshots, and no value it was not; a snapshot does not see
// codes a later change added.
func TestDictionaryIndex(t *testing.T) {
	tab := New([]Kind{Strings, Ints}, 1)
	var snaps []*Table
	next := 0
	for batch := range 5 {
		n := 1 << (batch + 8) // 256 … 4096 rows, several growths of the index
		tab = tab.Change(nil, func(d *Dicts) *Segment {
			seg := NewSegment(n, 2)
			seg.Created = make([]int64, n)
			codes := make([]uint32, n)
			b := NewIDBuilder(n, 0)
			for r := range n {
				// Each value twice, so half the lookups find one made
				// earlier in the batch.
				codes[r] = d.Code(0, fmt.Sprintf("v%d", next+r/2))
				b.Add(fmt.Sprintf("id%d", next+r))
				seg.Created[r] = int64(next + r)
			}
			next += n
			seg.Cols[0].Codes = Narrow(codes)
			seg.Cols[1].Ints = seg.Created
			seg.IDs = b.Done()
			seg.Seal()
			seg.IndexIDs(d.Seed())
			return seg
		})
		snaps = append(snaps, tab)
	}
	dict := tab.Dict(0)
	require.Equal(t, "", dict[0])
	for code, v := range dict[1:] {
		k, ok := tab.Lookup(0, v)
		require.True(t, ok, v)
		require.Equal(t, uint32(code+1), k, v)
	}
	for _, v := range []string{"", "v-1", "nope", "v99999"} {
		_, ok := tab.Lookup(0, v)
		require.False(t, ok, v)
	}
	// The first snapshot knows its own values and not the later ones.
	first := snaps[0]
	_, ok := first.Lookup(0, "v0")
	require.True(t, ok)
	_, ok = first.Lookup(0, dict[len(dict)-1])
	require.False(t, ok)
	// Rows read back their values through the codes: row r of a batch
	// holds the value made for r/2.
	rows := 0
	for seg, r := range tab.Rows() {
		v := dict[seg.Cols[0].Codes.At(r)]
		require.NotEmpty(t, v)
		rows++
	}
	require.Equal(t, next, rows)
	require.Equal(t, next/2+1, len(dict))
}
