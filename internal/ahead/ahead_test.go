package ahead

import (
	"iter"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// count yields 0, 1, …, n-1, and tells how far it got and whether it is
// still running.
func count(n int, yielded, running *atomic.Int64) iter.Seq[int] {
	return func(yield func(int) bool) {
		running.Add(1)
		defer running.Add(-1)
		for i := range n {
			yielded.Store(int64(i + 1))
			if !yield(i) {
				return
			}
		}
	}
}

func TestSeqKeepsOrderAndEveryValue(t *testing.T) {
	for _, n := range []int{0, 1, 6, 7, 64, 1000, 10_007} {
		for _, block := range []int{0, 1, 7, 64, 4096} {
			var yielded, running atomic.Int64
			want := make([]int, n)
			for i := range want {
				want[i] = i
			}
			got := slices.Collect(Seq(count(n, &yielded, &running), block))
			if n == 0 {
				got = []int{}
			}
			require.Equal(t, want, got, "n %d, block %d", n, block)
			require.Zero(t, running.Load(), "the sequence still runs after Seq returned")
		}
	}
}

func TestSeqStopsTheSequenceWhenTheCallerStops(t *testing.T) {
	var yielded, running atomic.Int64
	const n, block = 1_000_000, 16
	taken := 0
	for v := range Seq(count(n, &yielded, &running), block) {
		require.Equal(t, taken, v)
		if taken++; taken == 100 {
			break
		}
	}
	require.Zero(t, running.Load(), "the sequence still runs after the range stopped")
	// It ran ahead at most the blocks Seq holds, and then stopped.
	require.LessOrEqual(t, yielded.Load(), int64(100+(depth+2)*block+1))
}

func TestSeqRangesAgain(t *testing.T) {
	var yielded, running atomic.Int64
	s := Seq(count(100, &yielded, &running), 8)
	require.Equal(t, slices.Collect(s), slices.Collect(s))
}

func TestSeqRaisesTheSequencesPanicInTheCaller(t *testing.T) {
	boom := func(yield func(int) bool) {
		for i := range 50 {
			if !yield(i) {
				return
			}
		}
		panic("boom")
	}
	got := 0
	require.PanicsWithValue(t, "boom", func() {
		for range Seq(boom, 8) {
			got++
		}
	})
	require.Equal(t, 50, got, "the values before the panic are all yielded")
}

// A slow sequence (a pipe, a network) is stopped at the next value it
// yields once the caller stops, not when its block fills.
func TestSeqStopsASlowSequenceAtOnce(t *testing.T) {
	var stopped atomic.Bool
	var after atomic.Int64 // values yielded once the caller had stopped
	slow := func(yield func(int) bool) {
		for i := 0; ; i++ {
			time.Sleep(time.Millisecond)
			if stopped.Load() {
				after.Add(1)
			}
			if !yield(i) {
				return
			}
		}
	}
	taken := 0
	for range Seq(slow, 64) {
		if taken++; taken == 70 { // into the second block
			stopped.Store(true)
			break
		}
	}
	require.LessOrEqual(t, after.Load(), int64(1))
}
