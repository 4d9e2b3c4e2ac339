package web

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strings"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/access"
)

// A report was checked against the schema of the day it was saved. The
// server may run later with a schema that has lost a custom property it
// names, or a value of a choice: the report can no longer run. Its
// filters cannot be left out (the report would count conversations it
// means to leave out), nor can its grouping, the date its range applies
// to or a column of its drill-down (it would not be the report saved).
// Such a report is stale. The dashboard page, its print and its live
// stream show it as a card that says which part and why, with no
// numbers; its editor opens without a preview, to change that part; the
// JSON API refuses it, naming the report by ID and the part by its field
// (and a filter or property by its position). For the filters, this
// holds for the structured conditions and for the filter expression,
// the two halves of its Advanced filters.

// staleReport is a saved report that names a property the schema no
// longer has, or whose own filters no longer check.
type staleReport struct {
	id, name string
	// problems say each part that no longer checks, in the editor's words
	// and order: `group by plan: the schema has no property "plan"`,
	// `filter 2, plan is any of "pro": the schema has no property "plan"`.
	problems []string
	// fields are the parts other than its filters that name a property
	// the schema lost: its grouping, its date property, its columns.
	fields []staleField
	// conditions are the filters that no longer check, by position, for
	// the editor to mark.
	conditions []staleCondition
	// expr is the report's filter expression's error, when it no longer
	// checks; the editor's validation shows where.
	expr *convreport.FilterError
}

// staleField is a property that a part of a report other than its
// filters names, and the schema no longer has.
type staleField struct {
	field    string // "dimensions", "date_property" or "properties"
	index    int    // in dimensions or properties; -1 for date_property
	property string
}

// staleCondition is one filter of a report that no longer checks.
type staleCondition struct {
	// Index is its position in the report's conditions, from 0.
	Index int `json:"index"`
	// Reason says why: `the schema has no property "plan"`.
	Reason string `json:"reason"`
}

// staleReport returns what is wrong with rep against the handler's
// schema, in the editor's order (the properties in its chart, the date
// its range applies to, its display properties, its conditions, then its
// filter expression), or nil when nothing is.
func (h *handler) staleReport(rep convreport.Report) *staleReport {
	s := &staleReport{id: rep.ID, name: rep.Name}
	missing := func(field string, i int, name, where string) {
		if _, ok := h.cfg.Schema.Lookup(name); ok {
			return
		}
		s.fields = append(s.fields, staleField{field: field, index: i, property: name})
		s.problems = append(s.problems, sprintf("%s %s: the schema has no property %q", where, name, name))
	}
	for i, name := range rep.Dimensions {
		// The editor's words for the first and the second.
		missing("dimensions", i, name, map[bool]string{true: "group by", false: "break down by"}[i == 0])
	}
	if rep.DateProperty != "" {
		missing("date_property", -1, rep.DateProperty, "date range applies to")
	}
	for i, name := range rep.Properties {
		missing("properties", i, name, "display property")
	}
	var err error
	if len(rep.Conditions) > 0 {
		_, err = convreport.ConditionsExpr(h.cfg.Schema, rep.Conditions)
	}
	for _, ce := range conditionErrors(err) {
		if ce.Index < 0 || ce.Index >= len(rep.Conditions) {
			continue
		}
		c := rep.Conditions[ce.Index]
		why := h.staleReason(c, ce)
		s.conditions = append(s.conditions, staleCondition{Index: ce.Index, Reason: why})
		// The editor's rows count from 1.
		s.problems = append(s.problems, sprintf("filter %d, %s: %s", ce.Index+1, h.sayCondition(c), why))
	}
	if strings.TrimSpace(rep.Filter) != "" {
		if errors.As(h.cfg.Schema.CheckFilter(rep.Filter), &s.expr) {
			s.problems = append(s.problems, "the filter expression"+at(s.expr)+": "+staleExprReason(s.expr.Msg))
		}
	}
	if len(s.problems) == 0 {
		// Nothing it names is missing: let the run say what is wrong.
		return nil
	}
	return s
}

// at is where an expression's error is: " (line 1, column 14)".
func at(fe *convreport.FilterError) string {
	if fe.Line <= 0 {
		return ""
	}
	return sprintf(" (line %d, column %d)", fe.Line, fe.Column)
}

// staleExprReason is why an expression no longer checks, a property gone
// from the schema said as for a condition.
func staleExprReason(msg string) string {
	if rest, ok := strings.CutPrefix(msg, "unknown property "); ok {
		return "the schema has no property " + rest
	}
	return msg
}

// sayCondition is a saved condition as a person recognises it in the
// editor, values quoted: `plan is any of "pro", "team"`.
func (h *handler) sayCondition(c convreport.Condition) string {
	s := h.propertyLabel(c.Property) + " " + opLabel(c.Op)
	vals := make([]string, len(c.Values))
	for i, v := range c.Values {
		vals[i] = sprintf("%q", v)
	}
	sep := ", "
	if c.Op == convreport.Between {
		sep = " and "
	}
	if len(vals) > 0 {
		s += " " + strings.Join(vals, sep)
	}
	return s
}

// staleReason is why a saved condition no longer checks: a property gone
// from the schema is said as such, other reasons in the editor's words.
func (h *handler) staleReason(c convreport.Condition, ce *convreport.ConditionError) string {
	if _, ok := h.cfg.Schema.Lookup(c.Property); ok {
		return h.conditionReason(ce)
	}
	// The SDK's reason may end with a suggestion: keep it.
	rest := strings.TrimPrefix(ce.Reason, sprintf("unknown property %q", c.Property))
	return sprintf("the schema has no property %q", c.Property) + rest
}

// apiError is the JSON API's refusal to run the report: it names the
// report, by name and ID, and every part that no longer checks; its field
// (and index) is the first one's.
func (s *staleReport) apiError() *Error {
	e := &Error{Status: http.StatusUnprocessableEntity, Report: s.id,
		Message: sprintf("report %q (%s): %s", s.name, s.id, strings.Join(s.problems, "; "))}
	if len(s.fields) > 0 {
		f := s.fields[0]
		e.Code, e.Field = "unknown_property", f.field
		if f.index >= 0 {
			i := f.index
			e.Index = &i
		}
	} else if len(s.conditions) > 0 {
		i := s.conditions[0].Index
		e.Code, e.Field, e.Index = "invalid_condition", "conditions", &i
	} else {
		e.Code, e.Field, e.Line, e.Column, e.Snippet = "invalid_filter", "filter", s.expr.Line, s.expr.Column, snippet(s.expr)
	}
	return e
}

// staleWords is what the card, the print and the editor say of a stale
// report, by what is wrong with it: its filters, properties it names, or
// both.
type staleWords struct {
	Meta     string // the card's line under its title
	Headline string // "This report is not run: …"
	Why      string // why it shows no numbers
	// EditFix follows the editor's link ("to remove or change it."), for
	// one who may edit; ViewerFix says who can, to others.
	EditFix, ViewerFix string
	Print              string // the print's one line
	// NoPreview and Advice are the editor's title and advice.
	NoPreview, Advice string
}

func (s *staleReport) words() staleWords {
	filters := len(s.conditions)
	if s.expr != nil {
		filters++
	}
	fields := len(s.fields)
	switch {
	case fields == 0 && filters == 1:
		return staleWords{Meta: "Not run: a filter of its own no longer checks",
			Headline:  "This report is not run: a filter of its own no longer checks.",
			Why:       "Without it, the report would count conversations it is meant to leave out, so it shows no numbers.",
			EditFix:   "to remove or change it.",
			ViewerFix: "An editor of this dashboard can remove it in the report editor.",
			Print:     "This report is not run: without this filter, it would count conversations it is meant to leave out.",
			NoPreview: "No preview: a filter of this report no longer checks.",
			Advice:    "Remove or change it under Advanced filters, then update the report: until then the dashboard shows it without numbers."}
	case fields == 0:
		return staleWords{Meta: "Not run: filters of its own no longer check",
			Headline:  "This report is not run: filters of its own no longer check.",
			Why:       "Without them, the report would count conversations it is meant to leave out, so it shows no numbers.",
			EditFix:   "to remove or change them.",
			ViewerFix: "An editor of this dashboard can remove them in the report editor.",
			Print:     "This report is not run: without these filters, it would count conversations it is meant to leave out.",
			NoPreview: "No preview: filters of this report no longer check.",
			Advice:    "Remove or change them under Advanced filters, then update the report: until then the dashboard shows it without numbers."}
	case filters == 0 && fields == 1:
		return staleWords{Meta: "Not run: it names a property the schema no longer has",
			Headline:  "This report is not run: it names a property the schema no longer has.",
			Why:       "A report cannot be run on a property that is not there, so it shows no numbers.",
			EditFix:   "to choose another property in its place.",
			ViewerFix: "An editor of this dashboard can choose another property in the report editor.",
			Print:     "This report is not run: it names a property the schema no longer has.",
			NoPreview: "No preview: this report names a property the schema no longer has.",
			Advice:    "Choose another property in its place, or remove it, then update the report: until then the dashboard shows it without numbers."}
	case filters == 0:
		return staleWords{Meta: "Not run: it names properties the schema no longer has",
			Headline:  "This report is not run: it names properties the schema no longer has.",
			Why:       "A report cannot be run on properties that are not there, so it shows no numbers.",
			EditFix:   "to choose other properties in their place.",
			ViewerFix: "An editor of this dashboard can choose other properties in the report editor.",
			Print:     "This report is not run: it names properties the schema no longer has.",
			NoPreview: "No preview: this report names properties the schema no longer has.",
			Advice:    "Choose other properties in their place, or remove them, then update the report: until then the dashboard shows it without numbers."}
	}
	return staleWords{Meta: "Not run: parts of it no longer check",
		Headline: "This report is not run: parts of it no longer check.",
		Why: "It names a property the schema no longer has, and without its filters it would count conversations it is meant to leave out, " +
			"so it shows no numbers.",
		EditFix:   "to change them.",
		ViewerFix: "An editor of this dashboard can change them in the report editor.",
		Print:     "This report is not run: parts of it no longer check.",
		NoPreview: "No preview: parts of this report no longer check.",
		Advice:    "Change them (its filters under Advanced filters), then update the report: until then the dashboard shows it without numbers."}
}

// staleReportCard is the card of a stale report: its title, why it does
// not run, the editor's link for one who may edit, and no numbers.
func staleReportCard(rep convreport.Report, s *staleReport, editURL string) reportCard {
	w := s.words()
	// The signature changes with what the card says, so that a live
	// stream redraws it only then.
	sum := sha256.Sum256([]byte("stale\x00" + strings.Join(s.problems, "\x00")))
	sc := &staleCard{staleWords: w}
	for _, p := range s.problems {
		sc.Problems = append(sc.Problems, sentence(p)+".")
	}
	return reportCard{ID: rep.ID, Title: rep.Name, Description: rep.Description, Meta: w.Meta,
		Sig: "stale-" + hex.EncodeToString(sum[:8]), EditURL: editURL, Stale: sc}
}

// reportToRun loads the dashboard and report the path names, for a viewer
// who may view it, and refuses what would stop the report from running
// as the dashboard runs it, naming whose it is: the dashboard's saved
// filters, then the report's own. For the JSON API's exports and
// drill-downs of one report.
func (h *handler) reportToRun(r *http.Request, v access.Viewer) (convreport.Dashboard, convreport.Report, error) {
	d, rep, err := h.dashboardReport(r, v)
	if err != nil {
		return d, rep, err
	}
	if err := h.checkSavedFilters(d); err != nil {
		return d, rep, err
	}
	if s := h.staleReport(rep); s != nil {
		return d, rep, s.apiError()
	}
	return d, rep, nil
}
