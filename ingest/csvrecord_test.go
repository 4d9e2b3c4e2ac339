package ingest

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// csvRecord is a record as a tokenizer splits it: its fields, and the line
// each field starts on.
type csvRecord struct {
	fields []string
	lines  []int
}

// tokenize splits data with the reader's tokenizer. It reports false when
// the tokenizer found a bad record.
func tokenize(data []byte) ([]csvRecord, bool) {
	s := &csvSource{lr: newLineReader(bytes.NewReader(data), 1<<20)}
	var out []csvRecord
	for {
		_, err := s.readRecord()
		if err == io.EOF {
			return out, true
		}
		if err != nil {
			return out, false
		}
		var r csvRecord
		for i := range s.ends {
			r.fields = append(r.fields, string(s.cell(i)))
			r.lines = append(r.lines, s.lineOf(i))
		}
		out = append(out, r)
	}
}

// reference splits data with encoding/csv, which agrees with RFC 4180 on
// input without carriage returns (it turns "\r\n" in a quoted field into
// "\n") or a byte order mark (which it keeps). It reports false when
// encoding/csv refuses the input.
func reference(data []byte) ([]csvRecord, bool) {
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	var out []csvRecord
	for {
		fields, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return out, true
		}
		if err != nil {
			return out, false
		}
		r := csvRecord{fields: fields}
		for i := range fields {
			line, _ := cr.FieldPos(i)
			r.lines = append(r.lines, line)
		}
		out = append(out, r)
	}
}

func sameRecords(t *testing.T, data []byte, want, got []csvRecord) {
	t.Helper()
	if len(want) != len(got) {
		t.Fatalf("%d records, want %d, in %q", len(got), len(want), data)
	}
	for i := range want {
		if !slices.Equal(want[i].fields, got[i].fields) {
			t.Fatalf("record %d: fields %q, want %q, in %q", i, got[i].fields, want[i].fields, data)
		}
		if !slices.Equal(want[i].lines, got[i].lines) {
			t.Fatalf("record %d: lines %v, want %v, in %q", i, got[i].lines, want[i].lines, data)
		}
	}
}

// TestCSVRecordsMatchEncodingCSV checks the tokenizer's two ways (lines
// without quotes, and quoted fields) against encoding/csv on random
// records: fields, the line each starts on, blank lines skipped.
func TestCSVRecordsMatchEncodingCSV(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 15))
	pieces := []string{"a", "bc", "x y", ",", "\"", "\n", "", "é", "0", "  "}
	for round := range 300 {
		var b strings.Builder
		records := r.IntN(20)
		for k := range records {
			if r.IntN(8) == 0 {
				b.WriteString("\n") // a blank line between records
			}
			for f := range 1 + r.IntN(6) {
				if f > 0 {
					b.WriteByte(',')
				}
				var cell strings.Builder
				for range r.IntN(4) {
					cell.WriteString(pieces[r.IntN(len(pieces))])
				}
				text := cell.String()
				if r.IntN(3) == 0 || strings.ContainsAny(text, ",\"\n") {
					b.WriteString(`"` + strings.ReplaceAll(text, `"`, `""`) + `"`)
				} else {
					b.WriteString(text)
				}
			}
			if k < records-1 || r.IntN(2) == 0 { // the last may end without one
				b.WriteByte('\n')
			}
		}
		data := []byte(b.String())
		want, ok := reference(data)
		if !ok {
			t.Fatalf("round %d: encoding/csv refuses %q", round, data)
		}
		got, ok := tokenize(data)
		if !ok {
			t.Fatalf("round %d: the tokenizer refuses %q", round, data)
		}
		sameRecords(t, data, want, got)
	}
}

// FuzzCSVRecords checks the tokenizer against encoding/csv on any input
// both accept (without carriage returns or a byte order mark, where they
// differ by design), and requires it to refuse what encoding/csv refuses.
func FuzzCSVRecords(f *testing.F) {
	for _, s := range []string{
		"a,b\n1,2\n", "\"a\nb\",c\n", "a,\"b\"\"c\"\n\n\nd\n", "\"x\"y\n", "a\"b\n", "\"open\n", ",,\n", "\"\",\"\"",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if bytes.IndexByte(data, '\r') >= 0 || bytes.HasPrefix(data, bom) {
			return
		}
		want, wok := reference(data)
		got, gok := tokenize(data)
		if wok != gok {
			t.Fatalf("encoding/csv accepts: %v, the tokenizer: %v, in %q", wok, gok, data)
		}
		if wok {
			sameRecords(t, data, want, got)
		}
	})
}
