package convreport

// codeVec holds a column's dictionary codes at the narrowest width that
// fits the segment's largest code: most helpdesk columns (channel, status,
// inbox, rep) have a few dozen values and take one byte a row.
type codeVec struct {
	w8  []uint8
	w16 []uint16
	w32 []uint32
}

type code interface{ uint8 | uint16 | uint32 }

// narrow stores codes at the narrowest width.
func narrow(codes []uint32) codeVec {
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
		return codeVec{w8: v}
	case top <= 0xffff:
		v := make([]uint16, len(codes))
		for i, c := range codes {
			v[i] = uint16(c)
		}
		return codeVec{w16: v}
	}
	return codeVec{w32: codes}
}

func (v codeVec) ok() bool { return v.w8 != nil || v.w16 != nil || v.w32 != nil }

func (v codeVec) at(i int) uint32 {
	switch {
	case v.w8 != nil:
		return uint32(v.w8[i])
	case v.w16 != nil:
		return uint32(v.w16[i])
	}
	return uint32(v.w32[i])
}

// eqBits sets bit j of each word where codes[j] == want, and'ed with in.
func eqBits[C code](codes []C, want uint32, in, out *mask) {
	n := len(codes)
	if uint64(want) > uint64(^C(0)) {
		*out = mask{}
		return
	}
	w := C(want)
	for k := 0; k < (n+63)/64; k++ {
		var b uint64
		for j, c := range codes[k*64 : min(k*64+64, n)] {
			b |= b2u(c == w) << j
		}
		out[k] = in[k] & b
	}
}

// matchBits sets the bits of rows whose code is marked in match.
func matchBits[C code](codes []C, match []uint8, in, out *mask) {
	n := len(codes)
	for k := 0; k < (n+63)/64; k++ {
		var b uint64
		for j, c := range codes[k*64 : min(k*64+64, n)] {
			b |= uint64(match[c]) << j
		}
		out[k] = in[k] & b
	}
}

// addKeys adds codes × stride to keys.
func addKeys[C code](keys []uint64, codes []C, stride uint64) {
	for i, c := range codes {
		keys[i] += uint64(c) * stride
	}
}
