// Package valuelist reads and writes the values of an "is any of" filter
// as one line of text, the way a person types them: separated by commas,
// a value that holds a comma or a double quote written in double quotes,
// a quote inside doubled, as in CSV:
//
//	free, "Enterprise, EU", "the ""best"" plan"
//
// The report editor's script (static/values.js) follows the same rules,
// and the command line's --where reads them.
package valuelist

import (
	"fmt"
	"strings"
)

// Split reads the values of text. Spaces around a value are not part of
// it, empty items are skipped, and a quote is literal inside a value that
// does not start with one. The error says what is wrong and where: a
// quoted value not closed, or text after a closing quote.
func Split(text string) ([]string, error) {
	var out []string
	i := 0
	for {
		for i < len(text) && isSpace(text[i]) {
			i++
		}
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
		start := i
		var b strings.Builder
		i++
		for {
			j := strings.IndexByte(text[i:], '"')
			if j < 0 {
				return nil, fmt.Errorf("the value quoted at character %d has no closing quote: end it with \"", start+1)
			}
			b.WriteString(text[i : i+j])
			i += j + 1
			if i < len(text) && text[i] == '"' { // "" is a quote
				b.WriteByte('"')
				i++
				continue
			}
			break
		}
		out = append(out, b.String())
		for i < len(text) && isSpace(text[i]) {
			i++
		}
		if i < len(text) && text[i] != ',' {
			return nil, fmt.Errorf("after the quoted value %q, put a comma before the next value (character %d)", b.String(), i+1)
		}
	}
}

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
