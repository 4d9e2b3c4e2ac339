package colstore

import (
	"encoding/binary"
	"math/bits"
	"unsafe"

	"github.com/convreport/convreport/internal/prefault"
)

// Codes holds a column's dictionary codes at the narrowest width that fits
// the segment's largest code: most helpdesk columns (channel, status,
// inbox, rep) have a few dozen values and take one byte a row. Exactly one
// of the slices is set in a column of codes.
type Codes struct {
	W8  []uint8
	W16 []uint16
	W32 []uint32
}

// Code is a dictionary code at one of the widths [Codes] stores.
type Code interface{ uint8 | uint16 | uint32 }

// Narrow stores codes at the narrowest width.
func Narrow(codes []uint32) Codes {
	var top uint32
	for _, c := range codes {
		top = max(top, c)
	}
	switch {
	case top <= 0xff:
		v := make([]uint8, len(codes))
		for i, c := range codes {
			v[i] = uint8(c)
		}
		return Codes{W8: v}
	case top <= 0xffff:
		v := make([]uint16, len(codes))
		for i, c := range codes {
			v[i] = uint16(c)
		}
		return Codes{W16: v}
	}
	return Codes{W32: codes}
}

// Ok reports whether the column holds codes.
func (v Codes) Ok() bool { return v.W8 != nil || v.W16 != nil || v.W32 != nil }

// At returns the code of row i.
func (v Codes) At(i int) uint32 {
	switch {
	case v.W8 != nil:
		return uint32(v.W8[i])
	case v.W16 != nil:
		return uint32(v.W16[i])
	}
	return uint32(v.W32[i])
}

// EqBits sets bit j of each word where codes[j] == want, and'ed with in.
func EqBits[C Code](codes []C, want uint32, in, out *Mask) {
	n := len(codes)
	if uint64(want) > uint64(^C(0)) {
		*out = Mask{}
		return
	}
	w := C(want)
	k := 0
	if c8, ok := any(codes).([]uint8); ok {
		k = eqBits8(c8, uint8(want), in, out)
	}
	for ; k < (n+63)/64; k++ {
		var b uint64
		for j, c := range codes[k*64 : min(k*64+64, n)] {
			b |= B2U(c == w) << j
		}
		out[k] = in[k] & b
	}
}

// sparseWord is how many rows of a word eqBits8 tests one by one rather
// than all 64 eight at a time.
const sparseWord = 6

// eqBits8SWAR is EqBits over one-byte codes, eight at a time, for every
// whole word of 64 rows; it returns how many words it did. A drill-down's
// "rep is X" test runs over every row of its range, and most columns a
// report groups by take one byte a row. It is eqBits8 where no assembly
// does the same sixteen bytes at a time.
func eqBits8SWAR(codes []uint8, want uint8, in, out *Mask) int {
	const (
		ones  = 0x0101010101010101
		low7  = 0x7f7f7f7f7f7f7f7f
		lanes = 0x0102040810204080 // moves the low bit of byte i to bit 56+i
	)
	pat := uint64(want) * ones
	words := len(codes) / 64
	for k := range words {
		row := codes[k*64 : k*64+64 : k*64+64]
		if bits.OnesCount64(in[k]) <= sparseWord {
			// Few rows left to test, as after a selective test: test
			// those alone.
			var b uint64
			for m := in[k]; m != 0; m &= m - 1 {
				j := bits.TrailingZeros64(m)
				b |= B2U(row[j] == want) << j
			}
			out[k] = b
			continue
		}
		var b uint64
		for j := range 8 {
			x := binary.LittleEndian.Uint64(row[j*8:]) ^ pat
			// The high bit of a byte of z is set exactly when the byte of
			// x is zero: the low seven bits carry into it when any is set.
			z := ^(((x & low7) + low7) | x | low7)
			b |= ((z >> 7) * lanes >> 56) << (j * 8)
		}
		out[k] = in[k] & b
	}
	return words
}

// MatchBits sets the bits of rows whose code is marked in match, and'ed
// with in.
func MatchBits[C Code](codes []C, match []uint8, in, out *Mask) {
	n := len(codes)
	for k := 0; k < (n+63)/64; k++ {
		var b uint64
		for j, c := range codes[k*64 : min(k*64+64, n)] {
			b |= uint64(match[c]) << j
		}
		out[k] = in[k] & b
	}
}

// AddKeys adds codes × stride to keys: one dimension's share of each row's
// group key.
func AddKeys[C Code](keys []uint64, codes []C, stride uint64) {
	for i, c := range codes {
		keys[i] += uint64(c) * stride
	}
}

// CodeBuilder collects a column's codes row by row at the narrowest width
// that fits the largest so far, widening once when a larger code comes: a
// column of a few dozen values never holds more than a byte a row, even
// while it is built. Its rows are made at the width of the first code
// other than 0, so that a column of near-unique values is not made a byte
// a row first and then copied.
type CodeBuilder struct {
	c Codes
	n int
}

// NewCodeBuilder returns a builder of n rows of code 0.
func NewCodeBuilder(n int) *CodeBuilder {
	return &CodeBuilder{n: n}
}

// Set sets row r's code.
func (b *CodeBuilder) Set(r int, code uint32) {
	// The usual case, inlined into the caller's loop.
	if code <= 0xff && b.c.W8 != nil {
		b.c.W8[r] = uint8(code)
		return
	}
	b.set(r, code)
}

func (b *CodeBuilder) set(r int, code uint32) {
	switch {
	case b.c.W8 != nil:
		if code <= 0xff {
			b.c.W8[r] = uint8(code)
			return
		}
		b.widen(code)
	case b.c.W16 != nil:
		if code <= 0xffff {
			b.c.W16[r] = uint16(code)
			return
		}
		b.widen(code)
	case b.c.W32 == nil:
		if code == 0 {
			return // every row is 0 until the rows are made
		}
		b.make(code)
		b.set(r, code)
		return
	}
	switch {
	case b.c.W16 != nil:
		b.c.W16[r] = uint16(code)
	default:
		b.c.W32[r] = code
	}
}

// make makes the rows, all 0, at the width code needs.
func (b *CodeBuilder) make(code uint32) {
	switch {
	case code <= 0xff:
		b.c = Codes{W8: Populated(make([]uint8, b.n))}
	case code <= 0xffff:
		b.c = Codes{W16: Populated(make([]uint16, b.n))}
	default:
		b.c = Codes{W32: Populated(make([]uint32, b.n))}
	}
}

// Put sets rows at, at+1, … to codes, widening at most once, to the
// width of the largest: a loop a width, where Set a row at a time tests
// the width of each (and a column of near-unique values, coded a chunk at
// a time, would widen twice, copying every row each time).
func (b *CodeBuilder) Put(at int, codes []uint32) {
	// The codes or'ed need the width their largest does.
	hi := Or(codes)
	switch {
	case b.c.W8 == nil && b.c.W16 == nil && b.c.W32 == nil:
		if hi == 0 {
			return
		}
		b.make(hi)
	case b.c.W8 != nil && hi > 0xff, b.c.W16 != nil && hi > 0xffff:
		b.widen(hi)
	}
	switch {
	case b.c.W8 != nil:
		w := b.c.W8[at : at+len(codes)]
		for i, c := range codes {
			w[i] = uint8(c)
		}
	case b.c.W16 != nil:
		w := b.c.W16[at : at+len(codes)]
		for i, c := range codes {
			w[i] = uint16(c)
		}
	default:
		copy(b.c.W32[at:at+len(codes)], codes)
	}
}

// PutWithin is Put of codes that should each be at most last, the
// greatest code of the column's dictionary, at the width last needs: one
// loop checks and narrows them, where a check, the width and the copy were
// a pass each. It reports false when a code is greater than last, having
// put the rows at last's width.
func (b *CodeBuilder) PutWithin(at int, codes []uint32, last uint32) bool {
	switch {
	case last == 0:
		return Or(codes) == 0 // every row stays 0
	case b.c.W8 == nil && b.c.W16 == nil && b.c.W32 == nil:
		b.make(last)
	case b.c.W8 != nil && last > 0xff, b.c.W16 != nil && last > 0xffff:
		b.widen(last)
	}
	var past uint32 // not 0 when a code is greater than last
	switch {
	case b.c.W8 != nil:
		w := b.c.W8[at : at+len(codes)]
		for i, c := range codes {
			past |= c - min(c, last)
			w[i] = uint8(c)
		}
	case b.c.W16 != nil:
		w := b.c.W16[at : at+len(codes)]
		for i, c := range codes {
			past |= c - min(c, last)
			w[i] = uint16(c)
		}
	default:
		w := b.c.W32[at : at+len(codes)]
		for i, c := range codes {
			past |= c - min(c, last)
			w[i] = c
		}
	}
	return past == 0
}

// Or returns the values of vs or'ed: at least the largest, and with its
// highest bit, so that it needs the width the largest does. Four
// accumulators, each a chain a quarter as long as one would be, where a
// running maximum is one chain of dependent compares.
func Or(vs []uint32) uint32 {
	var o0, o1, o2, o3 uint32
	k := 0
	for ; k+4 <= len(vs); k += 4 {
		o0 |= vs[k]
		o1 |= vs[k+1]
		o2 |= vs[k+2]
		o3 |= vs[k+3]
	}
	for _, v := range vs[k:] {
		o0 |= v
	}
	return o0 | o1 | o2 | o3
}

// widen moves the codes to the width code needs.
func (b *CodeBuilder) widen(code uint32) {
	n := b.c.len()
	if code <= 0xffff {
		w := Populated(make([]uint16, n))
		for i, v := range b.c.W8 {
			w[i] = uint16(v)
		}
		b.c = Codes{W16: w}
		return
	}
	w := Populated(make([]uint32, n))
	if b.c.W8 != nil {
		for i, v := range b.c.W8 {
			w[i] = uint32(v)
		}
	} else {
		for i, v := range b.c.W16 {
			w[i] = uint32(v)
		}
	}
	b.c = Codes{W32: w}
}

// Codes returns the column.
func (b *CodeBuilder) Codes() Codes {
	if b.c.W8 == nil && b.c.W16 == nil && b.c.W32 == nil {
		b.make(0)
	}
	return b.c
}

func (v Codes) len() int {
	switch {
	case v.W8 != nil:
		return len(v.W8)
	case v.W16 != nil:
		return len(v.W16)
	}
	return len(v.W32)
}

// Populated returns s once the kernel has given it its pages, all in one
// call (see prefault.Fresh), when it spans 64 KiB or more and is new from
// the system. A column being built is written in full, and written page
// by page fresh memory takes a fault a page, several microseconds each on
// a virtual machine: most of what a load costs in a new process. Below
// 64 KiB, 16 pages, asking would cost about what the faults do; a
// byte-wide column of 1M rows, just under a megabyte, is 245 pages.
func Populated[T any](s []T) []T {
	var zero T
	if uintptr(cap(s))*unsafe.Sizeof(zero) >= 64<<10 {
		prefault.Fresh(s[:cap(s)])
	}
	return s
}
