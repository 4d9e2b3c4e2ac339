package colstore

import (
	"math"
	"strconv"
	"strings"
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
	set   bool // pre and width are set: a value other than "" came
	pre   string
	width int
	fixed bool // every value has width digits
	canon bool // no value has a leading zero
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
	if len(s) <= len(f.pre) || len(s)-len(f.pre) > maxDigits || s[:len(f.pre)] != f.pre {
		return 0, false, false, false
	}
	ds := s[len(f.pre):]
	for i := 0; i < len(ds); i++ {
		d := ds[i] - '0'
		if d > 9 {
			return 0, false, false, false
		}
		v = v*10 + uint64(d)
	}
	return v + 1, len(ds) == f.width, len(ds) == 1 || ds[0] != '0', true
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
		f.set, f.pre, f.width, f.fixed, f.canon = true, strings.Clone(pre), len(ds), true, true
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

// has reports whether value r is s.
func (f *digits) has(r int, s string) bool {
	if s == "" || !f.set {
		return s == "" && f.at(r) == 0
	}
	v, fixed, canon, ok := f.fit(s)
	return ok && f.at(r) == v && (fixed && f.fixed || canon && !f.fixed)
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
