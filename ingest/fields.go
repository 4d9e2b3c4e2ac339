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
)

func (f field) key() string {
	if f == fProperties {
		return "properties"
	}
	return builtins[f].Key
}

// byLength holds the keys by length: the hottest lookup of a read
// compares a key with the few of its length, not a map's hash.
var byLength = func() [24][]field {
	var t [24][]field
	for f := field(0); int(f) < numFields; f++ {
		t[len(f.key())] = append(t[len(f.key())], f)
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

func (f field) typ() fieldType {
	if f == fProperties {
		return tObject
	}
	switch builtins[f].Kind {
	case convreport.KindTime:
		return tTime
	case convreport.KindNumber:
		return tCount
	}
	return tString
}

// interned reports whether the field's values repeat across rows enough to
// share one string per distinct value.
func (f field) interned() bool { return f < fProperties && builtins[f].Repeats }
