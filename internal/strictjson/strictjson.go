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
)

// Error names the key at fault. Path is where its object sits, written as
// the packages' own errors write fields ("week.monday[0]"); empty for the
// document's root.
type Error struct {
	Path   string
	Key    string
	Reason string
}

func (e *Error) Error() string { return e.Field() + ": " + e.Reason }

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
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	w := walker{dec: dec}
	return w.value(reflect.TypeOf(v), "")
}

type walker struct{ dec *json.Decoder }

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
	var elem reflect.Type
	if t != nil {
		switch t.Kind() {
		case reflect.Struct:
			fields = jsonFields(t)
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
			return &Error{path, key, "the key appears twice in one object; give it once"}
		}
		seen[key] = true
		ft := elem
		if fields != nil {
			var ok bool
			if ft, ok = fields[key]; !ok {
				for name := range fields {
					if strings.EqualFold(name, key) {
						return &Error{path, key, fmt.Sprintf("keys are case-sensitive: want %q", name)}
					}
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
// to their types.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
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
		out[name] = f.Type
	}
	return out
}
