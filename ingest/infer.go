package ingest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/convreport/convreport"
)

// InferSchema reads r and returns a schema whose custom properties are the
// custom keys of the data, each typed by its values: bool when every value
// is a boolean, number when every value is a number, time when every value
// is an RFC 3339 time, and string otherwise. Keys are those of the JSON
// "properties" objects, or the CSV columns named "properties.NAME". A key
// with no value (null or empty everywhere) is a string.
//
// In JSON Lines, a key whose values are of different JSON types (a number
// on one line, a string on another) is a *[LineError] naming the key and
// the first line of each type: no kind reads both, so give a schema. Under
// [Options.SkipInvalid] such a key takes the kind that reads the most
// lines (the first seen of a tie), and a read with the schema skips, and
// reports, the others. CSV cells are all text, so such a key is a string.
//
// The input is split and parsed as [ReadAll] does (lines, byte order
// mark, CSV quoting, [Options.MaxLineBytes]), with the same errors. A JSON
// line need not hold a whole conversation: its properties are what
// counts. Under [Options.SkipInvalid], the records the read would skip
// (bad ones, and conversations that break the record rules) type nothing,
// and the schema comes with the [errors.Join] of their *[LineError]s;
// otherwise the first stops inference. A repeated ID is no error. Of opt,
// only File, SkipInvalid, IgnoreUnknown and MaxLineBytes are used.
func InferSchema(ctx context.Context, r io.Reader, format Format, opt Options) (*convreport.Schema, error) {
	opt.Schema, opt.Progress = nil, nil
	inf := &inference{keys: map[string]*keyKinds{}, text: format == CSV}
	d := newDecoder(opt)
	d.infer = inf
	lr := newLineReader(r, opt.maxLine())
	var (
		src  source
		line func() int // the first line of the record just read
	)
	switch format {
	case JSONL:
		src, line = &jsonlSource{d: d, lr: lr}, func() int { return lr.line }
	case CSV:
		s := &csvSource{d: d, lr: lr}
		src, line = s, func() int { return s.start }
	default:
		return nil, fmt.Errorf("ingest: unknown format %q (want jsonl or csv)", format)
	}
	var (
		errs   []error
		failed bool // the read ended on more than a bad line
	)
	d.run(ctx, src, func(_ convreport.Conversation, err error) bool {
		if err != nil {
			inf.pending = inf.pending[:0]
			errs = append(errs, err)
			if _, ok := err.(*LineError); !ok {
				failed = true
			}
			return opt.SkipInvalid
		}
		for _, p := range inf.pending {
			inf.see(p.key, p.kind, line())
		}
		inf.pending = inf.pending[:0]
		return true
	})
	if len(errs) > 0 && !opt.SkipInvalid {
		return nil, errs[0]
	}
	if failed {
		return nil, errors.Join(errs...)
	}
	s, err := inf.schema(opt.File, opt.SkipInvalid)
	if err != nil {
		return nil, err
	}
	return s, errors.Join(errs...)
}

// inferCheck is check for inference, which needs of a record only its
// properties: under SkipInvalid, the record rules decide which records
// count, as they decide which the read keeps. A repeated ID is no error:
// in a followed file it is an update, and its values are typed as any.
func (d *decoder) inferCheck(c *convreport.Conversation, line, index int) error {
	if !d.opt.SkipInvalid {
		return nil
	}
	return d.validate(c, line, index)
}

// Value types, as inference sees them.
const (
	seenString = iota
	seenTime
	seenNumber
	seenBool
	numSeen
)

var seenNames = [numSeen]string{"a string", "a time", "a number", "a boolean"}

// keyKinds records, for one key, the first line holding each type, and
// how many lines hold it.
type keyKinds struct {
	first [numSeen]int // 0: not seen
	lines [numSeen]int
}

type inference struct {
	keys  map[string]*keyKinds
	order []string
	text  bool // CSV: every value is text, so any mix reads as a string
	// pending holds the types of the record being read, which count
	// once the whole record is read and checked.
	pending []noted
}

type noted struct {
	key  string
	kind int
}

func (inf *inference) note(key string, kind int) {
	inf.pending = append(inf.pending, noted{key, kind})
}

func (inf *inference) see(key string, kind, line int) {
	k := inf.keys[key]
	if k == nil {
		k = &keyKinds{}
		inf.keys[key] = k
		inf.order = append(inf.order, key)
	}
	if kind >= 0 {
		if k.first[kind] == 0 {
			k.first[kind] = line
		}
		k.lines[kind]++
	}
}

// inferProperty notes the type of the value of custom property key at
// d.i, -1 for null, and passes over it.
func (d *decoder) inferProperty(key string) error {
	kind := -1
	var err error
	switch ch := d.b[d.i]; {
	case ch == 'n':
		err = d.literal("null")
	case ch == 't':
		kind, err = seenBool, d.literal("true")
	case ch == 'f':
		kind, err = seenBool, d.literal("false")
	case ch == '"':
		var s []byte
		if s, err = d.readString(); err == nil {
			kind = seenString
			if d.isTime(s) {
				kind = seenTime
			}
		}
	case ch == '-' || (ch >= '0' && ch <= '9'):
		kind = seenNumber
		_, err = d.number()
	case ch == '{' || ch == '[':
		return fieldErr("properties."+key, "want a string, number, boolean or null: custom properties hold no objects or arrays")
	default:
		return d.errAt(d.i)
	}
	if err != nil {
		return err
	}
	d.infer.note(key, kind)
	return nil
}

// isTime reports whether a time property reads s: an RFC 3339 time as
// the reader takes it, within the times a conversation may hold.
func (d *decoder) isTime(s []byte) bool {
	_, err := d.timeValue("", s)
	return err == nil
}

// cellKind is the type of a CSV cell's text, never empty.
func (d *decoder) cellKind(s []byte) int {
	switch {
	case bytes.EqualFold(s, []byte("true")), bytes.EqualFold(s, []byte("false")):
		return seenBool
	case isNumber(s):
		if _, err := strconv.ParseFloat(string(s), 64); err == nil {
			return seenNumber
		}
	case d.isTime(s):
		return seenTime
	}
	return seenString
}

// schema types each key: one type is its kind; strings and times are
// strings; in JSON, any other mix is an error, or under skip the kind that
// reads the most lines.
func (inf *inference) schema(file string, skip bool) (*convreport.Schema, error) {
	keys := append([]string(nil), inf.order...)
	sort.Strings(keys)
	var props []convreport.Property
	for _, key := range keys {
		k := inf.keys[key]
		var kinds []int
		for kind, line := range k.first {
			if line > 0 {
				kinds = append(kinds, kind)
			}
		}
		p := convreport.Property{Name: key, Kind: convreport.KindString}
		switch {
		case len(kinds) == 1 && kinds[0] == seenBool:
			p.Kind = convreport.KindBool
		case len(kinds) == 1 && kinds[0] == seenNumber:
			p.Kind = convreport.KindNumber
		case len(kinds) == 1 && kinds[0] == seenTime:
			p.Kind = convreport.KindTime
		case len(kinds) <= 1, len(kinds) == 2 && kinds[0] == seenString && kinds[1] == seenTime, inf.text:
		case skip:
			p.Kind = k.mostRead()
		default:
			// In the order the data showed them: the conflict is on the
			// line of the second.
			sort.Slice(kinds, func(i, j int) bool { return k.first[kinds[i]] < k.first[kinds[j]] })
			var where []string
			for _, kind := range kinds {
				where = append(where, fmt.Sprintf("%s on line %d", seenNames[kind], k.first[kind]))
			}
			return nil, &LineError{File: file, Line: k.first[kinds[1]], Field: "properties." + key,
				Err: fmt.Errorf("holds %s: no kind reads them all; give a --schema (or a Schema)", strings.Join(where, ", "))}
		}
		props = append(props, p)
	}
	return convreport.NewSchema(props...)
}

// mostRead is the kind that reads the most of a key's lines, the first
// seen of a tie: a string reads times too.
func (k *keyKinds) mostRead() convreport.Kind {
	kinds := [numSeen]convreport.Kind{seenString: convreport.KindString, seenTime: convreport.KindTime,
		seenNumber: convreport.KindNumber, seenBool: convreport.KindBool}
	best, most, bestFirst := 0, 0, 0
	for kind := range numSeen {
		n := k.lines[kind]
		if kind == seenString {
			n += k.lines[seenTime]
		}
		first := k.first[kind]
		if kind == seenString && (first == 0 || k.first[seenTime] > 0 && k.first[seenTime] < first) {
			first = k.first[seenTime]
		}
		if n > most || n == most && n > 0 && first < bestFirst {
			best, most, bestFirst = kind, n, first
		}
	}
	return kinds[best]
}
