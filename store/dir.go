package store

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/calendar"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/internal/strictjson"
)

// Dir keeps each dashboard as an indented JSON file, <id>.json, in one
// directory. It reads the files on every call, so it holds nothing in
// memory that could go stale.
//
// Writes are atomic: the new content goes to a temporary file in the same
// directory (named .<id>.json.*.tmp), which is synced, renamed over
// <id>.json and followed by a sync of the directory. A crash leaves either
// the old file or the new one, never a mix; at worst a temporary file
// remains, which the store ignores (delete it at leisure).
//
// A dashboard file may be a symbolic link (a directory mounted from a
// Kubernetes ConfigMap holds nothing else): Get, List and Count read the
// file it links to, and Create does not take its ID. A link to nothing is
// a *[FileError] naming the link and its target, in every call that reads
// it, List and Count included, until it is removed or mended; a directory
// named <id>.json, or a link to one, is no dashboard. Save writes a
// regular file in place of the link, and Delete removes the link: neither
// changes the file it linked to.
//
// Create reads no dashboard: it checks that the ID is free by the file's
// name, and counts the dashboards, for a plan that caps them, from the
// directory's listing, so that it costs about as much in a directory of
// thousands as in an empty one. A new file appears under its name by a
// hard link, which fails if the name exists: of two processes creating
// one ID at once, one gets [ErrConflict] (or, for an ID made from the
// name, the next free one), and no creation is lost.
//
// A Dir is safe for concurrent use within one process: a mutex makes each
// version check and the write that follows it one step, and every Dir
// over the same directory in the process shares it, so a store may be
// opened per request or per account as well as once. It does not lock
// the directory against other processes. Two processes sharing a directory
// never see a torn file, but their version checks can interleave: both may
// read version 3, both write, and the later rename wins, losing the other
// edit; the dashboards-per-account cap can be overrun the same way. Give
// a directory to one process, or keep dashboards in a database behind a
// Store of your own.
type Dir struct {
	c core
}

var (
	_ Store   = (*Dir)(nil)
	_ Stamper = (*Dir)(nil)
)

// FileError reports a file the store cannot read: not JSON, cut short or
// empty, holding another dashboard's ID, a key a dashboard does not have
// (or in another case than its own, or twice), a symbolic link to
// nothing, or calendars or SLA policies that are not valid. The file is
// left as it is.
type FileError struct {
	Path string
	// What the file holds: "" for a dashboard, "calendars" or "SLA
	// policies" for the documents kept beside them.
	What string
	// Line and Column (1-based, Column in characters) are where the fault
	// is in the file: the character where the JSON breaks (a missing or
	// trailing comma), just past the last one of a file cut short, the
	// key at fault, or the key of the value that does not read (an array
	// element's value itself); for a value a
	// calendar or policy lacks, the key of the object that should hold
	// it. 0 for faults with no place in the file (an empty file, a link
	// to nothing, another dashboard's ID).
	Line, Column int
	Err          error
}

func (e *FileError) Error() string {
	what := e.What
	if what == "" {
		what = "dashboard"
	}
	if e.Line > 0 {
		return fmt.Sprintf("convreport/store: %s file %s is unreadable: line %d, column %d: %s (correct the file there, or restore it from a backup)",
			what, e.Path, e.Line, e.Column, plain(e.Err))
	}
	return fmt.Sprintf("convreport/store: %s file %s is unreadable: %s (restore it from a backup or remove it)", what, e.Path, plain(e.Err))
}

// plain is err's message on one line, without the prefixes of the
// packages that say what the file holds already ("convreport: calendar: ").
func plain(err error) string {
	lines := strings.Split(err.Error(), "\n")
	for i, l := range lines {
		for _, p := range []string{"convreport: calendar: ", "convreport: sla: "} {
			l = strings.TrimPrefix(l, p)
		}
		lines[i] = l
	}
	return strings.Join(lines, "; ")
}

// fileError is the *FileError of the file path, holding b, that does
// not read, with where in b the fault is when it has a place: where
// the JSON breaks or ends too soon, or the key or value an error of
// strictjson, calendar or the SLA policies names.
func fileError(path, what string, b []byte, err error) *FileError {
	fe := &FileError{Path: path, What: what, Err: err}
	if line, col, ok := strictjson.Syntax(b, err); ok {
		fe.Line, fe.Column = line, col
		return fe
	}
	var se *strictjson.Error
	var ce *calendar.Error
	var le *convreport.SLAError
	switch {
	case errors.As(err, &se) && se.Line > 0:
		fe.Line, fe.Column = se.Line, se.Column
	case errors.As(err, &se):
		fe.Line, fe.Column = strictjson.Find(b, se.Field())
	case errors.As(err, &ce):
		fe.Line, fe.Column = strictjson.Find(b, ce.Field)
	case errors.As(err, &le):
		fe.Line, fe.Column = strictjson.Find(b, le.Field)
	}
	return fe
}

func (e *FileError) Unwrap() error { return e.Err }

// OpenDir returns a store over the directory dir, creating it (mode 0700)
// if needed.
func OpenDir(dir string, opts ...Option) (*Dir, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("convreport/store: %w", err)
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("convreport/store: %w", err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("convreport/store: %s is not a directory", dir)
	}
	d := &Dir{}
	d.c.b, d.c.mu = fileBackend{dir: dir}, dirLock(fi)
	d.c.cal = fileKeeper[calendar.Set]{dir, "_calendars.json", "calendars"}
	d.c.sla = fileKeeper[convreport.SLASet]{dir, "_sla.json", "SLA policies"}
	d.c.cfg = newConfig(opts)
	return d, nil
}

// dirLocks holds the mutex of each directory a Dir was opened over in
// the process, found by the directory itself (os.SameFile), whatever the
// path that names it. It keeps a few bytes for every directory opened.
var dirLocks struct {
	sync.Mutex
	dirs []struct {
		fi os.FileInfo
		mu *sync.Mutex
	}
}

// dirLock returns the mutex of the directory fi describes.
func dirLock(fi os.FileInfo) *sync.Mutex {
	dirLocks.Lock()
	defer dirLocks.Unlock()
	for _, d := range dirLocks.dirs {
		if os.SameFile(d.fi, fi) {
			return d.mu
		}
	}
	mu := &sync.Mutex{}
	dirLocks.dirs = append(dirLocks.dirs, struct {
		fi os.FileInfo
		mu *sync.Mutex
	}{fi, mu})
	return mu
}

type fileBackend struct{ dir string }

func (f fileBackend) path(id string) string { return filepath.Join(f.dir, id+".json") }

func (f fileBackend) get(id string) (convreport.Dashboard, bool, error) {
	p := f.path(id)
	if held, err := f.holds(id); err != nil || !held {
		return convreport.Dashboard{}, false, err
	}
	b, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return convreport.Dashboard{}, false, nil
	}
	if err != nil {
		return convreport.Dashboard{}, false, fmt.Errorf("convreport/store: %w", err)
	}
	// Every write is whole (see writeAtomic): an empty file was damaged.
	if len(b) == 0 {
		return convreport.Dashboard{}, false, &FileError{Path: p, Err: errors.New("the file is empty")}
	}
	// A file edited by hand says what is read: a misspelt "visibilty"
	// would silently leave the dashboard private (and the next save drop
	// the key), "OWNER" beside "owner" silently be the owner. Every key
	// the store ever wrote is a field of Dashboard still.
	var d convreport.Dashboard
	if err := strictjson.DecodeKnown(b, &d); err != nil {
		// A value that does not read is named by its key's path
		// ("reports[1].measure.p"), not by Go's types.
		return convreport.Dashboard{}, false, fileError(p, "", b, strictjson.Locate(b, &d, err))
	}
	if d.ID != id {
		return convreport.Dashboard{}, false, &FileError{Path: p, Err: fmt.Errorf("it holds dashboard %q", d.ID)}
	}
	return d, true, nil
}

func (f fileBackend) all() ([]convreport.Dashboard, error) {
	entries, err := os.ReadDir(f.dir)
	if err != nil {
		return nil, fmt.Errorf("convreport/store: %w", err)
	}
	var out []convreport.Dashboard
	for _, e := range entries {
		id, ok := strings.CutSuffix(e.Name(), ".json")
		// Temporary files start with a dot and end in .tmp; anything else
		// that is not <id>.json is not the store's. What it is (a file,
		// a link to one) get decides, as it does for Get.
		if !ok || e.IsDir() || !validID.MatchString(id) {
			continue
		}
		d, found, err := f.get(id)
		if err != nil {
			return nil, err
		}
		if found {
			out = append(out, d)
		}
	}
	return out, nil
}

// count is how many dashboards the directory holds, from its listing:
// every <id>.json that is a file or a link to one, read or not (a file
// that does not read still holds its ID). A link to nothing is the
// *FileError get gives.
func (f fileBackend) count() (int, error) {
	dir, err := os.Open(f.dir)
	if err != nil {
		return 0, fmt.Errorf("convreport/store: %w", err)
	}
	defer dir.Close()
	// Unsorted: os.ReadDir would sort thousands of names for nothing.
	entries, err := dir.ReadDir(-1)
	if err != nil {
		return 0, fmt.Errorf("convreport/store: %w", err)
	}
	n := 0
	for _, e := range entries {
		id, ok := strings.CutSuffix(e.Name(), ".json")
		if !ok || !validID.MatchString(id) {
			continue
		}
		switch {
		case e.Type().IsRegular():
			n++
		case e.Type()&fs.ModeSymlink != 0:
			held, err := f.holds(id)
			if err != nil {
				return 0, err
			}
			if held {
				n++
			}
		}
	}
	return n, nil
}

// holds reports whether a dashboard's file holds id, without reading
// it. Stat follows a symbolic link, as reading does: a linked file is a
// dashboard like any other. A directory, or a link to one, is none (and
// a pipe would block the read); a link to nothing is a *FileError.
func (f fileBackend) holds(id string) (bool, error) {
	p := f.path(id)
	fi, err := os.Stat(p)
	if errors.Is(err, fs.ErrNotExist) {
		if target, lerr := os.Readlink(p); lerr == nil {
			return false, &FileError{Path: p, Err: fmt.Errorf("it is a symbolic link to %s, which does not exist", target)}
		}
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("convreport/store: %w", err)
	}
	return fi.Mode().IsRegular(), nil
}

// add writes the new dashboard d's file unless a dashboard holds its
// ID. The file appears whole under its name by a hard link, which fails
// when the name exists: of two processes creating one ID at once, one
// gets errTaken, and neither file is lost.
func (f fileBackend) add(d convreport.Dashboard) error {
	held, err := f.holds(d.ID)
	if err != nil {
		return err
	}
	if held {
		return errTaken
	}
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return fmt.Errorf("convreport/store: encoding dashboard %q: %w", d.ID, err)
	}
	path, what := f.path(d.ID), fmt.Sprintf("dashboard %q", d.ID)
	err = writeNew(f.dir, path, what, append(b, '\n'))
	if !errors.Is(err, fs.ErrExist) {
		return err
	}
	// The name exists: a dashboard another process created since, or
	// what holds no dashboard (a directory), which the rename of any
	// write reports as it does for a save.
	if held, herr := f.holds(d.ID); herr != nil || held {
		return cmp.Or(herr, errTaken)
	}
	return writeAtomic(f.dir, path, what, append(b, '\n'))
}

func (f fileBackend) put(d convreport.Dashboard) error {
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return fmt.Errorf("convreport/store: encoding dashboard %q: %w", d.ID, err)
	}
	return writeAtomic(f.dir, f.path(d.ID), fmt.Sprintf("dashboard %q", d.ID), append(b, '\n'))
}

func (f fileBackend) remove(id string) error {
	if err := os.Remove(f.path(id)); err != nil {
		return fmt.Errorf("convreport/store: deleting dashboard %q: %w", id, err)
	}
	if err := syncDir(f.dir); err != nil {
		return fmt.Errorf("convreport/store: deleting dashboard %q: %w", id, err)
	}
	return nil
}

// writeAtomic replaces path with data, the document what ("dashboard
// \"support\"", "calendars"), so that a crash at any point leaves the old
// content or the new one. Its errors name what was being saved and where:
// the temporary file's name alone says neither.
func writeAtomic(dir, path, what string, data []byte) (err error) {
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		// The temporary file's name is noise: the directory is what must
		// be writable.
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return fmt.Errorf("convreport/store: saving %s: cannot create a file in directory %s: %w", what, dir, err)
	}
	renamed := false
	defer func() {
		if err != nil {
			tmp.Close()
			if !renamed {
				os.Remove(tmp.Name())
			}
			err = fmt.Errorf("convreport/store: saving %s to %s: %w", what, path, err)
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	renamed = true
	return syncDir(dir)
}

// writeNew creates path with data, whole or not at all, as writeAtomic
// writes, unless path exists: then it returns an error wrapping
// fs.ErrExist and writes nothing. Where the file system has no hard
// links it falls back on writeAtomic after a check that path does not
// exist, which another process can slip between.
func writeNew(dir, path, what string, data []byte) (err error) {
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return fmt.Errorf("convreport/store: saving %s: cannot create a file in directory %s: %w", what, dir, err)
	}
	// The temporary name goes in every case: once linked, the file has
	// its own.
	defer os.Remove(tmp.Name())
	defer func() {
		if err != nil && !errors.Is(err, fs.ErrExist) {
			err = fmt.Errorf("convreport/store: saving %s to %s: %w", what, path, err)
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err = tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	err = os.Link(tmp.Name(), path)
	switch {
	case errors.Is(err, fs.ErrExist):
		return err
	case err != nil:
		// No hard links here (a FAT volume, some network shares).
		if _, serr := os.Lstat(path); serr == nil {
			return fs.ErrExist
		}
		if err = os.Rename(tmp.Name(), path); err != nil {
			return err
		}
	}
	return syncDir(dir)
}

// syncDir makes a rename or removal in dir durable. Windows cannot open a
// directory to sync it; there the rename's durability is the file
// system's.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("syncing %s: %w", dir, err)
	}
	return nil
}

// Create stores a new dashboard; see [Store].
func (d *Dir) Create(ctx context.Context, v access.Viewer, db convreport.Dashboard) (convreport.Dashboard, error) {
	return d.c.create(ctx, v, db)
}

// Get returns the dashboard id if v may view it; see [Store].
func (d *Dir) Get(ctx context.Context, v access.Viewer, id string) (convreport.Dashboard, error) {
	return d.c.getDashboard(ctx, v, id)
}

// List returns the dashboards v may view, by name; see [Store].
// One unreadable file fails the list with a *[FileError] naming it.
func (d *Dir) List(ctx context.Context, v access.Viewer) ([]convreport.Dashboard, error) {
	return d.c.list(ctx, v)
}

// Save replaces a dashboard if db.Version is current; see [Store].
func (d *Dir) Save(ctx context.Context, v access.Viewer, db convreport.Dashboard) (convreport.Dashboard, error) {
	return d.c.save(ctx, v, db)
}

// Delete removes the dashboard db is a copy of, if db is current: its
// version and its CreatedAt; see [Store].
func (d *Dir) Delete(ctx context.Context, v access.Viewer, db convreport.Dashboard) error {
	return d.c.delete(ctx, v, db)
}

// Stamp returns a hash of the file of dashboard id, "" when there is
// none: any save, delete or creation again rewrites it. It reads the
// file without decoding it, and without the directory's lock: a write
// replaces the file whole, so it reads the old content or the new. See
// [Stamper].
func (d *Dir) Stamp(ctx context.Context, id string) (string, error) {
	if err := ctxErr(ctx); err != nil {
		return "", err
	}
	if !validID.MatchString(id) {
		return "", nil
	}
	b, err := os.ReadFile(d.c.b.(fileBackend).path(id))
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("convreport/store: %w", err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16]), nil
}

// Count returns how many dashboards the directory holds, whoever can see
// them: what the plan's dashboards per account counts. See [Counter].
// It counts from the directory's listing, reading no file: a dashboard
// file that does not read counts (its ID is taken), a symbolic link to
// nothing is a *[FileError].
func (d *Dir) Count(ctx context.Context) (int, error) { return d.c.count(ctx) }
