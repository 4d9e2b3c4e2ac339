package tables

import (
	"iter"
	"sync/atomic"
)

// Table is the root package's immutable snapshot of conversations (C)
// under a schema (S): memory keeps one and parquetio builds one, but only
// the root package makes one (New, Build) or reads its columns. Its
// dynamic type is the root package's, and the engine asserts it back.
type Table[S, C any] interface {
	// Len returns the number of conversations.
	Len() int
	// Schema returns the schema the conversations were checked against.
	Schema() *S
	// All yields the conversations in creation order.
	All() iter.Seq[C]
	// Change returns a new table: t with upserts added and deletes
	// removed. With replace set, an upserted conversation replaces the
	// one held with its ID; without it, an ID held already is an error.
	// Every conversation is checked first; on an error t is unchanged.
	Change(upserts []C, deletes []string, replace bool) (Table[S, C], error)
}

// newTable is the root package's constructor, set by SetNew.
var newTable any

// SetNew sets the function New calls; the root package calls it when it
// is initialised.
func SetNew[S, C any](f func(*S, []C) (Table[S, C], error)) { newTable = f }

// New checks conversations against a schema (nil means the default) and
// returns them as a table.
func New[S, C any](s *S, cs []C) (Table[S, C], error) {
	return newTable.(func(*S, []C) (Table[S, C], error))(s, cs)
}

// Holder keeps a source's current table. A source embeds it under a
// type alias, so that the field stays unexported and its method, which
// only this package can name, marks the source as one whose table the
// engine reads directly (see HeldBy). It has no exported method: those
// would show in the source's documentation.
type Holder struct{ p atomic.Pointer[held] }

type held struct{ t any }

func (h *Holder) holder() *Holder { return h }

// Load returns h's table, nil before the first Store.
func Load[S, C any](h *Holder) Table[S, C] {
	if b := h.p.Load(); b != nil {
		return b.t.(Table[S, C])
	}
	return nil
}

// Store makes t h's table; runs that loaded the one before keep it.
func Store[S, C any](h *Holder, t Table[S, C]) { h.p.Store(&held{t}) }

// HeldBy returns the Holder of a source that embeds one.
func HeldBy(src any) (*Holder, bool) {
	if s, ok := src.(interface{ holder() *Holder }); ok {
		return s.holder(), true
	}
	return nil, false
}
