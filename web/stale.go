package web

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/render"
)

// A report was checked against the schema of the day it was saved, and
// against the ceilings of every engine's limits. The server may run later
// with a schema that has lost a custom property it names, or a value of a
// choice, or that gives a property it names another kind (a choice it
// groups by is now a time); or with an engine whose limits are lower than
// the report asks for (a Top over its MaxGroups): the report can no
// longer run. Its filters cannot be left out (the report would count
// conversations it means to leave out), nor can its grouping, the date
// its range applies to, a column of its drill-down or its Top (it would
// not be the report saved). Such a report is stale. The dashboard page,
// its print and its live stream show it as a card that says which part
// and why, with no numbers; its editor opens without a preview, to change
// that part; the JSON API refuses it, naming the report by ID and the
// part by its field (and a filter or property by its position). For the
// filters, this holds for the structured conditions and for the filter
// expression, the two halves of its Advanced filters.
//
// What is stale is what the engine refuses for a reason of the schema or
// of its limits (Engine.CheckReport, whose causes say which); a report
// wrong whatever the schema and the engine (a measure that does not
// exist) is an error, as the run says.

// staleReport is a saved report that names a property the schema no
// longer has, or whose own filters no longer check, or that the engine
// refuses for another reason of the schema or of its limits.
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
	// refused is what the engine refuses in a report whose parts above
	// all check, when nothing else is wrong (see refusal).
	refused *staleRefusal
}

// staleRefusal is the part of a report the engine refuses for a reason
// of the schema or of its limits, other than a property lost: a property
// of a kind that no longer fits where the report names it, a Top or a
// number of groupings over the engine's limits, filters over its filter
// limits.
type staleRefusal struct {
	// kind is set for a property's kind, filters for the filters; a
	// limit otherwise.
	kind, filters bool
	// Field and Index are the part, as the API names it (Index -1 for
	// none); Reason says what is wrong and what to do, in the editor's
	// words, for the card and for the editor to show by that part.
	Field  string `json:"field"`
	Index  int    `json:"index"`
	Reason string `json:"reason"`
	api    *Error // the engine's refusal, as the API answers it
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
// filter expression); when nothing of that is, the first part the engine
// refuses for a reason of the schema or of its limits; or nil.
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
		// Nothing it names is missing: the engine says what else it
		// refuses, if anything.
		h.refusal(rep, s)
	}
	if len(s.problems) == 0 {
		// Nothing, or nothing the schema or the engine's limits are to
		// blame for: let the run say what is wrong.
		return nil
	}
	return s
}

// refusal adds to s what the engine refuses in rep for a reason of the
// schema or of its limits, told by the cause of its check; anything else
// it refuses, the run says as it always has.
func (h *handler) refusal(rep convreport.Report, s *staleReport) {
	err := h.cfg.Engine.CheckReport(rep)
	var re *convreport.ReportError
	if !errors.As(err, &re) {
		return
	}
	var (
		upe *convreport.UnknownPropertyError
		ke  *convreport.KindError
		le  *convreport.LimitError
		fle *convreport.FilterLimitError
		fe  *convreport.FilterError
	)
	r := &staleRefusal{Field: re.Field, Index: -1, api: toError(err)}
	switch {
	case errors.As(err, &upe):
		// A part the checks above do not look at.
		i := indexOf(rep, re.Field, upe.Name)
		s.fields = append(s.fields, staleField{field: re.Field, index: i, property: upe.Name})
		s.problems = append(s.problems, sprintf("%s: the schema has no property %q", h.partOf(rep, re.Field, i), upe.Name))
		return
	case errors.As(err, &ke):
		r.kind, r.Index = true, indexOf(rep, re.Field, ke.Name)
		r.Reason = cleanMessage(ke.Error())
		if p, ok := h.cfg.Schema.Lookup(ke.Name); ok {
			switch re.Field {
			case "dimensions":
				r.Reason = notGroupable(p)
			case "date_property":
				r.Reason = notADate(p)
			}
		}
	case errors.As(err, &le):
		r.Reason = overLimit(rep, re.Field, le)
	case errors.As(err, &fe):
		if fe.Expr == rep.Filter {
			// The expression alone, under the engine's filter limits (a
			// pattern too costly): said as an expression that no longer
			// checks.
			s.expr = fe
			s.problems = append(s.problems, "the filter expression"+at(fe)+": "+fe.Msg)
			return
		}
		// The expression and the conditions joined: a position in the
		// text the engine joined them in would mean nothing to the editor.
		r.filters, r.Reason = true, fe.Msg
		r.api.Line, r.api.Column, r.api.Snippet = 0, 0, ""
	case errors.As(err, &fle):
		r.filters = true
		r.Reason = filterOverLimit(fle, len(rep.Conditions) > 0)
	default:
		return
	}
	if r.Index >= 0 {
		i := r.Index
		r.api.Index = &i
	}
	s.refused = r
	s.problems = append(s.problems, h.partOf(rep, r.Field, r.Index)+": "+r.Reason)
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
// report, by name and ID, and every part that no longer checks; its field
// (and index) is the first one's.
func (s *staleReport) apiError() *Error {
	e := &Error{Status: http.StatusUnprocessableEntity, Report: s.id,
		Message: sprintf("report %q (%s): %s", s.name, s.id, strings.Join(s.problems, "; "))}
	if r := s.refused; r != nil {
		// The engine's code, field and position; the editor's message.
		e.Code, e.Field, e.Index, e.Line, e.Column, e.Snippet = r.api.Code, r.api.Field, r.api.Index, r.api.Line, r.api.Column, r.api.Snippet
	} else if len(s.fields) > 0 {
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
	// The engine's refusal comes alone: nothing else was wrong.
	if r := s.refused; r != nil && r.filters {
		filters++
	} else if r != nil && r.kind {
		return staleWords{Meta: "Not run: a property it names has another kind now",
			Headline:  "This report is not run: a property it names has another kind in the schema now.",
			Why:       "The report cannot be run with that property where it is, so it shows no numbers.",
			EditFix:   "to choose another property in its place.",
			ViewerFix: "An editor of this dashboard can choose another property in the report editor.",
			Print:     "This report is not run: a property it names has another kind in the schema now.",
			NoPreview: "No preview: a property of this report has another kind in the schema now.",
			Advice:    "Choose another property in its place, or remove it, then update the report: until then the dashboard shows it without numbers."}
	} else if r != nil {
		return staleWords{Meta: "Not run: it asks for more than this server allows",
			Headline:  "This report is not run: it asks for more than this server allows.",
			Why:       "This server runs reports within limits of its own, and this one is past one of them, so it shows no numbers.",
			EditFix:   "to bring it within them.",
			ViewerFix: "An editor of this dashboard can change it in the report editor.",
			Print:     "This report is not run: it asks for more than this server allows.",
			NoPreview: "No preview: this report asks for more than this server allows.",
			Advice:    "Change the part named, then update the report: until then the dashboard shows it without numbers."}
	}
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
