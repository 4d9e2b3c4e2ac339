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

// FilterOptions bounds a filter expression (see [Limits]). The zero value
// means the defaults.
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

// filterEnv is what a filter's query-dependent helpers read: now(),
// daysAgo(n) and date("2025-03-01") resolve against it.
type filterEnv struct {
	// Now is the current instant; zero means time.Now() at each evaluation.
	Now time.Time
	// Zone is the query's time zone; nil means UTC.
	Zone *time.Location
}

// compiledFilter is a compiled, type-checked filter expression (see the
// package documentation for the language). It is immutable and safe for
// concurrent use.
type compiledFilter struct {
	f *filter.Filter
}

// String returns the filter's source text.
func (f *compiledFilter) String() string { return f.f.String() }

// Match reports whether c passes the filter, evaluated with the expr-lang
// virtual machine. It fails only when a custom property of c holds a value
// of the wrong type.
func (f *compiledFilter) Match(c *Conversation, env filterEnv) (bool, error) {
	return f.f.Match(convRow{c}, filter.Env(env))
}

// tree returns the predicate tree the engine evaluates natively.
func (f *compiledFilter) tree() *filter.Pred { return f.f.Tree() }

// CheckFilter reports whether expr compiles against s (nil means
// [DefaultSchema]) within the default limits of [FilterOptions], as a
// report's Filter must: nil, a *[FilterError] pointing at the mistake, or a
// *[FilterLimitError]. An empty or blank expr matches every conversation.
// The filter language is described in the package documentation.
func (s *Schema) CheckFilter(expr string) error {
	_, err := compileFilter(s, expr)
	return err
}

// compileFilter compiles src against s with the default limits.
func compileFilter(s *Schema, src string) (*compiledFilter, error) {
	return FilterOptions{}.compile(s, src)
}

// compile is compileFilter with the limits of o.
func (o FilterOptions) compile(s *Schema, src string) (*compiledFilter, error) {
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
	return &compiledFilter{f}, nil
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
