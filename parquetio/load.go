package parquetio

import (
	"context"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"unicode/utf8"
	"unsafe"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/encoding"
	"github.com/parquet-go/parquet-go/format"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/ingest"
	"github.com/convreport/convreport/internal/colstore"
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
//
// opt.Progress, when set, is called on the calling goroutine as the rows
// go into the source, about every 256k rows (a row group of the files
// Write makes), with the bytes of the file's row groups stored so far
// and their rows; and once at the end with the file's size and the
// source's rows. Both only grow: where an invalid row sends the load row
// by row, that read reports once, at its end, and only when it passes
// what was reported.
func Load(ctx context.Context, r io.ReaderAt, size int64, opt ingest.Options) (*memory.Source, error) {
	schema := opt.Schema
	if schema == nil {
		schema = convreport.DefaultSchema()
	}
	if opt.Progress != nil {
		// A load that goes row by row after an invalid row starts the
		// file again: what it reports stays behind what the column-wise
		// path had reported until it passes it, and is not passed on.
		report, bytes, rows := opt.Progress, int64(0), 0
		opt.Progress = func(b int64, n int) {
			if b >= bytes && n >= rows && (b > bytes || n > rows) {
				bytes, rows = b, n
				report(b, n)
			}
		}
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
	// Read reports from its decoding goroutines; Load's calls come from
	// the caller's, so the fallback reports once, at its end.
	report := opt.Progress
	opt.Progress = nil
	rows, rerr := Read(ctx, r, size, opt)
	var re *RowError
	if rerr != nil && (!opt.SkipInvalid || rows == nil && !errors.As(rerr, &re)) {
		return nil, rerr
	}
	src, err = memory.New(rows, memory.WithSchema(schema))
	if err != nil {
		return nil, err
	}
	if report != nil {
		report(size, src.Len())
	}
	return src, rerr
}

// batchRows is about how many rows a segment of the loaded table holds:
// loadColumns builds a segment from each batch of row groups of about as
// many rows. chunkRows is about how many rows of a batch it decodes at a
// time: a chunk's decoded columns are held, and their memory reused, until
// its rows are stored in the segment, so a load never holds a whole batch
// decoded. A chunk is a row group of the files Write makes: two chunks of
// 256k rows, decoded at once, hold about 50 MB where one of 1M rows held
// 100 MB, and in a new process every page of that is a page fault.
var (
	batchRows int64 = 16 << 20
	chunkRows int64 = 256 << 10
)

// loadColumns decodes the file's columns and builds the table from them,
// a segment a batch of row groups, each batch a chunk of row groups at a
// time. It is tables.ErrNotClean when the row-wise path must take over: a
// value out of range, an invalid row or a repeated ID.
func loadColumns(ctx context.Context, r io.ReaderAt, size int64, opt ingest.Options, schema *convreport.Schema) (src *memory.Source, err error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	fileErr := func(col string, err error) error { return &FileError{File: opt.File, Column: col, Err: err} }
	var f *parquet.File
	var cols []column
	var rgs []parquet.RowGroup
	var rgBytes []int64 // the bytes of each row group's column chunks
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
		rgBytes = groupBytes(f.Metadata().RowGroups, len(rgs), size)
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
	// The ID and CreatedAt columns are decoded a batch at a time (the rows
	// are indexed and ordered by them), the others a chunk at a time.
	var keyCols, chunkCols []column
	for _, c := range cols {
		if name, _ := c.kind(); name == "ID" || name == "CreatedAt" {
			keyCols = append(keyCols, c)
		} else {
			chunkCols = append(chunkCols, c)
		}
	}
	chunks := &chunkDecoder{ctx: ctx, opt: opt, cols: chunkCols}
	var t, state any
	for start := 0; start < len(rgs) || t == nil; {
		end := groupsUpTo(rgs, start, batchRows)
		n := rowsOf(rgs[start:end])
		if n > 1<<31-1 {
			return nil, tables.ErrNotClean
		}
		// The batch's first chunks decode while its IDs and creation
		// times do and are checked, and each later one while the one
		// before is stored.
		chunks.start(rgs[start:end], rgBytes[start:end])
		keys := newColumns(keyCols, int(n))
		err := decode(ctx, opt, keyCols, newLoaders(len(keyCols)), 0, rgs[start:end], keys)
		if err == nil {
			b := &tables.Batch{N: int(n), IDs: keys.Strings["ID"], Created: keys.Times["CreatedAt"], Next: chunks.next, Load: state, Last: end == len(rgs)}
			t, err = tables.Build(schema, t, b)
			state = b.Load
		}
		chunks.stop()
		if err != nil {
			return nil, err
		}
		start = end
	}
	// The table is built and checked: it becomes the new source's.
	src, err = memory.New(nil, memory.WithSchema(schema))
	if err != nil {
		return nil, err
	}
	h, _ := tables.HeldBy(src)
	tables.Store(h, t.(tables.Table[convreport.Schema, convreport.Conversation]))
	return src, nil
}

// groupBytes returns the bytes of the column chunks of each of the n row
// groups of a file of size bytes, as its footer gives them (meta), for
// progress: each at least 0, and together at most the file's size.
func groupBytes(meta []format.RowGroup, n int, size int64) []int64 {
	out := make([]int64, n)
	var total int64
	for i := range min(n, len(meta)) {
		var b int64
		for _, c := range meta[i].Columns {
			b += max(c.MetaData.TotalCompressedSize, 0)
		}
		b = min(max(b, 0), size-total)
		out[i] = b
		total += b
	}
	return out
}

// groupsUpTo returns the end of the row groups from start that hold at
// most limit rows together, or the one at start when it alone holds more.
func groupsUpTo(rgs []parquet.RowGroup, start int, limit int64) int {
	end, n := start, int64(0)
	for end < len(rgs) && (end == start || n+rgs[end].NumRows() <= limit) {
		n += rgs[end].NumRows()
		end++
	}
	return end
}

// rowsOf returns the rows of rgs.
func rowsOf(rgs []parquet.RowGroup) int64 {
	var n int64
	for _, rg := range rgs {
		n += rg.NumRows()
	}
	return n
}

// newColumns returns a tables.Columns of n rows for cols.
func newColumns(cols []column, n int) *tables.Columns {
	in := &tables.Columns{N: n, Strings: map[string]*tables.Strings{}, Times: map[string][]int64{}, Durations: map[string][]int64{},
		Counts: map[string][]int64{}, Numbers: map[string][]float64{}, Bools: map[string][]uint8{}}
	for _, c := range cols {
		name, kind := c.kind()
		switch kind {
		case convreport.KindString, convreport.KindEnum:
			if c.f != nil && c.f.Name == "ID" {
				// Distinct values: kept as bytes and ends, which the table
				// takes as they are.
				in.Strings[name] = &tables.Strings{Ends: colstore.Populated(make([]uint32, n))}
			} else if c.prop != nil || c.f.indexed {
				in.Strings[name] = &tables.Strings{Idx: colstore.Populated(make([]uint32, n))}
			} else {
				in.Strings[name] = &tables.Strings{Vals: colstore.Populated(make([]string, n))}
			}
		case convreport.KindTime:
			in.Times[name] = colstore.Populated(make([]int64, n))
		case convreport.KindDuration:
			in.Durations[name] = colstore.Populated(make([]int64, n))
		case convreport.KindBool:
			in.Bools[name] = colstore.Populated(make([]uint8, n))
		case convreport.KindNumber:
			if c.f != nil {
				in.Counts[name] = colstore.Populated(make([]int64, n))
			} else {
				in.Numbers[name] = colstore.Populated(make([]float64, n))
			}
		}
	}
	return in
}

// chunkDecoder decodes the chunks of a batch on a goroutine of its own,
// ahead of the caller that stores them: into two sets of columns in
// turn, whose memory is reused from chunk to chunk. A chunk decodes into
// a set as soon as the set is free, so the batch's first two decode at
// once, while its IDs are checked, and each later one while the one
// before is stored. It has a loader a column, whose dictionary of a
// dictionary-coded column grows over the chunks of a batch.
type chunkDecoder struct {
	ctx     context.Context
	opt     ingest.Options
	cols    []column
	loaders []*columnLoader
	bufs    [2]*tables.Columns
	free    chan int     // the sets no chunk is in
	out     chan decoded // the chunks decoded, in order; closed when the goroutine returns
	held    int          // the set of the chunk the caller stores, -1 when none
	quit    chan struct{}
	// opt.Progress, when set, is told of each chunk stored: the bytes of
	// the row groups stored so far and their rows.
	heldBytes, heldRows int64 // the held chunk's row groups' bytes, and its rows
	bytes, rows         int64 // of the chunks stored so far, every batch's
}

// decoded is a chunk decoded into set side, or why it was not; bytes are
// those of its row groups.
type decoded struct {
	in    *tables.Columns
	side  int
	bytes int64
	err   error
}

// start starts decoding a batch of the row groups rgs, whose bytes are
// rgBytes; its dictionaries start empty.
func (c *chunkDecoder) start(rgs []parquet.RowGroup, rgBytes []int64) {
	c.loaders = newLoaders(len(c.cols))
	c.free = make(chan int, 2)
	c.free <- 0
	c.free <- 1
	// At most two chunks are decoded and not yet taken, one a set: the
	// sends below never wait.
	c.out = make(chan decoded, 2)
	c.held = -1
	c.quit = make(chan struct{})
	go func() {
		defer close(c.out)
		for len(rgs) > 0 {
			var side int
			select {
			case side = <-c.free:
			case <-c.quit:
				return
			}
			to := groupsUpTo(rgs, 0, chunkRows)
			in := c.columns(side, int(rowsOf(rgs[:to])))
			err := decode(c.ctx, c.opt, c.cols, c.loaders, side, rgs[:to], in)
			var bytes int64
			for _, b := range rgBytes[:to] {
				bytes += b
			}
			c.out <- decoded{in, side, bytes, err}
			if err != nil {
				return
			}
			rgs, rgBytes = rgs[to:], rgBytes[to:]
		}
	}()
}

// next is the batch's Next: the next chunk, once it is decoded. The
// chunk returned before is stored by then, and its set free for another.
func (c *chunkDecoder) next() (*tables.Columns, error) {
	if c.held >= 0 {
		c.free <- c.held
		c.bytes, c.rows = c.bytes+c.heldBytes, c.rows+c.heldRows
		c.held = -1
		if c.opt.Progress != nil {
			c.opt.Progress(c.bytes, int(c.rows))
		}
	}
	d, ok := <-c.out
	if !ok {
		return nil, nil
	}
	if d.err != nil {
		return nil, d.err
	}
	c.held, c.heldBytes, c.heldRows = d.side, d.bytes, int64(d.in.N)
	return d.in, nil
}

// stop ends the batch's decoding, early or not, and waits for it.
func (c *chunkDecoder) stop() {
	close(c.quit)
	for range c.out {
	}
}

// columns returns set side of the chunk columns resized to n rows: the
// same memory as that set's last chunk when it has room.
func (c *chunkDecoder) columns(side, n int) *tables.Columns {
	in := c.bufs[side]
	if in == nil || capacity(in) < n {
		in = newColumns(c.cols, max(n, int(chunkRows)))
		c.bufs[side] = in
	}
	in.N = n
	for _, st := range in.Strings {
		if st.Vals != nil {
			st.Vals = st.Vals[:n]
		} else {
			st.Idx = st.Idx[:n]
		}
	}
	for _, m := range []map[string][]int64{in.Times, in.Durations, in.Counts} {
		for name, v := range m {
			m[name] = v[:n]
		}
	}
	for name, v := range in.Numbers {
		in.Numbers[name] = v[:n]
	}
	for name, v := range in.Bools {
		in.Bools[name] = v[:n]
	}
	return in
}

// capacity returns the rows in has room for.
func capacity(in *tables.Columns) int {
	for _, st := range in.Strings {
		return max(cap(st.Vals), cap(st.Idx))
	}
	for _, v := range in.Times {
		return cap(v)
	}
	for _, v := range in.Durations {
		return cap(v)
	}
	for _, v := range in.Counts {
		return cap(v)
	}
	for _, v := range in.Numbers {
		return cap(v)
	}
	for _, v := range in.Bools {
		return cap(v)
	}
	return 1<<31 - 1 // no columns
}

func newLoaders(n int) []*columnLoader {
	ls := make([]*columnLoader, n)
	for k := range ls {
		ls[k] = newColumnLoader()
	}
	return ls
}

// decode decodes the columns cols of the row groups rgs into in, which
// has their rows, each column by its loader, the columns in parallel. The
// strings of in are kept in the loaders' blocks of side side, which in's
// last use no longer reads.
func decode(ctx context.Context, opt ingest.Options, cols []column, loaders []*columnLoader, side int, rgs []parquet.RowGroup, in *tables.Columns) error {
	tasks := make([]int, len(cols))
	for k := range tasks {
		tasks[k] = k
	}
	return eachTask(ctx, opt.Workers, tasks, func() struct{} { return struct{}{} }, func(_ struct{}, k int) error {
		loaders[k].rewind(side)
		if err := loaders[k].safeLoad(cols[k], rgs, in); err != nil {
			return &FileError{File: opt.File, Column: cols[k].name, Err: err}
		}
		return nil
	})
}

// columnLoader decodes the chunks of one column into tables.Columns,
// reusing its buffer of values and its blocks of string bytes.
type columnLoader struct {
	values []parquet.Value
	// The blocks keep copies bytes into, two sides of them: a chunk's
	// strings stay while the next chunk decodes into the other side.
	arenas [2]arena
	side   int
	// dict is the dictionary of a dictionary-coded column, and local
	// indexes it; a chunk's Strings.Dict is dict as it was when the chunk
	// was decoded (entries are only ever appended).
	dict  []string
	local map[string]uint32
	// The last page dictionary mapped, and its entries' strings and
	// indexes in dict.
	pageDict  parquet.Dictionary
	dictStrs  []string
	dictCodes []uint32
	ints      []int64   // an INT32 page's counts widened, or a page's times made nanoseconds
	floats    []float64 // a page's custom numbers made float64
}

// arena is blocks of bytes, cut from the start again after a rewind.
type arena struct {
	free   []byte // the free end of the block in use
	blocks [][]byte
	used   int // the blocks in use since the last rewind
}

func newColumnLoader() *columnLoader {
	return &columnLoader{values: make([]parquet.Value, 4096), local: map[string]uint32{}}
}

// rewind makes the loader keep strings on side side, whose blocks are
// free again: the strings cut from them before are no longer read.
func (d *columnLoader) rewind(side int) {
	d.side = side
	d.arenas[side].free, d.arenas[side].used = nil, 0
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

// load decodes column c of the row groups rgs into in, whose rows they
// are.
func (d *columnLoader) load(c column, rgs []parquet.RowGroup, in *tables.Columns) error {
	name, _ := c.kind()
	st := in.Strings[name]
	i := 0
	for _, rg := range rgs {
		pages := rg.ColumnChunks()[c.index].Pages()
		d.pageDict = nil // a chunk's dictionary is its own; a later one may reuse its memory
		for {
			page, err := pages.ReadPage()
			if err == io.EOF {
				break
			}
			if err != nil {
				pages.Close()
				return tables.ErrNotClean
			}
			if n, ok, err := d.storePage(c, page, i, in, st); ok || err != nil {
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
	if st != nil && st.Idx != nil {
		st.Dict = d.dict
	}
	return nil
}

// storePage puts the rows of page, from row i, into in straight from the
// page's buffers (its definition levels, and its values or dictionary
// indexes), without a parquet.Value a row; a dictionary is mapped to
// in's once. It reports how many rows it stored, and false for a page it
// leaves to the values reader (bools).
func (d *columnLoader) storePage(c column, page parquet.Page, i int, in *tables.Columns, st *tables.Strings) (int, bool, error) {
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
		if st.Ends != nil {
			return d.storeEnds(page, i, n, defs, maxDef, st)
		}
		// Every row is written, unknown ones too: the columns hold the
		// last chunk's rows. (Clearing the rows first, then writing the
		// known ones, cost a pass with a write barrier per string.)
		unknown := func(r int) {
			if st.Vals != nil {
				st.Vals[r] = ""
			} else {
				st.Idx[r] = 0
			}
		}
		if pd := page.Dictionary(); pd != nil {
			idx := data.Int32()
			strs, codes, ok := d.mapDictionary(pd, st)
			if !ok {
				return 0, false, tables.ErrNotClean // the row-wise reader names the row
			}
			if len(idx) == n && defined(defs, maxDef) {
				return n, true, storeIndexed(st, i, idx, strs, codes)
			}
			if st.Vals != nil {
				return n, true, scatter(st.Vals[i:i+n], defs, maxDef, idx, strs, "")
			}
			return n, true, scatter(st.Idx[i:i+n], defs, maxDef, idx, codes, 0)
		}
		buf, offs := data.ByteArray()
		if !validStrings(buf, offs) {
			return 0, false, tables.ErrNotClean // the row-wise reader names the row
		}
		if st.Vals != nil {
			// The rows' strings share one copy of the page's bytes (the
			// page's buffer goes back to the reader): a string a value
			// would be an allocation each, ten million of them for the IDs
			// of ten million rows.
			buf = d.keep(buf)
			if len(offs) == n+1 && n > 0 && defined(defs, maxDef) && int(offs[n]) <= len(buf) {
				// A value a row (contact IDs): each string cut without a
				// test a row but the order of the offsets, or'ed. An
				// empty one is "", as an unknown value is.
				var back uint32 // not 0 when an offset comes before the one ahead of it
				p := unsafe.Pointer(unsafe.SliceData(buf))
				vals := st.Vals[i : i+n]
				for j, o := range offs[1:] {
					from := offs[j]
					back |= uint32(b2i(o < from))
					vals[j] = unsafe.String((*byte)(unsafe.Add(p, from)), int(max(o, from)-from))
				}
				if back != 0 {
					return 0, false, tables.ErrNotClean
				}
				return n, true, nil
			}
		}
		for j := range n {
			if defs != nil && defs[j] != maxDef {
				unknown(i + j)
				continue
			}
			if k+1 >= len(offs) || offs[k] > offs[k+1] || int(offs[k+1]) > len(buf) {
				return 0, false, tables.ErrNotClean
			}
			b := buf[offs[k]:offs[k+1]]
			k++
			switch {
			case len(b) == 0:
				unknown(i + j)
			case st.Vals != nil:
				st.Vals[i+j] = unsafe.String(&b[0], len(b))
			default:
				st.Idx[i+j] = d.localIndex(b)
			}
		}
		return n, true, d.allUsed(k, max(len(offs)-1, 0))
	case convreport.KindNumber:
		if c.prop != nil { // a custom number
			return n, true, d.storeNumbers(c, page, in.Numbers[name][i:i+n], defs, maxDef)
		}
	}
	// Times, durations and message counts: INT64, or counts INT32; the
	// page's values, or its dictionary's (other writers, DuckDB among
	// them, dictionary-encode integers and times).
	values := data
	pd := page.Dictionary()
	if pd != nil {
		values = pd.Page().Data()
	}
	// An unsigned 64-bit count past 2^63 reads as negative here, and
	// checkInts declines it.
	vals := d.int64s(c, values)
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
	if err := checkInts(vals, kind, count); err != nil {
		return 0, false, err
	}
	if kind == convreport.KindTime && c.unit > 1 {
		var err error
		if d.ints, err = scaleTimes(d.ints[:0], vals, c.unit); err != nil {
			return 0, false, err
		}
		vals = d.ints
	}
	if pd != nil {
		return n, true, scatter(out[i:i+n], defs, maxDef, data.Int32(), vals, tables.Unknown)
	}
	if len(vals) == n && defined(defs, maxDef) {
		copy(out[i:i+n], vals)
		return n, true, nil
	}
	return n, true, spread(out[i:i+n], defs, maxDef, vals, tables.Unknown)
}

// storeNumbers stores the rows of a page of custom numbers in out: DOUBLE
// values as they are, FLOAT, integers and DECIMALs (other writers') made
// float64, each in the page or in its dictionary.
func (d *columnLoader) storeNumbers(c column, page parquet.Page, out []float64, defs []byte, maxDef byte) error {
	data := page.Data()
	values := data
	pd := page.Dictionary()
	if pd != nil {
		values = pd.Page().Data()
	}
	var vals []float64
	switch {
	case c.decimal:
		var err error
		if vals, err = d.decimals(c, values); err != nil {
			return err
		}
	case c.from == parquet.Float:
		d.floats = d.floats[:0]
		for _, v := range values.Float() {
			d.floats = append(d.floats, float64(v))
		}
		vals = d.floats
	case c.from == parquet.Int32 || c.from == parquet.Int64:
		// As a JSON number: exact to 2^53.
		d.floats = d.floats[:0]
		for _, v := range d.int64s(c, values) {
			if c.unsigned {
				d.floats = append(d.floats, float64(uint64(v)))
			} else {
				d.floats = append(d.floats, float64(v))
			}
		}
		vals = d.floats
	default:
		vals = values.Double()
	}
	if pd != nil {
		return scatter(out, defs, maxDef, data.Int32(), vals, math.NaN())
	}
	return spread(out, defs, maxDef, vals, math.NaN())
}

// decimals returns the DECIMALs values holds for column c as float64s,
// in d.floats; one beyond a float64's range is tables.ErrNotClean, which
// the row-wise reader names.
func (d *columnLoader) decimals(c column, values encoding.Values) ([]float64, error) {
	d.floats = d.floats[:0]
	switch c.from {
	case parquet.Int32, parquet.Int64:
		for _, v := range d.int64s(c, values) {
			d.floats = append(d.floats, decimalInt(v, c.scale))
		}
		return d.floats, nil
	case parquet.FixedLenByteArray:
		data, size := values.FixedLenByteArray()
		if size <= 0 {
			return nil, tables.ErrNotClean
		}
		for k := 0; k+size <= len(data); k += size {
			f, reason := decimalBytes(data[k:k+size], c.scale)
			if reason != "" {
				return nil, tables.ErrNotClean
			}
			d.floats = append(d.floats, f)
		}
		return d.floats, nil
	}
	buf, offs := values.ByteArray()
	for e := 0; e+1 < len(offs); e++ {
		if offs[e] > offs[e+1] || int(offs[e+1]) > len(buf) {
			return nil, tables.ErrNotClean
		}
		f, reason := decimalBytes(buf[offs[e]:offs[e+1]], c.scale)
		if reason != "" {
			return nil, tables.ErrNotClean
		}
		d.floats = append(d.floats, f)
	}
	return d.floats, nil
}

// int64s returns the integers values holds for column c: INT64 as they
// are (an unsigned value past 2^63 as its bits), INT32 widened, as the
// numbers they are when c's are unsigned, in d.ints.
func (d *columnLoader) int64s(c column, values encoding.Values) []int64 {
	if !c.narrow {
		return values.Int64()
	}
	d.ints = d.ints[:0]
	for _, v := range values.Int32() {
		n := int64(v)
		if c.unsigned {
			n = int64(uint32(v))
		}
		d.ints = append(d.ints, n)
	}
	return d.ints
}

// scaleTimes appends to dst the times vals, in units of unit nanoseconds
// (a file another tool wrote in microseconds, say), as nanoseconds; vals
// may be dst's memory. A time beyond the nanoseconds an int64 holds is
// tables.ErrNotClean: the row-wise reader names it.
func scaleTimes(dst, vals []int64, unit int64) ([]int64, error) {
	lo, hi := (math.MinInt64+1)/unit, math.MaxInt64/unit // lo*unit is past Unknown
	var outside uint64
	for _, v := range vals {
		outside |= colstore.B2U(v < lo || v > hi)
	}
	if outside != 0 {
		return dst, tables.ErrNotClean
	}
	for _, v := range vals {
		dst = append(dst, v*unit)
	}
	return dst, nil
}

// The rows of a page that has nulls are stored without a branch a row:
// rows with and without a value come at random (a conversation's assignee,
// its close), and the loops that branched on each took about a sixth of a
// Parquet load's CPU, most of it where the branch was mispredicted.

// scatter sets out[j], for each row j whose definition level is maxDef,
// to entries[idx[k]], k counting those rows, and every other row to
// unknown. It is tables.ErrNotClean unless idx holds one entry's index for
// each such row. Its one loop also checks the indexes and counts the rows
// with a value, where a pass each before it read the page twice more.
func scatter[T any](out []T, defs []byte, maxDef byte, idx []int32, entries []T, unknown T) error {
	if defs == nil { // a required column: a value a row
		if len(idx) != len(out) {
			return tables.ErrNotClean
		}
		return gather(out, idx, entries)
	}
	if len(defs) < len(out) {
		return tables.ErrNotClean
	}
	defs = defs[:len(out)]
	if len(idx) == 0 || len(entries) == 0 {
		return allUnknown(out, defs, maxDef, len(idx), unknown)
	}
	// A row without a value reads the index of the next row with one (or
	// the last), which that row checks again: past is not 0 when an index
	// lies outside the entries.
	k, last, top := 0, len(idx)-1, uint32(len(entries)-1)
	var past uint32
	for j, d := range defs {
		x := uint32(idx[min(k, last)])
		in := min(x, top)
		past |= x - in
		v := entries[in]
		has := d == maxDef
		if !has {
			v = unknown
		}
		out[j] = v
		k += b2i(has)
	}
	if past != 0 || k != len(idx) {
		return tables.ErrNotClean
	}
	return nil
}

// spread is scatter of the values themselves: each row j whose
// definition level is maxDef takes the next of vals.
func spread[T any](out []T, defs []byte, maxDef byte, vals []T, unknown T) error {
	if defs == nil { // a required column: a value a row
		if len(vals) != len(out) {
			return tables.ErrNotClean
		}
		copy(out, vals)
		return nil
	}
	if len(defs) < len(out) {
		return tables.ErrNotClean
	}
	defs = defs[:len(out)]
	if len(vals) == 0 {
		return allUnknown(out, defs, maxDef, 0, unknown)
	}
	k, last := 0, len(vals)-1
	for j, d := range defs {
		v := vals[min(k, last)]
		has := d == maxDef
		if !has {
			v = unknown
		}
		out[j] = v
		k += b2i(has)
	}
	if k != len(vals) {
		return tables.ErrNotClean
	}
	return nil
}

// allUnknown sets every row of out to unknown, for a page of values
// values that cannot give any row one (none, or no entries to index): it
// is tables.ErrNotClean when defs says a row has a value, or there are
// values.
func allUnknown[T any](out []T, defs []byte, maxDef byte, values int, unknown T) error {
	if values != 0 || !undefined(defs, maxDef) {
		return tables.ErrNotClean
	}
	for j := range out {
		out[j] = unknown
	}
	return nil
}

// b2i is 1 for true and 0 for false; the compiler makes it a flag set,
// not a branch.
func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// defined reports whether defs, a page's definition levels, give every
// row a value: all are maxDef, or there are none (a required column). It
// compares eight levels at a time: most pages of a column with values
// in every row hold levels for 100k rows or more.
func defined(defs []byte, maxDef byte) bool {
	return allAre(defs, maxDef)
}

// undefined reports whether no row of defs has a value.
func undefined(defs []byte, maxDef byte) bool {
	for _, d := range defs {
		if d == maxDef {
			return false
		}
	}
	return true
}

// allAre reports whether every byte of bs is b.
func allAre(bs []byte, b byte) bool {
	want := uint64(b) * 0x0101010101010101
	k := 0
	for ; k+8 <= len(bs); k += 8 {
		if binary.LittleEndian.Uint64(bs[k:]) != want {
			return false
		}
	}
	for _, x := range bs[k:] {
		if x != b {
			return false
		}
	}
	return true
}

// storeIndexed stores a dictionary page whose rows all have a value: row
// i+j gets entry idx[j] of the page's dictionary, whose entries are strs
// and, for a column that keeps a dictionary, codes. It is storePage's
// loop without a test of a definition level a row, the common page.
func storeIndexed(st *tables.Strings, i int, idx []int32, strs []string, codes []uint32) error {
	if st.Vals != nil {
		return gather(st.Vals[i:i+len(idx)], idx, strs)
	}
	return gather(st.Idx[i:i+len(idx)], idx, codes)
}

// gather sets out[j] to entries[idx[j]] for each j, and is
// tables.ErrNotClean at an index outside entries.
func gather[T any](out []T, idx []int32, entries []T) error {
	for j, x := range idx {
		if uint32(x) >= uint32(len(entries)) {
			return tables.ErrNotClean
		}
		out[j] = entries[x]
	}
	return nil
}

// checkInts checks an INT64 page's values: counts within [0, 2^53], times
// not the unknown value.
func checkInts(vals []int64, kind convreport.Kind, count bool) error {
	switch {
	case count:
		for _, v := range vals {
			if uint64(v) > 1<<53 {
				return tables.ErrNotClean // the row-wise reader names it
			}
		}
	case kind == convreport.KindTime:
		for _, v := range vals {
			if v == tables.Unknown {
				return tables.ErrNotClean // outside MinTime: the row-wise reader names it
			}
		}
	}
	return nil
}

// storeEnds appends the n values of page, rows i on, to st's bytes and
// ends; an unknown value is empty.
func (d *columnLoader) storeEnds(page parquet.Page, i, n int, defs []byte, maxDef byte, st *tables.Strings) (int, bool, error) {
	data := page.Data()
	var strs []string
	var idx []int32
	var buf []byte
	var offs []uint32
	if pd := page.Dictionary(); pd != nil {
		var ok bool
		if strs, _, ok = d.mapDictionary(pd, st); !ok {
			return 0, false, tables.ErrNotClean // the row-wise reader names the row
		}
		idx = data.Int32()
	} else {
		buf, offs = data.ByteArray()
		if !validStrings(buf, offs) {
			return 0, false, tables.ErrNotClean
		}
	}
	if st.Bytes == nil && n > 0 {
		// Room for all the column's rows at this page's bytes a row, and
		// an eighth more: a value past it grows the buffer by appending.
		st.Bytes = colstore.Populated(make([]byte, 0, len(buf)/n*len(st.Ends)*9/8+64))
	}
	if strs == nil && len(offs) == n+1 && n > 0 && defined(defs, maxDef) && int(offs[n]) <= len(buf) && int64(len(st.Bytes))+int64(offs[n]) <= math.MaxUint32 {
		// A value a row, as IDs are: the page's bytes copied at once and
		// each end computed, where an append a value was a call of its
		// own.
		base, first := uint32(len(st.Bytes)), offs[0]
		var back uint32 // not 0 when an offset comes before the one ahead of it
		ends := st.Ends[i : i+n]
		for j, o := range offs[1:] {
			back |= uint32(b2i(o < offs[j]))
			ends[j] = base + o - first
		}
		if back != 0 || first > offs[n] {
			return 0, false, tables.ErrNotClean
		}
		st.Bytes = append(st.Bytes, buf[first:offs[n]]...)
		return n, true, nil
	}
	k := 0 // the next value of the page: nulls have none
	for j := range n {
		if defs == nil || defs[j] == maxDef {
			switch {
			case strs != nil:
				if k >= len(idx) || idx[k] < 0 || int(idx[k]) >= len(strs) {
					return 0, false, tables.ErrNotClean
				}
				st.Bytes = append(st.Bytes, strs[idx[k]]...)
			default:
				if k+1 >= len(offs) || offs[k] > offs[k+1] || int(offs[k+1]) > len(buf) {
					return 0, false, tables.ErrNotClean
				}
				st.Bytes = append(st.Bytes, buf[offs[k]:offs[k+1]]...)
			}
			k++
		}
		if len(st.Bytes) > math.MaxUint32 {
			return 0, false, tables.ErrNotClean // the row-wise path takes values this long
		}
		st.Ends[i+j] = uint32(len(st.Bytes))
	}
	if strs != nil {
		return n, true, d.allUsed(k, len(idx))
	}
	return n, true, d.allUsed(k, max(len(offs)-1, 0))
}

// keep returns a copy of b that is not written again before the next
// rewind, cut from a block of at least a few megabytes: the strings of
// many pages share a block.
func (d *columnLoader) keep(b []byte) []byte {
	a := &d.arenas[d.side]
	for len(b) > len(a.free) {
		if a.used == len(a.blocks) {
			a.blocks = append(a.blocks, colstore.Populated(make([]byte, max(len(b), 4<<20))))
		}
		a.free = a.blocks[a.used]
		a.used++
	}
	own := a.free[:len(b):len(b)]
	a.free = a.free[len(b):]
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
// string and, for a column of st's kind that keeps a dictionary, its index
// in the column's dictionary plus one (0 for ""), computed once for the
// pages that share it. It is false when an entry is not UTF-8: the
// entries are checked once, not the rows that use them.
func (d *columnLoader) mapDictionary(pd parquet.Dictionary, st *tables.Strings) ([]string, []uint32, bool) {
	if pd == d.pageDict {
		return d.dictStrs, d.dictCodes, true
	}
	values := pd.Page().Data()
	buf, offs := values.ByteArray()
	if !validStrings(buf, offs) {
		return nil, nil, false
	}
	d.pageDict, d.dictStrs, d.dictCodes = pd, d.dictStrs[:0], d.dictCodes[:0]
	for e := 0; e+1 < len(offs); e++ {
		b := buf[offs[e]:offs[e+1]]
		var code uint32
		if len(b) > 0 && st.Idx != nil {
			code = d.localIndex(b)
		}
		d.dictStrs = append(d.dictStrs, string(b))
		d.dictCodes = append(d.dictCodes, code)
	}
	return d.dictStrs, d.dictCodes, true
}

// validStrings reports whether each of the values of a page of byte
// arrays, buf cut at offs, is UTF-8, in a pass over the bytes rather than
// a call a value: ASCII bytes are valid however they are cut, and pieces
// of other valid UTF-8 cut where runes start are valid. It may say false
// of valid values, in a page whose bytes outside them are not UTF-8: the
// row-wise reader then checks each value.
func validStrings(buf []byte, offs []uint32) bool {
	if ascii(buf) {
		return true
	}
	if !utf8.Valid(buf) {
		return false
	}
	var mid byte // has its top bit set when a value starts within a rune
	for _, o := range offs {
		if int(o) < len(buf) {
			mid |= buf[o] &^ (buf[o] << 1) // top bit set for 10xxxxxx, a continuation byte
		}
	}
	return mid&0x80 == 0
}

// ascii reports whether every byte of b is below 0x80, 32 and 8 at a time.
func ascii(b []byte) bool {
	var or uint64
	k := 0
	for ; k+32 <= len(b); k += 32 {
		w := b[k : k+32 : k+32]
		or |= binary.LittleEndian.Uint64(w) | binary.LittleEndian.Uint64(w[8:]) | binary.LittleEndian.Uint64(w[16:]) | binary.LittleEndian.Uint64(w[24:])
	}
	for ; k+8 <= len(b); k += 8 {
		or |= binary.LittleEndian.Uint64(b[k:])
	}
	for _, x := range b[k:] {
		or |= uint64(x)
	}
	return or&0x8080808080808080 == 0
}

// localIndex returns b's position in the column's dictionary plus one,
// adding it.
func (d *columnLoader) localIndex(b []byte) uint32 {
	k, ok := d.local[string(b)]
	if !ok {
		s := string(b)
		d.dict = append(d.dict, s)
		k = uint32(len(d.dict))
		d.local[s] = k
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
