package web_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/convreport/convreport"
	"github.com/stretchr/testify/require"
)

// uiSchema is what the editor shows: the operator and property labels of
// GET api/schema.
type uiSchema struct {
	Properties []convreport.Property `json:"properties"`
	Operators  []struct {
		Op     string            `json:"op"`
		Label  string            `json:"label"`
		Kinds  []convreport.Kind `json:"kinds"`
		Values int               `json:"values"`
	} `json:"operators"`
}

var kindWords = map[convreport.Kind]string{
	convreport.KindString: "a string", convreport.KindEnum: "a string", convreport.KindNumber: "a number",
	convreport.KindBool: "a bool", convreport.KindTime: "a time", convreport.KindDuration: "a duration",
}

// internalName matches an operator or property name as the SDK spells it:
// snake_case operators, CamelCase properties.
var internalName = regexp.MustCompile(`\b[a-z]+(_[a-z]+)+\b|\b[A-Z][a-z]+[A-Z][A-Za-z]*\b`)

// TestConditionErrorsSpeakTheEditorsLanguage sends, for every operator,
// a condition on a property of each kind it does not apply to, and one
// with the wrong number of values, to the validation the editor calls as
// one types and to the update it saves with. Every message must name the
// operator and the property by the labels the editor shows, and no
// internal name.
func TestConditionErrorsSpeakTheEditorsLanguage(t *testing.T) {
	f := newFixture(t)
	var s uiSchema
	okJSON(t, f.get("/api/schema", "ana"), http.StatusOK, &s)
	byKind := map[convreport.Kind]convreport.Property{}
	for _, p := range s.Properties {
		if _, ok := byKind[p.Kind]; !ok && !p.Custom {
			byKind[p.Kind] = p
		}
	}
	type bad struct {
		cond convreport.Condition
		want []string // in the message, in this order
	}
	var cases []bad
	for _, op := range s.Operators {
		for _, k := range []convreport.Kind{convreport.KindString, convreport.KindNumber, convreport.KindTime, convreport.KindDuration, convreport.KindBool} {
			p, ok := byKind[k]
			if !ok || len(op.Kinds) == 0 || slices.Contains(op.Kinds, k) {
				continue
			}
			cases = append(cases, bad{
				cond: convreport.Condition{Property: p.Name, Op: convreport.Op(op.Op), Values: []string{"1", "2"}[:max(op.Values, 1)]},
				want: []string{p.Label, op.Label, `"` + op.Label + `" does not apply to ` + p.Label + ", which is " + kindWords[k]}})
		}
		// The wrong number of values, on a property it applies to.
		k := convreport.KindTime
		if len(op.Kinds) > 0 {
			k = op.Kinds[0]
		}
		p := byKind[k]
		n := 3
		if op.Values == -1 {
			n = 0
		}
		cases = append(cases, bad{
			cond: convreport.Condition{Property: p.Name, Op: convreport.Op(op.Op), Values: []string{"1", "2", "3"}[:n]},
			want: []string{p.Label, op.Label}})
	}
	require.Greater(t, len(cases), 20)
	label := func(name string) string {
		for _, p := range s.Properties {
			if p.Name == name {
				return p.Label
			}
		}
		t.Fatalf("no property %s", name)
		return ""
	}
	// Siblings: a bad value, an empty string, an unknown operator.
	cases = append(cases,
		bad{cond: convreport.Condition{Property: "FirstResponseTime", Op: convreport.GreaterThan, Values: []string{"soon"}},
			want: []string{label("FirstResponseTime"), "is greater than", `"soon"`}},
		bad{cond: convreport.Condition{Property: "Subject", Op: convreport.Contains, Values: []string{""}},
			want: []string{"Subject", "contains", `"is unknown"`}},
		bad{cond: convreport.Condition{Property: "Inbox", Op: "frob"},
			want: []string{"Inbox", `unknown operator "frob"`, "is any of, is none of"}},
	)

	for _, c := range cases {
		cond, err := json.Marshal(c.cond)
		require.NoError(t, err)
		var v struct {
			Valid bool      `json:"valid"`
			Error *apiError `json:"error"`
		}
		// Second in the list: the message numbers filters from 1, as
		// the editor shows them.
		okJSON(t, f.do(req{method: http.MethodPost, path: "/api/filters/validate", user: "ana",
			body: `{"conditions": [{"property": "Inbox", "op": "is_known"}, ` + string(cond) + `]}`}), http.StatusOK, &v)
		require.False(t, v.Valid, "%s", cond)
		require.Equal(t, "invalid_condition", v.Error.Code)
		require.Equal(t, 1, *v.Error.Index)
		update := failure(t, f.edit(http.MethodPatch, "/api/dashboards/chat/reports/conversations-by-rep", "ana",
			`{"version": 1, "conditions": [{"property": "Inbox", "op": "is_known"}, `+string(cond)+`]}`),
			http.StatusUnprocessableEntity, "invalid_condition")
		for _, msg := range []string{v.Error.Message, update.Message} {
			require.True(t, strings.HasPrefix(msg, `filter 2, `) || strings.HasPrefix(msg, `report "Conversations by rep": filter 2, `), "%s: %s", cond, msg)
			rest := msg
			for _, w := range c.want {
				i := strings.Index(rest, w)
				require.GreaterOrEqual(t, i, 0, "%s: %q is not in %q (in order)", cond, w, msg)
				rest = rest[i+len(w):]
			}
			require.Empty(t, internalName.FindAllString(msg, -1), "%s: internal names in %q", cond, msg)
			require.NotContains(t, msg, "#", msg)
		}
	}
}

// TestSeveralConditionErrors: each bad condition is named, in order.
func TestSeveralConditionErrors(t *testing.T) {
	f := newFixture(t)
	var v struct {
		Error *apiError `json:"error"`
	}
	okJSON(t, f.do(req{method: http.MethodPost, path: "/api/filters/validate", user: "ana",
		body: `{"conditions": [{"property": "Inbox", "op": "greater_than", "values": ["3"]}, {"property": "Inbox", "op": "is_known"}, {"property": "Channel", "op": "is_any_of", "values": ["fax"]}]}`}),
		http.StatusOK, &v)
	require.Equal(t, `filter 1, Inbox is greater than: "is greater than" does not apply to Inbox, which is a string; `+
		`filter 3, Channel is any of "fax": not a value of Channel (want one of "chat", "email", "form", "messenger", "whatsapp", "phone", "other")`, v.Error.Message)
	require.Equal(t, 0, *v.Error.Index)
}
