package strictjson

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestFindPlacesAFieldByItsPath(t *testing.T) {
	// Each place below was counted by hand in this document.
	doc := "{\n" + // line 1
		"  \"calendars\": [\n" + // 2
		"    {\"name\": \"a\", \"week\": {\"monday\": [{\"start\": \"09:00\"}, {\"start\": \"9h\"}]}},\n" + // 3
		"    {\"name\": \"é\", \"zone\": \"UTC\", \"close\": {}}\n" + // 4
		"  ],\n" + // 5
		"  \"inboxes\": {\"US support\": \"a\", \"a.b\": 1, \"a\": {\"b\": 2}},\n" + // 6
		"  \"twice\": 1, \"twice\": 2\n" + // 7
		"}\n"
	for _, c := range []struct {
		field     string
		line, col int
	}{
		{"calendars", 2, 3},
		{"calendars[0]", 3, 5},
		{"calendars[0].week.monday[1].start", 3, 60},
		{"calendars[0].week.monday[1]", 3, 59},
		{"calendars[1].zone", 4, 19},         // after a two-byte character
		{"calendars[1].close.within", 4, 34}, // missing: the key of the object lacking it
		{"calendars[2].name", 2, 3},          // no such element: the array
		{`inboxes["US support"]`, 6, 15},
		{"inboxes.US support", 6, 15},
		{"inboxes.a.b", 6, 34},   // the key "a.b", not "b" in "a"
		{"inboxes.a.b.c", 6, 34}, // nothing deeper in a number
		{"twice", 7, 15},         // the last, which encoding/json keeps
		{"nope", 0, 0},
		{"", 0, 0},
	} {
		line, col := Find([]byte(doc), c.field)
		require.Equal(t, []int{c.line, c.col}, []int{line, col}, c.field)
	}
	line, col := Find([]byte(`{"a": [1, `), "a[1]")
	require.Equal(t, []int{1, 2}, []int{line, col}, "cut short before the element: the key holding it")
	line, col = Find([]byte(`{"a": [1, 2`), "a[1]")
	require.Equal(t, []int{1, 11}, []int{line, col}, "the part before the cut is found")
}

func TestLocatePlacesTheValue(t *testing.T) {
	in := "{\"reports\": [\n  {\"id\": \"a\"},\n  {\"id\": \"b\", \"measure\": {\"p\": \"90\"}}\n]}"
	dec := json.NewDecoder(bytes.NewReader([]byte(in)))
	var d dashboard
	err := Locate([]byte(in), &d, dec.Decode(&d))
	var se *Error
	require.ErrorAs(t, err, &se)
	require.Equal(t, "reports[1].measure.p", se.Field())
	require.Equal(t, []int{3, 27}, []int{se.Line, se.Column})
}
