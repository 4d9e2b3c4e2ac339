package strictjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
)

// The places were counted by hand; a json.Decoder's errors are placed as
// json.Unmarshal's are.
func TestSyntaxPlacesTheFault(t *testing.T) {
	for _, c := range []struct {
		name, in  string
		line, col int
	}{
		{"missing comma", "{\n  \"id\": \"x\"\n  \"name\": \"X\"\n}", 3, 3},
		{"trailing comma", "{\n  \"reports\": [1, 2,],\n}", 2, 20},
		{"trailing comma in an object", "{\n  \"id\": \"x\",\n}\n", 3, 1},
		{"cut short", "{\n  \"id\": \"x\",\n  \"repo", 3, 8},
		{"cut short, then blank lines", "{\"id\": \"x\",\n\n\n", 1, 12},
		{"after a wide character", "{\"name\": \"Café\" \"id\": 1}", 1, 17},
		{"garbage after the value", "{}\n}", 2, 1},
		{"empty", "", 1, 1},
	} {
		var v any
		err := json.Unmarshal([]byte(c.in), &v)
		require.Error(t, err, c.name)
		line, col, ok := Syntax([]byte(c.in), err)
		require.True(t, ok, c.name)
		require.Equal(t, []int{c.line, c.col}, []int{line, col}, "%s: %v", c.name, err)

		if c.name == "garbage after the value" || c.name == "empty" {
			continue // a decoder reads one value, and sees io.EOF in none
		}
		err = json.NewDecoder(bytes.NewReader([]byte(c.in))).Decode(&v)
		line, col, ok = Syntax([]byte(c.in), err)
		require.True(t, ok, "%s: %v", c.name, err)
		require.Equal(t, []int{c.line, c.col}, []int{line, col}, "%s, decoder: %v", c.name, err)
	}
	_, _, ok := Syntax([]byte(`{"a": "b"}`), errors.New("something else"))
	require.False(t, ok)
	var n int
	_, _, ok = Syntax([]byte(`"b"`), json.Unmarshal([]byte(`"b"`), &n))
	require.False(t, ok, "a type error is no syntax error")
}
