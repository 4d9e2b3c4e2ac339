//go:build !unix

package bench

// minorFaults returns -1: this system does not count page faults for
// the process.
func minorFaults() int64 { return -1 }
