package browsertest

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// recorder stands in for the test a browser is started for, recording
// what Start reports to it.
type recorder struct {
	testing.TB
	cleanups []func()
	fatal    string
}

func (r *recorder) Helper()                   {}
func (r *recorder) Cleanup(f func())          { r.cleanups = append(r.cleanups, f) }
func (r *recorder) Logf(string, ...any)       {}
func (r *recorder) Fatalf(f string, a ...any) { r.fatal = fmt.Sprintf(f, a...) }

func TestStartRetriesAFailedLaunch(t *testing.T) {
	r := &recorder{TB: t}
	var calls, stopped []int
	Start(r, func() (func(), error) {
		n := len(calls) + 1
		calls = append(calls, n)
		stop := func() { stopped = append(stopped, n) }
		if n < 2 {
			return stop, errors.New("crashed")
		}
		return stop, nil
	})
	if r.fatal != "" {
		t.Fatalf("Start failed the test: %s", r.fatal)
	}
	if len(calls) != 2 {
		t.Fatalf("launched %d times, want 2", len(calls))
	}
	// The failed launch is stopped at once; the good one only at cleanup.
	if len(stopped) != 1 || stopped[0] != 1 {
		t.Fatalf("stopped %v before cleanup, want [1]", stopped)
	}
	if len(r.cleanups) != 1 {
		t.Fatalf("%d cleanups, want 1", len(r.cleanups))
	}
	r.cleanups[0]()
	if len(stopped) != 2 || stopped[1] != 2 {
		t.Fatalf("stopped %v after cleanup, want [1 2]", stopped)
	}
}

func TestStartGivesUpWithEveryError(t *testing.T) {
	r := &recorder{TB: t}
	calls := 0
	Start(r, func() (func(), error) {
		calls++
		return nil, fmt.Errorf("crash %d", calls)
	})
	if calls != StartAttempts {
		t.Fatalf("launched %d times, want %d", calls, StartAttempts)
	}
	for i := 1; i <= StartAttempts; i++ {
		if want := fmt.Sprintf("attempt %d: crash %d", i, i); !strings.Contains(r.fatal, want) {
			t.Fatalf("failure %q does not name %q", r.fatal, want)
		}
	}
	if len(r.cleanups) != 0 {
		t.Fatalf("%d cleanups for a browser that never started", len(r.cleanups))
	}
}
