package strictjson

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Find returns where, in the JSON document b, the value that field names
// is: the start of its key for a member of an object, of the value itself
// for an element of an array. field is written as this package's and the
// decoders' errors write one: keys joined by dots, array indexes in
// brackets ("calendars[0].week.monday[1].start"), a key also as
// ["quoted"] (`inboxes["US support"]`). When the document lacks the
// value (a key a validation found missing) Find returns where the deepest
// part of field that is there is: the object that should hold the key.
// Of a key given twice, it finds the last, the one encoding/json keeps.
//
// Line and column are 1-based, the column in characters; both are 0 when
// field is empty or names nothing of b.
func Find(b []byte, field string) (line, column int) {
	if field == "" {
		return 0, 0
	}
	f := finder{dec: json.NewDecoder(bytes.NewReader(b)), b: b}
	f.dec.UseNumber()
	at := f.in(field)
	if at < 0 {
		return 0, 0
	}
	return lineCol(b, at)
}

type finder struct {
	dec *json.Decoder
	b   []byte
}

// next is the offset where the decoder's next token starts: past the
// space, comma or colon after the one it last returned.
func (f *finder) next() int {
	i := int(f.dec.InputOffset())
	for i < len(f.b) {
		switch f.b[i] {
		case ' ', '\t', '\r', '\n', ',', ':':
			i++
			continue
		}
		break
	}
	return i
}

// skip reads past the value that starts next.
func (f *finder) skip() bool {
	var raw json.RawMessage
	return f.dec.Decode(&raw) == nil
}

// in reads the value that starts next and returns the offset of what rest
// names in it, or of the deepest part of rest it holds; -1 when it holds
// not even rest's first step.
func (f *finder) in(rest string) int {
	tok, err := f.dec.Token()
	if err != nil {
		return -1
	}
	d, ok := tok.(json.Delim)
	if !ok {
		return -1 // a scalar holds nothing
	}
	found := -1
	longest := -1 // the length of the key found, in an object
	for i := 0; f.dec.More(); i++ {
		at := f.next()
		var after string
		ok := false
		if d == '[' {
			after, ok = stepIndex(rest, i)
		} else {
			tok, err := f.dec.Token()
			if err != nil {
				return found
			}
			key, _ := tok.(string)
			// The longest key the path goes on with, as a key may hold a
			// dot; of one key twice, the last.
			if after, ok = stepKey(rest, key); ok && len(key) < longest {
				ok = false
			}
			if ok {
				longest = len(key)
			}
		}
		switch {
		case !ok || after == "":
			if !f.skip() {
				return found
			}
			if ok {
				found = at
			}
		default:
			found = at
			if deeper := f.in(after); deeper >= 0 {
				found = deeper
			}
		}
	}
	f.dec.Token() // the closing bracket or brace
	return found
}

// stepIndex takes "[i]" off the start of rest, and the dot after it.
func stepIndex(rest string, i int) (string, bool) {
	p := "[" + strconv.Itoa(i) + "]"
	if !strings.HasPrefix(rest, p) {
		return "", false
	}
	return strings.TrimPrefix(rest[len(p):], "."), true
}

// stepKey takes key, written plain or as ["key"], off the start of rest,
// and the dot after it.
func stepKey(rest, key string) (string, bool) {
	if q := "[" + strconv.Quote(key) + "]"; strings.HasPrefix(rest, q) {
		return strings.TrimPrefix(rest[len(q):], "."), true
	}
	if !strings.HasPrefix(rest, key) {
		return "", false
	}
	after := rest[len(key):]
	switch {
	case after == "":
		return "", true
	case after[0] == '.':
		return after[1:], true
	case after[0] == '[':
		return after, true
	}
	return "", false
}

// lineCol is where the byte offset at of b is: 1-based line, and column
// in characters.
func lineCol(b []byte, at int) (line, column int) {
	at = min(max(at, 0), len(b))
	line = 1 + bytes.Count(b[:at], []byte("\n"))
	column = 1 + utf8.RuneCount(b[bytes.LastIndexByte(b[:at], '\n')+1:at])
	return line, column
}
