package parquetio

import (
	"bytes"
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/deprecated"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/ingest"
	"github.com/convreport/convreport/memory"
)

// otherRow is a conversation as other writers lay one out: times in
// milliseconds and microseconds, counts in 32 bits, nulls.
type otherRow struct {
	ID        string  `parquet:"id"`
	Channel   string  `parquet:"channel"`
	Status    string  `parquet:"status"`
	Created   int64   `parquet:"created_at,timestamp(millisecond)"`
	Responded *int64  `parquet:"first_response_at,timestamp(microsecond)"`
	Closed    *int64  `parquet:"closed_at,timestamp(millisecond)"`
	Incoming  int32   `parquet:"incoming_messages"`
	Outgoing  *int32  `parquet:"outgoing_messages"`
	Props     dueProp `parquet:"properties"`
}

// otherRowDict is otherRow with its integers and times
// dictionary-encoded, as DuckDB writes them.
type otherRowDict struct {
	ID        string  `parquet:"id"`
	Channel   string  `parquet:"channel,dict"`
	Status    string  `parquet:"status,dict"`
	Created   int64   `parquet:"created_at,timestamp(millisecond),dict"`
	Responded *int64  `parquet:"first_response_at,timestamp(microsecond),dict"`
	Closed    *int64  `parquet:"closed_at,timestamp(millisecond),dict"`
	Incoming  int32   `parquet:"incoming_messages,dict"`
	Outgoing  *int32  `parquet:"outgoing_messages,dict"`
	Props     dueProp `parquet:"properties"`
}

type dueProp struct {
	Due *int64 `parquet:"due,timestamp(microsecond)"`
}

func writeModel[T any](t *testing.T, rows []T, opts ...parquet.WriterOption) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[T](&buf, opts...)
	if _, err := w.Write(rows); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestReadsOtherWritersUnits reads files whose times are in milliseconds
// and microseconds and whose counts are 32-bit, with nulls, over several
// row groups, the integers and times dictionary-encoded or not, with Read
// and with Load: both give the conversations the
// values mean, computed here from the rows, and refuse a time beyond the
// supported ones by the row it is on, as a JSON Lines time would be.
func TestReadsOtherWritersUnits(t *testing.T) {
	schema, err := convreport.NewSchema(convreport.Property{Name: "due", Kind: convreport.KindTime})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	ptr := func(v int64) *int64 { return &v }
	var rows []otherRow
	var want []convreport.Conversation
	base := time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	for i := range 5000 {
		created := base + rng.Int64N(90*24*3600*1000)
		r := otherRow{ID: "c" + strconv.Itoa(i), Channel: "chat", Status: "open", Created: created, Incoming: int32(rng.IntN(40))}
		c := convreport.Conversation{ID: r.ID, Channel: convreport.Chat, Status: convreport.Open,
			CreatedAt: time.UnixMilli(created).UTC(), IncomingMessages: int(r.Incoming)}
		if rng.IntN(3) > 0 {
			us := created*1000 + rng.Int64N(3600e6) + 1 // a microsecond past a millisecond
			r.Responded = &us
			c.FirstResponseAt = time.UnixMicro(us).UTC()
			n := int32(1 + rng.IntN(9))
			r.Outgoing = &n
			c.OutgoingMessages = int(n)
		}
		if rng.IntN(2) == 0 {
			r.Closed = ptr(created + 7200e3 + rng.Int64N(1000))
			r.Status = "closed"
			c.ClosedAt = time.UnixMilli(*r.Closed).UTC()
			c.Status = convreport.Closed
		}
		switch i {
		case 10: // the supported times' ends, in microseconds
			r.Props.Due = ptr(math.MaxInt64 / 1000)
		case 11:
			r.Props.Due = ptr((math.MinInt64 + 1) / 1000)
		default:
			if rng.IntN(4) == 0 {
				r.Props.Due = ptr(created*1000 - 5)
			}
		}
		if r.Props.Due != nil {
			c.Properties = map[string]any{"due": time.UnixMicro(*r.Props.Due).UTC()}
		}
		rows = append(rows, r)
		want = append(want, c)
	}
	opt := ingest.Options{Schema: schema}
	group := parquet.MaxRowsPerRowGroup(700)
	data := writeModel(t, rows, group)
	readsAs(t, data, want, schema)
	dict := make([]otherRowDict, len(rows))
	for i, r := range rows {
		dict[i] = otherRowDict(r)
	}
	readsAs(t, writeModel(t, dict, group), want, schema)

	// A time one unit past either end is refused, by its row.
	for _, tc := range []struct {
		row int
		set func(*otherRow)
	}{
		{10, func(r *otherRow) { r.Props.Due = ptr(math.MaxInt64/1000 + 1) }},
		{11, func(r *otherRow) { r.Props.Due = ptr((math.MinInt64+1)/1000 - 1) }},
		{4000, func(r *otherRow) { r.Created = math.MaxInt64/1_000_000 + 1 }}, // far past: beyond the ns an int64 holds
	} {
		bad := append([]otherRow(nil), rows...)
		tc.set(&bad[tc.row])
		data := writeModel(t, bad, group)
		wantErr := "row " + strconv.Itoa(tc.row+1) + ": "
		for name, read := range map[string]func(ingest.Options) error{
			"Read": func(o ingest.Options) error {
				_, err := Read(context.Background(), bytes.NewReader(data), int64(len(data)), o)
				return err
			},
			"Load": func(o ingest.Options) error { _, err := load(data, o); return err },
		} {
			err := read(opt)
			var re *RowError
			if !errors.As(err, &re) || re.Row != tc.row+1 || !strings.Contains(err.Error(), wantErr) || !strings.Contains(err.Error(), "is outside the supported times") {
				t.Fatalf("%s of a time out of range on row %d: %v", name, tc.row+1, err)
			}
		}
		// Skipping it keeps every other row.
		skip := opt
		skip.SkipInvalid = true
		kept := append(append([]convreport.Conversation(nil), want[:tc.row]...), want[tc.row+1:]...)
		got, err := Read(context.Background(), bytes.NewReader(data), int64(len(data)), skip)
		if err == nil || len(got) != len(kept) {
			t.Fatalf("Read, skipping: %d rows (%v), want %d", len(got), err, len(kept))
		}
		src, err := load(data, skip)
		if err == nil || src == nil || src.Len() != len(kept) {
			t.Fatalf("Load, skipping: %v", err)
		}
	}
}

// TestRefusesTimesWithoutAZone: a TIMESTAMP not adjusted to UTC holds no
// instant, nor does an INT96 (Spark's legacy timestamps, UTC or local by
// the writer's settings); the file is refused, naming the column, as a
// JSON Lines time without an offset is.
func TestRefusesTimesWithoutAZone(t *testing.T) {
	type local struct {
		ID      string `parquet:"id"`
		Channel string `parquet:"channel"`
		Status  string `parquet:"status"`
		Created int64  `parquet:"created_at,timestamp(microsecond:local)"`
	}
	type int96 struct {
		ID      string           `parquet:"id"`
		Channel string           `parquet:"channel"`
		Status  string           `parquet:"status"`
		Created deprecated.Int96 `parquet:"created_at"`
	}
	for _, tc := range []struct {
		data []byte
		want string
	}{
		{writeModel(t, []int96{{"c1", "chat", "open", deprecated.Int96{1, 2, 2460000}}}),
			`parquetio: f.parquet: column "created_at": holds INT96, the legacy timestamps of Spark and Impala, whose zone the file does not say`},
		{writeModel(t, []local{{"c1", "chat", "open", 1}}),
			`parquetio: f.parquet: column "created_at": holds TIMESTAMP(isAdjustedToUTC=false,unit=MICROS): times without a zone are not instants; write them adjusted to UTC`},
	} {
		for name, read := range map[string]func() error{
			"Read": func() error {
				_, err := Read(context.Background(), bytes.NewReader(tc.data), int64(len(tc.data)), ingest.Options{File: "f.parquet"})
				return err
			},
			"Load": func() error { _, err := load(tc.data, ingest.Options{File: "f.parquet"}); return err },
		} {
			err := read()
			var fe *FileError
			if !errors.As(err, &fe) || !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("%s: got %v, want %s", name, err, tc.want)
			}
		}
	}
}

// otherProps are custom properties as other writers type them: whole
// numbers as integers, numbers as FLOAT, dictionary-encoded or not.
type otherProps struct {
	Seats *int64   `parquet:"seats,dict"`
	Rank  *int32   `parquet:"rank"`
	Ratio *float32 `parquet:"ratio"`
	Score *float64 `parquet:"score,dict"`
	VIP   *bool    `parquet:"vip"`
	Due   *int64   `parquet:"due,timestamp(microsecond)"`
	Plan  *string  `parquet:"plan,dict"`
}

type otherPropsRow struct {
	ID      string     `parquet:"id"`
	Channel string     `parquet:"channel"`
	Status  string     `parquet:"status"`
	Created int64      `parquet:"created_at,timestamp(millisecond)"`
	Props   otherProps `parquet:"properties"`
}

// TestFileSchemaOfOtherWriters: a file another tool wrote declares no
// custom properties; FileSchema types those of its "properties" group by
// their columns, and Read and Load give their values, integers and
// FLOATs as the float64 numbers are.
func TestFileSchemaOfOtherWriters(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 9))
	var rows []otherPropsRow
	var want []convreport.Conversation
	base := time.Date(2025, 5, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	plans := []string{"free", "pro", "enterprise"}
	for i := range 3000 {
		r := otherPropsRow{ID: "p" + strconv.Itoa(i), Channel: "email", Status: "open", Created: base + int64(i)*60_000}
		c := convreport.Conversation{ID: r.ID, Channel: convreport.Email, Status: convreport.Open, CreatedAt: time.UnixMilli(r.Created).UTC()}
		props := map[string]any{}
		if rng.IntN(3) > 0 {
			v := rng.Int64N(40) - 5
			r.Props.Seats = &v
			props["seats"] = float64(v)
		}
		if rng.IntN(2) == 0 {
			v := int32(rng.IntN(1 << 20))
			r.Props.Rank = &v
			props["rank"] = float64(v)
		}
		if rng.IntN(2) == 0 {
			v := float32(rng.IntN(1000)) / 8
			r.Props.Ratio = &v
			props["ratio"] = float64(v)
		}
		if rng.IntN(2) == 0 {
			v := float64(rng.IntN(5)) / 3
			r.Props.Score = &v
			props["score"] = v
		}
		if rng.IntN(2) == 0 {
			v := rng.IntN(2) == 0
			r.Props.VIP = &v
			props["vip"] = v
		}
		if rng.IntN(2) == 0 {
			v := r.Created*1000 + rng.Int64N(1e9)
			r.Props.Due = &v
			props["due"] = time.UnixMicro(v).UTC()
		}
		if rng.IntN(2) == 0 {
			v := plans[rng.IntN(3)]
			r.Props.Plan = &v
			props["plan"] = v
		}
		if len(props) > 0 {
			c.Properties = props
		}
		rows = append(rows, r)
		want = append(want, c)
	}
	data := writeModel(t, rows, parquet.MaxRowsPerRowGroup(1000))
	schema, err := FileSchema(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, p := range schema.Custom() {
		kinds = append(kinds, p.Name+":"+p.Kind.String())
	}
	if got := strings.Join(kinds, " "); got != "seats:number rank:number ratio:number score:number vip:bool due:time plan:string" {
		t.Fatalf("FileSchema: %s", got)
	}
	readsAs(t, data, want, schema)
}

// readsAs requires Read of data under schema to give want, row for row,
// and Load to take the column-wise path and give what memory.New of want
// holds.
func readsAs(t *testing.T, data []byte, want []convreport.Conversation, schema *convreport.Schema) {
	t.Helper()
	opt := ingest.Options{Schema: schema}
	got, err := Read(context.Background(), bytes.NewReader(data), int64(len(data)), opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("Read: %d rows, want %d", len(got), len(want))
	}
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Fatalf("Read: row %d:\n got %+v\nwant %+v", i+1, got[i], want[i])
		}
	}
	// Not by falling back to the row-wise path.
	if _, err := loadColumns(context.Background(), bytes.NewReader(data), int64(len(data)), opt, schema); err != nil {
		t.Fatalf("the column-wise load declined the file: %v", err)
	}
	src, err := load(data, opt)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := memory.New(want, memory.WithSchema(schema))
	if err != nil {
		t.Fatal(err)
	}
	sameSource(t, ref, src)
}

// FileSchema leaves out a property column no kind reads (a DATE, a UUID):
// a read then names it as unknown, or with IgnoreUnknown reads the rest.
// A time without a zone is still typed a time, so that the read says why
// it refuses it.
func TestFileSchemaLeavesOutWhatNoKindReads(t *testing.T) {
	type odd struct {
		Since int32    `parquet:"since,date"`
		Key   [16]byte `parquet:"key,uuid"`
		Seats int64    `parquet:"seats"`
	}
	type row struct {
		ID      string `parquet:"id"`
		Channel string `parquet:"channel"`
		Status  string `parquet:"status"`
		Created int64  `parquet:"created_at,timestamp(microsecond)"`
		Props   odd    `parquet:"properties"`
	}
	created := time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)
	data := writeModel(t, []row{{"c1", "chat", "open", created.UnixMicro(), odd{20000, [16]byte{1}, 4}}})
	schema, err := FileSchema(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	if custom := schema.Custom(); len(custom) != 1 || custom[0].Name != "seats" || custom[0].Kind != convreport.KindNumber {
		t.Fatalf("FileSchema: %+v, want seats alone, a number", custom)
	}
	_, err = Read(context.Background(), bytes.NewReader(data), int64(len(data)), ingest.Options{Schema: schema})
	var fe *FileError
	if !errors.As(err, &fe) || fe.Column != "properties.since" || !strings.Contains(err.Error(), "is not a field of conversations") {
		t.Fatalf("Read: %v, want properties.since unknown", err)
	}
	want := []convreport.Conversation{{ID: "c1", Channel: convreport.Chat, Status: convreport.Open, CreatedAt: created, Properties: map[string]any{"seats": 4.0}}}
	for name, read := range map[string]func(ingest.Options) ([]convreport.Conversation, error){
		"Read": func(o ingest.Options) ([]convreport.Conversation, error) {
			return Read(context.Background(), bytes.NewReader(data), int64(len(data)), o)
		},
		"Load": func(o ingest.Options) ([]convreport.Conversation, error) {
			src, err := load(data, o)
			if err != nil {
				return nil, err
			}
			return slices.Collect(src.All()), nil
		},
	} {
		got, err := read(ingest.Options{Schema: schema, IgnoreUnknown: true})
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("%s with IgnoreUnknown: %+v, %v", name, got, err)
		}
	}

	type local struct {
		ID      string `parquet:"id"`
		Channel string `parquet:"channel"`
		Status  string `parquet:"status"`
		Created int64  `parquet:"created_at,timestamp(microsecond)"`
		Props   struct {
			Due int64 `parquet:"due,timestamp(microsecond:local)"`
		} `parquet:"properties"`
	}
	data = writeModel(t, []local{{ID: "c1", Channel: "chat", Status: "open", Created: created.UnixMicro()}})
	if schema, err = FileSchema(bytes.NewReader(data), int64(len(data))); err != nil {
		t.Fatal(err)
	}
	_, err = Read(context.Background(), bytes.NewReader(data), int64(len(data)), ingest.Options{Schema: schema})
	if !errors.As(err, &fe) || fe.Column != "properties.due" || !strings.Contains(err.Error(), "times without a zone") {
		t.Fatalf("Read of a time without a zone: %v", err)
	}
}

// unsignedRow holds counts and custom numbers as unsigned integers, as
// DuckDB's UINTEGER and UBIGINT write them.
type unsignedRow struct {
	ID       string        `parquet:"id"`
	Channel  string        `parquet:"channel"`
	Status   string        `parquet:"status"`
	Created  int64         `parquet:"created_at,timestamp(microsecond)"`
	Incoming uint32        `parquet:"incoming_messages"`
	Outgoing *uint64       `parquet:"outgoing_messages"`
	Props    unsignedProps `parquet:"properties"`
}

type unsignedProps struct {
	Rank  *uint32 `parquet:"rank,dict"`
	Seats *uint64 `parquet:"seats"`
}

// TestReadsUnsignedIntegers: unsigned counts and custom numbers read as
// the numbers they are, past the signed range of their width too; a
// count past 2^53 is refused by its row, printed as the file holds it.
func TestReadsUnsignedIntegers(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	created := time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC)
	var rows []unsignedRow
	var want []convreport.Conversation
	for i := range 2000 {
		r := unsignedRow{ID: "u" + strconv.Itoa(i), Channel: "chat", Status: "open", Created: created.Add(time.Duration(i) * time.Minute).UnixMicro(),
			Incoming: uint32(rng.IntN(50))}
		if i%7 == 0 {
			r.Incoming = 1<<31 + uint32(i) // past int32
		}
		c := convreport.Conversation{ID: r.ID, Channel: convreport.Chat, Status: convreport.Open, CreatedAt: time.UnixMicro(r.Created).UTC(), IncomingMessages: int(r.Incoming)}
		if i%3 == 0 {
			v := uint64(1<<40) + uint64(i)
			r.Outgoing = &v
			c.OutgoingMessages = int(v)
		}
		props := map[string]any{}
		if i%2 == 0 {
			v := uint32(3_000_000_000) + uint32(i%5) // past int32, few values
			r.Props.Rank = &v
			props["rank"] = float64(v)
		}
		if i%5 == 0 {
			v := uint64(1<<63) + uint64(i)<<20 // past int64
			r.Props.Seats = &v
			props["seats"] = float64(v)
		}
		if len(props) > 0 {
			c.Properties = props
		}
		rows = append(rows, r)
		want = append(want, c)
	}
	data := writeModel(t, rows, parquet.MaxRowsPerRowGroup(600))
	schema, err := FileSchema(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(schema.Custom()); n != 2 {
		t.Fatalf("FileSchema: %d custom properties, want rank and seats", n)
	}
	readsAs(t, data, want, schema)

	big := uint64(1<<63 + 1)
	rows[1500].Outgoing = &big
	data = writeModel(t, rows, parquet.MaxRowsPerRowGroup(600))
	for name, read := range map[string]func() error{
		"Read": func() error {
			_, err := Read(context.Background(), bytes.NewReader(data), int64(len(data)), ingest.Options{Schema: schema})
			return err
		},
		"Load": func() error { _, err := load(data, ingest.Options{Schema: schema}); return err },
	} {
		err := read()
		var re *RowError
		if !errors.As(err, &re) || re.Row != 1501 || !strings.HasSuffix(err.Error(), "outgoing_messages: want a whole number ≥ 0 and at most 2^53, got 9223372036854775809") {
			t.Fatalf("%s of a count past 2^53: %v", name, err)
		}
	}
}
