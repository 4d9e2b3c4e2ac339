// Package prefault asks the kernel for the pages of new memory ahead of
// its first writes.
//
// A page fault per 4 KiB page is what the first write to fresh memory
// costs, and on some machines (virtual ones above all) a fault costs
// several microseconds: a 336 MB slice of rows took 0.5–2.2 s to fault in
// page by page on the machine the benchmarks run on, and 0.2–0.35 s to
// populate in one call. Populating changes no byte: fresh memory stays
// zero, and pages already present are left as they are.
package prefault

import (
	"runtime"
	"unsafe"
)

// Slice populates the whole pages of s's elements, as far as the system
// allows; it does nothing where it cannot (another system, an old kernel).
// It goes from the start, step bytes at a time, and stops early when more,
// if not nil, reports false (a read whose context is done). Call it before
// the writes, not beside them: from a goroutine of its own it waits for a
// processor between its steps, and the writers overtake it.
func Slice[T any](s []T, more func() bool) {
	if len(s) == 0 {
		return
	}
	var zero T
	base := unsafe.Pointer(unsafe.SliceData(s))
	lo, size := pagesWithin(uintptr(base), uintptr(len(s))*unsafe.Sizeof(zero))
	for off := uintptr(0); off < size && (more == nil || more()); off += step {
		// base plus an offset keeps a pointer to s, which neither moves
		// nor goes while s lives.
		populate(unsafe.Add(base, lo-uintptr(base)+off), min(step, size-off))
	}
	runtime.KeepAlive(s)
}

// Fresh is Slice of memory that may be new or reused: it populates each
// step of s's pages only when the step's first page is not in memory yet.
// Memory the Go heap hands out again after a collection is resident, and
// asking the kernel for its pages anyway costs a walk of them (about 7 ms
// of system time for the 160 MB a Parquet load of 1M rows builds); memory
// new from the system is not, and is populated.
func Fresh[T any](s []T) {
	if len(s) == 0 {
		return
	}
	var zero T
	base := unsafe.Pointer(unsafe.SliceData(s))
	lo, size := pagesWithin(uintptr(base), uintptr(len(s))*unsafe.Sizeof(zero))
	for off := uintptr(0); off < size; off += step {
		p := unsafe.Add(base, lo-uintptr(base)+off)
		if !inMemory(p) {
			populate(p, min(step, size-off))
		}
	}
	runtime.KeepAlive(s)
}

// step is how much Slice populates between two calls of more: a whole
// number of pages (a variable for tests).
var step uintptr = 64 << 20

const page = 4096

// pagesWithin returns the whole pages of [p, p+n): the first's address
// and their length.
func pagesWithin(p, n uintptr) (uintptr, uintptr) {
	lo := (p + page - 1) &^ (page - 1)
	hi := (p + n) &^ (page - 1)
	if hi <= lo {
		return lo, 0
	}
	return lo, hi - lo
}
