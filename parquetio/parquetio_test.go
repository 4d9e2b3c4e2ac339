package parquetio

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/ingest"
	"github.com/convreport/convreport/sample"
)

func testSchema(t testing.TB) *convreport.Schema {
	t.Helper()
	s, err := convreport.NewSchema(
		convreport.Property{Name: "tier", Kind: convreport.KindEnum, Values: []string{"free", "pro", "enterprise"}},
		convreport.Property{Name: "score", Kind: convreport.KindNumber},
		convreport.Property{Name: "vip", Kind: convreport.KindBool},
		convreport.Property{Name: "due", Kind: convreport.KindTime},
		convreport.Property{Name: "sla", Kind: convreport.KindDuration},
		convreport.Property{Name: "note", Kind: convreport.KindString},
	)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// randomConversations are valid conversations using every field, with
// times at odd nanoseconds in several offsets and every custom property
// sometimes set, sometimes not.
func randomConversations(n int, seed uint64) []convreport.Conversation {
	r := rand.New(rand.NewPCG(seed, 7))
	zones := []*time.Location{time.UTC, time.FixedZone("", 3600), time.FixedZone("", -9*3600-1800)}
	base := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	pick := func(vals ...string) string { return vals[r.IntN(len(vals))] }
	out := make([]convreport.Conversation, n)
	for i := range out {
		created := base.Add(time.Duration(r.Int64N(int64(90 * 24 * time.Hour)))).In(zones[r.IntN(3)])
		c := convreport.Conversation{
			ID:        fmt.Sprintf("c-%d-%x", i, r.Uint32()),
			Channel:   convreport.Channels()[r.IntN(len(convreport.Channels()))],
			Inbox:     pick("", "Sales", "Support", "Billing"),
			Team:      pick("", "Team A", "Équipe B"),
			Status:    convreport.Open,
			CreatedAt: created,
			ContactID: pick("", fmt.Sprintf("contact-%d", r.IntN(1000))),
			Subject:   pick("", "Order #12, \"urgent\"\nsecond line", "日本語 🎉"),
			OriginURL: pick("", "https://shop.example.com/p/1?utm=x"),
			Source:    pick("", "widget", "api"),
			Chatflow:  pick("", "Welcome flow"),

			IncomingMessages: r.IntN(40), OutgoingMessages: r.IntN(40),
		}
		if r.IntN(4) > 0 {
			c.Assignee = fmt.Sprintf("rep-%02d", r.IntN(30))
			c.FirstAssignedAt = created.Add(time.Duration(r.Int64N(int64(time.Hour))))
			if r.IntN(3) > 0 {
				c.FirstResponseAt = c.FirstAssignedAt.Add(time.Duration(r.Int64N(int64(time.Hour))))
			}
		}
		if r.IntN(2) == 0 {
			c.Status = convreport.Closed
			c.ClosedAt = created.Add(time.Duration(r.Int64N(int64(72 * time.Hour))))
			c.ClosedBy = c.Assignee
		}
		props := map[string]any{}
		if r.IntN(2) == 0 {
			props["tier"] = pick("free", "pro", "enterprise")
		}
		if r.IntN(2) == 0 {
			props["score"] = r.NormFloat64() * 1e3
		}
		if r.IntN(2) == 0 {
			props["vip"] = r.IntN(2) == 0
		}
		if r.IntN(2) == 0 {
			props["due"] = created.Add(time.Duration(r.Int64N(1 << 50))).In(zones[r.IntN(3)])
		}
		if r.IntN(2) == 0 {
			props["sla"] = time.Duration(r.Int64N(1<<40) - 1<<39)
		}
		if r.IntN(2) == 0 {
			props["note"] = pick("a", "b, \"c\"", "ü")
		}
		if len(props) > 0 {
			c.Properties = props
		}
		out[i] = c
	}
	return out
}

// same requires got to hold want's conversations, field for field; times
// as the same instants (Parquet keeps no offset).
func same(t *testing.T, want, got []convreport.Conversation) {
	t.Helper()
	if len(want) != len(got) {
		t.Fatalf("got %d conversations, want %d", len(got), len(want))
	}
	norm := func(c convreport.Conversation) convreport.Conversation {
		for _, p := range []*time.Time{&c.CreatedAt, &c.FirstAssignedAt, &c.FirstResponseAt, &c.ClosedAt} {
			if !p.IsZero() {
				*p = p.UTC()
			}
		}
		if c.Properties != nil {
			m := map[string]any{}
			for k, v := range c.Properties {
				if tv, ok := v.(time.Time); ok {
					v = tv.UTC()
				}
				m[k] = v
			}
			c.Properties = m
		}
		return c
	}
	for i := range want {
		if a, b := norm(want[i]), norm(got[i]); !reflect.DeepEqual(a, b) {
			t.Fatalf("conversation %d differs:\nwant %+v\ngot  %+v", i, a, b)
		}
	}
}

func TestRoundTrip(t *testing.T) {
	schema := testSchema(t)
	old := rowsPerGroup
	rowsPerGroup = 1000 // several row groups, the last one short
	defer func() { rowsPerGroup = old }()
	for _, n := range []int{0, 1, 999, 5432} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			want := randomConversations(n, uint64(n))
			for i := range want {
				if err := schema.Validate(&want[i]); err != nil {
					t.Fatalf("the test's data is invalid: %v", err)
				}
			}
			var buf bytes.Buffer
			if err := Write(&buf, schema, slices.Values(want)); err != nil {
				t.Fatal(err)
			}
			for _, workers := range []int{1, 3} {
				got, err := Read(context.Background(), bytes.NewReader(buf.Bytes()), int64(buf.Len()), ingest.Options{Schema: schema, Workers: workers})
				if err != nil {
					t.Fatal(err)
				}
				same(t, want, got)
			}
			fs, err := FileSchema(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(fs.Custom(), schema.Custom()) {
				t.Fatalf("FileSchema: %+v, want %+v", fs.Custom(), schema.Custom())
			}
		})
	}
}

// The sample data, as convbench and the demo use it, reads back equal
// from a file on disk.
func TestRoundTripSampleFile(t *testing.T) {
	want := sample.Generate(sample.Config{Seed: 3, N: 20_000})
	path := filepath.Join(t.TempDir(), "sample.parquet")
	if err := WriteFile(path, nil, want); err != nil {
		t.Fatal(err)
	}
	got, err := ReadFile(context.Background(), path, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	same(t, want, got)
}

// A row is checked as a line is: a record rule broken, a duplicate ID.
func TestRowErrors(t *testing.T) {
	ok := func(id string) convreport.Conversation {
		return convreport.Conversation{ID: id, Channel: convreport.Chat, Status: convreport.Open, CreatedAt: time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)}
	}
	closed := ok("c2")
	closed.Status = convreport.Closed
	rows := []convreport.Conversation{ok("c1"), closed, ok("c3"), ok("c1"), ok("")}
	var buf bytes.Buffer
	if err := Write(&buf, nil, slices.Values(rows)); err != nil {
		t.Fatal(err)
	}
	read := func(opt ingest.Options) ([]convreport.Conversation, error) {
		opt.File = "x.parquet"
		return Read(context.Background(), bytes.NewReader(buf.Bytes()), int64(buf.Len()), opt)
	}
	got, err := read(ingest.Options{})
	if got != nil || err == nil || err.Error() != `x.parquet: row 2: conversation "c2": closed_at: is missing but the conversation is closed` {
		t.Fatalf("strict: %d rows, %v", len(got), err)
	}
	var re *RowError
	var ve *convreport.ValidationError
	if !errors.As(err, &re) || re.Row != 2 || re.Field != "closed_at" || !errors.As(err, &ve) || ve.Index != 1 {
		t.Fatalf("strict: %#v", err)
	}
	got, err = read(ingest.Options{SkipInvalid: true})
	want := []string{
		`x.parquet: row 2: conversation "c2": closed_at: is missing but the conversation is closed`,
		`x.parquet: row 4: conversation "c1": id: duplicates the conversation on row 1`,
		`x.parquet: row 5: id: is empty`,
	}
	var msgs []string
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		msgs = append(msgs, e.Error())
	}
	if !slices.Equal(msgs, want) {
		t.Fatalf("errors\n%s\nwant\n%s", strings.Join(msgs, "\n"), strings.Join(want, "\n"))
	}
	if len(got) != 2 || got[0].ID != "c1" || got[1].ID != "c3" {
		t.Fatalf("kept %v", got)
	}
}

// Files that are not files of conversations get a *FileError naming
// the column.
func TestFileErrors(t *testing.T) {
	write := func(t *testing.T, model any) []byte {
		var buf bytes.Buffer
		w := parquet.NewWriter(&buf, parquet.SchemaOf(model))
		if err := w.Write(model); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	type missing struct {
		ID      string `parquet:"id"`
		Channel string `parquet:"channel"`
	}
	type wrongType struct {
		ID        string `parquet:"id"`
		Channel   string `parquet:"channel"`
		Status    string `parquet:"status"`
		CreatedAt int64  `parquet:"created_at"`
	}
	type unknown struct {
		ID        string    `parquet:"id"`
		Channel   string    `parquet:"channel"`
		Status    string    `parquet:"status"`
		CreatedAt time.Time `parquet:"created_at,timestamp(nanosecond)"`
		Asignee   string    `parquet:"asignee"`
	}
	for _, tc := range []struct {
		name string
		data []byte
		opt  ingest.Options
		want string
	}{
		{"not parquet", []byte("id,channel\n"), ingest.Options{}, "parquetio: f.parquet: "},
		{"missing columns", write(t, missing{"c1", "chat"}), ingest.Options{}, `parquetio: f.parquet: missing required column(s) "created_at"`},
		{"wrong type", write(t, wrongType{"c1", "chat", "open", 1}), ingest.Options{}, `parquetio: f.parquet: column "created_at": holds INT(64,true), want a TIMESTAMP adjusted to UTC (in MILLIS, MICROS or NANOS)`},
		{"unknown column", write(t, unknown{"c1", "chat", "open", time.Now(), "x"}), ingest.Options{}, `parquetio: f.parquet: column "asignee": is not a field of conversations (did you mean "assignee"?)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.opt.File = "f.parquet"
			_, err := Read(context.Background(), bytes.NewReader(tc.data), int64(len(tc.data)), tc.opt)
			var fe *FileError
			if !errors.As(err, &fe) || !strings.HasPrefix(err.Error(), tc.want) {
				t.Fatalf("got %v, want %s", err, tc.want)
			}
		})
	}
	// IgnoreUnknown reads the rest.
	data := write(t, unknown{"c1", "chat", "open", time.Date(2025, 3, 3, 9, 0, 0, 5, time.UTC), "x"})
	got, err := Read(context.Background(), bytes.NewReader(data), int64(len(data)), ingest.Options{IgnoreUnknown: true})
	if err != nil || len(got) != 1 || got[0].ID != "c1" || got[0].CreatedAt.Nanosecond() != 5 {
		t.Fatalf("IgnoreUnknown: %v %v", got, err)
	}
}

// Write refuses what it could not read back.
func TestWriteErrors(t *testing.T) {
	c := convreport.Conversation{ID: "c1", Channel: convreport.Chat, Status: convreport.Open, CreatedAt: time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC)}
	err := Write(&bytes.Buffer{}, nil, slices.Values([]convreport.Conversation{c}))
	if err == nil || !strings.Contains(err.Error(), "created_at") {
		t.Fatalf("time out of range: %v", err)
	}
	c.CreatedAt = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	c.Properties = map[string]any{"tier": "pro"}
	err = Write(&bytes.Buffer{}, nil, slices.Values([]convreport.Conversation{c}))
	if err == nil || err.Error() != `parquetio: conversation #0 ("c1"): properties.tier: is not a custom property of the schema` {
		t.Fatalf("undeclared property: %v", err)
	}
	path := filepath.Join(t.TempDir(), "x.parquet")
	if err := WriteFile(path, nil, []convreport.Conversation{c}); err == nil {
		t.Fatal("no error")
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("the failed file is left: %v", err)
	}
}

// BenchmarkRead reads 200,000 sample conversations from a Parquet file in
// memory.
func BenchmarkRead(b *testing.B) {
	cs := sample.Generate(sample.Config{Seed: 1, N: 200_000})
	var buf bytes.Buffer
	if err := Write(&buf, nil, slices.Values(cs)); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		got, err := Read(context.Background(), bytes.NewReader(data), int64(len(data)), ingest.Options{})
		if err != nil || len(got) != len(cs) {
			b.Fatalf("%d rows: %v", len(got), err)
		}
	}
}

// BenchmarkWrite writes the same conversations.
func BenchmarkWrite(b *testing.B) {
	cs := sample.Generate(sample.Config{Seed: 1, N: 200_000})
	b.ReportAllocs()
	for b.Loop() {
		if err := Write(io.Discard, nil, slices.Values(cs)); err != nil {
			b.Fatal(err)
		}
	}
}

// damaged is a copy of good damaged as the i-th of a series drawn from r:
// every third cut short, the others with one to four bytes changed.
func damaged(good []byte, r *rand.Rand, i int) []byte {
	data := slices.Clone(good)
	if i%3 == 0 {
		return data[:r.IntN(len(data))]
	}
	for range 1 + r.IntN(4) {
		data[r.IntN(len(data))] ^= byte(1 + r.IntN(255))
	}
	return data
}

// A damaged file is an error, never a crash: bytes of a valid file
// flipped here and there, or the file cut short.
func TestDamagedFiles(t *testing.T) {
	schema := testSchema(t)
	var buf bytes.Buffer
	if err := Write(&buf, schema, slices.Values(randomConversations(300, 9))); err != nil {
		t.Fatal(err)
	}
	good := buf.Bytes()
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 300 {
		data := damaged(good, r, i)
		rows, err := Read(context.Background(), bytes.NewReader(data), int64(len(data)), ingest.Options{Schema: schema, SkipInvalid: true})
		for j := range rows {
			if verr := schema.Validate(&rows[j]); verr != nil {
				t.Fatalf("damage %d: an invalid row is kept: %v", i, verr)
			}
		}
		if err == nil && len(rows) == 0 {
			t.Fatalf("damage %d: no rows and no error", i)
		}
		// FileSchema reads the footer alone: damage there is an error, not
		// a panic.
		if _, err := FileSchema(bytes.NewReader(data), int64(len(data))); err != nil {
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("damage %d: FileSchema: %v, want a *FileError", i, err)
			}
		}
	}
	// A footer found to make the Parquet library panic (slice bounds out of
	// range): Read and FileSchema both say it cannot be decoded.
	data, err := os.ReadFile(filepath.Join("testdata", "damaged-footer.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := FileSchema(bytes.NewReader(data), int64(len(data))); err == nil || !strings.Contains(err.Error(), "cannot be decoded") {
		t.Fatalf("FileSchema of a damaged footer: %v", err)
	}
	if _, err := Read(context.Background(), bytes.NewReader(data), int64(len(data)), ingest.Options{}); err == nil || !strings.Contains(err.Error(), "cannot be decoded") {
		t.Fatalf("Read of a damaged footer: %v", err)
	}
}

// TestWriteLeavesConversationsAlone writes conversations whose strings
// the writer's values point into (no copy is made of them) and requires
// every string to hold the bytes it held before.
func TestWriteLeavesConversationsAlone(t *testing.T) {
	schema := testSchema(t)
	cs := randomConversations(3000, 11)
	clone := func(c convreport.Conversation) convreport.Conversation {
		for _, s := range []*string{&c.ID, &c.Inbox, &c.Assignee, &c.Team, &c.ClosedBy, &c.OriginURL, &c.Chatflow, &c.Source, &c.ContactID, &c.Subject} {
			*s = strings.Clone(*s)
		}
		c.Channel, c.Status = convreport.Channel(strings.Clone(string(c.Channel))), convreport.Status(strings.Clone(string(c.Status)))
		if c.Properties != nil {
			props := make(map[string]any, len(c.Properties))
			for k, v := range c.Properties {
				if s, ok := v.(string); ok {
					v = strings.Clone(s)
				}
				props[k] = v
			}
			c.Properties = props
		}
		return c
	}
	before := make([]convreport.Conversation, len(cs))
	for i, c := range cs {
		before[i] = clone(c)
	}
	if err := Write(io.Discard, schema, slices.Values(cs)); err != nil {
		t.Fatal(err)
	}
	for i := range cs {
		if !reflect.DeepEqual(cs[i], before[i]) {
			t.Fatalf("conversation %d changed:\nbefore %+v\nafter  %+v", i, before[i], cs[i])
		}
	}
}

// The creation times and the message counts are written delta-encoded;
// each other time column delta-encoded unless its values pack much
// better plain, as the first conversations show: a first response a
// second after each creation (deltas all alike) is delta-encoded, a close
// at one of three instants (PLAIN values that repeat, deltas that jump)
// is not. What a file's metadata says of each column chunk, with the
// choice made on the first 100 of 1,000 conversations, which read back
// as they were written.
func TestWriteEncodings(t *testing.T) {
	old := sampleRows
	sampleRows = 100
	defer func() { sampleRows = old }()
	r := rand.New(rand.NewPCG(4, 5))
	start := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	closes := []time.Time{start.AddDate(1, 0, 0), start.AddDate(2, 3, 0), start.AddDate(3, 7, 11)}
	var cs []convreport.Conversation
	for i := range 1000 {
		created := start.Add(time.Duration(i) * time.Minute)
		cs = append(cs, convreport.Conversation{
			ID: fmt.Sprintf("c-%d", i), Channel: convreport.Chat, Status: convreport.Closed,
			CreatedAt: created, FirstResponseAt: created.Add(time.Second), ClosedAt: closes[r.IntN(len(closes))],
			IncomingMessages: 1 + r.IntN(5),
		})
	}
	var buf bytes.Buffer
	if err := Write(&buf, nil, slices.Values(cs)); err != nil {
		t.Fatal(err)
	}
	got, err := Read(context.Background(), bytes.NewReader(buf.Bytes()), int64(buf.Len()), ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, cs) {
		t.Fatal("the conversations read back differ from those written")
	}
	f, err := parquet.OpenFile(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"created_at":        "DELTA_BINARY_PACKED",
		"incoming_messages": "DELTA_BINARY_PACKED",
		"outgoing_messages": "DELTA_BINARY_PACKED",
		"first_response_at": "DELTA_BINARY_PACKED",
		"closed_at":         "PLAIN",
	}
	seen := 0
	for _, rg := range f.Metadata().RowGroups {
		for _, cc := range rg.Columns {
			name := strings.Join(cc.MetaData.PathInSchema, ".")
			enc, ok := want[name]
			if !ok {
				continue
			}
			seen++
			var got []string
			for _, e := range cc.MetaData.Encoding {
				got = append(got, e.String())
			}
			if !slices.Contains(got, enc) {
				t.Errorf("%s: encodings %v, want %s among them", name, got, enc)
			}
			if enc == "PLAIN" && slices.Contains(got, "DELTA_BINARY_PACKED") {
				t.Errorf("%s: encodings %v, want no delta", name, got)
			}
		}
	}
	if seen != len(want)*len(f.Metadata().RowGroups) {
		t.Fatalf("saw %d of the %d column chunks", seen, len(want)*len(f.Metadata().RowGroups))
	}
}

// withWriteSizes sets the row group, the rows that choose the time
// encodings, the page size and the workers of a write for one test.
func withWriteSizes(t *testing.T, groupRows, headRows, page, workers int) {
	t.Helper()
	oldGroup, oldHead, oldPage, oldWorkers := rowsPerGroup, sampleRows, pageBytes, writeWorkers
	rowsPerGroup, sampleRows, pageBytes, writeWorkers = groupRows, headRows, page, workers
	t.Cleanup(func() { rowsPerGroup, sampleRows, pageBytes, writeWorkers = oldGroup, oldHead, oldPage, oldWorkers })
}

// A file's bytes do not depend on how many cores wrote its columns, nor
// on where the blocks of rows a write hands its cores fall against the
// row groups. Pages of 1 KB are encoded and compressed as the columns are
// written, on the workers, not only as a row group is flushed.
func TestWriteDoesNotDependOnCores(t *testing.T) {
	schema := testSchema(t)
	want := randomConversations(9_001, 11)
	var files [][]byte
	for _, workers := range []int{1, 2, 5} {
		withWriteSizes(t, 700, 100, 1<<10, workers)
		var buf bytes.Buffer
		if err := Write(&buf, schema, slices.Values(want)); err != nil {
			t.Fatal(err)
		}
		files = append(files, buf.Bytes())
	}
	for i := 1; i < len(files); i++ {
		if !bytes.Equal(files[0], files[i]) {
			t.Fatalf("the file written by several cores (%d bytes) differs from one core's (%d bytes)", len(files[i]), len(files[0]))
		}
	}
	got, err := Read(context.Background(), bytes.NewReader(files[1]), int64(len(files[1])), ingest.Options{Schema: schema})
	if err != nil {
		t.Fatal(err)
	}
	same(t, want, got)
	f, err := parquet.OpenFile(bytes.NewReader(files[1]), int64(len(files[1])))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(f.RowGroups()); n != 13 {
		t.Fatalf("%d row groups, want 13 (12 of 700 rows and one of 601)", n)
	}
	pages := 0
	for _, rg := range f.RowGroups() {
		pg := rg.ColumnChunks()[0].Pages()
		for {
			p, err := pg.ReadPage()
			if err != nil {
				break
			}
			parquet.Release(p)
			pages++
		}
		pg.Close()
	}
	if pages < 3*len(f.RowGroups()) {
		t.Fatalf("%d pages in the first column's %d chunks: the pages were not written as the columns were", pages, len(f.RowGroups()))
	}
}

// A write's columns go to several cores, but its error is the one
// writing row by row finds first: the first bad conversation's first bad
// column (in the file's leaf order: the built-in fields, then
// properties.*), then a property no column holds.
func TestWriteErrorIsTheFirstRowsFirst(t *testing.T) {
	schema := testSchema(t)
	far := time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC)
	type badRows struct {
		change map[int]func(c *convreport.Conversation)
		row    int    // the row the error names
		what   string // how its message goes on
	}
	cases := map[string]badRows{
		"two columns of one row, a later row's earlier column": {
			change: map[int]func(c *convreport.Conversation){
				5000: func(c *convreport.Conversation) { c.ClosedAt, c.Properties = far, map[string]any{"due": far} },
				5003: func(c *convreport.Conversation) { c.CreatedAt = far },
			},
			row: 5000, what: "closed_at: ",
		},
		"a property no column holds before a bad column": {
			change: map[int]func(c *convreport.Conversation){
				4100: func(c *convreport.Conversation) { c.Properties = map[string]any{"seats": 3.0} },
				4101: func(c *convreport.Conversation) { c.FirstResponseAt = far },
			},
			row: 4100, what: "properties.seats: is not a custom property of the schema",
		},
		"a bad column and an undeclared property in one row": {
			change: map[int]func(c *convreport.Conversation){
				8191: func(c *convreport.Conversation) { c.Properties = map[string]any{"seats": 3.0, "due": far} },
			},
			row: 8191, what: "properties.due: ",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			rows := randomConversations(9_000, 3)
			for r, change := range tc.change {
				change(&rows[r])
			}
			want := fmt.Sprintf("parquetio: conversation #%d (%q): %s", tc.row, rows[tc.row].ID, tc.what)
			for _, workers := range []int{1, 2, 4} {
				withWriteSizes(t, 3000, 100, pageBytes, workers)
				err := Write(io.Discard, schema, slices.Values(rows))
				if err == nil || !strings.HasPrefix(err.Error(), want) {
					t.Fatalf("%d workers: %v, want %s…", workers, err, want)
				}
			}
		})
	}
}

// Only a valid row claims its ID: a skipped row's ID belongs to the next
// valid row with it, which used to be refused as its duplicate.
func TestSkippedRowClaimsNoID(t *testing.T) {
	t0 := time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)
	ok := func(id string) convreport.Conversation {
		return convreport.Conversation{ID: id, Channel: convreport.Chat, Status: convreport.Open, CreatedAt: t0}
	}
	bad := ok("x")
	bad.Status = convreport.Closed // without a closed_at
	later := ok("x")
	later.Assignee = "bo"
	rows := []convreport.Conversation{ok("a"), bad, later, ok("x"), ok("y"), ok("a")}
	var buf bytes.Buffer
	if err := Write(&buf, nil, slices.Values(rows)); err != nil {
		t.Fatal(err)
	}
	opt := ingest.Options{SkipInvalid: true, File: "x.parquet"}
	wantErrs := []string{
		`x.parquet: row 2: conversation "x": closed_at: is missing but the conversation is closed`,
		`x.parquet: row 4: conversation "x": id: duplicates the conversation on row 3`,
		`x.parquet: row 6: conversation "a": id: duplicates the conversation on row 1`,
	}
	got, err := Read(context.Background(), bytes.NewReader(buf.Bytes()), int64(buf.Len()), opt)
	var msgs []string
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		msgs = append(msgs, e.Error())
	}
	if !slices.Equal(msgs, wantErrs) {
		t.Fatalf("errors\n%s\nwant\n%s", strings.Join(msgs, "\n"), strings.Join(wantErrs, "\n"))
	}
	var ids []string
	for _, c := range got {
		ids = append(ids, c.ID+"/"+c.Assignee)
	}
	if want := []string{"a/", "x/bo", "y/"}; !slices.Equal(ids, want) {
		t.Fatalf("Read kept %v, want %v", ids, want)
	}
	src, err := Load(context.Background(), bytes.NewReader(buf.Bytes()), int64(buf.Len()), opt)
	if src == nil {
		t.Fatalf("Load: %v", err)
	}
	ids = nil
	for c := range src.All() {
		ids = append(ids, c.ID+"/"+c.Assignee)
	}
	slices.Sort(ids)
	if want := []string{"a/", "x/bo", "y/"}; !slices.Equal(ids, want) {
		t.Fatalf("Load kept %v, want %v", ids, want)
	}
	ids = nil
	for c, err := range All(context.Background(), bytes.NewReader(buf.Bytes()), int64(buf.Len()), opt) {
		if err == nil {
			ids = append(ids, c.ID+"/"+c.Assignee)
		}
	}
	// All leaves repeated IDs to its caller: it yields every valid row.
	if want := []string{"a/", "x/bo", "x/", "y/", "a/"}; !slices.Equal(ids, want) {
		t.Fatalf("All kept %v, want %v", ids, want)
	}
}

// A message count no conversation may hold is its row's error, as a bad
// count is its line's in JSON Lines: it named the row within its row
// group, and ended the read even under SkipInvalid.
func TestBadCountIsItsRowsError(t *testing.T) {
	defer func(n int) { rowsPerGroup = n }(rowsPerGroup)
	rowsPerGroup = 1000
	t0 := time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)
	rows := make([]convreport.Conversation, 2500)
	for i := range rows {
		rows[i] = convreport.Conversation{ID: fmt.Sprintf("c%d", i), Channel: convreport.Chat, Status: convreport.Open, CreatedAt: t0.Add(time.Duration(i) * time.Minute)}
	}
	rows[1500].IncomingMessages = -3
	rows[2100].OutgoingMessages = -1
	var buf bytes.Buffer
	if err := Write(&buf, nil, slices.Values(rows)); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	wantErrs := []string{
		`x.parquet: row 1501: conversation "c1500": incoming_messages: want a whole number ≥ 0 and at most 2^53, got -3`,
		`x.parquet: row 2101: conversation "c2100": outgoing_messages: want a whole number ≥ 0 and at most 2^53, got -1`,
	}
	open := func(skip bool) ingest.Options { return ingest.Options{File: "x.parquet", SkipInvalid: skip} }
	check := func(t *testing.T, what string, kept int, errs []error) {
		t.Helper()
		var msgs []string
		for _, e := range errs {
			var re *RowError
			if !errors.As(e, &re) {
				t.Fatalf("%s: %T is not a *RowError: %v", what, e, e)
			}
			msgs = append(msgs, e.Error())
		}
		if !slices.Equal(msgs, wantErrs) || kept != 2498 {
			t.Fatalf("%s: kept %d, errors\n%s\nwant 2498 and\n%s", what, kept, strings.Join(msgs, "\n"), strings.Join(wantErrs, "\n"))
		}
	}
	got, err := Read(context.Background(), bytes.NewReader(data), int64(len(data)), open(true))
	check(t, "Read", len(got), err.(interface{ Unwrap() []error }).Unwrap())

	var errs []error
	kept := 0
	for _, err := range All(context.Background(), bytes.NewReader(data), int64(len(data)), open(true)) {
		if err != nil {
			errs = append(errs, err)
		} else {
			kept++
		}
	}
	check(t, "All", kept, errs)

	src, err := Load(context.Background(), bytes.NewReader(data), int64(len(data)), open(true))
	if src == nil || src.Len() != 2498 {
		t.Fatalf("Load: %v", err)
	}
	check(t, "Load", src.Len(), err.(interface{ Unwrap() []error }).Unwrap())

	// Without SkipInvalid, the first bad row is the error.
	_, err = Read(context.Background(), bytes.NewReader(data), int64(len(data)), open(false))
	if err == nil || err.Error() != wantErrs[0] {
		t.Fatalf("strict: %v", err)
	}
}
