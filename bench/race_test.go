//go:build race

package bench

// The race detector slows SQLite (C translated to Go) and the generator
// twenty-fold: the equality tests use fewer rows under it.
func init() { equalRows = 3_000 }
