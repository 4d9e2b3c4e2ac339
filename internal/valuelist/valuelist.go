// Package valuelist reads and writes the values of an "is any of" filter
// as one line of text, the way a person types them: separated by commas,
// a value that holds a comma or a double quote written in double quotes,
// a quote inside doubled, as in CSV:
//
//	free, "Enterprise, EU", "the ""best"" plan"
//
// The report editor's script (static/values.js) follows the same rules,
// and the command line's --where reads them, for an operator that takes
// one value too (see One).
package valuelist

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Split reads the values of text. Spaces around a value are not part of
// it, empty items are skipped, and a quote is literal inside a value that
// does not start with one. The error says what is wrong and where: a
// quoted value not closed, or text after a closing quote.
func Split(text string) ([]string, error) { return SplitFrom(text, 0) }

// SplitFrom reads the values of text[start:], as Split does, counting the
// characters an error names from the start of text: the values are the
// end of a longer line (the command line's "Property operator values").
func SplitFrom(text string, start int) ([]string, error) {
	var out []string
	i := start
	for {
		i = skipSpace(text, i)
		if i == len(text) {
			return out, nil
		}
		if text[i] == ',' {
			i++
			continue
		}
		if text[i] != '"' {
			j := strings.IndexByte(text[i:], ',')
			if j < 0 {
				j = len(text) - i
			}
			out = append(out, strings.TrimSpace(text[i:i+j]))
			i += j
			continue
		}
		v, next, err := quoted(text, i)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
		i = skipSpace(text, next)
		if i < len(text) && text[i] != ',' {
			return nil, fmt.Errorf("after the quoted value %q, put a comma before the next value (character %d)", v, char(text, i))
		}
	}
}

// One reads the single value of text[start:], for an operator that takes
// one: unquoted, it is the text as written, trimmed (a quote inside it
// included), but it may hold no comma, which ends an unquoted value
// everywhere else: "Bob, Alice" meant as two values would otherwise match
// the one value with the comma, and nothing. That is a *CommaError; a
// value that holds a comma is written quoted. Quoted, it is what the
// quotes hold, a quote inside doubled, and nothing but spaces may follow.
// Errors count characters from the start of text, as SplitFrom's do.
func One(text string, start int) (string, error) {
	i := skipSpace(text, start)
	if i == len(text) || text[i] != '"' {
		v := strings.TrimSpace(text[i:])
		if j := strings.IndexByte(text[i:], ','); j >= 0 {
			return "", &CommaError{Value: v, Before: strings.TrimSpace(text[i : i+j]), Char: char(text, i+j)}
		}
		return v, nil
	}
	v, next, err := quoted(text, i)
	if err != nil {
		return "", err
	}
	if j := skipSpace(text, next); j < len(text) {
		return "", fmt.Errorf("after the quoted value %q, more follows at character %d, but the operator takes one value: put it all inside the quotes", v, char(text, j))
	}
	return v, nil
}

// CommaError is an unquoted value given to an operator that takes one
// value and holding a comma: several values, or one that holds a comma
// and must be quoted to say so.
type CommaError struct {
	Value  string // the whole value as written, trimmed: "Bob, Alice"
	Before string // what comes before the comma, trimmed: "Bob"
	Char   int    // the comma's character, from 1, in the whole text
}

func (e *CommaError) Error() string {
	return e.Where() + ", but the operator takes one value: if the comma is part of it, write it in double quotes: " + Quote(e.Value)
}

// Where says where the comma is: `a comma follows "Bob" at character 11`.
func (e *CommaError) Where() string {
	if e.Before == "" {
		return fmt.Sprintf("the value starts with a comma at character %d", e.Char)
	}
	return fmt.Sprintf("a comma follows %q at character %d", e.Before, e.Char)
}

// quoted reads the quoted value that starts at text[i], a quote, and
// returns it with the index just after its closing quote.
func quoted(text string, i int) (string, int, error) {
	start := i
	var b strings.Builder
	i++
	for {
		j := strings.IndexByte(text[i:], '"')
		if j < 0 {
			return "", 0, fmt.Errorf("the value quoted at character %d has no closing quote: end it with \"", char(text, start))
		}
		b.WriteString(text[i : i+j])
		i += j + 1
		if i < len(text) && text[i] == '"' { // "" is a quote
			b.WriteByte('"')
			i++
			continue
		}
		return b.String(), i, nil
	}
}

func skipSpace(text string, i int) int {
	for i < len(text) && isSpace(text[i]) {
		i++
	}
	return i
}

// char is the position of text[i] as a person counts: in characters, from 1.
func char(text string, i int) int { return utf8.RuneCountInString(text[:i]) + 1 }

// Join writes values as Split reads them: a value is quoted when it holds
// a comma or a quote, starts or ends with a space, or is empty.
func Join(values []string) string {
	parts := make([]string, len(values))
	for i, v := range values {
		parts[i] = Quote(v)
	}
	return strings.Join(parts, ", ")
}

// Quote is one value as Join writes it.
func Quote(v string) string {
	if v == "" || strings.ContainsAny(v, `,"`) || strings.TrimSpace(v) != v {
		return `"` + strings.ReplaceAll(v, `"`, `""`) + `"`
	}
	return v
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
