package ingest

import (
	"context"
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"
)

// repeated is an io.Reader of n copies of unit, made as it is read.
type repeated struct {
	unit string
	n    int
}

func (r *repeated) Read(p []byte) (int, error) {
	if r.n <= 0 {
		return 0, io.EOF
	}
	k := 0
	for k+len(r.unit) <= len(p) && r.n > 0 {
		k += copy(p[k:], r.unit)
		r.n--
	}
	if k == 0 { // p shorter than unit
		k = copy(p, r.unit[:len(p)])
		r.unit = r.unit[len(p):] + r.unit[:len(p)]
	}
	return k, nil
}

// allocated returns the bytes f allocates.
func allocated(f func()) uint64 {
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	f()
	runtime.ReadMemStats(&m1)
	return m1.TotalAlloc - m0.TotalAlloc
}

// TestHugeInputsReadInBoundedMemory feeds 8 MiB lines and records to the
// readers with MaxLineBytes at 64 KiB: each is reported as a *LineError,
// reading goes on after it, and the readers allocate a small multiple of
// the limit, not of the input.
func TestHugeInputsReadInBoundedMemory(t *testing.T) {
	const max = 64 << 10
	const huge = 8 << 20
	ok := `{"id":"after","channel":"chat","status":"open","created_at":"2025-03-01T09:00:00Z"}` + "\n"
	header := "id,channel,status,created_at,subject\n"
	okCSV := "after,chat,open,2025-03-01T09:00:00Z,x\n"
	cases := []struct {
		name   string
		format Format
		input  func() io.Reader
		want   string
	}{
		{"jsonl line", JSONL, func() io.Reader {
			return io.MultiReader(strings.NewReader(`{"id":"`), &repeated{unit: strings.Repeat("x", 4096), n: huge / 4096}, strings.NewReader("\"}\n"+ok))
		}, "line 1: line is longer than 65536 bytes (Options.MaxLineBytes)"},
		{"csv line", CSV, func() io.Reader {
			return io.MultiReader(strings.NewReader(header+"c1,chat,open,2025-03-01T09:00:00Z,"), &repeated{unit: strings.Repeat("x", 4096), n: huge / 4096}, strings.NewReader("\n"+okCSV))
		}, "line 2: line is longer than 65536 bytes (Options.MaxLineBytes)"},
		// A quoted field over many short lines: each line is within the
		// limit, the record is not.
		{"csv record over many lines", CSV, func() io.Reader {
			return io.MultiReader(strings.NewReader(header+`c1,chat,open,2025-03-01T09:00:00Z,"`),
				&repeated{unit: "a line of a long quoted field\n", n: huge / 30}, strings.NewReader("end\"\n"+okCSV))
		}, "line 2: record is longer than 65536 bytes (Options.MaxLineBytes)"},
		{"csv unclosed quote", CSV, func() io.Reader {
			return io.MultiReader(strings.NewReader(header+`c1,chat,open,2025-03-01T09:00:00Z,"`),
				&repeated{unit: "never closed\n", n: huge / 13})
		}, "line 2: record is longer than 65536 bytes (Options.MaxLineBytes)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			var ids []string
			bytes := allocated(func() {
				for c, err := range readerFor(tc.format)(context.Background(), tc.input(), Options{SkipInvalid: true, MaxLineBytes: max}) {
					if err != nil {
						var le *LineError
						if !errors.As(err, &le) {
							t.Fatalf("%T: %v", err, err)
						}
						got = append(got, err.Error())
						continue
					}
					ids = append(ids, c.ID)
				}
			})
			if len(got) != 1 || got[0] != tc.want {
				t.Fatalf("errors %q, want [%q]", got, tc.want)
			}
			if !strings.Contains(tc.name, "unclosed") && (len(ids) != 1 || ids[0] != "after") {
				t.Fatalf("read %q after the long one, want [after]", ids)
			}
			if bytes > 16*max+(1<<20) {
				t.Fatalf("allocated %d KiB for a %d KiB limit", bytes>>10, max>>10)
			}
		})
	}
}

func TestLineLimitDefault(t *testing.T) {
	if got := (Options{}).maxLine(); got != 1<<20 {
		t.Fatalf("default MaxLineBytes %d, want 1 MiB", got)
	}
	line := `{"id":"` + strings.Repeat("x", 1<<20) + `"}`
	_, err := ReadAll(context.Background(), strings.NewReader(line), JSONL, Options{})
	if err == nil || err.Error() != "line 1: line is longer than 1048576 bytes (Options.MaxLineBytes)" {
		t.Fatalf("got %v", err)
	}
}
