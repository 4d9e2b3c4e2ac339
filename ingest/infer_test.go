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
