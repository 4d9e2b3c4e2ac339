package web_test

import (
	"testing"

	"github.com/convreport/convreport"
)

// A change feed that needs setting up says, on the page, what is missing
// and what to do, not "reload the page to try again", which never helps;
// once set up, the next stream is live without a restart.
func TestLiveStreamSaysWhatSetupIsMissing(t *testing.T) {
	liveOnceStarted(t,
		&convreport.WatchSetupError{Missing: `table "conversations" has no convreport_notify trigger`, Fix: "run convreport notify once"},
		`The data source is not set up to tell of its changes (table "conversations" has no convreport_notify trigger): run convreport notify once, then reload the page.`)
}
