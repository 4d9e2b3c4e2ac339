package strictjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"strconv"
	"strings"
)

// Locate explains err, what encoding/json returned decoding b into v, by
// the first value of b, in document order, that does not decode into its
// field: an *Error whose Path is where it sits ("reports[0].measure") and
// whose Reason says what is wanted ("want a number, got a JSON string"),
// or is the error the value's own decoding gave (a bad duration). Its
// Line and Column are where the value's key starts (the value's own start
// for an element of an array), as [Find] finds it. An unknown key is one
// only when err says so (the decoder refused unknown keys). encoding/json names a field by its Go struct and type, without
// the index of the array element it is in; a person wrote the document by
// keys and positions.
//
// Locate returns err itself when it finds no such value (a syntax error,
// a document cut short) and when err is already an *Error.
func Locate(b []byte, v any, err error) error {
	var se *Error
	var syn *json.SyntaxError
	if err == nil || errors.As(err, &se) || errors.As(err, &syn) || errors.Is(err, io.ErrUnexpectedEOF) {
		return err
	}
	var raw json.RawMessage
	if json.NewDecoder(bytes.NewReader(b)).Decode(&raw) != nil {
		return err
	}
	l := locator{unknown: strings.HasPrefix(err.Error(), "json: unknown field ")}
	if e := l.value(raw, reflect.TypeOf(v), "", ""); e != nil {
		e.Line, e.Column = Find(b, e.Field())
		return e
	}
	return err
}

type locator struct{ unknown bool }

// value finds the first part of raw that does not decode into t; path and
// key say where raw sits.
func (l locator) value(raw json.RawMessage, t reflect.Type, path, key string) *Error {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	if decodesItself(t) {
		if err := json.Unmarshal(raw, reflect.New(t).Interface()); err != nil {
			return &Error{Path: path, Key: key, Reason: reason(err, t, raw)}
		}
		return nil
	}
	switch t.Kind() {
	case reflect.Interface:
		return nil
	case reflect.Struct, reflect.Map:
		if raw[0] != '{' {
			return &Error{Path: path, Key: key, Reason: wrongType(t, raw)}
		}
		var fields map[string]reflect.Type
		var names []string
		if t.Kind() == reflect.Struct {
			fields, names = jsonFields(t)
		}
		return members(raw, func(k string, val json.RawMessage) *Error {
			ft := reflect.Type(nil)
			if fields == nil {
				ft = t.Elem()
			} else if ft = fields[k]; ft == nil {
				// encoding/json takes a key in another case for the field.
				for name, f := range fields {
					if strings.EqualFold(name, k) {
						ft = f
						break
					}
				}
				if ft == nil {
					if l.unknown {
						return &Error{Path: join(path, key), Key: k, Reason: "unknown key (want " + strings.Join(names, ", ") + ")"}
					}
					return nil
				}
			}
			return l.value(val, ft, join(path, key), k)
		})
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 && raw[0] == '"' {
			break // bytes, in base64
		}
		if raw[0] != '[' {
			return &Error{Path: path, Key: key, Reason: wrongType(t, raw)}
		}
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.Token() // [
		for i := 0; dec.More(); i++ {
			var val json.RawMessage
			if dec.Decode(&val) != nil {
				return nil
			}
			if e := l.value(val, t.Elem(), path, fmt.Sprintf("%s[%d]", key, i)); e != nil {
				return e
			}
		}
		return nil
	}
	if err := json.Unmarshal(raw, reflect.New(t).Interface()); err != nil {
		return &Error{Path: path, Key: key, Reason: reason(err, t, raw)}
	}
	return nil
}

// members calls f with each key of the object raw and its value, in
// order, up to the first error.
func members(raw json.RawMessage, f func(key string, val json.RawMessage) *Error) *Error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.Token() // {
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil
		}
		var val json.RawMessage
		if dec.Decode(&val) != nil {
			return nil
		}
		if e := f(tok.(string), val); e != nil {
			return e
		}
	}
	return nil
}

func decodesItself(t reflect.Type) bool {
	p := reflect.PointerTo(t)
	return p.Implements(unmarshaler) || p.Implements(textUnmarshaler)
}

// reason says why raw does not decode into t: what is wanted, or what
// t's own decoding said, without the packages' prefixes.
func reason(err error, t reflect.Type, raw json.RawMessage) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && (te.Type == t || te.Type == reflect.PointerTo(t)) {
		if got := jsonKind(raw); got == "number" && want(t) == "a number" {
			if f, err := strconv.ParseFloat(string(raw), 64); err == nil && f != math.Trunc(f) {
				return fmt.Sprintf("want a whole number, got %s", raw)
			}
			return fmt.Sprintf("%s is out of range", raw)
		}
		return wrongType(t, raw)
	}
	msg := err.Error()
	for {
		rest := strings.TrimPrefix(strings.TrimPrefix(msg, "json: "), "convreport: ")
		if rest == msg {
			return msg
		}
		msg = rest
	}
}

func wrongType(t reflect.Type, raw json.RawMessage) string {
	return fmt.Sprintf("want %s, got a JSON %s", want(t), jsonKind(raw))
}

// want names what a JSON value must be to decode into t.
func want(t reflect.Type) string {
	if decodesItself(t) && !reflect.PointerTo(t).Implements(unmarshaler) {
		return "a string"
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Struct, reflect.Map:
		return "an object"
	}
	return "another value"
}

// jsonKind names the kind of the JSON value raw.
func jsonKind(raw json.RawMessage) string {
	switch raw[0] {
	case '"':
		return "string"
	case '{':
		return "object"
	case '[':
		return "array"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	return "number"
}
