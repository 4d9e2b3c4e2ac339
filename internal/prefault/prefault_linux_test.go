package prefault

import (
	"syscall"
	"testing"
	"unsafe"
)

// resident counts the pages of [p, p+n) that are in memory (mincore).
func resident(t *testing.T, p unsafe.Pointer, n uintptr) (in, pages int) {
	t.Helper()
	lo, size := pagesWithin(uintptr(p), n)
	vec := make([]byte, size/page)
	if _, _, errno := syscall.Syscall(syscall.SYS_MINCORE, lo, size, uintptr(unsafe.Pointer(&vec[0]))); errno != 0 {
		t.Fatalf("mincore: %v", errno)
	}
	for _, v := range vec {
		in += int(v & 1)
	}
	return in, len(vec)
}

// skipWithoutPopulate skips t on a kernel without MADV_POPULATE_WRITE
// (before Linux 5.14), where fn does nothing, by design.
func skipWithoutPopulate(t *testing.T, fn string) {
	t.Helper()
	probe, err := syscall.Mmap(-1, 0, page, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		t.Fatal(err)
	}
	_, _, errno := syscall.Syscall(syscall.SYS_MADVISE, uintptr(unsafe.Pointer(&probe[0])), page, madvPopulateWrite)
	syscall.Munmap(probe)
	if errno == syscall.EINVAL {
		t.Skipf("this kernel has no MADV_POPULATE_WRITE (Linux 5.14): %s does nothing here, by design", fn)
	}
}

// A fresh slice, once populated, is in memory page for page before any
// write to it.
func TestSlicePopulates(t *testing.T) {
	skipWithoutPopulate(t, "Slice")
	// Memory of its own, so that no earlier use of the heap made it
	// resident.
	mem, err := syscall.Mmap(-1, 0, 64<<20, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		t.Fatal(err)
	}
	defer syscall.Munmap(mem)
	if in, _ := resident(t, unsafe.Pointer(&mem[0]), uintptr(len(mem))); in != 0 {
		t.Fatalf("%d pages of fresh memory resident before Slice", in)
	}
	Slice(mem, nil)
	if in, pages := resident(t, unsafe.Pointer(&mem[0]), uintptr(len(mem))); in != pages {
		t.Fatalf("%d of %d pages resident after Slice", in, pages)
	}
	for i := range mem {
		if mem[i] != 0 {
			t.Fatalf("byte %d is %d, want 0", i, mem[i])
		}
	}
}

// Fresh populates memory new from the system, and leaves alone a step
// whose first page is in memory already, as memory the heap hands out
// again is.
func TestFreshPopulatesOnlyNewMemory(t *testing.T) {
	skipWithoutPopulate(t, "Fresh")
	old := step
	step = 1 << 20
	defer func() { step = old }()
	mem, err := syscall.Mmap(-1, 0, 4<<20, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		t.Fatal(err)
	}
	defer syscall.Munmap(mem)
	// The second step's first page is written: that step counts as
	// reused, the other three as new.
	mem[1<<20] = 7
	Fresh(mem)
	for s := range 4 {
		in, pages := resident(t, unsafe.Pointer(&mem[s<<20]), 1<<20)
		if s == 1 {
			if in != 1 {
				t.Fatalf("step %d: %d of %d pages resident, want only the one written", s, in, pages)
			}
			continue
		}
		if in != pages {
			t.Fatalf("step %d: %d of %d pages resident after Fresh", s, in, pages)
		}
	}
	if mem[1<<20] != 7 || mem[0] != 0 || mem[3<<20] != 0 {
		t.Fatal("Fresh changed the memory's contents")
	}
}
