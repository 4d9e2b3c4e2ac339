package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/calendar"
	"github.com/convreport/convreport/render"
)

// A report was checked against the schema of the day it was saved, and
// against the ceilings of every engine's limits. The server may run later
// with a schema that has lost a custom property it names, or a value of a
// choice, or that gives a property it names another kind (a choice it
// groups by is now a time); or with an engine whose limits are lower than
// the report asks for (a Top over its MaxGroups, its filters with its
// dashboard's over the filter limits); or without a business-hours
// calendar or an SLA policy it counts by (their files edited by hand):
// the report can no longer run. Its filters cannot be left out (the
// report would count conversations it means to leave out), nor can its
// grouping, the date its range applies to, a column of its drill-down,
// its Top or its calendar (it would not be the report saved). Such a
// report is stale. The dashboard page, its print and its live stream
// show it as a card that says each part and why, with no numbers, so
// that all are fixed in one go; its editor opens without a preview, each
// part marked, to change them; the JSON API refuses it, naming the report
// by ID and every part (its field, and a filter or property by its
// position). For the filters, this holds for the structured conditions
// and for the filter expression, the two halves of its Advanced filters.
//
// What is stale is what the engine refuses for a reason of the schema or
// of its limits (Engine.CheckReportAll, whose causes say which), and what
// the server no longer keeps; a report wrong whatever the schema and the
// engine (a measure that does not exist) is an error, as the run says.

// staleReport is a saved report that names a property the schema no
// longer has, or whose own filters no longer check, or that the engine
// refuses for another reason of the schema or of its limits, or that
// counts in a calendar or measures an SLA policy the server no longer
// keeps, or whose filters with its dashboard's are over the engine's
// filter limits.
type staleReport struct {
	id, name string
	// problems are each part that no longer checks, in the editor's
	// words and order (its own parts, then what its dashboard and the
	// server's calendars and policies are to blame for).
	problems []staleProblem
	// fields are the parts other than its filters that name a property
	// the schema lost: its grouping, its date property, its columns.
	fields []staleField
	// conditions are the filters that no longer check, by position, for
	// the editor to mark.
	conditions []staleCondition
	// expr is the report's filter expression's error, when it no longer
	// checks; the editor's validation shows where.
	expr *convreport.FilterError
	// refused are the parts the engine or the server refuses other than
	// those above (see refusals), for the editor to say by each.
	refused []*staleRefusal
}

// problemKind is why a part of a stale report no longer checks, which
// says what its card says around the parts.
type problemKind int

const (
	lostProperty       problemKind = iota // a property the schema no longer has
	staleFilter                           // a filter of its own that no longer checks
	changedKind                           // a property of a kind that no longer fits
	overLimits                            // a part over the engine's limits
	withDashFilters                       // its filters with the dashboard's, over the filter limits
	dashFilters                           // the dashboard's filters alone, over them
	lostCalendar                          // the calendar it counts business hours by
	lostDashCalendar                      // the dashboard's calendar, which it counts by
	lostPolicy                            // the SLA policy it measures, or its target
	lostPolicyCalendar                    // the calendar its SLA policy's target counts in
	otherProblem                          // a part wrong whatever the schema and the server
)

// staleProblem is one part of a stale report that no longer checks.
type staleProblem struct {
	kind problemKind
	// part and reason say which part and why, in the editor's words:
	// `group by plan`, `the schema has no property "plan"`.
	part, reason string
	// api is how the JSON API names it alone: its code, field, index and
	// position in the expression.
	api *Error
}

// text is the part and why: `filter 2, plan is any of "pro": the schema
// has no property "plan"`.
func (p staleProblem) text() string { return p.part + ": " + p.reason }

// staleRefusal is a part of a report the engine refuses for a reason of
// the schema or of its limits, other than a property lost (a property of
// a kind that no longer fits where the report names it, a Top or a
// number of groupings over the engine's limits, filters over its filter
// limits), or that the server refuses for what it keeps (a calendar, an
// SLA policy gone).
type staleRefusal struct {
	// Field and Index are the part, as the API names it (Index -1 for
	// none); Reason says what is wrong and what to do, in the editor's
	// words, for the card and for the editor to show by that part.
	Field  string `json:"field"`
	Index  int    `json:"index"`
	Reason string `json:"reason"`
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

// staleScope is what tells a stale report besides the schema and the
// engine: the dashboard it runs in (its calendar, and its filters, a
// view's included), and the calendars and SLA policies of the run.
type staleScope struct {
	d    convreport.Dashboard
	cals *calendar.Set
	sla  *convreport.SLASet
}

// scopeOf is the scope of d's reports run by q.
func scopeOf(d convreport.Dashboard, q convreport.Query) staleScope {
	return staleScope{d: d, cals: q.Calendars, sla: q.SLA}
}

// add records a part that no longer checks.
func (s *staleReport) add(kind problemKind, part, reason string, api *Error) {
	s.problems = append(s.problems, staleProblem{kind: kind, part: part, reason: reason, api: api})
}

// texts are the problems' texts, in order.
func (s *staleReport) texts() []string {
	out := make([]string, len(s.problems))
	for i, p := range s.problems {
		out[i] = p.text()
	}
	return out
}

// indexPtr is i for the API, nil for none (-1).
func indexPtr(i int) *int {
	if i < 0 {
		return nil
	}
	return &i
}

// staleReport returns every part of rep that no longer checks, run in
// sc: against the handler's schema, in the editor's order (the
// properties in its chart, the date its range applies to, its display
// properties, its conditions, then its filter expression); then what the
// engine refuses in it for a reason of the schema or of its limits; then
// its filters with the dashboard's over the engine's filter limits, a
// calendar or an SLA policy the server no longer keeps. Nil when nothing
// is, or when the engine refuses it for another reason too and nothing
// of the schema is wrong: the run says what, in the engine's words.
func (h *handler) staleReport(rep convreport.Report, sc staleScope) *staleReport {
	s := &staleReport{id: rep.ID, name: rep.Name}
	missing := func(field string, i int, name, where string) {
		if _, ok := h.cfg.Schema.Lookup(name); ok {
			return
		}
		s.fields = append(s.fields, staleField{field: field, index: i, property: name})
		s.add(lostProperty, where+" "+name, sprintf("the schema has no property %q", name),
			&Error{Code: "unknown_property", Field: field, Index: indexPtr(i)})
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
		s.add(staleFilter, sprintf("filter %d, %s", ce.Index+1, h.sayCondition(c)), why,
			&Error{Code: "invalid_condition", Field: "conditions", Index: indexPtr(ce.Index)})
	}
	if strings.TrimSpace(rep.Filter) != "" {
		if errors.As(h.cfg.Schema.CheckFilter(rep.Filter), &s.expr) {
			s.add(staleFilter, "the filter expression"+at(s.expr), staleExprReason(s.expr.Msg), exprError(s.expr))
		}
	}
	named := len(s.problems)
	if other := h.refusals(rep, s); other && named == 0 {
		// Wrong first whatever the schema and the engine's limits: let
		// the run say what is wrong, as it always has.
		return nil
	}
	h.withDashboardFilters(rep, sc.d, s)
	h.lostCalendars(rep, sc, s)
	if len(s.problems) == 0 {
		return nil
	}
	return s
}

// exprError is the API's refusal of a report's filter expression that no
// longer checks, at its position.
func exprError(fe *convreport.FilterError) *Error {
	return &Error{Code: "invalid_filter", Field: "filter", Line: fe.Line, Column: fe.Column, Snippet: snippet(fe)}
}

// refusals adds to s every part of rep the engine refuses, less those s
// says already: for a reason of the schema or of its limits, told by the
// cause of each; for another (a hand-edited file's aggregation that does
// not exist), in the engine's words, so that a person fixing the others
// meets it at once too. It returns whether the first part the engine
// refuses is for another reason, which the run says as it always has.
func (h *handler) refusals(rep convreport.Report, s *staleReport) (otherFirst bool) {
	errs, err := h.cfg.Engine.CheckReportAll(rep)
	if err != nil {
		return true
	}
	for i, re := range errs {
		if h.refusal(rep, re, s) {
			continue
		}
		otherFirst = otherFirst || i == 0
		api := toError(re)
		s.add(otherProblem, h.partOf(rep, re.Field, -1), strings.TrimPrefix(api.Message, sprintf("report %q: %s: ", rep.Name, re.Field)),
			&Error{Code: api.Code, Field: api.Field, Line: api.Line, Column: api.Column, Snippet: api.Snippet})
	}
	return otherFirst
}

// refusal adds to s the part of rep that re refuses, unless s says it
// already; false when re is for another reason than the schema or the
// engine's limits.
func (h *handler) refusal(rep convreport.Report, re *convreport.ReportError, s *staleReport) bool {
	var (
		upe *convreport.UnknownPropertyError
		ke  *convreport.KindError
		le  *convreport.LimitError
		fle *convreport.FilterLimitError
		fe  *convreport.FilterError
		ce  *convreport.ConditionError
	)
	r := &staleRefusal{Field: re.Field, Index: -1}
	api := toError(re)
	api.Status = 0
	kind := overLimits
	switch {
	case errors.As(re, &upe):
		i := indexOf(rep, re.Field, upe.Name)
		for _, f := range s.fields {
			if f.field == re.Field && f.property == upe.Name {
				return true // said
			}
		}
		// A part the checks of the schema do not look at.
		s.fields = append(s.fields, staleField{field: re.Field, index: i, property: upe.Name})
		s.add(lostProperty, h.partOf(rep, re.Field, i), sprintf("the schema has no property %q", upe.Name),
			&Error{Code: "unknown_property", Field: re.Field, Index: indexPtr(i)})
		return true
	case errors.As(re, &ce):
		// The conditions check against the schema above; the engine's
		// schema is the handler's.
		return len(s.conditions) > 0
	case errors.As(re, &ke):
		kind, r.Index = changedKind, indexOf(rep, re.Field, ke.Name)
		r.Reason = cleanMessage(ke.Error())
		if p, ok := h.cfg.Schema.Lookup(ke.Name); ok {
			switch re.Field {
			case "dimensions":
				r.Reason = notGroupable(p)
			case "date_property":
				r.Reason = notADate(p)
			}
		}
	case errors.As(re, &le):
		r.Reason = overLimit(rep, re.Field, le)
	case errors.As(re, &fe):
		if fe.Expr == rep.Filter {
			if s.expr != nil {
				return true // said
			}
			// The expression alone, under the engine's filter limits (a
			// pattern too costly): said as an expression that no longer
			// checks.
			s.expr = fe
			s.add(staleFilter, "the filter expression"+at(fe), fe.Msg, exprError(fe))
			return true
		}
		// The expression and the conditions joined: a position in the
		// text the engine joined them in would mean nothing to the editor.
		kind, r.Reason = staleFilter, fe.Msg
		api.Line, api.Column, api.Snippet = 0, 0, ""
	case errors.As(re, &fle):
		kind = staleFilter
		r.Reason = filterOverLimit(fle, len(rep.Conditions) > 0)
	default:
		return false
	}
	api.Index = indexPtr(r.Index)
	s.refused = append(s.refused, r)
	s.add(kind, h.partOf(rep, r.Field, r.Index), r.Reason, api)
	return true
}

// withDashboardFilters adds to s that rep's filters with d's (which a run
// adds to them, see Dashboard.Runnable) are over the engine's filter
// limits, when its own are within them: a filter added to the dashboard,
// or a view's, or the engine's limits lowered since. It says whose
// filters to shorten: when d's alone are over, the dashboard's.
func (h *handler) withDashboardFilters(rep convreport.Report, d convreport.Dashboard, s *staleReport) {
	for _, p := range s.problems {
		if p.kind == staleFilter {
			return // its own filters say first
		}
	}
	if fle, alone := h.filtersOverLimit(rep, d.Filters); fle != nil {
		api := &Error{Code: "invalid_filter", Field: "filter"}
		if alone {
			api.Field = "filters"
			s.add(dashFilters, "the dashboard's filters", filterSize(fle, "they are", "they have")+
				"; remove some of them from the row of filters", api)
			return
		}
		it := "it"
		if len(rep.Conditions) > 0 {
			it = "them"
		}
		s.add(withDashFilters, h.partOf(rep, "filter", -1), "with the dashboard's filters, together they "+
			filterSize(fle, "are", "have")+"; shorten "+it+", or remove a filter from the dashboard's row of filters", api)
	}
}

// filtersOverLimit is how rep's filters with the dashboard's filters
// dash are over the engine's filter limits, with alone set when dash
// are over them without rep's; nil when they are within them, or when
// rep's own are not (see refusals).
func (h *handler) filtersOverLimit(rep convreport.Report, dash []convreport.Condition) (fle *convreport.FilterLimitError, alone bool) {
	if len(dash) == 0 {
		return nil, false
	}
	own := convreport.Report{Name: rep.Name, Filter: rep.Filter, Conditions: rep.Conditions}
	if h.cfg.Engine.CheckReport(own) != nil {
		return nil, false
	}
	own.Conditions = append(slices.Clip(rep.Conditions), dash...)
	if !errors.As(h.cfg.Engine.CheckReport(own), &fle) {
		return nil, false
	}
	var dfle *convreport.FilterLimitError
	if errors.As(h.cfg.Engine.CheckReport(convreport.Report{Name: rep.Name, Conditions: dash}), &dfle) {
		return dfle, true
	}
	return fle, false
}

// filterSize says how filters are over a filter limit, after the words
// for their size: "are 26 bytes long, over this server's limit of 20
// bytes", "have 300 nodes, over …".
func filterSize(fle *convreport.FilterLimitError, are, have string) string {
	switch fle.Limit {
	case "length":
		return sprintf("%s %d bytes long, over this server's limit of %d bytes", are, fle.Got, fle.Max)
	case "nodes":
		return sprintf("%s %d nodes, over this server's limit of %d nodes", have, fle.Got, fle.Max)
	}
	// "expand to more than …"
	return strings.Replace(strings.TrimPrefix(cleanMessage(fle.Error()), "filter: expression "), "expands", "expand", 1)
}

// lostCalendars adds to s a calendar rep counts business hours by, its
// own or its dashboard's, that the server no longer keeps (its file
// edited by hand, a server started with other calendars), and an SLA
// policy it measures that the server no longer keeps, or whose target
// counts in such a calendar: a run would refuse the report, or the whole
// dashboard for the dashboard's calendar.
func (h *handler) lostCalendars(rep convreport.Report, sc staleScope, s *staleReport) {
	have := func(name string) bool {
		_, ok := sc.cals.Lookup(name)
		return ok
	}
	switch {
	case rep.Calendar != "" && !have(rep.Calendar):
		r := &staleRefusal{Field: "calendar", Index: -1,
			Reason: sprintf("this server has no calendar %q%s; choose another, or count calendar time", rep.Calendar, haveNames(sc.cals.Names()))}
		s.refused = append(s.refused, r)
		s.add(lostCalendar, "business hours", r.Reason, &Error{Code: "invalid_report", Field: "calendar"})
	case rep.Calendar == "" && sc.d.Calendar != "" && !have(sc.d.Calendar):
		r := &staleRefusal{Field: "calendar", Index: -1,
			Reason: sprintf("the dashboard counts them by calendar %q, which this server no longer has%s; an admin can add it again", sc.d.Calendar, haveNames(sc.cals.Names()))}
		s.refused = append(s.refused, r)
		s.add(lostDashCalendar, "business hours", r.Reason, &Error{Code: "invalid_dashboard", Field: "calendar"})
	}
	m := rep.Measure
	switch m.Agg {
	case convreport.SLAMet, convreport.SLABreaches, convreport.SLAAvgOver, convreport.SLATotalOver:
	default:
		return
	}
	if m.SLA == "" || (m.Target != convreport.FirstResponseTarget && m.Target != convreport.CloseTarget) {
		return // wrong whatever the server keeps: the engine says
	}
	pol, ok := sc.sla.Lookup(m.SLA)
	var t *convreport.SLATarget
	if ok {
		t = pol.FirstResponse
		if m.Target == convreport.CloseTarget {
			t = pol.Close
		}
	}
	kind, why := lostPolicy, ""
	switch {
	case !ok:
		why = sprintf("this server has no SLA policy %q%s; choose another policy or measure", m.SLA, haveNames(sc.sla.Names()))
	case t == nil:
		why = sprintf("SLA policy %q no longer sets a %s target; choose another target, policy or measure", m.SLA, targetWords(m.Target))
	case t.Calendar != "" && !have(t.Calendar):
		kind = lostPolicyCalendar
		why = sprintf("SLA policy %q counts its %s target in calendar %q, which this server no longer has; an admin can add the calendar again or change the policy, or choose another policy or measure",
			m.SLA, targetWords(m.Target), t.Calendar)
	default:
		return
	}
	s.refused = append(s.refused, &staleRefusal{Field: "measure", Index: -1, Reason: why})
	s.add(kind, "the measure", why, &Error{Code: "invalid_report", Field: "measure"})
}

// haveNames says which names there are, after a name that is not one:
// " (it has office, paris)"; nothing when there are none.
func haveNames(names []string) string {
	if len(names) == 0 {
		return ""
	}
	return " (it has " + strings.Join(names, ", ") + ")"
}

// targetWords is an SLA target as the editor names it.
func targetWords(k convreport.SLATargetKind) string {
	if k == convreport.CloseTarget {
		return "time to close"
	}
	return "first response"
}

// filterOverLimit says how a report's filters are over a filter limit of
// the engine: its expression, or with conditions, all of them as the
// engine joins them.
func filterOverLimit(fle *convreport.FilterLimitError, conditions bool) string {
	it, is, has, them := "it", "is", "has", "it"
	if conditions {
		it, is, has, them = "together they", "are", "have", "them"
	}
	switch fle.Limit {
	case "length":
		return sprintf("%s %s %d bytes long, over this server's limit of %d bytes; shorten %s", it, is, fle.Got, fle.Max, them)
	case "nodes":
		return sprintf("%s %s %d nodes, over this server's limit of %d nodes; shorten %s", it, has, fle.Got, fle.Max, them)
	}
	// "expands to more than …: … write fewer levels"
	why := strings.TrimPrefix(cleanMessage(fle.Error()), "filter: expression ")
	if conditions {
		why = strings.Replace(why, "expands", "expand", 1)
	}
	return it + " " + why
}

// indexOf is the position of the property name in the list of rep that
// field names, or -1.
func indexOf(rep convreport.Report, field, name string) int {
	switch field {
	case "dimensions":
		return slices.Index(rep.Dimensions, name)
	case "properties":
		return slices.Index(rep.Properties, name)
	}
	return -1
}

// partOf is the part of rep that field (and index, in its list) names, in
// the editor's words: "group by plan", "top 30", "the filters".
func (h *handler) partOf(rep convreport.Report, field string, index int) string {
	switch field {
	case "dimensions":
		if index < 0 {
			return "the properties in the chart"
		}
		// The editor's words for the first and the second.
		return map[bool]string{true: "group by", false: "break down by"}[index == 0] + " " + rep.Dimensions[index]
	case "date_property":
		return "date range applies to " + rep.DateProperty
	case "properties":
		if index < 0 {
			return "the display properties"
		}
		return "display property " + rep.Properties[index]
	case "limit":
		return sprintf("top %d", rep.Limit)
	case "bucket":
		return "frequency " + strings.ToLower(orDefault(bucketLabels[rep.Bucket], string(rep.Bucket)))
	case "filter", "conditions":
		if len(rep.Conditions) == 0 {
			return "the filter expression"
		}
		return "the filters"
	}
	return field
}

// overLimit says what part of rep is over a limit of the engine, and
// what an editor can do.
func overLimit(rep convreport.Report, field string, le *convreport.LimitError) string {
	switch field {
	case "limit":
		return sprintf("this server allows a top of at most %s; make it %s", render.FormatCount(int64(le.Max)), topRange(le.Max))
	case "dimensions":
		what, drop := "properties", "some"
		if le.Max == 1 {
			what = "property"
		}
		if le.Got-le.Max == 1 {
			drop = "one"
		}
		return sprintf("this server groups a report by at most %d %s, and this one has %d; remove %s", le.Max, what, le.Got, drop)
	}
	return sprintf("over this server's limit of %s %s", render.FormatCount(int64(le.Max)), le.Limit)
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
// report, by name and ID, and every part that no longer checks, in its
// message and in its problems; its code, field (and index, position) are
// the first one's.
func (s *staleReport) apiError() *Error {
	first := s.problems[0].api
	e := &Error{Status: http.StatusUnprocessableEntity, Report: s.id,
		Message: sprintf("report %q (%s): %s", s.name, s.id, strings.Join(s.texts(), "; ")),
		Code:    first.Code, Field: first.Field, Index: first.Index, Line: first.Line, Column: first.Column, Snippet: first.Snippet}
	for _, p := range s.problems {
		e.Problems = append(e.Problems, &Error{Code: p.api.Code, Message: p.text(), Field: p.api.Field, Index: p.api.Index,
			Line: p.api.Line, Column: p.api.Column, Snippet: p.api.Snippet})
	}
	return e
}

// staleWords is what the card, the print and the editor say of a stale
// report, by what is wrong with it: its filters, properties it names,
// parts the engine refuses, a calendar or an SLA policy gone, or several.
type staleWords struct {
	Meta     string // the card's line under its title
	Headline string // "This report is not run: …"
	Why      string // why it shows no numbers
	// EditFix follows the editor's link ("to remove or change it."), for
	// one who may edit; ViewerFix says who can, to others, and to all
	// when EditFix is empty: the report's editor cannot fix it.
	EditFix, ViewerFix string
	Print              string // the print's one line
	// NoPreview and Advice are the editor's title and advice.
	NoPreview, Advice string
}

func (s *staleReport) words() staleWords {
	n := map[problemKind]int{}
	for _, p := range s.problems {
		n[p.kind]++
	}
	if len(n) == 1 {
		for kind, count := range n {
			return wordsFor(kind, count)
		}
	}
	if len(n) == 2 && n[lostProperty] > 0 && n[staleFilter] > 0 {
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
	return partsWords
}

// partsWords is what a card says of a report stale for several reasons.
var partsWords = staleWords{Meta: "Not run: parts of it no longer check",
	Headline:  "This report is not run: parts of it no longer check.",
	Why:       "Each part named keeps it from running as it is, so it shows no numbers.",
	EditFix:   "to change them.",
	ViewerFix: "An editor of this dashboard can change them in the report editor.",
	Print:     "This report is not run: parts of it no longer check.",
	NoPreview: "No preview: parts of this report no longer check.",
	Advice:    "Change each part named (its filters under Advanced filters), then update the report: until then the dashboard shows it without numbers."}

// wordsFor is what a card says of a report stale for one reason, count
// times.
func wordsFor(kind problemKind, count int) staleWords {
	one := count == 1
	switch kind {
	case staleFilter:
		if one {
			return staleWords{Meta: "Not run: a filter of its own no longer checks",
				Headline:  "This report is not run: a filter of its own no longer checks.",
				Why:       "Without it, the report would count conversations it is meant to leave out, so it shows no numbers.",
				EditFix:   "to remove or change it.",
				ViewerFix: "An editor of this dashboard can remove it in the report editor.",
				Print:     "This report is not run: without this filter, it would count conversations it is meant to leave out.",
				NoPreview: "No preview: a filter of this report no longer checks.",
				Advice:    "Remove or change it under Advanced filters, then update the report: until then the dashboard shows it without numbers."}
		}
		return staleWords{Meta: "Not run: filters of its own no longer check",
			Headline:  "This report is not run: filters of its own no longer check.",
			Why:       "Without them, the report would count conversations it is meant to leave out, so it shows no numbers.",
			EditFix:   "to remove or change them.",
			ViewerFix: "An editor of this dashboard can remove them in the report editor.",
			Print:     "This report is not run: without these filters, it would count conversations it is meant to leave out.",
			NoPreview: "No preview: filters of this report no longer check.",
			Advice:    "Remove or change them under Advanced filters, then update the report: until then the dashboard shows it without numbers."}
	case lostProperty:
		if one {
			return staleWords{Meta: "Not run: it names a property the schema no longer has",
				Headline:  "This report is not run: it names a property the schema no longer has.",
				Why:       "A report cannot be run on a property that is not there, so it shows no numbers.",
				EditFix:   "to choose another property in its place.",
				ViewerFix: "An editor of this dashboard can choose another property in the report editor.",
				Print:     "This report is not run: it names a property the schema no longer has.",
				NoPreview: "No preview: this report names a property the schema no longer has.",
				Advice:    "Choose another property in its place, or remove it, then update the report: until then the dashboard shows it without numbers."}
		}
		return staleWords{Meta: "Not run: it names properties the schema no longer has",
			Headline:  "This report is not run: it names properties the schema no longer has.",
			Why:       "A report cannot be run on properties that are not there, so it shows no numbers.",
			EditFix:   "to choose other properties in their place.",
			ViewerFix: "An editor of this dashboard can choose other properties in the report editor.",
			Print:     "This report is not run: it names properties the schema no longer has.",
			NoPreview: "No preview: this report names properties the schema no longer has.",
			Advice:    "Choose other properties in their place, or remove them, then update the report: until then the dashboard shows it without numbers."}
	case changedKind:
		if one {
			return staleWords{Meta: "Not run: a property it names has another kind now",
				Headline:  "This report is not run: a property it names has another kind in the schema now.",
				Why:       "The report cannot be run with that property where it is, so it shows no numbers.",
				EditFix:   "to choose another property in its place.",
				ViewerFix: "An editor of this dashboard can choose another property in the report editor.",
				Print:     "This report is not run: a property it names has another kind in the schema now.",
				NoPreview: "No preview: a property of this report has another kind in the schema now.",
				Advice:    "Choose another property in its place, or remove it, then update the report: until then the dashboard shows it without numbers."}
		}
		return staleWords{Meta: "Not run: properties it names have other kinds now",
			Headline:  "This report is not run: properties it names have other kinds in the schema now.",
			Why:       "The report cannot be run with those properties where they are, so it shows no numbers.",
			EditFix:   "to choose other properties in their place.",
			ViewerFix: "An editor of this dashboard can choose other properties in the report editor.",
			Print:     "This report is not run: properties it names have other kinds in the schema now.",
			NoPreview: "No preview: properties of this report have other kinds in the schema now.",
			Advice:    "Choose other properties in their place, or remove them, then update the report: until then the dashboard shows it without numbers."}
	case overLimits:
		past, part := "one of them", "the part named"
		if !one {
			past, part = "some of them", "the parts named"
		}
		return staleWords{Meta: "Not run: it asks for more than this server allows",
			Headline:  "This report is not run: it asks for more than this server allows.",
			Why:       "This server runs reports within limits of its own, and this one is past " + past + ", so it shows no numbers.",
			EditFix:   "to bring it within them.",
			ViewerFix: "An editor of this dashboard can change it in the report editor.",
			Print:     "This report is not run: it asks for more than this server allows.",
			NoPreview: "No preview: this report asks for more than this server allows.",
			Advice:    "Change " + part + ", then update the report: until then the dashboard shows it without numbers."}
	case withDashFilters:
		return staleWords{Meta: "Not run: its filters and the dashboard's are over this server's limits",
			Headline:  "This report is not run: its filters and the dashboard's are, together, over this server's limits.",
			Why:       "Without either, it would count conversations it is meant to leave out, so it shows no numbers.",
			EditFix:   "to shorten its filters, or remove a filter from the row of filters above.",
			ViewerFix: "Removing a filter from the row of filters above, or an editor shortening the report's filters, brings its numbers back.",
			Print:     "This report is not run: its filters and the dashboard's are, together, over this server's limits.",
			NoPreview: "No preview: this report's filters and the dashboard's are, together, over this server's limits.",
			Advice:    "Shorten its filters under Advanced filters and update the report, or remove a filter from the dashboard's row of filters: until then the dashboard shows it without numbers."}
	case dashFilters:
		return staleWords{Meta: "Not run: the dashboard's filters are over this server's limits",
			Headline:  "This report is not run: the dashboard's filters are over this server's limits.",
			Why:       "Without them, it would count conversations the dashboard is meant to leave out, so it shows no numbers.",
			ViewerFix: "Removing filters from the row of filters above brings its numbers back.",
			Print:     "This report is not run: the dashboard's filters are over this server's limits.",
			NoPreview: "No preview: the dashboard's filters are over this server's limits.",
			Advice:    "Remove some of them from the dashboard's row of filters: until then the dashboard shows its reports without numbers."}
	case lostCalendar:
		return staleWords{Meta: "Not run: the calendar it counts business hours by is gone",
			Headline:  "This report is not run: this server no longer has the calendar it counts business hours by.",
			Why:       "In calendar time its durations would not be the ones it means, so it shows no numbers.",
			EditFix:   "to choose another calendar, or count calendar time.",
			ViewerFix: "An editor of this dashboard can choose another calendar in the report editor.",
			Print:     "This report is not run: this server no longer has the calendar it counts business hours by.",
			NoPreview: "No preview: this server no longer has the calendar this report counts business hours by.",
			Advice:    "Choose another calendar under Business hours, or untick it to count calendar time, then update the report: until then the dashboard shows it without numbers."}
	case lostDashCalendar:
		return staleWords{Meta: "Not run: the dashboard's calendar is gone",
			Headline:  "This report is not run: this server no longer has the calendar the dashboard counts business hours by.",
			Why:       "In calendar time its durations would not be the ones it means, so it shows no numbers.",
			ViewerFix: "An admin can add the calendar again.",
			Print:     "This report is not run: this server no longer has the calendar the dashboard counts business hours by.",
			NoPreview: "No preview: this server no longer has the calendar the dashboard counts business hours by.",
			Advice:    "An admin can add the calendar again (PUT api/calendars): until then the dashboard shows the reports that count by it without numbers."}
	case lostPolicy:
		return staleWords{Meta: "Not run: the SLA target it measures is gone",
			Headline:  "This report is not run: this server no longer has the SLA target it measures.",
			Why:       "A report cannot measure a target that is not there, so it shows no numbers.",
			EditFix:   "to choose another policy or measure.",
			ViewerFix: "An editor of this dashboard can choose another policy or measure in the report editor.",
			Print:     "This report is not run: this server no longer has the SLA target it measures.",
			NoPreview: "No preview: this server no longer has the SLA target this report measures.",
			Advice:    "Choose another policy, target or measure, then update the report: until then the dashboard shows it without numbers."}
	case lostPolicyCalendar:
		return staleWords{Meta: "Not run: its SLA policy counts in a calendar that is gone",
			Headline:  "This report is not run: the SLA policy it measures counts in a calendar this server no longer has.",
			Why:       "Its target cannot be measured without that calendar, so it shows no numbers.",
			EditFix:   "to measure another policy, or ask an admin to add the calendar again or change the policy.",
			ViewerFix: "An admin can add the calendar again, or change the policy.",
			Print:     "This report is not run: the SLA policy it measures counts in a calendar this server no longer has.",
			NoPreview: "No preview: the SLA policy this report measures counts in a calendar this server no longer has.",
			Advice:    "An admin can add the calendar again or change the policy; or choose another policy or measure and update the report: until then the dashboard shows it without numbers."}
	}
	return partsWords
}

// staleReportCard is the card of a stale report: its title, why it does
// not run, the editor's link for one who may edit, and no numbers.
func staleReportCard(rep convreport.Report, s *staleReport, editURL string) reportCard {
	w := s.words()
	texts := s.texts()
	// The signature changes with what the card says, so that a live
	// stream redraws it only then.
	sum := sha256.Sum256([]byte("stale\x00" + strings.Join(texts, "\x00")))
	sc := &staleCard{staleWords: w}
	for _, p := range texts {
		sc.Problems = append(sc.Problems, sentence(p)+".")
	}
	if w.EditFix == "" {
		editURL = "" // the report's editor cannot fix it
	}
	return reportCard{ID: rep.ID, Title: rep.Name, Description: rep.Description, Meta: w.Meta,
		Sig: "stale-" + hex.EncodeToString(sum[:8]), EditURL: editURL, Stale: sc}
}

// reportToRun loads the dashboard and report the path names, for a viewer
// who may view it, with the view's filters the request names (see
// viewOfQuery), and refuses what would stop the report from running as
// the dashboard runs it, naming whose it is: the dashboard's saved
// filters, then the report's own parts (see staleReport). For the JSON
// API's exports and drill-downs of one report.
func (h *handler) reportToRun(r *http.Request, v access.Viewer) (convreport.Dashboard, convreport.Report, view, error) {
	d, rep, err := h.dashboardReport(r, v)
	if err != nil {
		return d, rep, view{}, err
	}
	if err := h.checkSavedFilters(d); err != nil {
		return d, rep, view{}, err
	}
	qv := r.URL.Query()
	if err := single(qv); err != nil {
		return d, rep, view{}, err
	}
	vw, err := viewOfQuery(qv)
	if err != nil {
		return d, rep, vw, err
	}
	if d, err = vw.apply(h, d); err != nil {
		return d, rep, vw, err
	}
	sc, err := h.scope(r.Context(), d)
	if err != nil {
		return d, rep, vw, err
	}
	if s := h.staleReport(rep, sc); s != nil {
		return d, rep, vw, s.apiError()
	}
	return d, rep, vw, nil
}

// scope is the scope of d's reports with the calendars and SLA policies
// the handler keeps now, as a run gets them.
func (h *handler) scope(ctx context.Context, d convreport.Dashboard) (staleScope, error) {
	sc := staleScope{d: d}
	if h.cfg.Calendars != nil {
		set, err := h.cfg.Calendars.Calendars(ctx)
		if err != nil {
			return sc, err
		}
		sc.cals = set
	}
	sla, err := h.slaSet(ctx)
	sc.sla = sla
	return sc, err
}
