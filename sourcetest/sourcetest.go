// Package sourcetest checks a [convreport.Source] implementation against the
// reference semantics of every metric, dimension, time bucket and filter
// shape, the way testing/slogtest checks a slog.Handler.
//
// Run generates conversations (seeded, with every kind of unknown value and
// times around daylight-saving changes), hands them to the source under
// test, runs a corpus of reports through a [convreport.Engine] and compares
// each point with a plain reference loop over the same conversations; the
// reference reads the conversations' fields itself, so a bug in the library
// cannot pass on both sides. It also checks that each point's drill-down
// returns exactly the conversations behind it, and that
// [convreport.Engine.DrillPage] (a [convreport.DrillSource]'s own pages,
// when the source is one) gives the same total, the rows in the
// reference's order and a page from the middle. A source that implements
// [convreport.Aggregator] is checked through its pushdown path; a fallback
// scan is checked too when it declines.
//
// The generated conversations carry the custom properties of [Schema]: a
// source under test must hold them.
package sourcetest

import (
	"testing"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/internal/conformance"
)

// NewSource builds the source under test holding exactly cs, whose custom
// properties are those of [Schema].
type NewSource func(t *testing.T, cs []convreport.Conversation) convreport.Source

// Run checks the source newSource builds, on 3000 generated conversations.
// Every violation is reported with t.Error, each in a subtest named for the
// query and the report.
func Run(t *testing.T, newSource NewSource) {
	t.Helper()
	RunN(t, newSource, 3000, 1)
}

// RunN is Run with a chosen number of conversations and seed: fewer for a
// slow source, another seed to vary the data.
func RunN(t *testing.T, newSource NewSource, n int, seed uint64) {
	t.Helper()
	conformance.RunN(t, conformance.NewSource(newSource), n, seed)
}

// Schema returns the schema of the generated conversations: the built-in
// properties and the custom VIP (bool), Priority (enum) and Score (number).
func Schema() *convreport.Schema { return conformance.Schema() }

// Generate returns the n conversations (seeded) that Run hands a source, for
// a source's own further tests: they cover 2025-02-20 to 2025-11-05, hold
// unknown values of every kind, instants near DST changes and sub-second
// times, and are valid against [Schema].
func Generate(n int, seed uint64) []convreport.Conversation { return conformance.Generate(n, seed) }
