package web

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/convreport/convreport"
)

// The SDK's condition errors name operators and properties as programs
// spell them (greater_than, FirstResponseTime) and number conditions from
// 0. The editor shows "is greater than", "First response time" and a list
// of filters, so its messages are rewritten in those words.

// conditionErrors returns the condition errors err holds, in order: a
// validation reports every bad condition at once, joined.
func conditionErrors(err error) []*convreport.ConditionError {
	var out []*convreport.ConditionError
	var walk func(error)
	walk = func(e error) {
		if ce, ok := e.(*convreport.ConditionError); ok {
			out = append(out, ce)
			return
		}
		switch u := e.(type) {
		case interface{ Unwrap() []error }:
			for _, x := range u.Unwrap() {
				walk(x)
			}
		case interface{ Unwrap() error }:
			if x := u.Unwrap(); x != nil {
				walk(x)
			}
		}
	}
	walk(err)
	return out
}

// conditionMessage is the message of the condition errors of err in the
// editor's words; ok is false when err holds none.
func (h *handler) conditionMessage(err error) (msg string, ok bool) {
	ces := conditionErrors(err)
	if len(ces) == 0 {
		return "", false
	}
	parts := make([]string, len(ces))
	for i, ce := range ces {
		parts[i] = h.describeCondition(ce)
	}
	msg = strings.Join(parts, "; ")
	var re *convreport.ReportError
	if errors.As(err, &re) {
		msg = sprintf("report %q: %s", re.Report, msg)
	}
	return msg, true
}

// describeCondition is one condition error: "filter 2, First response
// time is greater than "soon": want a duration like 5m".
func (h *handler) describeCondition(ce *convreport.ConditionError) string {
	var b strings.Builder
	b.WriteString("filter")
	if ce.Index >= 0 {
		fmt.Fprintf(&b, " %d", ce.Index+1) // the editor's rows count from 1
	}
	fmt.Fprintf(&b, ", %s %s", h.propertyLabel(ce.Property), opLabel(ce.Op))
	if ce.Value != "" {
		fmt.Fprintf(&b, " %q", ce.Value)
	}
	b.WriteString(": ")
	b.WriteString(h.conditionReason(ce))
	return b.String()
}

// conditionReason is why a condition is refused, in the editor's words.
func (h *handler) conditionReason(ce *convreport.ConditionError) string {
	reason := ce.Reason
	switch {
	case strings.HasPrefix(reason, "unknown operator"):
		labels := make([]string, len(operators))
		for i, o := range operators {
			labels[i] = o.Label
		}
		reason = sprintf("unknown operator %q (want one of %s)", ce.Op, strings.Join(labels, ", "))
	case strings.HasPrefix(reason, string(ce.Op)+" does not apply to "):
		reason = sprintf("%q%s", opLabel(ce.Op), strings.TrimPrefix(reason, string(ce.Op)))
	}
	return h.relabel(reason)
}

func opLabel(op convreport.Op) string {
	for _, o := range operators {
		if o.Op == op {
			return o.Label
		}
	}
	return sprintf("%q", op)
}

func (h *handler) propertyLabel(name string) string {
	if p, ok := h.cfg.Schema.Lookup(name); ok && p.Name == name {
		return p.Label
	}
	return name
}

// word is a word of a reason, or a quoted value, kept whole.
var word = regexp.MustCompile(`"(?:[^"\\]|\\.)*"|[A-Za-z_][A-Za-z0-9_]*`)

// relabel replaces, in a reason, the snake_case operator names by their
// quoted labels and the CamelCase property names by their labels; other
// words (kinds) and quoted values (an enum's "Inbox") stay as they are.
func (h *handler) relabel(s string) string {
	return word.ReplaceAllStringFunc(s, func(w string) string {
		if strings.HasPrefix(w, `"`) {
			return w
		}
		if strings.Contains(w, "_") {
			if l := opLabel(convreport.Op(w)); !strings.HasPrefix(l, `"`) {
				return `"` + l + `"`
			}
			return w
		}
		if strings.ToLower(w) != w {
			if p, ok := h.cfg.Schema.Lookup(w); ok && p.Name == w {
				return p.Label
			}
		}
		return w
	})
}
