package strictjson

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

type hours struct {
	Start string `json:"start"`
	End   string `json:"end"`
}

type doc struct {
	Zone    string             `json:"zone"`
	Week    map[string][]hours `json:"week"`
	Special []struct {
		Date  string  `json:"date"`
		Hours []hours `json:"hours"`
	} `json:"special"`
	Raw    json.RawMessage `json:"raw"`
	Within time.Duration   `json:"within"`
	At     *time.Time      `json:"at"`
	Any    any             `json:"any"`
	Plain  int
	Skip   int `json:"-"`
}

func TestCheck(t *testing.T) {
	for _, c := range []struct {
		in, field, reason string
	}{
		{`{"zone":"UTC","week":{"monday":[{"start":"09:00","end":"17:00"}]},"special":[{"date":"2025-01-01","hours":[]}],"raw":{"x":1},"within":5,"at":"2025-01-01T00:00:00Z","any":{"a":[1,{"b":2}]},"Plain":1}`, "", ""},
		{`{"Zone":"UTC"}`, "Zone", `keys are case-sensitive: want "zone"`},
		{`{"zone":"UTC","zone":"Europe/Paris"}`, "zone", "the key appears twice in one object; give it once"},
		{`{"week":{"monday":[{"start":"09:00","START":"10:00"}]}}`, "week.monday[0].START", `keys are case-sensitive: want "start"`},
		{`{"week":{"monday":[],"monday":[]}}`, "week.monday", "the key appears twice in one object; give it once"},
		{`{"special":[{},{"date":"a","Date":"b"}]}`, "special[1].Date", `keys are case-sensitive: want "date"`},
		// Map keys and what decodes itself keep their case; repeats are still found.
		{`{"week":{"Monday":[]}}`, "", ""},
		{`{"raw":{"X":1,"x":2}}`, "", ""},
		{`{"raw":{"x":1,"x":2}}`, "raw.x", "the key appears twice in one object; give it once"},
		{`{"any":[{"k":1,"k":2}]}`, "any[0].k", "the key appears twice in one object; give it once"},
		{`{"plain":1}`, "plain", `keys are case-sensitive: want "Plain"`},
		{`{"skip":1}`, "", ""},
	} {
		err := Check([]byte(c.in), &doc{})
		if c.field == "" {
			require.NoError(t, err, c.in)
			continue
		}
		var se *Error
		require.ErrorAs(t, err, &se, c.in)
		require.Equal(t, c.field, se.Field(), c.in)
		require.Equal(t, c.reason, se.Reason, c.in)
		require.Equal(t, c.field+": "+c.reason, se.Error())
	}
}

// Decode refuses an unknown key as encoding/json does, and what Check
// refuses too.
func TestDecode(t *testing.T) {
	var d doc
	require.NoError(t, Decode([]byte(`{"zone":"UTC"}`), &d))
	require.Equal(t, "UTC", d.Zone)
	require.EqualError(t, Decode([]byte(`{"zone":"UTC","zones":1}`), &doc{}), `json: unknown field "zones"`)
	var se *Error
	require.ErrorAs(t, Decode([]byte(`{"zone":"UTC","zone":"Europe/Paris"}`), &doc{}), &se)
	require.Equal(t, "zone", se.Field())
}

// DecodeKnown refuses a key no field has, naming it where it sits with
// the keys there are, beside what Check refuses; each placed by line and
// column (in characters) of the key's opening quote.
func TestDecodeKnown(t *testing.T) {
	var d doc
	require.NoError(t, DecodeKnown([]byte(`{"zone":"UTC","week":{"Monday":[]},"raw":{"anything":1},"any":{"k":1}}`), &d))
	require.Equal(t, "UTC", d.Zone)
	for _, c := range []struct {
		in, field, reason string
		line, col         int
	}{
		{`{"zone":"UTC","zones":1}`, "zones", "unknown key (want zone, week, special, raw, within, at, any, Plain)", 1, 15},
		{"{\n  \"zone\": \"UTC\",\n  \"special\": [{\"date\": \"x\"},\n    {\"dat\": \"y\"}]}", "special[1].dat", "unknown key (want date, hours)", 4, 6},
		{`{"skip":1}`, "skip", "unknown key (want zone, week, special, raw, within, at, any, Plain)", 1, 2},
		// The column counts characters, and a quote a backslash escapes
		// is inside the key.
		{`{"zone":"é","a\"b":1}`, `a"b`, "unknown key (want zone, week, special, raw, within, at, any, Plain)", 1, 13},
		{`{"zone":"UTC","Zone":"x"}`, "Zone", `keys are case-sensitive: want "zone"`, 1, 15},
		{"{\"zone\":\"UTC\",\n\"zone\":\"x\"}", "zone", "the key appears twice in one object; give it once", 2, 1},
	} {
		err := DecodeKnown([]byte(c.in), &doc{})
		var se *Error
		require.ErrorAs(t, err, &se, c.in)
		require.Equal(t, c.field, se.Field(), c.in)
		require.Equal(t, c.reason, se.Reason, c.in)
		require.Equal(t, []int{c.line, c.col}, []int{se.Line, se.Column}, c.in)
	}
	// What json.Unmarshal refuses comes first, as it says it.
	require.EqualError(t, DecodeKnown([]byte(`{"zone":1,"zones":1}`), &doc{}), "json: cannot unmarshal number into Go struct field doc.zone of type string")
	require.Error(t, DecodeKnown([]byte(`{"zone":"UTC"} {}`), &doc{}))
}
