package bench

import (
	"fmt"
	"runtime"
	"slices"
	"time"
)

// Timing is how long one way took: the median of its runs.
type Timing struct {
	Median time.Duration
	Runs   int
	// Faults is the median number of page faults a run took (minor ones,
	// served without a disk), or -1 where the system does not count them.
	// Where a fault is dear (on some virtual machines, 50 times a write
	// to a page the process kept), this says whether a slow median paid
	// for memory the runtime had given back to the system.
	Faults int64
}

// Time runs fn at least minRuns times (at least 3), and more while the
// runs took less than budget in all (at most 25), each after a garbage
// collection, and returns the median. It stops at fn's first error.
func Time(minRuns int, budget time.Duration, fn func() error) (Timing, error) {
	minRuns = max(minRuns, 3)
	var ds []time.Duration
	var fs []int64
	var total time.Duration
	for len(ds) < minRuns || (total < budget && len(ds) < 25) {
		runtime.GC()
		f0 := minorFaults()
		t0 := time.Now()
		if err := fn(); err != nil {
			return Timing{}, err
		}
		d := time.Since(t0)
		ds = append(ds, d)
		fs = append(fs, faultsSince(f0))
		total += d
	}
	return Timing{Median: median(ds), Runs: len(ds), Faults: median(fs)}, nil
}

// Way is one way of computing, for [TimeRounds].
type Way struct {
	Name string
	Fn   func() error
}

// TimeRounds times ways interleaved: each round runs every way once (from
// a different first way each round), each after a garbage collection, so
// a burst of load from other processes on a shared machine falls on all of
// them rather than on one. It runs at least minRounds rounds (at least 3),
// then more while the timed runs add up to less than budget, up to
// maxRounds, or until the rounds took maxWall in all, collections
// included. It returns each way's median.
func TimeRounds(ways []Way, minRounds int, budget time.Duration, maxRounds int, maxWall time.Duration) (map[string]Timing, error) {
	minRounds = max(minRounds, 3)
	ds := make([][]time.Duration, len(ways))
	fs := make([][]int64, len(ways))
	var total time.Duration
	start := time.Now()
	for r := 0; r < minRounds || (r < maxRounds && total < budget && time.Since(start) < maxWall); r++ {
		for k := range ways {
			i := (k + r) % len(ways)
			runtime.GC()
			f0 := minorFaults()
			t0 := time.Now()
			if err := ways[i].Fn(); err != nil {
				return nil, fmt.Errorf("%s: %w", ways[i].Name, err)
			}
			d := time.Since(t0)
			ds[i] = append(ds[i], d)
			fs[i] = append(fs[i], faultsSince(f0))
			total += d
		}
	}
	out := make(map[string]Timing, len(ways))
	for i, w := range ways {
		out[w.Name] = Timing{Median: median(ds[i]), Runs: len(ds[i]), Faults: median(fs[i])}
	}
	return out, nil
}

// faultsSince returns the page faults taken since minorFaults returned
// f0, or -1 where they are not counted.
func faultsSince(f0 int64) int64 {
	if f0 < 0 {
		return -1
	}
	return minorFaults() - f0
}

func median[T int64 | time.Duration](ds []T) T {
	ds = slices.Clone(ds)
	slices.Sort(ds)
	m := ds[len(ds)/2]
	if len(ds)%2 == 0 {
		m = (ds[len(ds)/2-1] + ds[len(ds)/2]) / 2
	}
	return m
}
