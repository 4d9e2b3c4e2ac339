package ingest_test

import (
	"context"
	"strings"
	"testing"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/ingest"
	"github.com/stretchr/testify/require"
)

func kinds(s *convreport.Schema) map[string]convreport.Kind {
	out := map[string]convreport.Kind{}
	for _, p := range s.Custom() {
		out[p.Name] = p.Kind
	}
	return out
}

func TestInferSchema(t *testing.T) {
	ctx := context.Background()
	jsonl := `{"id": "a", "channel": "chat", "status": "open", "created_at": "2025-06-02T10:00:00Z", "properties": {"plan": "pro", "seats": 12, "trial": false, "renews": "2026-01-01T00:00:00Z", "note": null}}
{"id": "b", "channel": "chat", "status": "open", "created_at": "2025-06-02T11:00:00Z", "properties": {"plan": "2026-01-01T00:00:00Z", "seats": 1.5, "trial": true}}

{"id": "c", "channel": "chat", "status": "open", "created_at": "2025-06-02T12:00:00Z"}
`
	s, err := ingest.InferSchema(ctx, strings.NewReader(jsonl), ingest.JSONL, ingest.Options{})
	require.NoError(t, err)
	require.Equal(t, map[string]convreport.Kind{"plan": convreport.KindString, "seats": convreport.KindNumber, "trial": convreport.KindBool,
		"renews": convreport.KindTime, "note": convreport.KindString}, kinds(s))
	// The schema it inferred reads the data.
	cs, err := ingest.ReadAll(ctx, strings.NewReader(jsonl), ingest.JSONL, ingest.Options{Schema: s})
	require.NoError(t, err)
	require.Len(t, cs, 3)
	require.Equal(t, 1.5, cs[1].Properties["seats"])

	csv := "id,channel,status,created_at,properties.plan,properties.seats,properties.trial,properties.renews\n" +
		"a,chat,open,2025-06-02T10:00:00Z,pro,12,false,2026-01-01T00:00:00Z\n" +
		"b,chat,open,2025-06-02T11:00:00Z,7,1.5,TRUE,\n" +
		"c,chat,open,2025-06-02T12:00:00Z,,,,\n"
	s, err = ingest.InferSchema(ctx, strings.NewReader(csv), ingest.CSV, ingest.Options{})
	require.NoError(t, err)
	// CSV is text: a key of numbers and words is a string.
	require.Equal(t, map[string]convreport.Kind{"plan": convreport.KindString, "seats": convreport.KindNumber, "trial": convreport.KindBool,
		"renews": convreport.KindTime}, kinds(s))
	cs, err = ingest.ReadAll(ctx, strings.NewReader(csv), ingest.CSV, ingest.Options{Schema: s})
	require.NoError(t, err)
	require.Equal(t, "7", cs[1].Properties["plan"])

	// Objects are no custom values; mixed JSON types name the lines.
	_, err = ingest.InferSchema(ctx, strings.NewReader(`{"properties": {"x": {"a": 1}}}`), ingest.JSONL, ingest.Options{File: "in.jsonl"})
	require.EqualError(t, err, "in.jsonl: line 1: properties.x: want a string, number, boolean or null: custom properties hold no objects or arrays")
	_, err = ingest.InferSchema(ctx, strings.NewReader("{\"properties\": {\"x\": true}}\n{\"properties\": {\"x\": 1}}\n"), ingest.JSONL, ingest.Options{})
	var le *ingest.LineError
	require.ErrorAs(t, err, &le)
	require.Equal(t, 2, le.Line)
	require.Equal(t, "properties.x", le.Field)
	// A key that is no identifier is the schema's error.
	_, err = ingest.InferSchema(ctx, strings.NewReader(`{"properties": {"order total": 3}}`), ingest.JSONL, ingest.Options{})
	require.ErrorContains(t, err, `name "order total" is not an identifier`)
}

// InferSchema splits and parses its input as ReadAll does: what the read
// takes, inference takes, and a bad line gets the read's error.
func TestInferSchemaReadsAsReadAll(t *testing.T) {
	ctx := context.Background()
	seats := map[string]convreport.Kind{"seats": convreport.KindNumber}
	line := `{"id": "c1", "created_at": "2025-06-02T10:00:00Z", "properties": {"seats": 3}}` + "\n"

	// A byte order mark before the first line.
	s, err := ingest.InferSchema(ctx, strings.NewReader("\ufeff"+line), ingest.JSONL, ingest.Options{})
	require.NoError(t, err)
	require.Equal(t, seats, kinds(s))

	// CSV as Excel writes it: a byte order mark, quoted names, CRLF.
	csv := "\ufeff\"id\",\"channel\",\"assignee\",\"created_at\",\"properties.seats\"\r\n" +
		"\"c1\",\"chat\",\"Ann\",\"2025-06-02T10:00:00Z\",\"12\"\r\n"
	s, err = ingest.InferSchema(ctx, strings.NewReader(csv), ingest.CSV, ingest.Options{})
	require.NoError(t, err)
	require.Equal(t, seats, kinds(s))
	_, err = ingest.ReadAll(ctx, strings.NewReader(csv), ingest.CSV, ingest.Options{Schema: s})
	require.NoError(t, err)
}

func TestInferSchemaSkipInvalid(t *testing.T) {
	ctx := context.Background()
	in := `{"id": "a", "created_at": "2025-06-02T10:00:00Z", "properties": {"seats": 3}}` + "\n" +
		`{"id": "b", "properties": {"seats": }` + "\n" +
		`{"id": "c", "created_at": "2025-06-02T11:00:00Z", "properties": {"plan": "pro", "seats": 4}}` + "\n"
	const bad = "in.jsonl: line 2: invalid character '}' at column 37"

	// Without SkipInvalid, the bad line stops inference, as it stops the
	// read.
	_, err := ingest.InferSchema(ctx, strings.NewReader(in), ingest.JSONL, ingest.Options{File: "in.jsonl"})
	require.EqualError(t, err, bad)

	// With it, the schema of the other lines, and the line's error.
	s, err := ingest.InferSchema(ctx, strings.NewReader(in), ingest.JSONL, ingest.Options{File: "in.jsonl", SkipInvalid: true})
	require.EqualError(t, err, bad)
	var le *ingest.LineError
	require.ErrorAs(t, err, &le)
	require.Equal(t, 2, le.Line)
	require.NotNil(t, s)
	require.Equal(t, map[string]convreport.Kind{"seats": convreport.KindNumber, "plan": convreport.KindString}, kinds(s))
	cs, err := ingest.ReadAll(ctx, strings.NewReader(in), ingest.JSONL, ingest.Options{File: "in.jsonl", SkipInvalid: true, Schema: s})
	require.EqualError(t, err, bad)
	require.Len(t, cs, 2)

	// A conversation the read skips, for breaking a record rule (a close
	// before the creation), types nothing: its "seats" is no string.
	in2 := in + `{"id": "d", "created_at": "2025-06-02T12:00:00Z", "closed_at": "2025-06-02T09:00:00Z", "properties": {"seats": "many"}}` + "\n"
	s, err = ingest.InferSchema(ctx, strings.NewReader(in2), ingest.JSONL, ingest.Options{SkipInvalid: true})
	require.EqualError(t, err, "line 2: invalid character '}' at column 37\n"+
		`line 4: conversation "d": closed_at: 2025-06-02T09:00:00Z is before created_at 2025-06-02T12:00:00Z`)
	require.Equal(t, map[string]convreport.Kind{"seats": convreport.KindNumber, "plan": convreport.KindString}, kinds(s))

	// A CSV record the read skips, too: here one with a field too many.
	csv := "id,created_at,properties.seats\n" +
		"a,2025-06-02T10:00:00Z,3\n" +
		"b,2025-06-02T11:00:00Z,many,x\n"
	s, err = ingest.InferSchema(ctx, strings.NewReader(csv), ingest.CSV, ingest.Options{SkipInvalid: true})
	require.EqualError(t, err, "line 3: has 4 fields, want 3 as in the header")
	require.Equal(t, map[string]convreport.Kind{"seats": convreport.KindNumber}, kinds(s))
}

func TestInferSchemaLongLine(t *testing.T) {
	ctx := context.Background()
	long := `{"id": "b", "created_at": "2025-06-02T11:00:00Z", "properties": {"seats": "` + strings.Repeat("x", 100) + `"}}`
	in := `{"id": "a", "created_at": "2025-06-02T10:00:00Z", "properties": {"seats": 3}}` + "\n" + long + "\n"
	opt := ingest.Options{File: "long.jsonl", MaxLineBytes: 100}
	const want = "long.jsonl: line 2: line is longer than 100 bytes (Options.MaxLineBytes)"

	_, err := ingest.InferSchema(ctx, strings.NewReader(in), ingest.JSONL, opt)
	require.EqualError(t, err, want)
	var le *ingest.LineError
	require.ErrorAs(t, err, &le)

	// The default limit too.
	huge := `{"id": "b", "properties": {"note": "` + strings.Repeat("x", 1<<20) + `"}}`
	_, err = ingest.InferSchema(ctx, strings.NewReader(in+huge+"\n"), ingest.JSONL, ingest.Options{File: "long.jsonl"})
	require.EqualError(t, err, "long.jsonl: line 3: line is longer than 1048576 bytes (Options.MaxLineBytes)")

	opt.SkipInvalid = true
	s, err := ingest.InferSchema(ctx, strings.NewReader(in), ingest.JSONL, opt)
	require.EqualError(t, err, want)
	require.Equal(t, map[string]convreport.Kind{"seats": convreport.KindNumber}, kinds(s))

	// In CSV, the long record is skipped to its end, a quoted line break
	// included.
	csv := "id,created_at,properties.seats\n" +
		"a,2025-06-02T10:00:00Z,3\n" +
		"b,2025-06-02T11:00:00Z,\"" + strings.Repeat("x", 100) + "\n" + "more\"\n" +
		"c,2025-06-02T12:00:00Z,4\n"
	opt.File = "long.csv"
	s, err = ingest.InferSchema(ctx, strings.NewReader(csv), ingest.CSV, opt)
	require.EqualError(t, err, "long.csv: line 3: line is longer than 100 bytes (Options.MaxLineBytes)")
	require.Equal(t, map[string]convreport.Kind{"seats": convreport.KindNumber}, kinds(s))
}

// A time is what a time property reads: a time out of the supported range,
// or written with a comma, is a string, and a lower-case "t" and "z" are
// a time.
func TestInferSchemaTimes(t *testing.T) {
	ctx := context.Background()
	in := `{"id": "a", "created_at": "2025-06-02T10:00:00Z", "properties": {"old": "1500-01-01T00:00:00Z", "comma": "2025-06-02T10:00:00,5Z", "lower": "2025-06-02t10:00:00z"}}` + "\n"
	want := map[string]convreport.Kind{"old": convreport.KindString, "comma": convreport.KindString, "lower": convreport.KindTime}
	s, err := ingest.InferSchema(ctx, strings.NewReader(in), ingest.JSONL, ingest.Options{})
	require.NoError(t, err)
	require.Equal(t, want, kinds(s))
	_, err = ingest.ReadAll(ctx, strings.NewReader(in), ingest.JSONL, ingest.Options{Schema: s})
	require.NoError(t, err)

	csv := "id,created_at,properties.old,properties.comma,properties.lower\n" +
		"a,2025-06-02T10:00:00Z,1500-01-01T00:00:00Z,\"2025-06-02T10:00:00,5Z\",2025-06-02t10:00:00z\n"
	s, err = ingest.InferSchema(ctx, strings.NewReader(csv), ingest.CSV, ingest.Options{})
	require.NoError(t, err)
	require.Equal(t, want, kinds(s))
	_, err = ingest.ReadAll(ctx, strings.NewReader(csv), ingest.CSV, ingest.Options{Schema: s})
	require.NoError(t, err)
}

// Under SkipInvalid, a key of mixed JSON types takes the kind that reads
// the most lines, and the read with that schema skips the others, each
// reported with its line.
func TestInferSchemaSkipInvalidMixedTypes(t *testing.T) {
	ctx := context.Background()
	line := func(id, seats, plan string) string {
		return `{"id": "` + id + `", "created_at": "2025-06-02T10:00:00Z", "properties": {"seats": ` + seats + `, "plan": ` + plan + `}}` + "\n"
	}
	in := line("a", "3", `"pro"`) +
		line("b", `"many"`, `"2026-01-01T00:00:00Z"`) +
		line("c", "4", `7`) +
		line("d", "5", `"free"`) +
		line("e", "true", `8`)
	opt := ingest.Options{File: "in.jsonl", SkipInvalid: true}
	s, err := ingest.InferSchema(ctx, strings.NewReader(in), ingest.JSONL, opt)
	require.NoError(t, err)
	// seats: three numbers, a string, a boolean; plan: a string, a time
	// and another string (three lines a string reads) against two numbers.
	require.Equal(t, map[string]convreport.Kind{"seats": convreport.KindNumber, "plan": convreport.KindString}, kinds(s))
	opt.Schema = s
	cs, err := ingest.ReadAll(ctx, strings.NewReader(in), ingest.JSONL, opt)
	var ids []string
	for _, c := range cs {
		ids = append(ids, c.ID)
	}
	require.Equal(t, []string{"a", "d"}, ids)
	var lines []int
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		var le *ingest.LineError
		require.ErrorAs(t, e, &le)
		lines = append(lines, le.Line)
	}
	require.Equal(t, []int{2, 3, 5}, lines)

	// A tie goes to the kind seen first.
	tie := line("a", "true", `"x"`) + line("b", "3", `"y"`)
	s, err = ingest.InferSchema(ctx, strings.NewReader(tie), ingest.JSONL, ingest.Options{SkipInvalid: true})
	require.NoError(t, err)
	require.Equal(t, convreport.KindBool, kinds(s)["seats"])
	// Without SkipInvalid, the mix stops inference.
	_, err = ingest.InferSchema(ctx, strings.NewReader(tie), ingest.JSONL, ingest.Options{})
	require.ErrorContains(t, err, "a boolean on line 1, a number on line 2")
}
