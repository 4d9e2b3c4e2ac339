package ingest

import (
	"bytes"
	"context"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/convreport/convreport"
)

// roundTripRows covers unknown times, custom properties of every kind,
// text that needs escaping or quoting in either format, and offsets.
func roundTripRows(t *testing.T) []convreport.Conversation {
	kolkata := time.FixedZone("IST", 5*3600+30*60)
	pacific := time.FixedZone("", -8*3600)
	created := time.Date(2025, 3, 1, 9, 0, 0, 0, kolkata)
	return []convreport.Conversation{
		{
			ID: "minimal", Channel: convreport.Chat, Status: convreport.Open,
			CreatedAt: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC),
		},
		{
			ID: "everything", Channel: convreport.Email, Inbox: "Support", Assignee: "rep-07", Team: "EMEA",
			Status:          convreport.Closed,
			CreatedAt:       created,
			FirstAssignedAt: created.Add(90 * time.Second),
			FirstResponseAt: created.Add(5*time.Minute + 123456789*time.Nanosecond),
			ClosedAt:        created.Add(26 * time.Hour).In(pacific),
			ClosedBy:        "rep-07", OriginURL: "https://example.com/a,b?q=\"x\"", Chatflow: "Triage",
			Source: "api", ContactID: "contact-1",
			Subject:          "Re: \"Refund\", order #12 — naïve café ✓ 日本語 🎉\nsecond line\r\nthird, line",
			IncomingMessages: 12, OutgoingMessages: 9,
			Properties: map[string]any{
				"tier":  "enterprise",
				"score": 4.25,
				"vip":   true,
				"due":   time.Date(2025, 3, 8, 17, 0, 0, 1, pacific),
				"sla":   5*time.Minute + 30*time.Second,
				"note":  "tab\there, backslash \\, quote \", ctrl \x01, sep \u2028, crlf\r\n, cr\r",
			},
		},
		{
			ID: "ids can hold, commas \"and\" quotes", Channel: convreport.WhatsApp, Status: convreport.Closed,
			CreatedAt: time.Date(1999, 12, 31, 23, 59, 59, 999999999, time.UTC),
			ClosedAt:  time.Date(2000, 2, 29, 0, 0, 0, 0, time.UTC),
			Subject:   " leading and trailing spaces ",
			Properties: map[string]any{
				"vip":   false,
				"score": -0.000001,
				"sla":   -(1500 * time.Millisecond),
				"tier":  "free",
			},
		},
		{
			ID: "big numbers", Channel: convreport.Phone, Status: convreport.Open,
			CreatedAt:        time.Date(2025, 6, 30, 12, 0, 0, 0, time.FixedZone("", -(9*3600+30*60))),
			IncomingMessages: 1 << 40,
			Properties:       map[string]any{"score": 1e21, "sla": time.Duration(1<<63 - 1)},
		},
	}
}

func TestRoundTrip(t *testing.T) {
	schema := testSchema(t)
	rows := roundTripRows(t)
	for _, tc := range []struct {
		format Format
		write  func(*bytes.Buffer) error
	}{
		{JSONL, func(b *bytes.Buffer) error { return WriteJSONL(b, slices.Values(rows)) }},
		{CSV, func(b *bytes.Buffer) error { return WriteCSV(b, schema, slices.Values(rows)) }},
	} {
		t.Run(string(tc.format), func(t *testing.T) {
			var buf bytes.Buffer
			if err := tc.write(&buf); err != nil {
				t.Fatal(err)
			}
			got, err := ReadAll(context.Background(), bytes.NewReader(buf.Bytes()), tc.format, Options{Schema: schema})
			if err != nil {
				t.Fatalf("%v\n%s", err, buf.String())
			}
			requireSame(t, rows, got)
		})
	}
}

// The fixture is in the writer's own form: reading and writing it gives
// it back byte for byte.
func TestWriteJSONLCanonical(t *testing.T) {
	want, err := os.ReadFile("testdata/conversations.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	rows, err := ReadFile(context.Background(), "testdata/conversations.jsonl", Options{Schema: testSchema(t)})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteJSONL(&buf, slices.Values(rows)); err != nil {
		t.Fatal(err)
	}
	if buf.String() != string(want) {
		t.Errorf("written:\n%s\nwant:\n%s", buf.String(), want)
	}
}

func TestWriteCSVForm(t *testing.T) {
	schema, err := convreport.NewSchema(
		convreport.Property{Name: "vip", Kind: convreport.KindBool},
		convreport.Property{Name: "sla", Kind: convreport.KindDuration},
	)
	if err != nil {
		t.Fatal(err)
	}
	rows := []convreport.Conversation{{
		ID: "c-1", Channel: convreport.Chat, Status: convreport.Closed,
		CreatedAt:  time.Date(2025, 3, 1, 9, 0, 0, 0, time.FixedZone("", 3600)),
		ClosedAt:   time.Date(2025, 3, 1, 9, 30, 0, 500000000, time.UTC),
		Subject:    "Hi, \"you\"\nthere",
		Properties: map[string]any{"sla": 90 * time.Second},
	}}
	var buf bytes.Buffer
	if err := WriteCSV(&buf, schema, slices.Values(rows)); err != nil {
		t.Fatal(err)
	}
	want := "id,channel,inbox,assignee,team,status,created_at,first_assigned_at,first_response_at,closed_at,closed_by,origin_url,chatflow,source,contact_id,subject,incoming_messages,outgoing_messages,properties.vip,properties.sla\n" +
		"c-1,chat,,,,closed,2025-03-01T09:00:00+01:00,,,2025-03-01T09:30:00.5Z,,,,,,\"Hi, \"\"you\"\"\nthere\",0,0,,1m30s\n"
	if buf.String() != want {
		t.Errorf("written:\n%q\nwant:\n%q", buf.String(), want)
	}
}

// The CSV fixture holds the JSONL fixture's conversations, its columns in
// another order, a duration in seconds and a bool in capitals.
func TestCSVMatchesJSONL(t *testing.T) {
	opt := Options{Schema: testSchema(t)}
	want, err := ReadFile(context.Background(), "testdata/conversations.jsonl", opt)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ReadFile(context.Background(), "testdata/conversations.csv", opt)
	if err != nil {
		t.Fatal(err)
	}
	requireSame(t, want, got)
	if got[2].Properties["note"] != "multi\r\nline, \"quoted\"" {
		t.Errorf("note = %q: a quoted CRLF must be kept", got[2].Properties["note"])
	}
}

func TestExcelCSV(t *testing.T) {
	got, err := ReadFile(context.Background(), "testdata/excel.csv", Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []convreport.Conversation{
		{ID: "x-1", Channel: convreport.Chat, Status: convreport.Open, CreatedAt: mustTime(t, "2025-01-05T08:00:00Z"), Subject: "Hello, world", IncomingMessages: 3},
		{ID: "x-2", Channel: convreport.Email, Status: convreport.Open, CreatedAt: mustTime(t, "2025-01-05T09:00:00+02:00"), Subject: "Line one\r\nLine \"two\""},
		{ID: "x-3", Channel: convreport.Phone, Status: convreport.Open, CreatedAt: mustTime(t, "2025-01-05T10:00:00Z")},
	}
	requireSame(t, want, got)
}

// A record spanning lines shifts the line numbers after it; errors count
// physical lines, and a BOM does not hide the first column's name.
func TestCSVLineNumbers(t *testing.T) {
	input := "\ufeffid,channel,status,created_at,subject\r\n" +
		"a,chat,open,2025-01-01T00:00:00Z,\"one\r\ntwo\r\nthree\"\r\n" +
		"b,chat,open,2025-01-01T00:00:00,x\r\n"
	_, err := read(t, CSV, input, Options{})
	want := `line 5: created_at: "2025-01-01T00:00:00" is not an RFC 3339 time with offset`
	if err == nil || err.Error() != want {
		t.Errorf("err = %v, want %s", err, want)
	}
}

func TestCSVSubsetOfColumns(t *testing.T) {
	got, err := read(t, CSV, "created_at,status,id,channel\n2025-01-01T00:00:00Z,open,a,chat\n", Options{})
	if err != nil {
		t.Fatal(err)
	}
	requireSame(t, []convreport.Conversation{{ID: "a", Channel: convreport.Chat, Status: convreport.Open, CreatedAt: mustTime(t, "2025-01-01T00:00:00Z")}}, got)
}

// Only the columns of the fields every conversation has are required: a
// file without channel and status reads, and each conversation is then
// open, or closed where it has a closed_at, on the channel "other".
func TestCSVWithoutChannelAndStatus(t *testing.T) {
	got, err := read(t, CSV, "id,created_at,closed_at\na,2025-01-01T00:00:00Z,\nb,2025-01-01T00:00:00Z,2025-01-01T01:00:00Z\n", Options{})
	if err != nil {
		t.Fatal(err)
	}
	start := mustTime(t, "2025-01-01T00:00:00Z")
	requireSame(t, []convreport.Conversation{{ID: "a", CreatedAt: start}, {ID: "b", CreatedAt: start, ClosedAt: start.Add(time.Hour)}}, got)
	s := convreport.DefaultSchema()
	for i, want := range []string{"open", "closed"} {
		v, _ := s.Value(&got[i], "Status")
		if v != want {
			t.Errorf("%s: status %v, want %s", got[i].ID, v, want)
		}
		v, _ = s.Value(&got[i], "Channel")
		if v != "other" {
			t.Errorf("%s: channel %v, want other", got[i].ID, v)
		}
	}
}

func TestWriteTimes(t *testing.T) {
	lmt := time.FixedZone("LMT", 561) // Paris before 1911: not whole minutes
	for _, tc := range []struct {
		name string
		in   time.Time
		want string
	}{
		{"utc whole seconds", time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC), "2025-03-01T09:00:00Z"},
		{"fraction only as needed", time.Date(2025, 3, 1, 9, 0, 0, 120000000, time.UTC), "2025-03-01T09:00:00.12Z"},
		{"nanoseconds", time.Date(2025, 3, 1, 9, 0, 0, 1, time.UTC), "2025-03-01T09:00:00.000000001Z"},
		{"own offset kept", time.Date(2025, 3, 1, 9, 0, 0, 0, time.FixedZone("", -(3*3600+30*60))), "2025-03-01T09:00:00-03:30"},
		{"named zone by its offset", time.Date(2025, 7, 1, 9, 0, 0, 0, time.FixedZone("CEST", 2*3600)), "2025-07-01T09:00:00+02:00"},
		{"offset with seconds goes to UTC", time.Date(1900, 1, 1, 0, 9, 21, 0, lmt), "1900-01-01T00:00:00Z"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, ok := appendTime(nil, tc.in)
			if !ok || string(b) != tc.want {
				t.Errorf("got %s (%v), want %s", b, ok, tc.want)
			}
		})
	}
}

func TestWriteErrors(t *testing.T) {
	base := convreport.Conversation{ID: "w", Channel: convreport.Chat, Status: convreport.Open, CreatedAt: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
	with := func(f func(*convreport.Conversation)) []convreport.Conversation {
		c := base
		f(&c)
		return []convreport.Conversation{base, c}
	}
	for _, tc := range []struct {
		name     string
		rows     []convreport.Conversation
		jsonl    string
		csv      string
		onlyCSV  bool
		onlyJSON bool
	}{
		{name: "invalid UTF-8", rows: with(func(c *convreport.Conversation) { c.Subject = "a\xffb" }),
			jsonl: `convreport: conversation "w": subject: is not valid UTF-8`},
		{name: "year 10000", rows: with(func(c *convreport.Conversation) { c.ClosedAt = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) }),
			jsonl: `convreport: conversation "w": closed_at: has a year outside 0000–9999`},
		{name: "NaN", rows: with(func(c *convreport.Conversation) { c.Properties = map[string]any{"score": 0 * inf()} }),
			jsonl: `convreport: conversation "w": properties.score: NaN is not a finite number`},
		{name: "an int", onlyJSON: true, rows: with(func(c *convreport.Conversation) { c.Properties = map[string]any{"score": 3} }),
			jsonl: `convreport: conversation "w": properties.score: holds int, which the format cannot carry`},
		{name: "an int for a number", onlyCSV: true, rows: with(func(c *convreport.Conversation) { c.Properties = map[string]any{"score": 3} }),
			csv: `convreport: conversation "w": properties.score: holds int, want a number`},
		{name: "undeclared property", onlyCSV: true, rows: with(func(c *convreport.Conversation) { c.Properties = map[string]any{"colour": "red"} }),
			csv: `convreport: conversation "w": properties.colour: is not a custom property of the schema`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.csv == "" {
				tc.csv = tc.jsonl
			}
			if !tc.onlyCSV {
				err := WriteJSONL(&bytes.Buffer{}, slices.Values(tc.rows))
				if err == nil || err.Error() != tc.jsonl {
					t.Errorf("WriteJSONL: err = %v, want %s", err, tc.jsonl)
				}
				checkIndex(t, err)
			}
			if !tc.onlyJSON {
				err := WriteCSV(&bytes.Buffer{}, testSchema(t), slices.Values(tc.rows))
				if err == nil || err.Error() != tc.csv {
					t.Errorf("WriteCSV: err = %v, want %s", err, tc.csv)
				}
				checkIndex(t, err)
			}
		})
	}
}

func checkIndex(t *testing.T, err error) {
	t.Helper()
	if ve, ok := err.(*convreport.ValidationError); !ok || ve.Index != 1 {
		t.Errorf("err = %#v, want a *ValidationError with Index 1", err)
	}
}

func inf() float64 { var z float64; return 1 / z }

// Unknown values are left out of JSON Lines, so short rows stay short.
func TestWriteJSONLLeavesOutUnknown(t *testing.T) {
	var buf bytes.Buffer
	c := convreport.Conversation{ID: "a", Channel: convreport.Chat, Status: convreport.Open,
		CreatedAt:  time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC),
		Properties: map[string]any{"note": "", "vip": nil}}
	if err := WriteJSONL(&buf, slices.Values([]convreport.Conversation{c})); err != nil {
		t.Fatal(err)
	}
	want := `{"id":"a","channel":"chat","status":"open","created_at":"2025-01-01T00:00:00Z","incoming_messages":0,"outgoing_messages":0}` + "\n"
	if got := buf.String(); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if strings.Contains(buf.String(), "properties") {
		t.Error("empty properties written")
	}
}
