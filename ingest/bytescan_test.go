package ingest

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
	"unsafe"

	"github.com/convreport/convreport"
)

// TestByteScans checks the scans of eight bytes at a time against a loop
// of one byte at a time, on random bytes rich in the ones they look for
// and their neighbours (a borrow or carry would mark those).
func TestByteScans(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte{'"', '\\', ',', '-', '+', '!', '#', '[', ']', 0, 1, 0x1F, 0x20, 0x7F, 0x80, 0xE0, 0xFF, 'a', 'Z'}
	for range 20000 {
		b := make([]byte, r.IntN(40))
		for i := range b {
			if r.IntN(3) == 0 {
				b[i] = byte(r.IntN(256))
			} else {
				b[i] = alphabet[r.IntN(len(alphabet))]
			}
		}
		from := 0
		if len(b) > 0 {
			from = r.IntN(len(b) + 1)
		}
		want := from
		for want < len(b) && b[want] != '"' && b[want] != '\\' && b[want] >= 0x20 {
			want++
		}
		if got := stringEnd(b, from); got != want {
			t.Fatalf("stringEnd(%q, %d) = %d, want %d", b, from, got, want)
		}
		var commas []int
		for i, c := range b {
			if c == ',' {
				commas = append(commas, i)
			}
		}
		if got := appendCommas(nil, b); !slices.Equal(got, commas) {
			t.Fatalf("appendCommas(%q) = %v, want %v", b, got, commas)
		}
	}
}

// TestSharedValuesShareStorage reads values of a shared field (assignee)
// that collide in the decoder's cache of recent values ("Axya" and "Azya"
// agree in length and in the bytes it looks at) and some that do not: each
// must read back as written, and equal values as one string.
func TestSharedValuesShareStorage(t *testing.T) {
	names := []string{"Axya", "Azya", "Anna", "Bo", "Axya Long", "Ø"}
	r := rand.New(rand.NewPCG(5, 6))
	var rows []convreport.Conversation
	for i := range 400 {
		rows = append(rows, convreport.Conversation{
			ID: fmt.Sprintf("c%d", i), Channel: convreport.Chat, Status: convreport.Open,
			CreatedAt: time.Date(2025, 3, 1, 9, 0, i, 0, time.UTC), Assignee: names[r.IntN(len(names))],
		})
	}
	for _, format := range []Format{JSONL, CSV} {
		data := written(t, format, nil, rows)
		for _, workers := range []int{1, 2} {
			got, err := ReadAll(context.Background(), bytes.NewReader(data), format, Options{Workers: workers})
			if err != nil || len(got) != len(rows) {
				t.Fatalf("%s, %d workers: %d rows, %v", format, workers, len(got), err)
			}
			data := map[string]*byte{}
			for i, c := range got {
				if c.Assignee != rows[i].Assignee {
					t.Fatalf("%s, %d workers, row %d: assignee %q, want %q", format, workers, i, c.Assignee, rows[i].Assignee)
				}
				p := unsafe.StringData(c.Assignee)
				if q, ok := data[c.Assignee]; ok && q != p && workers == 1 {
					t.Fatalf("%s, row %d: a second copy of %q", format, i, c.Assignee)
				}
				data[c.Assignee] = p
			}
		}
	}
}
