package convreport

import (
	"errors"
	"fmt"
	"time"

	"github.com/convreport/convreport/internal/filter"
)

// The default limits of a filter expression; see [FilterOptions].
const (
	DefaultMaxFilterLength = 4096 // bytes
	DefaultMaxFilterNodes  = 256  // syntax tree nodes
	DefaultMaxPatternSize  = 1000 // instructions of a compiled matches pattern
)

// FilterOptions sets the limits [FilterOptions.Compile] enforces. The zero
// value means the defaults.
type FilterOptions struct {
	// MaxLength is the longest expression accepted, in bytes; zero means
	// DefaultMaxFilterLength.
	MaxLength int
	// MaxNodes is the largest syntax tree accepted (each literal, property,
	// operator and call is a node); zero means DefaultMaxFilterNodes.
	MaxNodes int
	// MaxPatternSize bounds each matches pattern, in instructions of its
	// compiled program; zero means DefaultMaxPatternSize. Matching costs
	// up to its size per character of the text, and a short pattern can be
	// large: [a-z ]{1,1000} is 2001 instructions, each repeat one more,
	// while ^(re|fwd): is 12 and ^.{0,255}$ 514.
	MaxPatternSize int
}

// FilterEnv is what a filter's query-dependent helpers read: now(),
// daysAgo(n) and date("2025-03-01") resolve against it.
type FilterEnv struct {
	// Now is the current instant; zero means time.Now() at each evaluation.
	Now time.Time
	// Zone is the query's time zone; nil means UTC.
	Zone *time.Location
}

// Filter is a compiled, type-checked filter expression. It is immutable and
// safe for concurrent use.
//
// # Language
//
// A filter is an expr-lang expression (https://expr-lang.org) that is true
// for the conversations to keep. Identifiers are property names of the
// [Schema] (Channel, Inbox, FirstResponseTime, custom names); the JSON keys
// (origin_url) are accepted as aliases. Besides the operators of expr-lang
// (== != < <= > >= in, not in, contains, startsWith, endsWith, matches,
// && || !, and, or, not, arithmetic, ?: and ??), a filter can call:
//
//   - duration("5m"): a duration, in time.ParseDuration's format;
//   - date("2025-03-01"), date("2025-03-01T10:00"): the first instant the
//     query's zone's wall clock reads that date and time (for a date, the
//     day's start as [calendar.Date.Start] defines it: midnight, or the instant the
//     day began where a DST change skipped midnight);
//     date("2025-03-01T10:00:00Z"): an absolute instant (RFC 3339);
//   - now(): the query's Now; daysAgo(n): the start of the day n days
//     before today, in the query's zone;
//   - len, lower, upper, trim, trimPrefix, trimSuffix, indexOf,
//     lastIndexOf, abs, ceil, floor, round, min, max;
//   - all, any, none, one, count over a written-out list of constants, like
//     any(["refund", "chargeback"], Subject contains #); they do not nest.
//
// Nothing else: no fields or methods, no let, no maps, no ranges, no %. With the
// length and node limits of [FilterOptions], this bounds the work one
// evaluation does by the size of the expression and of the conversation.
//
// The helpers take constants only. Times compare with times, durations with
// durations, numbers with numbers and strings with strings; anything else is
// an error at compile time. Strings compare exactly (case-sensitive).
//
// # Unknown values
//
// A property may be unknown: an empty string, a zero time, a duration that
// does not apply (no agent reply, not closed), an absent custom property.
// A comparison that reads an unknown value (==, <, <=, >, >=, in, contains,
// startsWith, endsWith, matches) is false, and != and not in are true; this
// holds for computed operands too (lower(Subject) contains "x" is false when
// Subject is unknown). X == nil is true when X is unknown, X != nil when it
// is known; X ?? v reads v when X is unknown. A bool property that is
// unknown reads as false on its own: Vip is false and !Vip true.
//
// An empty filter matches every conversation.
type Filter struct {
	f *filter.Filter
}

// String returns the filter's source text.
func (f *Filter) String() string { return f.f.String() }

// Match reports whether c passes the filter, evaluated with the expr-lang
// virtual machine. It fails only when a custom property of c holds a value
// of the wrong type.
func (f *Filter) Match(c *Conversation, env FilterEnv) (bool, error) {
	return f.f.Match(convRow{c}, filter.Env(env))
}

// tree returns the predicate tree the engine evaluates natively.
func (f *Filter) tree() *filter.Pred { return f.f.Tree() }

// CompileFilter compiles src against the schema s (nil means
// [DefaultSchema]) with the default limits. An empty or blank src compiles
// to a filter that matches every conversation. A bad expression is reported
// as a *[FilterError] pointing at the position, a limit breach as a
// *[FilterLimitError].
func CompileFilter(s *Schema, src string) (*Filter, error) {
	return FilterOptions{}.Compile(s, src)
}

// Compile is [CompileFilter] with the limits of o.
func (o FilterOptions) Compile(s *Schema, src string) (*Filter, error) {
	if s == nil {
		s = DefaultSchema()
	}
	if o.MaxLength <= 0 {
		o.MaxLength = DefaultMaxFilterLength
	}
	if o.MaxNodes <= 0 {
		o.MaxNodes = DefaultMaxFilterNodes
	}
	if o.MaxPatternSize <= 0 {
		o.MaxPatternSize = DefaultMaxPatternSize
	}
	f, err := filter.Compile(schemaFields{s}, src, filter.Options(o))
	if err != nil {
		return nil, filterError(err)
	}
	return &Filter{f}, nil
}

// filterError turns the compiler's errors into the public ones.
func filterError(err error) error {
	var fe *filter.Error
	var le *filter.LimitError
	switch {
	case errors.As(err, &fe):
		return (*FilterError)(fe)
	case errors.As(err, &le):
		return (*FilterLimitError)(le)
	}
	return err
}

// FilterError reports a filter expression that does not compile, and where.
type FilterError struct {
	Expr   string // the whole expression
	Line   int    // 1-based; 0 when the error has no position
	Column int    // 1-based, in runes
	Msg    string
}

// Error returns the message, then the offending line with a caret under the
// position:
//
//	convreport: filter: unknown property "Inboxx" (did you mean "Inbox"?) at line 1, column 22:
//	 | Channel == "chat" && Inboxx == "Sales"
//	 | .....................^
func (e *FilterError) Error() string { return (*filter.Error)(e).Error() }

// FilterLimitError reports a filter expression over one of the limits of
// [FilterOptions].
type FilterLimitError struct {
	Limit string // "length" (in bytes), "nodes", or "expanded nodes"
	Max   int    // the limit
	Got   int    // the expression's size; for "expanded nodes", Max+1
}

// Error says which limit the expression is over, and by how much.
func (e *FilterLimitError) Error() string { return (*filter.LimitError)(e).Error() }

// schemaFields is a Schema as the filter compiler reads it.
type schemaFields struct{ s *Schema }

func (sf schemaFields) Lookup(name string) (filter.Field, bool) {
	p, ok := sf.s.Lookup(name)
	if !ok {
		return filter.Field{}, false
	}
	return p.field(), true
}

func (sf schemaFields) Suggest(name string) string { return sf.s.suggest(name) }

// field is p as the filter compiler and the predicate tree see it.
func (p Property) field() filter.Field {
	return filter.Field{Name: p.Name, Kind: filter.Kind(p.Kind), Values: p.Values, Custom: p.Custom, Derived: p.Derived}
}

// convRow is a conversation as a filter reads it.
type convRow struct{ c *Conversation }

// Value is the value of f for the conversation, typed by its kind (its zero
// when unknown), and whether it is known. It fails when a custom property
// holds a value of the wrong type.
func (r convRow) Value(f filter.Field) (any, bool, error) {
	p := Property{Name: f.Name, Kind: Kind(f.Kind), Values: f.Values, Custom: f.Custom, Derived: f.Derived}
	v, ok := propertyValue(r.c, p)
	if !ok {
		return f.Kind.Zero(), false, nil
	}
	if p.Custom {
		if err := checkKind(p, v); err != nil {
			return nil, false, fmt.Errorf("convreport: filter: conversation %q: property %s %v", r.c.ID, p.Name, err)
		}
	}
	return v, true, nil
}

func (r convRow) ID() string { return r.c.ID }
