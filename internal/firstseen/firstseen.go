// Package firstseen remembers where each ID was first seen, to refuse an
// ID given twice in input read once (the lines of a file, the rows of a
// sequence) and name where it was given first.
//
// A map[string]int did this in the readers, and cost a fifth of a JSON
// Lines read's CPU: hashing, growing, and waiting on a table of a million
// IDs. A [Table] is open addressing over 8-byte slots, at most half full:
// a slot holds 32 bits of the ID's hash (the tag; 0 marks an empty slot)
// and where the ID and its position are kept, so a probe reads a string
// only when a tag agrees. The first slot is the hash's top 32 bits scaled
// to the table, which need not be a power of two: a table sized for a
// million IDs would otherwise be up to twice the size it must be. The
// hash is the caller's to compute ([Table.Hash]), so that workers can
// hash the IDs beside decoding them, and one goroutine only probes.
package firstseen

import (
	"hash/maphash"

	"github.com/convreport/convreport/internal/prefault"
)

// Table remembers the position each ID was first seen at. It is not
// safe for concurrent use, but for [Table.Hash].
type Table struct {
	seed  maphash.Seed
	slots []slot
	// The IDs in the order seen, in blocks of blockLen: grown a block at
	// a time, never copied, where a slice grown by append leaves every
	// array it outgrew as garbage (tens of megabytes over millions). The
	// first block starts at the size expected, when smaller, and grows.
	seen   [][]seenID
	n      int    // IDs held
	expect int    // as given to New
	sink   uint32 // what Touch read, kept so that the reads are not optimised away
}

const (
	blockBits = 14
	blockLen  = 1 << blockBits
)

type slot struct{ tag, k uint32 }

type seenID struct {
	id string
	at int
}

// New returns a table with room for about expect IDs (0 when unknown);
// it grows past them.
func New(expect int) *Table {
	expect = max(expect, 0)
	t := &Table{seed: maphash.MakeSeed(), expect: expect}
	t.slots = make([]slot, max(16, 2*expect))
	// Populated in one call: a table sized for millions is written at
	// random, a fault a page otherwise.
	prefault.Slice(t.slots, nil)
	return t
}

// Hash is the hash of id that [Table.First] and [Table.Touch] take. It
// reads nothing that changes, so any goroutine may call it.
func (t *Table) Hash(id string) uint64 { return maphash.String(t.seed, id) }

// First returns the position id (hashed as h) was first seen at, and
// whether it was seen before; if not, it remembers at as id's first.
func (t *Table) First(id string, h uint64, at int) (int, bool) {
	if 2*(t.n+1) > len(t.slots) {
		t.grow()
	}
	tag := tagOf(h)
	for i := t.start(h); ; {
		s := t.slots[i]
		if s.tag == 0 {
			t.slots[i] = slot{tag, uint32(t.n)}
			t.add(seenID{id, at})
			return 0, false
		}
		if s.tag == tag {
			if e := t.id(s.k); e.id == id {
				return e.at, true
			}
		}
		i = t.next(i)
	}
}

// add appends e to the IDs seen.
func (t *Table) add(e seenID) {
	b := t.n >> blockBits
	if b == len(t.seen) {
		// A table for a few IDs (a small import) makes a few, not a
		// block of 384 KB.
		if b == 0 && t.expect < blockLen {
			t.seen = append(t.seen, make([]seenID, 0, max(t.expect, 64)))
		} else {
			nb := make([]seenID, blockLen)
			// Populated in one call where it is new: its ID strings
			// are written through the write barrier, which reads each
			// slot first while the collector runs, two faults a page.
			prefault.Fresh(nb)
			t.seen = append(t.seen, nb[:0])
		}
	}
	t.seen[b] = append(t.seen[b], e)
	t.n++
}

// id is the k-th ID seen.
func (t *Table) id(k uint32) *seenID { return &t.seen[k>>blockBits][k&(blockLen-1)] }

// Len is how many IDs the table holds.
func (t *Table) Len() int { return t.n }

// Touch reads the first slot of h, so that a run of touches ahead of the
// lookups waits on memory for all of them at once rather than in turn.
// Give the sum of a run's results to [Table.Keep].
func (t *Table) Touch(h uint64) uint32 { return t.slots[t.start(h)].tag }

// Keep keeps v, the sum of a run of [Table.Touch], so that the compiler
// keeps the reads.
func (t *Table) Keep(v uint32) { t.sink = v }

// next is the slot after i, the first after the last.
func (t *Table) next(i int) int {
	if i++; i == len(t.slots) {
		return 0
	}
	return i
}

func (t *Table) start(h uint64) int {
	return int(h >> 32 * uint64(len(t.slots)) >> 32)
}

func tagOf(h uint64) uint32 { return uint32(h) | 1 }

// grow doubles the table; the IDs are hashed again, once each.
func (t *Table) grow() {
	t.slots = make([]slot, 2*len(t.slots))
	prefault.Slice(t.slots, nil)
	k := uint32(0)
	for _, b := range t.seen {
		for _, e := range b {
			h := t.Hash(e.id)
			i := t.start(h)
			for t.slots[i].tag != 0 {
				i = t.next(i)
			}
			t.slots[i] = slot{tagOf(h), k}
			k++
		}
	}
}
