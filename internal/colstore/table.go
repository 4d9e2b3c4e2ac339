package colstore

import (
	"cmp"
	"encoding/binary"
	"hash/maphash"
	"math"
	mbits "math/bits"
	"runtime"
	"slices"
	"sort"
	"sync"
	"unsafe"
)

// Kind is how a column stores its values.
type Kind uint8

// The kinds of storage.
const (
	Derived Kind = iota // no storage: computed from other columns
	Strings             // dictionary codes, 0 = unknown
	Bools               // codes 1 = false, 2 = true, 0 = unknown
	Ints                // int64, Null = unknown
	Floats              // float64, NaN = unknown
)

// Dicts holds the dictionaries of every string and bool column of a table
// and of the tables changed from it. Codes are never reassigned, so
// segments of different snapshots share them.
type Dicts struct {
	mu   sync.Mutex
	vals []Strs
	idx  []codeIndex
	seed maphash.Seed
	// scratch[c] holds column c's CodeAll buffers for the length of one
	// Change: a load codes a column a chunk at a time, and fresh buffers
	// for each chunk would be garbage the size of the chunk's values.
	scratch []codeScratch
	// last is set by [Dicts.Last] for the length of one Change.
	last bool
}

// Last says that the change being built ends a load whose values came in
// parts: the room the dictionaries took ahead for the values of later
// parts (see CodeAll's rest) and that they did not need is given back
// when the change is made. Only a [Table.Change] build function may call
// it.
func (d *Dicts) Last() { d.last = true }

// codeScratch is the two buffers of sortCodeRecs, a batch's numbers, the
// two of sortByNumber (codeSpread's), and codeDense's two.
type codeScratch struct {
	a, b        []codeRec
	nums        []uint32 // a CodeBatch's numbers (see CodeBatch.nums)
	keys, keys2 []uint64
	// codeDense's bitmap of the numbers seen, and the new ones' numbers.
	seen  []uint64
	fresh []uint32
}

var boolDict = func() Strs {
	d := NewStrs(3, len("falsetrue"))
	for _, v := range []string{"", "false", "true"} {
		d.Add(v)
	}
	return d
}()

// Code returns the code of s in column c's dictionary, adding it when it
// is new; "" is code 0. Only a [Table.Change] build function may call it.
func (d *Dicts) Code(c int, s string) uint32 {
	if s == "" {
		return 0
	}
	h := maphash.String(d.seed, s)
	if k, ok := d.idx[c].find(&d.vals[c], h, s); ok {
		return k
	}
	k := uint32(d.vals[c].Len())
	d.vals[c].Add(s)
	d.idx[c].add(&d.vals[c], d.seed, h, k)
	return k
}

// Seed is the hash seed of the segments' ID indexes.
func (d *Dicts) Seed() maphash.Seed { return d.seed }

// CodeAll sets out[i] to the code of vals[i], adding the new values, as
// Code does one at a time. It takes the values in the order of their
// slots in the column's index, so that a column of nearly unique values (a
// contact ID) walks the index from one end to the other: looked up in row
// order, each probe of a table of a million slots misses the cache. Only
// a [Table.Change] build function may call it.
//
// rest is how many more values the change will code after vals, a chunk
// at a time: the index makes room for as many more distinct values as
// vals have in proportion, so that it is not rebuilt (every value hashed
// again) each time the values so far fill it.
func (d *Dicts) CodeAll(c int, vals []string, out []uint32, rest int) {
	if Repeats(vals) {
		// Few values (subjects from a handful of templates): the index
		// stays in cache, and ordering the rows would cost more.
		for i, v := range vals {
			out[i] = d.Code(c, v)
		}
		return
	}
	// Each value is read once, in row order, where its string usually
	// lies in memory (a file's decoded page, a batch built in order);
	// taken in hash order, each would be a cache miss or two.
	b := d.Batch(c, len(vals))
	clear(out[:len(vals)])
	b.SetRun(0, vals)
	b.Code(out, rest, func(i int) string { return vals[i] })
}

// A CodeBatch codes the values of rows given one at a time, all at once
// as [Dicts.CodeAll] does, for a caller that reads each row's value
// where it lies once (a conversation, while its other fields are coded)
// and need not keep every value in a slice for it.
type CodeBatch struct {
	d    *Dicts
	c    int
	recs []codeRec
	sc   *codeScratch
	// direct is set while the column's index is direct (see codeIndex)
	// and every value so far is one of its numbers: each is then kept as
	// its number, 4 bytes where a record takes 32, and found at its
	// number's slot, without a hash (see codeNumbers). The first value
	// that is not one sends it and the rest to records (see Code).
	direct bool
	// nums holds the numbers plus one of the values given while direct,
	// in the order given, each by its low 32 bits: the index takes them
	// only when they lie less than 2^32 apart (see codeNumbers), and
	// then a number's low bits less lo's are its distance from lo. rows
	// holds their rows, or is nil while they are rows base, base+1, and
	// so on, as a column with a value in every row gives them.
	nums  []uint32
	rows  []int32
	base  int
	lo    uint64 // the least and the greatest of the numbers, whole
	hi    uint64
	fixed bool // every number is written with the dictionary's width
	canon bool // no number is written with a leading zero
	// first is set when the batch's first value was coded at once, to
	// give an empty dictionary its form (see Set): firstRow's code is
	// firstCode.
	first     bool
	firstRow  int
	firstCode uint32
}

// Batch returns a CodeBatch of column c for n rows; only a [Table.Change]
// build function may call it, and code it.
func (d *Dicts) Batch(c, n int) *CodeBatch {
	sc := &codeScratch{}
	if d.scratch != nil { // within a Change
		sc = &d.scratch[c]
	}
	b := &CodeBatch{d: d, c: c, sc: sc, direct: d.idx[c].isDirect(&d.vals[c]), lo: math.MaxUint64, fixed: true, canon: true}
	if b.direct {
		if cap(sc.nums) < n {
			sc.nums = Populated(make([]uint32, 0, n))
		}
		b.nums = sc.nums[:0]
		return b
	}
	if cap(sc.a) < n {
		sc.a = Populated(make([]codeRec, 0, n)) // sc.b when the values are sorted
	}
	b.recs = sc.a[:0]
	return b
}

// Set gives row i's value; each row is given at most once, and a row not
// given is coded 0, as "" is.
func (b *CodeBatch) Set(i int, v string) {
	if v == "" {
		return
	}
	if b.direct && (b.setShort(i, v) || b.setNumber(i, v)) {
		return
	}
	b.recs = append(b.recs, newCodeRec(b.d.seed, i, v))
}

// SetRun gives rows at, at+1, … the values vals, as Set would one at a
// time, but those of the dictionary's form (a prefix and up to eight
// digits) in one loop (see setNumbers): a caller that reads each row's
// value where it lies gathers a block of them, and saves a call or three
// a row.
func (b *CodeBatch) SetRun(at int, vals []string) {
	i := 0
	if b.d.vals[b.c].Len() == 1 {
		// An empty dictionary (but ""): its first value gives it its
		// form, and the values after it are read by that form.
		for ; i < len(vals) && vals[i] == ""; i++ {
		}
		if i < len(vals) {
			b.Set(at+i, vals[i])
			i++
		}
	}
	for i = b.setNumbers(at, vals, i); i < len(vals); i++ {
		b.Set(at+i, vals[i])
	}
}

// setShort is setNumber of a value with up to eight digits after the
// dictionary's prefix of eight bytes or fewer, in rows given one after
// another: read as two words, as setNumbers reads them, where setNumber
// finds the value's form through calls (12 ns a contact ID, the longest
// field of a memory.New). It reports false, having set nothing, for any
// other value, or row.
func (b *CodeBatch) setShort(i int, v string) bool {
	x, f := &b.d.idx[b.c], &b.d.vals[b.c].num
	pl := len(f.pre)
	n := len(v) - pl
	if !x.direct || f.preMask == 0 || b.rows != nil || n <= 0 || n > 8 || len(v) < 8 ||
		len(b.nums) > 0 && i != b.base+len(b.nums) {
		return false
	}
	d, ok := shortNumber(v, n, f)
	if !ok {
		return false
	}
	if len(b.nums) == 0 {
		b.base = i
	}
	b.fixed = b.fixed && n == f.width
	b.canon = b.canon && (n == 1 || v[pl] != '0')
	b.lo, b.hi = min(b.lo, d+1), max(b.hi, d+1)
	b.nums = append(b.nums, uint32(d+1))
	return true
}

// shortNumber returns the number v writes in its last n digits (n at most
// eight) after f's prefix, and whether v is that prefix and n digits; v
// has eight bytes at least.
func shortNumber(v string, n int, f *digits) (uint64, bool) {
	head, tail := ends(v)
	d, ok := lastDigits(tail, n)
	return d, ok && head&f.preMask == f.preWord
}

// ends returns the first and the last eight bytes of v, which has eight
// at least, as words. It and lastDigits inline where shortNumber, the
// two together, is too large to: a loop over many values writes
// shortNumber's three lines out, and keeps its registers.
func ends(v string) (head, tail uint64) {
	p := unsafe.StringData(v)
	return binary.LittleEndian.Uint64(unsafe.Slice(p, 8)),
		binary.LittleEndian.Uint64(unsafe.Slice((*byte)(unsafe.Add(unsafe.Pointer(p), len(v)-8)), 8))
}

// setNumber keeps row i's value v as its number, and reports whether it
// could: while it is false, b is no longer direct.
func (b *CodeBatch) setNumber(i int, v string) bool {
	x, vals := &b.d.idx[b.c], &b.d.vals[b.c]
	if !x.direct {
		// An empty dictionary: the first value decides its form (a
		// prefix and digits, and how they are written), which the
		// others are read by, and whether the index is direct at all.
		b.first, b.firstRow, b.firstCode = true, i, b.d.Code(b.c, v)
		b.direct = x.direct
		return true
	}
	num, fixed, canon, ok := vals.num.fit(v)
	if !ok {
		b.direct = false
		return false
	}
	b.fixed, b.canon = b.fixed && fixed, b.canon && canon
	b.lo, b.hi = min(b.lo, num), max(b.hi, num)
	if b.rows == nil && i != b.base+len(b.nums) {
		if len(b.nums) == 0 {
			b.base = i
		} else {
			b.rows = make([]int32, len(b.nums), cap(b.nums))
			for k := range b.rows {
				b.rows[k] = int32(b.base + k)
			}
		}
	}
	if b.rows != nil {
		b.rows = append(b.rows, int32(i))
	}
	b.nums = append(b.nums, uint32(num))
	return true
}

// setNumbers is Set of vals[from], vals[from+1], … (rows at+from, …)
// while each is "" or a number of the form of the dictionary's numbers
// with up to eight digits, in one loop that reads each value as two words
// (its prefix, its digits) where Set finds each value's form through
// calls and tests of its own (12 ns a contact ID). The numbers kept
// before, if any, are of the rows just before, none skipped. It returns
// the index of the first value it did not set: that one, and those after
// it, are for Set.
func (b *CodeBatch) setNumbers(at int, vals []string, from int) int {
	x, f := &b.d.idx[b.c], &b.d.vals[b.c].num
	if !b.direct || !x.direct || b.rows != nil || f.preMask == 0 ||
		len(b.nums) > 0 && at+from != b.base+len(b.nums) {
		return from
	}
	pl := len(f.pre)
	nums, rows := slices.Grow(b.nums, len(vals)-from), b.rows
	fixed, canon, lo, hi := b.fixed, b.canon, b.lo, b.hi
	if len(nums) == 0 {
		b.base = at + from
	}
	k := from
	for ; k < len(vals); k++ {
		v := vals[k]
		if v == "" {
			// No value: the rows of the values are kept from here on.
			if rows == nil {
				rows = make([]int32, len(nums), cap(nums))
				for j := range rows {
					rows[j] = int32(b.base + j)
				}
			}
			continue
		}
		n := len(v) - pl
		if n <= 0 || n > 8 || len(v) < 8 {
			break
		}
		head, tail := ends(v) // shortNumber, written out (see ends)
		d, ok := lastDigits(tail, n)
		if !ok || head&f.preMask != f.preWord {
			break
		}
		fixed = fixed && n == f.width
		canon = canon && (n == 1 || v[pl] != '0')
		lo, hi = min(lo, d+1), max(hi, d+1)
		if rows != nil {
			rows = append(rows, int32(at+k))
		}
		nums = append(nums, uint32(d+1))
	}
	b.nums, b.rows, b.fixed, b.canon, b.lo, b.hi = nums, rows, fixed, canon, lo, hi
	return k
}

// row returns the row of nums[k].
func (b *CodeBatch) row(k int) int {
	if b.rows != nil {
		return int(b.rows[k])
	}
	return b.base + k
}

// newCodeRec returns the record of row i's value v.
func newCodeRec(seed maphash.Seed, i int, v string) codeRec {
	r := codeRec{h: maphash.String(seed, v), row: int32(i), n: uint32(len(v))}
	copy(r.head[:], v)
	return r
}

// Code sets out[i] to the code of row i's value, adding the new values;
// out must be zero where no value was given. value returns the value of
// a row again, for values longer than a few bytes: the batch keeps only
// their hashes and first bytes. rest is as for CodeAll, with the rows
// given as vals.
func (b *CodeBatch) Code(out []uint32, rest int, value func(i int) string) {
	d, c, n := b.d, b.c, len(out)
	x := &d.idx[c]
	if b.first {
		out[b.firstRow] = b.firstCode
	}
	switch {
	case len(b.nums) == 0:
	case b.codeNumbers(n, rest):
		if b.rows == nil {
			copy(out[b.base:], b.nums)
		} else {
			for k, code := range b.nums {
				out[b.rows[k]] = code
			}
		}
	default:
		// Not all of one form, or too far apart for the index: they are
		// hashed and coded in hash order with the rest, as below (find
		// and add serve a direct index too, and turn it).
		recs := make([]codeRec, 0, len(b.nums)+len(b.recs))
		for k := range b.nums {
			i := b.row(k)
			recs = append(recs, newCodeRec(d.seed, i, value(i)))
		}
		b.recs = append(recs, b.recs...)
	}
	recs := b.recs
	if len(recs) == 0 {
		return
	}
	// Sorted by as many top bits as the index can need: every value new.
	most := x.n + len(recs) + int(int64(len(recs))*int64(rest)/int64(max(n, 1)))
	slotBits := max(mbits.Len(uint(2*most)), mbits.Len(uint(len(x.slots))))
	passes := min(3, (slotBits+10)/11)
	if cap(b.sc.b) < len(recs) {
		b.sc.b = make([]codeRec, len(recs))
	}
	recs = sortCodeRecs(recs, b.sc.b[:len(recs)], passes)
	// Room for every distinct hash at once, so that the slots stay put.
	// And room for their bytes: appending a value at a time would copy the
	// buffer each time it grows. Hashes are distinct within each run of
	// equal sorted bits, a hash or two long.
	distinct, bytes := 0, 0
	var run []uint64 // the distinct hashes of the current run
	sortedBits := uint(64 - 11*passes)
	for k := range recs {
		h := recs[k].h
		if k == 0 || h>>sortedBits != recs[k-1].h>>sortedBits {
			run = run[:0]
		}
		if !slices.Contains(run, h) {
			run = append(run, h)
			distinct++
			bytes += int(recs[k].n)
		}
	}
	// Room for the values of the change's rows still to come, in
	// proportion: the index and the dictionary then grow about once a
	// change (see Dicts.Last for the room a load's last change did not
	// need).
	more := func(k int) int { return k + int(int64(k)*int64(rest)/int64(max(n, 1))) }
	x.reserve(&d.vals[c], d.seed, x.n+more(distinct))
	d.vals[c].grow(more(distinct), more(bytes))
	for k := range recs {
		r := &recs[k]
		var v string
		if r.n <= codeRecHead {
			v = unsafe.String(&r.head[0], r.n)
		} else {
			v = value(int(r.row))
		}
		code, ok := x.find(&d.vals[c], r.h, v)
		if !ok {
			code = uint32(d.vals[c].Len())
			d.vals[c].Add(v)
			x.add(&d.vals[c], d.seed, r.h, code)
		}
		r.n = code // the length is read no more
	}
	// Rows in hash order are stores all over out: apart, they do not stall
	// the lookups (each a few calls deep) for room to store.
	for k := range recs {
		out[recs[k].row] = recs[k].n
	}
}

// Codes returns the code of each of n rows' values, as Code sets them in
// an out of n rows, in the buffer that held the batch's numbers when
// every value was kept as one (as a load's contact IDs are): the column
// then asks the heap for no slice of a row each beside it, 4 MB at 1M
// rows. The slice is the caller's; the batch is spent.
func (b *CodeBatch) Codes(n, rest int, value func(i int) string) []uint32 {
	if len(b.recs) > 0 || len(b.nums) == 0 || cap(b.nums) < n || !b.codeNumbers(n, rest) {
		out := Populated(make([]uint32, n))
		b.Code(out, rest, value)
		return out
	}
	// Each code to its row, from the last: a row is at or after its
	// value's place in nums, so no code is written over one not yet
	// moved. The rows with no value hold numbers, or whatever the
	// buffer held before: cleared.
	buf, m := b.nums[:n], len(b.nums)
	if b.rows == nil {
		copy(buf[b.base:], buf[:m])
		clear(buf[:b.base])
		clear(buf[b.base+m:])
	} else {
		end := n
		for k := m - 1; k >= 0; k-- {
			r := int(b.rows[k])
			code := buf[k]
			clear(buf[r+1 : end])
			buf[r] = code
			end = r
		}
		clear(buf[:end])
	}
	if b.first {
		buf[b.firstRow] = b.firstCode
	}
	b.nums, b.sc.nums = nil, nil
	return buf
}

// codeNumbers is Code for the values kept as numbers (see CodeBatch.direct):
// each is found at its number's slot of the direct index. It reports
// false, coding none, when they are not all written one way the
// dictionary can keep, or lie beyond the index's reach. The new values
// take their codes in the order of their numbers; each value's code
// takes its number's place in nums. n is the rows of the batch.
func (b *CodeBatch) codeNumbers(n, rest int) bool {
	d, c, nums := b.d, b.c, b.nums
	x, vals := &d.idx[c], &d.vals[c]
	// As many new values as rows may come, these and the change's rows
	// still to come in proportion: that bounds how far apart the numbers
	// may lie.
	more := func(k int) int { return int(int64(k) * int64(rest) / int64(max(n, 1))) }
	x.want = max(x.want, x.n+len(nums)+more(len(nums)))
	fixed, canon := vals.num.fixed && b.fixed, vals.num.canon && b.canon
	lo, hi := b.lo, b.hi
	if !fixed && !canon || hi-lo >= 1<<32 || !x.reach(lo, hi) {
		return false
	}
	b.sc.nums = nums[:0] // had nums outgrown it, the buffer they grew into
	// The new values are added as their numbers, written as all now are.
	vals.num.fixed, vals.num.canon = fixed, canon
	slots := x.slots[lo-x.lo : hi-x.lo+1]
	var added int
	if uint64(len(slots)) <= 8*uint64(len(nums)) {
		added = b.codeDense(slots, more)
	} else {
		added = b.codeSpread(slots, more)
	}
	x.n += added
	x.min, x.max = min(x.min, lo), max(x.max, hi)
	return true
}

// codeDense is codeNumbers for numbers that lie close together, a few
// slots or fewer a value (a load's contact IDs). Each number sets its bit
// in a bitmap of the batch's range of slots, a few dozen kilobytes that
// stay in cache, where marking the slots themselves, megabytes of them,
// wrote a line out of cache for each value. The bitmap is then walked in
// number order: each number seen whose slot has no code is new, and
// given the next code, its slot read and written in order. Last, each
// row's code is read from its slot: loads that depend on nothing before
// them, which the core keeps many of in flight, where sorting the
// numbers first cost more than their misses. Each value's code takes its
// number's place in nums. It returns how many values were new.
func (b *CodeBatch) codeDense(slots []uint32, more func(int) int) int {
	nums, lo, vals, sc := b.nums, uint32(b.lo), &b.d.vals[b.c], b.sc
	words := (len(slots) + 63) / 64
	sc.seen = slices.Grow(sc.seen[:0], words)[:words]
	clear(sc.seen)
	seen := sc.seen
	for _, v := range nums {
		i := v - lo // the distance from lo (see CodeBatch.nums)
		seen[i/64] |= 1 << (i % 64)
	}
	distinct := 0
	for _, m := range seen {
		distinct += mbits.OnesCount64(m)
	}
	// The new values' numbers, from lo, as they are found. Without a
	// branch on whether a value is new (new and known values come at
	// random), each number seen is written at the next new value's
	// place: the j-th at most at j, within as many places as numbers.
	sc.fresh = slices.Grow(sc.fresh[:0], distinct)[:distinct]
	fresh := sc.fresh
	code, k := uint32(vals.Len()), 0
	for w, m := range seen {
		for ; m != 0; m &= m - 1 {
			i := w*64 + mbits.TrailingZeros64(m)
			s := slots[i]
			isNew := B2U32(s == 0)
			slots[i] = s | code&-isNew
			fresh[k] = uint32(i)
			k += int(isNew)
			code += isNew
		}
	}
	added := k
	// Room for the new values, and for the values of the change's rows
	// still to come in proportion (see Dicts.Last).
	vals.grow(added+more(added), 0)
	for _, i := range fresh[:added] {
		vals.num.push(b.lo + uint64(i))
	}
	for k, v := range nums {
		nums[k] = slots[v-lo]
	}
	return added
}

// codeSpread is codeNumbers for numbers spread over many more slots than
// there are values (a chunk of a large load's contact IDs, over tens of
// millions of slots): taken in the rows' order, each would miss the
// cache, so they are sorted by number first and the slots read from one
// end to the other. Each value's code takes its number's place in nums.
// It returns how many values were new.
func (b *CodeBatch) codeSpread(slots []uint32, more func(int) int) int {
	nums, lo, vals, sc := b.nums, b.lo, &b.d.vals[b.c], b.sc
	if cap(sc.keys) < len(nums) {
		sc.keys = make([]uint64, len(nums))
	}
	if cap(sc.keys2) < len(nums) {
		sc.keys2 = make([]uint64, len(nums))
	}
	// Each value's number, from lo (see CodeBatch.nums), above its place
	// in nums: sorted by the number's top bits.
	keys := sc.keys[:len(nums)]
	for k, v := range nums {
		keys[k] = uint64(v-uint32(lo))<<32 | uint64(k)
	}
	keys = sortByNumber(keys, sc.keys2[:len(nums)], mbits.Len64(b.hi-lo))
	added := 0
	for j, key := range keys {
		v := key >> 32
		code := slots[v]
		if code == 0 {
			code = uint32(vals.Len())
			vals.num.push(lo + v)
			slots[v] = code
			added++
		}
		keys[j] = uint64(code)<<32 | uint64(uint32(key))
	}
	// The codes to the values' places: stores all over nums, in a loop
	// of their own (see Code).
	for _, key := range keys {
		nums[uint32(key)] = uint32(key >> 32)
	}
	// Room for the values of the change's rows still to come, in
	// proportion to the new values of these (see Dicts.Last).
	vals.grow(more(added), 0)
	return added
}

// sortByNumber sorts keys, each a number of bits bits above 32 bits of
// other data, by the top 22 bits of the number at most, equal ones in the
// order they came: enough that the numbers of a direct index of up to 4M
// slots come in order, and of a larger one to within 2^(bits−22) slots
// (16, a cache line of them, for 60M contacts).
// buf, as long as keys, is the other buffer of the sort; the result is in
// one of the two.
func sortByNumber(keys, buf []uint64, bits int) []uint64 {
	passes := min(2, (bits+10)/11)
	low := max(0, bits-11*passes) // the bits below those sorted
	if len(keys) < smallSort {
		shift, mask := uint(32+low), uint64(1)<<(11*passes)-1
		slices.SortStableFunc(keys, func(x, y uint64) int { return cmp.Compare(x>>shift&mask, y>>shift&mask) })
		return keys
	}
	return sortByNumberRadix(keys, buf, bits)
}

// sortByNumberRadix is sortByNumber by radix.
func sortByNumberRadix(keys, buf []uint64, bits int) []uint64 {
	passes := min(2, (bits+10)/11)
	low := max(0, bits-11*passes) // the bits below those sorted
	a, b := keys, buf
	for p := range passes {
		shift := uint(32 + low + 11*p)
		var count [1 << 11]int
		for _, k := range a {
			count[k>>shift&(1<<11-1)]++
		}
		at := 0
		for d, c := range count {
			count[d] = at
			at += c
		}
		for _, k := range a {
			d := k >> shift & (1<<11 - 1)
			b[count[d]] = k
			count[d]++
		}
		a, b = b, a
	}
	return a
}

// codeRecHead is how many bytes of a value a codeRec holds: a contact ID
// or a number fits.
const codeRecHead = 16

// codeRec is a value as CodeAll takes it: its hash, its row, its length
// and, when it fits, the value itself, so that the values in hash order
// are read from one array front to back.
type codeRec struct {
	h    uint64
	row  int32
	n    uint32
	head [codeRecHead]byte
}

// sortCodeRecs sorts recs by the top 11×passes bits of their hashes,
// equal ones in row order, in passes of 11 bits from the lowest: enough
// bits to order the values by their first slots in an index of up to
// 2^(11×passes) slots. The bits below are not sorted, so values of
// another hash may lie between two of one hash where the sorted bits
// agree. buf, as long as recs, is the other buffer of the sort; the result
// is in one of the two.
func sortCodeRecs(recs, buf []codeRec, passes int) []codeRec {
	if len(recs) < smallSort {
		bits := uint(64 - 11*passes)
		slices.SortStableFunc(recs, func(x, y codeRec) int { return cmp.Compare(x.h>>bits, y.h>>bits) })
		return recs
	}
	return sortCodeRecsRadix(recs, buf, passes)
}

// sortCodeRecsRadix is sortCodeRecs by radix.
func sortCodeRecsRadix(recs, buf []codeRec, passes int) []codeRec {
	a, b := recs, buf
	var counts [3][1 << 11]int
	for k := range a {
		h := a[k].h
		for p := range passes {
			counts[p][h>>(64-11*(passes-p))&(1<<11-1)]++
		}
	}
	for p := range passes {
		shift := uint(64 - 11*(passes-p))
		count := &counts[p]
		at := 0
		for d, c := range count {
			count[d] = at
			at += c
		}
		for k := range a {
			d := a[k].h >> shift & (1<<11 - 1)
			b[count[d]] = a[k]
			count[d]++
		}
		a, b = b, a
	}
	return a
}

// Repeats reports whether the first values of vals repeat: fewer than a
// quarter of a sample of them are distinct.
func Repeats(vals []string) bool {
	sample := vals[:min(len(vals), 4096)]
	seen := make(map[string]struct{}, min(64, len(sample)))
	for _, v := range sample {
		seen[v] = struct{}{}
		if 4*len(seen) >= len(sample) {
			return false
		}
	}
	return true
}

// codeIndex finds a dictionary value's code by the value's hash: open
// addressing over codes (0 marks an empty slot), kept at most half full.
// An entry costs 4 to 8 bytes where a map[string]uint32 costs about 40,
// which matters for a column of near-unique values (a contact ID): the
// index is most of its dictionary's weight. A value's first slot is the
// top bits of its hash, so that values taken in hash order fill the slots
// in order (see CodeAll).
//
// Codes are below the number of slots, so a slot has bits to spare above
// its code; they hold the next bits of the value's hash, a tag that lets a
// probe pass most slots of other values without reading their strings.
//
// While the dictionary keeps its values as numbers (see Strs) and they lie
// close together, as a helpdesk's contact IDs do, the index is direct
// instead: slots[v-lo] is the code of the value whose number plus one is
// v, 0 where none is. A value is then found by its number, with no hash,
// no probe and no order to take the values in, in at most as many slots
// as hashing would take. The first value that is not a number, or lies
// too far from the others, turns the index to hashing, once.
type codeIndex struct {
	slots []uint32 // hashed: a power of two of them
	shift uint     // hashed: 64 − log2(len(slots))
	n     int
	// direct is set while the index is direct, from lo: the first
	// value's number or below.
	direct bool
	lo     uint64
	// min and max are the least and the greatest number a direct index
	// holds.
	min, max uint64
	// want is how many codes the index was last asked room for, which
	// bounds how far apart direct numbers may lie.
	want int
}

// isDirect reports whether the index is direct, or would become so with
// its first value: it holds none and vals are numbers.
func (x *codeIndex) isDirect(vals *Strs) bool {
	return x.direct || x.n == 0 && !vals.inBuf
}

// tag is the part of a slot that h gives it: the hash bits after those
// of its first slot, above the code's bits.
func (x *codeIndex) tag(h uint64) uint32 {
	return uint32(h>>32) << (64 - x.shift)
}

// find returns the code of s, whose hash is h, among vals.
func (x *codeIndex) find(vals *Strs, h uint64, s string) (uint32, bool) {
	if x.direct {
		// vals are numbers: the index stops being direct when they stop.
		v, ok := vals.num.parse(s)
		if !ok || v < x.lo || v-x.lo >= uint64(len(x.slots)) {
			return 0, false
		}
		k := x.slots[v-x.lo]
		return k, k != 0
	}
	if len(x.slots) == 0 {
		return 0, false
	}
	mask := uint64(len(x.slots) - 1)
	tag := x.tag(h)
	// A list of numbers reads s once, at the first slot whose tag agrees
	// (most new values meet none), and then compares numbers.
	var v uint64
	parsed := false
	for i := h >> x.shift; ; i = (i + 1) & mask {
		e := x.slots[i]
		if e == 0 {
			return 0, false
		}
		if e&^uint32(mask) != tag {
			continue
		}
		k := e & uint32(mask)
		if vals.inBuf {
			if vals.At(int(k)) == s {
				return k, true
			}
			continue
		}
		if !parsed {
			var ok bool
			if v, ok = vals.num.parse(s); !ok {
				return 0, false
			}
			parsed = true
		}
		if vals.num.at(int(k)) == v {
			return k, true
		}
	}
}

// add indexes code k, the value of hash h, growing the index when it
// would pass half full.
func (x *codeIndex) add(vals *Strs, seed maphash.Seed, h uint64, k uint32) {
	if (x.direct || x.n == 0) && !vals.inBuf && x.place(vals.num.at(int(k)), k) {
		return
	}
	if x.direct || len(x.slots) == 0 {
		// Not a number, or too far from the others: hashed from now on,
		// in room for the codes asked for. (A direct index's callers need
		// not have hashed the value.)
		x.direct, x.lo = false, 0
		size := 16
		for 2*max(x.n+1, x.want) > size {
			size *= 2
		}
		x.resize(vals, seed, size, int(k))
		h = vals.Hash(seed, int(k))
	}
	if 2*(x.n+1) > len(x.slots) {
		x.resize(vals, seed, max(16, 2*len(x.slots)), int(k))
	}
	x.put(h, k)
}

// reserve grows the index, if it must, to hold n codes at most half full.
func (x *codeIndex) reserve(vals *Strs, seed maphash.Seed, n int) {
	x.want = n
	if x.isDirect(vals) || 2*n <= len(x.slots) {
		return
	}
	size := max(16, len(x.slots))
	for 2*n > size {
		size *= 2
	}
	x.resize(vals, seed, size, vals.Len())
}

// resize makes the index size slots and indexes codes 1 to below end.
func (x *codeIndex) resize(vals *Strs, seed maphash.Seed, size, end int) {
	x.slots = make([]uint32, size)
	x.shift = uint(64 - mbits.TrailingZeros(uint(size)))
	x.n = 0
	for code := 1; code < end; code++ {
		x.put(vals.Hash(seed, code), uint32(code))
	}
}

// place indexes code k, whose number plus one is v, in the direct index,
// widening it to reach v while it takes at most as many slots as hashing
// the codes it may be asked to hold would take (four a code); it reports
// false, changing nothing, when v is 0 ("") or lies farther.
func (x *codeIndex) place(v uint64, k uint32) bool {
	if v == 0 {
		return false
	}
	if len(x.slots) == 0 {
		x.slots, x.lo, x.min, x.max, x.direct = make([]uint32, 1), v, v, v, true
	}
	if v < x.lo || v-x.lo >= uint64(len(x.slots)) {
		// Twice the reach, on the side v lies: widened a value at a time,
		// the slots would be copied each time.
		lo, hi := min(x.min, v), max(x.max, v)
		from, to, room := lo, hi, uint64(len(x.slots))
		if v < x.min {
			from -= min(lo-1, room) // numbers start at 1: 0 is ""
		} else {
			to += room
		}
		if !x.widen(from, to, lo, hi) {
			return false
		}
	}
	x.slots[v-x.lo] = k
	x.min, x.max = min(x.min, v), max(x.max, v)
	x.n++
	return true
}

// reach widens a direct index to reach numbers lo to hi, as place would,
// and reports whether it could: they lie within the limit.
func (x *codeIndex) reach(lo, hi uint64) bool {
	if len(x.slots) == 0 {
		return false // a direct index has its first value
	}
	if lo >= x.lo && hi-x.lo < uint64(len(x.slots)) {
		return true
	}
	// Room for as many more numbers as it holds, on the side they were
	// asked past: upserts that each bring the next number (a new contact)
	// copied every slot each time, 1-2 ms an upsert at 1M. The room is
	// that of the numbers held before, so that a load, which reaches its
	// numbers from its first, takes no more slots than they need.
	need, needHi := min(lo, x.min), max(hi, x.max)
	from, to, room := need, needHi, x.max-x.min+1
	if lo < x.lo {
		from -= min(need-1, room) // numbers start at 1: 0 is ""
	}
	if hi >= x.lo+uint64(len(x.slots)) {
		to += room
	}
	return x.widen(from, to, need, needHi)
}

// widen makes the slots reach numbers from to to, cut to the limit but
// reaching need to needHi, and reports whether they can: those may take at
// most the limit. The numbers the index holds lie between need and
// needHi.
func (x *codeIndex) widen(from, to, need, needHi uint64) bool {
	limit := x.limit()
	if needHi-need >= limit {
		return false
	}
	if to-from >= limit {
		// The room asked for past what is needed, cut to the limit, on
		// the side it was asked for: below first, when on both.
		spare := limit - (needHi - need + 1)
		below := min(need-from, spare)
		from, to = need-below, needHi+min(to-needHi, spare-below)
	}
	slots := Populated(make([]uint32, to-from+1))
	copy(slots[x.min-from:], x.slots[x.min-x.lo:x.max-x.lo+1])
	x.slots, x.lo = slots, from
	return true
}

// limit is the most slots a direct index may take: four a code it holds
// or was asked room for, as hashing them could take.
func (x *codeIndex) limit() uint64 { return uint64(max(1024, 4*(x.n+1), 4*x.want)) }

// put indexes code k, which is below len(x.slots), under hash h.
func (x *codeIndex) put(h uint64, k uint32) {
	mask := uint64(len(x.slots) - 1)
	i := h >> x.shift
	for x.slots[i] != 0 {
		i = (i + 1) & mask
	}
	x.slots[i] = k | x.tag(h)
	x.n++
}

// Table is an immutable snapshot of rows: segments, and the rows of each
// that this snapshot no longer holds. It is safe for concurrent use.
type Table struct {
	dicts *Dicts
	kinds []Kind
	// createdCol is the column that aliases each segment's Created.
	createdCol int
	// views[c] is column c's dictionary as of this snapshot.
	views []Strs
	segs  []*Segment
	// dead[i] marks the rows of segs[i] removed in this snapshot (nil: none).
	dead []*tombs
	n    int // live rows
}

// New returns an empty table of columns of the given kinds; createdCol is
// the int column of creation times, which every segment holds as Created.
func New(kinds []Kind, createdCol int) *Table {
	d := &Dicts{vals: make([]Strs, len(kinds)), idx: make([]codeIndex, len(kinds)), seed: maphash.MakeSeed()}
	for c, k := range kinds {
		switch k {
		case Strings:
			d.vals[c] = NewStrs(1, 0)
			d.vals[c].Add("")
		case Bools:
			d.vals[c] = boolDict
			for code := 1; code < boolDict.Len(); code++ {
				d.idx[c].add(&boolDict, d.seed, maphash.String(d.seed, boolDict.At(code)), uint32(code))
			}
		}
	}
	return &Table{dicts: d, kinds: slices.Clone(kinds), createdCol: createdCol, views: slices.Clone(d.vals)}
}

// Len returns the number of live rows.
func (t *Table) Len() int { return t.n }

// Segments returns the table's segments, for reading only.
func (t *Table) Segments() []*Segment { return t.segs }

// Dict returns column c's dictionary as of this snapshot: code k is
// Dict(c).At(k). It must not be added to.
func (t *Table) Dict(c int) *Strs { return &t.views[c] }

// Lookup returns s's code in column c's dictionary, if a row of this
// snapshot's dictionaries has it.
func (t *Table) Lookup(c int, s string) (uint32, bool) {
	h := maphash.String(t.dicts.seed, s)
	t.dicts.mu.Lock()
	k, ok := t.dicts.idx[c].find(&t.dicts.vals[c], h, s)
	t.dicts.mu.Unlock()
	return k, ok && int(k) < t.views[c].Len()
}

// Change returns a new snapshot in which the live rows with the IDs of
// kill are dead and the segment build returns (nil for none) is added.
// build runs with the dictionaries locked, the only time [Dicts.Code] may
// be called, and must return a sealed segment sorted by creation time
// whose IDs are new to the snapshot.
//
// The cost is about that of the change: each ID is found through the
// segments' hash indexes, killed rows are marked dead in a copy of the few
// chunks they are in, and the new rows form a segment of their own.
// Segments are merged as they grow (each into one at least twice its
// size, up to 16M rows), which drops dead rows; so every row is copied
// O(log n) times over its life, and a segment more than half dead is
// rewritten.
func (t *Table) Change(kill []string, build func(*Dicts) *Segment) *Table {
	t.dicts.mu.Lock()
	defer t.dicts.mu.Unlock()
	nt := &Table{dicts: t.dicts, kinds: t.kinds, createdCol: t.createdCol, segs: slices.Clone(t.segs), dead: slices.Clone(t.dead), n: t.n}
	if len(kill) > 0 {
		k := killer{t: nt, own: map[*Mask]bool{}, ownGroups: map[**Mask]bool{}, ownTombs: map[*tombs]bool{}}
		for _, id := range kill {
			k.kill(id)
		}
	}
	before := make([]int, len(t.dicts.vals))
	for c := range before {
		before[c] = t.dicts.vals[c].Len()
	}
	// Made before build, whose columns may be coded concurrently.
	t.dicts.scratch = make([]codeScratch, len(t.dicts.vals))
	seg := build(t.dicts)
	t.dicts.scratch = nil
	last := t.dicts.last
	t.dicts.last = false
	for c := range before {
		if added := t.dicts.vals[c].Len() - before[c]; last || 2*added > t.dicts.vals[c].Len() {
			// The dictionary is mostly this change's, or the load that
			// grew it ahead is over: give back the room left unused.
			t.dicts.vals[c].clip()
		}
	}
	if seg != nil && seg.N > 0 {
		nt.segs = append(nt.segs, seg)
		nt.dead = append(nt.dead, nil)
		nt.n += seg.N
	}
	nt.compact()
	nt.views = slices.Clone(t.dicts.vals)
	return nt
}

// tombs marks the dead rows of a segment in one snapshot: a bitmap per
// chunk of ChunkRows rows (nil where none is dead), in groups of
// tombGroup chunks (nil where none of them has one). Snapshots share
// unchanged groups and chunks: a change copies the list of groups, and
// only the groups and chunks it touches. A flat list of chunks was copied
// whole by every change that killed a row of the segment: at 16M rows,
// 128 KB of pointers for an upsert of one conversation.
type tombs struct {
	groups [][]*Mask
	n      int // dead rows
}

// tombGroup is how many chunks a group of tombs holds (65,536 rows).
const tombGroup = 64

// chunk returns the bitmap of chunk c, nil where none of its rows is dead.
func (d *tombs) chunk(c int) *Mask {
	if g := d.groups[c/tombGroup]; g != nil {
		return g[c%tombGroup]
	}
	return nil
}

// killer marks rows dead in a fresh snapshot t, whose dead slice is its
// own while its tombs and their chunks are shared with older snapshots
// until copied. It copies each only once per change: own holds what this
// change made.
type killer struct {
	t         *Table
	own       map[*Mask]bool
	ownGroups map[**Mask]bool // by a group's first element
	ownTombs  map[*tombs]bool
}

// kill marks the live row with id dead, if there is one.
func (k *killer) kill(id string) {
	t := k.t
	si, r, ok := t.Find(id)
	if !ok {
		return
	}
	d := t.dead[si]
	switch {
	case d == nil:
		chunks := (t.segs[si].N + ChunkRows - 1) / ChunkRows
		d = &tombs{groups: make([][]*Mask, (chunks+tombGroup-1)/tombGroup)}
	case !k.ownTombs[d]:
		d = &tombs{groups: slices.Clone(d.groups), n: d.n}
	}
	k.ownTombs[d] = true
	t.dead[si] = d
	c := r / ChunkRows
	g := d.groups[c/tombGroup]
	switch {
	case g == nil:
		g = make([]*Mask, tombGroup)
	case !k.ownGroups[&g[0]]:
		g = slices.Clone(g)
	}
	k.ownGroups[&g[0]] = true
	d.groups[c/tombGroup] = g
	m := g[c%tombGroup]
	if !k.own[m] {
		nm := new(Mask)
		if m != nil {
			*nm = *m
		}
		m = nm
		k.own[m] = true
		g[c%tombGroup] = m
	}
	m[(r%ChunkRows)/64] |= 1 << (r % 64)
	d.n++
	t.n--
}

// has reports whether row r is dead; a nil tombs has none.
func (d *tombs) has(r int) bool {
	if d == nil {
		return false
	}
	m := d.chunk(r / ChunkRows)
	return m != nil && m[(r%ChunkRows)/64]&(1<<(r%64)) != 0
}

// IsDead reports whether row r of segment si is dead in this snapshot.
func (t *Table) IsDead(si, r int) bool { return t.dead[si].has(r) }

// Live returns the mask of the live rows of the chunk of segment si that
// starts at base and holds n rows.
func (t *Table) Live(si, base, n int) Mask {
	var m Mask
	t.LiveInto(&m, si, base, n)
	return m
}

// LiveInto sets m to [Table.Live](si, base, n), writing it in place: a
// drill-down calls it for every chunk, where a copy of the mask shows.
func (t *Table) LiveInto(m *Mask, si, base, n int) {
	if n == ChunkRows {
		for w := range m {
			m[w] = ^uint64(0)
		}
	} else {
		*m = Ones(n)
	}
	if d := t.dead[si]; d != nil {
		if dm := d.chunk(base / ChunkRows); dm != nil {
			for w := range m {
				m[w] &^= dm[w]
			}
		}
	}
}

// Stored returns how many rows the segments hold, live or dead: what
// reclaiming dead rows brings down.
func (t *Table) Stored() int {
	n := 0
	for _, s := range t.segs {
		n += s.N
	}
	return n
}

// Find returns the segment and row of the live row with id.
func (t *Table) Find(id string) (si, r int, ok bool) {
	h := idHash(t.dicts.seed, id)
	for si, seg := range t.segs {
		if r, ok := seg.rowOf(id, h); ok && !t.IsDead(si, r) {
			return si, r, true
		}
	}
	return 0, 0, false
}

// IDKeys are the IDs of a batch hashed as the table's segment indexes hash
// them, in ascending order of hash, each with its position in the batch.
// Made once ([Table.HashIDs]), they find the batch's repeated IDs
// ([IDKeys.FirstOfEach]) and the IDs the table already holds
// ([Table.PresentKeys]), and index the batch's segment
// ([Segment.IndexIDKeys]): three passes over the IDs become one.
type IDKeys struct {
	sorted []uint32
	at     []int32
}

// Len is the number of IDs hashed.
func (k IDKeys) Len() int { return len(k.at) }

// HashIDs hashes id(0) … id(n-1), on both cores, and sorts them, in
// buffers from sc (nil: fresh ones).
func (t *Table) HashIDs(n int, id func(i int) string, sc *SortScratch) IDKeys {
	hs := sc.keys(n)
	ParallelRows(n, []func(){func() { hashIDs(t.dicts.seed, hs[:n/2], 0, id) }, func() { hashIDs(t.dicts.seed, hs[n/2:], n/2, id) }})
	return KeysOf(hs, sc)
}

// IDHash is an ID's hash, as HashIDs hashes it: a caller that reads each
// ID anyway hashes it then, and makes the keys with KeysOf.
func (t *Table) IDHash(id string) uint32 { return idHash(t.dicts.seed, id) }

// KeysOf sorts hs, IDs hashed by IDHash in batch order, into keys, in
// buffers from sc (nil: fresh ones). It takes hs over.
func KeysOf(hs []uint32, sc *SortScratch) IDKeys {
	sorted, at := SortedByKey(hs, sc)
	return IDKeys{sorted, at}
}

// Positions returns the batch position of each hash in ascending order:
// the buffer a caller done with the keys may give back to a SortScratch.
func (k IDKeys) Positions() []int32 { return k.at }

// FirstOfEach returns, for each position of the batch, the first position
// whose ID is the same (itself when none comes before it). IDs are
// compared only within runs of equal hashes, which keep position order.
func (k IDKeys) FirstOfEach(id func(i int) string) []int32 {
	return firstOfEach(k.sorted, k.at, id)
}

// Repeated reports whether any ID of the batch is another's, as
// FirstOfEach would find, without writing a position a row: the usual
// answer is no, and its IDs are compared only within runs of equal
// hashes.
func (k IDKeys) Repeated(id func(i int) string) bool {
	s := k.sorted
	for lo := 0; lo < len(s); {
		hi := lo + 1
		for hi < len(s) && s[hi] == s[lo] {
			hi++
		}
		for a := lo; a < hi; a++ {
			for b := lo; b < a; b++ {
				if id(int(k.at[a])) == id(int(k.at[b])) {
					return true
				}
			}
		}
		lo = hi
	}
	return false
}

// Present returns, in ascending order, the positions i < n whose ID id(i)
// a live row holds.
func (t *Table) Present(n int, id func(i int) string) []int {
	if len(t.segs) == 0 || n == 0 {
		return nil
	}
	if n < 4096 {
		// Too few to pay for sorting: the probes are few.
		var out []int
		for i := range n {
			if _, _, ok := t.Find(id(i)); ok {
				out = append(out, i)
			}
		}
		return out
	}
	return t.PresentKeys(t.HashIDs(n, id, nil), id)
}

// PresentKeys is [Table.Present] over IDs already hashed. It probes each
// segment's index in hash order, so that the probes walk the index from
// one end to the other: probed in the IDs' order, each would miss the
// cache of an index of millions of rows, and a batch of millions would
// wait on memory for most of its time.
func (t *Table) PresentKeys(keys IDKeys, id func(i int) string) []int {
	n := len(keys.sorted)
	sorted, order := keys.sorted, keys.at
	// A job per segment and half of the hashes, each with its own finds.
	var jobs []func()
	var found [][]int
	for si, seg := range t.segs {
		for _, part := range [][2]int{{0, n / 2}, {n / 2, n}} {
			k := len(found)
			found = append(found, nil)
			jobs = append(jobs, func() {
				for j := part[0]; j < part[1]; j++ {
					// A hashed segment reads the ID only for a row whose
					// hash bits agree: reading each would be a cache miss.
					if r, ok := seg.rowOf(id(int(order[j])), sorted[j]); ok && !t.IsDead(si, r) {
						found[k] = append(found[k], int(order[j]))
					}
				}
			})
		}
	}
	ParallelRows(n, jobs)
	return positions(found)
}

// ApartFrom reports whether no live row of t can have an ID of ids, whose
// values are Rising, by their numbers alone: every segment is numbered
// and [Strs.Apart] from ids. A batch so apart needs no ID hashed to know
// that its IDs are new.
func (t *Table) ApartFrom(ids *Strs) bool {
	for _, seg := range t.segs {
		if !seg.numbered || !seg.IDs.Apart(ids) {
			return false
		}
	}
	return true
}

// RisingApart reports whether the n IDs id(0), …, id(n-1) are one prefix
// followed by digits whose numbers rise strictly, past or before those of
// every ID of t with the prefix, every segment of t being numbered. Such
// IDs repeat none of their own nor any of t's, as ApartFrom shows of a
// segment's: a batch appended to a table numbered in creation order,
// today's conversations after yesterday's, needs no ID hashed. It reads
// each ID once, on every core.
func (t *Table) RisingApart(n int, id func(i int) string) bool {
	var f digits
	if n == 0 || !f.add(id(0)) || f.at(0) == 0 {
		return false
	}
	for _, seg := range t.segs {
		if !seg.numbered {
			return false
		}
	}
	// In runs, each rising within itself and, checked after, past the
	// one before.
	const run = 64 << 10
	runs := (n + run - 1) / run
	first, last := make([]uint64, runs), make([]uint64, runs) // numbers plus one; last 0: no
	jobs := make([]func(), runs)
	for k := range jobs {
		jobs[k] = func() {
			var prev uint64
			for i := k * run; i < min(n, (k+1)*run); i++ {
				// fit reads f and writes nothing.
				v, _, _, ok := f.fit(id(i))
				if !ok || v <= prev {
					return
				}
				prev = v
				if i == k*run {
					first[k] = v
				}
			}
			last[k] = prev
		}
	}
	ParallelRows(n, jobs)
	for k := range runs {
		if last[k] == 0 || k > 0 && first[k] <= last[k-1] {
			return false
		}
	}
	for _, seg := range t.segs {
		if !seg.IDs.num.apart(f.pre, first[0], last[runs-1]) {
			return false
		}
	}
	return true
}

// Hashes returns the batch's hashes, in ascending order.
func (k IDKeys) Hashes() []uint32 { return k.sorted }

// PresentAmong is [Table.PresentKeys] for a table whose rows' hashes are
// known, each earlier batch's in ascending order (its IDKeys.Hashes): the
// batch's hashes are merged with each list, and only an ID whose hash a
// list has is looked up. A load of many batches would otherwise probe
// every earlier segment's index once per ID, a cost that grows with the
// square of the batches.
func (t *Table) PresentAmong(earlier [][]uint32, keys IDKeys, id func(i int) string) []int {
	var jobs []func()
	found := make([][]int, len(earlier))
	for e, hs := range earlier {
		jobs = append(jobs, func() {
			a, b := keys.sorted, hs
			for len(a) > 0 && len(b) > 0 {
				switch {
				case a[0] < b[0]:
					a = a[1:]
				case a[0] > b[0]:
					b = b[1:]
				default:
					// The batch's IDs of this hash, each looked up once:
					// the run is passed before the list moves on.
					for j := len(keys.sorted) - len(a); j < len(keys.sorted) && keys.sorted[j] == b[0]; j++ {
						if _, _, ok := t.Find(id(int(keys.at[j]))); ok {
							found[e] = append(found[e], int(keys.at[j]))
						}
					}
					h := b[0]
					for len(a) > 0 && a[0] == h {
						a = a[1:]
					}
				}
			}
		})
	}
	ParallelRows(len(keys.sorted), jobs)
	return positions(found)
}

// positions returns the positions the jobs found, in ascending order, each
// once.
func positions(found [][]int) []int {
	var out []int
	for _, f := range found {
		out = append(out, f...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// hashIDs sets hs[j] to the index hash of id(from+j).
func hashIDs(seed maphash.Seed, hs []uint32, from int, id func(int) string) {
	for j := range hs {
		hs[j] = idHash(seed, id(from+j))
	}
}

// compact merges segments so that each is at least twice the size of the
// next (in live rows) or too large to merge, and rewrites a segment more
// than half dead. Rows are copied only when their segment merges into a
// larger one, so a row moves O(log n) times before it stays in a segment
// that no longer grows.
func (t *Table) compact() {
	size := func(i int) int {
		if t.dead[i] == nil {
			return t.segs[i].N
		}
		return t.segs[i].N - t.dead[i].n
	}
	for i := range t.segs {
		if d := t.dead[i]; d != nil && 2*d.n > t.segs[i].N {
			t.segs[i], t.dead[i] = t.merge(t.segs[i:i+1], t.dead[i:i+1]), nil
		}
	}
	for len(t.segs) > 1 {
		k := len(t.segs) - 1
		if 2*size(k) < size(k-1) || size(k)+size(k-1) > mergedRows {
			break
		}
		t.segs[k-1] = t.merge(t.segs[k-1:], t.dead[k-1:])
		t.dead[k-1] = nil
		t.segs, t.dead = t.segs[:k], t.dead[:k]
	}
	// Segments emptied by deletes go.
	for i := len(t.segs) - 1; i >= 0; i-- {
		if t.segs[i].N == 0 {
			t.segs, t.dead = slices.Delete(t.segs, i, i+1), slices.Delete(t.dead, i, i+1)
		}
	}
}

// mergedRows is the most rows compact merges segments into. Past it,
// segments stay as they are (until deletes leave them half dead): a
// segment that large is already cheap to scan, and merging a load of
// equal batches would copy each row again and again, a 100M-row load a
// full copy of the table, all for a layout no faster to read.
var mergedRows = 16 << 20 // a variable, so that a test can reach it

// merge joins segments into one, keeping rows ordered by creation time
// and leaving out the rows dead marks (dead[i] for segs[i]). Each segment
// is already in order, so their live rows are merged as runs of rows of
// one segment (see mergeRuns), then copied a column at a time, the
// columns in parallel.
func (t *Table) merge(segs []*Segment, dead []*tombs) *Segment {
	runs := mergeRuns(segs, dead)
	n := 0
	for _, rn := range runs {
		n += int(rn.r1 - rn.r0)
	}
	out := NewSegment(n, len(t.kinds))
	out.Created = make([]int64, n)
	idBytes := 0
	for _, rn := range runs {
		if ids := &segs[rn.s].IDs; ids.inBuf {
			for r := rn.r0; r < rn.r1; r++ {
				idBytes += len(ids.At(int(r)))
			}
		}
	}
	ids := NewStrs(n, idBytes)
	i := 0
	for _, rn := range runs {
		s := segs[rn.s]
		for r := rn.r0; r < rn.r1; r++ {
			ids.AddAt(&s.IDs, int(r))
		}
		i += copy(out.Created[i:], s.Created[rn.r0:rn.r1])
	}
	out.IDs = ids
	jobs := []func(){func() {
		if !out.IndexNumbered() {
			out.IndexIDs(t.dicts.seed)
		}
	}}
	for c, k := range t.kinds {
		if c == t.createdCol || k == Derived {
			continue
		}
		jobs = append(jobs, func() { out.Cols[c] = mergeColumn(segs, runs, c, k, out.Created) })
	}
	ParallelRows(n, jobs)
	if t.createdCol >= 0 {
		out.Cols[t.createdCol].Ints = out.Created
	}
	out.Seal()
	return out
}

// rowRun is rows r0 to r1 (excluded) of one of the segments being merged.
type rowRun struct{ s, r0, r1 int32 }

// mergeRuns returns the live rows of segs in creation order (ties by ID),
// as runs of rows of one segment each. Segments that follow one another
// in time, as a table's usually do, are a run each (cut where rows are
// dead): the rows of the segment first in turn that come before the next
// segment's first are found by galloping, not row by row.
func mergeRuns(segs []*Segment, dead []*tombs) []rowRun {
	var runs []rowRun
	pos := make([]int, len(segs))
	for {
		// The segment whose next row comes first (the first segment of
		// equal ones), and the one whose next row comes after it.
		best, second := -1, -1
		for si, s := range segs {
			if pos[si] >= s.N {
				continue
			}
			switch {
			case best < 0 || RowLess(s, pos[si], segs[best], pos[best]):
				best, second = si, best
			case second < 0 || RowLess(s, pos[si], segs[second], pos[second]):
				second = si
			}
		}
		if best < 0 {
			return runs
		}
		s, r := segs[best], pos[best]
		// The first row of s not before second's next: past r, which
		// is, so every turn takes a row at least and the loop ends.
		end := s.N
		if second >= 0 {
			o, q := segs[second], pos[second]
			if !RowLess(s, s.N-1, o, q) {
				// Row lo is before o's next (row r is), row hi not.
				lo, hi := r, s.N-1
				for step := 1; lo+step < hi; step *= 2 {
					if !RowLess(s, lo+step, o, q) {
						hi = lo + step
						break
					}
					lo += step
				}
				end = lo + 1 + sort.Search(hi-lo-1, func(k int) bool { return !RowLess(s, lo+1+k, o, q) })
			}
		}
		for r < end {
			for r < end && dead[best].has(r) {
				r++
			}
			from := r
			for r < end && !dead[best].has(r) {
				r++
			}
			if r > from {
				if k := len(runs) - 1; k >= 0 && runs[k].s == int32(best) && runs[k].r1 == int32(from) {
					runs[k].r1 = int32(r)
				} else {
					runs = append(runs, rowRun{int32(best), int32(from), int32(r)})
				}
			}
		}
		pos[best] = end
	}
}

// mergeColumn returns column c (of kind k) of the rows runs of segs;
// created are their creation times, in that order. Where every segment
// holds the column alike (codes, or offsets in one unit) the runs are
// copied; codes are then as wide as the widest segment's.
func mergeColumn(segs []*Segment, runs []rowRun, c int, k Kind, created []int64) Column {
	n := len(created)
	// The widest codes, and the one unit of the offsets, of the segments
	// runs read; 0 when not all alike.
	width, unit := 8, int64(-1)
	for _, rn := range runs {
		col := &segs[rn.s].Cols[c]
		switch {
		case !col.Codes.Ok():
			width = 0
		case col.Codes.W32 != nil && width != 0:
			width = 32
		case col.Codes.W16 != nil && width == 8:
			width = 16
		}
		switch {
		case col.Offs == nil:
			unit = 0
		case unit < 0:
			unit = col.Unit
		case unit != col.Unit:
			unit = 0
		}
	}
	switch {
	case (k == Strings || k == Bools || k == Floats) && width != 0 && len(runs) > 0:
		var out Codes
		switch width {
		case 8:
			out.W8 = make([]uint8, n)
		case 16:
			out.W16 = make([]uint16, n)
		default:
			out.W32 = make([]uint32, n)
		}
		i := 0
		for _, rn := range runs {
			copyCodes(out, i, segs[rn.s].Cols[c].Codes, int(rn.r0), int(rn.r1))
			i += int(rn.r1 - rn.r0)
		}
		return Column{Codes: out}
	case k == Ints && unit > 0:
		offs := make([]uint32, n)
		i := 0
		for _, rn := range runs {
			i += copy(offs[i:], segs[rn.s].Cols[c].Offs[rn.r0:rn.r1])
		}
		return Column{Offs: offs, Unit: unit}
	}
	return mergeColumnRows(segs, runs, c, k, created)
}

// copyCodes copies codes rows r0 to r1 of from into out from row i; out
// is at least as wide.
func copyCodes(out Codes, i int, from Codes, r0, r1 int) {
	switch {
	case out.W8 != nil:
		copy(out.W8[i:], from.W8[r0:r1])
	case out.W16 != nil && from.W16 != nil:
		copy(out.W16[i:], from.W16[r0:r1])
	case out.W16 != nil:
		for j, v := range from.W8[r0:r1] {
			out.W16[i+j] = uint16(v)
		}
	case from.W32 != nil:
		copy(out.W32[i:], from.W32[r0:r1])
	default:
		for r := r0; r < r1; r++ {
			out.W32[i+r-r0] = from.At(r)
		}
	}
}

// mergeColumnRows is mergeColumn a row at a time, through builders that
// take each value as it comes: for columns the segments hold in unlike
// forms (float numbers, times in other units or as they are).
func mergeColumnRows(segs []*Segment, runs []rowRun, c int, k Kind, created []int64) Column {
	n := len(created)
	var set func(i int, s *Segment, r int)
	var column func() Column
	switch k {
	case Strings, Bools:
		b := NewCodeBuilder(n)
		set = func(i int, s *Segment, r int) { b.Set(i, s.Cols[c].Codes.At(r)) }
		column = func() Column { return Column{Codes: b.Codes()} }
	case Ints:
		b := NewTimeBuilder(created)
		set = func(i int, s *Segment, r int) { b.Set(i, s.Int(c, r)) }
		column = b.Column
	default:
		b := NewNumberBuilder(n)
		set = func(i int, s *Segment, r int) { b.Set(i, s.Cols[c].Number(r)) }
		column = b.Column
	}
	i := 0
	for _, rn := range runs {
		s := segs[rn.s]
		for r := rn.r0; r < rn.r1; r++ {
			set(i, s, int(r))
			i++
		}
	}
	return column()
}

// Rows yields the segment and row of every live row, in creation order
// (ties by ID), merging the segments' sorted runs.
func (t *Table) Rows() func(yield func(seg *Segment, r int) bool) {
	return func(yield func(*Segment, int) bool) {
		pos := make([]int, len(t.segs))
		for {
			best := -1
			for si, seg := range t.segs {
				for pos[si] < seg.N && t.IsDead(si, pos[si]) {
					pos[si]++
				}
				if pos[si] == seg.N {
					continue
				}
				if best < 0 || RowLess(seg, pos[si], t.segs[best], pos[best]) {
					best = si
				}
			}
			if best < 0 {
				return
			}
			r := pos[best]
			pos[best]++
			if !yield(t.segs[best], r) {
				return
			}
		}
	}
}

// ParallelRows is Parallel for work over rows rows: below SmallRows it
// runs fns in turn on the calling goroutine, as a few rows (an upsert of
// one conversation) take less time than waking another core does.
func ParallelRows(rows int, fns []func()) {
	if rows < SmallRows {
		for _, f := range fns {
			f()
		}
		return
	}
	Parallel(fns)
}

// SmallRows is how many rows a job takes at least to be worth handing to
// another core: a thread woken on the other core of the machine the
// benchmarks run on starts some 150 µs later, about what encoding or
// copying a few thousand rows takes.
const SmallRows = 4 * ChunkRows

// Parallel runs fns on up to GOMAXPROCS goroutines and waits for them:
// building a segment's columns, each independent of the others.
func Parallel(fns []func()) {
	workers := min(runtime.GOMAXPROCS(0), len(fns))
	if workers <= 1 {
		for _, f := range fns {
			f()
		}
		return
	}
	next := make(chan func())
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for f := range next {
				f()
			}
		})
	}
	for _, f := range fns {
		next <- f
	}
	close(next)
	wg.Wait()
}
