package colstore

// ChunkRows rows are the unit of evaluation: a Mask holds one bit per row
// of a chunk, ChunkWords words of 64.
const (
	ChunkWords = 16
	ChunkRows  = 64 * ChunkWords
)

// Mask marks rows of a chunk: bit j of word w is row 64w+j.
type Mask [ChunkWords]uint64

// Ones returns the mask of the first n rows.
func Ones(n int) Mask {
	var m Mask
	for j := 0; j < n; j += 64 {
		m[j/64] = ^uint64(0)
		if rem := n - j; rem < 64 {
			m[j/64] = 1<<rem - 1
		}
	}
	return m
}

// B2U is 1 for true: the compiler turns it into a flag move, so the
// loops that build masks from comparisons have no branch.
func B2U(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// B2U32 is 1 for true, as B2U.
func B2U32(b bool) uint32 { return uint32(B2U(b)) }
