package colstore

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// smallSortSizes are batch sizes below smallSort, where the sorts compare
// instead of taking their radix passes.
var smallSortSizes = []int{0, 1, 2, 3, 31, 32, 33, 100, smallSort - 1}

// TestSmallSortsAgreeWithRadix holds each sort's comparison path, taken
// below smallSort keys, to the order of its radix path on the same keys:
// random keys, some drawn from a few values so that ties are many.
func TestSmallSortsAgreeWithRadix(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, n := range smallSortSizes {
		for _, distinct := range []uint32{3, 1 << 30} {
			keys := make([]uint32, n)
			for i := range keys {
				keys[i] = rng.Uint32N(distinct) << 2 // ties in the low bits too
			}
			wantK, wantR := sortedByKeyRadix(slices.Clone(keys), nil)
			gotK, gotR := SortedByKey(slices.Clone(keys), nil)
			require.Equal(t, wantK, gotK, "SortedByKey keys, n=%d", n)
			require.Equal(t, wantR, gotR, "SortedByKey rows, n=%d", n)
			for i := 1; i < n; i++ { // and the order is right, not only alike
				require.True(t, gotK[i-1] < gotK[i] || gotK[i-1] == gotK[i] && gotR[i-1] < gotR[i])
			}

			for passes := 1; passes <= 3; passes++ {
				recs := make([]codeRec, n)
				for i := range recs {
					h := rng.Uint64()
					if distinct == 3 {
						h = uint64(rng.IntN(3)) << 62 // the sorted bits tie often
					}
					recs[i] = codeRec{h: h, row: int32(i), n: uint32(i)}
				}
				want := sortCodeRecsRadix(slices.Clone(recs), make([]codeRec, n), passes)
				got := sortCodeRecs(slices.Clone(recs), make([]codeRec, n), passes)
				require.Equal(t, want, got, "sortCodeRecs, n=%d passes=%d", n, passes)
			}

			for _, bits := range []int{0, 5, 11, 22, 30} {
				nums := make([]uint64, n)
				for i := range nums {
					v := uint64(0)
					if bits > 0 {
						v = rng.Uint64N(min(uint64(distinct), 1<<bits))
					}
					nums[i] = v<<32 | uint64(i)
				}
				want := sortByNumberRadix(slices.Clone(nums), make([]uint64, n), bits)
				got := sortByNumber(slices.Clone(nums), make([]uint64, n), bits)
				require.Equal(t, want, got, "sortByNumber, n=%d bits=%d", n, bits)
			}
		}
	}
}
