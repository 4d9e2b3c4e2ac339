package convreport

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/convreport/convreport/internal/strictjson"
)

// SchemaFileError reports a bad schema file (see [ParseSchema]). Field is
// the JSON path of the bad value ("properties[1].kind").
type SchemaFileError struct {
	Field  string
	Reason string
}

// Error returns "convreport: schema: field: reason".
func (e *SchemaFileError) Error() string {
	if e.Field == "" {
		return "convreport: schema: " + e.Reason
	}
	return "convreport: schema: " + e.Field + ": " + e.Reason
}

// schemaFile is the JSON form of a schema's custom properties.
type schemaFile struct {
	Properties []schemaFileProperty `json:"properties"`
}

type schemaFileProperty struct {
	Name   string   `json:"name"`
	Kind   string   `json:"kind"`
	Label  string   `json:"label,omitempty"`
	Values []string `json:"values,omitempty"`
	// Key, Custom and Derived are read as a marshalled Property writes
	// them, and must say what a custom property is: its key is its name,
	// it is custom, it is not derived. The schema's MarshalJSON leaves
	// them out.
	Key     string `json:"key,omitempty"`
	Custom  *bool  `json:"custom,omitempty"`
	Derived *bool  `json:"derived,omitempty"`
}

// ParseSchema reads a schema file: the custom properties conversations may
// carry, as
//
//	{"properties": [
//	  {"name": "plan", "kind": "enum", "values": ["free", "pro"]},
//	  {"name": "order_total", "kind": "number", "label": "Order total"}]}
//
// where kind is string, number, bool, time, duration or enum, an enum
// lists its values, and the label is optional. A property may also hold
// the fields a marshalled [Property] has (key, equal to the name; custom,
// true; derived, false), and the file may be the array of properties
// alone, as json.Marshal of [Schema.Custom] writes it. A bad file is a
// *[SchemaFileError] naming the field; it is what the command line's
// --schema reads and what [Schema.MarshalJSON] writes.
func ParseSchema(b []byte) (*Schema, error) {
	var f schemaFile
	// The file is the object, or the array of properties alone; errors
	// are named by its own paths ("properties[1].kind", "[1].kind").
	var into any = &f
	prefix := "properties"
	if t := bytes.TrimLeft(b, " \t\r\n"); len(t) > 0 && t[0] == '[' {
		into, prefix = &f.Properties, ""
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(into); err != nil {
		var te *json.UnmarshalTypeError
		var se *strictjson.Error
		switch {
		case errors.As(err, &te) && errors.As(strictjson.Locate(b, into, err), &se):
			// Named with the index of its property: "properties[1].vip".
			return nil, &SchemaFileError{se.Field(), se.Reason}
		case errors.As(err, &te):
			return nil, &SchemaFileError{te.Field, fmt.Sprintf("want %s, got a JSON %s", jsonWant(te.Type.Kind().String()), te.Value)}
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			want := "each property with name, kind, label, values, and key, custom, derived as a Property writes them"
			if prefix != "" {
				want = "properties; " + want
			}
			return nil, &SchemaFileError{"", strings.TrimPrefix(err.Error(), "json: ") + " (want " + want + ")"}
		}
		return nil, &SchemaFileError{"", err.Error()}
	}
	if dec.More() {
		return nil, &SchemaFileError{"", "unexpected data after the schema"}
	}
	if err := strictjson.Check(b, into); err != nil {
		var se *strictjson.Error
		if errors.As(err, &se) {
			return nil, &SchemaFileError{se.Field(), se.Reason}
		}
		return nil, &SchemaFileError{"", err.Error()}
	}
	props := make([]Property, len(f.Properties))
	seen := map[string]int{}
	for i, fp := range f.Properties {
		at := fmt.Sprintf("%s[%d]", prefix, i)
		var k Kind
		if err := k.UnmarshalText([]byte(fp.Kind)); err != nil {
			return nil, &SchemaFileError{at + ".kind", strings.TrimPrefix(err.Error(), "convreport: ")}
		}
		if k != KindEnum && len(fp.Values) > 0 {
			return nil, &SchemaFileError{at + ".values", "only an enum lists values"}
		}
		switch {
		case fp.Key != "" && fp.Key != fp.Name:
			return nil, &SchemaFileError{at + ".key", fmt.Sprintf("%q is not the name %q: a custom property's key is its name (or leave key out)", fp.Key, fp.Name)}
		case fp.Custom != nil && !*fp.Custom:
			return nil, &SchemaFileError{at + ".custom", "a schema file declares custom properties: custom is true (or left out)"}
		case fp.Derived != nil && *fp.Derived:
			return nil, &SchemaFileError{at + ".derived", "a custom property is stored, not derived: derived is false (or left out)"}
		}
		p := Property{Name: fp.Name, Kind: k, Label: fp.Label, Values: fp.Values}
		// Each property alone first, so that an error names its entry.
		if _, err := NewSchema(p); err != nil {
			field := at
			if strings.Contains(err.Error(), "enum needs values") {
				field += ".values"
			} else {
				field += ".name"
			}
			return nil, &SchemaFileError{field, strings.TrimPrefix(err.Error(), "convreport: ")}
		}
		if j, dup := seen[fp.Name]; dup {
			return nil, &SchemaFileError{at + ".name", fmt.Sprintf("%q is also properties[%d]", fp.Name, j)}
		}
		seen[fp.Name] = i
		props[i] = p
	}
	return NewSchema(props...)
}

func jsonWant(kind string) string {
	switch kind {
	case "slice":
		return "an array"
	case "struct", "map":
		return "an object"
	}
	return "a " + kind
}

// MarshalJSON writes the schema's custom properties in the form
// [ParseSchema] reads.
func (s *Schema) MarshalJSON() ([]byte, error) {
	f := schemaFile{Properties: []schemaFileProperty{}}
	for _, p := range s.Custom() {
		fp := schemaFileProperty{Name: p.Name, Kind: p.Kind.String(), Values: p.Values}
		if p.Label != p.Name {
			fp.Label = p.Label
		}
		f.Properties = append(f.Properties, fp)
	}
	return json.Marshal(f)
}
