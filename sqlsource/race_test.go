//go:build race

package sqlsource_test

// raceEnabled: the race detector slows the pure-Go SQLite some forty times,
// so the corpus runs on fewer rows under it.
const raceEnabled = true
