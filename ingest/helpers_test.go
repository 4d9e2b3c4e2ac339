package ingest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/convreport/convreport"
)

// testSchema declares one custom property of each kind.
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

// diff describes how got differs from want, or returns "". Times must be
// the same instant in the same UTC offset.
func diff(want, got convreport.Conversation) string {
	var out []string
	str := func(name, a, b string) {
		if a != b {
			out = append(out, fmt.Sprintf("%s: want %q, got %q", name, a, b))
		}
	}
	tm := func(name string, a, b time.Time) {
		_, ao := a.Zone()
		_, bo := b.Zone()
		if !a.Equal(b) || ao != bo {
			out = append(out, fmt.Sprintf("%s: want %s, got %s", name, a.Format(time.RFC3339Nano), b.Format(time.RFC3339Nano)))
		}
	}
	str("id", want.ID, got.ID)
	str("channel", string(want.Channel), string(got.Channel))
	str("inbox", want.Inbox, got.Inbox)
	str("assignee", want.Assignee, got.Assignee)
	str("team", want.Team, got.Team)
	str("status", string(want.Status), string(got.Status))
	tm("created_at", want.CreatedAt, got.CreatedAt)
	tm("first_assigned_at", want.FirstAssignedAt, got.FirstAssignedAt)
	tm("first_response_at", want.FirstResponseAt, got.FirstResponseAt)
	tm("closed_at", want.ClosedAt, got.ClosedAt)
	str("closed_by", want.ClosedBy, got.ClosedBy)
	str("origin_url", want.OriginURL, got.OriginURL)
	str("chatflow", want.Chatflow, got.Chatflow)
	str("source", want.Source, got.Source)
	str("contact_id", want.ContactID, got.ContactID)
	str("subject", want.Subject, got.Subject)
	if want.IncomingMessages != got.IncomingMessages || want.OutgoingMessages != got.OutgoingMessages {
		out = append(out, fmt.Sprintf("messages: want %d/%d, got %d/%d", want.IncomingMessages, want.OutgoingMessages, got.IncomingMessages, got.OutgoingMessages))
	}
	keys := func(m map[string]any) []string {
		var ks []string
		for k := range m {
			ks = append(ks, k)
		}
		slices.Sort(ks)
		return ks
	}
	if !slices.Equal(keys(want.Properties), keys(got.Properties)) {
		out = append(out, fmt.Sprintf("properties: want keys %v, got %v", keys(want.Properties), keys(got.Properties)))
	} else {
		for k, a := range want.Properties {
			b := got.Properties[k]
			if at, ok := a.(time.Time); ok {
				if bt, ok := b.(time.Time); ok {
					tm("properties."+k, at, bt)
					continue
				}
			}
			if a != b {
				out = append(out, fmt.Sprintf("properties.%s: want %#v, got %#v", k, a, b))
			}
		}
	}
	return strings.Join(out, "; ")
}

func requireSame(t *testing.T, want, got []convreport.Conversation) {
	t.Helper()
	if len(want) != len(got) {
		t.Fatalf("got %d conversations, want %d", len(got), len(want))
	}
	for i := range want {
		if d := diff(want[i], got[i]); d != "" {
			t.Errorf("conversation %d (%s): %s", i, want[i].ID, d)
		}
	}
}

// errorTexts flattens a joined error into its messages.
func errorTexts(err error) []string {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []string
		for _, e := range j.Unwrap() {
			out = append(out, errorTexts(e)...)
		}
		return out
	}
	return []string{err.Error()}
}

func read(t testing.TB, format Format, input string, opt Options) ([]convreport.Conversation, error) {
	t.Helper()
	return ReadAll(context.Background(), strings.NewReader(input), format, opt)
}

func mustTime(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// failingReader returns data, then err.
type failingReader struct {
	data string
	err  error
}

func (r *failingReader) Read(p []byte) (int, error) {
	if r.data == "" {
		return 0, r.err
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

var _ io.Reader = (*failingReader)(nil)

func isLineError(err error) bool {
	var le *LineError
	return errors.As(err, &le)
}

// written returns rows written in format (CSV with schema's columns).
func written(tb testing.TB, format Format, schema *convreport.Schema, rows []convreport.Conversation) []byte {
	tb.Helper()
	var buf bytes.Buffer
	var err error
	if format == JSONL {
		err = WriteJSONL(&buf, slices.Values(rows))
	} else {
		err = WriteCSV(&buf, schema, slices.Values(rows))
	}
	if err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}
