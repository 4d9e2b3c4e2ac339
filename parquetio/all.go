package parquetio

import (
	"context"
	"fmt"
	"io"
	"iter"
	"os"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/ingest"
	"github.com/convreport/convreport/internal/prefault"
)

// All yields the conversations of the Parquet file r of size bytes in
// file order, a row group at a time: a file of any size is read in the
// memory of one row group's rows, where [Read] holds them all.
//
// The file is read as Read reads it (the same columns, schema and
// errors: a *[FileError] for a file that is not one of conversations, a
// *[RowError] naming the row of a conversation opt.Schema does not
// validate), with one difference: All does not check that IDs are unique,
// which needs every ID at once; a caller that needs them unique checks
// them (sqlsource.ImportAll does). A bad row's error is yielded in its
// place, and the sequence goes on when opt.SkipInvalid is set, else ends
// there; a file's error ends it. A row group's columns are decoded on
// opt.Workers goroutines (0: all cores). opt.Progress, when set, is called
// after each row group, from the goroutine that ranges, with the bytes of
// the row groups read so far and their rows. MaxLineBytes does not apply.
func All(ctx context.Context, r io.ReaderAt, size int64, opt ingest.Options) iter.Seq2[convreport.Conversation, error] {
	return func(yield func(convreport.Conversation, error) bool) {
		if err := ctx.Err(); err != nil {
			yield(convreport.Conversation{}, err)
			return
		}
		// A damaged file must not crash the program through the Parquet
		// library: a panic of its decoders is the file's error.
		var err error
		func() {
			defer func() {
				if p := recover(); p != nil {
					err = &FileError{File: opt.File, Err: fmt.Errorf("cannot be decoded: %v", p)}
				}
			}()
			err = all(ctx, r, size, opt, yield)
		}()
		if err != nil {
			yield(convreport.Conversation{}, err)
		}
	}
}

// AllFile yields the conversations of a Parquet file, as [All] does; the
// file is opened when the sequence is ranged over and closed when it
// ends. Errors name the file, unless opt.File names it otherwise.
func AllFile(ctx context.Context, path string, opt ingest.Options) iter.Seq2[convreport.Conversation, error] {
	return func(yield func(convreport.Conversation, error) bool) {
		f, err := os.Open(path)
		if err != nil {
			yield(convreport.Conversation{}, err)
			return
		}
		defer f.Close()
		st, err := f.Stat()
		if err != nil {
			yield(convreport.Conversation{}, err)
			return
		}
		if opt.File == "" {
			opt.File = path
		}
		All(ctx, f, st.Size(), opt)(yield)
	}
}

// all is All's body: it yields the rows, and returns the error that ends
// them, or nil when they ended or the caller stopped. Each row group is
// decoded while the caller takes the rows of the one before (a database
// inserting them, say), into the memory of the one before that.
func all(ctx context.Context, r io.ReaderAt, size int64, opt ingest.Options, yield func(convreport.Conversation, error) bool) (err error) {
	f, schema, cols, err := openRows(r, size, opt)
	if err != nil {
		return err
	}
	rgs := f.RowGroups()
	bytes := groupBytes(f.Metadata().RowGroups, len(rgs), size)
	type group struct {
		rows []convreport.Conversation
		bad  map[int]error // the rows the schema refuses, by index, with why
		err  error
	}
	decoded := make(chan group, 1)
	inFlight := false
	start := func(g int, base int64, rows []convreport.Conversation) {
		inFlight = true
		go func() {
			// A panic of the Parquet library is the file's error here as
			// on the caller's goroutine.
			defer func() {
				if p := recover(); p != nil {
					decoded <- group{err: &FileError{File: opt.File, Err: fmt.Errorf("cannot be decoded: %v", p)}}
				}
			}()
			if n := int(rgs[g].NumRows()); cap(rows) < n {
				rows = make([]convreport.Conversation, n)
				prefault.Fresh(rows) // as Read does its rows
			} else {
				rows = rows[:n] // cleared once its rows were yielded
			}
			var faults faults
			err := eachTask(ctx, opt.Workers, readTasks(rgs[g:g+1], cols), newColumnDecoder, func(d *columnDecoder, t readTask) error {
				if err := t.decode(d, rows); err != nil {
					err.File = opt.File
					return err
				}
				faults.take(d, 0)
				return nil
			})
			// Checked here too, beside the caller's work on the group
			// before.
			var bad map[int]error
			for i := range rows {
				if err != nil {
					break
				}
				if i%4096 == 0 {
					err = ctx.Err()
				}
				rerr := faults.rowError(&rows[i], i, int(base)+i, opt.File)
				if rerr == nil {
					rerr = checkRow(schema, &rows[i], int(base)+i, opt.File)
				}
				if rerr != nil {
					if bad == nil {
						bad = map[int]error{}
					}
					bad[i] = rerr
				}
			}
			decoded <- group{rows, bad, err}
		}()
	}
	// Nothing of the read runs after All returns: r may be closed then.
	defer func() {
		if inFlight {
			<-decoded
		}
	}()
	if len(rgs) > 0 {
		start(0, 0, nil)
	}
	var spare []convreport.Conversation // the memory of the group before
	var read, base int64                // the bytes and rows of the groups yielded
	for g := range rgs {
		cur := <-decoded
		inFlight = false
		if cur.err != nil {
			return cur.err
		}
		rows := cur.rows
		if g+1 < len(rgs) {
			start(g+1, base+int64(len(rows)), spare)
		}
		for i := range rows {
			if i%4096 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			if err := cur.bad[i]; err != nil {
				if !yield(convreport.Conversation{}, err) || !opt.SkipInvalid {
					return nil
				}
				continue
			}
			if !yield(rows[i], nil) {
				return nil
			}
		}
		clear(rows) // what the group after next does not overwrite holds no memory
		spare = rows
		read, base = read+bytes[g], base+int64(len(rows))
		if opt.Progress != nil {
			opt.Progress(read, int(base))
		}
	}
	return nil
}
