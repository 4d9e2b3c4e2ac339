package ingest

import (
	"github.com/convreport/convreport"
)

// field is a key of the interchange format: a built-in field of the
// conversation (an index into builtins, which convreport.Fields lists in
// the format's order, also the order the writers use), or fProperties,
// the object of custom properties. Nothing here names a field: the table
// of built-in fields is convreport's.
type field uint8

var (
	builtins    = convreport.Fields()
	fProperties = field(len(builtins))
	numFields   = int(fProperties) + 1
	// What a read asks of a field at every value, laid out flat: the
	// key, type and interning of each, by field.
	fieldKeys, fieldTypes, fieldInterned = flatten()
)

func flatten() (keys []string, types []fieldType, interned []bool) {
	for _, b := range builtins {
		t := tString
		switch b.Kind {
		case convreport.KindTime:
			t = tTime
		case convreport.KindNumber:
			t = tCount
		}
		keys, types, interned = append(keys, b.Key), append(types, t), append(interned, b.Repeats)
	}
	if len(builtins)+1 > 64 {
		panic("ingest: more than 64 keys: a line's keys are marked seen in one uint64")
	}
	return append(keys, "properties"), append(types, tObject), append(interned, false)
}

func (f field) key() string { return fieldKeys[f] }

// byLength holds the keys by length: the hottest lookup of a read
// compares a key with the few of its length, not a map's hash.
var byLength = func() [][]field {
	var t [][]field
	for f, k := range fieldKeys {
		for len(t) <= len(k) {
			t = append(t, nil)
		}
		t[len(k)] = append(t[len(k)], field(f))
	}
	return t
}()

// lookupField finds a key of the format.
func lookupField(key string) (field, bool) {
	if len(key) >= len(byLength) {
		return 0, false
	}
	for _, f := range byLength[len(key)] {
		if f.key() == key {
			return f, true
		}
	}
	return 0, false
}

// required reports whether a valid conversation has the field, so that a
// CSV header must have its column.
func (f field) required() bool { return f < fProperties && builtins[f].Required }

type fieldType uint8

const (
	tString fieldType = iota
	tTime
	tCount
	tObject
)

func (f field) typ() fieldType { return fieldTypes[f] }

// interned reports whether the field's values repeat across rows enough to
// share one string per distinct value.
func (f field) interned() bool { return fieldInterned[f] }
