package colstore

import (
	"encoding/binary"
	"math"
	"slices"
	"strconv"
	"strings"
	"unsafe"
)

// digits holds a list's values as numbers while every value is one prefix
// followed by decimal digits: "c-000123", "contact-4711", "90210".
// Helpdesks number their conversations and contacts, so an ID takes 4
// bytes (8 past 4,294,967,294) where its text and end took 13 or more.
//
// The first value sets the prefix and the width (its count of digits).
// The digits of each value are written back in one of two ways: padded
// with zeros to the width (fixed), or without leading zeros (canon). While
// every value so far fits both, either writes them alike; a value that
// fits neither way left open ends the form (Strs moves its values to
// bytes). A copy keeps the flags of its time, and its values fit them.
type digits struct {
	set bool // pre and width are set: a value other than "" came
	pre string
	// preWord and preMask hold pre as hasPrefix compares it (0 when
	// empty or longer than a word).
	preWord, preMask uint64
	width            int
	fixed            bool // every value has width digits
	canon            bool // no value has a leading zero
	// Each value's number plus one, 0 for "": in w32 while every one
	// fits, in w64 once one does not.
	w32 []uint32
	w64 []uint64
}

// maxDigits is the most digits a value may have: any 19 digits, plus
// one, fit a uint64.
const maxDigits = 19

// splitDigits returns the decimal digits that end s and what comes
// before them.
func splitDigits(s string) (pre, ds string) {
	i := len(s)
	for i > 0 && s[i-1]-'0' <= 9 {
		i--
	}
	return s[:i], s[i:]
}

// fit returns the number plus one that s, the prefix followed by digits,
// holds, and whether its digits are written the fixed way and the canon
// way; ok is false when s is not the prefix followed by 1 to maxDigits
// digits.
func (f *digits) fit(s string) (v uint64, fixed, canon, ok bool) {
	n := len(s) - len(f.pre)
	if n <= 0 || n > maxDigits || !f.hasPrefix(s) {
		return 0, false, false, false
	}
	ds := s[len(f.pre):]
	// Eight digits at a time, then the rest.
	i := 0
	for ; i+8 <= n; i += 8 {
		x := binary.LittleEndian.Uint64(unsafe.Slice(unsafe.StringData(ds[i:]), 8))
		eight, ok := eightDigits(x)
		if !ok {
			return 0, false, false, false
		}
		v = v*1e8 + eight
	}
	if r := n - i; r > 0 && len(s) >= 8 {
		// The last r digits in the word that ends s, the bytes before
		// them made zeros: one word, not a byte at a time, whose branches
		// mispredict on numbers of varying lengths (contacts).
		rest, ok := lastDigits(binary.LittleEndian.Uint64(unsafe.Slice(unsafe.StringData(s[len(s)-8:]), 8)), r)
		if !ok {
			return 0, false, false, false
		}
		v = v*pow10[r] + rest
	} else {
		for ; i < n; i++ {
			d := ds[i] - '0'
			if d > 9 {
				return 0, false, false, false
			}
			v = v*10 + uint64(d)
		}
	}
	return v + 1, n == f.width, n == 1 || ds[0] != '0', true
}

// fixedDigits is StrsOf's digits for the usual IDs of a file, one prefix
// of one to eight bytes and one to eight digits, every value as long as
// the others: each value is read as two words, one for its prefix and
// one for its digits, where add finds the form of each (a value at a
// time, a third of a Parquet load's serial work before its columns are
// stored). It is false when the values are not all of that form, for
// add to find theirs.
func fixedDigits(buf []byte, ends []uint32) (digits, bool) {
	n := len(ends)
	if n == 0 {
		return digits{}, false
	}
	size := int(ends[0])
	if size < 8 || int64(size)*int64(n) != int64(ends[n-1]) || int64(len(buf)) < int64(ends[n-1]) {
		return digits{}, false
	}
	pre, ds := splitDigits(unsafe.String(&buf[0], size))
	w := len(ds)
	if w == 0 || w > 8 || len(pre) == 0 || len(pre) > 8 {
		return digits{}, false
	}
	f := digits{set: true, width: w, fixed: true}
	// A clone: the prefix lies in buf, which the values do not keep.
	f.setPrefix(strings.Clone(pre))
	w32 := make([]uint32, n)
	wrong, lead := false, false
	for i, e := range ends {
		start := i * size
		if int(e) != start+size {
			return digits{}, false
		}
		v := buf[start : start+size]
		d, ok := lastDigits(binary.LittleEndian.Uint64(v[size-8:]), w)
		p := binary.LittleEndian.Uint64(v[:8])&f.preMask == f.preWord
		wrong = wrong || !ok || !p
		lead = lead || v[len(pre)] == '0'
		w32[i] = uint32(d) + 1
	}
	if wrong {
		return digits{}, false
	}
	f.canon = w == 1 || !lead
	f.w32 = w32
	return f, true
}

// apart reports whether no value of f, whose values rise, can be a value
// with prefix pre and a number plus one from lo to hi: their prefixes
// differ, or their numbers do not overlap. A string is its prefix and
// digits one way only (a prefix ends in no digit), so equal values have
// equal prefixes and numbers.
func (f *digits) apart(pre string, lo, hi uint64) bool {
	n := f.len()
	return f.pre != pre || n == 0 || f.at(0) > hi || lo > f.at(n-1)
}

// pow10 holds the powers of ten below 1e8.
var pow10 = [8]uint64{1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7}

// hasPrefix reports whether s begins with the prefix, comparing one word
// where the prefix fits one.
func (f *digits) hasPrefix(s string) bool {
	if f.preMask == 0 || len(s) < 8 {
		return strings.HasPrefix(s, f.pre)
	}
	return binary.LittleEndian.Uint64(unsafe.Slice(unsafe.StringData(s), 8))&f.preMask == f.preWord
}

// setPrefix sets the prefix, and the word and mask hasPrefix compares
// when it has 1 to 8 bytes.
func (f *digits) setPrefix(pre string) {
	f.pre, f.preWord, f.preMask = pre, 0, 0
	if len(pre) == 0 || len(pre) > 8 {
		return
	}
	var p [8]byte
	copy(p[:], pre)
	f.preWord = binary.LittleEndian.Uint64(p[:])
	f.preMask = ^uint64(0) >> (64 - 8*len(pre))
}

// lastDigits returns the number that the last n (1 to 8) bytes of x, the
// word that ends a value, write in decimal, and whether they are all
// digits: the bytes before them are made zeros (the first bytes are the
// lowest).
func lastDigits(x uint64, n int) (uint64, bool) {
	before := uint64(1)<<(8*(8-n)) - 1
	return eightDigits(x&^before | 0x3030303030303030&before)
}

// eightDigits returns the number that the eight bytes of x (the first in
// its lowest byte) write in decimal, and whether all eight are digits.
func eightDigits(x uint64) (uint64, bool) {
	const ones = 0x0101010101010101
	// A byte is a digit when its high half is 3 and its low half, plus 6,
	// does not carry into the high half.
	if x&(0xf0*ones) != 0x30*ones || (x+6*ones)&(0xf0*ones) != 0x30*ones {
		return 0, false
	}
	x &= 0x0f * ones
	// Fold neighbours: pairs of digits into bytes' worth of two digits,
	// pairs of those into four, then eight. The first digit is the
	// lowest byte, so each step scales the lower half.
	x = (x * (10<<8 + 1)) >> 8 & (0xff * 0x0001000100010001)
	x = (x * (100<<16 + 1)) >> 16 & (0xffff * 0x0000000100000001)
	return (x * (10000<<32 + 1)) >> 32, true
}

// add appends s and reports true, or reports false, appending nothing,
// when s does not fit the form.
func (f *digits) add(s string) bool {
	if s == "" {
		f.push(0)
		return true
	}
	if !f.set {
		pre, ds := splitDigits(s)
		if ds == "" || len(ds) > maxDigits {
			return false
		}
		// A clone: s may lie in a larger buffer (a file's page).
		f.set, f.width, f.fixed, f.canon = true, len(ds), true, true
		f.setPrefix(strings.Clone(pre))
	}
	v, fixed, canon, ok := f.fit(s)
	fixed, canon = fixed && f.fixed, canon && f.canon
	if !ok || !fixed && !canon {
		return false
	}
	f.fixed, f.canon = fixed, canon
	f.push(v)
	return true
}

func (f *digits) push(v uint64) {
	if f.w64 == nil {
		if v <= math.MaxUint32 {
			f.w32 = append(f.w32, uint32(v))
			return
		}
		f.w64 = make([]uint64, len(f.w32), max(cap(f.w32), len(f.w32)+1))
		for i, x := range f.w32 {
			f.w64[i] = uint64(x)
		}
		f.w32 = nil
	}
	f.w64 = append(f.w64, v)
}

func (f *digits) len() int {
	if f.w64 != nil {
		return len(f.w64)
	}
	return len(f.w32)
}

// at returns value r's number plus one, 0 for "".
func (f *digits) at(r int) uint64 {
	if f.w64 != nil {
		return f.w64[r]
	}
	return uint64(f.w32[r])
}

// rising reports whether the values are numbers that rise strictly
// from each to the next, "" in none.
func (f *digits) rising() bool {
	if f.w64 != nil {
		return risingFrom(f.w64)
	}
	return risingFrom(f.w32)
}

func risingFrom[T uint32 | uint64](vs []T) bool {
	prev := T(0) // below every number plus one: "" (0) fails
	for _, v := range vs {
		if v <= prev {
			return false
		}
		prev = v
	}
	return true
}

// search returns the position of number-plus-one v in a rising list.
func (f *digits) search(v uint64) (int, bool) {
	if f.w64 != nil {
		return slices.BinarySearch(f.w64, v)
	}
	if v > math.MaxUint32 {
		return 0, false
	}
	return slices.BinarySearch(f.w32, uint32(v))
}

// has reports whether value r is s.
func (f *digits) has(r int, s string) bool {
	v, ok := f.parse(s)
	return ok && f.at(r) == v
}

// parse returns the number plus one (0 for "") of the value that the
// list writes as s; ok is false when it writes no value so.
func (f *digits) parse(s string) (v uint64, ok bool) {
	if s == "" || !f.set {
		return 0, s == ""
	}
	v, fixed, canon, ok := f.fit(s)
	return v, ok && (fixed && f.fixed || canon && !f.fixed)
}

// appendAt appends value r to dst.
func (f *digits) appendAt(dst []byte, r int) []byte {
	v := f.at(r)
	if v == 0 {
		return dst
	}
	dst = append(dst, f.pre...)
	v--
	if !f.fixed {
		return strconv.AppendUint(dst, v, 10)
	}
	var ds [maxDigits]byte
	i := len(ds)
	for range f.width {
		i--
		ds[i] = byte('0' + v%10)
		v /= 10
	}
	return append(dst, ds[i:]...)
}

// holds reports whether every value of g is written as f writes the same
// number, and fits f's forms: g's numbers can be copied into f as they
// are.
func (f *digits) holds(g *digits) bool {
	return f.set && g.set && f.pre == g.pre &&
		(!f.fixed || g.fixed && g.width == f.width) && (!f.canon || g.canon)
}

// size returns about how many bytes the values take as text.
func (f *digits) size() int { return f.len() * (len(f.pre) + f.width) }
