package bench

import (
	"math/big"
	"math/bits"

	"github.com/shopspring/decimal"
)

// Sum is an exact signed 128-bit sum of int64 values (nanoseconds): a
// billion durations of a century each cannot overflow it.
type Sum struct {
	Hi int64
	Lo uint64
}

// Add adds v.
func (s *Sum) Add(v int64) {
	var c uint64
	s.Lo, c = bits.Add64(s.Lo, uint64(v), 0)
	s.Hi += v>>63 + int64(c)
}

// Big returns the sum as a big.Int.
func (s Sum) Big() *big.Int {
	b := big.NewInt(s.Hi)
	b.Lsh(b, 64)
	return b.Add(b, new(big.Int).SetUint64(s.Lo))
}

var (
	big1e6 = big.NewInt(1e6)
	big1e9 = big.NewInt(1e9)
)

// AvgMillis is the average of n durations summing to total nanoseconds, in
// seconds rounded half away from zero to milliseconds, as the engine
// rounds. n must be positive.
func AvgMillis(total *big.Int, n int64) decimal.Decimal {
	den := new(big.Int).Mul(big.NewInt(n), big1e6)
	q, r := new(big.Int).QuoRem(total, den, new(big.Int))
	r.Abs(r).Lsh(r, 1)
	if r.Cmp(den) >= 0 {
		if total.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	return decimal.NewFromBigInt(q, -3)
}

// SplitTotal returns sec×1e9 + ns: a sum computed as whole seconds and
// remainders apart (how the SQL baselines sum without overflow).
func SplitTotal(sec, ns int64) *big.Int {
	t := new(big.Int).Mul(big.NewInt(sec), big1e9)
	return t.Add(t, big.NewInt(ns))
}
