package parquetio

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/ingest"
	"github.com/convreport/convreport/internal/colstore"
	"github.com/convreport/convreport/internal/inputerr"
	"github.com/convreport/convreport/internal/prefault"
	"github.com/convreport/convreport/internal/suggest"
)

// RowError reports a problem with one row of a Parquet file. Its message
// has the form
//
//	conversations.parquet: row 17: conversation "c-1": closed_at: is missing but the conversation is closed
//
// When the row breaks a record rule or repeats an ID, Err is a
// *[convreport.ValidationError] (its Index is the row's, from 0).
type RowError struct {
	File  string // [ingest.Options.File]: the input's name, or empty
	Row   int    // from 1
	Field string // the column at fault, or empty
	Err   error
}

// Error formats the error as "[file: ]row N: [field: ]problem".
func (e *RowError) Error() string {
	return inputerr.Format(e.File, "row", e.Row, e.Field, e.Err)
}

// Unwrap returns the underlying error.
func (e *RowError) Unwrap() error { return e.Err }

// FileError reports a file that is not a Parquet file of conversations:
// not Parquet at all, a required column missing, a column of the wrong
// type, an unknown column.
type FileError struct {
	File   string // [ingest.Options.File], or empty
	Column string // the column at fault, or empty
	Err    error
}

// Error formats the error as "parquetio: [file: ][column X: ]problem".
func (e *FileError) Error() string {
	var b strings.Builder
	b.WriteString("parquetio: ")
	if e.File != "" {
		b.WriteString(e.File)
		b.WriteString(": ")
	}
	if e.Column != "" {
		fmt.Fprintf(&b, "column %q: ", e.Column)
	}
	b.WriteString(e.Err.Error())
	return b.String()
}

// Unwrap returns the underlying error.
func (e *FileError) Unwrap() error { return e.Err }

// ReadFile reads the conversations of a Parquet file, as [Read] does.
// Errors name the file, unless opt.File names it otherwise.
func ReadFile(ctx context.Context, path string, opt ingest.Options) ([]convreport.Conversation, error) {
	return fromFile(path, opt, func(r io.ReaderAt, size int64, opt ingest.Options) ([]convreport.Conversation, error) {
		return Read(ctx, r, size, opt)
	})
}

// fromFile opens path and hands it to read with its size and opt, which
// names the file unless it names it otherwise.
func fromFile[T any](path string, opt ingest.Options, read func(io.ReaderAt, int64, ingest.Options) (T, error)) (T, error) {
	var zero T
	f, err := os.Open(path)
	if err != nil {
		return zero, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return zero, err
	}
	if opt.File == "" {
		opt.File = path
	}
	return read(f, st.Size(), opt)
}

// Read reads every conversation of the Parquet file r of size bytes.
//
// The file's columns are the JSON Lines keys (see package ingest); a
// custom property is the column NAME of a group "properties". The columns
// id, channel, status and created_at are required, and a column opt.Schema
// does not declare is an error unless opt.IgnoreUnknown is set. Each row is
// checked as ingest checks a line (the schema's Validate, IDs unique) and a
// bad row is a *[RowError]: Read returns the first, or with
// opt.SkipInvalid every valid conversation and the [errors.Join] of every
// bad row's error. A file that is not one of conversations is a
// *[FileError]. Columns are decoded on opt.Workers goroutines (0: all
// cores). opt.Progress, when set, is called as row groups are decoded,
// with the bytes of those decoded so far and 0 rows, one call at a time
// from the decoding goroutines, then once at the end with the file's size
// and the rows returned; MaxLineBytes does not apply.
func Read(ctx context.Context, r io.ReaderAt, size int64, opt ingest.Options) (rows []convreport.Conversation, err error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	fileErr := func(col string, err error) error { return &FileError{File: opt.File, Column: col, Err: err} }
	// A damaged file must not crash the program through the Parquet
	// library: a panic of its decoders is the file's error.
	defer func() {
		if p := recover(); p != nil {
			rows, err = nil, fileErr("", fmt.Errorf("cannot be decoded: %v", p))
		}
	}()
	f, schema, cols, err := openRows(r, size, opt)
	if err != nil {
		return nil, err
	}
	tasks := readTasks(f.RowGroups(), cols)
	out := make([]convreport.Conversation, f.NumRows())
	// Populated in one call where it is new: while the collector runs,
	// the decoders' pointer writes read each slot before writing it (the
	// write barrier keeps the old value), two faults a fresh page, each
	// dear on a virtual machine.
	prefault.Fresh(out)
	done := func(int) {}
	if opt.Progress != nil {
		done = readProgress(f, size, len(tasks)/max(len(f.RowGroups()), 1), opt.Progress)
	}
	var bad faults
	err = eachTask(ctx, opt.Workers, tasks, newColumnDecoder, func(d *columnDecoder, t readTask) error {
		if err := t.decode(d, out[t.base:t.base+t.rg.NumRows()]); err != nil {
			return fileErr(err.Column, err.Err)
		}
		bad.take(d, t.base)
		done(t.group)
		return nil
	})
	if err != nil {
		return nil, err
	}
	out, err = check(ctx, schema, out, &bad, opt)
	if opt.Progress != nil {
		opt.Progress(size, len(out))
	}
	return out, err
}

// openRows opens the Parquet file r of size bytes for reading its rows
// under opt's schema (the default one when it has none): the file, the
// schema, and the file's columns the schema reads. Its row groups are
// checked to hold the rows the footer says.
func openRows(r io.ReaderAt, size int64, opt ingest.Options) (*parquet.File, *convreport.Schema, []column, error) {
	fileErr := func(err error) error { return &FileError{File: opt.File, Err: err} }
	f, err := parquet.OpenFile(r, size, parquet.SkipPageIndex(true), parquet.SkipBloomFilters(true))
	if err != nil {
		return nil, nil, nil, fileErr(err)
	}
	schema := opt.Schema
	if schema == nil {
		schema = convreport.DefaultSchema()
	}
	cols, err := columnsOf(f.Schema(), schema, opt.IgnoreUnknown)
	if err != nil {
		var fe *FileError
		if errors.As(err, &fe) {
			fe.File = opt.File
		}
		return nil, nil, nil, err
	}
	n := f.NumRows()
	if n < 0 {
		return nil, nil, nil, fileErr(fmt.Errorf("the footer says %d rows", n))
	}
	base := int64(0)
	for _, rg := range f.RowGroups() {
		if rg.NumRows() < 0 {
			return nil, nil, nil, fileErr(fmt.Errorf("a row group says %d rows", rg.NumRows()))
		}
		base += rg.NumRows()
	}
	if base != n {
		return nil, nil, nil, fileErr(fmt.Errorf("row groups hold %d rows, the footer says %d", base, n))
	}
	return f, schema, cols, nil
}

// readTask decodes columns of one row group into its rows. Tasks write
// distinct fields of the rows, so they run in parallel without locks;
// the custom properties share a map a row, so one task does them all.
type readTask struct {
	cols  []column
	rg    parquet.RowGroup
	group int   // rg's index
	base  int64 // the file's rows before rg
}

// readTasks returns the tasks that decode cols of the row groups rgs.
func readTasks(rgs []parquet.RowGroup, cols []column) []readTask {
	var tasks []readTask
	var props []column
	for _, c := range cols {
		if c.prop != nil {
			props = append(props, c)
		}
	}
	base := int64(0)
	for g, rg := range rgs {
		for _, c := range cols {
			if c.prop == nil {
				tasks = append(tasks, readTask{[]column{c}, rg, g, base})
			}
		}
		if len(props) > 0 {
			tasks = append(tasks, readTask{props, rg, g, base})
		}
		base += rg.NumRows()
	}
	return tasks
}

// decode decodes t's columns into rows, its row group's, with d; its
// error names the column.
func (t readTask) decode(d *columnDecoder, rows []convreport.Conversation) *FileError {
	for _, c := range t.cols {
		if err := d.safeDecode(c, t.rg.ColumnChunks()[c.index], rows); err != nil {
			return &FileError{Column: c.name, Err: err}
		}
	}
	return nil
}

// readProgress returns what Read's tasks call as each finishes one of row
// group g, perTask of them a group: once the groups before g and g are
// all decoded, report is called with the bytes of the row groups decoded
// so far and 0 rows (none is returned before the end), one call at a
// time, from the decoding goroutines.
func readProgress(f *parquet.File, size int64, perGroup int, report func(int64, int)) func(g int) {
	rgs := f.RowGroups()
	bytes := groupBytes(f.Metadata().RowGroups, len(rgs), size)
	left := make([]int, len(rgs))
	for g := range left {
		left[g] = perGroup
	}
	var mu sync.Mutex
	next, sum := 0, int64(0) // the first group not decoded, the bytes before it
	return func(g int) {
		mu.Lock()
		defer mu.Unlock()
		left[g]--
		moved := false
		for next < len(left) && left[next] == 0 {
			sum += bytes[next]
			next++
			moved = true
		}
		if moved {
			report(sum, 0)
		}
	}
}

// eachTask runs do over tasks on workers goroutines (0: every core), each
// with a state of its own from newState. A worker takes no more tasks
// after its first error, nor after ctx ends. It returns ctx's error, else
// the workers' errors joined. A panic of do is raised again on the
// caller's goroutine, once every worker has stopped: on another, it would
// end the program.
func eachTask[T, S any](ctx context.Context, workers int, tasks []T, newState func() S, do func(S, T) error) error {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	next := make(chan T)
	errs := make([]error, workers)
	panics := make([]any, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			st := newState()
			run := func(t T) {
				defer func() { panics[w] = recover() }()
				errs[w] = do(st, t)
			}
			// A worker that failed or panicked still drains next, so
			// that sending the tasks never waits for ever.
			for t := range next {
				if errs[w] == nil && panics[w] == nil && ctx.Err() == nil {
					run(t)
				}
			}
		})
	}
	for _, t := range tasks {
		next <- t
	}
	close(next)
	wg.Wait()
	for _, p := range panics {
		if p != nil {
			panic(p)
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return errors.Join(errs...)
}

// check validates the rows read and their IDs, as ingest does lines.
func check(ctx context.Context, schema *convreport.Schema, rows []convreport.Conversation, bad *faults, opt ingest.Options) ([]convreport.Conversation, error) {
	var errs []error
	firsts := colstore.FirstOfEach(len(rows), func(i int) string { return rows[i].ID })
	// Only a valid row claims its ID: under SkipInvalid, an ID whose first
	// row was skipped belongs to its first valid row. Both maps are of
	// skipped rows' making, and stay empty for a clean file.
	invalid := map[int]bool{}
	claimed := map[string]int{}
	kept := rows[:0]
	for i := range rows {
		if i%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		c := &rows[i]
		first := int(firsts[i]) + 1 // the row, from 1, of the first with c's ID
		err := bad.rowError(c, i, i, opt.File)
		if err == nil {
			err = checkRow(schema, c, i, opt.File)
		}
		if err == nil && invalid[first-1] {
			if at, ok := claimed[c.ID]; ok {
				first = at
			} else {
				claimed[c.ID], first = i+1, i+1
			}
		}
		dup := first != i+1
		if err != nil {
			invalid[i] = true
		}
		if err == nil && dup {
			err = &RowError{File: opt.File, Row: i + 1, Field: "id", Err: convreport.DuplicateIDError(c.ID, i, fmt.Sprintf("the conversation on row %d", first))}
		}
		if err != nil {
			if !opt.SkipInvalid {
				return nil, err
			}
			errs = append(errs, err)
			continue
		}
		kept = append(kept, *c)
	}
	// Clear what compaction left behind, so that it holds no memory.
	clear(rows[len(kept):])
	if len(kept) == 0 {
		kept = nil
	}
	return kept, errors.Join(errs...)
}

// checkRow is c's error as row i (from 0) of file, or nil when schema
// validates it.
func checkRow(schema *convreport.Schema, c *convreport.Conversation, i int, file string) error {
	verr := schema.Validate(c)
	if verr == nil {
		return nil
	}
	var ve *convreport.ValidationError
	if errors.As(verr, &ve) {
		ve.Index = i
		return &RowError{File: file, Row: i + 1, Field: ve.Field, Err: ve}
	}
	return &RowError{File: file, Row: i + 1, Err: verr}
}

// columnsOf matches the file's columns with the fields of schema.
func columnsOf(fs *parquet.Schema, schema *convreport.Schema, ignoreUnknown bool) ([]column, error) {
	var cols []column
	have := map[string]bool{}
	for i, path := range fs.Columns() {
		leaf, _ := fs.Lookup(path...)
		name := strings.Join(path, ".")
		col := column{name: name, index: i, maxDef: leaf.MaxDefinitionLevel}
		if leaf.MaxRepetitionLevel > 0 {
			return nil, &FileError{Column: name, Err: errors.New("is repeated; conversations have one value a field")}
		}
		switch {
		case len(path) == 1:
			for j := range builtins {
				if builtins[j].name == path[0] {
					col.f = &builtins[j]
				}
			}
		case len(path) == 2 && path[0] == "properties":
			if p, ok := schema.Lookup(path[1]); ok && p.Custom {
				col.prop = &p
			}
		}
		if col.f == nil && col.prop == nil {
			if ignoreUnknown {
				continue
			}
			return nil, &FileError{Column: name, Err: unknownColumn(name, schema)}
		}
		if err := checkType(&col, leaf.Node); err != nil {
			return nil, &FileError{Column: name, Err: err}
		}
		have[name] = true
		cols = append(cols, col)
	}
	var missing []string
	for _, b := range builtins {
		if b.needed && !have[b.name] {
			missing = append(missing, strconv.Quote(b.name))
		}
	}
	if len(missing) > 0 {
		return nil, &FileError{Err: fmt.Errorf("missing required column(s) %s", strings.Join(missing, ", "))}
	}
	return cols, nil
}

func unknownColumn(name string, schema *convreport.Schema) error {
	var cands []suggest.Candidate
	for _, b := range builtins {
		cands = append(cands, suggest.Candidate{Text: b.name, Suggest: b.name})
	}
	for _, p := range schema.Custom() {
		cands = append(cands, suggest.Candidate{Text: "properties." + p.Name, Suggest: "properties." + p.Name})
	}
	if s := suggest.Closest(name, cands); s != "" {
		return fmt.Errorf("is not a field of conversations (did you mean %q?)", s)
	}
	return errors.New("is not a field of conversations")
}

// checkType requires a column's type to be one parquetio reads for its
// field, and sets how col's values are read: the nanoseconds in a unit of
// a time, and whether counts are 32-bit. Besides the types Write writes,
// it takes those other writers use for the same values: times in
// microseconds (DuckDB, Spark) or milliseconds, but only adjusted to UTC
// (a time without a zone is no instant, as a JSON Lines time without an
// offset is none), and message counts as 32-bit integers.
func checkType(col *column, n parquet.Node) error {
	t := n.Type()
	var lv format.LogicalTypeValue
	if lt := t.LogicalType(); lt != nil {
		lv = lt.Value
	}
	kind := t.Kind()
	var want string
	unit := int64(1)
	ok := false
	switch wantType(*col) {
	case "string":
		want = "a UTF-8 string"
		_, utf8 := lv.(*format.StringType)
		ok = kind == parquet.ByteArray && utf8
	case "timestamp":
		want = "a TIMESTAMP adjusted to UTC (in MILLIS, MICROS or NANOS)"
		if kind == parquet.Int96 {
			return fmt.Errorf("holds INT96, the legacy timestamps of Spark and Impala, whose zone the file does not say: write TIMESTAMPs adjusted to UTC (in Spark, spark.sql.parquet.outputTimestampType=TIMESTAMP_MICROS)")
		}
		ts, isTS := lv.(*format.TimestampType)
		if isTS && kind == parquet.Int64 {
			switch ts.Unit.Value.(type) {
			case *format.NanoSeconds:
				ok = true
			case *format.MicroSeconds:
				ok, unit = true, 1000
			case *format.MilliSeconds:
				ok, unit = true, 1_000_000
			}
			if ok && !ts.IsAdjustedToUTC {
				return fmt.Errorf("holds %s: times without a zone are not instants; write them adjusted to UTC", t)
			}
		}
	case "count":
		// Counts are never negative: unsigned integers (DuckDB's UINTEGER)
		// hold them as well.
		want = "an integer"
		it, isInt := lv.(*format.IntType)
		ok = (kind == parquet.Int64 || kind == parquet.Int32) && (lv == nil || isInt)
		col.narrow = kind == parquet.Int32
		col.unsigned = isInt && !it.IsSigned
	case "int64":
		want = "a 64-bit integer"
		it, isInt := lv.(*format.IntType)
		ok = kind == parquet.Int64 && (lv == nil || (isInt && it.BitWidth == 64 && it.IsSigned))
	case "double":
		// Other writers keep whole numbers as integers (DuckDB's BIGINT),
		// and decimal ones as DECIMALs (DuckDB's DECIMAL(p,s)).
		want = "a DOUBLE, FLOAT, integer or DECIMAL"
		it, isInt := lv.(*format.IntType)
		dec, isDec := lv.(*format.DecimalType)
		if isDec && (dec.Scale < 0 || dec.Scale > dec.Precision) {
			return fmt.Errorf("holds %s, whose scale is not from 0 to its precision", t)
		}
		switch kind {
		case parquet.Double, parquet.Float:
			ok = lv == nil
		case parquet.Int32, parquet.Int64:
			ok = lv == nil || isInt || isDec
		case parquet.ByteArray, parquet.FixedLenByteArray:
			ok = isDec
		}
		if isDec {
			col.decimal, col.scale = true, dec.Scale
		}
		col.from = kind
		col.narrow = kind == parquet.Int32
		col.unsigned = isInt && !it.IsSigned
	case "boolean":
		want = "a BOOLEAN"
		ok = kind == parquet.Boolean
	}
	if !ok {
		return fmt.Errorf("holds %s, want %s", t, want)
	}
	col.unit = unit
	return nil
}

func wantType(col column) string {
	if col.f != nil {
		switch col.f.typ {
		case tTime:
			return "timestamp"
		case tCount:
			return "count"
		}
		return "string"
	}
	switch col.prop.Kind {
	case convreport.KindNumber:
		return "double"
	case convreport.KindBool:
		return "boolean"
	case convreport.KindTime:
		return "timestamp"
	case convreport.KindDuration:
		return "int64"
	}
	return "string"
}

// FileSchema returns the schema a file declares, to pass as
// [ingest.Options.Schema]: the custom properties its metadata lists (the
// files [Write] makes carry them) or, in a file another tool wrote, the
// columns of its "properties" group that a kind reads, each of that
// kind: a BOOLEAN a bool, a TIMESTAMP a time, another number a number, a
// string a string (never an enum or a duration: give a schema for those).
// A column no kind reads (a list, a DATE) is left out, an unknown column
// to a read unless [ingest.Options.IgnoreUnknown] is set; a TIMESTAMP
// without a zone or an INT96 is a time, which the read refuses, saying
// why.
func FileSchema(r io.ReaderAt, size int64) (s *convreport.Schema, err error) {
	// A damaged footer must not crash the program through the Parquet
	// library, as in Read.
	defer func() {
		if p := recover(); p != nil {
			s, err = nil, &FileError{Err: fmt.Errorf("cannot be decoded: %v", p)}
		}
	}()
	f, err := parquet.OpenFile(r, size, parquet.SkipPageIndex(true), parquet.SkipBloomFilters(true))
	if err != nil {
		return nil, &FileError{Err: err}
	}
	v, ok := f.Lookup(metaSchema)
	if !ok {
		return columnSchema(f.Schema())
	}
	var decl []declaration
	if err := json.Unmarshal([]byte(v), &decl); err != nil {
		return nil, &FileError{Err: fmt.Errorf("metadata %q: %v", metaSchema, err)}
	}
	var props []convreport.Property
	for _, d := range decl {
		props = append(props, convreport.Property{Name: d.Name, Kind: d.Kind, Values: d.Values})
	}
	if s, err = convreport.NewSchema(props...); err != nil {
		return nil, &FileError{Err: fmt.Errorf("metadata %q: %w", metaSchema, err)}
	}
	return s, nil
}

// columnSchema types the columns of a file's "properties" group by their
// Parquet types (see FileSchema): each kind is kept where checkType takes
// the column for it, but for times, whose refusal says what to do.
func columnSchema(fs *parquet.Schema) (*convreport.Schema, error) {
	var props []convreport.Property
	for _, path := range fs.Columns() {
		if len(path) != 2 || path[0] != "properties" {
			continue
		}
		leaf, _ := fs.Lookup(path...)
		if leaf.MaxRepetitionLevel > 0 {
			continue
		}
		t := leaf.Node.Type()
		var lv format.LogicalTypeValue
		if lt := t.LogicalType(); lt != nil {
			lv = lt.Value
		}
		_, isTime := lv.(*format.TimestampType)
		_, isDec := lv.(*format.DecimalType)
		p := convreport.Property{Name: path[1], Kind: convreport.KindNumber}
		switch k := t.Kind(); {
		case isDec:
			// A number, whatever holds its digits.
		case isTime || k == parquet.Int96:
			p.Kind = convreport.KindTime
		case k == parquet.Boolean:
			p.Kind = convreport.KindBool
		case k == parquet.ByteArray:
			p.Kind = convreport.KindString
		}
		if p.Kind == convreport.KindTime || checkType(&column{name: strings.Join(path, "."), prop: &p}, leaf.Node) == nil {
			props = append(props, p)
		}
	}
	s, err := convreport.NewSchema(props...)
	if err != nil {
		return nil, &FileError{Err: fmt.Errorf("the columns of group %q: %w", "properties", err)}
	}
	return s, nil
}

// columnDecoder decodes column chunks into rows; it holds one worker's
// buffers and its interned strings.
type columnDecoder struct {
	values []parquet.Value
	intern map[string]string
	// faults are the values of the last decode that no conversation may
	// hold, by row: a row's error, not the file's, so that SkipInvalid
	// keeps the other rows.
	faults []fault
	// seen remembers the strings made of the last few byte slices of one
	// read of values by where their bytes are: the values of a
	// dictionary-encoded page point into its dictionary, so a repeated
	// value comes back at the same address, and is found without hashing.
	seen [256]seenBytes
}

// fault is a value of row (from 0, in the rows decoded) that Validate
// could not name: one that does not fit the field at all.
type fault struct {
	row    int
	field  string
	reason string
}

// faults gathers the faults of tasks decoding on several goroutines, by
// the file's row (from 0).
type faults struct {
	mu sync.Mutex
	at map[int]fault
}

// take moves d's faults, of rows from base on, into fs.
func (fs *faults) take(d *columnDecoder, base int64) {
	if len(d.faults) == 0 {
		return
	}
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if fs.at == nil {
		fs.at = map[int]fault{}
	}
	for _, f := range d.faults {
		// One fault a row, whichever column decoded first: the column
		// whose name sorts first.
		if old, ok := fs.at[int(base)+f.row]; !ok || f.field < old.field {
			fs.at[int(base)+f.row] = f
		}
	}
	d.faults = d.faults[:0]
}

// rowError is the fault of the row at key, c, as a *RowError for the
// file's row i (from 0), or nil.
func (fs *faults) rowError(c *convreport.Conversation, key, i int, file string) error {
	f, ok := fs.at[key]
	if !ok {
		return nil
	}
	return &RowError{File: file, Row: i + 1, Field: f.field, Err: &convreport.ValidationError{ID: c.ID, Index: i, Field: f.field, Reason: f.reason}}
}

type seenBytes struct {
	p *byte
	n int
	s string
}

func newColumnDecoder() *columnDecoder {
	return &columnDecoder{values: make([]parquet.Value, 4096), intern: map[string]string{}}
}

// decode reads chunk's values into rows, one a row.
func (d *columnDecoder) decode(col column, chunk parquet.ColumnChunk, rows []convreport.Conversation) error {
	pages := chunk.Pages()
	defer pages.Close()
	clear(d.intern)
	i := 0
	for {
		page, err := pages.ReadPage()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		vr := page.Values()
		for {
			k, err := vr.ReadValues(d.values)
			// The values of one read are valid together, so equal
			// addresses among them are equal bytes; a later read may
			// reuse the memory for others.
			d.seen = [256]seenBytes{}
			if i+k > len(rows) {
				parquet.Release(page)
				return fmt.Errorf("holds more values than rows")
			}
			for _, v := range d.values[:k] {
				if !v.IsNull() {
					if reason := d.set(col, &rows[i], v); reason != "" {
						d.faults = append(d.faults, fault{i, col.name, reason})
					}
				}
				i++
			}
			if err == io.EOF {
				break
			}
			if err != nil {
				parquet.Release(page)
				return err
			}
		}
		parquet.Release(page)
	}
	if i != len(rows) {
		return fmt.Errorf("holds %d values for %d rows", i, len(rows))
	}
	return nil
}

// safeDecode is decode with a panic of the Parquet library's decoders,
// on a damaged file, returned as an error.
func (d *columnDecoder) safeDecode(col column, chunk parquet.ColumnChunk, rows []convreport.Conversation) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("cannot be decoded: %v", p)
		}
	}()
	return d.decode(col, chunk, rows)
}

// str returns b as a string, and false when b is not UTF-8, which no
// conversation's string may be (JSON Lines and CSV refuse it too). A
// shared value, of a column of few distinct values, is interned and
// checked once: only valid strings are remembered.
func (d *columnDecoder) str(b []byte, shared bool) (string, bool) {
	if !shared {
		return string(b), utf8.Valid(b)
	}
	// Two slices with the same address and length, of one read, hold
	// the same bytes; seen is cleared at each read.
	p := unsafe.SliceData(b)
	a := uintptr(unsafe.Pointer(p))
	e := &d.seen[uint8(a^a>>8)]
	if e.p == p && e.n == len(b) && p != nil {
		return e.s, true
	}
	s, ok := d.intern[string(b)]
	if !ok {
		if !utf8.Valid(b) {
			return "", false
		}
		s = string(b)
		if len(d.intern) < 4096 {
			d.intern[s] = s
		}
	}
	*e = seenBytes{p, len(b), s}
	return s, true
}

// invalidUTF8 is the reason a string value that is not UTF-8 is refused.
const invalidUTF8 = "invalid UTF-8"

// set stores v, of col, in c; it returns why when no conversation may
// hold v.
func (d *columnDecoder) set(col column, c *convreport.Conversation, v parquet.Value) string {
	if col.f != nil {
		switch col.f.typ {
		case tString:
			s, ok := d.str(v.ByteArray(), col.f.dict)
			if !ok {
				return invalidUTF8
			}
			col.f.SetString(c, s)
		case tTime:
			col.f.SetTime(c, col.instant(v.Int64()))
		case tCount:
			// A whole number from 0 to 2^53, as JSON Lines reads one.
			n := col.integer(v)
			if n < 0 || n > 1<<53 {
				if col.unsigned {
					return fmt.Sprintf("want a whole number ≥ 0 and at most 2^53, got %d", uint64(n))
				}
				return fmt.Sprintf("want a whole number ≥ 0 and at most 2^53, got %d", n)
			}
			col.f.SetCount(c, int(n))
		}
		return ""
	}
	var val any
	switch p := col.prop; p.Kind {
	case convreport.KindString:
		if len(v.ByteArray()) == 0 {
			return "" // unknown, as in JSON Lines
		}
		s, ok := d.str(v.ByteArray(), false)
		if !ok {
			return invalidUTF8
		}
		val = s
	case convreport.KindEnum:
		if len(v.ByteArray()) == 0 {
			return ""
		}
		s, ok := d.str(v.ByteArray(), true)
		if !ok {
			return invalidUTF8
		}
		val = s
	case convreport.KindNumber:
		switch k := v.Kind(); {
		case col.decimal && (k == parquet.ByteArray || k == parquet.FixedLenByteArray):
			f, reason := decimalBytes(v.ByteArray(), col.scale)
			if reason != "" {
				return reason
			}
			val = f
		case col.decimal:
			val = decimalInt(col.integer(v), col.scale)
		case k == parquet.Float:
			val = float64(v.Float())
		case k == parquet.Int32 || k == parquet.Int64:
			// As a JSON number: exact to 2^53.
			if n := col.integer(v); col.unsigned {
				val = float64(uint64(n))
			} else {
				val = float64(n)
			}
		default:
			f := v.Double()
			if f == 0 {
				f = 0 // -0 is 0, as every source reads it
			}
			val = f
		}
	case convreport.KindBool:
		val = v.Boolean()
	case convreport.KindTime:
		val = col.instant(v.Int64())
	case convreport.KindDuration:
		val = time.Duration(v.Int64())
	}
	if c.Properties == nil {
		c.Properties = map[string]any{}
	}
	c.Properties[col.prop.Name] = val
	return ""
}

// instant is the time v of column c, in c's unit: exact for every int64,
// so that Validate names a time outside the supported ones.
func (c column) instant(v int64) time.Time {
	switch c.unit {
	case 1000:
		return time.UnixMicro(v).UTC()
	case 1_000_000:
		return time.UnixMilli(v).UTC()
	}
	return time.Unix(0, v).UTC()
}

// integer is the INT32 or INT64 value v of column c as an int64: an
// unsigned 32-bit value as the number it is, an unsigned 64-bit one as its
// bits (negative past 2^63, which the caller reads as uint64).
func (c column) integer(v parquet.Value) int64 {
	if v.Kind() == parquet.Int32 {
		if c.unsigned {
			return int64(uint32(v.Int32()))
		}
		return int64(v.Int32())
	}
	return v.Int64()
}
