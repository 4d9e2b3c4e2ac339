package parquetio

import (
	"context"
	"errors"
	"io"
	"math"
	"unsafe"

	"github.com/parquet-go/parquet-go"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/ingest"
	"github.com/convreport/convreport/internal/tables"
	"github.com/convreport/convreport/memory"
)

// LoadFile loads the Parquet file at path into a memory source, as [Load]
// does.
func LoadFile(ctx context.Context, path string, opt ingest.Options) (*memory.Source, error) {
	return fromFile(path, opt, func(r io.ReaderAt, size int64, opt ingest.Options) (*memory.Source, error) {
		return Load(ctx, r, size, opt)
	})
}

// Load reads a Parquet file of conversations into a memory source. It
// gives what [Read] followed by [memory.New] gives, errors included: with
// opt.SkipInvalid, a source of the valid rows (perhaps none) and the
// joined errors of the others; otherwise no source and the error. It
// is about twice as fast: a file whose rows are all valid goes column by
// column into the source's column store, with no Conversation per row.
// Any other file is read row by row.
func Load(ctx context.Context, r io.ReaderAt, size int64, opt ingest.Options) (*memory.Source, error) {
	schema := opt.Schema
	if schema == nil {
		schema = convreport.DefaultSchema()
	}
	src, err := loadColumns(ctx, r, size, opt, schema)
	switch {
	case err == nil:
		if opt.Progress != nil {
			opt.Progress(size, src.Len())
		}
		return src, nil
	case !errors.Is(err, tables.ErrNotClean):
		return nil, err
	}
	rows, rerr := Read(ctx, r, size, opt)
	var re *RowError
	if rerr != nil && (!opt.SkipInvalid || rows == nil && !errors.As(rerr, &re)) {
		return nil, rerr
	}
	src, err = memory.New(rows, memory.WithSchema(schema))
	if err != nil {
		return nil, err
	}
	return src, rerr
}

// batchRows is about how many rows loadColumns decodes at a time: the
// decoded columns of a batch are held beside the table until it is built,
// so batches bound what a load holds beyond the source it makes.
var batchRows int64 = 16 << 20

// loadColumns decodes the file's columns, a batch of row groups at a
// time, and builds the table from them, each batch a segment of it. It is
// tables.ErrNotClean when the row-wise path must take over: a value out
// of range, an invalid row or a repeated ID.
func loadColumns(ctx context.Context, r io.ReaderAt, size int64, opt ingest.Options, schema *convreport.Schema) (src *memory.Source, err error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	fileErr := func(col string, err error) error { return &FileError{File: opt.File, Column: col, Err: err} }
	var f *parquet.File
	var cols []column
	var rgs []parquet.RowGroup
	err = func() (err error) {
		defer func() {
			if p := recover(); p != nil {
				err = tables.ErrNotClean // Read says what is wrong
			}
		}()
		if f, err = parquet.OpenFile(r, size, parquet.SkipPageIndex(true), parquet.SkipBloomFilters(true)); err != nil {
			return fileErr("", err)
		}
		if cols, err = columnsOf(f.Schema(), schema, opt.IgnoreUnknown); err != nil {
			var fe *FileError
			if errors.As(err, &fe) {
				fe.File = opt.File
			}
			return err
		}
		rgs = f.RowGroups()
		var total int64
		for _, rg := range rgs {
			if rg.NumRows() < 0 {
				return tables.ErrNotClean
			}
			total += rg.NumRows()
		}
		if n := f.NumRows(); n < 0 || total != n {
			return tables.ErrNotClean // the row-wise reader says what is wrong
		}
		return nil
	}()
	if err != nil {
		return nil, err
	}
	var t any
	for start := 0; start < len(rgs) || t == nil; {
		end, n := start, int64(0)
		for end < len(rgs) && (end == start || n+rgs[end].NumRows() <= batchRows) {
			n += rgs[end].NumRows()
			end++
		}
		if n > 1<<31-1 {
			return nil, tables.ErrNotClean
		}
		in, err := decodeColumns(ctx, cols, rgs[start:end], int(n), opt)
		if err != nil {
			return nil, err
		}
		if t, err = tables.Build(schema, t, in); err != nil {
			return nil, err
		}
		start = end
	}
	return memory.FromTable(t.(*convreport.Table)), nil
}

// decodeColumns decodes the columns of the row groups rgs, which hold n
// rows, into a tables.Columns.
func decodeColumns(ctx context.Context, cols []column, rgs []parquet.RowGroup, n int, opt ingest.Options) (*tables.Columns, error) {
	fileErr := func(col string, err error) error { return &FileError{File: opt.File, Column: col, Err: err} }
	in := &tables.Columns{N: n, Strings: map[string]*tables.Strings{}, Times: map[string][]int64{}, Durations: map[string][]int64{},
		Counts: map[string][]int64{}, Numbers: map[string][]float64{}, Bools: map[string][]uint8{}}
	for _, c := range cols {
		name, kind := c.kind()
		switch kind {
		case convreport.KindString, convreport.KindEnum:
			in.Strings[name] = &tables.Strings{}
		case convreport.KindTime:
			in.Times[name] = make([]int64, n)
		case convreport.KindDuration:
			in.Durations[name] = make([]int64, n)
		case convreport.KindBool:
			in.Bools[name] = make([]uint8, n)
		case convreport.KindNumber:
			if c.f != nil {
				in.Counts[name] = make([]int64, n)
			} else {
				in.Numbers[name] = make([]float64, n)
			}
		}
	}
	// One task a column, over every row group in order: a dictionary
	// column builds one dictionary.
	err := eachTask(ctx, opt.Workers, cols, newColumnLoader, func(d *columnLoader, c column) error {
		if err := d.safeLoad(c, rgs, in); err != nil {
			return fileErr(c.name, err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return in, nil
}

// columnLoader decodes column chunks into tables.Columns, reusing its
// buffer of values.
type columnLoader struct {
	values []parquet.Value
	// arena is the free end of the block that keep copies bytes into.
	arena []byte
	// The last page dictionary mapped, and its entries' strings and
	// indexes in the column's dictionary.
	dict      parquet.Dictionary
	dictStrs  []string
	dictCodes []uint32
}

func newColumnLoader() *columnLoader {
	return &columnLoader{values: make([]parquet.Value, 4096)}
}

// kind returns the property column c holds and its kind.
func (c column) kind() (string, convreport.Kind) {
	if c.f != nil {
		return c.f.Name, c.f.Kind
	}
	return c.prop.Name, c.prop.Kind
}

// safeLoad is load with a panic of the Parquet library's decoders, on a
// damaged file, turned into tables.ErrNotClean: Read then says what is
// wrong, as it does for every file.
func (d *columnLoader) safeLoad(c column, rgs []parquet.RowGroup, in *tables.Columns) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = tables.ErrNotClean
		}
	}()
	return d.load(c, rgs, in)
}

// load decodes column c of every row group into in.
func (d *columnLoader) load(c column, rgs []parquet.RowGroup, in *tables.Columns) error {
	var dict map[string]uint32
	name, _ := c.kind()
	st := in.Strings[name]
	if st != nil {
		if c.prop != nil || c.f.dict {
			dict = map[string]uint32{}
			st.Idx = make([]uint32, in.N)
		} else {
			st.Vals = make([]string, in.N)
		}
	}
	i := 0
	for _, rg := range rgs {
		pages := rg.ColumnChunks()[c.index].Pages()
		d.dict = nil // a chunk's dictionary is its own; a later one may reuse its memory
		for {
			page, err := pages.ReadPage()
			if err == io.EOF {
				break
			}
			if err != nil {
				pages.Close()
				return tables.ErrNotClean
			}
			if n, ok, err := d.storePage(c, page, i, in, st, dict); ok || err != nil {
				parquet.Release(page)
				if err != nil {
					pages.Close()
					return err
				}
				i += n
				continue
			}
			vr := page.Values()
			for {
				k, err := vr.ReadValues(d.values)
				if i+k > in.N {
					parquet.Release(page)
					pages.Close()
					return tables.ErrNotClean
				}
				d.storeBools(c, d.values[:k], i, in)
				i += k
				if err == io.EOF {
					break
				}
				if err != nil {
					parquet.Release(page)
					pages.Close()
					return tables.ErrNotClean
				}
			}
			parquet.Release(page)
		}
		pages.Close()
	}
	if i != in.N {
		return tables.ErrNotClean
	}
	return nil
}

// storePage puts the rows of page, from row i, into in straight from the
// page's buffers (its definition levels, and its values or dictionary
// indexes), without a parquet.Value a row; a dictionary is mapped to
// in's once. It reports how many rows it stored, and false for a page it
// leaves to the values reader (bools).
func (d *columnLoader) storePage(c column, page parquet.Page, i int, in *tables.Columns, st *tables.Strings, dict map[string]uint32) (int, bool, error) {
	name, kind := c.kind()
	if kind == convreport.KindBool {
		return 0, false, nil
	}
	defs := page.DefinitionLevels()
	n := int(page.NumRows())
	if defs != nil && len(defs) != n || i+n > in.N || n < 0 {
		return 0, false, tables.ErrNotClean
	}
	maxDef := byte(c.maxDef)
	data := page.Data()
	k := 0 // the next value of the page: nulls have none
	switch kind {
	case convreport.KindString, convreport.KindEnum:
		if pd := page.Dictionary(); pd != nil {
			idx := data.Int32()
			strs, codes := d.mapDictionary(pd, st, dict)
			for j := range n {
				if defs != nil && defs[j] != maxDef {
					continue
				}
				if k >= len(idx) || idx[k] < 0 || int(idx[k]) >= len(strs) {
					return 0, false, tables.ErrNotClean
				}
				if st.Vals != nil {
					st.Vals[i+j] = strs[idx[k]]
				} else {
					st.Idx[i+j] = codes[idx[k]]
				}
				k++
			}
			return n, true, d.allUsed(k, len(idx))
		}
		buf, offs := data.ByteArray()
		if st.Vals != nil {
			// The rows' strings share one copy of the page's bytes (the
			// page's buffer goes back to the reader): a string a value
			// would be an allocation each, ten million of them for the IDs
			// of ten million rows.
			buf = d.keep(buf)
		}
		for j := range n {
			if defs != nil && defs[j] != maxDef {
				continue
			}
			if k+1 >= len(offs) || offs[k] > offs[k+1] || int(offs[k+1]) > len(buf) {
				return 0, false, tables.ErrNotClean
			}
			b := buf[offs[k]:offs[k+1]]
			k++
			switch {
			case len(b) == 0:
			case st.Vals != nil:
				st.Vals[i+j] = unsafe.String(&b[0], len(b))
			default:
				st.Idx[i+j] = localIndex(st, dict, b)
			}
		}
		return n, true, d.allUsed(k, max(len(offs)-1, 0))
	case convreport.KindNumber:
		if c.prop != nil { // a custom number
			vals := data.Double()
			out := in.Numbers[name]
			for j := range n {
				out[i+j] = math.NaN()
				if defs == nil || defs[j] == maxDef {
					if k >= len(vals) {
						return 0, false, tables.ErrNotClean
					}
					out[i+j] = vals[k]
					k++
				}
			}
			return n, true, d.allUsed(k, len(vals))
		}
	}
	// Times, durations and message counts: INT64.
	vals := data.Int64()
	var out []int64
	switch kind {
	case convreport.KindTime:
		out = in.Times[name]
	case convreport.KindDuration:
		out = in.Durations[name]
	default:
		out = in.Counts[name]
	}
	count := kind == convreport.KindNumber
	for j := range n {
		out[i+j] = tables.Unknown
		if defs != nil && defs[j] != maxDef {
			continue
		}
		if k >= len(vals) {
			return 0, false, tables.ErrNotClean
		}
		v := vals[k]
		k++
		switch {
		case count && (v < 0 || v > 1<<53):
			return 0, false, tables.ErrNotClean // the row-wise reader names it
		case kind == convreport.KindTime && v == tables.Unknown:
			return 0, false, tables.ErrNotClean // outside MinTime: the row-wise reader names it
		}
		out[i+j] = v
	}
	return n, true, d.allUsed(k, len(vals))
}

// keep returns a copy of b that is never written again, cut from a block
// of at least a few megabytes: the strings of many pages share a block.
func (d *columnLoader) keep(b []byte) []byte {
	if len(b) > len(d.arena) {
		d.arena = make([]byte, max(len(b), 4<<20))
	}
	own := d.arena[:len(b):len(b)]
	d.arena = d.arena[len(b):]
	copy(own, b)
	return own
}

// allUsed is nil when a page's rows used all its values.
func (d *columnLoader) allUsed(used, have int) error {
	if used != have {
		return tables.ErrNotClean
	}
	return nil
}

// mapDictionary returns, for each entry of a page's dictionary, its
// string and its index in st's dictionary plus one (0 for ""), computed
// once for the pages that share it.
func (d *columnLoader) mapDictionary(pd parquet.Dictionary, st *tables.Strings, dict map[string]uint32) ([]string, []uint32) {
	if pd == d.dict {
		return d.dictStrs, d.dictCodes
	}
	values := pd.Page().Data()
	buf, offs := values.ByteArray()
	d.dict, d.dictStrs, d.dictCodes = pd, d.dictStrs[:0], d.dictCodes[:0]
	for e := 0; e+1 < len(offs); e++ {
		b := buf[offs[e]:offs[e+1]]
		var code uint32
		if len(b) > 0 && st.Vals == nil {
			code = localIndex(st, dict, b)
		}
		d.dictStrs = append(d.dictStrs, string(b))
		d.dictCodes = append(d.dictCodes, code)
	}
	return d.dictStrs, d.dictCodes
}

// localIndex returns b's position in st's dictionary plus one, adding it.
func localIndex(st *tables.Strings, dict map[string]uint32, b []byte) uint32 {
	k, ok := dict[string(b)]
	if !ok {
		s := string(b)
		st.Dict = append(st.Dict, s)
		k = uint32(len(st.Dict))
		dict[s] = k
	}
	return k
}

// storeBools puts vs, the values of rows [i, i+len(vs)) of a bool
// column, into in: the one kind storePage leaves to the values reader.
func (d *columnLoader) storeBools(c column, vs []parquet.Value, i int, in *tables.Columns) {
	name, _ := c.kind()
	out := in.Bools[name]
	for j, v := range vs {
		out[i+j] = 0
		if !v.IsNull() {
			out[i+j] = 1 + b2u8(v.Boolean())
		}
	}
}

func b2u8(b bool) uint8 {
	if b {
		return 1
	}
	return 0
}
