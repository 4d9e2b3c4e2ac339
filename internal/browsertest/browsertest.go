// Package browsertest finds the headless Chromium the browser tests of
// render and web drive, the same way for both, so one variable configures
// both and .ci/run.
//
// Environment:
//   - CONVREPORT_CHROMIUM: the browser binary (a path, or a name looked up
//     on the PATH). When unset: chromium, chromium-browser, google-chrome or
//     google-chrome-stable on the PATH, else /usr/bin/chromium.
//   - CONVREPORT_REQUIRE_BROWSER=1: a missing browser fails the test
//     instead of skipping it (.ci/run sets it).
package browsertest

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"testing"
	"time"
)

// Env names the variable that points the tests at a browser.
const Env = "CONVREPORT_CHROMIUM"

// Chromium returns the path of the browser. Without one it skips t, or
// fails it under CONVREPORT_REQUIRE_BROWSER=1; a CONVREPORT_CHROMIUM that
// names no executable fails t, since it was asked for.
func Chromium(t testing.TB) string {
	t.Helper()
	if name := os.Getenv(Env); name != "" {
		p, err := exec.LookPath(name)
		if err != nil {
			t.Fatalf("%s=%s: %v", Env, name, err)
		}
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "/usr/bin/chromium"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	const msg = "no headless browser: set " + Env + " to a Chromium binary, or install the Debian package chromium"
	if os.Getenv("CONVREPORT_REQUIRE_BROWSER") == "1" {
		t.Fatal(msg + " (CONVREPORT_REQUIRE_BROWSER=1 makes this a failure)")
	}
	t.Skip(msg)
	return ""
}

// StartAttempts is how many times Start tries to start a browser.
const StartAttempts = 3

// Start calls start until it succeeds, at most StartAttempts times, and
// fails t with every attempt's error when none did. start launches one
// browser and returns what stops it, also when it fails; Start stops a
// failed attempt at once and a good one when t ends.
//
// A browser that does not come up is retried because Chromium sometimes
// crashes while starting on a loaded machine (its crash handler reports
// "no stack mapping" and the DevTools address never comes); a test is
// about the page, not about the launch, and a second launch succeeds.
func Start(t testing.TB, start func() (stop func(), err error)) {
	t.Helper()
	var errs []error
	for attempt := 1; attempt <= StartAttempts; attempt++ {
		stop, err := start()
		if err == nil {
			t.Cleanup(stop)
			return
		}
		if stop != nil {
			stop()
		}
		errs = append(errs, fmt.Errorf("attempt %d: %w", attempt, err))
		t.Logf("starting the browser, attempt %d of %d: %v", attempt, StartAttempts, err)
		if attempt < StartAttempts {
			time.Sleep(time.Duration(attempt) * time.Second)
		}
	}
	t.Fatalf("the browser did not start: %v", errors.Join(errs...))
}
