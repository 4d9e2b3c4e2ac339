package ingest

import (
	"hash/maphash"

	"github.com/convreport/convreport/internal/prefault"
)

// firstLines remembers the line each ID was first seen on: for the
// sequential reader, and for the parallel reader's ordered pass, which
// alone sees the records in input order. There the workers hash each ID
// beside decoding it, so the ordered pass only probes; with a
// map[string]int it spent a fifth of a read's CPU there, hashing and then
// waiting on a table of a million IDs, while the workers waited on it.
//
// It is open addressing over 8-byte slots, at most half full: a slot
// holds 32 bits of the ID's hash (the tag; 0 marks an empty slot) and
// where the ID and its line are kept, so a probe reads a string only when
// a tag agrees. The first slot is the hash's top 32 bits scaled to the
// table, which need not be a power of two: a table sized for a
// million IDs would otherwise be up to twice the size it must be.
type firstLines struct {
	seed  maphash.Seed
	slots []lineSlot
	seen  []seenID
	sink  uint32 // what touches read, kept so that they are not optimised away
}

type lineSlot struct{ tag, k uint32 }

type seenID struct {
	id   string
	line int
}

// newFirstLines returns a table with room for about expect IDs (0 when
// unknown); it grows past them.
func newFirstLines(expect int) *firstLines {
	f := &firstLines{seed: maphash.MakeSeed()}
	f.slots = make([]lineSlot, max(16, 2*expect))
	f.seen = make([]seenID, 0, expect)
	prefault.Slice(f.slots, nil) // see runParallel
	prefault.Slice(f.seen[:expect], nil)
	return f
}

// hash is the hash of id that lookups take: a worker computes it.
func (f *firstLines) hash(id string) uint64 { return maphash.String(f.seed, id) }

// first returns the line id (hashed as h) was first seen on, and whether
// it was seen before; if not, it remembers line as id's first.
func (f *firstLines) first(id string, h uint64, line int) (int, bool) {
	if 2*(len(f.seen)+1) > len(f.slots) {
		f.grow()
	}
	tag := tagOf(h)
	for i := f.start(h); ; {
		s := f.slots[i]
		if s.tag == 0 {
			f.slots[i] = lineSlot{tag, uint32(len(f.seen))}
			f.seen = append(f.seen, seenID{id, line})
			return 0, false
		}
		if s.tag == tag && f.seen[s.k].id == id {
			return f.seen[s.k].line, true
		}
		i = f.next(i)
	}
}

// next is the slot after i, the first after the last.
func (f *firstLines) next(i int) int {
	if i++; i == len(f.slots) {
		return 0
	}
	return i
}

// touch reads the first slot of h, so that a run of touches ahead of the
// lookups waits on memory for all of them at once rather than in turn.
func (f *firstLines) touch(h uint64) uint32 { return f.slots[f.start(h)].tag }

func (f *firstLines) start(h uint64) int {
	return int(h >> 32 * uint64(len(f.slots)) >> 32)
}

func tagOf(h uint64) uint32 { return uint32(h) | 1 }

// grow doubles the table; the IDs are hashed again, once each.
func (f *firstLines) grow() {
	f.slots = make([]lineSlot, 2*len(f.slots))
	for k, s := range f.seen {
		h := f.hash(s.id)
		i := f.start(h)
		for f.slots[i].tag != 0 {
			i = f.next(i)
		}
		f.slots[i] = lineSlot{tagOf(h), uint32(k)}
	}
}
