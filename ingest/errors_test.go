package ingest

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/convreport/convreport"
)

const okLine = `{"id":"c1","channel":"chat","status":"open","created_at":"2025-03-01T09:00:00Z"}`

// row returns a valid line with extra members appended.
func row(id, extra string) string {
	return `{"id":"` + id + `","channel":"chat","status":"open","created_at":"2025-03-01T09:00:00Z"` + extra + `}`
}

func TestJSONLErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		input string
		opt   Options
		want  string
	}{
		{"truncated line", okLine + "\n" + `{"id":"c2","channel":"ch`,
			Options{}, `line 2: unexpected end of JSON`},
		{"truncated after a value", `{"id":"c2","incoming_messages":12`,
			Options{}, `line 1: unexpected end of JSON`},
		{"wrong type", okLine + "\n\n" + row("c2", `,"incoming_messages":"three"`),
			Options{}, `line 3: incoming_messages: want a number, got string "three"`},
		{"string wanted", row("c2", `,"inbox":42`),
			Options{}, `line 1: inbox: want a string, got number 42`},
		{"object for a string", row("c2", `,"subject":{"a":1}`),
			Options{}, `line 1: subject: want a string, got object`},
		{"fractional count", row("c2", `,"outgoing_messages":2.5`),
			Options{}, `line 1: outgoing_messages: want a whole number ≥ 0 and at most 2^53, got 2.5`},
		{"negative count", row("c2", `,"outgoing_messages":-1`),
			Options{}, `line 1: outgoing_messages: want a whole number ≥ 0 and at most 2^53, got -1`},
		{"count above 2^53", row("c2", `,"incoming_messages":9007199254740993`),
			Options{}, `line 1: incoming_messages: want a whole number ≥ 0 and at most 2^53, got 9007199254740993`},
		{"count a little above 1", row("c2", `,"incoming_messages":1.0000000000000001`),
			Options{}, `line 1: incoming_messages: want a whole number ≥ 0 and at most 2^53, got 1.0000000000000001`},
		{"unknown key with suggestion", row("c5", `,"asignee":"rep-1"`),
			Options{}, `line 1: unknown key "asignee" (did you mean "assignee"?)`},
		{"unknown key by Go name", row("c5", `,"CreatedAt":"x"`),
			Options{}, `line 1: unknown key "CreatedAt" (did you mean "created_at"?)`},
		{"unknown key without suggestion", row("c5", `,"zzzzzz":1`),
			Options{}, `line 1: unknown key "zzzzzz"`},
		{"derived key", row("c5", `,"wait_time":30`),
			Options{}, `line 1: unknown key "wait_time" (a derived property: computed, not read)`},
		{"custom property at the top", row("c5", `,"tier":"pro"`),
			Options{Schema: testSchema(t)}, `line 1: unknown key "tier" (a custom property: put it in "properties")`},
		{"key twice", row("c5", `,"id":"c6"`),
			Options{}, `line 1: key "id" appears twice`},
		{"time without offset", `{"id":"c1","channel":"chat","status":"open","created_at":"2025-03-01T10:00:00"}`,
			Options{}, `line 1: created_at: "2025-03-01T10:00:00" is not an RFC 3339 time with offset`},
		{"impossible month", `{"id":"c1","channel":"chat","status":"open","created_at":"2025-13-01T00:00:00Z"}`,
			Options{}, `line 1: created_at: "2025-13-01T00:00:00Z" is not an RFC 3339 time with offset`},
		{"February 30", row("c1", `,"closed_at":"2025-02-30T00:00:00Z"`),
			Options{}, `line 1: closed_at: "2025-02-30T00:00:00Z" is not an RFC 3339 time with offset`},
		{"time as a number", row("c1", `,"closed_at":1740000000`),
			Options{}, `line 1: closed_at: want an RFC 3339 time, got number 1740000000`},
		{"closed without closed_at", `{"id":"c1","channel":"chat","status":"closed","created_at":"2025-03-01T09:00:00Z"}`,
			Options{}, `line 1: conversation "c1": closed_at: is missing but the conversation is closed`},
		{"closed_at while open", row("c1", `,"closed_at":"2025-03-01T10:00:00Z"`),
			Options{}, `line 1: conversation "c1": closed_at: is set but the conversation is open`},
		{"response before creation", row("c1", `,"first_response_at":"2025-03-01T09:00:00+01:00"`),
			Options{}, `line 1: conversation "c1": first_response_at: 2025-03-01T09:00:00+01:00 is before created_at 2025-03-01T09:00:00Z`},
		{"response before creation in the same second", `{"id":"c1","channel":"chat","status":"open","created_at":"2025-03-01T10:00:00.5Z","first_response_at":"2025-03-01T10:00:00.2Z"}`,
			Options{}, `line 1: conversation "c1": first_response_at: 2025-03-01T10:00:00.2Z is before created_at 2025-03-01T10:00:00.5Z`},
		{"unknown channel", `{"id":"c1","channel":"sms","status":"open","created_at":"2025-03-01T09:00:00Z"}`,
			Options{}, `line 1: conversation "c1": channel: "sms" is not a channel (want one of chat, email, form, messenger, whatsapp, phone, other)`},
		{"missing id", `{"channel":"chat","status":"open","created_at":"2025-03-01T09:00:00Z"}`,
			Options{}, `line 1: id: is empty`},
		{"duplicate ID", okLine + "\n" + row("c2", "") + "\n" + okLine,
			Options{}, `line 3: conversation "c1": id: duplicates the conversation on line 1`},
		{"unknown custom property", row("c1", `,"properties":{"teir":"pro"}`),
			Options{Schema: testSchema(t)}, `line 1: properties: unknown custom property "teir" (did you mean "tier"?)`},
		{"custom property without a schema", row("c1", `,"properties":{"tier":"pro"}`),
			Options{}, `line 1: properties: unknown custom property "tier"`},
		{"built-in in properties", row("c1", `,"properties":{"inbox":"x"}`),
			Options{Schema: testSchema(t)}, `line 1: properties: unknown custom property "inbox" (a built-in property: use "inbox")`},
		{"enum value not allowed", row("c1", `,"properties":{"tier":"gold"}`),
			Options{Schema: testSchema(t)}, `line 1: conversation "c1": properties.tier: "gold" is not one of free, pro, enterprise`},
		{"number property as string", row("c1", `,"properties":{"score":"4"}`),
			Options{Schema: testSchema(t)}, `line 1: properties.score: want a number, got string "4"`},
		{"bool property as string", row("c1", `,"properties":{"vip":"yes"}`),
			Options{Schema: testSchema(t)}, `line 1: properties.vip: want true or false, got string "yes"`},
		{"bad duration", row("c1", `,"properties":{"sla":"5 minutes"}`),
			Options{Schema: testSchema(t)}, `line 1: properties.sla: "5 minutes" is not a duration (want one like "5m30s" or a number of seconds)`},
		{"duration as bool", row("c1", `,"properties":{"sla":true}`),
			Options{Schema: testSchema(t)}, `line 1: properties.sla: want a duration, got bool true`},
		{"property twice", row("c1", `,"properties":{"vip":true,"vip":false}`),
			Options{Schema: testSchema(t)}, `line 1: properties: key "vip" appears twice`},
		{"properties not an object", row("c1", `,"properties":[]`),
			Options{}, `line 1: properties: want an object, got array`},
		{"number out of range", row("c1", `,"properties":{"score":1e999}`),
			Options{Schema: testSchema(t)}, `line 1: properties.score: 1e999 is out of range`},
		{"line too long", okLine + "\n" + row("c2", `,"subject":"`+strings.Repeat("x", 200)+`"`),
			Options{MaxLineBytes: 200}, `line 2: line is longer than 200 bytes (Options.MaxLineBytes)`},
		{"not an object", `["c1"]`,
			Options{}, `line 1: want a JSON object, got array`},
		{"garbage", `hello`,
			Options{}, `line 1: invalid character 'h' at column 1`},
		{"after the object", okLine + ` x`,
			Options{}, `line 1: invalid character 'x' after the object at column 82`},
		{"missing comma", `{"id":"c1" "channel":"chat"}`,
			Options{}, `line 1: invalid character '"' at column 12`},
		{"trailing comma", `{"id":"c1",}`,
			Options{}, `line 1: invalid character '}' at column 12`},
		{"raw tab in string", `{"id":"c1` + "\t" + `"}`,
			Options{}, `line 1: invalid character '\t' at column 10`},
		{"bad escape", `{"id":"c\x"}`,
			Options{}, `line 1: invalid character 'x' at column 10`},
		{"invalid UTF-8", okLine + "\n" + `{"id":"c` + "\xff" + `"}`,
			Options{}, `line 2: invalid UTF-8 at column 9`},
		{"bad literal", row("c1", `,"inbox":nul`),
			Options{}, `line 1: invalid character '}' at column 92`},
		{"file name", okLine + "\n" + okLine,
			Options{File: "data.jsonl"}, `data.jsonl: line 2: conversation "c1": id: duplicates the conversation on line 1`},
		{"unknown value still checked", row("c1", `,"extra":{"a":[1,2,}`),
			Options{IgnoreUnknown: true}, `line 1: invalid character '}' at column 99`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rows, err := read(t, JSONL, tc.input, tc.opt)
			if err == nil {
				t.Fatalf("no error, want %s", tc.want)
			}
			if err.Error() != tc.want {
				t.Errorf("got  %s\nwant %s", err, tc.want)
			}
			if rows != nil {
				t.Errorf("rows = %v, want none", rows)
			}
			if !isLineError(err) {
				t.Errorf("%T is not a *LineError", err)
			}
		})
	}
}

func TestCSVErrors(t *testing.T) {
	const header = "id,channel,status,created_at,incoming_messages,subject\n"
	for _, tc := range []struct {
		name  string
		input string
		opt   Options
		want  string
	}{
		{"missing required column", "id,channel,status\n", Options{}, `line 1: missing required column "created_at"`},
		{"missing required columns", "subject\n", Options{}, `line 1: missing required columns "id", "created_at"`},
		{"unknown column", "id,channel,status,created_at,asignee\n", Options{}, `line 1: unknown column "asignee" (did you mean "assignee"?)`},
		{"custom property by plain name", "id,channel,status,created_at,tier\n", Options{Schema: testSchema(t)}, `line 1: unknown column "tier" (did you mean "properties.tier"?)`},
		{"unknown custom property", "id,channel,status,created_at,properties.teir\n", Options{Schema: testSchema(t)}, `line 1: unknown column "properties.teir" (did you mean "properties.tier"?)`},
		{"properties object column", "id,channel,status,created_at,properties\n", Options{}, `line 1: unknown column "properties"`},
		{"column twice", "id,channel,status,created_at,id\n", Options{}, `line 1: column "id" appears twice`},
		{"wrong type", header + "c1,chat,open,2025-03-01T09:00:00Z,three,\n", Options{}, `line 2: incoming_messages: want a number, got "three"`},
		{"count above 2^53", header + "c1,chat,open,2025-03-01T09:00:00Z,9007199254740993,\n", Options{}, `line 2: incoming_messages: want a whole number ≥ 0 and at most 2^53, got 9007199254740993`},
		{"count a little above 1", header + "c1,chat,open,2025-03-01T09:00:00Z,1.0000000000000001,\n", Options{}, `line 2: incoming_messages: want a whole number ≥ 0 and at most 2^53, got 1.0000000000000001`},
		{"time without offset", header + "c1,chat,open,2025-03-01 09:00:00,1,\n", Options{}, `line 2: created_at: "2025-03-01 09:00:00" is not an RFC 3339 time with offset`},
		{"closed without closed_at", header + "c1,chat,closed,2025-03-01T09:00:00Z,1,\n", Options{}, `line 2: conversation "c1": closed_at: is missing but the conversation is closed`},
		{"duplicate ID", header + "c1,chat,open,2025-03-01T09:00:00Z,1,\"a\nb\"\nc1,chat,open,2025-03-01T09:00:00Z,1,\n", Options{}, `line 4: conversation "c1": id: duplicates the conversation on line 2`},
		{"enum value not allowed", "id,channel,status,created_at,properties.tier\nc1,chat,open,2025-03-01T09:00:00Z,gold\n", Options{Schema: testSchema(t)}, `line 2: conversation "c1": properties.tier: "gold" is not one of free, pro, enterprise`},
		{"bool", "id,channel,status,created_at,properties.vip\nc1,chat,open,2025-03-01T09:00:00Z,yes\n", Options{Schema: testSchema(t)}, `line 2: properties.vip: want true or false, got "yes"`},
		{"number", "id,channel,status,created_at,properties.score\nc1,chat,open,2025-03-01T09:00:00Z,1_000\n", Options{Schema: testSchema(t)}, `line 2: properties.score: want a number, got "1_000"`},
		{"too few fields", header + "c1,chat,open\n", Options{}, `line 2: has 3 fields, want 6 as in the header`},
		{"bare quote", header + "c1,chat,open,2025-03-01T09:00:00Z,1,say \"hi\"\n", Options{}, `line 2: bare quote in an unquoted field at column 41`},
		{"text after a closing quote", header + "c1,chat,open,2025-03-01T09:00:00Z,1,\"hi\"!\n", Options{}, `line 2: invalid character '!' after a closing quote at column 41`},
		{"quote never closed", header + "c1,chat,open,2025-03-01T09:00:00Z,1,\"hi\nthere\n", Options{}, `line 2: quoted field has no closing quote`},
		{"line too long", header + "c1,chat,open,2025-03-01T09:00:00Z,1," + strings.Repeat("x", 100) + "\n", Options{MaxLineBytes: 100}, `line 2: line is longer than 100 bytes (Options.MaxLineBytes)`},
		{"error on a field's own line", header + "c1,chat,open,2025-03-01T09:00:00Z,\"1\n\",x\n", Options{}, `line 2: incoming_messages: want a number, got "1\n"`},
		{"invalid UTF-8", header + "c1,chat,open,2025-03-01T09:00:00Z,1,\xff\n", Options{}, `line 2: subject: invalid UTF-8`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rows, err := read(t, CSV, tc.input, tc.opt)
			if err == nil {
				t.Fatalf("no error, want %s", tc.want)
			}
			if err.Error() != tc.want {
				t.Errorf("got  %s\nwant %s", err, tc.want)
			}
			if rows != nil {
				t.Errorf("rows = %v, want none", rows)
			}
			if !isLineError(err) {
				t.Errorf("%T is not a *LineError", err)
			}
		})
	}
}

// Errors carry their parts for programs: line, field, and for a record
// rule the conversation's ID and position.
func TestLineErrorFields(t *testing.T) {
	input := okLine + "\n\n" + `{"id":"c2","channel":"chat","status":"closed","created_at":"2025-03-01T09:00:00Z"}`
	_, err := read(t, JSONL, input, Options{})
	var le *LineError
	if !errors.As(err, &le) || le.Line != 3 || le.Field != "closed_at" {
		t.Fatalf("err = %#v", err)
	}
	var ve *convreport.ValidationError
	if !errors.As(err, &ve) || ve.ID != "c2" || ve.Index != 1 || ve.Field != "closed_at" {
		t.Fatalf("validation error = %#v", ve)
	}
}

func TestSkipInvalid(t *testing.T) {
	wantErrs := []string{
		`testdata/mixed.jsonl: line 3: unexpected end of JSON`,
		`testdata/mixed.jsonl: line 5: incoming_messages: want a number, got string "three"`,
		`testdata/mixed.jsonl: line 6: conversation "c-1": id: duplicates the conversation on line 1`,
		`testdata/mixed.jsonl: line 8: conversation "c-4": closed_at: is missing but the conversation is closed`,
	}
	rows, err := ReadFile(context.Background(), "testdata/mixed.jsonl", Options{SkipInvalid: true})
	var ids []string
	for _, c := range rows {
		ids = append(ids, c.ID)
	}
	if got := strings.Join(ids, " "); got != "c-1 c-2 c-3" {
		t.Errorf("kept %s, want c-1 c-2 c-3", got)
	}
	if got := errorTexts(err); strings.Join(got, "\n") != strings.Join(wantErrs, "\n") {
		t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(wantErrs, "\n"))
	}

	t.Run("streaming", func(t *testing.T) {
		var got []string
		f := strings.NewReader(mustRead(t, "testdata/mixed.jsonl"))
		for c, err := range ReadJSONL(context.Background(), f, Options{SkipInvalid: true}) {
			if err != nil {
				if c.ID != "" {
					t.Errorf("error %v came with conversation %q", err, c.ID)
				}
				got = append(got, "error")
				continue
			}
			got = append(got, c.ID)
		}
		if s := strings.Join(got, " "); s != "c-1 error c-2 error error c-3 error" {
			t.Errorf("got %s", s)
		}
	})

	t.Run("without it the first error stops", func(t *testing.T) {
		_, err := ReadFile(context.Background(), "testdata/mixed.jsonl", Options{})
		if err == nil || err.Error() != wantErrs[0] {
			t.Errorf("err = %v, want %s", err, wantErrs[0])
		}
	})

	t.Run("CSV", func(t *testing.T) {
		rows, err := read(t, CSV, "id,channel,status,created_at,incoming_messages\n"+
			"a,chat,open,2025-03-01T09:00:00Z,1\n"+
			"b,chat,open,2025-03-01T09:00:00Z,-1\n"+
			"c,chat,open,2025-03-01T09:00:00Z,bad\"quote\n"+
			"d,chat,open\n"+
			"e,chat,open,2025-03-01T09:00:00Z,\"multi\n"+
			"line\"\n"+
			"a,chat,open,2025-03-01T09:00:00Z,1\n"+
			"f,chat,open,2025-03-01T09:00:00Z,2\n", Options{SkipInvalid: true})
		var ids []string
		for _, c := range rows {
			ids = append(ids, c.ID)
		}
		if got := strings.Join(ids, " "); got != "a f" {
			t.Errorf("kept %s, want a f", got)
		}
		want := []string{
			`line 3: incoming_messages: want a whole number ≥ 0 and at most 2^53, got -1`,
			`line 4: bare quote in an unquoted field at column 37`,
			`line 5: has 3 fields, want 5 as in the header`,
			`line 6: incoming_messages: want a number, got "multi\nline"`,
			`line 8: conversation "a": id: duplicates the conversation on line 2`,
		}
		if got := errorTexts(err); strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})

	t.Run("lines too long", func(t *testing.T) {
		long := row("long", `,"subject":"`+strings.Repeat("é", 100_000)+`"`)
		input := okLine + "\n" + long + "\n" + long + "\n" + row("c2", "")
		rows, err := read(t, JSONL, input, Options{SkipInvalid: true, MaxLineBytes: 1000})
		if len(rows) != 2 || rows[1].ID != "c2" {
			t.Errorf("rows = %v", rows)
		}
		want := "line 2: line is longer than 1000 bytes (Options.MaxLineBytes)\nline 3: line is longer than 1000 bytes (Options.MaxLineBytes)"
		if got := strings.Join(errorTexts(err), "\n"); got != want {
			t.Errorf("errors:\n%s\nwant:\n%s", got, want)
		}
	})

	t.Run("CSV line too long inside quotes", func(t *testing.T) {
		input := "id,channel,status,created_at,subject\n" +
			"a,chat,open,2025-03-01T09:00:00Z,\"start\n" +
			strings.Repeat("x", 300) + "\n" +
			"still, inside \"\"quotes\"\"\n" +
			"end\"\n" +
			"b,chat,open,2025-03-01T09:00:00Z,\"" + strings.Repeat("y,\"\"", 100) + "\n" +
			"more\"\n" +
			"c,chat,open,2025-03-01T09:00:00Z,ok\n"
		rows, err := read(t, CSV, input, Options{SkipInvalid: true, MaxLineBytes: 100})
		if len(rows) != 1 || rows[0].ID != "c" {
			t.Errorf("rows = %v, want c alone", rows)
		}
		want := "line 3: line is longer than 100 bytes (Options.MaxLineBytes)\nline 6: line is longer than 100 bytes (Options.MaxLineBytes)"
		if got := strings.Join(errorTexts(err), "\n"); got != want {
			t.Errorf("errors:\n%s\nwant:\n%s", got, want)
		}
	})

	t.Run("a bad header ends the read", func(t *testing.T) {
		rows, err := read(t, CSV, "id,chanel,status,created_at\nc1,chat,open,2025-03-01T09:00:00Z\n", Options{SkipInvalid: true})
		if len(rows) != 0 || err == nil || err.Error() != `line 1: unknown column "chanel" (did you mean "channel"?)` {
			t.Errorf("rows = %v, err = %v", rows, err)
		}
	})
}

func TestIgnoreUnknown(t *testing.T) {
	schema := testSchema(t)
	want := []convreport.Conversation{
		{ID: "c1", Channel: convreport.Chat, Status: convreport.Open, CreatedAt: mustTime(t, "2025-03-01T09:00:00Z"), Inbox: "Sales",
			Properties: map[string]any{"tier": "pro"}},
	}
	t.Run("JSONL", func(t *testing.T) {
		input := `{"id":"c1","legacy":{"a":[1,{"b":null}],"c":"\u00e9"},"channel":"chat","status":"open",` +
			`"created_at":"2025-03-01T09:00:00Z","inbox":"Sales","wait_time":3,` +
			`"properties":{"colour":["red"],"tier":"pro"}}`
		got, err := read(t, JSONL, input, Options{Schema: schema, IgnoreUnknown: true})
		if err != nil {
			t.Fatal(err)
		}
		requireSame(t, want, got)
	})
	t.Run("CSV", func(t *testing.T) {
		input := "id,legacy,channel,status,created_at,inbox,properties.colour,tier,properties.tier\n" +
			"c1,\"x,y\",chat,open,2025-03-01T09:00:00Z,Sales,red,free,pro\n"
		got, err := read(t, CSV, input, Options{Schema: schema, IgnoreUnknown: true})
		if err != nil {
			t.Fatal(err)
		}
		requireSame(t, want, got)
	})
}

func TestFormatOf(t *testing.T) {
	for path, want := range map[string]Format{
		"a.jsonl": JSONL, "dir/b.NDJSON": JSONL, "c.json": JSONL, "d.CSV": CSV,
	} {
		if got, err := FormatOf(path); err != nil || got != want {
			t.Errorf("FormatOf(%q) = %q, %v; want %q", path, got, err, want)
		}
	}
	for _, path := range []string{"-", "data.txt", "data.jsonl.gz", "noext"} {
		if _, err := FormatOf(path); err == nil {
			t.Errorf("FormatOf(%q): no error", path)
		}
	}
	_, err := FormatOf("data.txt")
	if want := `ingest: data.txt: cannot tell the format from the extension (want .jsonl, .ndjson, .json or .csv)`; err.Error() != want {
		t.Errorf("err = %v", err)
	}
	if _, err := ReadAll(context.Background(), strings.NewReader(""), "xml", Options{}); err == nil || err.Error() != `ingest: unknown format "xml" (want "jsonl" or "csv")` {
		t.Errorf("ReadAll with a bad format: %v", err)
	}
}

func TestEmptyInput(t *testing.T) {
	for _, tc := range []struct {
		format Format
		input  string
	}{
		{JSONL, ""}, {JSONL, "\n \r\n\t\n"}, {JSONL, "\ufeff\n"},
		{CSV, ""}, {CSV, "id,channel,status,created_at\n"}, {CSV, "id,channel,status,created_at\n\n\r\n"},
	} {
		rows, err := read(t, tc.format, tc.input, Options{})
		if err != nil || len(rows) != 0 {
			t.Errorf("%s %q: rows %v, err %v", tc.format, tc.input, rows, err)
		}
	}
}

func TestReadFailure(t *testing.T) {
	boom := errors.New("boom")
	for _, format := range []Format{JSONL, CSV} {
		input := okLine + "\n"
		if format == CSV {
			input = "id,channel,status,created_at\nc1,chat,open,2025-03-01T09:00:00Z\n"
		}
		rows, err := ReadAll(context.Background(), &failingReader{data: input, err: boom}, format, Options{SkipInvalid: true})
		if !errors.Is(err, boom) || len(rows) != 1 {
			t.Errorf("%s: rows %d, err %v; want 1 row and boom", format, len(rows), err)
		}
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
