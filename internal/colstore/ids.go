package colstore

import (
	"math"
	"unsafe"
)

// IDs holds a segment's conversation IDs in one byte buffer, with the
// end of each: a string header per row would cost 16 bytes before the ID's
// own bytes, and a string per row one allocation (or, for IDs cut from a
// larger string, the whole of that string kept alive).
type IDs struct {
	buf []byte
	// end[r] is where row r's ID ends in buf; ID r starts where r-1's
	// ends. end32 is used while buf fits 32-bit offsets, end64 beyond.
	end32 []uint32
	end64 []uint64
}

// IDBuilder appends the IDs of a segment in row order.
type IDBuilder struct {
	c IDs
}

// NarrowIDBytes is the largest buffer 32-bit ends address; a variable so
// that a test can reach the wide form without 4 GiB of IDs.
var NarrowIDBytes = math.MaxUint32

// NewIDBuilder returns a builder for n IDs of about bytes bytes in all.
func NewIDBuilder(n, bytes int) *IDBuilder {
	b := &IDBuilder{c: IDs{buf: make([]byte, 0, bytes)}}
	if bytes <= NarrowIDBytes {
		b.c.end32 = make([]uint32, 0, n)
	} else {
		b.c.end64 = make([]uint64, 0, n)
	}
	return b
}

// Add appends the next row's ID.
func (b *IDBuilder) Add(id string) {
	b.c.buf = append(b.c.buf, id...)
	if b.c.end64 != nil || len(b.c.buf) > NarrowIDBytes {
		if b.c.end64 == nil { // the guess of bytes was short: widen once
			b.c.end64 = make([]uint64, len(b.c.end32), cap(b.c.end32))
			for i, e := range b.c.end32 {
				b.c.end64[i] = uint64(e)
			}
			b.c.end32 = nil
		}
		b.c.end64 = append(b.c.end64, uint64(len(b.c.buf)))
		return
	}
	b.c.end32 = append(b.c.end32, uint32(len(b.c.buf)))
}

// Done returns the column.
func (b *IDBuilder) Done() IDs { return b.c }

// Len returns the number of IDs.
func (c *IDs) Len() int {
	if c.end64 != nil {
		return len(c.end64)
	}
	return len(c.end32)
}

// At returns ID r. The string shares buf, which is never written after
// the segment is built, so it stays valid and unchanged for as long as
// anyone holds it.
func (c *IDs) At(r int) string {
	var start, end uint64
	if c.end64 != nil {
		end = c.end64[r]
		if r > 0 {
			start = c.end64[r-1]
		}
	} else {
		end = uint64(c.end32[r])
		if r > 0 {
			start = uint64(c.end32[r-1])
		}
	}
	if start == end {
		return ""
	}
	return unsafe.String(&c.buf[start], int(end-start))
}
