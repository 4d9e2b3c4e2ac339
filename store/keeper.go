package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// keeper is where a store keeps one JSON document beside its dashboards
// (the business-hours calendars, the SLA policies). Its methods are called
// with the core's mutex held and exchange copies: get returns a new value
// (an empty one when none was stored), put stores what it is given.
type keeper[T any] interface {
	get() (*T, error)
	put(*T) error
}

// memKeeper keeps the document of a Memory store as JSON, so that a
// caller's later change to its value changes nothing here.
type memKeeper[T any] struct{ b []byte }

func (m *memKeeper[T]) get() (*T, error) {
	s := new(T)
	if len(m.b) == 0 {
		return s, nil
	}
	if err := json.Unmarshal(m.b, s); err != nil {
		return nil, err
	}
	return s, nil
}

func (m *memKeeper[T]) put(s *T) error {
	b, err := json.Marshal(s)
	if err != nil {
		return err
	}
	m.b = b
	return nil
}

// fileKeeper keeps the document of a Dir in the file name, which starts
// with "_" as no dashboard ID does, so listing dashboards skips it.
type fileKeeper[T any] struct{ dir, name, what string }

func (f fileKeeper[T]) get() (*T, error) {
	p := filepath.Join(f.dir, f.name)
	b, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return new(T), nil
	}
	if err != nil {
		return nil, fmt.Errorf("convreport/store: %w", err)
	}
	// Every write is whole (see writeAtomic): an empty file was damaged,
	// and is no set with nothing in it.
	if len(b) == 0 {
		return nil, &FileError{Path: p, What: f.what, Err: errors.New("the file is empty")}
	}
	// The documents decode themselves strictly (calendar.Set, SLASet):
	// an unknown key, a key in another case or twice is an error naming
	// its path, which fileError finds in the file.
	s := new(T)
	if err := json.Unmarshal(b, s); err != nil {
		return nil, fileError(p, f.what, b, err)
	}
	return s, nil
}

func (f fileKeeper[T]) put(s *T) error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	return writeAtomic(f.dir, filepath.Join(f.dir, f.name), f.what, append(b, '\n'))
}
