package colstore

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"
)

// TestEqBitsMatchesRowByRow checks the paths of one-byte codes (the
// assembly's, where there is one, and eight at a time in Go) against a
// test of each row, on lengths that end inside a word and on masks with
// empty, sparse and full words.
func TestEqBitsMatchesRowByRow(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 63, 64, 65, 127, 128, 1000, ChunkRows} {
		for trial := range 20 {
			codes := make([]uint8, n)
			top := 1 + rng.IntN(255)
			if trial%3 == 0 {
				top = 2 // most rows match: every bit position is hit
			}
			for i := range codes {
				codes[i] = uint8(rng.IntN(top + 1))
			}
			var in Mask
			for k := range in {
				switch rng.IntN(4) {
				case 0:
				case 1: // a few rows left, as after a selective test
					in[k] = rng.Uint64() & rng.Uint64() & rng.Uint64() & rng.Uint64()
				default:
					in[k] = rng.Uint64()
				}
				if trial%2 == 0 {
					in[k] = ^uint64(0)
				}
			}
			want := uint8(rng.IntN(top + 1))
			var got Mask
			EqBits(codes, uint32(want), &in, &got)
			for r := range (n + 63) / 64 * 64 {
				exp := r < n && codes[r] == want && in[r/64]>>(r%64)&1 == 1
				if has := got[r/64]>>(r%64)&1 == 1; has != exp {
					t.Fatalf("n=%d trial %d: row %d: got %v, want %v (code %d, want %d)", n, trial, r, has, exp, codes[min(r, n-1)], want)
				}
			}
			var swar Mask
			words := eqBits8SWAR(codes, want, &in, &swar)
			if words != n/64 {
				t.Fatalf("n=%d: eqBits8SWAR did %d words, want %d", n, words, n/64)
			}
			for k := range words {
				if swar[k] != got[k] {
					t.Fatalf("n=%d trial %d: word %d: eqBits8SWAR %x, row by row %x", n, trial, k, swar[k], got[k])
				}
			}
		}
	}
}

// TestSortedByKeyIsAStableSort checks the radix sort against sorting the
// positions with the standard library, on keys with many ties and on keys
// that differ only in high bits. Every other sort reuses the buffers the
// ones before gave back, still holding their keys and rows, as a load's
// batches do; the results the test keeps must not change under it.
func TestSortedByKeyIsAStableSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	sc := new(SortScratch)
	type kept struct {
		keys, sorted []uint32
		rows         []int32
	}
	var results []kept
	for k, n := range []int{0, 1, 2, 100, 5000, 3000, 5000, 7, 300_000, 31, 33} {
		for _, spread := range []func() uint32{
			func() uint32 { return rng.Uint32() },
			func() uint32 { return uint32(rng.IntN(7)) },
			func() uint32 { return uint32(rng.IntN(4)) << 29 },
		} {
			keys := make([]uint32, n)
			for i := range keys {
				keys[i] = spread()
			}
			want := make([]int32, n)
			for i := range want {
				want[i] = int32(i)
			}
			sort.SliceStable(want, func(a, b int) bool { return keys[want[a]] < keys[want[b]] })
			var gotKeys []uint32
			var got []int32
			if k%2 == 0 {
				gotKeys, got = SortedByKey(slices.Clone(keys), nil)
			} else {
				gotKeys, got = SortedByKey(slices.Clone(keys), sc)
			}
			for i := range want {
				if got[i] != want[i] || gotKeys[i] != keys[want[i]] {
					t.Fatalf("n=%d: position %d: got row %d key %d, want row %d key %d", n, i, got[i], gotKeys[i], want[i], keys[want[i]])
				}
			}
			// The sorted keys stay the caller's, as a load keeps each
			// batch's; the rows go back, as once a segment is indexed.
			results = append(results, kept{keys: keys, sorted: gotKeys, rows: slices.Clone(got)})
			sc.Give(nil, got)
		}
	}
	for _, r := range results {
		for i, h := range r.sorted {
			if h != r.keys[r.rows[i]] {
				t.Fatalf("a later sort wrote over kept keys: position %d holds %d, want %d", i, h, r.keys[r.rows[i]])
			}
		}
	}
}

// TestFirstOfEachNamesTheFirstEqualKey checks FirstOfEach against a map of
// each key's first position, on keys that repeat two and three times.
func TestFirstOfEachNamesTheFirstEqualKey(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, n := range []int{0, 1, 2, 1000, 20000} {
		keys := make([]string, n)
		for i := range keys {
			keys[i] = fmt.Sprint(rng.IntN(max(1, n/2)))
		}
		first := map[string]int{}
		got := FirstOfEach(n, func(i int) string { return keys[i] })
		for i, k := range keys {
			f, ok := first[k]
			if !ok {
				f = i
				first[k] = i
			}
			if int(got[i]) != f {
				t.Fatalf("n=%d: position %d (%q): first %d, want %d", n, i, k, got[i], f)
			}
		}
	}
}

// Repeated answers as a map of the IDs does, including where hashes
// collide: IDs of one hash that differ are no repeat, and a repeat among
// several IDs of one hash is found wherever it lies in their run.
func TestRepeatedIDs(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for _, n := range []int{0, 1, 2, 50, 5000} {
		for _, bits := range []uint{2, 8, 32} { // few bits: many collisions
			for trial := range 20 {
				ids := make([]string, n)
				for i := range ids {
					ids[i] = fmt.Sprint("id-", rng.IntN(4*n+1))
				}
				seen, want := map[string]bool{}, false
				for _, id := range ids {
					want = want || seen[id]
					seen[id] = true
				}
				hs := make([]uint32, n)
				for i, id := range ids {
					hs[i] = hashBits(id, bits)
				}
				keys := KeysOf(hs, nil)
				if got := keys.Repeated(func(i int) string { return ids[i] }); got != want {
					t.Fatalf("n %d, %d bits, trial %d: Repeated = %v, want %v", n, bits, trial, got, want)
				}
			}
		}
	}
}

// hashBits is a hash of s cut to its low bits, the same for equal strings.
func hashBits(s string, bits uint) uint32 {
	var h uint32 = 2166136261
	for i := range len(s) {
		h = (h ^ uint32(s[i])) * 16777619
	}
	if bits < 32 {
		h &= 1<<bits - 1
	}
	return h
}
