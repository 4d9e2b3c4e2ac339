//go:build !amd64 || purego

package colstore

// eqBits8 is EqBits over one-byte codes for every whole word of 64 rows;
// it returns how many words it did.
func eqBits8(codes []uint8, want uint8, in, out *Mask) int {
	return eqBits8SWAR(codes, want, in, out)
}
