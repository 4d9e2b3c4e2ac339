//go:build !purego

package colstore

// eqBits8 is EqBits over one-byte codes for every whole word of 64 rows,
// sixteen rows a compare (SSE2, which every amd64 processor has); it
// returns how many words it did. A drill-down tests "rep is X" on every
// row of its range, and eight rows at a time in Go (eqBits8SWAR) took
// two-thirds of its time.
func eqBits8(codes []uint8, want uint8, in, out *Mask) int {
	words := min(len(codes)/64, len(in))
	if words > 0 {
		eqBits8Words(&codes[0], words, want, &in[0], &out[0])
	}
	return words
}

// eqBits8Words sets out[k] to in[k] and'ed with the bits of the 64 codes
// from codes[64k] equal to want, for k < words.
//
//go:noescape
func eqBits8Words(codes *byte, words int, want byte, in, out *uint64)
