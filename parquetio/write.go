package parquetio

import (
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"os"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
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
// 2 % faster). A variable for tests, which write many pages with few rows.
var pageBytes = 1 << 20

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
	var cw *columnsWriter
	// The writer is made once the first conversations show how to encode
	// the time columns (see chooseDeltaTimes); they are written then.
	// Conversations are written a block at a time, each block's columns
	// on every core; a block is a copy of the conversations, as a
	// sequence yields each once.
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
		cw = &columnsWriter{l: l, pw: pw}
		for _, block := range head {
			if err := cw.write(block); err != nil {
				return err
			}
		}
		head = nil
		return nil
	}
	var block []convreport.Conversation
	for c := range convs {
		if pw != nil {
			if block = append(block, c); len(block) == blockRows {
				if err := cw.write(block); err != nil {
					return err
				}
				block = block[:0]
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
			block = make([]convreport.Conversation, 0, blockRows)
		}
	}
	if pw == nil {
		if err := open(); err != nil {
			return err
		}
	}
	if err := cw.write(block); err != nil {
		return err
	}
	return pw.Close()
}

// blockRows is how many conversations Write hands its cores at a time:
// a block's columns are written in parallel, and the block held until
// they are.
const blockRows = 4096

// writeWorkers is how many goroutines write a block's columns, 0 for
// GOMAXPROCS; a variable for tests, which compare the files of one and
// of several.
var writeWorkers = 0

// columnsWriter writes blocks of conversations into a Parquet writer's
// current row group column by column, each column on whichever core is
// free: a column's values are independent of the others', and making
// them (and encoding and compressing their pages) is most of a write.
// A column's values are handed to the library 64 rows at a time from the
// start of its row group, as its WriteRows does with rows, whatever the
// blocks and the cores: the file does not depend on them.
type columnsWriter struct {
	l       *layout
	pw      *parquet.Writer
	written int // conversations written
	inGroup int // of them, in the current row group
}

// write writes block, cutting row groups at rowsPerGroup rows. It is the
// error of the first conversation (in block order, then column order)
// that a file cannot hold, as writing row by row would find it.
func (w *columnsWriter) write(block []convreport.Conversation) error {
	for len(block) > 0 {
		k := min(len(block), rowsPerGroup-w.inGroup)
		if err := w.writeColumns(block[:k]); err != nil {
			return err
		}
		block, w.written, w.inGroup = block[k:], w.written+k, w.inGroup+k
		if w.inGroup == rowsPerGroup {
			if err := w.pw.Flush(); err != nil {
				return err
			}
			w.inGroup = 0
		}
	}
	return nil
}

// writeColumns writes rows, all within the current row group, a column
// (and, last, the check of the properties no column holds) a task.
func (w *columnsWriter) writeColumns(rows []convreport.Conversation) error {
	cols := w.pw.ColumnWriters()
	tasks := len(w.l.cols) + 1
	errs := make([]rowError, tasks)
	run := func(t int, vals []parquet.Value) []parquet.Value {
		if t == len(w.l.cols) {
			errs[t] = w.l.undeclared(rows)
			return vals
		}
		col := &w.l.cols[t]
		cw := cols[col.index]
		// Chunks of 64 rows from the row group's start.
		for i := 0; i < len(rows); {
			j := min(len(rows), i+64-(w.inGroup+i)%64)
			vals = vals[:0]
			for r := i; r < j; r++ {
				v, err := w.l.value(col, &rows[r])
				if err != nil {
					errs[t] = rowError{r, err}
					return vals
				}
				vals = append(vals, v)
			}
			if _, err := cw.WriteRowValues(vals); err != nil {
				errs[t] = rowError{i, err}
				return vals
			}
			i = j
		}
		return vals
	}
	workers := writeWorkers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if workers = min(workers, tasks); len(rows) < 1024 {
		workers = 1 // a few rows are not worth waking another core for
	}
	// Not eachTask: its workers are all goroutines fed through a channel,
	// which cost a write of 200k rows 5-12 % against this loop, where the
	// caller takes tasks too.
	var next atomic.Int64
	panics := make([]any, workers) // a worker's panic, raised again on the caller's goroutine
	work := func(k int) {
		// A panic on another goroutine would end the program, where on
		// the caller's it was the caller's to handle.
		defer func() { panics[k] = recover() }()
		vals := make([]parquet.Value, 0, 64)
		for t := int(next.Add(1) - 1); t < tasks; t = int(next.Add(1) - 1) {
			vals = run(t, vals)
		}
	}
	var wg sync.WaitGroup
	for k := 1; k < workers; k++ {
		wg.Go(func() { work(k) })
	}
	work(0)
	wg.Wait()
	for _, p := range panics {
		if p != nil {
			panic(p)
		}
	}
	first := rowError{row: len(rows)}
	for _, e := range errs {
		if e.err != nil && e.row < first.row {
			first = e
		}
	}
	if first.err == nil {
		return nil
	}
	c := &rows[first.row]
	return fmt.Errorf("parquetio: conversation #%d (%q): %w", w.written+first.row, c.ID, first.err)
}

// rowError is the first row of a block a column could not write, and why.
type rowError struct {
	row int
	err error
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

// value is c's value of col, with its levels.
func (l *layout) value(col *column, c *convreport.Conversation) (parquet.Value, error) {
	var v parquet.Value
	null := false
	if col.prop != nil {
		p := c.Properties[col.prop.Name]
		if p == nil {
			null = true
		} else {
			var err error
			if v, err = propertyValue(*col.prop, p); err != nil {
				return v, err
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
					return v, fmt.Errorf("%s: %s", col.name, civil.RangeReason(civil.FormatRFC3339(t)))
				}
				v = parquet.Int64Value(t.UnixNano())
			}
		case tCount:
			v = parquet.Int64Value(int64(col.f.CountOf(c)))
		}
	}
	if null {
		return parquet.NullValue().Level(0, 0, col.index), nil
	}
	return v.Level(0, col.maxDef, col.index), nil
}

// undeclared is the first of rows with a custom property the layout has
// no column for, or no row (len(rows)) and no error.
func (l *layout) undeclared(rows []convreport.Conversation) rowError {
	for r := range rows {
		for name := range rows[r].Properties {
			if _, ok := l.props[name]; !ok {
				return rowError{r, fmt.Errorf("properties.%s: is not a custom property of the schema", name)}
			}
		}
	}
	return rowError{row: len(rows)}
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
		if f == 0 {
			f = 0 // -0 is 0, as every source reads it
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
			return parquet.Value{}, fmt.Errorf("properties.%s: %s", p.Name, civil.RangeReason(civil.FormatRFC3339(t)))
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
