package convreport

// TableStorage reports how many rows t stores, live or dead, and in how
// many segments: what tests of reclaiming need to see.
func TableStorage(t *Table) (stored, segs int) {
	return t.cols.Stored(), len(t.cols.Segments())
}

// The filter compiler as the engine uses it, for the external tests that
// check the language itself.
var CompileFilter = compileFilter

// FilterEnv is what a compiled filter's now(), daysAgo and date() read.
type FilterEnv = filterEnv

// Compile is compileFilter with the limits of o.
func (o FilterOptions) Compile(s *Schema, src string) (*compiledFilter, error) {
	return o.compile(s, src)
}
