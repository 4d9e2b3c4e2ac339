package web

import (
	"cmp"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/convreport/convreport"
)

// refusedEdit is first, the refusal of the edits req asks of rep (an
// update, a save as new, a report added), with every part of the edited
// report that is refused listed in its problems, when there are several:
// the editor says each by its control, and a person fixes them all in one
// go instead of meeting them one save at a time. The problems are in the
// editor's order, top to bottom; the first is the one Code, Field and
// Index name, and the message says them all.
// A part whose edit is refused (a Top that is not a number, say) keeps
// what the report had, and is said once, for that edit. With one problem,
// or a refusal that is not about the report's parts, first is as it was.
func (h *handler) refusedEdit(r *http.Request, rep convreport.Report, req editRequest, first error) error {
	head := h.toError(r, first)
	if head.Status != http.StatusUnprocessableEntity {
		return first
	}
	s := h.cfg.Schema
	if s == nil {
		s = convreport.DefaultSchema()
	}
	edits, errs := req.editsAll(h.maxTop())
	out := rep.Clone()
	for _, e := range edits {
		if err := e(s, &out); err != nil {
			errs = append(errs, err)
		}
	}
	// The parts whose edit was refused: what the report holds there is
	// not what was asked for, and not this edit's to refuse.
	refused := map[string]bool{}
	for _, err := range errs {
		refused[h.toError(r, err).Field] = true
	}
	checked := []error{}
	if err := out.Check(s); err != nil {
		checked = append(checked, err)
	}
	if all, err := h.cfg.Engine.CheckReportAll(out); err == nil {
		for _, re := range all {
			checked = append(checked, re)
		}
	}

	var problems []*Error
	seen := map[string]bool{}
	add := func(err error, skipRefused bool) {
		for _, p := range h.problemsOf(r, out, err) {
			key := p.Field
			if p.Index != nil {
				key += "/" + strconv.Itoa(*p.Index)
			}
			if seen[key] || (skipRefused && refused[p.Field]) {
				continue
			}
			seen[key] = true
			problems = append(problems, p)
		}
	}
	add(first, false)
	for _, err := range errs {
		add(err, false)
	}
	for _, err := range checked {
		add(err, true)
	}
	if len(problems) < 2 {
		return first
	}
	// In the editor's order, top to bottom: the first is the first a
	// person meets.
	slices.SortStableFunc(problems, func(a, b *Error) int {
		if c := cmp.Compare(partRank(a.Field), partRank(b.Field)); c != 0 {
			return c
		}
		return cmp.Compare(indexOr(a.Index), indexOr(b.Index))
	})
	name := out.Name
	if strings.TrimSpace(name) == "" {
		name = rep.Name
	}
	texts := make([]string, len(problems))
	for i, p := range problems {
		texts[i] = p.Message
	}
	p := problems[0]
	return &Error{Status: http.StatusUnprocessableEntity, Code: p.Code, Field: p.Field, Index: p.Index,
		Line: p.Line, Column: p.Column, Snippet: p.Snippet, Problems: problems,
		Message: sprintf("report %q: %s", name, strings.Join(texts, "; ")), err: first}
}

// problemsOf is err, a refusal of a part of rep, as the problems of a
// refused edit: one for each condition it refuses, else one, with the
// position of the property it names in its list (the grouping, the
// display property) and its message without the report's name.
func (h *handler) problemsOf(r *http.Request, rep convreport.Report, err error) []*Error {
	if ces := conditionErrors(err); len(ces) > 0 {
		out := make([]*Error, 0, len(ces))
		for _, ce := range ces {
			out = append(out, &Error{Code: "invalid_condition", Field: "conditions", Index: indexPtr(ce.Index),
				Message: h.describeCondition(ce)})
		}
		return out
	}
	e := h.toError(r, err)
	p := &Error{Code: e.Code, Field: e.Field, Index: e.Index, Line: e.Line, Column: e.Column, Snippet: e.Snippet, Message: e.Message}
	var re *convreport.ReportError
	if errors.As(err, &re) {
		p.Message = strings.TrimPrefix(p.Message, sprintf("report %q: ", re.Report))
	}
	if p.Index == nil {
		var (
			upe *convreport.UnknownPropertyError
			ke  *convreport.KindError
		)
		switch {
		case errors.As(err, &upe):
			p.Index = indexPtr(indexOf(rep, p.Field, upe.Name))
		case errors.As(err, &ke):
			p.Index = indexPtr(indexOf(rep, p.Field, ke.Name))
		}
	}
	return []*Error{p}
}

// editorParts are the parts of a report as the editor shows them, top to
// bottom.
var editorParts = []string{"name", "measure", "dimensions", "date_property", "bucket", "snapshot", "sort", "limit",
	"chart", "properties", "calendar", "conditions", "filter"}

// partRank is field's place among editorParts; another field comes last.
func partRank(field string) int {
	if i := slices.Index(editorParts, field); i >= 0 {
		return i
	}
	return len(editorParts)
}

func indexOr(i *int) int {
	if i == nil {
		return -1
	}
	return *i
}
