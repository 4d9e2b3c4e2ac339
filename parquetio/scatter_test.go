package parquetio

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/convreport/convreport/internal/tables"
)

// TestScatterAndSpread hold the branchless page stores to a plain loop
// over random pages: rows with and without a value, all of one or the
// other, a required column (no definition levels), and pages whose values
// do not match their rows.
func TestScatterAndSpread(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const maxDef = 1
	entries := []uint32{5, 6, 7, 8}
	for round := range 300 {
		n := rng.IntN(200)
		var defs []byte
		if round%10 != 0 {
			defs = make([]byte, n)
			share := rng.Float64()
			if round%10 == 1 {
				share = 0
			}
			for j := range defs {
				if rng.Float64() < share {
					defs[j] = maxDef
				}
			}
		}
		// The reference: each row with a value takes the next one.
		var idx []int32
		var vals []uint32
		want := make([]uint32, n)
		for j := range n {
			if defs != nil && defs[j] != maxDef {
				want[j] = 99
				continue
			}
			x := int32(rng.IntN(len(entries)))
			idx = append(idx, x)
			vals = append(vals, entries[x])
			want[j] = entries[x]
		}
		got := make([]uint32, n)
		require.NoError(t, scatter(got, defs, maxDef, idx, entries, 99))
		require.Equal(t, want, got, "scatter, round %d", round)
		got = make([]uint32, n)
		require.NoError(t, spread(got, defs, maxDef, vals, 99))
		require.Equal(t, want, got, "spread, round %d", round)

		// One value too many, one too few, an index outside the entries.
		require.ErrorIs(t, scatter(got, defs, maxDef, append(idx, 0), entries, 99), tables.ErrNotClean)
		require.ErrorIs(t, spread(got, defs, maxDef, append(vals, 0), 99), tables.ErrNotClean)
		if len(idx) > 0 {
			require.ErrorIs(t, scatter(got, defs, maxDef, idx[1:], entries, 99), tables.ErrNotClean)
			require.ErrorIs(t, spread(got, defs, maxDef, vals[1:], 99), tables.ErrNotClean)
			bad := append([]int32(nil), idx...)
			bad[rng.IntN(len(bad))] = int32(len(entries))
			require.ErrorIs(t, scatter(got, defs, maxDef, bad, entries, 99), tables.ErrNotClean)
			bad[0] = -1
			require.ErrorIs(t, scatter(got, defs, maxDef, bad, entries, 99), tables.ErrNotClean)
		}
	}
}

// TestAllAre holds the word-at-a-time test of definition levels to a
// byte loop, at every length around the word and a byte out anywhere.
func TestAllAre(t *testing.T) {
	for n := range 40 {
		bs := make([]byte, n)
		for i := range bs {
			bs[i] = 1
		}
		require.True(t, allAre(bs, 1), "n=%d", n)
		require.Equal(t, n == 0, allAre(bs, 0), "n=%d", n)
		for i := range bs {
			bs[i] = 0
			require.False(t, allAre(bs, 1), "n=%d, byte %d", n, i)
			require.False(t, defined(bs, 1), "n=%d, byte %d", n, i)
			require.Equal(t, n == 1, undefined(bs, 1), "n=%d, byte %d", n, i)
			bs[i] = 1
		}
	}
}
