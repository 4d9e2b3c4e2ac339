package ingest

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/convreport/convreport"
)

// Every input either reads or fails with *LineError, never panics; the
// parallel reader yields what the sequential one does; and whatever reads
// writes back to the same conversations.
func FuzzReadJSONL(f *testing.F) {
	for _, s := range []string{
		okLine,
		okLine + "\n" + okLine,
		row("c2", `,"properties":{"tier":"pro","score":1.5e3,"vip":true,"due":"2025-03-01T09:00:00.5-07:00","sla":"5m","note":"a\u00e9\ud83c\udf89"}`),
		row("c3", `,"status":"closed","closed_at":"2025-03-02T09:00:00+14:00","subject":"x\"y\\z\n","incoming_messages":3e0}`),
		row("c4", `,"unknown":{"a":[1,{"b":null}],"c":-0.5e-3}`),
		`{"id":"c1","channel":"ch`,
		`[1,2]`, `{}`, `{"id":null}`, "\ufeff" + okLine, "\n\r\n \t\n",
		`{"id":"` + "\xff" + `"}`,
		`{"id":"\ud800"}`,
	} {
		f.Add([]byte(s), false)
		f.Add([]byte(s), true)
	}
	schema := testSchema(f)
	f.Fuzz(func(t *testing.T, data []byte, ignore bool) {
		opt := Options{Schema: schema, SkipInvalid: true, IgnoreUnknown: ignore, MaxLineBytes: 4096}
		rows := readChecked(t, JSONL, data, opt)
		requireParallelSame(t, JSONL, data, opt)
		var buf bytes.Buffer
		if err := WriteJSONL(&buf, slices.Values(rows)); err != nil {
			t.Fatalf("writing what was read: %v", err)
		}
		again, err := ReadAll(context.Background(), &buf, JSONL, Options{Schema: schema})
		if err != nil {
			t.Fatalf("reading what was written: %v\n%s", err, buf.String())
		}
		requireSame(t, rows, again)
	})
}

func FuzzReadCSV(f *testing.F) {
	header := "id,channel,status,created_at,closed_at,subject,incoming_messages,properties.tier,properties.score,properties.vip,properties.due,properties.sla,properties.note\n"
	for _, s := range []string{
		header + "c1,chat,open,2025-03-01T09:00:00Z,,hi,1,pro,1.5,true,2025-03-01T09:00:00+01:00,330,note\n",
		header + "c1,chat,closed,2025-03-01T09:00:00Z,2025-03-01T10:00:00Z,\"multi\r\nline, \"\"q\"\"\",0,,,FALSE,,1h,\n",
		"\ufeff" + header + "c1,chat,open,2025-03-01T09:00:00Z,,,,,,,,,\r\n\r\n",
		header + "c1,chat,open,2025-03-01T09:00:00Z,,\"unterminated\n",
		header + "c1,chat,open,2025-03-01T09:00:00Z,,bare\"quote,,,,,,,\n",
		header + "c1,chat,open\n",
		"id,channel,status\n", "", "\n", "a,b\n1,2\n",
		"id,channel,status,created_at,extra\nc1,chat,open,2025-03-01T09:00:00Z,x\n",
	} {
		f.Add([]byte(s), false)
		f.Add([]byte(s), true)
	}
	schema := testSchema(f)
	f.Fuzz(func(t *testing.T, data []byte, ignore bool) {
		opt := Options{Schema: schema, SkipInvalid: true, IgnoreUnknown: ignore, MaxLineBytes: 4096}
		rows := readChecked(t, CSV, data, opt)
		requireParallelSame(t, CSV, data, opt)
		var buf bytes.Buffer
		if err := WriteCSV(&buf, schema, slices.Values(rows)); err != nil {
			t.Fatalf("writing what was read: %v", err)
		}
		again, err := ReadAll(context.Background(), &buf, CSV, Options{Schema: schema})
		if err != nil {
			t.Fatalf("reading what was written: %v\n%s", err, buf.String())
		}
		requireSame(t, rows, again)
	})
}

// readChecked reads data, requiring every error to be a *LineError with a
// line within the input, and every conversation to be valid and unique.
func readChecked(t *testing.T, format Format, data []byte, opt Options) []convreport.Conversation {
	t.Helper()
	lines := bytes.Count(data, []byte{'\n'}) + 1
	var rows []convreport.Conversation
	ids := map[string]bool{}
	for c, err := range readerFor(format)(context.Background(), bytes.NewReader(data), opt) {
		if err != nil {
			var le *LineError
			if !errors.As(err, &le) {
				t.Fatalf("%T is not a *LineError: %v", err, err)
			}
			if le.Line < 1 || le.Line > lines {
				t.Fatalf("line %d of %d: %v", le.Line, lines, err)
			}
			continue
		}
		if err := opt.Schema.Validate(&c); err != nil {
			t.Fatalf("yielded an invalid conversation: %v", err)
		}
		if ids[c.ID] {
			t.Fatalf("yielded ID %q twice", c.ID)
		}
		ids[c.ID] = true
		rows = append(rows, c)
	}
	return rows
}
