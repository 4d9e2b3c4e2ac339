package ingest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/convreport/convreport"
)

// The format's keys are the schema's stored built-in properties, in order.
func TestKeysMatchSchema(t *testing.T) {
	var want []string
	for _, p := range convreport.DefaultSchema().Properties() {
		if !p.Derived && !p.Custom {
			want = append(want, p.Key)
		}
	}
	want = append(want, "properties")
	var got []string
	for f := field(0); int(f) < numFields; f++ {
		got = append(got, f.key())
	}
	if !slices.Equal(got, want) {
		t.Errorf("keys %v\nwant %v", got, want)
	}
}

func TestParseTime(t *testing.T) {
	valid := []string{
		"2025-03-01T09:00:00Z", "2025-03-01T09:00:00+01:00", "2025-03-01T09:00:00-23:59",
		"2025-03-01T09:00:00.5Z", "2025-03-01T09:00:00.123456789+05:30", "2024-02-29T23:59:59Z",
		"0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999-00:00", "2000-02-29T00:00:00+00:00",
	}
	invalid := []string{
		"", "2025-03-01", "2025-03-01T09:00:00", "2025-03-01T09:00Z", "2025-03-01 09:00:00Z",
		"2025-13-01T00:00:00Z", "2025-00-01T00:00:00Z", "2025-02-29T00:00:00Z", "1900-02-29T00:00:00Z",
		"2025-04-31T00:00:00Z", "2025-03-01T24:00:00Z", "2025-03-01T09:60:00Z", "2025-03-01T09:00:60Z",
		"2025-03-01T09:00:00.Z", "2025-03-01T09:00:00+1:00", "2025-03-01T09:00:00+0100", "2025-03-01T09:00:00+24:00",
		"2025-03-01T09:00:00+01:60", "2025-03-01T09:00:00ZZ", "+2025-03-01T09:00:00Z", "2025-3-01T09:00:00Z",
		"２０２５-03-01T09:00:00Z", "2025-03-01T09:00:00 Z",
	}
	d := newDecoder(Options{})
	for _, s := range valid {
		got, ok := d.parseTime([]byte(s))
		want, err := time.Parse(time.RFC3339Nano, s)
		_, goff := got.Zone()
		_, woff := want.Zone()
		if !ok || err != nil || !got.Equal(want) || goff != woff {
			t.Errorf("%s: got %v %v, time.Parse %v %v", s, got, ok, want, err)
		}
	}
	for _, s := range invalid {
		if got, ok := d.parseTime([]byte(s)); ok {
			t.Errorf("%s: accepted as %v", s, got)
		}
	}
	// Random instants over the years 0000 to 9999, at random offsets: the
	// instant is computed from the calendar fields without time.Date.
	r := rand.New(rand.NewPCG(3, 9))
	lo := time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	hi := time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC).Unix()
	for range 20000 {
		off := 0
		if r.IntN(2) == 0 {
			off = (r.IntN(47*60) - 23*60) * 60
		}
		want := time.Unix(lo+r.Int64N(hi-lo), int64(r.IntN(3))*r.Int64N(1e9)).In(time.FixedZone("", off))
		s := want.Format(time.RFC3339Nano)
		got, ok := d.parseTime([]byte(s))
		_, goff := got.Zone()
		if !ok || !got.Equal(want) || goff != off {
			t.Fatalf("%s: got %v %v", s, got, ok)
		}
		if off == 0 && got.Location() != time.UTC {
			t.Fatalf("%s: location %v, want UTC", s, got.Location())
		}
	}
	// RFC 3339 allows lower-case t and z; so do we.
	if got, ok := d.parseTime([]byte("2025-03-01t09:00:00z")); !ok || !got.Equal(time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)) {
		t.Errorf("lower case: %v %v", got, ok)
	}
	// More than nine digits are cut to nanoseconds, as time.Parse does.
	if got, ok := d.parseTime([]byte("2025-03-01T09:00:00.1234567891Z")); !ok || got.Nanosecond() != 123456789 {
		t.Errorf("ten digits: %v %v", got, ok)
	}
}

func TestDurations(t *testing.T) {
	schema := testSchema(t)
	for in, want := range map[string]time.Duration{
		`"5m30s"`: 5*time.Minute + 30*time.Second, `330`: 330 * time.Second, `"330"`: 330 * time.Second,
		`1.5`: 1500 * time.Millisecond, `-0.25`: -250 * time.Millisecond, `"-1h"`: -time.Hour,
		`0`: 0, `1e-9`: 1, `"1h2m3.000000004s"`: time.Hour + 2*time.Minute + 3*time.Second + 4,
	} {
		rows, err := read(t, JSONL, row("c", `,"properties":{"sla":`+in+`}`), Options{Schema: schema})
		if err != nil {
			t.Errorf("%s: %v", in, err)
			continue
		}
		if got := rows[0].Properties["sla"]; got != want {
			t.Errorf("%s: got %v, want %v", in, got, want)
		}
	}
	_, err := read(t, JSONL, row("c", `,"properties":{"sla":1e10}`), Options{Schema: schema})
	if want := `line 1: properties.sla: 1e10 seconds is out of range`; err == nil || err.Error() != want {
		t.Errorf("err = %v, want %s", err, want)
	}
}

// Null, absent and (for strings) empty all mean unknown.
func TestUnknownValues(t *testing.T) {
	input := `{"id":"c","channel":"chat","status":"open","created_at":"2025-03-01T09:00:00Z","inbox":null,"subject":"",` +
		`"closed_at":null,"incoming_messages":null,"properties":{"tier":null,"note":"","score":null,"due":null,"sla":null,"vip":null}}`
	rows, err := read(t, JSONL, input, Options{Schema: testSchema(t)})
	if err != nil {
		t.Fatal(err)
	}
	if c := rows[0]; c.Inbox != "" || !c.ClosedAt.IsZero() || c.Properties != nil {
		t.Errorf("got %+v", c)
	}
	rows, err = read(t, JSONL, row("c", `,"properties":null`), Options{})
	if err != nil || rows[0].Properties != nil {
		t.Errorf("properties null: %v %v", rows, err)
	}
}

func TestEscapes(t *testing.T) {
	for in, want := range map[string]string{
		`"a\"b\\c\/d"`:       `a"b\c/d`,
		`"\b\f\n\r\t"`:       "\b\f\n\r\t",
		`"\u00e9\u65E5"`:     "é日",
		`"\ud83c\udf89"`:     "🎉",
		`"\ud83c"`:           "\uFFFD",
		`"\ud83cx"`:          "\uFFFDx",
		`"\udf89\ud83c"`:     "\uFFFD\uFFFD",
		`"\ud83c\u0041"`:     "\uFFFDA",
		`"plain é 🎉"`:        "plain é 🎉",
		`"\u2028\u2029"`:     "\u2028\u2029",
		`"x\u0000y"`:         "x\x00y",
		`"` + "\u2028" + `"`: "\u2028",
	} {
		rows, err := read(t, JSONL, row("c", `,"subject":`+in), Options{})
		if err != nil {
			t.Errorf("%s: %v", in, err)
			continue
		}
		if rows[0].Subject != want {
			t.Errorf("%s: got %q, want %q", in, rows[0].Subject, want)
		}
	}
}

func TestProgress(t *testing.T) {
	for _, format := range []Format{JSONL, CSV} {
		t.Run(string(format), func(t *testing.T) {
			rows := generate(3000)
			buf := bytes.NewBuffer(written(t, format, benchSchema, rows))
			buf.WriteString("\n\n") // trailing blank lines count as read
			type call struct {
				bytes int64
				rows  int
			}
			var calls []call
			opt := Options{Schema: benchSchema, Progress: func(b int64, r int) { calls = append(calls, call{b, r}) }}
			got, err := ReadAll(context.Background(), bytes.NewReader(buf.Bytes()), format, opt)
			if err != nil || len(got) != len(rows) {
				t.Fatalf("read %d rows, err %v", len(got), err)
			}
			if min := buf.Len() / progressEvery; len(calls) < min {
				t.Errorf("%d calls for %d bytes, want at least %d", len(calls), buf.Len(), min)
			}
			for i := 1; i < len(calls); i++ {
				if calls[i].bytes <= calls[i-1].bytes || calls[i].rows < calls[i-1].rows {
					t.Errorf("call %d %v after %v", i, calls[i], calls[i-1])
				}
			}
			if last := calls[len(calls)-1]; last != (call{int64(buf.Len()), len(rows)}) {
				t.Errorf("last call %v, want %d bytes, %d rows", last, buf.Len(), len(rows))
			}
		})
	}
	t.Run("empty input", func(t *testing.T) {
		var calls int
		_, _ = read(t, JSONL, "", Options{Progress: func(b int64, r int) {
			calls++
			if b != 0 || r != 0 {
				t.Errorf("Progress(%d, %d)", b, r)
			}
		}})
		if calls != 1 {
			t.Errorf("%d calls, want 1", calls)
		}
	})
}

func TestCancel(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteJSONL(&buf, slices.Values(generate(5000))); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := ReadAll(ctx, bytes.NewReader(buf.Bytes()), JSONL, Options{Schema: benchSchema})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled before: err = %v", err)
	}

	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	n := 0
	for _, err := range ReadJSONL(ctx, bytes.NewReader(buf.Bytes()), Options{Schema: benchSchema, SkipInvalid: true}) {
		if err != nil {
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("err = %v", err)
			}
			break
		}
		if n++; n == 10 {
			cancel()
		}
	}
	if n < 10 || n > 10+cancelEvery {
		t.Errorf("read %d rows after cancelling at 10", n)
	}
}

func TestStopEarly(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteJSONL(&buf, slices.Values(generate(100))); err != nil {
		t.Fatal(err)
	}
	n := 0
	for range ReadJSONL(context.Background(), &buf, Options{Schema: benchSchema}) {
		if n++; n == 3 {
			break
		}
	}
	if n != 3 {
		t.Errorf("n = %d", n)
	}
}

// benchSchema and generate make realistic data for tests and benchmarks.
var benchSchema = func() *convreport.Schema {
	s, err := convreport.NewSchema(
		convreport.Property{Name: "tier", Kind: convreport.KindEnum, Values: []string{"free", "pro", "enterprise"}},
		convreport.Property{Name: "score", Kind: convreport.KindNumber},
	)
	if err != nil {
		panic(err)
	}
	return s
}()

func generate(n int) []convreport.Conversation {
	r := rand.New(rand.NewPCG(1, 2))
	paris := time.FixedZone("", 3600)
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, paris)
	inboxes := []string{"Sales", "Support", "Billing", "Partners"}
	tiers := []string{"free", "pro", "enterprise"}
	out := make([]convreport.Conversation, n)
	for i := range out {
		created := start.Add(time.Duration(r.Int64N(int64(90 * 24 * time.Hour))))
		c := convreport.Conversation{
			ID:        fmt.Sprintf("conv-%07d", i),
			Channel:   convreport.Channels()[r.IntN(len(convreport.Channels()))],
			Inbox:     inboxes[r.IntN(len(inboxes))],
			Team:      "Team " + string(rune('A'+r.IntN(4))),
			Status:    convreport.Open,
			CreatedAt: created,
			ContactID: fmt.Sprintf("contact-%06d", r.IntN(100000)),
			Subject:   fmt.Sprintf("Question about order #%d, \"urgent\"", r.IntN(1_000_000)),
			OriginURL: fmt.Sprintf("https://shop.example.com/products/%d?utm_source=mail", r.IntN(500)),
			Source:    "widget", Chatflow: "Welcome flow",
			IncomingMessages: r.IntN(20), OutgoingMessages: r.IntN(20),
			Properties: map[string]any{"tier": tiers[r.IntN(3)], "score": float64(r.IntN(50)) / 10},
		}
		if r.IntN(10) > 0 {
			c.Assignee = fmt.Sprintf("rep-%02d", r.IntN(30))
			c.FirstAssignedAt = created.Add(time.Duration(r.IntN(600)) * time.Second)
			c.FirstResponseAt = c.FirstAssignedAt.Add(time.Duration(r.Int64N(int64(time.Hour))))
		}
		if r.IntN(3) > 0 {
			c.Status = convreport.Closed
			c.ClosedAt = created.Add(time.Duration(r.Int64N(int64(48 * time.Hour)))).UTC()
			c.ClosedBy = c.Assignee
		}
		out[i] = c
	}
	return out
}

func benchmarkRead(b *testing.B, format Format) {
	rows := generate(100_000)
	data := written(b, format, benchSchema, rows)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		n := 0
		for _, err := range readerFor(format)(context.Background(), bytes.NewReader(data), Options{Schema: benchSchema}) {
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != len(rows) {
			b.Fatalf("read %d rows", n)
		}
	}
}

func readerFor(format Format) func(context.Context, io.Reader, Options) iter.Seq2[convreport.Conversation, error] {
	if format == CSV {
		return ReadCSV
	}
	return ReadJSONL
}

// BenchmarkReadJSONL reads 100,000 generated conversations (about 40 MB).
func BenchmarkReadJSONL(b *testing.B) { benchmarkRead(b, JSONL) }

// BenchmarkReadCSV reads the same conversations as CSV.
func BenchmarkReadCSV(b *testing.B) { benchmarkRead(b, CSV) }

func BenchmarkWriteJSONL(b *testing.B) {
	rows := generate(100_000)
	var buf bytes.Buffer
	if err := WriteJSONL(&buf, slices.Values(rows)); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(buf.Len()))
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := WriteJSONL(&buf, slices.Values(rows)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReadAll reads the conversations of BenchmarkReadJSONL with
// ReadAll, on one worker (the sequential reader) and on all of them
// (-cpu sets how many): compare the two in one run.
func BenchmarkReadAll(b *testing.B) {
	rows := generate(100_000)
	for _, format := range []Format{JSONL, CSV} {
		data := written(b, format, benchSchema, rows)
		for _, workers := range []int{1, 0} {
			name := fmt.Sprintf("%s/workers=%d", format, workers)
			if workers == 0 {
				name = fmt.Sprintf("%s/workers=GOMAXPROCS", format)
			}
			b.Run(name, func(b *testing.B) {
				b.SetBytes(int64(len(data)))
				b.ReportAllocs()
				for b.Loop() {
					got, err := ReadAll(context.Background(), bytes.NewReader(data), format, Options{Schema: benchSchema, Workers: workers})
					if err != nil || len(got) != len(rows) {
						b.Fatalf("read %d rows: %v", len(got), err)
					}
				}
			})
		}
	}
}
