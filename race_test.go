//go:build race

package convreport_test

// raceEnabled: the race detector makes every allocation several times
// dearer, and a plain Source's conformance corpus builds a table for each
// of its thousands of drill-downs: the corpora run on fewer rows under it.
const raceEnabled = true
