package convreport

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/convreport/convreport/internal/civil"
	"github.com/convreport/convreport/internal/filter"
	"github.com/convreport/convreport/internal/suggest"
)

// Kind is the type of a property's values.
type Kind int

// The kinds of property. Values of each kind, as [Schema.Value] returns them
// and as custom properties hold them in [Conversation.Properties]:
// KindString and KindEnum hold string, KindNumber float64, KindBool bool,
// KindTime time.Time and KindDuration time.Duration.
const (
	KindString Kind = iota + 1
	KindNumber
	KindBool
	KindTime
	KindDuration
	KindEnum
)

var kindNames = map[Kind]string{
	KindString: "string", KindNumber: "number", KindBool: "bool",
	KindTime: "time", KindDuration: "duration", KindEnum: "enum",
}

func (k Kind) String() string {
	if n, ok := kindNames[k]; ok {
		return n
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// MarshalText writes the kind's name ("string", "number", …).
func (k Kind) MarshalText() ([]byte, error) {
	if _, ok := kindNames[k]; !ok {
		return nil, fmt.Errorf("convreport: unknown kind %d", int(k))
	}
	return []byte(k.String()), nil
}

// UnmarshalText reads a kind's name.
func (k *Kind) UnmarshalText(b []byte) error {
	for kk, n := range kindNames {
		if n == string(b) {
			*k = kk
			return nil
		}
	}
	return fmt.Errorf("convreport: unknown kind %q (want string, number, bool, time, duration or enum)", b)
}

// Property describes one named, typed attribute of a conversation: what
// filters, dimensions and display columns refer to.
type Property struct {
	// Name is how expressions and reports refer to the property
	// ("Assignee", "FirstResponseTime", or a custom property's name).
	Name string `json:"name"`
	// Key is the property's name in the JSON Lines and CSV formats and in
	// result JSON ("assignee"). For a custom property it equals Name.
	Key   string `json:"key"`
	Label string `json:"label"` // for people: "Assignee", "First response time"
	Kind  Kind   `json:"kind"`
	// Values lists the allowed values of an enum property.
	Values []string `json:"values,omitempty"`
	// Custom is true for properties declared by the embedder, held in
	// [Conversation.Properties].
	Custom bool `json:"custom,omitempty"`
	// Derived is true for computed properties (durations): they can be
	// filtered on but not stored.
	Derived bool `json:"derived,omitempty"`
}

// Schema is the set of properties reports can use: every built-in field of
// [Conversation], three derived durations, and the embedder's custom
// properties. A Schema is immutable and safe for concurrent use.
type Schema struct {
	props []Property
	index map[string]int // by Name and by Key
}

// builtinProperties are the stored fields and the derived durations, as
// properties.
func builtinProperties() []Property {
	ps := make([]Property, 0, len(fields)+len(derivedProperties))
	for _, f := range fields {
		p := f.Property
		p.Values = slices.Clone(p.Values)
		ps = append(ps, p)
	}
	for _, d := range derivedProperties {
		ps = append(ps, d.Property)
	}
	return ps
}

var defaultSchema = mustSchema()

func mustSchema() *Schema {
	s, err := NewSchema()
	if err != nil {
		panic(err)
	}
	return s
}

// DefaultSchema returns the schema of the built-in properties alone.
func DefaultSchema() *Schema { return defaultSchema }

// NewSchema returns the built-in properties plus the given custom ones. A
// custom property needs a Name that is an identifier (letters, digits, _,
// not starting with a digit) and clashes with no other name or key, and a
// Kind; an enum needs its Values. Key and Label default to Name.
func NewSchema(custom ...Property) (*Schema, error) {
	s := &Schema{index: map[string]int{}}
	add := func(p Property) error {
		for _, n := range []string{p.Name, p.Key} {
			if _, dup := s.index[n]; dup {
				return fmt.Errorf("convreport: property %q: name already used", n)
			}
		}
		s.index[p.Name] = len(s.props)
		s.index[p.Key] = len(s.props)
		s.props = append(s.props, p)
		return nil
	}
	for _, p := range builtinProperties() {
		if err := add(p); err != nil {
			return nil, err
		}
	}
	var errs []error
	for i, p := range custom {
		p.Custom = true
		if p.Key == "" {
			p.Key = p.Name
		}
		if p.Label == "" {
			p.Label = p.Name
		}
		switch {
		case !isIdent(p.Name):
			errs = append(errs, fmt.Errorf("convreport: custom property #%d: name %q is not an identifier", i, p.Name))
			continue
		case p.Key != p.Name:
			errs = append(errs, fmt.Errorf("convreport: custom property %q: key must equal the name", p.Name))
			continue
		case kindNames[p.Kind] == "":
			errs = append(errs, fmt.Errorf("convreport: custom property %q: kind is missing or unknown", p.Name))
			continue
		case p.Kind == KindEnum && len(p.Values) == 0:
			errs = append(errs, fmt.Errorf("convreport: custom property %q: an enum needs values", p.Name))
			continue
		case p.Derived:
			errs = append(errs, fmt.Errorf("convreport: custom property %q: cannot be derived", p.Name))
			continue
		case isReservedWord(p.Name):
			errs = append(errs, fmt.Errorf("convreport: custom property %q: name is reserved in filter expressions", p.Name))
			continue
		case slices.Contains(outputKeys, strings.ToLower(p.Name)):
			// A point's dimensions sit beside these in the result JSON
			// and CSV, where a property of the same key would be lost.
			errs = append(errs, fmt.Errorf("convreport: custom property %q: name is a key of every result's JSON and CSV (%s); choose another", p.Name, strings.Join(outputKeys, ", ")))
			continue
		}
		p.Values = slices.Clone(p.Values)
		if err := add(p); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return s, nil
}

// outputKeys are the keys the result outputs write beside a point's
// dimensions: JSON's "bucket" among them, CSV's columns.
var outputKeys = []string{"report", "measure", "unit", "bucket", "value", "count", "other", "previous_value", "previous_count"}

func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r == '_', r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
		case r >= '0' && r <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

func isReservedWord(s string) bool {
	switch strings.ToLower(s) {
	case "true", "false", "nil", "in", "not", "and", "or", "matches", "contains",
		"startswith", "endswith", "let", "if", "else", "duration", "date", "now", "days", "daysago":
		return true
	}
	return false
}

// Lookup finds a property by its Name or its Key.
func (s *Schema) Lookup(name string) (Property, bool) {
	i, ok := s.index[name]
	if !ok {
		return Property{}, false
	}
	return s.props[i], true
}

// Properties returns every property, built-in ones first.
func (s *Schema) Properties() []Property {
	out := make([]Property, len(s.props))
	for i, p := range s.props {
		p.Values = slices.Clone(p.Values)
		out[i] = p
	}
	return out
}

// Custom returns the custom properties only.
func (s *Schema) Custom() []Property {
	var out []Property
	for _, p := range s.Properties() {
		if p.Custom {
			out = append(out, p)
		}
	}
	return out
}

// UnknownPropertyError reports a property name the schema does not have.
// Errors that wrap it say where the name appeared.
type UnknownPropertyError struct {
	Name    string
	Suggest string // a close existing name, if any
}

func (e *UnknownPropertyError) Error() string {
	msg := fmt.Sprintf("unknown property %q", e.Name)
	if e.Suggest != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", e.Suggest)
	}
	return msg
}

// KindError reports a property whose kind does not fit where it is named:
// a report grouped by a time or a number, or dated by a string. A report
// saved under one schema meets it when a later schema gives the property
// another kind. Errors that wrap it say where the name appeared.
type KindError struct {
	Name string // the property
	Kind Kind   // its kind in the schema
	Want []Kind // the kinds that fit where it is named
	// hint says what fits instead, where a list of kinds would not.
	hint string
}

func (e *KindError) Error() string {
	if e.hint != "" {
		return fmt.Sprintf("%s is a %s property; %s", e.Name, e.Kind, e.hint)
	}
	want := make([]string, len(e.Want))
	for i, k := range e.Want {
		want[i] = k.String()
	}
	return fmt.Sprintf("%s is a %s, not a %s", e.Name, e.Kind, strings.Join(want, " or "))
}

// resolve returns the property named name or an *UnknownPropertyError.
func (s *Schema) resolve(name string) (Property, error) {
	if p, ok := s.Lookup(name); ok {
		return p, nil
	}
	return Property{}, &UnknownPropertyError{Name: name, Suggest: s.suggest(name)}
}

// suggest returns the property name closest to name, by the project's one
// rule for typos; a key ("origin_url") suggests its property's name.
func (s *Schema) suggest(name string) string {
	cands := make([]suggest.Candidate, 0, 2*len(s.props))
	for _, p := range s.props {
		cands = append(cands, suggest.Candidate{Text: p.Name, Suggest: p.Name}, suggest.Candidate{Text: p.Key, Suggest: p.Name})
	}
	return suggest.Closest(name, cands)
}

// Value returns the value of property name for c, typed by the property's
// kind (see [Kind]), and false when the value is unknown: an empty string,
// a zero time, a duration that does not apply, an absent custom property.
// An unknown name reports false.
func (s *Schema) Value(c *Conversation, name string) (any, bool) {
	p, ok := s.Lookup(name)
	if !ok {
		return nil, false
	}
	return propertyValue(c, p)
}

func propertyValue(c *Conversation, p Property) (any, bool) {
	if d := derivedOf(p); d != nil {
		return d.of(c)
	}
	if f := storedField(p); f != nil {
		switch {
		case f.str != nil:
			v := f.reported(c)
			return v, v != ""
		case f.time != nil:
			v := *f.time(c)
			return v, !v.IsZero()
		}
		return float64(*f.count(c)), true
	}
	v, ok := c.Properties[p.Name]
	if !ok || v == nil {
		return nil, false
	}
	switch x := v.(type) {
	case string:
		if x == "" {
			return nil, false
		}
	case time.Time:
		if x.IsZero() {
			return nil, false
		}
	case float64:
		if x == 0 {
			// -0 is 0: a source that kept the sign (a Float64 column, a
			// file) must show what one that dropped it (jsonb) shows.
			return 0.0, true
		}
	}
	return v, true
}

// SetValue stores v as property name of c: the inverse of [Schema.Value],
// with v typed as Value returns it, and nil (or an empty string or zero
// time) for unknown. Message counts take a whole, non-negative float64 up
// to 2^53, the largest the readers of files take (every whole number up
// to it is exact in a float64). A
// derived property (a duration computed from times) cannot be set: set
// the times it comes from.
func (s *Schema) SetValue(c *Conversation, name string, v any) error {
	p, err := s.resolve(name)
	if err != nil {
		return fmt.Errorf("convreport: %w", err)
	}
	if p.Derived {
		return fmt.Errorf("convreport: %s is computed from other times; set those", p.Name)
	}
	if v == nil {
		if p.Custom {
			delete(c.Properties, p.Name)
			return nil
		}
		setProperty(c, p, p.Kind.zero()) // a built-in field's "unknown"
		return nil
	}
	if err := checkKind(p, v); err != nil {
		return fmt.Errorf("convreport: %s %w", p.Name, err)
	}
	if f, ok := v.(float64); ok && !p.Custom && (f != math.Trunc(f) || f < 0 || f > 1<<53) {
		return fmt.Errorf("convreport: %s: %v is not a message count", p.Name, f)
	}
	if f, ok := v.(float64); ok && f == 0 {
		v = 0.0 // -0 is 0, as Value reads it
	}
	setProperty(c, p, v)
	return nil
}

// zero is the Go value of kind k that stands for "unknown": the empty
// string, 0, false, the zero time or duration.
func (k Kind) zero() any { return filter.Kind(k).Zero() }

// checkCustom verifies the custom properties of c against the schema: each
// key declared, each value of its kind.
func (s *Schema) checkCustom(c *Conversation) error {
	if len(c.Properties) == 0 {
		// Ranging over no map still starts an iterator: a load of
		// conversations without custom properties asks this of each.
		return nil
	}
	for k, v := range c.Properties {
		p, ok := s.Lookup(k)
		if !ok || !p.Custom {
			return &ValidationError{ID: c.ID, Index: -1, Field: "properties." + k, Reason: "is not a custom property of the schema"}
		}
		if v == nil {
			continue
		}
		if err := checkKind(p, v); err != nil {
			return &ValidationError{ID: c.ID, Index: -1, Field: "properties." + k, Reason: err.Error()}
		}
	}
	return nil
}

func checkKind(p Property, v any) error {
	ok := false
	switch p.Kind {
	case KindString:
		_, ok = v.(string)
	case KindEnum:
		var s string
		if s, ok = v.(string); ok && s != "" && !slices.Contains(p.Values, s) {
			return fmt.Errorf("%q is not one of %s", s, strings.Join(p.Values, ", "))
		}
	case KindNumber:
		_, ok = v.(float64)
	case KindBool:
		_, ok = v.(bool)
	case KindTime:
		var t time.Time
		if t, ok = v.(time.Time); ok && !civil.InRange(t) {
			return errors.New(civil.RangeReason(civil.FormatRFC3339(t)))
		}
	case KindDuration:
		_, ok = v.(time.Duration)
	}
	if !ok {
		return fmt.Errorf("holds %T, want %s (%s property)", v, goTypes[p.Kind], p.Kind)
	}
	return nil
}

var goTypes = map[Kind]string{
	KindString: "string", KindEnum: "string", KindNumber: "float64", KindBool: "bool",
	KindTime: "time.Time", KindDuration: "time.Duration",
}

// Validate checks c against the record rules ([Conversation.Validate]) and
// its custom properties against the schema.
func (s *Schema) Validate(c *Conversation) error {
	if err := c.Validate(); err != nil {
		return err
	}
	return s.checkCustom(c)
}
