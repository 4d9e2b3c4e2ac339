package ingest

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

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
// the first line of each type: no kind reads both, so give a schema. CSV
// cells are all text, so such a key is a string. Only opt.File is used.
func InferSchema(ctx context.Context, r io.Reader, format Format, opt Options) (*convreport.Schema, error) {
	inf := inference{keys: map[string]*keyKinds{}}
	var err error
	switch format {
	case JSONL:
		err = inf.jsonl(ctx, r)
	case CSV:
		err = inf.csv(ctx, r)
	default:
		return nil, fmt.Errorf("ingest: unknown format %q (want jsonl or csv)", format)
	}
	if err != nil {
		var le *LineError
		if errors.As(err, &le) && le.File == "" {
			le.File = opt.File
		}
		return nil, err
	}
	return inf.schema(opt.File)
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

// keyKinds records, for one key, the first line holding each type.
type keyKinds struct {
	first [numSeen]int // 0: not seen
}

type inference struct {
	keys  map[string]*keyKinds
	order []string
	text  bool // CSV: every value is text, so any mix reads as a string
}

func (inf *inference) see(key string, kind, line int) {
	k := inf.keys[key]
	if k == nil {
		k = &keyKinds{}
		inf.keys[key] = k
		inf.order = append(inf.order, key)
	}
	if kind >= 0 && k.first[kind] == 0 {
		k.first[kind] = line
	}
}

func (inf *inference) jsonl(ctx context.Context, r io.Reader) error {
	lr := newLineReader(r, defaultMaxLine)
	for line := 1; ; line++ {
		if line%cancelEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		b, err := lr.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			var le *LineError
			if errors.As(err, &le) {
				le.Line = line
			}
			return err
		}
		if isBlank(b) {
			continue
		}
		var obj struct {
			Properties map[string]json.RawMessage `json:"properties"`
		}
		if err := json.Unmarshal(b, &obj); err != nil {
			return &LineError{Line: line, Err: fmt.Errorf("not a JSON object with a \"properties\" object: %v", err)}
		}
		for key, raw := range obj.Properties {
			kind, ok := jsonKind(raw)
			if !ok {
				return &LineError{Line: line, Field: "properties." + key, Err: errors.New("want a string, number, boolean or null: custom properties hold no objects or arrays")}
			}
			inf.see(key, kind, line)
		}
	}
}

// jsonKind returns the type of a JSON value; -1 for null.
func jsonKind(raw json.RawMessage) (int, bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return -1, true
	}
	switch raw[0] {
	case 'n':
		return -1, true
	case 't', 'f':
		return seenBool, true
	case '"':
		var s string
		if json.Unmarshal(raw, &s) == nil && isTime(s) {
			return seenTime, true
		}
		return seenString, true
	case '{', '[':
		return 0, false
	}
	return seenNumber, true
}

func isTime(s string) bool {
	_, err := time.Parse(time.RFC3339Nano, s)
	return err == nil
}

func (inf *inference) csv(ctx context.Context, r io.Reader) error {
	inf.text = true
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	head, err := cr.Read()
	if err == io.EOF {
		return nil
	}
	if err != nil {
		return csvErr(err)
	}
	cols := map[int]string{}
	for i, h := range head {
		if i == 0 {
			h = strings.TrimPrefix(h, "\uFEFF")
		}
		if name, ok := strings.CutPrefix(h, "properties."); ok {
			cols[i] = name
			inf.see(name, -1, 1)
		}
	}
	for n := 1; ; n++ {
		if n%cancelEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return csvErr(err)
		}
		line, _ := cr.FieldPos(0)
		for i, name := range cols {
			if i >= len(rec) || rec[i] == "" {
				continue
			}
			inf.see(name, cellKind(rec[i]), line)
		}
	}
}

func csvErr(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &LineError{Line: pe.Line, Err: pe.Err}
	}
	return err
}

func cellKind(s string) int {
	switch {
	case strings.EqualFold(s, "true"), strings.EqualFold(s, "false"):
		return seenBool
	case isNumber([]byte(s)):
		if _, err := strconv.ParseFloat(s, 64); err == nil {
			return seenNumber
		}
	case isTime(s):
		return seenTime
	}
	return seenString
}

// schema types each key: one type is its kind; strings and times are
// strings; in JSON, any other mix is an error.
func (inf *inference) schema(file string) (*convreport.Schema, error) {
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
