package ingest

import (
	"math/big"
	"testing"
)

// A count is read exactly from its digits: whole numbers from 0 to 2^53
// however written, and nothing else, where a float64 would round
// 9007199254740993 to 2^53 and 1.0000000000000001 to 1. The reference is
// big.Rat's exact value of the literal.
func TestParseCountIsExact(t *testing.T) {
	max := new(big.Rat).SetInt64(1 << 53)
	for _, s := range []string{
		"0", "-0", "0.0", "-0.0e5", "7", "42", "3.0", "2.5", "1e3", "1E+3", "1.5e1", "15e-1", "150e-1", "0.1e1",
		"-1", "-1e0", "123456789012345", "1234567890123456", "9007199254740991", "9007199254740992",
		"9007199254740993", "9007199254740992.0", "9007199254740992.5", "90071992547409920e-1",
		"1.0000000000000001", "0.99999999999999999999", "1e15", "1e16", "1e17", "00", "007",
		"1e-1000000000000", "0e1000000000000", "1e1000000000000", "100000000000000000000e-5",
		"4503599627370496.5", "0.000000000000000000000000000000000000001e39",
	} {
		r, ok := new(big.Rat).SetString(s)
		want := ok && r.IsInt() && r.Sign() >= 0 && r.Cmp(max) <= 0
		n, got := parseCount([]byte(s))
		if got != want {
			t.Errorf("parseCount(%s): ok %v, want %v", s, got, want)
			continue
		}
		if got && big.NewRat(int64(n), 1).Cmp(r) != 0 {
			t.Errorf("parseCount(%s) = %d, want %s", s, n, r.RatString())
		}
	}
}
