package exec

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

func TestSum128AgreesWithBigInt(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 200; trial++ {
		var s Sum128
		want := new(big.Int)
		for i := 0; i < 1000; i++ {
			v := int64(rng.Uint64())
			if rng.IntN(3) == 0 {
				v = math.MaxInt64 - int64(rng.IntN(3))
			}
			s.Add(v)
			want.Add(want, big.NewInt(v))
		}
		if s.Big().Cmp(want) != 0 {
			t.Fatalf("sum %v, want %v", s.Big(), want)
		}
		back, ok := Sum128Of(want)
		if !ok || back != s {
			t.Fatalf("Sum128Of(%v) = %v, %v; want %v", want, back, ok, s)
		}
		var m Sum128
		m.AddSum(s)
		m.AddSum(s)
		if m.Big().Cmp(new(big.Int).Add(want, want)) != 0 {
			t.Fatalf("AddSum")
		}
	}
}
