package bench_test

import (
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/convreport/convreport/bench"
)

// TestTimeRoundsCountsPageFaults times a way that writes to fresh pages
// of its own mapping, one byte a page, beside one that touches nothing:
// the first must be counted a fault for every page at least, the second
// fewer faults than that.
func TestTimeRoundsCountsPageFaults(t *testing.T) {
	const pages = 512
	size := pages * os.Getpagesize()
	touch := func() error {
		m, err := syscall.Mmap(-1, 0, size, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE|syscall.MAP_ANON)
		if err != nil {
			return err
		}
		for i := 0; i < len(m); i += os.Getpagesize() {
			m[i] = 1
		}
		return syscall.Munmap(m)
	}
	ts, err := bench.TimeRounds([]bench.Way{
		{Name: "touch", Fn: touch},
		{Name: "idle", Fn: func() error { return nil }},
	}, 3, 0, 3, time.Minute)
	require.NoError(t, err)
	require.GreaterOrEqual(t, ts["touch"].Faults, int64(pages))
	require.Less(t, ts["idle"].Faults, int64(pages))
	require.Equal(t, 3, ts["touch"].Runs)

	one, err := bench.Time(3, 0, touch)
	require.NoError(t, err)
	require.GreaterOrEqual(t, one.Faults, int64(pages))
}
