package colstore

import (
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

func strsOf(vals ...string) Strs {
	s := NewStrs(len(vals), 0)
	for _, v := range vals {
		s.Add(v)
	}
	return s
}

// Rising holds for numbers that grow from each value to the next, kept as
// numbers, and for nothing else.
func TestRising(t *testing.T) {
	for _, c := range []struct {
		vals []string
		want bool
	}{
		{[]string{"c-001", "c-002", "c-010"}, true},
		{[]string{"7", "8", "1000"}, true},
		{[]string{"c-1"}, true},
		{[]string{"c-001", "c-001"}, false},               // a repeat
		{[]string{"c-002", "c-001"}, false},               // falling
		{[]string{"c-001", "c-003", "c-002"}, false},      // falling once
		{[]string{"c-001", "", "c-003"}, false},           // an empty ID
		{[]string{"c-001", "x-002"}, false},               // two prefixes: not numbers
		{[]string{"c-01", "c-2", "c-100"}, false},         // neither fixed nor canon: kept as text
		{[]string{"a", "b"}, false},                       // text
		{[]string{"c-4294967295", "c-4294967296"}, true},  // past 32 bits
		{[]string{"c-4294967296", "c-4294967296"}, false}, // a repeat past 32 bits
		{[]string{"c-9999999999999999999", "c-1"}, false}, // falling from the widest
	} {
		s := strsOf(c.vals...)
		require.Equal(t, c.want, s.Rising(), "%q", c.vals)
	}
	var empty Strs
	require.False(t, empty.Rising())
}

// A numbered segment finds each of its IDs by number, as written, and no
// other string: not the same number written another way, another
// prefix, or a number between its own.
func TestNumberedSegmentFindsByNumber(t *testing.T) {
	for _, ids := range [][]string{
		{"c-0000010", "c-0000020", "c-0000030", "c-0004711"},
		{"c-10", "c-20", "c-30", "c-4711"},
		{"17", "4294967295", "4294967296", "99999999999"},
	} {
		seg := NewSegment(len(ids), 0)
		seg.IDs = strsOf(ids...)
		require.True(t, seg.IndexNumbered(), "%q", ids)
		for r, id := range ids {
			got, ok := seg.rowOf(id, 0)
			require.True(t, ok, id)
			require.Equal(t, r, got, id)
		}
		for _, id := range []string{"c-0000015", "c-15", "c-010", "c-00000010", "x-0000010", "x-10", "c-", "c", "", "10", "c-0000010 ", "4294967297", "16", "0017"} {
			if slices.Contains(ids, id) {
				continue
			}
			_, ok := seg.rowOf(id, 0)
			require.False(t, ok, "%q found among %q", id, ids)
		}
	}
	// IDs that do not rise keep the hash index.
	seg := NewSegment(2, 0)
	seg.IDs = strsOf("c-2", "c-1")
	require.False(t, seg.IndexNumbered())
	require.False(t, seg.numbered)
}

// Apart says two rising lists share no ID only when their prefixes differ
// or their numbers do not overlap; MaybeRising reads a list's ends.
func TestApartAndMaybeRising(t *testing.T) {
	for _, c := range []struct {
		a, b []string
		want bool
	}{
		{[]string{"c-1", "c-5"}, []string{"c-6", "c-9"}, true},
		{[]string{"c-6", "c-9"}, []string{"c-1", "c-5"}, true},
		{[]string{"c-1", "c-5"}, []string{"c-5", "c-9"}, false},     // c-5 in both
		{[]string{"c-1", "c-9"}, []string{"c-4", "c-5"}, false},     // inside the range, though absent
		{[]string{"c-1", "c-9"}, []string{"d-4", "d-5"}, true},      // another prefix
		{[]string{"c-001", "c-009"}, []string{"c-4", "c-5"}, false}, // another writing, same numbers: conservative
	} {
		a, b := strsOf(c.a...), strsOf(c.b...)
		require.True(t, a.Rising() && b.Rising())
		require.Equal(t, c.want, a.Apart(&b), "%q %q", c.a, c.b)
		require.Equal(t, c.want, b.Apart(&a), "%q %q", c.b, c.a)
	}
	for _, c := range []struct {
		first, last string
		want        bool
	}{
		{"c-0001", "c-0900", true},
		{"c-0900", "c-0001", false},
		{"c-1", "c-1", false},
		{"c-1", "d-2", false},
		{"c-1", "c-x", false},
		{"", "c-2", false},
		{"uuid-a", "uuid-b", false},
	} {
		require.Equal(t, c.want, MaybeRising(c.first, c.last), "%q %q", c.first, c.last)
	}
}

// A table of numbered segments tells apart only the batches no segment
// can hold an ID of.
func TestApartFrom(t *testing.T) {
	tab := New([]Kind{Ints}, 0)
	ids := func(lo, hi int) []string {
		var out []string
		for i := lo; i < hi; i++ {
			out = append(out, fmt.Sprintf("c%05d", i))
		}
		return out
	}
	tab = tab.Change(nil, numberedSegment(ids(0, 100), 0))
	tab = tab.Change(nil, numberedSegment(ids(200, 300), 1000))
	// The two merged (small segments do), into one still numbered, whose
	// numbers span the gap between them: a batch in the gap is not told
	// apart, which costs it hashing, never a wrong answer.
	require.Len(t, tab.Segments(), 1)
	require.True(t, tab.Segments()[0].numbered)
	for _, c := range []struct {
		lo, hi int
		want   bool
	}{{300, 400, true}, {150, 250, false}, {99, 150, false}, {100, 200, false}} {
		s := strsOf(ids(c.lo, c.hi)...)
		require.Equal(t, c.want, tab.ApartFrom(&s), "%d–%d", c.lo, c.hi)
	}
	// A hashed segment is never apart (kept from merging, which would
	// number it).
	defer func(m int) { mergedRows = m }(mergedRows)
	mergedRows = 150
	tab = tab.Change(nil, idSegment(ids(500, 600), 2000))
	require.Len(t, tab.Segments(), 2)
	require.False(t, tab.Segments()[1].numbered)
	s := strsOf(ids(700, 800)...)
	require.False(t, tab.ApartFrom(&s))

}

// TestRisingApart checks RisingApart on batches made to pass and to fail
// each of its conditions, across the runs it reads in parallel, and holds
// every batch it passes to a reference: no ID repeated, none the table
// has.
func TestRisingApart(t *testing.T) {
	ids := func(format string, lo, hi int) []string {
		var out []string
		for i := lo; i < hi; i++ {
			out = append(out, fmt.Sprintf(format, i))
		}
		return out
	}
	tab := New([]Kind{Ints}, 0)
	tab = tab.Change(nil, numberedSegment(ids("c%06d", 1000, 2000), 0))
	held := map[string]bool{}
	for _, id := range ids("c%06d", 1000, 2000) {
		held[id] = true
	}
	check := func(name string, batch []string, want bool) {
		t.Helper()
		got := tab.RisingApart(len(batch), func(i int) string { return batch[i] })
		require.Equal(t, want, got, name)
		if got {
			seen := map[string]bool{}
			for _, id := range batch {
				require.False(t, seen[id] || held[id], "%s: %q repeated or held", name, id)
				seen[id] = true
			}
		}
	}
	const many = 150_000 // past two runs
	check("past the table's numbers", ids("c%06d", 2000, 2000+many), true)
	check("before them", ids("c%06d", 0, 1000), true)
	check("another prefix", ids("d%06d", 1000, 1000+many), true)
	check("the same numbers written otherwise", ids("c%d", 3000, 4000), true)
	check("one number the table has", ids("c%06d", 1999, 3000), false)
	check("numbers around the table's", append(ids("c%06d", 0, 10), ids("c%06d", 2000, 2010)...), false)
	check("empty", nil, false)
	check("not numbered", []string{"c002000", "c002001x"}, false)
	check("an empty ID", []string{"c002000", ""}, false)
	check("another prefix among them", []string{"c002000", "d002001"}, false)
	for _, at := range []int{1, 65535, 65536, 65537, many - 1} {
		b := ids("c%06d", 2000, 2000+many)
		b[at] = b[at-1]
		check(fmt.Sprintf("a repeat at %d", at), b, false)
		b = ids("c%06d", 2000, 2000+many)
		b[at-1], b[at] = b[at], b[at-1]
		check(fmt.Sprintf("a fall at %d", at), b, false)
	}
	// A hashed segment: nothing is apart from it by numbers.
	defer func(m int) { mergedRows = m }(mergedRows)
	mergedRows = 500
	tab = tab.Change(nil, idSegment(ids("c%06d", 5000, 6000), 5000))
	require.False(t, tab.Segments()[len(tab.Segments())-1].numbered)
	check("beside a hashed segment", ids("c%06d", 7000, 8000), false)
}
