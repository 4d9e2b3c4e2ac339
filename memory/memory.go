// Package memory is an in-memory [convreport.Source]: conversations held
// column by column, dictionary-encoded and ordered by creation time, which
// the engine scans directly. It is what tests and embedders start with.
//
// A Source holds one tenant: an embedder with many accounts gives each its
// own Source. The engine reads a source's columns directly, so a shared
// one would need a filtered copy of its table per tenant and run, which
// costs what a Source per tenant costs, without the isolation.
package memory

import (
	"context"
	"iter"
	"sync"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/internal/tables"
)

// Source holds conversations in memory. It is safe for concurrent use: runs
// read an immutable snapshot while Add, Upsert, Delete and Apply publish
// new ones, so a run sees each batch of changes entirely or not at all.
// The zero Source is empty, with [convreport.DefaultSchema].
//
// The engine reads a Source's columns directly, never through Scan, and
// so it does for a type that embeds a *Source (to give it a Name, say).
type Source struct {
	// holder keeps the current snapshot; the engine finds it there and
	// scans its columns directly instead of calling Scan. A type that
	// embeds a *Source keeps that.
	holder
	mu sync.Mutex // serialises changes and guards watchers
	// watchers each hold one pending signal at most: a full channel
	// already tells its reader to look again.
	watchers map[chan convreport.Change]struct{}
}

// holder is embedded under this name so that the field stays unexported.
type holder = tables.Holder

// table is a snapshot of conversations, as the engine reads it.
type table = tables.Table[convreport.Schema, convreport.Conversation]

var (
	_ convreport.Source  = (*Source)(nil)
	_ convreport.Watcher = (*Source)(nil)
)

// Option configures a Source.
type Option func(*config)

type config struct{ schema *convreport.Schema }

// WithSchema declares custom properties; the default is
// [convreport.DefaultSchema].
func WithSchema(s *convreport.Schema) Option { return func(c *config) { c.schema = s } }

// New returns a source holding cs. Every conversation is validated against
// the schema; if any is invalid, New returns every problem joined and no
// source.
func New(cs []convreport.Conversation, opts ...Option) (*Source, error) {
	var cfg config
	for _, o := range opts {
		o(&cfg)
	}
	t, err := tables.New(cfg.schema, cs)
	if err != nil {
		return nil, err
	}
	s := &Source{}
	tables.Store(&s.holder, t)
	return s, nil
}

// Name says what the source is (it is a [convreport.Named]), for the
// engine's errors to begin with in place of a Go type. A type that
// embeds a *Source names itself with a Name of its own.
func (s *Source) Name() string { return "memory" }

// snap returns the current snapshot: an empty one of the default schema
// for a zero Source.
func (s *Source) snap() table {
	if t := tables.Load[convreport.Schema, convreport.Conversation](&s.holder); t != nil {
		return t
	}
	t, _ := tables.New[convreport.Schema, convreport.Conversation](nil, nil)
	return t
}

// Add appends conversations. It validates them all first; on any error
// nothing is added. Runs already started keep the snapshot they began with.
func (s *Source) Add(cs ...convreport.Conversation) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.snap().Change(cs, nil, false)
	if err != nil {
		return err
	}
	tables.Store(&s.holder, t)
	s.notify()
	return nil
}

// Batch is a set of changes applied at once by [Source.Apply].
type Batch struct {
	// Upsert holds conversations to insert, each replacing the one held
	// with its ID if any: a conversation's new state. When an ID appears
	// twice, the later conversation wins.
	Upsert []convreport.Conversation
	// Delete holds the IDs of conversations to remove; IDs not held are
	// ignored. An ID may not be both upserted and deleted in one batch.
	Delete []string
}

// Apply applies a batch of changes. Every upserted conversation is
// validated first, as by New; on any error, nothing changes. Runs already
// started keep the snapshot they began with; runs started after Apply
// returns see the whole batch.
//
// A batch costs about its own size, not the source's: each ID is found
// through the stored parts' indexes (hashes, or the IDs' numbers when they
// rise in creation order), replaced rows are marked dead in a copy of the few
// chunks of 1,024 rows they are in, and the new rows are stored apart.
// Stored parts merge as they grow, each into one at least twice its size,
// dropping replaced and deleted rows: a conversation is copied O(log n)
// times over its life.
func (s *Source) Apply(b Batch) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.snap().Change(b.Upsert, b.Delete, true)
	if err != nil {
		return err
	}
	tables.Store(&s.holder, t)
	s.notify()
	return nil
}

// Watch returns a channel that receives a Change after each Add, Upsert,
// Delete or Apply (coalesced while the reader is busy); it is closed when
// ctx is done.
func (s *Source) Watch(ctx context.Context) (<-chan convreport.Change, error) {
	ch := make(chan convreport.Change, 1)
	s.mu.Lock()
	if s.watchers == nil {
		s.watchers = map[chan convreport.Change]struct{}{}
	}
	s.watchers[ch] = struct{}{}
	s.mu.Unlock()
	context.AfterFunc(ctx, func() {
		s.mu.Lock()
		delete(s.watchers, ch)
		close(ch)
		s.mu.Unlock()
	})
	return ch, nil
}

// notify signals every watcher without blocking; the caller holds s.mu.
func (s *Source) notify() {
	for ch := range s.watchers {
		select {
		case ch <- convreport.Change{}:
		default: // a signal is already pending
		}
	}
}

// Upsert inserts conversations, each replacing the one held with its ID;
// it is Apply of a batch of upserts.
func (s *Source) Upsert(cs ...convreport.Conversation) error {
	return s.Apply(Batch{Upsert: cs})
}

// Delete removes the conversations with these IDs, ignoring IDs not held;
// it is Apply of a batch of deletes.
func (s *Source) Delete(ids ...string) {
	// A batch of deletes only cannot fail: nothing is validated.
	_ = s.Apply(Batch{Delete: ids})
}

// Len returns the number of conversations held.
func (s *Source) Len() int { return s.snap().Len() }

// Schema returns the source's schema.
func (s *Source) Schema() *convreport.Schema { return s.snap().Schema() }

// All yields every conversation of the current snapshot, in creation
// order (ties by ID).
func (s *Source) All() iter.Seq[convreport.Conversation] { return s.snap().All() }

// Scan yields every conversation of the current snapshot created within
// the hint's bounds, in creation order.
func (s *Source) Scan(ctx context.Context, hint convreport.ScanHint) iter.Seq2[*convreport.Conversation, error] {
	return func(yield func(*convreport.Conversation, error) bool) {
		n := 0
		for c := range s.snap().All() {
			if n++; n%1024 == 0 {
				if err := ctx.Err(); err != nil {
					yield(nil, err)
					return
				}
			}
			if !hint.CreatedFrom.IsZero() && c.CreatedAt.Before(hint.CreatedFrom) {
				continue
			}
			if !hint.CreatedTo.IsZero() && !c.CreatedAt.Before(hint.CreatedTo) {
				continue
			}
			if !yield(&c, nil) {
				return
			}
		}
	}
}
