package colstore

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
	for k := 0; k < (n+63)/64; k++ {
		var b uint64
		for j, c := range codes[k*64 : min(k*64+64, n)] {
			b |= B2U(c == w) << j
		}
		out[k] = in[k] & b
	}
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
