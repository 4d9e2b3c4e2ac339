package convreport

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/convreport/convreport/internal/tables"
)

// TestCleanRowsAgreesWithValidate checks cleanRows against
// Conversation.Validate on random runs of rows, each value now and then
// one that Validate refuses: the runs cleanRows passes are exactly those
// whose every row Validate passes.
func TestCleanRowsAgreesWithValidate(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	s := DefaultSchema()
	var checked []columnField
	for _, p := range s.props {
		if f := storedField(p); f != nil && !f.freeText() && p.Name != "ID" && p.Name != "CreatedAt" {
			checked = append(checked, columnField{f: f, p: p, col: s.index[p.Name]})
		}
	}
	if len(checked) != 7 {
		t.Fatalf("%d checked fields, want Channel, Status, three times and two counts", len(checked))
	}
	base := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC).UnixNano()
	pick := func(vals ...string) string { return vals[r.IntN(len(vals))] }
	rare := func() bool { return r.IntN(60) == 0 }
	// A column in each of the three forms a reader hands over.
	asStrings := func(vals []string) *tables.Strings {
		switch r.IntN(3) {
		case 0:
			return &tables.Strings{Vals: vals}
		case 1:
			st := &tables.Strings{Ends: make([]uint32, len(vals))}
			for i, v := range vals {
				st.Bytes = append(st.Bytes, v...)
				st.Ends[i] = uint32(len(st.Bytes))
			}
			return st
		}
		st := &tables.Strings{Idx: make([]uint32, len(vals))}
		at := map[string]uint32{}
		for i, v := range vals {
			if v == "" {
				continue
			}
			if _, ok := at[v]; !ok {
				st.Dict = append(st.Dict, v)
				at[v] = uint32(len(st.Dict))
			}
			st.Idx[i] = at[v]
		}
		return st
	}
	clean, refused := 0, 0
	for range 3000 {
		const n = 8
		cs := make([]Conversation, n)
		chunk := &tables.Columns{N: n, Strings: map[string]*tables.Strings{}, Times: map[string][]int64{}, Counts: map[string][]int64{}}
		ids, created := make([]string, n), make([]int64, n)
		channels, statuses := make([]string, n), make([]string, n)
		times := map[string][]int64{"FirstAssignedAt": make([]int64, n), "FirstResponseAt": make([]int64, n), "ClosedAt": make([]int64, n)}
		counts := map[string][]int64{"IncomingMessages": make([]int64, n), "OutgoingMessages": make([]int64, n)}
		// The random values are drawn in one order, not the maps', so
		// that every run of the test sees the same rows.
		timeNames := []string{"FirstAssignedAt", "FirstResponseAt", "ClosedAt"}
		countNames := []string{"IncomingMessages", "OutgoingMessages"}
		for i := range cs {
			c := &cs[i]
			ids[i] = pick("c1", "c2", "c3")
			if rare() {
				ids[i] = ""
			}
			created[i] = base + r.Int64N(1e12)
			if rare() {
				created[i] = tables.Unknown
			}
			old := r.IntN(30) == 0 // created in 1915, for times the longest duration later
			if old && created[i] != tables.Unknown {
				created[i] = -base - r.Int64N(1e12)
			}
			channels[i] = pick("", "chat", "email", "phone")
			if rare() {
				channels[i] = "fax"
			}
			// Mostly consistent with ClosedAt, now and then not.
			closed := r.IntN(2) == 0
			statuses[i] = pick("", "open")
			if closed {
				statuses[i] = pick("", "closed")
			}
			if rare() {
				statuses[i] = pick("pending", "open", "closed")
			}
			for _, name := range timeNames {
				col := times[name]
				col[i] = tables.Unknown
				if r.IntN(2) == 0 || name == "ClosedAt" && closed {
					col[i] = created[i] + r.Int64N(1e10)
					if created[i] == tables.Unknown {
						col[i] = base
					}
				}
				if rare() && created[i] != tables.Unknown {
					col[i] = created[i] - 1
				}
				if old && created[i] != tables.Unknown && r.IntN(3) == 0 {
					// The longest duration after the creation, less a
					// nanosecond, exactly, or a nanosecond more.
					col[i] = created[i] + math.MaxInt64 - 1 + r.Int64N(3)
				}
				if name == "ClosedAt" && !closed {
					col[i] = tables.Unknown
				}
			}
			for _, name := range countNames {
				col := counts[name]
				col[i] = r.Int64N(50)
				if r.IntN(5) == 0 {
					col[i] = tables.Unknown
				}
				if rare() {
					col[i] = -1
				}
			}
			// The conversation as Validate sees it, built from the values
			// directly.
			c.ID, c.Channel, c.Status = ids[i], Channel(channels[i]), Status(statuses[i])
			if created[i] != tables.Unknown {
				c.CreatedAt = time.Unix(0, created[i])
			}
			for name, at := range map[string]*time.Time{"FirstAssignedAt": &c.FirstAssignedAt, "FirstResponseAt": &c.FirstResponseAt, "ClosedAt": &c.ClosedAt} {
				if v := times[name][i]; v != tables.Unknown {
					*at = time.Unix(0, v)
				}
			}
			for name, at := range map[string]*int{"IncomingMessages": &c.IncomingMessages, "OutgoingMessages": &c.OutgoingMessages} {
				if v := counts[name][i]; v != tables.Unknown {
					*at = int(v)
				}
			}
		}
		chunk.Strings["Channel"], chunk.Strings["Status"] = asStrings(channels), asStrings(statuses)
		for name, col := range times {
			chunk.Times[name] = col
		}
		if r.IntN(10) == 0 {
			// A chunk without the column: every row's is unknown.
			delete(chunk.Times, "ClosedAt")
			for i := range cs {
				cs[i].ClosedAt = time.Time{}
			}
		}
		for name, col := range counts {
			chunk.Counts[name] = col
		}
		want := true
		for i := range cs {
			if cs[i].Validate() != nil {
				want = false
			}
		}
		fs := make([]columnField, len(checked))
		for k, cf := range checked {
			fs[k] = cf.bind(chunk)
		}
		// The run is the chunk's rows 0 to n, the chunk the batch's rows
		// from 3.
		bids := asStrings(append([]string{"x", "y", "z"}, ids...))
		bcreated := append([]int64{base, base, base}, created...)
		if got := cleanRows(bids, bcreated, 3, fs, 0, n); got != want {
			t.Fatalf("cleanRows = %v, Validate says %v, for\\n%+v", got, want, cs)
		}
		if want {
			clean++
		} else {
			refused++
		}
	}
	if clean < 500 || refused < 500 {
		t.Fatalf("%d clean runs and %d refused: the test does not reach both answers often", clean, refused)
	}
}

// A chunk whose dictionary index lies past its dictionary is refused as
// not clean, never a panic: in a column other jobs read (Status, checked
// before the chunk is stored) and in one only its store reads (Assignee,
// checked as it is stored), in the first chunk and in a later one, into a
// new table (its codes the reader's indexes) and into one whose
// dictionary has the values in another order (the indexes mapped). The
// same chunks with every index in range build a table.
func TestBuildRefusesIndexesPastTheDictionary(t *testing.T) {
	const n = 6
	base := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC).UnixNano()
	batch := func(first int, assignees []string, col string, chunk int) *tables.Batch {
		ids := &tables.Strings{Ends: make([]uint32, n)}
		created := make([]int64, n)
		for i := range n {
			ids.Bytes = fmt.Appendf(ids.Bytes, "c-%d", first+i)
			ids.Ends[i] = uint32(len(ids.Bytes))
			created[i] = base + int64(first+i)*int64(time.Minute)
		}
		chunks := make([]*tables.Columns, 2)
		for k := range chunks {
			c := &tables.Columns{N: n / 2, Strings: map[string]*tables.Strings{
				"Status":   {Idx: []uint32{1, 1, 1}, Dict: []string{"open"}},
				"Assignee": {Idx: []uint32{1, 2, 0}, Dict: assignees},
			}}
			if k == chunk {
				st := c.Strings[col]
				st.Idx[1] = uint32(len(st.Dict) + 1)
			}
			chunks[k] = c
		}
		next := 0
		return &tables.Batch{N: n, IDs: ids, Created: created, Last: true, Next: func() (*tables.Columns, error) {
			if next == len(chunks) {
				return nil, nil
			}
			next++
			return chunks[next-1], nil
		}}
	}
	old, err := tables.Build(DefaultSchema(), nil, batch(100, []string{"bob", "ann"}, "", -1))
	if err != nil {
		t.Fatal(err)
	}
	for _, into := range []any{nil, old} {
		for _, col := range []string{"Status", "Assignee"} {
			for _, chunk := range []int{-1, 0, 1} {
				_, err := tables.Build(DefaultSchema(), into, batch(1, []string{"ann", "bob"}, col, chunk))
				switch {
				case chunk < 0 && err != nil:
					t.Errorf("into %v: every index in range: %v", into != nil, err)
				case chunk >= 0 && !errors.Is(err, tables.ErrNotClean):
					t.Errorf("into %v: %s past its dictionary in chunk %d: %v, want ErrNotClean", into != nil, col, chunk, err)
				}
			}
		}
	}
}
