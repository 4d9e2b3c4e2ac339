package colstore

import (
	"bytes"
	"hash/maphash"
	"math"
	"slices"
	"strings"
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
// Before any of these, while every value is one prefix followed by
// decimal digits, the values are kept as numbers (see digits): most IDs
// are. The first value that is not moves them to buf, once.
//
// Strs is append-only: a copy of it is a view of the values it held then,
// which later appends never change (they write past the copy's end, or
// into new slices), so a snapshot's dictionaries are copies. The zero
// Strs is an empty list.
type Strs struct {
	num digits
	// inBuf is set once the values are in buf and the ends.
	inBuf bool
	buf   []byte
	base  []uint32
	rel   []uint16
	end32 []uint32
	end64 []uint64
	// room is the room NewStrs was asked for, taken once the first value
	// shows which form the values take.
	room struct{ n, bytes int }
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
	c := Strs{}
	c.room.n, c.room.bytes = n, bytes
	return c
}

// toBuf moves the values to buf, with room for bytes more bytes and n
// more values.
func (c *Strs) toBuf(n, bytes int) {
	f := c.num
	n += f.len()
	bytes += f.size()
	*c = Strs{inBuf: true, buf: Populated(make([]byte, 0, bytes))}
	if bytes <= NarrowIDBytes {
		c.rel = make([]uint16, 0, n)
		c.base = make([]uint32, 0, n/strsChunk+1)
	} else {
		c.end64 = make([]uint64, 0, n)
	}
	var v []byte
	for r := range f.len() {
		v = f.appendAt(v[:0], r)
		c.Add(unsafe.String(unsafe.SliceData(v), len(v))) // copied into buf
	}
}

// StrsOf returns the values of buf that end at ends (in increasing order,
// the last at most len(buf)) as a Strs that shares buf: values decoded
// one after another need no copy.
//
// Values that are all one prefix and digits are kept as numbers instead,
// and buf is not kept.
func StrsOf(buf []byte, ends []uint32) Strs {
	if num, ok := fixedDigits(buf, ends); ok {
		return Strs{num: num}
	}
	if len(ends) > 0 {
		num := digits{w32: make([]uint32, 0, len(ends))}
		start := uint32(0)
		for _, e := range ends {
			if !num.add(unsafe.String(unsafe.SliceData(buf[start:]), e-start)) {
				break
			}
			start = e
		}
		if num.len() == len(ends) {
			return Strs{num: num}
		}
	}
	buf = buf[:len(buf):len(buf)] // an Add copies it, not writes past it
	if len(buf) > NarrowIDBytes {
		return Strs{inBuf: true, buf: buf, end32: ends}
	}
	c := Strs{inBuf: true, buf: buf, rel: make([]uint16, len(ends)), base: make([]uint32, 0, len(ends)/strsChunk+1)}
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
			return Strs{inBuf: true, buf: buf, end32: ends}
		}
		c.rel[r] = uint16(rel)
	}
	return c
}

// Rising reports whether the values are kept as numbers (see digits),
// each greater than the one before: no two are alike.
func (c *Strs) Rising() bool { return !c.inBuf && c.num.set && c.num.rising() }

// MaybeRising reports whether first and last, the first and last of a
// list of IDs, are one prefix followed by digits, and last the greater
// number: the list may be Rising, which is then worth finding out.
func MaybeRising(first, last string) bool {
	var f digits
	if !f.add(first) || !f.add(last) || f.len() != 2 {
		return false
	}
	return f.at(0) != 0 && f.at(1) > f.at(0)
}

// Apart reports whether no value of c, whose values are Rising, can be a
// value of d, also Rising: their prefixes differ, or their numbers do not
// overlap. A string is its prefix and digits one way only, so equal values
// have equal prefixes and numbers.
func (c *Strs) Apart(d *Strs) bool {
	m := d.num.len()
	return m == 0 || c.num.apart(d.num.pre, d.num.at(0), d.num.at(m-1))
}

func (c *Strs) compact() bool { return c.end32 == nil && c.end64 == nil }

// Equal reports whether value r is s.
func (c *Strs) Equal(r int, s string) bool {
	if !c.inBuf {
		return c.num.has(r, s)
	}
	return c.At(r) == s
}

// AppendAt appends value r to dst.
func (c *Strs) AppendAt(dst []byte, r int) []byte {
	if !c.inBuf {
		return c.num.appendAt(dst, r)
	}
	return append(dst, c.At(r)...)
}

// Hash returns maphash.String(seed, c.At(r)).
func (c *Strs) Hash(seed maphash.Seed, r int) uint64 {
	if !c.inBuf {
		var b [32]byte
		return maphash.Bytes(seed, c.num.appendAt(b[:0], r))
	}
	return maphash.String(seed, c.At(r))
}

// AddAt appends value r of src.
func (c *Strs) AddAt(src *Strs, r int) {
	if src.inBuf {
		c.Add(src.At(r))
		return
	}
	if !c.inBuf && c.num.holds(&src.num) {
		c.num.push(src.num.at(r))
		return
	}
	var b [32]byte
	v := src.num.appendAt(b[:0], r)
	c.Add(unsafe.String(unsafe.SliceData(v), len(v))) // Add keeps no part of it
}

// AddShort is Add of a value kept as a number whose prefix has eight
// bytes or fewer and whose digits, eight or fewer, are as many as the
// numbers' width, all the numbers so far having it: read as two words,
// as CodeBatch.setShort reads a contact ID, where digits.add finds the
// value's form through calls (9.5 ns an ID, a tenth of a memory.New's
// per-row work). It reports false, having added nothing, for any other
// value, which Add then takes. A loop that adds a value a row calls it
// first: one call a row, where Add (too large to inline) made three.
func (c *Strs) AddShort(s string) bool {
	f := &c.num
	n := len(s) - len(f.pre)
	if c.inBuf || f.preMask == 0 || n != f.width || n > 8 || len(s) < 8 || !f.fixed || f.w64 != nil {
		return false
	}
	head, tail := ends(s) // shortNumber, written out (see ends)
	d, ok := lastDigits(tail, n)
	if !ok || head&f.preMask != f.preWord {
		return false
	}
	f.canon = f.canon && (n == 1 || s[len(f.pre)] != '0')
	f.w32 = append(f.w32, uint32(d+1))
	return true
}

// Compare compares value i of a with value j of b, as strings.
func Compare(a *Strs, i int, b *Strs, j int) int {
	if a.inBuf && b.inBuf {
		return strings.Compare(a.At(i), b.At(j))
	}
	var x, y [32]byte
	return bytes.Compare(a.AppendAt(x[:0], i), b.AppendAt(y[:0], j))
}

// Add appends s.
func (c *Strs) Add(s string) {
	if c.AddShort(s) {
		return
	}
	if !c.inBuf {
		wasSet := c.num.set
		if c.num.add(s) {
			if !wasSet && c.num.w64 == nil && cap(c.num.w32) < c.room.n {
				// The first value shows the form: take the room asked for.
				c.num.w32 = append(Populated(make([]uint32, 0, c.room.n)), c.num.w32...)
			}
			return
		}
		// Room for as many more values as the numbers had, of about this
		// one's size, or the room asked for before any value came.
		n, size := max(c.room.n-c.num.len(), 1), c.room.bytes
		if wasSet {
			n = max(n, cap(c.num.w32)-len(c.num.w32), cap(c.num.w64)-len(c.num.w64))
			size = n * len(s)
		}
		c.toBuf(n, size)
	}
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
	case !c.inBuf:
		return c.num.len()
	case c.end64 != nil:
		return len(c.end64)
	case c.end32 != nil:
		return len(c.end32)
	}
	return len(c.rel)
}

// At returns value r. The string shares buf, whose bytes are never written
// again once added, so it stays valid and unchanged for as long as anyone
// holds it; a value kept as a number is written out (an allocation:
// Equal, Hash and AppendAt make none).
func (c *Strs) At(r int) string {
	if !c.inBuf {
		var b [32]byte
		return string(c.num.appendAt(b[:0], r))
	}
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

// AtIn is At, but a value kept as a number is written out at the end of
// *buf, and the string returned is those bytes: values decoded a page at a
// time then share an allocation, where At makes one each. The bytes of
// *buf below its length are never written again (a full buffer is
// replaced, not reused), so each string stays valid and unchanged. A
// string keeps its whole buffer alive, stringsBuf bytes at most. A nil
// buf is At.
func (c *Strs) AtIn(r int, buf *[]byte) string {
	if c.inBuf || buf == nil {
		return c.At(r)
	}
	b := *buf
	if cap(b)-len(b) < maxNumberLen {
		b = make([]byte, 0, stringsBuf)
	}
	start := len(b)
	b = c.num.appendAt(b, r)
	*buf = b
	if len(b) == start {
		return ""
	}
	return unsafe.String(&b[start], len(b)-start)
}

// maxNumberLen is the most bytes a value kept as a number writes out: a
// prefix and a uint64's digits fit At's buffer of 32.
const maxNumberLen = 32

// stringsBuf is the size of a buffer AtIn writes numbers into: a dozen
// or so values, an allocation where there were a dozen, and small beside a
// Conversation (over 300 bytes) for a caller that keeps one row of many.
const stringsBuf = 256

// Warm reads value r's storage and returns a word of it, so that At finds
// it in cache soon after. Values read one after another, each a Warm in a
// loop of its own, are read side by side; At, which for a number writes
// out a string, makes each read wait for the one before.
func (c *Strs) Warm(r int) uint64 {
	if !c.inBuf {
		if c.num.w64 != nil {
			return c.num.w64[r]
		}
		return uint64(c.num.w32[r])
	}
	if s := c.At(r); s != "" {
		return uint64(s[0])
	}
	return 0
}

// grow makes room for n more values of bytes bytes in all, at least
// doubling what it must move: a dictionary grown a chunk of rows at a
// time would otherwise be copied whole every few chunks (append grows a
// large slice by a quarter).
func (c *Strs) grow(n, bytes int) {
	if !c.inBuf {
		if !c.num.set {
			// No value but "" yet: the form is still unknown.
			c.room.n = max(c.room.n, c.num.len()+n)
			c.room.bytes = max(c.room.bytes, bytes)
			return
		}
		if c.num.w64 != nil {
			c.num.w64 = growBy(c.num.w64, n)
		} else {
			c.num.w32 = growBy(c.num.w32, n)
		}
		return
	}
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
	// The pages to be written only: the room past them may never be.
	Populated(g[: len(s)+n : len(s)+n])
	copy(g, s)
	return g
}

// clip copies the values to slices of their exact size where the growth
// of appends left more than a sixteenth unused. Views taken before keep
// the old slices, which stay as they were.
func (c *Strs) clip() {
	c.num.w32 = clip(c.num.w32)
	c.num.w64 = clip(c.num.w64)
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
