package convreport_test

import (
	"encoding/json"
	"testing"

	"github.com/convreport/convreport"
	"github.com/stretchr/testify/require"
)

func TestSchemaFile(t *testing.T) {
	in := `{"properties": [
		{"name": "plan", "kind": "enum", "values": ["free", "pro"]},
		{"name": "order_total", "kind": "number", "label": "Order total"},
		{"name": "renews", "kind": "time"}]}`
	s, err := convreport.ParseSchema([]byte(in))
	require.NoError(t, err)
	p, ok := s.Lookup("plan")
	require.True(t, ok)
	require.Equal(t, convreport.Property{Name: "plan", Key: "plan", Label: "plan", Kind: convreport.KindEnum, Values: []string{"free", "pro"}, Custom: true}, p)
	p, _ = s.Lookup("order_total")
	require.Equal(t, "Order total", p.Label)
	out, err := json.Marshal(s)
	require.NoError(t, err)
	require.JSONEq(t, in, string(out))

	bad := []struct{ json, field string }{
		{`{"properties": [{"name": "plan", "kind": "text"}]}`, "properties[0].kind"},
		{`{"properties": [{"name": "plan", "kind": "string"}, {"name": "plan", "kind": "number"}]}`, "properties[1].name"},
		{`{"properties": [{"name": "Assignee", "kind": "string"}]}`, "properties[0].name"},
		{`{"properties": [{"name": "9lives", "kind": "string"}]}`, "properties[0].name"},
		{`{"properties": [{"name": "tier", "kind": "string", "values": ["a"]}]}`, "properties[0].values"},
		{`{"properties": [{"name": "tier", "kind": "enum"}]}`, "properties[0].values"},
		{`{"properties": {"name": "tier"}}`, "properties"},
		{`{"props": []}`, ""},
		{`{"Properties": []}`, "Properties"},
		{`{"properties": [{"name": "plan", "kind": "string", "name": "tier"}]}`, "properties[0].name"},
		{`{"properties": [{"name": "plan", "kind": "string", "key": "tier"}]}`, "properties[0].key"},
		{`{"properties": [{"name": "plan", "kind": "string", "custom": false}]}`, "properties[0].custom"},
		{`{"properties": [{"name": "plan", "kind": "string", "derived": true}]}`, "properties[0].derived"},
		{`{"properties": [{"name": "plan", "kind": "string", "Key": "plan", "key": "plan"}]}`, "properties[0].Key"},
		{`[{"name": "plan", "kind": "string"}, {"name": "tier", "kind": "integer"}]`, "[1].kind"},
		{`[{"name": "plan", "kind": "string", "custom": "yes"}]`, "[0].custom"},
	}
	for _, c := range bad {
		_, err := convreport.ParseSchema([]byte(c.json))
		var se *convreport.SchemaFileError
		require.ErrorAs(t, err, &se, c.json)
		require.Equal(t, c.field, se.Field, "%s: %v", c.json, err)
	}
}

// The properties as json.Marshal writes a []Property, alone or under
// "properties", read back as the same properties; key, custom and derived
// as a custom property has them are accepted.
func TestSchemaFileReadsMarshalledProperties(t *testing.T) {
	s, err := convreport.NewSchema(
		convreport.Property{Name: "note", Kind: convreport.KindString},
		convreport.Property{Name: "seats", Kind: convreport.KindNumber, Label: "Seats"},
		convreport.Property{Name: "vip", Kind: convreport.KindBool},
		convreport.Property{Name: "renews", Kind: convreport.KindTime},
		convreport.Property{Name: "wait", Kind: convreport.KindDuration},
		convreport.Property{Name: "plan", Kind: convreport.KindEnum, Values: []string{"free", "pro"}})
	require.NoError(t, err)
	alone, err := json.Marshal(s.Custom())
	require.NoError(t, err)
	under, err := json.Marshal(map[string]any{"properties": s.Custom()})
	require.NoError(t, err)
	for _, b := range [][]byte{alone, under, []byte(`{"properties": [{"name": "note", "kind": "string", "key": "note", "custom": true, "derived": false},
		{"name": "seats", "kind": "number", "label": "Seats"}, {"name": "vip", "kind": "bool"}, {"name": "renews", "kind": "time"},
		{"name": "wait", "kind": "duration"}, {"name": "plan", "kind": "enum", "values": ["free", "pro"]}]}`)} {
		got, err := convreport.ParseSchema(b)
		require.NoError(t, err, string(b))
		require.Equal(t, s.Custom(), got.Custom(), string(b))
	}
}

// A custom property may not take a key the result outputs write beside
// a point's dimensions, in any case: its values would be lost there.
func TestCustomPropertyNamedAsAnOutputKey(t *testing.T) {
	for _, name := range []string{"bucket", "Bucket", "value", "count", "other", "report", "previous_count"} {
		_, err := convreport.NewSchema(convreport.Property{Name: name, Kind: convreport.KindString})
		require.ErrorContains(t, err, "name is a key of every result's JSON and CSV", name)
	}
	_, err := convreport.NewSchema(convreport.Property{Name: "deal_value", Kind: convreport.KindNumber})
	require.NoError(t, err)
}
