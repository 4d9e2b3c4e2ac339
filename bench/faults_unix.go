//go:build unix

package bench

import "syscall"

// minorFaults returns how many page faults the process has taken that the
// kernel served without reading a disk, or -1 where it cannot say.
func minorFaults() int64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return -1
	}
	return int64(ru.Minflt)
}
