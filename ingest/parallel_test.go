package ingest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/convreport/convreport"
)

// event is one thing a reader yields, in a form two reads can compare:
// a conversation, or an error with every field a program can look at.
type event struct {
	conv  *convreport.Conversation
	err   string
	line  int
	field string
	file  string
	index int // the ValidationError's Index, or -1
}

func (e event) String() string {
	if e.conv != nil {
		return "row " + e.conv.ID
	}
	return fmt.Sprintf("error %q (line %d, field %q, file %q, index %d)", e.err, e.line, e.field, e.file, e.index)
}

type progressCall struct {
	bytes int64
	rows  int
}

// collect reads data with the streaming reader and returns what it
// yields and the Progress calls.
func collect(t *testing.T, format Format, data []byte, opt Options) ([]event, []progressCall) {
	t.Helper()
	var calls []progressCall
	opt.Progress = func(b int64, r int) { calls = append(calls, progressCall{b, r}) }
	var out []event
	for c, err := range readerFor(format)(context.Background(), bytes.NewReader(data), opt) {
		if err == nil {
			out = append(out, event{conv: &c})
			continue
		}
		e := event{err: err.Error(), index: -1}
		var le *LineError
		if !errors.As(err, &le) {
			t.Fatalf("%T is not a *LineError: %v", err, err)
		}
		e.line, e.field, e.file = le.Line, le.Field, le.File
		var ve *convreport.ValidationError
		if errors.As(err, &ve) {
			e.index = ve.Index
		}
		out = append(out, e)
	}
	return out, calls
}

// sameEvents requires got to be want, event for event.
func sameEvents(t *testing.T, want, got []event) {
	t.Helper()
	for i := range max(len(want), len(got)) {
		switch {
		case i >= len(want):
			t.Fatalf("event %d: got %v, want nothing more", i, got[i])
		case i >= len(got):
			t.Fatalf("event %d: got nothing more, want %v", i, want[i])
		case (want[i].conv == nil) != (got[i].conv == nil):
			t.Fatalf("event %d: got %v, want %v", i, got[i], want[i])
		case want[i].conv != nil:
			if d := diff(*want[i].conv, *got[i].conv); d != "" {
				t.Fatalf("event %d (%s): %s", i, want[i].conv.ID, d)
			}
		case want[i] != got[i]:
			t.Fatalf("event %d: got %v, want %v", i, got[i], want[i])
		}
	}
}

// withChunkBytes sets the chunk size for the rest of the test.
func withChunkBytes(t *testing.T, n int) {
	old := chunkBytes
	chunkBytes = n
	t.Cleanup(func() { chunkBytes = old })
}

// badJSONL are lines that fail, each in its own way; %s is an ID.
var badJSONL = []string{
	`{"id":"%s","channel":"ch`, // cut short
	`[1,2]`,                    // not an object
	`{"id":"%s","channel":"chat","status":"open"}`, // no created_at
	`{"id":"%s","channel":"chat","status":"open","created_at":"2025-03-01T09:00:00"}`,
	`{"id":"%s","channel":"chat","status":"closed","created_at":"2025-03-01T09:00:00Z"}`,
	`{"id":"%s","channel":"fax","status":"open","created_at":"2025-03-01T09:00:00Z"}`,
	`{"id":"%s","asignee":"x","channel":"chat","status":"open","created_at":"2025-03-01T09:00:00Z"}`,
	`{"id":"%s","channel":"chat","status":"open","created_at":"2025-03-01T09:00:00Z","properties":{"tier":"gold"}}`,
	`{"id":"%s","channel":"chat","status":"open","created_at":"2025-03-01T09:00:00Z","incoming_messages":-1}`,
	"{\"id\":\"%s\",\"subject\":\"\xff\"}",
	`{"id":"%s","channel":"chat","status":"open","created_at":"2025-03-01T09:00:00Z","subject":"` + strings.Repeat("long ", 200) + `"}`,
	`{"id":"","channel":"chat","status":"open","created_at":"2025-03-01T09:00:00Z"}`,
	`   `, ``, "\r", // blank lines
}

func withID(format, id string) string { return strings.ReplaceAll(format, "%s", id) }

// randomJSONL writes the conversations of generate(n) as JSON Lines, one
// line in about five replaced by a bad one, some IDs repeated, with
// random line endings.
func randomJSONL(r *rand.Rand, n int) []byte {
	var good bytes.Buffer
	if err := WriteJSONL(&good, slices.Values(generate(n))); err != nil {
		panic(err)
	}
	lines := strings.SplitAfter(strings.TrimSuffix(good.String(), "\n"), "\n")
	var ids []string
	var b bytes.Buffer
	if r.IntN(4) == 0 {
		b.WriteString("\ufeff")
	}
	for i, l := range lines {
		l = strings.TrimSuffix(l, "\n")
		id := fmt.Sprintf("conv-%07d", i)
		switch k := r.IntN(10); {
		case k == 0:
			l = withID(badJSONL[r.IntN(len(badJSONL))], id)
		case k == 1 && len(ids) > 0:
			// An ID of an earlier line, good or bad.
			l = strings.Replace(l, `"id":"`+id+`"`, `"id":"`+ids[r.IntN(len(ids))]+`"`, 1)
		}
		ids = append(ids, id)
		b.WriteString(l)
		if i < len(lines)-1 || r.IntN(2) == 0 {
			b.WriteString([]string{"\n", "\r\n"}[r.IntN(2)])
		}
	}
	return b.Bytes()
}

// badCSV are records that fail, each in its own way, for the header of
// csvHeader; %s is an ID.
var badCSV = []string{
	"%s,chat,open", // too few fields
	"%s,chat,open,2025-03-01T09:00:00Z,,say \"hi\",1",                                // bare quote
	"%s,chat,open,2025-03-01T09:00:00Z,,\"hi\"!,1",                                   // text after a quote
	"%s,chat,open,2025-03-01 09:00:00,,x,1",                                          // time without offset
	"%s,chat,closed,2025-03-01T09:00:00Z,,x,1",                                       // closed without a time
	"%s,fax,open,2025-03-01T09:00:00Z,,x,1",                                          // unknown channel
	"%s,chat,open,2025-03-01T09:00:00Z,,x,three",                                     // not a number
	"%s,chat,open,2025-03-01T09:00:00Z,,\"multi\nline\",1",                           // good, over two lines
	"%s,chat,open,2025-03-01T09:00:00Z,,\"a\n\n\"\"b\"\"\n\",1",                      // good, over four lines
	"%s,chat,open,2025-03-01T09:00:00Z,,\"" + strings.Repeat("long\n", 150) + "\",1", // record too long
	"%s,chat,open,2025-03-01T09:00:00Z,," + strings.Repeat("x", 900) + ",1",          // line too long
	"%s,chat,open,2025-03-01T09:00:00Z,,\"" + strings.Repeat("y", 900) + "\nz\",1",   // too long, quote open
	"%s,chat,open,2025-03-01T09:00:00Z,,\xff,1",                                      // invalid UTF-8
	"", // blank
}

const csvHeader = "id,channel,status,created_at,closed_at,subject,incoming_messages"

// randomCSV writes n records for csvHeader, one in about five bad and
// some IDs repeated; sometimes the input ends inside a quoted field.
func randomCSV(r *rand.Rand, n int) []byte {
	var b bytes.Buffer
	b.WriteString(csvHeader + "\n")
	var ids []string
	for i := range n {
		id := fmt.Sprintf("c%d", i)
		if len(ids) > 0 && r.IntN(10) == 0 {
			id = ids[r.IntN(len(ids))]
		}
		ids = append(ids, id)
		var rec string
		if r.IntN(5) == 0 {
			rec = withID(badCSV[r.IntN(len(badCSV))], id)
		} else {
			rec = fmt.Sprintf("%s,chat,closed,2025-03-01T09:00:00+01:00,2025-03-02T09:00:00Z,\"Order %d, \"\"urgent\"\"\",%d", id, r.IntN(1000), r.IntN(9))
		}
		b.WriteString(rec)
		b.WriteString([]string{"\n", "\r\n"}[r.IntN(2)])
	}
	if r.IntN(3) == 0 {
		b.WriteString("cEnd,chat,open,2025-03-01T09:00:00Z,,\"never closed\n")
	}
	return b.Bytes()
}

// The parallel reader yields exactly what the sequential one does: the
// same conversations, the same errors (message, line, field, index), in
// the same order, with the same Progress calls, whatever the chunk size
// (small chunks put many chunk boundaries inside the input, between any
// two records), and with or without SkipInvalid.
func TestParallelMatchesSequential(t *testing.T) {
	schema := testSchema(t)
	for _, format := range []Format{JSONL, CSV} {
		for seed := range uint64(12) {
			r := rand.New(rand.NewPCG(seed, 15))
			var data []byte
			if format == JSONL {
				data = randomJSONL(r, 50+r.IntN(400))
			} else {
				data = randomCSV(r, 50+r.IntN(400))
			}
			for _, chunk := range []int{1, 700, 4096, 1 << 20} {
				for _, skip := range []bool{true, false} {
					name := fmt.Sprintf("%s/seed=%d/chunk=%d/skip=%v", format, seed, chunk, skip)
					t.Run(name, func(t *testing.T) {
						withChunkBytes(t, chunk)
						opt := Options{Schema: schema, SkipInvalid: skip, MaxLineBytes: 800, File: "in." + string(format)}
						if format == JSONL {
							opt.Schema = benchSchema
						}
						seqOpt := opt
						seqOpt.Workers = 1
						want, wantCalls := collect(t, format, data, seqOpt)
						if skip && len(want) < 40 {
							t.Fatalf("only %d events: the input is not what the test means", len(want))
						}
						for _, workers := range []int{2, 3} {
							parOpt := opt
							parOpt.Workers = workers
							got, gotCalls := collect(t, format, data, parOpt)
							sameEvents(t, want, got)
							if !slices.Equal(wantCalls, gotCalls) {
								t.Fatalf("%d workers: Progress calls\n%v\nwant\n%v", workers, gotCalls, wantCalls)
							}
							// ReadAll gathers rows apart from errors: the
							// same rows, the same joined errors.
							rows, err := ReadAll(context.Background(), bytes.NewReader(data), format, parOpt)
							var wantRows []convreport.Conversation
							var wantErrs []string
							for _, e := range want {
								if e.conv != nil {
									wantRows = append(wantRows, *e.conv)
								} else {
									wantErrs = append(wantErrs, e.err)
								}
							}
							if !skip && len(wantErrs) > 0 {
								wantRows = nil
							}
							requireSame(t, wantRows, rows)
							if got := errorTexts(err); !slices.Equal(got, wantErrs) {
								t.Fatalf("ReadAll errors\n%q\nwant\n%q", got, wantErrs)
							}
						}
					})
				}
			}
		}
	}
}

// The sequential reference itself is checked on a hand-made input, so
// that the comparison above cannot pass by both readers being wrong the
// same way.
func TestParallelHandMade(t *testing.T) {
	withChunkBytes(t, 1) // a chunk per record
	input := okLine + "\n\n" + `{"id":"c2"` + "\n" + row("c3", "") + "\r\n" + okLine + "\n" + row("c4", "")
	for _, workers := range []int{1, 2, 4} {
		got, calls := collect(t, JSONL, []byte(input), Options{SkipInvalid: true, Workers: workers})
		var s []string
		for _, e := range got {
			s = append(s, e.String())
		}
		want := []string{
			"row c1",
			`error "line 3: unexpected end of JSON" (line 3, field "", file "", index -1)`,
			"row c3",
			`error "line 5: conversation \"c1\": id: duplicates the conversation on line 1" (line 5, field "id", file "", index 3)`,
			"row c4",
		}
		if !slices.Equal(s, want) {
			t.Errorf("%d workers: got\n%s\nwant\n%s", workers, strings.Join(s, "\n"), strings.Join(want, "\n"))
		}
		if last := calls[len(calls)-1]; last != (progressCall{int64(len(input)), 3}) {
			t.Errorf("%d workers: last Progress %v", workers, last)
		}
	}
}

// Stopping a parallel read early, or cancelling it, leaves no goroutine
// behind and reads no further than it must.
func TestParallelStop(t *testing.T) {
	withChunkBytes(t, 4096)
	before := runtime.NumGoroutine()
	defer func() {
		// The reader waits for its goroutines before it returns; the
		// runtime's own (a finalizer, a timer) may still be winding down,
		// so give the count a moment to settle. A leaked reader goroutine
		// never leaves, and fails this.
		after := runtime.NumGoroutine()
		for deadline := time.Now().Add(5 * time.Second); after > before && time.Now().Before(deadline); after = runtime.NumGoroutine() {
			time.Sleep(10 * time.Millisecond)
		}
		if after > before {
			t.Errorf("%d goroutines before, %d after", before, after)
		}
	}()
	var buf bytes.Buffer
	if err := WriteJSONL(&buf, slices.Values(generate(3000))); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, err := range ReadJSONL(context.Background(), bytes.NewReader(buf.Bytes()), Options{Schema: benchSchema, Workers: 2}) {
		if err != nil {
			t.Fatal(err)
		}
		if n++; n == 100 {
			break
		}
	}
	if n != 100 {
		t.Fatalf("n = %d", n)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	n = 0
	var last error
	for _, err := range ReadJSONL(ctx, bytes.NewReader(buf.Bytes()), Options{Schema: benchSchema, Workers: 2, SkipInvalid: true}) {
		if err != nil {
			last = err
			continue
		}
		if n++; n == 10 {
			cancel()
		}
	}
	if !errors.Is(last, context.Canceled) || n > 10+cancelEvery {
		t.Fatalf("after cancelling at 10: %d rows, last error %v", n, last)
	}
}

// requireParallelSame reads data on one worker and, in chunks of a few
// records, on three, and requires the same events and Progress calls.
func requireParallelSame(t *testing.T, format Format, data []byte, opt Options) {
	t.Helper()
	opt.Workers = 1
	want, wantCalls := collect(t, format, data, opt)
	old := chunkBytes
	chunkBytes = 200
	defer func() { chunkBytes = old }()
	opt.Workers = 3
	got, gotCalls := collect(t, format, data, opt)
	sameEvents(t, want, got)
	if !slices.Equal(wantCalls, gotCalls) {
		t.Fatalf("Progress calls\n%v\nwant\n%v", gotCalls, wantCalls)
	}
}

// ReadAll decodes into the slice it returns, sized from the first chunk:
// rows past a short estimate, and gaps left by bad rows, still come out
// as the sequential reader reads them.
func TestReadAllBeyondTheEstimate(t *testing.T) {
	withChunkBytes(t, 1)
	var b strings.Builder
	b.WriteString(row("long", `,"subject":"`+strings.Repeat("x", 5000)+`"`) + "\n")
	for i := range 3000 {
		if i%7 == 3 {
			b.WriteString(`{"id":"bad` + "\n")
			continue
		}
		b.WriteString(row(fmt.Sprintf("c%d", i), "") + "\n")
	}
	data := []byte(b.String())
	want, wantErr := ReadAll(context.Background(), bytes.NewReader(data), JSONL, Options{SkipInvalid: true, Workers: 1})
	got, err := ReadAll(context.Background(), bytes.NewReader(data), JSONL, Options{SkipInvalid: true, Workers: 2})
	if len(want) < 2500 {
		t.Fatalf("the sequential reader kept %d rows", len(want))
	}
	requireSame(t, want, got)
	if !slices.Equal(errorTexts(wantErr), errorTexts(err)) || len(errorTexts(err)) != 3000/7+1 {
		t.Fatalf("errors differ: %d and %d", len(errorTexts(wantErr)), len(errorTexts(err)))
	}
}

// The sequential reader's ReadAll sizes its rows once from the bytes its
// first thousand took: rows past a short estimate, or fewer than a long
// one, all come out, and uniform rows take one allocation near their
// number rather than a doubling's spare half.
func TestSequentialReadAllSizesOnce(t *testing.T) {
	for _, tc := range []struct {
		name        string
		first, rest int // subject lengths of the first 1,024 rows and of the rest
	}{
		{"uniform", 10, 10},
		{"short estimate", 400, 0},
		{"long estimate", 0, 400},
	} {
		var b strings.Builder
		var ids []string
		for i := range 5000 {
			n := tc.rest
			if i < 1024 {
				n = tc.first
			}
			id := fmt.Sprintf("c%d", i)
			ids = append(ids, id)
			extra := ""
			if n > 0 {
				extra = `,"subject":"` + strings.Repeat("s", n) + `"`
			}
			b.WriteString(row(id, extra) + "\n")
		}
		got, err := ReadAll(context.Background(), strings.NewReader(b.String()), JSONL, Options{Workers: 1})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(ids) {
			t.Fatalf("%s: %d rows, want %d", tc.name, len(got), len(ids))
		}
		for i, c := range got {
			if c.ID != ids[i] {
				t.Fatalf("%s: row %d is %q, want %q", tc.name, i, c.ID, ids[i])
			}
		}
		if tc.name == "uniform" && cap(got) > len(got)*11/10 {
			t.Fatalf("uniform rows: capacity %d for %d rows", cap(got), len(got))
		}
	}
}

// Only a valid line claims its ID. A line that decodes but breaks a record
// rule (channel sms) used to claim it, so that under SkipInvalid the next,
// valid line with that ID was refused as a duplicate of a conversation
// nobody kept, while a line that failed to decode claimed nothing.
func TestSkippedLineClaimsNoID(t *testing.T) {
	withChunkBytes(t, 1) // a chunk per record
	bad := `{"id":"x","channel":"sms","status":"open","created_at":"2025-03-03T09:00:00Z"}`
	input := okLine + "\n" + bad + "\n" + row("x", "") + "\n" + row("x", "") + "\n"
	for _, workers := range []int{1, 2, 4} {
		got, _ := collect(t, JSONL, []byte(input), Options{SkipInvalid: true, Workers: workers})
		var s []string
		for _, e := range got {
			s = append(s, e.String())
		}
		want := []string{
			"row c1",
			`error "line 2: conversation \"x\": channel: \"sms\" is not a channel (want one of chat, email, form, messenger, whatsapp, phone, other)" (line 2, field "channel", file "", index 1)`,
			"row x",
			`error "line 4: conversation \"x\": id: duplicates the conversation on line 3" (line 4, field "id", file "", index 3)`,
		}
		if !slices.Equal(s, want) {
			t.Errorf("%d workers: got\n%s\nwant\n%s", workers, strings.Join(s, "\n"), strings.Join(want, "\n"))
		}
	}
}
