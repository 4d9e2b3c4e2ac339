package valuelist

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestSplit(t *testing.T) {
	for _, tc := range []struct {
		text string
		want []string
	}{
		{"", nil},
		{"chat", []string{"chat"}},
		{"chat, email ,form", []string{"chat", "email", "form"}},
		{"a,,b,", []string{"a", "b"}},
		{`"Enterprise, EU"`, []string{"Enterprise, EU"}},
		{`free, "Enterprise, EU" , pro`, []string{"free", "Enterprise, EU", "pro"}},
		{`"the ""best"" plan"`, []string{`the "best" plan`}},
		{`5" screen, x`, []string{`5" screen`, "x"}},
		{`" padded ", ""`, []string{" padded ", ""}},
	} {
		got, err := Split(tc.text)
		require.NoError(t, err, tc.text)
		require.Equal(t, tc.want, got, tc.text)
	}
}

func TestSplitErrors(t *testing.T) {
	_, err := Split(`free, "Enterprise, EU`)
	require.EqualError(t, err, `the value quoted at character 7 has no closing quote: end it with "`)
	_, err = Split(`"Enterprise" EU, pro`)
	require.EqualError(t, err, `after the quoted value "Enterprise", put a comma before the next value (character 14)`)
}

func TestJoinRoundTrips(t *testing.T) {
	for _, vs := range [][]string{
		{"free", "pro"},
		{"Enterprise, EU"},
		{`the "best" plan`, `5" screen`},
		{" padded", "", "tab\t"},
	} {
		got, err := Split(Join(vs))
		require.NoError(t, err)
		require.Equal(t, vs, got)
	}
	require.Equal(t, `free, "Enterprise, EU", "say ""hi"""`, Join([]string{"free", "Enterprise, EU", `say "hi"`}))
}

func TestOne(t *testing.T) {
	for _, tc := range []struct {
		text string
		want string
	}{
		{`equals Bob`, "Bob"},
		{`equals "Bob"`, "Bob"},
		{`equals   "Bob"  `, "Bob"},
		{`equals "say ""hi"""`, `say "hi"`},
		{`equals "a, b"`, "a, b"},
		{`equals x"y`, `x"y`},
		{`equals ""`, ""},
	} {
		got, err := One(tc.text, len("equals"))
		require.NoError(t, err, tc.text)
		require.Equal(t, tc.want, got, tc.text)
	}
}

// Errors count characters from the start of the text, not of the values,
// and in characters, not bytes.
func TestOneAndSplitFromErrors(t *testing.T) {
	_, err := One(`équals "Bob`, len("équals"))
	require.EqualError(t, err, `the value quoted at character 8 has no closing quote: end it with "`)
	_, err = One(`equals "Bob", "Al"`, len("equals"))
	require.EqualError(t, err, `after the quoted value "Bob", more follows at character 13, but the operator takes one value: put it all inside the quotes`)
	_, err = One(`equals "Bob" x`, len("equals"))
	require.EqualError(t, err, `after the quoted value "Bob", more follows at character 14, but the operator takes one value: put it all inside the quotes`)
	// Unquoted, a comma would end the value anywhere else: refused, the
	// comma placed in the whole text, the value's quoted form offered.
	_, err = One(`équals Bob, Alice`, len("équals"))
	var ce *CommaError
	require.ErrorAs(t, err, &ce)
	require.Equal(t, CommaError{Value: "Bob, Alice", Before: "Bob", Char: 11}, *ce)
	require.EqualError(t, err, `a comma follows "Bob" at character 11, but the operator takes one value: if the comma is part of it, write it in double quotes: "Bob, Alice"`)
	_, err = One(`equals  say "hi",x `, len("equals"))
	require.ErrorAs(t, err, &ce)
	require.Equal(t, CommaError{Value: `say "hi",x`, Before: `say "hi"`, Char: 17}, *ce)
	require.EqualError(t, err, `a comma follows "say \"hi\"" at character 17, but the operator takes one value: if the comma is part of it, write it in double quotes: "say ""hi"",x"`)
	_, err = One(`equals ,`, len("equals"))
	require.ErrorAs(t, err, &ce)
	require.Equal(t, CommaError{Value: ",", Before: "", Char: 8}, *ce)
	require.EqualError(t, err, `the value starts with a comma at character 8, but the operator takes one value: if the comma is part of it, write it in double quotes: ","`)
	_, err = SplitFrom(`is_any_of free, "Enterprise, EU`, len("is_any_of"))
	require.EqualError(t, err, `the value quoted at character 17 has no closing quote: end it with "`)
	vs, err := SplitFrom(`is_any_of free, "Enterprise, EU"`, len("is_any_of"))
	require.NoError(t, err)
	require.Equal(t, []string{"free", "Enterprise, EU"}, vs)
}
