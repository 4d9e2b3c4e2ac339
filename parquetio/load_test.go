package parquetio

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/ingest"
	"github.com/convreport/convreport/internal/tables"
	"github.com/convreport/convreport/library"
	"github.com/convreport/convreport/memory"
	"github.com/convreport/convreport/sample"
	"github.com/parquet-go/parquet-go"
)

// rowWise is what Load must give: Read, then memory.New of the rows.
func rowWise(t *testing.T, data []byte, opt ingest.Options) (*memory.Source, error) {
	t.Helper()
	rows, err := Read(context.Background(), bytes.NewReader(data), int64(len(data)), opt)
	if err != nil && rows == nil {
		return nil, err
	}
	src, nerr := memory.New(rows, memory.WithSchema(opt.Schema))
	if nerr != nil {
		t.Fatalf("memory.New of rows Read accepted: %v", nerr)
	}
	return src, err
}

func load(data []byte, opt ingest.Options) (*memory.Source, error) {
	return Load(context.Background(), bytes.NewReader(data), int64(len(data)), opt)
}

// sameSource requires a and b to hold the same conversations in the same
// order, and both overview dashboards to give the same numbers on them.
func sameSource(t *testing.T, a, b *memory.Source) {
	t.Helper()
	// At their final sizes: growing slices of tens of thousands of
	// conversations is dear under the race detector.
	ca, cb := make([]convreport.Conversation, 0, a.Len()), make([]convreport.Conversation, 0, b.Len())
	for c := range a.All() {
		ca = append(ca, c)
	}
	for c := range b.All() {
		cb = append(cb, c)
	}
	if len(ca) != len(cb) {
		t.Fatalf("%d conversations, want %d", len(cb), len(ca))
	}
	for i := range ca {
		if !reflect.DeepEqual(ca[i], cb[i]) {
			t.Fatalf("conversation %d differs:\nwant %+v\ngot  %+v", i, ca[i], cb[i])
		}
	}
	q := convreport.Query{Range: convreport.LastYear, Now: time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)}
	for _, tpl := range []library.Template{library.ChatOverview(), library.EmailOverview()} {
		ra, err := convreport.NewEngine(a).Run(context.Background(), q, tpl.Reports...)
		if err != nil {
			t.Fatal(err)
		}
		rb, err := convreport.NewEngine(b).Run(context.Background(), q, tpl.Reports...)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(ra, rb) {
			t.Fatalf("%s: the results differ", tpl.Name)
		}
	}
}

// TestLoadMatchesReadThenNew loads files of valid conversations, in and
// out of creation order, with empty fields whose reported value is implied
// (a channel, a status) and with custom properties of every kind, column
// by column, and requires what Read and memory.New give.
func TestLoadMatchesReadThenNew(t *testing.T) {
	old, oldBatch, oldChunk := rowsPerGroup, batchRows, chunkRows
	rowsPerGroup = 1000 // several row groups, the last one short
	batchRows = 5000    // and several batches of them, each a segment (and enough rows to probe the earlier ones in hash order)
	defer func() { rowsPerGroup, batchRows, chunkRows = old, oldBatch, oldChunk }()
	rng := rand.New(rand.NewPCG(11, 12))
	random := randomConversations(5432, 5)
	for i := range random {
		c := &random[i]
		c.Properties = nil
		switch rng.IntN(4) {
		case 0:
			c.Channel = ""
		case 1:
			c.Status = ""
		}
		if i%100 == 0 && i > 0 { // ties go by ID
			p := random[i-1]
			c.CreatedAt, c.FirstAssignedAt, c.FirstResponseAt, c.ClosedAt, c.Status = p.CreatedAt, p.FirstAssignedAt, p.FirstResponseAt, p.ClosedAt, p.Status
		}
	}
	numberedThenNot := sample.Generate(sample.Config{Seed: 5, N: 20_000})
	for i := 10_000; i < len(numberedThenNot); i++ {
		numberedThenNot[i].ID += "z"
	}
	shuffled := sample.Generate(sample.Config{Seed: 4, N: 20_000})
	rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	schema := testSchema(t)
	for name, c := range map[string]struct {
		cs     []convreport.Conversation
		schema *convreport.Schema
	}{
		"sample, in order":  {sample.Generate(sample.Config{Seed: 3, N: 20_000}), nil},
		"sample, shuffled":  {shuffled, nil},
		"random fields":     {random, nil},
		"custom properties": {randomConversations(3000, 6), schema},
		"custom, in order":  {inCreationOrder(randomConversations(3000, 7)), schema},
		// Batches decode into the slices of the one before, which the
		// table must not have kept (durations are stored as they come).
		"custom, in order, several batches": {inCreationOrder(randomConversations(12_000, 9)), schema},
		// Batches numbered in order (found by number, no hashes), then
		// batches of IDs that are not numbers.
		"numbered, then not": {numberedThenNot, nil},
		"one conversation":   {random[:1], nil},
		"no conversation":    {nil, nil},
	} {
		// The file, and the source Read and memory.New make of it, do not
		// depend on the chunks Load decodes: made once for both sizes.
		var buf bytes.Buffer
		if err := Write(&buf, c.schema, slices.Values(c.cs)); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		want, err := rowWise(t, buf.Bytes(), ingest.Options{Schema: c.schema})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		// Chunks of two row groups (a batch's dictionaries grow from one
		// to the next, and its columns are reused with the last chunk's
		// values in them), and of one group more than a chunk's rows.
		for _, chunk := range []int64{2000, 500} {
			t.Run(fmt.Sprintf("%s, chunks of %d", name, chunk), func(t *testing.T) {
				chunkRows = chunk
				loadedMatch(t, buf.Bytes(), c.cs, c.schema, want)
			})
		}
	}
}

// loadMatches writes cs and requires loading them column by column to
// give what Read and memory.New give, and their IDs to be found.
func loadMatches(t *testing.T, cs []convreport.Conversation, schema *convreport.Schema) {
	var buf bytes.Buffer
	if err := Write(&buf, schema, slices.Values(cs)); err != nil {
		t.Fatal(err)
	}
	fileMatches(t, buf.Bytes(), cs, schema)
}

// fileMatches is loadMatches of data, a file of cs.
func fileMatches(t *testing.T, data []byte, cs []convreport.Conversation, schema *convreport.Schema) {
	t.Helper()
	want, err := rowWise(t, data, ingest.Options{Schema: schema})
	if err != nil {
		t.Fatal(err)
	}
	loadedMatch(t, data, cs, schema, want)
}

// loadedMatch is fileMatches given want, what Read and memory.New make
// of data.
func loadedMatch(t *testing.T, data []byte, cs []convreport.Conversation, schema *convreport.Schema, want *memory.Source) {
	t.Helper()
	opt := ingest.Options{Schema: schema}
	s := schema
	if s == nil {
		s = convreport.DefaultSchema()
	}
	src, err := loadColumns(context.Background(), bytes.NewReader(data), int64(len(data)), opt, s)
	if err != nil {
		t.Fatalf("the column-wise path declined: %v", err)
	}
	sameSource(t, want, src)
	opt.Workers = 1
	got, err := load(data, opt)
	if err != nil {
		t.Fatal(err)
	}
	sameSource(t, want, got)
	// Each segment's ID index finds its rows: upserting conversations
	// already there replaces them.
	var again []convreport.Conversation
	for i := 0; i < len(cs); i += 37 {
		again = append(again, cs[i])
	}
	if err := src.Upsert(again...); err != nil {
		t.Fatal(err)
	}
	if src.Len() != len(cs) {
		t.Fatalf("upserting %d conversations already loaded left %d, want %d", len(again), src.Len(), len(cs))
	}
}

// TestLoadFallsBackToTheRowErrors gives Load files the column-wise path
// declines (invalid rows, a repeated ID, custom properties) and requires
// the errors and the source of the row-wise path.
func TestLoadFallsBackToTheRowErrors(t *testing.T) {
	ok := func(id string) convreport.Conversation {
		return convreport.Conversation{ID: id, Channel: convreport.Chat, Status: convreport.Open, CreatedAt: time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)}
	}
	closed := ok("c2")
	closed.Status = convreport.Closed
	write := func(s *convreport.Schema, rows []convreport.Conversation) []byte {
		var buf bytes.Buffer
		if err := Write(&buf, s, slices.Values(rows)); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	cases := map[string][]byte{
		"invalid row":    write(nil, []convreport.Conversation{ok("c1"), closed, ok("c3")}),
		"repeated ID":    write(nil, []convreport.Conversation{ok("c1"), ok("c3"), ok("c1")}),
		"several":        write(nil, []convreport.Conversation{ok("c1"), closed, ok("c3"), ok("c1"), ok("")}),
		"negative count": write(nil, []convreport.Conversation{ok("c1"), func() convreport.Conversation { c := ok("c2"); c.IncomingMessages = -1; return c }()}),
	}
	// Row groups of two rows, batches of one row group: "c1" again in the
	// third batch is found in the table the first two made.
	old, oldBatch := rowsPerGroup, batchRows
	rowsPerGroup, batchRows = 2, 2
	cases["ID repeated across batches"] = write(nil, []convreport.Conversation{ok("c1"), ok("c2"), ok("c3"), ok("c4"), ok("c1"), ok("c5")})
	// A numbered batch has no hashes to merge: a later batch hashed
	// finds its repeat in it all the same, as in one hashed before it.
	cases["ID of a numbered batch repeated in a hashed one"] = write(nil, []convreport.Conversation{ok("c1"), ok("c2"), ok("c1"), ok("x")})
	cases["ID of a hashed batch repeated after a numbered one"] = write(nil, []convreport.Conversation{ok("a"), ok("b"), ok("c1"), ok("c2"), ok("b"), ok("c3")})
	// Row groups of two rows, one batch of three chunks of a group each:
	// the invalid row is in the second chunk.
	oldChunk := chunkRows
	rowsPerGroup, batchRows, chunkRows = 2, 6, 2
	cases["invalid row in a later chunk"] = write(nil, []convreport.Conversation{ok("c1"), ok("c3"), ok("c4"), closed, ok("c5"), ok("c6")})
	rowsPerGroup, batchRows = old, oldBatch
	defer func() { rowsPerGroup, batchRows, chunkRows = old, oldBatch, oldChunk }()
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			batchRows, chunkRows = 2, oldChunk
			if name == "invalid row in a later chunk" {
				batchRows, chunkRows = 6, 2
			}
			_, err := loadColumns(context.Background(), bytes.NewReader(data), int64(len(data)), ingest.Options{}, convreport.DefaultSchema())
			if !errors.Is(err, tables.ErrNotClean) {
				// A negative count cannot be written: the writer keeps it.
				if name != "negative count" {
					t.Fatalf("the column-wise path took a bad file: %v", err)
				}
			}
			for _, skip := range []bool{false, true} {
				opt := ingest.Options{File: "x.parquet", SkipInvalid: skip}
				want, werr := rowWise(t, data, opt)
				got, gerr := load(data, opt)
				if (werr == nil) != (gerr == nil) || (werr != nil && werr.Error() != gerr.Error()) {
					t.Fatalf("skip=%v: error %v, want %v", skip, gerr, werr)
				}
				if (want == nil) != (got == nil) {
					t.Fatalf("skip=%v: source %v, want %v", skip, got, want)
				}
				if want != nil {
					sameSource(t, want, got)
				}
			}
		})
	}

	// A custom enum's value outside its values: Read names the row.
	schema := testSchema(t)
	odd := randomConversations(300, 9)
	odd[17].Properties = map[string]any{"tier": "platinum"}
	loose, err := convreport.NewSchema(convreport.Property{Name: "tier", Kind: convreport.KindEnum, Values: []string{"free", "pro", "enterprise", "platinum"}})
	if err != nil {
		t.Fatal(err)
	}
	for i := range odd {
		if v, ok := odd[i].Properties["tier"]; ok {
			odd[i].Properties = map[string]any{"tier": v}
		} else {
			odd[i].Properties = nil
		}
	}
	data := write(loose, odd)
	strict := ingest.Options{Schema: schema, IgnoreUnknown: true}
	if _, err := loadColumns(context.Background(), bytes.NewReader(data), int64(len(data)), strict, schema); !errors.Is(err, tables.ErrNotClean) {
		t.Fatalf("an enum value outside the schema's: %v", err)
	}
	_, werr := rowWise(t, data, strict)
	_, gerr := load(data, strict)
	if werr == nil || gerr == nil || werr.Error() != gerr.Error() {
		t.Fatalf("error %v, want %v", gerr, werr)
	}
}

// TestLoadDamagedFiles gives Load damaged files: it must not panic, and
// must give what Read then memory.New give.
func TestLoadDamagedFiles(t *testing.T) {
	schema := testSchema(t)
	var buf bytes.Buffer
	if err := Write(&buf, schema, slices.Values(randomConversations(300, 9))); err != nil {
		t.Fatal(err)
	}
	good := buf.Bytes()
	r := rand.New(rand.NewPCG(3, 4))
	for i := range 300 {
		data := damaged(good, r, i)
		// One worker: with more, which columns' errors a read collects
		// depends on the schedule.
		opt := ingest.Options{Schema: schema, SkipInvalid: i%2 == 0, Workers: 1}
		want, werr := rowWise(t, data, opt)
		got, gerr := load(data, opt)
		if (werr == nil) != (gerr == nil) || (werr != nil && werr.Error() != gerr.Error()) {
			t.Fatalf("damage %d: error %v, want %v", i, gerr, werr)
		}
		if (want == nil) != (got == nil) {
			t.Fatalf("damage %d: source %v, want %v", i, got, want)
		}
		if want != nil {
			sameSource(t, want, got)
		}
	}
}

// BenchmarkLoad loads 200,000 sample conversations from a Parquet file in
// memory into a ready source, column by column; BenchmarkReadThenNew does
// it row by row, as before Load.
func BenchmarkLoad(b *testing.B) {
	data := benchFile(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		src, err := Load(context.Background(), bytes.NewReader(data), int64(len(data)), ingest.Options{})
		if err != nil || src.Len() != 200_000 {
			b.Fatal(err)
		}
	}
}

func BenchmarkReadThenNew(b *testing.B) {
	data := benchFile(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		rows, err := Read(context.Background(), bytes.NewReader(data), int64(len(data)), ingest.Options{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := memory.New(rows); err != nil {
			b.Fatal(err)
		}
	}
}

func benchFile(b *testing.B) []byte {
	b.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, nil, slices.Values(sample.Generate(sample.Config{Seed: 1, N: 200_000}))); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// inCreationOrder sorts cs as a source holds them: by creation, then ID.
func inCreationOrder(cs []convreport.Conversation) []convreport.Conversation {
	slices.SortFunc(cs, func(a, b convreport.Conversation) int {
		if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return cs
}

// TestLoadDictionaryEncodedIDs loads files whose ID column is
// dictionary-encoded, as other writers encode every string column, in and
// out of creation order, over several chunks and batches.
func TestLoadDictionaryEncodedIDs(t *testing.T) {
	old, oldBatch, oldChunk := rowsPerGroup, batchRows, chunkRows
	rowsPerGroup, batchRows, chunkRows = 700, 2800, 1400
	defer func() { rowsPerGroup, batchRows, chunkRows = old, oldBatch, oldChunk }()
	k := slices.IndexFunc(builtins, func(b builtin) bool { return b.Name == "ID" })
	builtins[k].dict = true
	defer func() { builtins[k].dict = false }()
	inOrder := sample.Generate(sample.Config{Seed: 8, N: 6000})
	shuffled := slices.Clone(inOrder)
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	for name, cs := range map[string][]convreport.Conversation{"in order": inOrder, "shuffled": shuffled} {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Write(&buf, nil, slices.Values(cs)); err != nil {
				t.Fatal(err)
			}
			f, err := parquet.OpenFile(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
			if err != nil {
				t.Fatal(err)
			}
			leaf, ok := f.Schema().Lookup(builtins[k].name)
			if !ok {
				t.Fatal("no ID column")
			}
			pages := f.RowGroups()[0].ColumnChunks()[leaf.ColumnIndex].Pages()
			defer pages.Close()
			p, err := pages.ReadPage()
			if err != nil {
				t.Fatal(err)
			}
			if p.Dictionary() == nil {
				t.Fatal("the ID column was written without a dictionary")
			}
			loadMatches(t, cs, nil)
		})
	}
}

// TestLoadStringEncodings loads files whose every string column is
// dictionary-encoded, as other writers encode them, and files where none
// is, as the simplest writers (and this package before subjects were)
// write them: the columns read as strings (contacts, subjects) take their
// values from a page's dictionary or its bytes, the others are mapped to
// the loader's dictionary, in pages with and without unknown values.
func TestLoadStringEncodings(t *testing.T) {
	old, oldBatch, oldChunk := rowsPerGroup, batchRows, chunkRows
	rowsPerGroup, batchRows, chunkRows = 700, 2800, 1400
	defer func() { rowsPerGroup, batchRows, chunkRows = old, oldBatch, oldChunk }()
	cs := sample.Generate(sample.Config{Seed: 9, N: 6000})
	// A run of rows with every string known: their pages have no nulls.
	for i := range 1500 {
		c := &cs[i]
		c.Subject, c.ContactID, c.OriginURL = fmt.Sprint("subject ", i%7), fmt.Sprint("contact-", i%300), fmt.Sprint("https://example.com/p", i%5)
	}
	for _, dict := range []bool{true, false} {
		t.Run(fmt.Sprintf("dictionary-encoded %v", dict), func(t *testing.T) {
			var buf bytes.Buffer
			func() {
				was := make([]bool, len(builtins))
				for k := range builtins {
					was[k] = builtins[k].dict
					builtins[k].dict = dict && builtins[k].typ == tString
				}
				defer func() {
					for k := range builtins {
						builtins[k].dict = was[k]
					}
				}()
				if err := Write(&buf, nil, slices.Values(cs)); err != nil {
					t.Fatal(err)
				}
			}()
			f, err := parquet.OpenFile(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
			if err != nil {
				t.Fatal(err)
			}
			for _, name := range []string{"subject", "inbox"} {
				leaf, _ := f.Schema().Lookup(name)
				pages := f.RowGroups()[0].ColumnChunks()[leaf.ColumnIndex].Pages()
				p, err := pages.ReadPage()
				pages.Close()
				if err != nil || (p.Dictionary() != nil) != dict {
					t.Fatalf("the %s column: dictionary %v, want %v (%v)", name, p.Dictionary() != nil, dict, err)
				}
			}
			fileMatches(t, buf.Bytes(), cs, nil)
		})
	}
}

// TestLoadDeclinesValuesOutOfRange gives the column-wise path pages of
// required columns, which have no definition levels, holding a count
// above 2^53 or a time at the unknown value: it declines them, and Load
// gives Read's error.
func TestLoadDeclinesValuesOutOfRange(t *testing.T) {
	type row struct {
		ID            string `parquet:"id"`
		Channel       string `parquet:"channel"`
		Status        string `parquet:"status"`
		CreatedAt     int64  `parquet:"created_at,timestamp(nanosecond:utc)"`
		FirstResponse int64  `parquet:"first_response_at,timestamp(nanosecond:utc)"`
		Incoming      int64  `parquet:"incoming_messages"`
	}
	at := time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC).UnixNano()
	for name, odd := range map[string]row{
		"count above 2^53":          {"c2", "chat", "open", at, at + 9, 1<<53 + 1},
		"negative count":            {"c2", "chat", "open", at, at + 9, -1},
		"creation at unknown":       {"c2", "chat", "open", tables.Unknown, at + 9, 1},
		"first response at unknown": {"c2", "chat", "open", at, tables.Unknown, 1},
	} {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			w := parquet.NewGenericWriter[row](&buf)
			if _, err := w.Write([]row{{"c1", "chat", "open", at, at + 5, 2}, odd, {"c3", "email", "open", at + 1, at + 7, 0}}); err != nil {
				t.Fatal(err)
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			data := buf.Bytes()
			if _, err := loadColumns(context.Background(), bytes.NewReader(data), int64(len(data)), ingest.Options{}, convreport.DefaultSchema()); !errors.Is(err, tables.ErrNotClean) {
				t.Fatalf("the column-wise path took the file: %v", err)
			}
			_, werr := rowWise(t, data, ingest.Options{})
			_, gerr := load(data, ingest.Options{})
			if werr == nil || gerr == nil || werr.Error() != gerr.Error() {
				t.Fatalf("error %v, want %v", gerr, werr)
			}
		})
	}
}

// cancellingReader cancels its context once it has served reads reads:
// a load stopped at a point the test chooses, in whatever the load was
// doing then.
type cancellingReader struct {
	r      *bytes.Reader
	reads  atomic.Int64
	after  int64
	cancel context.CancelFunc
}

func (c *cancellingReader) ReadAt(p []byte, off int64) (int, error) {
	if c.reads.Add(1) == c.after {
		c.cancel()
	}
	return c.r.ReadAt(p, off)
}

// TestLoadStopsWhenCancelled cancels loads of a file of several batches
// and chunks at points through it: each returns the context's error, no
// source, and leaves no goroutine behind (the decoding of the next chunk
// and of each column included).
func TestLoadStopsWhenCancelled(t *testing.T) {
	old, oldBatch, oldChunk := rowsPerGroup, batchRows, chunkRows
	rowsPerGroup, batchRows, chunkRows = 500, 3000, 1000
	defer func() { rowsPerGroup, batchRows, chunkRows = old, oldBatch, oldChunk }()
	var buf bytes.Buffer
	if err := Write(&buf, nil, slices.Values(sample.Generate(sample.Config{Seed: 9, N: 12_000}))); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	// How many reads a whole load makes, to cancel at points within it.
	count := &cancellingReader{r: bytes.NewReader(data), cancel: func() {}}
	if _, err := Load(context.Background(), count, int64(len(data)), ingest.Options{}); err != nil {
		t.Fatal(err)
	}
	total := count.reads.Load()
	if total < 20 {
		t.Fatalf("a load made %d reads: too few to stop it part way", total)
	}
	before := runtime.NumGoroutine()
	for _, at := range []int64{1, total / 4, total / 2, 3 * total / 4, total - 1} {
		t.Run(fmt.Sprintf("after %d of %d reads", at, total), func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			r := &cancellingReader{r: bytes.NewReader(data), after: at, cancel: cancel}
			src, err := Load(ctx, r, int64(len(data)), ingest.Options{})
			if !errors.Is(err, context.Canceled) || src != nil {
				t.Fatalf("Load cancelled after %d reads: source %v, error %v; want none and context.Canceled", at, src, err)
			}
		})
	}
	// Goroutines a load started have ended: a few may still be on their
	// way out when Load returns, so give them a moment.
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Fatalf("%d goroutines after the cancelled loads, %d before", n, before)
	}
}

// TestLoadReportsProgress loads files of six row groups in three batches,
// watching opt.Progress: after each row group stored, the rows so far and
// the bytes of their row groups (summed here from the footer); then the
// file's size and every row. A file with an invalid row in its fourth row
// group goes row by row from there, and its calls still only grow, ending
// at the size and the valid rows, or, where the load fails, where the
// column-wise path had got to.
func TestLoadReportsProgress(t *testing.T) {
	old, oldBatch, oldChunk := rowsPerGroup, batchRows, chunkRows
	rowsPerGroup, batchRows, chunkRows = 1000, 2500, 1000
	defer func() { rowsPerGroup, batchRows, chunkRows = old, oldBatch, oldChunk }()
	cs := inCreationOrder(randomConversations(5500, 21))
	type call struct {
		bytes int64
		rows  int
	}
	watch := func(data []byte, opt ingest.Options) ([]call, *memory.Source, error) {
		var calls []call
		opt.Progress = func(b int64, n int) { calls = append(calls, call{b, n}) }
		src, err := load(data, opt)
		for i := 1; i < len(calls); i++ {
			a, b := calls[i-1], calls[i]
			if b.bytes < a.bytes || b.rows < a.rows || b == a {
				t.Fatalf("call %d, %v, after %v: progress must only grow", i, b, a)
			}
		}
		return calls, src, err
	}

	var buf bytes.Buffer
	if err := Write(&buf, testSchema(t), slices.Values(cs)); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	var want []call
	for i, sum := range footerSums(t, data) {
		want = append(want, call{sum, min(1000*(i+1), len(cs))})
	}
	if len(want) != 6 || want[5].bytes >= int64(len(data)) {
		t.Fatalf("%d row groups (%v) in a file of %d bytes: want 6, smaller than the file", len(want), want, len(data))
	}
	want = append(want, call{int64(len(data)), len(cs)})
	calls, src, err := watch(data, ingest.Options{Schema: testSchema(t)})
	if err != nil || src.Len() != len(cs) {
		t.Fatalf("load: %v", err)
	}
	if !reflect.DeepEqual(calls, want) {
		t.Fatalf("progress %v, want %v", calls, want)
	}

	bad := slices.Clone(cs)
	bad[3500].Status = "pending"
	buf.Reset()
	if err := Write(&buf, testSchema(t), slices.Values(bad)); err != nil {
		t.Fatal(err)
	}
	data = buf.Bytes()
	calls, src, err = watch(data, ingest.Options{Schema: testSchema(t), SkipInvalid: true})
	if err == nil || src == nil || src.Len() != len(cs)-1 {
		t.Fatalf("load of a file with an invalid row: %v", err)
	}
	if len(calls) < 2 || calls[len(calls)-1] != (call{int64(len(data)), len(cs) - 1}) {
		t.Fatalf("progress %v, want some row groups, then the file's size and %d rows", calls, len(cs)-1)
	}
	if calls[0].rows != 1000 {
		t.Fatalf("progress %v: the first row group went by no call", calls)
	}
	// Without SkipInvalid the load fails, and what the row-wise read
	// reports of it (no rows) is not passed on.
	calls, src, err = watch(data, ingest.Options{Schema: testSchema(t)})
	if err == nil || src != nil || len(calls) == 0 {
		t.Fatalf("load of a file with an invalid row, not skipped: %v, progress %v", err, calls)
	}
}

// Read reports each row group once the groups before it are decoded too,
// with the bytes of the groups decoded and 0 rows (none is returned
// before the end), then the file's size and the rows returned; with
// several workers, groups finished together may share a call.
func TestReadReportsProgress(t *testing.T) {
	old := rowsPerGroup
	rowsPerGroup = 1000
	defer func() { rowsPerGroup = old }()
	cs := randomConversations(5500, 22)
	var buf bytes.Buffer
	if err := Write(&buf, testSchema(t), slices.Values(cs)); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	type call struct {
		bytes int64
		rows  int
	}
	var want []call
	for _, sum := range footerSums(t, data) {
		want = append(want, call{sum, 0})
	}
	if len(want) != 6 {
		t.Fatalf("%d row groups, want 6", len(want))
	}
	want = append(want, call{int64(len(data)), len(cs)})
	for _, workers := range []int{1, 4} {
		var mu sync.Mutex
		var calls []call
		opt := ingest.Options{Schema: testSchema(t), Workers: workers, Progress: func(b int64, n int) {
			mu.Lock()
			calls = append(calls, call{b, n})
			mu.Unlock()
		}}
		rows, err := Read(context.Background(), bytes.NewReader(data), int64(len(data)), opt)
		if err != nil || len(rows) != len(cs) {
			t.Fatalf("%d workers: %d rows, %v", workers, len(rows), err)
		}
		if workers == 1 {
			if !reflect.DeepEqual(calls, want) {
				t.Fatalf("progress %v, want %v", calls, want)
			}
			continue
		}
		// Groups that finish together may be reported in one call: the
		// calls are some of want's, in order, its last two among them.
		k := 0
		for _, c := range calls {
			for k < len(want) && want[k] != c {
				k++
			}
			if k == len(want) {
				t.Fatalf("%d workers: progress %v, want some of %v in order", workers, calls, want)
			}
		}
		if n := len(calls); n < 2 || calls[n-2] != want[len(want)-2] || calls[n-1] != want[len(want)-1] {
			t.Fatalf("%d workers: progress %v, want it to end as %v does", workers, calls, want)
		}
	}
}

// footerSums returns, for each row group of the file data, the bytes of
// its column chunks and those of the groups before it, as the footer
// gives them.
func footerSums(t *testing.T, data []byte) []int64 {
	t.Helper()
	f, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var sums []int64
	var sum int64
	for _, rg := range f.Metadata().RowGroups {
		for _, c := range rg.Columns {
			sum += c.MetaData.TotalCompressedSize
		}
		sums = append(sums, sum)
	}
	return sums
}
