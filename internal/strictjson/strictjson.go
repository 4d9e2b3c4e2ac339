// Package strictjson finds what encoding/json lets pass in a document it
// has decoded without error: a key written in another case than its
// field's ("Zone" for "zone"), which it matches anyway, and a key given
// twice in one object, of which it keeps the last without a word. A file
// a person wrote by hand says something else than what was read in both.
package strictjson

import (
	"bytes"
	"encoding"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"unicode/utf8"
)

// Error names the key at fault. Path is where its object sits, written as
// the packages' own errors write fields ("week.monday[0]"); empty for the
// document's root. Key is the key, with the index of an array element it
// holds ("monday[0]"); both are empty for the document itself. Line and
// Column (1-based, Column in characters) are where the key starts in the
// document (an array element's value, when Key ends in its index), 0
// when unknown; its message leaves them out, for the caller
// to say where the document came from.
type Error struct {
	Path   string
	Key    string
	Reason string
	Line   int
	Column int
}

func (e *Error) Error() string {
	if e.Field() == "" {
		return e.Reason // the document itself
	}
	return e.Field() + ": " + e.Reason
}

// Field is the key's own path: Path and Key joined.
func (e *Error) Field() string {
	if e.Path == "" {
		return e.Key
	}
	return e.Path + "." + e.Key
}

// Decode decodes the JSON value at the start of b into v as encoding/json
// does, refusing unknown keys, then checks it as [Check] does: the one
// strict read of a value a person wrote.
func Decode(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	return Check(b, v)
}

var (
	unmarshaler     = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// Check walks b, a document that decodes into v without error, beside v's
// type. It returns an *Error for the first key of a struct written in
// another case than the field's json name, and for the first key repeated
// in an object. A value whose type decodes itself (json.Unmarshaler,
// encoding.TextUnmarshaler, json.RawMessage) is checked for repeated keys
// only: its own decoding says what its keys are.
func Check(b []byte, v any) error {
	return check(b, v, false)
}

// DecodeKnown decodes b into v as json.Unmarshal does, then refuses what
// [Check] refuses and, too, a key that names no field of its struct: an
// *Error whose Reason lists the keys there are. It is the read of a file
// a person may have edited, where a misspelt key would otherwise be
// dropped without a word, and says where the key is.
func DecodeKnown(b []byte, v any) error {
	if err := json.Unmarshal(b, v); err != nil {
		return err
	}
	return check(b, v, true)
}

func check(b []byte, v any, known bool) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	w := walker{dec: dec, b: b, known: known}
	return w.value(reflect.TypeOf(v), "")
}

type walker struct {
	dec   *json.Decoder
	b     []byte
	known bool // refuse keys that name no field
}

// keyError is an *Error for the key the decoder has just read, placed.
func (w *walker) keyError(path, key, reason string) *Error {
	// The decoder stands just past the key's closing quote; its opening
	// one is the nearest quote before that no backslash escapes.
	end := int(w.dec.InputOffset()) - 1
	start := end - 1
	for ; start > 0; start-- {
		if w.b[start] != '"' {
			continue
		}
		n := 0
		for i := start - 1; i >= 0 && w.b[i] == '\\'; i-- {
			n++
		}
		if n%2 == 0 {
			break
		}
	}
	start = max(start, 0)
	line := 1 + bytes.Count(w.b[:start], []byte("\n"))
	col := 1 + utf8.RuneCount(w.b[bytes.LastIndexByte(w.b[:start], '\n')+1:start])
	return &Error{Path: path, Key: key, Reason: reason, Line: line, Column: col}
}

func (w *walker) value(t reflect.Type, path string) error {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	tok, err := w.dec.Token()
	if err != nil {
		return err
	}
	d, ok := tok.(json.Delim)
	if !ok {
		return nil // a scalar
	}
	if t != nil && (reflect.PointerTo(t).Implements(unmarshaler) || reflect.PointerTo(t).Implements(textUnmarshaler)) {
		t = nil
	}
	if d == '[' {
		var elem reflect.Type
		if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
			elem = t.Elem()
		}
		for i := 0; w.dec.More(); i++ {
			if err := w.value(elem, fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
		_, err := w.dec.Token()
		return err
	}
	var fields map[string]reflect.Type
	var names []string
	var elem reflect.Type
	if t != nil {
		switch t.Kind() {
		case reflect.Struct:
			fields, names = jsonFields(t)
		case reflect.Map:
			elem = t.Elem()
		}
	}
	seen := map[string]bool{}
	for w.dec.More() {
		tok, err := w.dec.Token()
		if err != nil {
			return err
		}
		key := tok.(string)
		if seen[key] {
			return w.keyError(path, key, "the key appears twice in one object; give it once")
		}
		seen[key] = true
		ft := elem
		if fields != nil {
			var ok bool
			if ft, ok = fields[key]; !ok {
				for _, name := range names {
					if strings.EqualFold(name, key) {
						return w.keyError(path, key, fmt.Sprintf("keys are case-sensitive: want %q", name))
					}
				}
				if w.known {
					return w.keyError(path, key, fmt.Sprintf("unknown key (want %s)", strings.Join(names, ", ")))
				}
			}
		}
		if err := w.value(ft, join(path, key)); err != nil {
			return err
		}
	}
	_, err = w.dec.Token()
	return err
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// jsonFields maps the json names of t's fields, embedded structs' included,
// to their types, and lists the names in the fields' order.
func jsonFields(t reflect.Type) (map[string]reflect.Type, []string) {
	out := map[string]reflect.Type{}
	var names []string
	for _, f := range reflect.VisibleFields(t) {
		if !f.IsExported() || f.Anonymous && f.Type.Kind() == reflect.Struct && f.Tag.Get("json") == "" {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		if _, twice := out[name]; !twice {
			names = append(names, name)
		}
		out[name] = f.Type
	}
	return out, names
}
