package convreport

// TableStorage reports how many rows t stores, live or dead, and in how
// many segments: what tests of reclaiming need to see.
func TableStorage(t *Table) (stored, segs int) {
	return t.cols.Stored(), len(t.cols.Segments())
}
