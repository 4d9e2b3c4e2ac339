package parquetio

import (
	"encoding/binary"
	"fmt"
	"sort"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress/zstd"

	"github.com/convreport/convreport"
)

// metaSchema is the key of the file's key-value metadata that declares
// its custom properties, as JSON: [{"name":…,"kind":…,"values":[…]}].
const metaSchema = "convreport.schema"

type fieldType uint8

const (
	tString fieldType = iota
	tTime
	tCount
)

// builtin is a built-in field of a conversation as a column: its name
// (the JSON Lines key), type, and the field that reads and writes it.
type builtin struct {
	convreport.Field
	name  string
	typ   fieldType
	dict  bool // written dictionary-encoded
	delta bool // written DELTA_BINARY_PACKED
	// indexed is loaded as indexes into a dictionary the column's loader
	// keeps: values repeat across the file (a subject may not, and is
	// loaded as strings).
	indexed bool
	needed  bool // a valid conversation has it: a file must have the column
}

// builtins are the built-in fields, in the order of the interchange
// format (docs/semantics.md), from convreport's one table of them.
var builtins = func() []builtin {
	var bs []builtin
	for _, f := range convreport.Fields() {
		// Subjects are written dictionary-encoded too: most inboxes
		// repeat them (forms, templates, replies), which a dictionary
		// stores once and a load codes once, and where they do not, it
		// costs an index a row.
		// The creation times (sorted) and the message counts (small) are
		// delta-encoded: fewer bytes for zstd to find and a load to
		// decompress, at every size. The other times are chosen file by
		// file (see chooseDeltaTimes).
		b := builtin{Field: f, name: f.Key, typ: tString, dict: f.Repeats || f.Name == "Subject", indexed: f.Repeats, needed: f.Required,
			delta: f.Name == "CreatedAt" || f.Kind == convreport.KindNumber}
		switch f.Kind {
		case convreport.KindTime:
			b.typ = tTime
		case convreport.KindNumber:
			b.typ = tCount
		}
		bs = append(bs, b)
	}
	return bs
}()

// column is one leaf column of the file's schema.
type column struct {
	name   string // "inbox", or "properties.tier"
	index  int    // its leaf index in the file
	maxDef int    // 1 for an optional column, 0 for a required one
	unit   int64  // a time column's nanoseconds a unit: 1, 1000 or 1e6 (0 in a layout Write uses: nanoseconds)
	narrow bool   // a column of counts as INT32
	// unsigned is an integer column of counts or custom numbers whose
	// values are unsigned (INT(32,false) and the like).
	unsigned bool
	// from is the physical type of a custom number's column: DOUBLE as
	// Write writes it, or FLOAT, an integer or a DECIMAL as other writers
	// may.
	from parquet.Kind
	// decimal is a custom number's column of DECIMALs, whose unscaled
	// integers are divided by 10^scale.
	decimal bool
	scale   int32
	f       *builtin
	prop    *convreport.Property
}

// layout is the Parquet schema of conversations under a convreport
// schema, and its columns in leaf order.
type layout struct {
	schema *parquet.Schema
	cols   []column
	props  map[string]*convreport.Property
}

// The Parquet types of the columns. Times are TIMESTAMP(NANOS) adjusted
// to UTC; durations are INT64 nanoseconds; strings are UTF-8 byte arrays,
// dictionary-encoded where values repeat; some integers delta-encoded
// (see builtins), and the other times when delta says so.
func builtinNode(b *builtin, delta bool) parquet.Node {
	switch b.typ {
	case tTime:
		return parquet.Optional(b.encoded(parquet.Timestamp(parquet.Nanosecond), delta))
	case tCount:
		return b.encoded(parquet.Int(64), delta)
	}
	if b.dict {
		return parquet.Optional(parquet.Encoded(parquet.String(), &parquet.RLEDictionary))
	}
	return parquet.Optional(parquet.String())
}

// encoded is n written as b is: delta-encoded when b.delta, or delta.
func (b *builtin) encoded(n parquet.Node, delta bool) parquet.Node {
	if b.delta || delta {
		return parquet.Encoded(n, &parquet.DeltaBinaryPacked)
	}
	return n
}

func propertyNode(p *convreport.Property) (parquet.Node, error) {
	switch p.Kind {
	case convreport.KindString:
		return parquet.Optional(parquet.String()), nil
	case convreport.KindEnum:
		return parquet.Optional(parquet.Encoded(parquet.String(), &parquet.RLEDictionary)), nil
	case convreport.KindNumber:
		return parquet.Optional(parquet.Leaf(parquet.DoubleType)), nil
	case convreport.KindBool:
		return parquet.Optional(parquet.Leaf(parquet.BooleanType)), nil
	case convreport.KindTime:
		return parquet.Optional(parquet.Timestamp(parquet.Nanosecond)), nil
	case convreport.KindDuration:
		return parquet.Optional(parquet.Int(64)), nil
	}
	return nil, fmt.Errorf("parquetio: custom property %q has kind %s, which Parquet files cannot hold", p.Name, p.Kind)
}

// newLayout returns the layout of conversations under schema, the time
// columns named in deltaTimes delta-encoded too.
func newLayout(schema *convreport.Schema, deltaTimes map[string]bool) (*layout, error) {
	root := parquet.Group{}
	for i := range builtins {
		b := &builtins[i]
		root[b.name] = builtinNode(b, deltaTimes[b.name])
	}
	l := &layout{props: map[string]*convreport.Property{}}
	custom := schema.Custom()
	if len(custom) > 0 {
		props := parquet.Group{}
		for i := range custom {
			p := &custom[i]
			n, err := propertyNode(p)
			if err != nil {
				return nil, err
			}
			props[p.Name] = n
			l.props[p.Name] = p
		}
		root["properties"] = props
	}
	l.schema = parquet.NewSchema("conversation", root)
	for i := range builtins {
		b := &builtins[i]
		leaf, _ := l.schema.Lookup(b.name)
		l.cols = append(l.cols, column{name: b.name, index: leaf.ColumnIndex, maxDef: leaf.MaxDefinitionLevel, f: b})
	}
	for i := range custom {
		p := &custom[i]
		leaf, _ := l.schema.Lookup("properties", p.Name)
		l.cols = append(l.cols, column{name: "properties." + p.Name, index: leaf.ColumnIndex, maxDef: leaf.MaxDefinitionLevel, prop: p})
	}
	// A row's values go in leaf order.
	sort.Slice(l.cols, func(i, j int) bool { return l.cols[i].index < l.cols[j].index })
	return l, nil
}

// sampleRows is how many of the first conversations chooseDeltaTimes
// judges the time columns' encodings by: about half a page of each.
var sampleRows = 64 << 10

// chooseDeltaTimes returns the time columns (other than the creation
// time, always delta-encoded) to write DELTA_BINARY_PACKED, judged on
// the known values of head, the file's first conversations (in blocks).
// A time a while after each creation (a first reply, a close) moves with
// the creation times, and how well zstd packs it PLAIN depends on how
// close the rows lie; its deltas do not. Delta-encoded, a page is bits zstd
// finds little in, which a load copies as it is and unpacks fast; a
// PLAIN page zstd packed costs a load Huffman decoding. Measured on the
// sample data, every time column delta-encoded loaded 5 % faster at 1M
// conversations (the file 1 % smaller), 3–5 % at 3M (9 % larger) and
// 3 % at 10M (20 % larger). So a column is delta-encoded unless its
// deltas, packed, take more than a quarter more bytes than its values
// PLAIN: at 1M every time column is, at 3M and 10M only the close.
func chooseDeltaTimes(head [][]convreport.Conversation) (map[string]bool, error) {
	codec := &zstd.Codec{Level: zstd.SpeedFastest}
	chosen := map[string]bool{}
	var vals []int64
	var plain, packed []byte
	for i := range builtins {
		b := &builtins[i]
		if b.typ != tTime || b.delta {
			continue
		}
		vals = vals[:0]
		for _, block := range head {
			for k := range block {
				if t := b.TimeOf(&block[k]); !t.IsZero() {
					vals = append(vals, t.UnixNano())
				}
			}
		}
		if len(vals) == 0 {
			continue
		}
		plain = plain[:0]
		for _, v := range vals {
			plain = binary.LittleEndian.AppendUint64(plain, uint64(v))
		}
		deltas, err := parquet.DeltaBinaryPacked.EncodeInt64(nil, vals)
		if err != nil {
			return nil, err
		}
		if packed, err = codec.Encode(packed[:0], plain); err != nil {
			return nil, err
		}
		plainSize := len(packed)
		if packed, err = codec.Encode(packed[:0], deltas); err != nil {
			return nil, err
		}
		chosen[b.name] = 4*len(packed) <= 5*plainSize
	}
	return chosen, nil
}

// declaration is how the file's metadata declares a custom property.
type declaration struct {
	Name   string          `json:"name"`
	Kind   convreport.Kind `json:"kind"`
	Values []string        `json:"values,omitempty"`
}

func declare(schema *convreport.Schema) []declaration {
	out := []declaration{}
	for _, p := range schema.Custom() {
		out = append(out, declaration{Name: p.Name, Kind: p.Kind, Values: p.Values})
	}
	return out
}
