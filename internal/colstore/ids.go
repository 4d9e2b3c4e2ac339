package colstore

import (
	"math"
	"slices"
	"unsafe"
)

// Strs holds strings in one byte buffer, with the end of each: a string
// header per value would cost 16 bytes before the value's own bytes, and a
// string per value one allocation (or, for values cut from a larger
// string, the whole of that string kept alive). A segment keeps its IDs in
// one, and a dictionary its values: a million contact IDs cost their bytes
// and four bytes each.
//
// Strs is append-only: a copy of it is a view of the values it held then,
// which later appends never change (they write past the copy's end, or
// into a new buffer), so a snapshot's dictionaries are copies.
type Strs struct {
	buf []byte
	// end[r] is where value r ends in buf; value r starts where r-1's
	// ends. end32 is used while buf fits 32-bit offsets, end64 beyond.
	end32 []uint32
	end64 []uint64
}

// NarrowIDBytes is the largest buffer 32-bit ends address; a variable so
// that a test can reach the wide form without 4 GiB of IDs.
var NarrowIDBytes = math.MaxUint32

// NewStrs returns an empty list with room for n values of about bytes
// bytes in all.
func NewStrs(n, bytes int) Strs {
	c := Strs{buf: make([]byte, 0, bytes)}
	if bytes <= NarrowIDBytes {
		c.end32 = make([]uint32, 0, n)
	} else {
		c.end64 = make([]uint64, 0, n)
	}
	return c
}

// Add appends s.
func (c *Strs) Add(s string) {
	c.buf = append(c.buf, s...)
	if c.end64 != nil || len(c.buf) > NarrowIDBytes {
		if c.end64 == nil { // the guess of bytes was short: widen once
			c.end64 = make([]uint64, len(c.end32), cap(c.end32))
			for i, e := range c.end32 {
				c.end64[i] = uint64(e)
			}
			c.end32 = nil
		}
		c.end64 = append(c.end64, uint64(len(c.buf)))
		return
	}
	c.end32 = append(c.end32, uint32(len(c.buf)))
}

// Len returns the number of values.
func (c *Strs) Len() int {
	if c.end64 != nil {
		return len(c.end64)
	}
	return len(c.end32)
}

// At returns value r. The string shares buf, whose bytes are never written
// again once added, so it stays valid and unchanged for as long as anyone
// holds it.
func (c *Strs) At(r int) string {
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

// grow makes room for n more values of bytes bytes in all.
func (c *Strs) grow(n, bytes int) {
	c.buf = slices.Grow(c.buf, bytes)
	if c.end64 != nil {
		c.end64 = slices.Grow(c.end64, n)
		return
	}
	c.end32 = slices.Grow(c.end32, n) // Add widens them if it must
}

// clip copies the values to buffers of their exact size when the growth of
// appends left more than a sixteenth unused. Views taken before keep the
// old buffers, which stay as they were.
func (c *Strs) clip() {
	if 16*(cap(c.buf)-len(c.buf)) > cap(c.buf) {
		c.buf = slices.Clone(c.buf)
	}
	if 16*(cap(c.end32)-len(c.end32)) > cap(c.end32) {
		c.end32 = slices.Clone(c.end32)
	}
	if 16*(cap(c.end64)-len(c.end64)) > cap(c.end64) {
		c.end64 = slices.Clone(c.end64)
	}
}
