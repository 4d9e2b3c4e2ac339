package exec

import (
	"math/rand/v2"
	"testing"

	"github.com/convreport/convreport/internal/colstore"
)

// TestSpanAndOnesIn holds span and onesIn to loops over single bits, on
// masks sparse, dense, empty and full, over every range of a few
// chunk lengths.
func TestSpanAndOnesIn(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	bit := func(m *colstore.Mask, i int) bool { return m[i/64]>>(i%64)&1 == 1 }
	for trial := range 200 {
		n := []int{1, 63, 64, 65, 130, colstore.ChunkRows}[trial%6]
		words := (n + 63) / 64
		var m colstore.Mask
		for w := range words {
			switch rng.IntN(4) {
			case 0:
			case 1:
				m[w] = rng.Uint64() & rng.Uint64() & rng.Uint64()
			case 2:
				m[w] = rng.Uint64()
			default:
				m[w] = ^uint64(0)
			}
		}
		if n%64 != 0 {
			m[words-1] &= 1<<(n%64) - 1
		}
		wantLo, wantHi := 0, 0
		for i := range n {
			if bit(&m, i) {
				if wantHi == 0 {
					wantLo = i
				}
				wantHi = i + 1
			}
		}
		if lo, hi := span(&m, words); lo != wantLo || hi != wantHi {
			t.Fatalf("trial %d: span = [%d, %d), want [%d, %d)", trial, lo, hi, wantLo, wantHi)
		}
		for i := 0; i <= n; i++ {
			want := 0
			for j := i; j <= n; j++ {
				if got := onesIn(&m, i, j); got != want {
					t.Fatalf("trial %d: onesIn(%d, %d) = %d, want %d", trial, i, j, got, want)
				}
				if j < n && bit(&m, j) {
					want++
				}
			}
		}
	}
}
