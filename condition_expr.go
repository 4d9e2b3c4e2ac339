package convreport

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/convreport/convreport/internal/filter"
)

// ConditionError reports a structured [Condition] that cannot be turned
// into an expression.
type ConditionError struct {
	Index    int // position in the list, from 0; -1 for a lone condition
	Property string
	Op       Op
	Value    string // the offending value; empty when the problem is not one value
	Reason   string
}

// Error names the condition (its index when in a list), its property,
// operator and offending value, then the reason.
func (e *ConditionError) Error() string {
	var b strings.Builder
	b.WriteString("convreport: condition")
	if e.Index >= 0 {
		fmt.Fprintf(&b, " #%d", e.Index)
	}
	fmt.Fprintf(&b, ": %s %s", e.Property, e.Op)
	if e.Value != "" {
		fmt.Fprintf(&b, " %q", e.Value)
	}
	b.WriteString(": ")
	b.WriteString(e.Reason)
	return b.String()
}

// ConditionsExpr returns the expression text of all conditions, joined with
// " && " (an empty string, which matches everything, for none). Errors name
// each bad condition by its index; all of them are reported, joined.
func ConditionsExpr(s *Schema, cs []Condition) (string, error) {
	parts := make([]string, 0, len(cs))
	var errs []error
	for i, c := range cs {
		e, err := c.expr(s)
		if err != nil {
			err.Index = i
			errs = append(errs, err)
			continue
		}
		// Every condition compiles to comparisons joined by &&, or to not
		// (…), which all bind tighter than &&: no parentheses are needed.
		parts = append(parts, e)
	}
	if len(errs) > 0 {
		return "", joinErrors(errs)
	}
	return strings.Join(parts, " && "), nil
}

func joinErrors(errs []error) error {
	if len(errs) == 1 {
		return errs[0]
	}
	return errors.Join(errs...)
}

// Expr returns the expression text the condition stands for, which
// [Schema.CheckFilter] accepts (s nil means [DefaultSchema]):
//
//	is_any_of      Inbox in ["Sales", "Support"]
//	is_none_of     Inbox not in ["Sales", "Support"]
//	is_known       Inbox != nil
//	is_unknown     Inbox == nil
//	equals         Inbox == "Sales"; on a time, a date means that whole day:
//	               CreatedAt >= date("2025-03-01") && CreatedAt < date("2025-03-02")
//	not_equals     Inbox != "Sales"; on a time and a date: not (…the day…)
//	contains       Subject contains "refund"
//	starts_with    OriginURL startsWith "https://shop."
//	greater_than   IncomingMessages > 3, FirstResponseTime > duration("5m")
//	less_than      CreatedAt < date("2025-03-01")
//	between        X >= a && X < b
//	in_last_days   CreatedAt >= daysAgo(7) && CreatedAt < now()
//	before         CreatedAt < date("2025-03-01")
//	after          CreatedAt >= date("2025-03-01")
//
// in_last_days N keeps the times from midnight N days before today, in the
// query's zone, up to the query's Now: the N whole days before today and
// today so far (in_last_days 0 is today so far).
//
// Values are read by the property's kind: a decimal number, a duration like
// "5m", a date "2025-03-01" (in the query's zone) or an RFC 3339 time, true
// or false, or one of an enum's values; strings are quoted with Go escapes.
func (c Condition) Expr(s *Schema) (string, error) {
	e, err := c.expr(s)
	if err != nil {
		return "", err
	}
	return e, nil
}

func (c Condition) expr(s *Schema) (string, *ConditionError) {
	if s == nil {
		s = DefaultSchema()
	}
	fail := func(value, format string, args ...any) (string, *ConditionError) {
		return "", &ConditionError{Index: -1, Property: c.Property, Op: c.Op, Value: value, Reason: fmt.Sprintf(format, args...)}
	}
	p, ok := s.Lookup(c.Property)
	if !ok {
		msg := fmt.Sprintf("unknown property %q", c.Property)
		if sug := s.suggest(c.Property); sug != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", sug)
		}
		return fail("", "%s", msg)
	}
	info, ok := c.Op.info()
	if !ok {
		ops := make([]string, len(operatorTable))
		for i, o := range operatorTable {
			ops[i] = string(o.Op)
		}
		return fail("", "unknown operator (want one of %s)", strings.Join(ops, ", "))
	}
	kinds, nvals := info.Kinds, info.Values
	if kinds != nil && !slices.Contains(kinds, p.Kind) {
		return fail("", "%s does not apply to %s, which is %s", c.Op, p.Name, filter.Kind(p.Kind).Word())
	}
	switch {
	case nvals == 0 && len(c.Values) != 0:
		return fail("", "takes no values, got %d", len(c.Values))
	case nvals == -1 && len(c.Values) == 0:
		return fail("", "needs at least one value")
	case nvals > 0 && len(c.Values) != nvals:
		return fail("", "takes %d value%s, got %d", nvals, plural(nvals), len(c.Values))
	}

	name := p.Name
	switch c.Op {
	case IsKnown:
		return name + " != nil", nil
	case IsUnknown:
		return name + " == nil", nil
	case InLastDays:
		v := strings.TrimSpace(c.Values[0])
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > filter.MaxDaysAgo {
			return fail(c.Values[0], "want a whole number of days from 0 to %d", filter.MaxDaysAgo)
		}
		return fmt.Sprintf("%s >= daysAgo(%d) && %s < now()", name, n, name), nil
	}

	lits := make([]string, len(c.Values))
	var dates []filter.TimeLit
	for i, v := range c.Values {
		lit, tl, err := conditionLiteral(p, v)
		if err != nil {
			return fail(v, "%v", err)
		}
		lits[i] = lit
		dates = append(dates, tl)
	}
	switch c.Op {
	case IsAnyOf:
		return fmt.Sprintf("%s in [%s]", name, strings.Join(lits, ", ")), nil
	case IsNoneOf:
		return fmt.Sprintf("%s not in [%s]", name, strings.Join(lits, ", ")), nil
	case Equals, NotEquals:
		e := fmt.Sprintf("%s == %s", name, lits[0])
		if day, ok := dates[0].DateOnly(); p.Kind == KindTime && ok {
			next := day.AddDate(0, 0, 1).Format("2006-01-02")
			e = fmt.Sprintf("%s >= %s && %s < date(%q)", name, lits[0], name, next)
			if c.Op == NotEquals {
				e = "not (" + e + ")"
			}
			return e, nil
		}
		if c.Op == NotEquals {
			e = fmt.Sprintf("%s != %s", name, lits[0])
		}
		return e, nil
	case Contains:
		return fmt.Sprintf("%s contains %s", name, lits[0]), nil
	case StartsWith:
		return fmt.Sprintf("%s startsWith %s", name, lits[0]), nil
	case GreaterThan:
		return fmt.Sprintf("%s > %s", name, lits[0]), nil
	case LessThan, Before:
		return fmt.Sprintf("%s < %s", name, lits[0]), nil
	case After:
		return fmt.Sprintf("%s >= %s", name, lits[0]), nil
	case Between:
		if !lessLiteral(p, c.Values[0], c.Values[1], dates) {
			return fail(c.Values[1], "the second value must be greater than the first, %q", c.Values[0])
		}
		return fmt.Sprintf("%s >= %s && %s < %s", name, lits[0], name, lits[1]), nil
	}
	return fail("", "unknown operator")
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// conditionLiteral parses v by p's kind and writes it as expression text.
// For a time it also returns the parsed literal.
func conditionLiteral(p Property, v string) (string, filter.TimeLit, error) {
	switch p.Kind {
	case KindString:
		if v == "" {
			return "", filter.TimeLit{}, fmt.Errorf("empty value (use is_unknown for a missing value)")
		}
		if !utf8.ValidString(v) {
			return "", filter.TimeLit{}, fmt.Errorf("not valid UTF-8")
		}
		return quoteExpr(v), filter.TimeLit{}, nil
	case KindEnum:
		if !slices.Contains(p.Values, v) {
			return "", filter.TimeLit{}, fmt.Errorf("not a value of %s (want one of %s)", p.Name, quotedList(p.Values))
		}
		return quoteExpr(v), filter.TimeLit{}, nil
	case KindNumber:
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			return "", filter.TimeLit{}, fmt.Errorf("not a number")
		}
		return formatNumber(f), filter.TimeLit{}, nil
	case KindBool:
		switch strings.TrimSpace(v) {
		case "true":
			return "true", filter.TimeLit{}, nil
		case "false":
			return "false", filter.TimeLit{}, nil
		}
		return "", filter.TimeLit{}, fmt.Errorf("want true or false")
	case KindDuration:
		if _, err := filter.ParseDuration(v); err != nil {
			return "", filter.TimeLit{}, fmt.Errorf("want a duration like 90s, 5m or 1h30m")
		}
		return fmt.Sprintf("duration(%s)", quoteExpr(strings.TrimSpace(v))), filter.TimeLit{}, nil
	case KindTime:
		t, err := filter.ParseDate(v)
		if err != nil {
			return "", filter.TimeLit{}, fmt.Errorf("want a date like 2025-03-01 or an RFC 3339 time like 2025-03-01T10:00:00Z")
		}
		return fmt.Sprintf("date(%s)", quoteExpr(strings.TrimSpace(v))), t, nil
	}
	return "", filter.TimeLit{}, fmt.Errorf("unsupported kind %s", p.Kind)
}

// lessLiteral reports whether a < b for the values of a between condition,
// when the order does not depend on the query (it assumes so otherwise).
func lessLiteral(p Property, a, b string, dates []filter.TimeLit) bool {
	switch p.Kind {
	case KindNumber:
		x, _ := strconv.ParseFloat(strings.TrimSpace(a), 64)
		y, _ := strconv.ParseFloat(strings.TrimSpace(b), 64)
		return x < y
	case KindDuration:
		x, _ := filter.ParseDuration(a)
		y, _ := filter.ParseDuration(b)
		return x < y
	case KindTime:
		if before, known := dates[0].Before(dates[1]); known {
			return before
		}
	}
	return true
}

// formatNumber writes f as an expr number literal.
func formatNumber(f float64) string {
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return strconv.FormatInt(int64(f), 10)
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// quoteExpr quotes s, valid UTF-8, as an expr string literal. strconv.Quote's
// escapes (\", \\, \n, \t, \uNNNN, \UNNNNNNNN, and \xNN below 0x80) mean
// the same in expr; expr reads \xNN as a rune, so invalid UTF-8 (which
// Quote writes as \xNN bytes of 0x80 and up) cannot be written.
func quoteExpr(s string) string { return strconv.Quote(s) }

// quotedList is values quoted, comma-separated: a value that holds a
// comma ("Enterprise, EU") still reads as one.
func quotedList(values []string) string {
	q := make([]string, len(values))
	for i, v := range values {
		q[i] = strconv.Quote(v)
	}
	return strings.Join(q, ", ")
}
