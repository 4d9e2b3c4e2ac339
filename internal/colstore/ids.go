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
// and about two bytes each.
//
// The ends are kept in the narrowest of three forms. Compact: values
// come in chunks of 64, base[c] is where chunk c starts in buf and rel[r]
// where value r ends, counted from its chunk's start, in 16 bits (2 bytes
// a value and 4 a chunk); it holds while each chunk's values fit 64 KiB
// and buf 32-bit offsets. Beyond, end32[r] (or, past 4 GiB, end64[r]) is
// where value r ends in buf. Add moves to a wider form once, when it must.
//
// Strs is append-only: a copy of it is a view of the values it held then,
// which later appends never change (they write past the copy's end, or
// into new slices), so a snapshot's dictionaries are copies.
type Strs struct {
	buf   []byte
	base  []uint32
	rel   []uint16
	end32 []uint32
	end64 []uint64
}

const (
	strsChunkBits = 6
	strsChunk     = 1 << strsChunkBits
)

// NarrowIDBytes is the largest buffer 32-bit offsets address; a variable
// so that a test can reach the wide form without 4 GiB of values.
var NarrowIDBytes = math.MaxUint32

// NewStrs returns an empty list with room for n values of about bytes
// bytes in all.
func NewStrs(n, bytes int) Strs {
	c := Strs{buf: make([]byte, 0, bytes)}
	if bytes <= NarrowIDBytes {
		c.rel = make([]uint16, 0, n)
		c.base = make([]uint32, 0, n/strsChunk+1)
	} else {
		c.end64 = make([]uint64, 0, n)
	}
	return c
}

// StrsOf returns the values of buf that end at ends (in increasing order,
// the last at most len(buf)) as a Strs that shares buf: values decoded
// one after another need no copy.
func StrsOf(buf []byte, ends []uint32) Strs {
	buf = buf[:len(buf):len(buf)] // an Add copies it, not writes past it
	if len(buf) > NarrowIDBytes {
		return Strs{buf: buf, end32: ends}
	}
	c := Strs{buf: buf, rel: make([]uint16, len(ends)), base: make([]uint32, 0, len(ends)/strsChunk+1)}
	for r, e := range ends {
		if r%strsChunk == 0 {
			start := uint32(0)
			if r > 0 {
				start = ends[r-1]
			}
			c.base = append(c.base, start)
		}
		rel := e - c.base[r>>strsChunkBits]
		if rel > math.MaxUint16 {
			return Strs{buf: buf, end32: ends}
		}
		c.rel[r] = uint16(rel)
	}
	return c
}

func (c *Strs) compact() bool { return c.end32 == nil && c.end64 == nil }

// Add appends s.
func (c *Strs) Add(s string) {
	start := len(c.buf)
	c.buf = append(c.buf, s...)
	end := len(c.buf)
	if c.compact() {
		r := len(c.rel)
		if r%strsChunk == 0 && end <= NarrowIDBytes {
			c.base = append(c.base, uint32(start))
		}
		if end <= NarrowIDBytes {
			if rel := end - int(c.base[r>>strsChunkBits]); rel <= math.MaxUint16 {
				c.rel = append(c.rel, uint16(rel))
				return
			}
		}
		c.widen()
	}
	if c.end32 != nil && end > NarrowIDBytes {
		c.end64 = make([]uint64, len(c.end32), max(cap(c.end32), len(c.end32)+1))
		for i, e := range c.end32 {
			c.end64[i] = uint64(e)
		}
		c.end32 = nil
	}
	if c.end64 != nil {
		c.end64 = append(c.end64, uint64(end))
		return
	}
	c.end32 = append(c.end32, uint32(end))
}

// widen moves the compact form's ends to end32.
func (c *Strs) widen() {
	ends := make([]uint32, len(c.rel), max(cap(c.rel), len(c.rel)+1))
	for r, e := range c.rel {
		ends[r] = c.base[r>>strsChunkBits] + uint32(e)
	}
	c.end32, c.base, c.rel = ends, nil, nil
}

// Len returns the number of values.
func (c *Strs) Len() int {
	switch {
	case c.end64 != nil:
		return len(c.end64)
	case c.end32 != nil:
		return len(c.end32)
	}
	return len(c.rel)
}

// At returns value r. The string shares buf, whose bytes are never written
// again once added, so it stays valid and unchanged for as long as anyone
// holds it.
func (c *Strs) At(r int) string {
	var start, end uint64
	switch {
	case c.end32 == nil && c.end64 == nil:
		start = uint64(c.base[r>>strsChunkBits])
		end = start + uint64(c.rel[r])
		if r%strsChunk != 0 {
			start += uint64(c.rel[r-1])
		}
	case c.end32 != nil:
		end = uint64(c.end32[r])
		if r > 0 {
			start = uint64(c.end32[r-1])
		}
	default:
		end = c.end64[r]
		if r > 0 {
			start = c.end64[r-1]
		}
	}
	if start == end {
		return ""
	}
	return unsafe.String(&c.buf[start], int(end-start))
}

// grow makes room for n more values of bytes bytes in all, at least
// doubling what it must move: a dictionary grown a chunk of rows at a
// time would otherwise be copied whole every few chunks (append grows a
// large slice by a quarter).
func (c *Strs) grow(n, bytes int) {
	c.buf = growBy(c.buf, bytes)
	switch {
	case c.end64 != nil:
		c.end64 = growBy(c.end64, n)
	case c.end32 != nil:
		c.end32 = growBy(c.end32, n) // Add widens them if it must
	default:
		c.rel = growBy(c.rel, n)
		c.base = growBy(c.base, n/strsChunk+1)
	}
}

// growBy returns s with room for n more elements: s itself when it has
// it, else a copy with at least twice s's capacity. (Growing by a quarter
// left less room unused, but a 100M load's many more copies raised its
// peak by 1.7 GB; a load's last batch gives the room back instead.)
func growBy[T any](s []T, n int) []T {
	if cap(s)-len(s) >= n {
		return s
	}
	g := make([]T, len(s), max(len(s)+n, 2*cap(s)))
	copy(g, s)
	return g
}

// clip copies the values to slices of their exact size where the growth
// of appends left more than a sixteenth unused. Views taken before keep
// the old slices, which stay as they were.
func (c *Strs) clip() {
	c.buf = clip(c.buf)
	c.base = clip(c.base)
	c.rel = clip(c.rel)
	c.end32 = clip(c.end32)
	c.end64 = clip(c.end64)
}

func clip[T any](s []T) []T {
	if 16*(cap(s)-len(s)) > cap(s) {
		return slices.Clone(s)
	}
	return s
}
