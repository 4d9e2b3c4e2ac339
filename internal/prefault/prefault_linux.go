package prefault

import (
	"syscall"
	"unsafe"
)

// madvPopulateWrite is MADV_POPULATE_WRITE (Linux 5.14): fault a range
// in, writable, in one call.
const madvPopulateWrite = 23

// populate faults in the n bytes of whole pages at p. An older kernel
// answers EINVAL: the pages then fault as they are written, as they
// would have.
func populate(p unsafe.Pointer, n uintptr) {
	_, _, _ = syscall.Syscall(syscall.SYS_MADVISE, uintptr(p), n, madvPopulateWrite)
}

// inMemory reports whether the page at p is in memory (mincore); false
// where the kernel will not say.
func inMemory(p unsafe.Pointer) bool {
	var v [1]byte
	_, _, errno := syscall.Syscall(syscall.SYS_MINCORE, uintptr(p), page, uintptr(unsafe.Pointer(&v[0])))
	return errno == 0 && v[0]&1 != 0
}
