package parquetio

import (
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"os"
	"slices"
	"time"
	"unsafe"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress/zstd"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/internal/civil"
)

// rowsPerGroup bounds a row group: readers decode a group's columns in
// parallel, and a writer holds one group in memory.
var rowsPerGroup = 256 << 10

// pageBytes is about how large a page is before compression: four times
// the library's default, for a page header, a frame of zstd and its
// tables a megabyte, not 256 KiB (a 1M-row file 3 % smaller, its load
// 2 % faster).
const pageBytes = 1 << 20

// Write writes conversations to w as one Parquet file with schema's custom
// properties as columns (nil means [convreport.DefaultSchema]). Every
// conversation's times must be within the times a conversation holds
// (see [convreport.Conversation]), and its custom properties declared by schema
// with values of their kinds; Write checks nothing else (the reader
// validates).
func Write(w io.Writer, schema *convreport.Schema, convs iter.Seq[convreport.Conversation]) error {
	if schema == nil {
		schema = convreport.DefaultSchema()
	}
	// A schema a file cannot hold fails before a conversation is read.
	if _, err := newLayout(schema, nil); err != nil {
		return err
	}
	decl, err := json.Marshal(declare(schema))
	if err != nil {
		return err
	}
	var l *layout
	var pw *parquet.Writer
	rows := make([]parquet.Row, 1024) // reused: WriteRows copies the values
	n, k := 0, 0
	put := func(c *convreport.Conversation) error {
		row, err := l.row(c, rows[k][:0])
		if err != nil {
			return fmt.Errorf("parquetio: conversation #%d (%q): %w", n, c.ID, err)
		}
		rows[k] = row
		n, k = n+1, k+1
		if k == len(rows) {
			if _, err := pw.WriteRows(rows); err != nil {
				return err
			}
			k = 0
		}
		return nil
	}
	// The writer is made once the first conversations show how to encode
	// the time columns (see chooseDeltaTimes); they are written then.
	// They are kept in blocks: a slice that grew by copying would move
	// tens of megabytes of pointers.
	var head [][]convreport.Conversation
	held := 0
	open := func() error {
		deltas, err := chooseDeltaTimes(head)
		if err != nil {
			return err
		}
		if l, err = newLayout(schema, deltas); err != nil {
			return err
		}
		pw = parquet.NewWriter(w, l.schema,
			parquet.Compression(&zstd.Codec{Level: zstd.SpeedFastest}),
			parquet.MaxRowsPerRowGroup(int64(rowsPerGroup)),
			parquet.KeyValueMetadata(metaSchema, string(decl)),
			parquet.CreatedBy("convreport", "", ""),
			parquet.PageBufferSize(pageBytes),
		)
		for _, block := range head {
			for i := range block {
				if err := put(&block[i]); err != nil {
					return err
				}
			}
		}
		head = nil
		return nil
	}
	const blockRows = 4096
	for c := range convs {
		if pw != nil {
			if err := put(&c); err != nil {
				return err
			}
			continue
		}
		if held%blockRows == 0 {
			head = append(head, make([]convreport.Conversation, 0, min(blockRows, sampleRows-held)))
		}
		head[len(head)-1] = append(head[len(head)-1], c)
		if held++; held == sampleRows {
			if err := open(); err != nil {
				return err
			}
		}
	}
	if pw == nil {
		if err := open(); err != nil {
			return err
		}
	}
	if _, err := pw.WriteRows(rows[:k]); err != nil {
		return err
	}
	return pw.Close()
}

// WriteFile writes convs to a new file at path, as [Write] does; the file
// is removed when writing fails.
func WriteFile(path string, schema *convreport.Schema, convs []convreport.Conversation) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := Write(f, schema, slices.Values(convs)); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(path)
		return err
	}
	return nil
}

// row appends c's values to row, in column order.
func (l *layout) row(c *convreport.Conversation, row parquet.Row) (parquet.Row, error) {
	for _, col := range l.cols {
		var v parquet.Value
		null := false
		if col.prop != nil {
			p := c.Properties[col.prop.Name]
			if p == nil {
				null = true
			} else {
				var err error
				if v, err = propertyValue(*col.prop, p); err != nil {
					return nil, err
				}
			}
		} else {
			switch col.f.typ {
			case tString:
				s := col.f.StringOf(c)
				null = s == ""
				v = stringValue(s)
			case tTime:
				t := col.f.TimeOf(c)
				null = t.IsZero()
				if !null {
					if !civil.InRange(t) {
						return nil, fmt.Errorf("%s: %s", col.name, civil.RangeReason(t.Format(time.RFC3339Nano)))
					}
					v = parquet.Int64Value(t.UnixNano())
				}
			case tCount:
				v = parquet.Int64Value(int64(col.f.CountOf(c)))
			}
		}
		if null {
			row = append(row, parquet.NullValue().Level(0, 0, col.index))
		} else {
			row = append(row, v.Level(0, col.maxDef, col.index))
		}
	}
	for name := range c.Properties {
		if _, ok := l.props[name]; !ok {
			return nil, fmt.Errorf("properties.%s: is not a custom property of the schema", name)
		}
	}
	return row, nil
}

// stringValue is s as a BYTE_ARRAY value over s's own bytes, as the
// library's ValueOf makes one of a string: the writer copies a value's
// bytes into its buffers, and never writes them, so a copy a string
// (half a writer's allocations) bought nothing.
func stringValue(s string) parquet.Value {
	return parquet.ByteArrayValue(unsafe.Slice(unsafe.StringData(s), len(s)))
}

func propertyValue(p convreport.Property, v any) (parquet.Value, error) {
	bad := func() (parquet.Value, error) {
		return parquet.Value{}, fmt.Errorf("properties.%s: holds %T, want a %s", p.Name, v, p.Kind)
	}
	switch p.Kind {
	case convreport.KindString, convreport.KindEnum:
		s, ok := v.(string)
		if !ok {
			return bad()
		}
		return stringValue(s), nil
	case convreport.KindNumber:
		f, ok := v.(float64)
		if !ok {
			return bad()
		}
		return parquet.DoubleValue(f), nil
	case convreport.KindBool:
		b, ok := v.(bool)
		if !ok {
			return bad()
		}
		return parquet.BooleanValue(b), nil
	case convreport.KindTime:
		t, ok := v.(time.Time)
		if !ok {
			return bad()
		}
		if !civil.InRange(t) {
			return parquet.Value{}, fmt.Errorf("properties.%s: %s", p.Name, civil.RangeReason(t.Format(time.RFC3339Nano)))
		}
		return parquet.Int64Value(t.UnixNano()), nil
	case convreport.KindDuration:
		d, ok := v.(time.Duration)
		if !ok {
			return bad()
		}
		return parquet.Int64Value(int64(d)), nil
	}
	return bad()
}
