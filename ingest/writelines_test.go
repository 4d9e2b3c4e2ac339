package ingest

import (
	"bytes"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/sample"
)

// The writers make a block's lines on every core; what they write is, line
// for line, what making each conversation's line in turn gives, and their
// error is the first bad conversation's, the lines before it written and
// none after.
func TestWritersMakeLinesInParallel(t *testing.T) {
	cs := sample.Generate(sample.Config{Seed: 6, N: 10_001}) // blocks of 4,096 and a short one
	schema := testSchema(t)
	custom := schema.Custom()
	for i := range cs {
		if i%3 == 0 { // custom properties, read by every core
			cs[i].Properties = map[string]any{"tier": []string{"free", "pro"}[i%2], "score": float64(i) / 8, "vip": i%5 == 0,
				"due": cs[i].CreatedAt.Add(time.Hour), "sla": time.Duration(i) * time.Second, "note": "n, \"" + cs[i].ID + "\""}
		}
	}
	csvHeader := func() []byte {
		var b bytes.Buffer
		if err := WriteCSV(&b, schema, slices.Values(cs[:0])); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}()
	writers := map[string]struct {
		write  func(*bytes.Buffer, []convreport.Conversation) error
		line   func([]byte, *convreport.Conversation, int) ([]byte, error)
		header []byte
	}{
		"jsonl": {func(b *bytes.Buffer, cs []convreport.Conversation) error { return WriteJSONL(b, slices.Values(cs)) }, appendJSONL, nil},
		"csv": {func(b *bytes.Buffer, cs []convreport.Conversation) error {
			return WriteCSV(b, schema, slices.Values(cs))
		},
			func(b []byte, c *convreport.Conversation, i int) ([]byte, error) {
				return appendCSVRow(b, c, i, schema, custom)
			}, csvHeader},
	}
	for name, wr := range writers {
		// The reference: each line made in turn.
		want := slices.Clone(wr.header)
		for i := range cs {
			var err error
			if want, err = wr.line(want, &cs[i], i); err != nil {
				t.Fatal(err)
			}
		}
		var got bytes.Buffer
		if err := wr.write(&got, cs); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), want) {
			t.Fatalf("%s: %d bytes written, want %d", name, got.Len(), len(want))
		}

		bad := slices.Clone(cs)
		for _, i := range []int{5_000, 4_097, 7_000} { // in the second block: two in its first part, one in its second
			bad[i].Subject = "\xff"
		}
		got.Reset()
		err := wr.write(&got, bad[:9_000])
		var ve *convreport.ValidationError
		if !errors.As(err, &ve) || ve.Index != 4_097 || ve.ID != bad[4_097].ID || ve.Field != "subject" {
			t.Fatalf("%s: %v, want conversation 4097's subject", name, err)
		}
		before := slices.Clone(wr.header)
		for i := range 4_097 {
			before, _ = wr.line(before, &cs[i], i)
		}
		if !bytes.Equal(got.Bytes(), before) {
			t.Fatalf("%s: %d bytes written before the error, want the %d of the lines before it", name, got.Len(), len(before))
		}
	}
}
