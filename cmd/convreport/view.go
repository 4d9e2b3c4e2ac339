package main

import (
	"errors"
	"flag"
	"fmt"
	"slices"
	"strings"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/internal/valuelist"
)

// viewFlags are the dashboard filters and the comparison of run and drill:
// --where adds a condition to every report, as a dashboard filter does,
// and --compare gives each point its value in an earlier period.
type viewFlags struct {
	where   whereFlags
	compare string
}

type whereFlags []string

func (w *whereFlags) String() string     { return strings.Join(*w, "; ") }
func (w *whereFlags) Set(v string) error { *w = append(*w, v); return nil }

func (v *viewFlags) register(fs *flag.FlagSet) {
	fs.Var(&v.where, "where", `a filter on every report, as a dashboard filter: "Property operator values", like "Channel is_any_of chat,email", "Inbox is_known" or "CreatedAt between 2025-03-01,2025-03-08" (operators: `+operatorNames()+`); a value that holds a comma or a quote is written in double quotes, a quote inside doubled: 'plan is_any_of "Enterprise, EU",pro', 'Assignee equals "Bob, Alice"' (an operator that takes one value refuses an unquoted comma: is_any_of takes several); repeat for several`)
	fs.StringVar(&v.compare, "compare", "", "compare each point with the previous period of equal calendar length (previous) or the same period a year before (year)")
}

func operatorNames() string {
	var names []string
	for _, o := range convreport.Operators() {
		names = append(names, string(o.Op))
	}
	return strings.Join(names, ", ")
}

// conditions reads --where: the property, the operator, then its values,
// comma-separated for an operator that takes several (or two), a value
// that holds a comma or a quote in double quotes (see valuelist). An
// operator that takes one value reads a quoted value the same way (a
// comma in it is then its own), and the rest of the text as written when
// it starts with no quote, but for a comma: "Assignee equals Bob, Alice"
// is refused, as a list meant or a value not quoted (oneComma says which
// way out fits the property of s). Errors count characters in the whole
// condition.
func (v *viewFlags) conditions(s *convreport.Schema) ([]convreport.Condition, error) {
	var out []convreport.Condition
	for i, w := range v.where {
		fields := strings.Fields(w)
		if len(fields) < 2 {
			return nil, usageError("--where #%d %q: want \"Property operator values\", like \"Channel is_any_of chat,email\"", i+1, w)
		}
		c := convreport.Condition{Property: fields[0], Op: convreport.Op(fields[1])}
		// The values start after the operator, the second word.
		at := strings.Index(w, fields[0]) + len(fields[0])
		at += strings.Index(w[at:], fields[1]) + len(fields[1])
		n := -2
		for _, o := range convreport.Operators() {
			if o.Op == c.Op {
				n = o.Values
			}
		}
		switch {
		case n == -2:
			return nil, usageError("--where #%d: unknown operator %q (want one of %s)", i+1, fields[1], operatorNames())
		case strings.TrimSpace(w[at:]) == "":
		case n != 1:
			// Also an operator that takes none: its values are counted
			// as a list's, whatever commas they hold, commas alone as
			// one, so that they are refused too.
			vs, err := valuelist.SplitFrom(w, at)
			if err != nil {
				return nil, usageError("--where #%d %q: %v", i+1, w, err)
			}
			if len(vs) == 0 {
				vs = []string{strings.TrimSpace(w[at:])}
			}
			c.Values = vs
		default:
			val, err := valuelist.One(w, at)
			var ce *valuelist.CommaError
			if errors.As(err, &ce) {
				p, ok := s.Lookup(c.Property)
				if !ok {
					// The property is refused by name below, which
					// comes first: the comma may not matter then.
					val, err = ce.Value, nil
				} else {
					return nil, usageError("--where #%d %q: %s", i+1, w, oneComma(fields[0], c.Op, p, ce))
				}
			}
			if err != nil {
				return nil, usageError("--where #%d %q: %v", i+1, w, err)
			}
			c.Values = []string{val}
		}
		out = append(out, c)
	}
	return out, nil
}

// oneComma says why ce, the unquoted value of a one-value operator op on
// p (written as prop), is refused, and the ways out that fit p: quotes
// for text that may hold a comma (an enum's value that does), the list
// operator of equals and not_equals (is_any_of, is_none_of) for several
// values.
func oneComma(prop string, op convreport.Op, p convreport.Property, ce *valuelist.CommaError) string {
	msg := fmt.Sprintf("%s takes one value, but %s", op, ce.Where())
	k := p.Kind
	var outs []string
	if k == convreport.KindString || k == convreport.KindEnum && slices.Contains(p.Values, ce.Value) {
		outs = append(outs, fmt.Sprintf("if the comma is part of the value, write it in double quotes: %s %s %s", prop, op, valuelist.Quote(ce.Value)))
	}
	list, what := convreport.Op(""), ""
	switch op {
	case convreport.Equals:
		list, what = convreport.IsAnyOf, "any"
	case convreport.NotEquals:
		list, what = convreport.IsNoneOf, "none"
	}
	for _, o := range convreport.Operators() {
		if o.Op == list && slices.Contains(o.Kinds, k) {
			outs = append(outs, fmt.Sprintf("for %s of several values, use %s: %s %s %s", what, list, prop, list, ce.Value))
		}
	}
	if len(outs) == 0 && k == convreport.KindNumber {
		outs = append(outs, "a number is written with no comma, like 1000 or 2.5")
	}
	if len(outs) == 0 {
		return msg
	}
	return msg + ": " + strings.Join(outs, "; ")
}

// apply sets the comparison on q and returns d with the filters applied
// for this run, checked against s.
func (v *viewFlags) apply(s *convreport.Schema, q *convreport.Query, d convreport.Dashboard) (convreport.Dashboard, error) {
	cmp, err := convreport.ParseCompare(v.compare)
	if err != nil {
		return d, usageError("--compare %q: want previous or year", v.compare)
	}
	q.Compare = cmp
	cs, err := v.conditions(s)
	if err != nil {
		return d, err
	}
	out, err := d.WithFilters(s, cs...)
	if err != nil {
		var ce *convreport.ConditionError
		if errors.As(err, &ce) {
			return d, usageError("--where #%d: %s", ce.Index-len(d.Filters)+1, strings.TrimPrefix(conditionReason(ce), "convreport: "))
		}
		return d, usageError("--where: %s", strings.TrimPrefix(err.Error(), "convreport: "))
	}
	return out, nil
}

func conditionReason(ce *convreport.ConditionError) string {
	s := fmt.Sprintf("%s %s", ce.Property, ce.Op)
	if ce.Value != "" {
		s += fmt.Sprintf(" %q", ce.Value)
	}
	return s + ": " + ce.Reason
}
