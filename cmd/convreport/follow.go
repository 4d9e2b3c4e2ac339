package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/ingest"
	"github.com/convreport/convreport/memory"
)

// followEvery is how often "serve --follow" looks at its file.
const followEvery = 200 * time.Millisecond

// follower applies the lines appended to a JSON Lines file to a memory
// source, as "tail -f" would show them: each new line is an upsert (a line
// with an ID already seen replaces that conversation). A bad line is
// reported with its line number and skipped; the lines around it apply.
type follower struct {
	path string
	name string // the file's name in messages
	src  *memory.Source
	opt  ingest.Options
	out  io.Writer // where bad lines and batches are reported
	off  int64     // bytes of the file consumed
	line int       // lines consumed
	// partial is set when off is inside a line the load read whole: the
	// next poll goes on from that line's end.
	partial bool
	// strict makes a bad line an error, as the first load of a file
	// without --skip-invalid has it; following, a bad line is skipped.
	strict bool
	// fh is the file being read, kept open: a file moved away or deleted
	// (a log rotated) is read to its end before the one under the name,
	// so that the lines written to it last are not lost.
	fh *os.File
	// file is fh's identity, to tell a file replaced under the same name
	// from one appended to.
	file os.FileInfo
	// head and tail are the file's first bytes and the bytes just before
	// off, as read: a file rewritten in place, even to the same size or
	// more, changes them, and is then read from its start.
	head, tail []byte
	// gone is set while the name finds no file, which is said once.
	gone bool
}

// markLen is how many bytes head and tail keep: more than a line's end,
// which lines of the same shape share.
const markLen = 1024

// followChunk is the most a read takes of the file at once. A chunk with
// no line end holds a line longer than any the reader takes (1 MiB by
// default): it is reported, and skipped to its end. A variable for tests.
var followChunk int64 = 64 << 20

// newFollower starts following path from offset off, the size the file
// had before it was loaded (a line appended since is applied twice, which
// an upsert makes harmless). It counts the lines before off, so that the
// messages give the file's own line numbers.
func newFollower(path string, fh *os.File, off int64, src *memory.Source, opt ingest.Options, out io.Writer) (*follower, error) {
	f := &follower{path: path, name: filepath.Base(path), src: src, opt: opt, out: out}
	// The file the load read, opened before it: one rotated while it
	// loaded is read to its end, then the new one, as a later rotation is.
	if err := f.adopt(fh); err != nil {
		return nil, err
	}
	buf := make([]byte, 1<<20)
	var read int64
	for read < off {
		n, err := f.fh.Read(buf[:min(int64(len(buf)), off-read)])
		f.line += bytes.Count(buf[:n], []byte{'\n'})
		read += int64(n)
		if err == io.EOF {
			break
		}
		if err != nil {
			f.close()
			return nil, err
		}
	}
	f.off = read
	// A partial last line was loaded whole, or not at all: go on from the
	// line's end, which a later poll finds.
	if f.off > 0 {
		if _, err := f.fh.ReadAt(buf[:1], f.off-1); err == nil && buf[0] != '\n' {
			f.line++ // the line the load ended on
			f.partial = true
		}
	}
	if err := f.mark(); err != nil {
		f.close()
		return nil, err
	}
	return f, nil
}

// open opens the file under the name, to be read from its start.
func (f *follower) open() error {
	fh, err := os.Open(f.path)
	if err != nil {
		return err
	}
	return f.adopt(fh)
}

// adopt follows fh, an open file, from its start.
func (f *follower) adopt(fh *os.File) error {
	st, err := fh.Stat()
	if err != nil {
		fh.Close()
		return err
	}
	f.fh, f.file = fh, st
	f.off, f.line, f.partial, f.head, f.tail = 0, 0, false, nil, nil
	return nil
}

func (f *follower) close() {
	if f.fh != nil {
		f.fh.Close()
		f.fh = nil
	}
}

// run polls the file until ctx is done. An error that repeats is said
// once, not on every poll.
func (f *follower) run(ctx context.Context) {
	defer f.close()
	t := time.NewTicker(followEvery)
	defer t.Stop()
	said := ""
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		err := f.poll(ctx)
		switch {
		case err == nil:
			said = ""
		case err.Error() != said:
			said = err.Error()
			fmt.Fprintf(f.out, "convreport: following %s: %v\n", f.name, err)
		}
	}
}

// poll applies the complete lines appended since the last poll.
func (f *follower) poll(ctx context.Context) error {
	st, err := os.Stat(f.path)
	if err != nil {
		if !f.gone {
			f.gone = true
			fmt.Fprintf(f.out, "convreport: following %s: %v; waiting for it to come back\n", f.name, err)
		}
		// Its writer may not have reopened the name yet: what it adds to
		// the file open still counts.
		if f.fh == nil {
			return nil
		}
		return f.read(ctx)
	}
	back := f.gone
	f.gone = false
	switch {
	case f.fh != nil && !os.SameFile(f.file, st):
		// Rotated: the old file's last lines first, then the new file
		// from its start whatever its size.
		if err := f.drain(ctx); err != nil {
			return err
		}
		f.close()
		how := "was replaced"
		if back {
			how = "is back"
		}
		fmt.Fprintf(f.out, "convreport: %s %s: following the new file from its start\n", f.name, how)
	case back:
		fmt.Fprintf(f.out, "convreport: %s is back: following it from where it was\n", f.name)
	}
	if f.fh == nil {
		if err := f.open(); err != nil {
			return err
		}
	}
	return f.read(ctx)
}

// drain reads the open file to its last complete line, before it is left
// for the one under the name. A last line left unfinished is said.
func (f *follower) drain(ctx context.Context) error {
	for {
		at := f.off
		if err := f.read(ctx); err != nil {
			return err
		}
		if f.off == at {
			break
		}
	}
	if st, err := f.fh.Stat(); err == nil && st.Size() > f.off && !f.partial {
		fmt.Fprintf(f.out, "convreport: %s: line %d: left unfinished when the file was replaced (skipped)\n", f.name, f.line+1)
	}
	return nil
}

// read applies the complete lines of the open file past off, up to a
// chunk's worth: a file truncated or rewritten in place is read from its
// start.
func (f *follower) read(ctx context.Context) error {
	st, err := f.fh.Stat()
	if err != nil {
		return err
	}
	if st.Size() < f.off {
		fmt.Fprintf(f.out, "convreport: %s was truncated: following it from its start\n", f.name)
		f.off, f.line, f.partial, f.head, f.tail = 0, 0, false, nil, nil
	} else if same, err := f.marked(); err != nil {
		return err
	} else if !same {
		fmt.Fprintf(f.out, "convreport: %s was rewritten: following it from its start\n", f.name)
		f.off, f.line, f.partial, f.head, f.tail = 0, 0, false, nil, nil
	}
	if st.Size() == f.off {
		return nil
	}
	chunk := make([]byte, min(st.Size()-f.off, followChunk))
	n, err := f.fh.ReadAt(chunk, f.off)
	if err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	chunk = chunk[:n]
	end := bytes.LastIndexByte(chunk, '\n')
	if end < 0 && int64(n) == followChunk {
		// A line too long to wait for: waiting would stop following for
		// good. It is the reader's error, and the rest of it is passed over
		// as a line the load read in part is.
		if !f.partial {
			f.line++
			_, err := f.parse(ctx, chunk)
			if err == nil {
				err = fmt.Errorf("%s: line %d: longer than %d bytes", f.name, f.line, followChunk)
			}
			if f.strict {
				return err
			}
			fmt.Fprintf(f.out, "convreport: %v (skipped)\n", err)
		}
		f.off += int64(n)
		f.partial = true
		return f.mark()
	}
	if end < 0 {
		return nil // a line still being written
	}
	chunk = chunk[:end+1]
	// What was read is marked whatever comes of its lines: a bad line is
	// skipped, not read again.
	defer f.mark()
	if f.partial {
		i := bytes.IndexByte(chunk, '\n')
		f.off += int64(i) + 1
		chunk = chunk[i+1:]
		f.partial = false
	}

	var batch []convreport.Conversation
	var lines []int
	for len(chunk) > 0 {
		i := bytes.IndexByte(chunk, '\n')
		text := chunk[:i+1]
		chunk = chunk[i+1:]
		f.off += int64(len(text))
		f.line++
		if len(bytes.TrimSpace(text)) == 0 {
			continue
		}
		c, err := f.parse(ctx, text)
		if err != nil && f.strict {
			return err
		}
		if err != nil {
			fmt.Fprintf(f.out, "convreport: %v (skipped)\n", err)
			continue
		}
		batch = append(batch, c)
		lines = append(lines, f.line)
	}
	if len(batch) == 0 {
		return nil
	}
	if err := f.src.Upsert(batch...); err != nil {
		// One conversation refused refuses the batch: apply them one by
		// one, so that only the bad line is lost.
		for i, c := range batch {
			if err := f.src.Upsert(c); err != nil {
				fmt.Fprintf(f.out, "convreport: %s: line %d: %v (skipped)\n", f.name, lines[i], err)
			}
		}
	}
	return nil
}

// mark keeps the file's first bytes and the bytes before off, which
// marked compares.
func (f *follower) mark() error {
	var err error
	if f.head, err = f.bytesAt(0, min(f.off, markLen)); err != nil {
		return err
	}
	n := min(f.off, markLen)
	f.tail, err = f.bytesAt(f.off-n, n)
	return err
}

// marked reports whether the file still holds the bytes mark kept.
func (f *follower) marked() (bool, error) {
	if f.off == 0 {
		return true, nil
	}
	head, err := f.bytesAt(0, int64(len(f.head)))
	if err != nil {
		return false, err
	}
	tail, err := f.bytesAt(f.off-int64(len(f.tail)), int64(len(f.tail)))
	if err != nil {
		return false, err
	}
	return bytes.Equal(head, f.head) && bytes.Equal(tail, f.tail), nil
}

// bytesAt reads up to n bytes of the open file at off: fewer when the file
// ends before.
func (f *follower) bytesAt(off, n int64) ([]byte, error) {
	b := make([]byte, n)
	k, err := f.fh.ReadAt(b, off)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	return b[:k], nil
}

// parse reads one line, numbering its error as the file's line f.line.
func (f *follower) parse(ctx context.Context, text []byte) (convreport.Conversation, error) {
	opt := f.opt
	opt.SkipInvalid, opt.Progress, opt.File = false, nil, f.name
	for c, err := range ingest.ReadJSONL(ctx, bytes.NewReader(text), opt) {
		if err != nil {
			var le *ingest.LineError
			if errors.As(err, &le) {
				le.Line = f.line
			}
			return convreport.Conversation{}, err
		}
		return c, nil
	}
	return convreport.Conversation{}, fmt.Errorf("%s: line %d: no conversation", f.name, f.line)
}

// loadFollowed loads the file "serve --follow" follows, as following it
// from its start would: a line whose ID was seen replaces that
// conversation (the file a running server followed holds such lines, and
// a restart must give the same numbers), and a last line still being
// written waits for its newline. It returns the source and the offset the
// follower goes on from: the end of the last complete line.
//
// The file is read the fast way first; only a file that repeats IDs, or
// whose bad lines --skip-invalid skips, is read again line by line, each
// line applied as an upsert, which is slower.
//
// It returns the file it read, opened before reading it: the follower goes
// on in that file, whatever has since been put under its name.
func (c *cli) loadFollowed(d dataFlags) (mem *memory.Source, off int64, fh *os.File, err error) {
	if fh, err = os.Open(d.path); err != nil {
		return nil, 0, nil, flagFileError("--data", d.path, err)
	}
	defer func() {
		if err != nil {
			fh.Close()
			fh = nil
		}
	}()
	mem, off, err = c.loadFollowedFrom(d)
	return mem, off, fh, err
}

// loadFollowedFrom is loadFollowed's load, by the file's name.
func (c *cli) loadFollowedFrom(d dataFlags) (*memory.Source, int64, error) {
	complete, err := completeLines(d.path)
	if err != nil {
		return nil, 0, err
	}
	d.upTo, d.limited = complete, true
	if d.inferSchema {
		// Inferred once, as --skip-invalid reads: the reads below, the
		// second strict, take it as it is.
		schema, _, err := c.schemaFor(d, ingest.JSONL, filepath.Base(d.path))
		if err != nil {
			return nil, 0, err
		}
		d.resolved, d.inferSchema = schema, false
	}
	skip := d.skipInvalid
	d.skipInvalid = false // a repeated ID is not to be skipped, but applied
	src, _, err := c.load(d)
	if err == nil {
		mem, ok := src.(*memory.Source)
		if !ok {
			return nil, 0, usageError("--follow needs --data with a .jsonl file to follow")
		}
		return mem, complete, nil
	}
	if !errors.Is(err, convreport.ErrDuplicateID) && !skip {
		return nil, 0, err
	}
	name := filepath.Base(d.path)
	schema, _, err := c.schemaFor(d, ingest.JSONL, name)
	if err != nil {
		return nil, 0, err
	}
	mem, err := memory.New(nil, memory.WithSchema(schema))
	if err != nil {
		return nil, 0, err
	}
	f := &follower{path: d.path, name: name, src: mem, out: c.stderr, strict: !skip,
		opt: ingest.Options{IgnoreUnknown: d.ignoreUnknown, Schema: mem.Schema()}}
	defer f.close()
	for f.off < complete {
		at := f.off
		if err := f.poll(c.ctx); err != nil {
			return nil, 0, err
		}
		if f.off == at {
			break // the file shrank under us: the follower sees it next
		}
	}
	return mem, f.off, nil
}

// completeLines returns the size of path up to the end of its last
// complete line: a line still being written is left for the follower.
func completeLines(path string) (int64, error) {
	fh, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return 0, err
	}
	end := st.Size()
	buf := make([]byte, 64<<10)
	for end > 0 {
		n := min(int64(len(buf)), end)
		if _, err := fh.ReadAt(buf[:n], end-n); err != nil && !errors.Is(err, io.EOF) {
			return 0, err
		}
		if i := bytes.LastIndexByte(buf[:n], '\n'); i >= 0 {
			return end - n + int64(i) + 1, nil
		}
		end -= n
	}
	return 0, nil
}
