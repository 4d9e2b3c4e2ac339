package ingest

import (
	"context"
	"io"
	"os"
	"runtime"
	"sync"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/internal/firstseen"
	"github.com/convreport/convreport/internal/prefault"
)

// The parallel reader. One goroutine splits the input into records, as the
// sequential reader would (same line reader, same record rules, so the same
// line numbers, byte offsets and splitting errors), and hands them out in
// chunks of about chunkBytes. Workers decode and validate the chunks'
// records, each with its own decoder. The calling goroutine takes the
// chunks back in input order and does what depends on the records before:
// duplicate IDs, progress, stopping at the first error, yielding. So rows
// and errors come out exactly as the sequential reader yields them.

// chunkBytes is the size of the chunks handed to workers: big enough that
// handing one out costs nothing next to decoding it, small enough that the
// chunks in flight (a few per worker) hold little memory.
var chunkBytes = 1 << 20

// splitter reads the next record of a format.
type splitter interface {
	// split appends the next record to ch. It returns io.EOF at the end,
	// or a failure of the reader; a bad record is appended with its error.
	split(ch *chunk, index int) error
	// offset is how many bytes of input have been consumed.
	offset() int64
}

// record is one record of a chunk.
type record struct {
	start, end int    // its bytes in chunk.data
	cells      int    // CSV: its first cell in chunk.ends
	cellLines  int    // CSV: its first cell in chunk.lines, or -1: all on line
	line       int    // its first line
	index      int    // its position among the input's records
	off        int64  // input consumed once it was read
	err        error  // a *LineError, from splitting or decoding
	decoded    bool   // it decoded: its ID counts for duplicates
	idHash     uint64 // its ID's hash for the ordered pass's table of IDs
}

// chunk is a run of records, with their decoded conversations.
type chunk struct {
	data  []byte
	ends  []int // CSV: each cell's end, from the record's start
	lines []int // CSV: the line each cell starts on
	recs  []record
	rows  []convreport.Conversation // rows[i] is recs[i]'s conversation
	at    int                       // rows is ReadAll's rows from at, or -1
	// last ends the input: err is io.EOF or the reader's failure, off the
	// input consumed.
	last bool
	err  error
	off  int64
	done chan struct{} // closed once decoded
}

var chunkPool = sync.Pool{New: func() any { return new(chunk) }}

func getChunk() *chunk {
	ch := chunkPool.Get().(*chunk)
	ch.data, ch.ends, ch.lines, ch.recs = ch.data[:0], ch.ends[:0], ch.lines[:0], ch.recs[:0]
	ch.rows, ch.at, ch.last, ch.err, ch.off = nil, -1, false, nil, 0
	ch.done = make(chan struct{})
	return ch
}

// putChunk recycles ch's buffers; its rows belong to the caller.
func putChunk(ch *chunk) {
	ch.rows = nil
	for i := range ch.recs {
		ch.recs[i].err = nil
	}
	chunkPool.Put(ch)
}

// fill splits records into ch until it holds chunkBytes or the input
// ends; index is the position of the first record.
func fill(sp splitter, ch *chunk, index int) {
	// At most a record per 64 bytes, so that a chunk of tiny records does
	// not make a huge rows slice.
	for len(ch.data) < chunkBytes && len(ch.recs) < max(chunkBytes/64, 1) {
		if err := sp.split(ch, index+len(ch.recs)); err != nil {
			ch.last, ch.err, ch.off = true, err, sp.offset()
			return
		}
	}
}

// decoderFunc decodes record i of ch into ch.rows[i]: a decoding error
// is returned as a *LineError.
type decoderFunc func(ch *chunk, i int) error

// decode decodes and validates every record of ch that split well.
func decode(d *decoder, fn decoderFunc, ch *chunk) {
	if ch.rows == nil {
		ch.rows = make([]convreport.Conversation, len(ch.recs))
	}
	for i := range ch.recs {
		r := &ch.recs[i]
		if r.err != nil {
			continue
		}
		if err := fn(ch, i); err != nil {
			r.err = err
			continue
		}
		r.decoded = true
		r.idHash = d.lines.Hash(ch.rows[i].ID)
		if err := d.validate(&ch.rows[i], r.line, r.index); err != nil {
			r.err = err
		}
	}
}

// workers is how many goroutines decode for opt.
func (o Options) workers() int {
	if o.Workers > 0 {
		return o.Workers
	}
	return runtime.GOMAXPROCS(0)
}

// runParallel reads the input split by sp with opt.workers() workers,
// each decoding with a decoder from newWorker. When keep is set, rows are
// collected into it instead of being yielded (errors are yielded in any
// case). size is the input's size, or -1 when unknown.
func runParallel(ctx context.Context, opt Options, sp splitter, size int64, newWorker func() (*decoder, decoderFunc), keep *[][]convreport.Conversation, yield func(convreport.Conversation, error) bool) {
	var zero convreport.Conversation
	if err := ctx.Err(); err != nil {
		yield(zero, err)
		return
	}
	// The first chunk is split on this goroutine: a small input, read in
	// one chunk, starts no goroutine.
	first := getChunk()
	fill(sp, first, 0)

	// The first chunk tells how many records a sized input holds: enough
	// to size the ID map and, for ReadAll, the rows once. Workers then
	// decode straight into the rows ReadAll returns: no copy of a row but
	// to close the gap a bad one leaves.
	expect := 0
	if n := len(first.recs); size > 0 && n > 0 && !first.last && first.recs[n-1].off > 0 {
		expect = int(float64(n)*float64(size)/float64(first.recs[n-1].off)*1.02) + 64
	}
	var all []convreport.Conversation
	if keep != nil && expect > 0 {
		all = make([]convreport.Conversation, expect)
		// Its pages are faulted in before the workers start: a call for
		// megabytes of them costs a fraction of what a fault a page
		// costs the workers as they write the rows. (Beside the workers,
		// the call waits for a processor between its steps, and falls
		// behind them.)
		prefault.Slice(all, func() bool { return ctx.Err() == nil })
	}
	prealloc := all // the splitter's: the merger's all may grow
	window := func(ch *chunk, index int) {
		if end := index + len(ch.recs); end <= len(prealloc) {
			ch.rows, ch.at = prealloc[index:end:end], index
		}
	}
	window(first, 0)
	// Made before the workers, which hash with its seed (and only read it).
	ids := firstseen.New(expect)
	worker := func() (*decoder, decoderFunc) {
		d, fn := newWorker()
		d.lines = ids
		return d, fn
	}

	order := make(chan *chunk, 2*opt.workers())
	stop := make(chan struct{})
	var wg sync.WaitGroup
	if first.last {
		d, fn := worker()
		decode(d, fn, first)
		close(first.done)
		order <- first
		close(order)
	} else {
		work := make(chan *chunk, opt.workers())
		work <- first
		order <- first
		for range opt.workers() {
			d, fn := worker()
			wg.Go(func() {
				for ch := range work {
					decode(d, fn, ch)
					close(ch.done)
				}
			})
		}
		wg.Go(func() {
			defer close(work)
			defer close(order)
			index := len(first.recs)
			for {
				ch := getChunk()
				fill(sp, ch, index)
				window(ch, index)
				index += len(ch.recs)
				select {
				case order <- ch:
				case <-stop:
					return
				}
				work <- ch
				if ch.last {
					return
				}
			}
		})
	}
	// Kept rows: all[:n] when decoding into all, else keep's chunks.
	n := 0
	// Stop the splitter and let the workers drain before returning: no
	// goroutine reads r or runs after the sequence ends.
	defer func() {
		close(stop)
		for ch := range order {
			<-ch.done
		}
		wg.Wait()
		if all != nil {
			clear(all[n:]) // bad rows' remains, and what the estimate left over
			*keep = append(*keep, all[:n])
		}
	}()

	var (
		rows     int
		recs     int
		lastOff  int64 = -1
		lastRows       = -1
	)
	progress := func(off int64) {
		if opt.Progress != nil && (off != lastOff || rows != lastRows) {
			lastOff, lastRows = off, rows
			opt.Progress(off, rows)
		}
	}
	for ch := range order {
		<-ch.done
		// The table's slots for the chunk's IDs are read in one run
		// before they are looked up one by one: each is a cache miss in
		// a table of millions, and these reads wait on memory together.
		var touched uint32
		for i := range ch.recs {
			if ch.recs[i].decoded {
				touched += ids.Touch(ch.recs[i].idHash)
			}
		}
		ids.Keep(touched)
		kept := ch.rows[:0]
		for i := range ch.recs {
			if recs++; recs%cancelEvery == 0 {
				if err := ctx.Err(); err != nil {
					yield(zero, err)
					return
				}
			}
			r := &ch.recs[i]
			err := r.err
			// Only a valid line claims its ID (see decoder.check).
			if r.decoded && err == nil {
				if first, dup := ids.First(ch.rows[i].ID, r.idHash, r.line); dup {
					err = duplicate(ch.rows[i].ID, r.line, r.index, first)
				}
			}
			if err != nil {
				le := err.(*LineError)
				le.File = opt.File
				if !yield(zero, le) || !opt.SkipInvalid {
					return
				}
			} else {
				rows++
				switch {
				case all != nil && ch.at >= 0:
					// In place, unless bad rows before left a gap.
					if pos := ch.at + i; pos != n {
						all[n] = all[pos]
					}
					n++
				case all != nil:
					// Past the estimate: every row before is in
					// place, so appending overwrites nothing in use.
					all = append(all[:n], ch.rows[i])
					n++
				case keep != nil:
					if len(kept) != i {
						ch.rows[len(kept)] = ch.rows[i]
					}
					kept = kept[:len(kept)+1]
				default:
					if !yield(ch.rows[i], nil) {
						return
					}
				}
			}
			if opt.Progress != nil && r.off-max(lastOff, 0) >= progressEvery {
				progress(r.off)
			}
		}
		if all == nil && keep != nil && len(kept) > 0 {
			*keep = append(*keep, kept)
		}
		if ch.last {
			if ch.err != io.EOF {
				yield(zero, ch.err)
				return
			}
			progress(ch.off)
			return
		}
		putChunk(ch)
	}
}

// The JSON Lines splitter: a record is a non-blank line.

func (s *jsonlSource) split(ch *chunk, index int) error {
	line, err := s.nextLine()
	r := record{line: s.lr.line, index: index, off: s.lr.off}
	switch err.(type) {
	case nil:
		r.start = len(ch.data)
		ch.data = append(ch.data, line...)
		r.end = len(ch.data)
	case *LineError:
		r.err = err
	default:
		return err
	}
	ch.recs = append(ch.recs, r)
	return nil
}

func jsonlWorker(opt Options) func() (*decoder, decoderFunc) {
	return func() (*decoder, decoderFunc) {
		d := newDecoder(opt)
		return d, func(ch *chunk, i int) error {
			r := &ch.recs[i]
			return d.decodeLine(ch.data[r.start:r.end], r.line, &ch.rows[i])
		}
	}
}

// The CSV splitter: the sequential reader's tokenizer, so quoted fields
// over several lines, bad quotes and records too long are found where it
// finds them; workers decode the cells.

func (s *csvSource) split(ch *chunk, index int) error {
	line, err := s.nextRecord()
	r := record{line: line, index: index}
	switch err.(type) {
	case nil:
		r.start = len(ch.data)
		r.cells = len(ch.ends)
		ch.data = append(ch.data, s.rec...)
		r.end = len(ch.data)
		ch.ends = append(ch.ends, s.ends...)
		r.cellLines = -1
		if len(s.lines) > 0 {
			r.cellLines = len(ch.lines)
			ch.lines = append(ch.lines, s.lines...)
		}
	case *LineError:
		r.err = err
	default:
		return err
	}
	r.off = s.lr.off
	ch.recs = append(ch.recs, r)
	return nil
}

// csvWorker decodes records with the columns of hdr, whose header has
// been read.
func csvWorker(opt Options, hdr *csvSource) func() (*decoder, decoderFunc) {
	return func() (*decoder, decoderFunc) {
		d := newDecoder(opt)
		s := &csvSource{d: d, cols: hdr.cols}
		return d, func(ch *chunk, i int) error {
			r := &ch.recs[i]
			n := len(s.cols)
			s.rec = ch.data[r.start:r.end]
			s.ends = ch.ends[r.cells : r.cells+n]
			s.lines, s.start = nil, r.line
			if r.cellLines >= 0 {
				s.lines = ch.lines[r.cellLines : r.cellLines+n]
			}
			return s.decodeRecord(&ch.rows[i])
		}
	}
}

// sizeOf returns how many bytes are left to read in r when r tells (a
// file, a bytes.Reader, a strings.Reader), or -1.
func sizeOf(r io.Reader) int64 {
	switch r := r.(type) {
	case interface{ Len() int }:
		return int64(r.Len())
	case *os.File:
		st, err := r.Stat()
		if err != nil || !st.Mode().IsRegular() {
			return -1
		}
		off, err := r.Seek(0, io.SeekCurrent)
		if err != nil {
			return -1
		}
		return st.Size() - off
	}
	return -1
}
