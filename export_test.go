package convreport

// Table is the engine's table, for the external tests of its snapshots:
// the API keeps it behind memory.Source.
type Table = table

// NewTable is buildTable.
func NewTable(s *Schema, cs []Conversation) (*Table, error) { return buildTable(s, cs) }

// Append returns t with cs added; an ID t holds is an error.
func (t *table) Append(cs []Conversation) (*table, error) { return t.apply(cs, nil, false) }

// Apply returns t with upserts added, replacing, and deletes removed.
func (t *table) Apply(upserts []Conversation, deletes []string) (*table, error) {
	return t.apply(upserts, deletes, true)
}

// SplitEveryPiece makes every load split a piece of its columns whenever
// a worker runs out of work and the piece has two blocks left, until the
// test ends, and returns how many pieces loads have split so far.
func SplitEveryPiece(t interface{ Cleanup(func()) }) func() int64 {
	old := stealAbove.Swap(0)
	t.Cleanup(func() { stealAbove.Store(old) })
	return splits.Load
}

// TableOf returns the table a source keeps (memory.Source), nil if none.
func TableOf(src Source) *Table { return heldTable(src) }

// TableStorage reports how many rows t stores, live or dead, and in how
// many segments: what tests of reclaiming need to see.
func TableStorage(t *table) (stored, segs int) {
	return t.cols.Stored(), len(t.cols.Segments())
}

// TableNumbered reports how many of t's segments find their rows by the
// numbers of their IDs, not by hashes.
func TableNumbered(t *table) int {
	n := 0
	for _, seg := range t.cols.Segments() {
		if seg.Numbered() {
			n++
		}
	}
	return n
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

// ValidFast is Conversation.valid, the conjunction of Validate's rules,
// and FirstBroken the error Validate gives when it is false.
func ValidFast(c *Conversation) bool    { return c.valid() }
func FirstBroken(c *Conversation) error { return c.firstBroken() }

// TableBigDicts names the columns whose dictionaries a drill-down page
// warms before decoding its rows.
func TableBigDicts(t *table) []string {
	var names []string
	for _, c := range t.bigDicts {
		names = append(names, t.schema.props[c].Name)
	}
	return names
}
