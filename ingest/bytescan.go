package ingest

import (
	"encoding/binary"
	"math/bits"
)

// Scanning eight bytes at a time. The lines of a read are mostly short
// strings and fields: a loop of a byte at a time spent most of its time on
// the loop itself.

const (
	low7  = 0x7F7F7F7F7F7F7F7F
	every = 0x0101010101010101 // times a byte: that byte in every place

	quotes      = '"' * every
	backslashes = '\\' * every
	commas      = ',' * every
	high3       = 0xE0 * every // a byte below 0x20 has none of these bits
)

// zeroBytes sets the high bit of each byte of v that is zero, exactly: no
// carry crosses from one byte to the next, so every mark is a zero byte.
func zeroBytes(v uint64) uint64 { return ^((v & low7) + low7 | v | low7) }

// stringEnd returns the index of the first byte of b from i that ends the
// fast scan of a JSON string (a quote, a backslash or a control byte), or
// len(b).
func stringEnd(b []byte, i int) int {
	for ; i+8 <= len(b); i += 8 {
		x := binary.LittleEndian.Uint64(b[i:])
		if m := zeroBytes(x^quotes) | zeroBytes(x^backslashes) | zeroBytes(x&high3); m != 0 {
			return i + bits.TrailingZeros64(m)>>3
		}
	}
	for i < len(b) && !stringStop[b[i]] {
		i++
	}
	return i
}

// appendCommas appends the index of every comma of b to ends.
func appendCommas(ends []int, b []byte) []int {
	i := 0
	for ; i+8 <= len(b); i += 8 {
		m := zeroBytes(binary.LittleEndian.Uint64(b[i:]) ^ commas)
		for m != 0 {
			ends = append(ends, i+bits.TrailingZeros64(m)>>3)
			m &= m - 1
		}
	}
	for ; i < len(b); i++ {
		if b[i] == ',' {
			ends = append(ends, i)
		}
	}
	return ends
}
