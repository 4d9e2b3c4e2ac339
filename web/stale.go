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

// A report's filters were checked against the schema of the day it was
// saved. The server may run later with a schema that has lost a custom
// property they name, or a value of a choice: the report can no longer
// run, and running it without that filter would count conversations it
// means to leave out. Such a report is stale. The dashboard page, its
// print and its live stream show it as a card that says which filter and
// why, with no numbers; its editor opens without a preview, the filter
// marked, to be removed; the JSON API refuses it, naming the report by ID
// and the filter by its position. The same holds for the report's filter
// expression, the other half of its Advanced filters.

// staleReport is a saved report whose own filters no longer check.
type staleReport struct {
	id, name string
	// problems say each filter that no longer checks, in the editor's
	// words: `filter 2, plan is any of "pro": the schema has no property "plan"`.
	problems []string
	// conditions are those filters, by position, for the editor to mark.
	conditions []staleCondition
	// expr is the report's filter expression's error, when it no longer
	// checks; the editor's validation shows where.
	expr *convreport.FilterError
}

// staleCondition is one filter of a report that no longer checks.
type staleCondition struct {
	// Index is its position in the report's conditions, from 0.
	Index int `json:"index"`
	// Reason says why: `the schema has no property "plan"`.
	Reason string `json:"reason"`
}

// staleReport returns what is wrong with rep's own filters (its
// conditions, then its filter expression, as the editor shows them)
// against the handler's schema, or nil when they check.
func (h *handler) staleReport(rep convreport.Report) *staleReport {
	s := &staleReport{id: rep.ID, name: rep.Name}
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
		// Not a filter's fault: let the run say what it is.
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
// report, by name and ID, and every filter of its own that no longer
// checks; its field is the first one's.
func (s *staleReport) apiError() *Error {
	e := &Error{Status: http.StatusUnprocessableEntity, Report: s.id,
		Message: sprintf("report %q (%s): %s", s.name, s.id, strings.Join(s.problems, "; "))}
	if len(s.conditions) > 0 {
		i := s.conditions[0].Index
		e.Code, e.Field, e.Index = "invalid_condition", "conditions", &i
	} else {
		e.Code, e.Field, e.Line, e.Column, e.Snippet = "invalid_filter", "filter", s.expr.Line, s.expr.Column, snippet(s.expr)
	}
	return e
}

// staleReportCard is the card of a stale report: its title, why it does
// not run, the editor's link for one who may edit, and no numbers.
func staleReportCard(rep convreport.Report, s *staleReport, editURL string) reportCard {
	meta := "Not run: a filter of its own no longer checks"
	if len(s.problems) > 1 {
		meta = "Not run: filters of its own no longer check"
	}
	// The signature changes with what the card says, so that a live
	// stream redraws it only then.
	sum := sha256.Sum256([]byte("stale\x00" + strings.Join(s.problems, "\x00")))
	sc := &staleCard{}
	for _, p := range s.problems {
		sc.Problems = append(sc.Problems, sentence(p)+".")
	}
	return reportCard{ID: rep.ID, Title: rep.Name, Description: rep.Description, Meta: meta,
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
