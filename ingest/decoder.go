package ingest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/internal/firstseen"
	"github.com/convreport/convreport/internal/suggest"
)

// decoder holds what reading one input needs beyond the bytes: the
// schema, caches, and the IDs seen so far.
type decoder struct {
	opt     Options
	schema  *convreport.Schema
	custom  map[string]convreport.Property // custom properties by name
	customs []convreport.Property          // the same, in schema order
	zones   map[int]*time.Location
	intern  map[string]string
	recent  [256]string // recently shared values, by recentSlot
	scratch []byte      // unescaped JSON strings
	props   []string    // custom properties seen on the current line

	b []byte // the JSON line being decoded
	i int    // position in b

	// lines holds the first line of each ID: the decoder's own in the
	// sequential reader; in the parallel one, the ordered pass's, whose
	// hash a worker computes for each ID it decodes.
	lines *firstseen.Table

	// infer, when set, takes every custom property the input holds as
	// declared, noting the type of its values rather than decoding them
	// (see InferSchema).
	infer *inference
}

const maxInterned = 4096

func newDecoder(opt Options) *decoder {
	d := &decoder{
		opt:    opt,
		schema: opt.schema(),
		custom: map[string]convreport.Property{},
		intern: map[string]string{},
		lines:  firstseen.New(0),
	}
	d.customs = d.schema.Custom()
	for _, p := range d.customs {
		d.custom[p.Name] = p
	}
	return d
}

// str converts b to a string, sharing one copy of each value of a field
// whose values repeat (channel, inbox, assignee…).
func (d *decoder) str(b []byte, shared bool) string {
	if !shared {
		return string(b)
	}
	if len(b) == 0 {
		return ""
	}
	// A shared field takes few values: most are found in recent, by a
	// comparison of bytes, without hashing all of them for the map.
	slot := &d.recent[recentSlot(b)]
	if *slot == string(b) {
		return *slot
	}
	s, ok := d.intern[string(b)]
	if !ok {
		s = string(b)
		if len(d.intern) < maxInterned {
			d.intern[s] = s
		}
	}
	*slot = s
	return s
}

// recentSlot places a non-empty value in decoder.recent, by its length
// and three of its bytes.
func recentSlot(b []byte) uint8 {
	n := len(b)
	return uint8((uint(n)*0x9E + uint(b[0])*0x1D + uint(b[n>>1])*0x35 + uint(b[n-1])) * 0x9B >> 3)
}

// source is one format's record reader.
type source interface {
	// next decodes the next record into c, which is zero. It returns the
	// record's line; io.EOF at the end; a *LineError for a bad record,
	// after which it can go on; any other error when it cannot.
	next(c *convreport.Conversation) (line int, err error)
	// offset is how many bytes of input have been consumed.
	offset() int64
}

// run drives src, checking each record and feeding yield.
func (d *decoder) run(ctx context.Context, src source, yield func(convreport.Conversation, error) bool) {
	var zero convreport.Conversation
	if err := ctx.Err(); err != nil {
		yield(zero, err)
		return
	}
	var (
		c        convreport.Conversation // outside the loop: &c escapes
		rows     int
		index    int
		lastOff  int64 = -1
		lastRows       = -1
	)
	progress := func() {
		if off := src.offset(); d.opt.Progress != nil && (off != lastOff || rows != lastRows) {
			lastOff, lastRows = off, rows
			d.opt.Progress(off, rows)
		}
	}
	for n := 1; ; n++ {
		if n%cancelEvery == 0 {
			if err := ctx.Err(); err != nil {
				yield(zero, err)
				return
			}
		}
		c = convreport.Conversation{}
		line, err := src.next(&c)
		if err == io.EOF {
			progress()
			return
		}
		if err == nil {
			err = d.check(&c, line, index)
		}
		index++
		if err != nil {
			le, ok := err.(*LineError)
			if !ok {
				yield(zero, err)
				return
			}
			le.File = d.opt.File
			if !yield(zero, le) || !d.opt.SkipInvalid {
				return
			}
		} else {
			rows++
			if !yield(c, nil) {
				return
			}
		}
		if d.opt.Progress != nil && src.offset()-max(lastOff, 0) >= progressEvery {
			progress()
		}
	}
}

// check applies the record rules, the schema and ID uniqueness to a
// decoded conversation.
func (d *decoder) check(c *convreport.Conversation, line, index int) error {
	if d.infer != nil {
		return d.inferCheck(c, line, index)
	}
	if err := d.validate(c, line, index); err != nil {
		return err
	}
	// Only a valid line claims its ID: under SkipInvalid a skipped line
	// holds nothing a later valid one could duplicate.
	if first, dup := d.lines.First(c.ID, d.lines.Hash(c.ID), line); dup {
		return duplicate(c.ID, line, index, first)
	}
	return nil
}

// validate applies the record rules and the schema to a decoded
// conversation: the part of check that needs no other record.
func (d *decoder) validate(c *convreport.Conversation, line, index int) error {
	if err := d.schema.Validate(c); err != nil {
		var ve *convreport.ValidationError
		if errors.As(err, &ve) {
			ve.Index = index
			return &LineError{Line: line, Field: ve.Field, Err: ve}
		}
		return &LineError{Line: line, Err: err}
	}
	return nil
}

// duplicate is the error for the record at line whose ID was first seen
// on line first.
func duplicate(id string, line, index, first int) *LineError {
	return &LineError{Line: line, Field: "id", Err: convreport.DuplicateIDError(id, index, fmt.Sprintf("the conversation on line %d", first))}
}

// unknownKey explains a top-level JSON key or CSV column the format does
// not have. In CSV, custom properties are columns named "properties.NAME".
func (d *decoder) unknownKey(what, name string, csv bool) error {
	hint := ""
	if p, ok := d.schema.Lookup(name); ok {
		switch {
		case p.Derived:
			hint = " (a derived property: computed, not read)"
		case p.Custom && csv:
			hint = fmt.Sprintf(" (did you mean %q?)", "properties."+p.Name)
		case p.Custom:
			hint = ` (a custom property: put it in "properties")`
		default:
			hint = fmt.Sprintf(" (did you mean %q?)", p.Key)
		}
	} else if rest, ok := strings.CutPrefix(name, "properties."); ok && csv {
		return d.unknownProperty(rest, true)
	} else {
		var cands []suggest.Candidate
		for _, p := range d.schema.Properties() {
			if p.Derived {
				continue
			}
			if p.Custom {
				if csv {
					cands = append(cands, suggest.Candidate{Text: "properties." + p.Name, Suggest: "properties." + p.Name}, suggest.Candidate{Text: p.Name, Suggest: "properties." + p.Name})
				}
				continue
			}
			cands = append(cands, suggest.Candidate{Text: p.Key, Suggest: p.Key}, suggest.Candidate{Text: p.Name, Suggest: p.Key})
		}
		if !csv {
			cands = append(cands, suggest.Candidate{Text: "properties", Suggest: "properties"})
		}
		if s := suggest.Closest(name, cands); s != "" {
			hint = fmt.Sprintf(" (did you mean %q?)", s)
		}
	}
	return fmt.Errorf("unknown %s %q%s", what, name, hint)
}

// unknownProperty explains a custom property name the schema lacks, met
// in a JSON "properties" object or as a CSV column "properties.NAME".
func (d *decoder) unknownProperty(name string, csv bool) error {
	what, quoted := "custom property", name
	if csv {
		what, quoted = "column", "properties."+name
	}
	if p, ok := d.schema.Lookup(name); ok && !p.Custom && !p.Derived {
		return fmt.Errorf("unknown %s %q (a built-in property: use %q)", what, quoted, p.Key)
	}
	var cands []suggest.Candidate
	for _, p := range d.customs {
		s := p.Name
		if csv {
			s = "properties." + p.Name
		}
		cands = append(cands, suggest.Candidate{Text: p.Name, Suggest: s})
	}
	if s := suggest.Closest(name, cands); s != "" {
		return fmt.Errorf("unknown %s %q (did you mean %q?)", what, quoted, s)
	}
	return fmt.Errorf("unknown %s %q", what, quoted)
}
