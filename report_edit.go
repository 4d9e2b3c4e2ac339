package convreport

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// ReportEdit is one change made in the report editor. It changes r in
// place and reports why it cannot; [Dashboard.UpdateReport] and
// [Dashboard.SaveReportAsNew] apply edits to a copy, so a failing edit
// changes nothing. The constructors below cover the editor; an embedder
// may write its own.
type ReportEdit func(s *Schema, r *Report) error

// applyEdits returns a copy of r with edits applied, checked.
func applyEdits(s *Schema, r Report, edits []ReportEdit) (Report, error) {
	r = cloneReport(r)
	for _, e := range edits {
		if err := e(s, &r); err != nil {
			var re *ReportError
			if errors.As(err, &re) {
				return Report{}, err
			}
			return Report{}, &ReportError{Report: r.Name, Field: "edit", Err: err}
		}
	}
	if err := checkReport(s, r); err != nil {
		return Report{}, err
	}
	return r, nil
}

// checkReport checks r against s as a run would, for any query, under the
// ceilings of the limits (see Limits): a report saved in a dashboard runs on
// any engine whose limits allow it.
//
// It also refuses what makes no sense together (see checkCombination): a
// report is saved only as a person can read it. Runs do not check that, so
// a dashboard saved before a rule existed still runs.
func checkReport(s *Schema, r Report) error {
	if err := checkReportLimits(s, r, MaxLimits()); err != nil {
		return err
	}
	return checkCombination(r)
}

func checkReportLimits(s *Schema, r Report, lim Limits) error {
	if strings.TrimSpace(r.Name) == "" {
		return &ReportError{Report: r.Name, Field: "name", Err: errors.New("is required")}
	}
	if err := checkCalendarName(r.Calendar); err != nil {
		return &ReportError{Report: r.Name, Field: "calendar", Err: err}
	}
	day := time.Date(2000, 1, 3, 0, 0, 0, 0, time.UTC)
	rq := resolved{from: day, to: day.AddDate(0, 0, 1), loc: time.UTC, now: day, weekStart: time.Monday}
	_, err := compileReport(s, r, rq, &filterCache{}, lim)
	return err
}

// Rename sets the report's name, which may not be blank.
func Rename(name string) ReportEdit {
	return func(_ *Schema, r *Report) error {
		name = strings.TrimSpace(name)
		if name == "" {
			return &ReportError{Report: r.Name, Field: "name", Err: errors.New("is required")}
		}
		r.Name = name
		return nil
	}
}

// SetChart sets how the report is drawn; an empty Type lets renderers
// choose. Stacked and Percent apply to bar and column charts only.
func SetChart(c Chart) ReportEdit {
	return func(_ *Schema, r *Report) error {
		bad := func(format string, args ...any) error {
			return &ReportError{Report: r.Name, Field: "chart", Err: fmt.Errorf(format, args...)}
		}
		if c.Type != "" && !slices.Contains(chartTypes[:], c.Type) {
			return bad("unknown chart type %q", c.Type)
		}
		if (c.Stacked || c.Percent) && c.Type != BarChart && c.Type != ColumnChart {
			return bad("a %s chart cannot be stacked; only bar and column charts can", c.Type)
		}
		r.Chart = c
		return nil
	}
}

// AddProperties appends display properties (drill-down columns). Each must
// be in the schema (the error is an *[UnknownPropertyError] with a
// suggestion); one already shown is left where it is.
func AddProperties(names ...string) ReportEdit {
	return func(s *Schema, r *Report) error {
		for _, n := range names {
			p, err := s.resolve(n)
			if err != nil {
				return &ReportError{Report: r.Name, Field: "properties", Err: err}
			}
			if !slices.Contains(r.Properties, p.Name) {
				r.Properties = append(r.Properties, p.Name)
			}
		}
		return nil
	}
}

// RemoveProperties removes display properties. Naming one the report does
// not show is an error: it is most likely a typo.
func RemoveProperties(names ...string) ReportEdit {
	return func(s *Schema, r *Report) error {
		for _, n := range names {
			i := slices.Index(r.Properties, n)
			if p, ok := s.Lookup(n); ok && i < 0 {
				i = slices.Index(r.Properties, p.Name)
			}
			if i < 0 {
				shows := strings.Join(r.Properties, ", ")
				if shows == "" {
					shows = "none"
				}
				return &ReportError{Report: r.Name, Field: "properties", Err: fmt.Errorf("%q is not a display property of the report (it shows %s)", n, shows)}
			}
			r.Properties = slices.Delete(r.Properties, i, i+1)
		}
		return nil
	}
}

// SetFilter replaces the report's filter expression; "" removes it. The
// expression is compiled against the schema, and an error points into it.
func SetFilter(expr string) ReportEdit {
	return func(s *Schema, r *Report) error {
		if strings.TrimSpace(expr) != "" {
			if _, err := CompileFilter(s, expr); err != nil {
				return &ReportError{Report: r.Name, Field: "filter", Err: err}
			}
		}
		r.Filter = expr
		return nil
	}
}

// AddCondition appends a structured filter (an advanced filter of the
// editor). The conversations a report counts must pass all its conditions
// and its expression.
func AddCondition(c Condition) ReportEdit {
	return func(s *Schema, r *Report) error {
		return setConditions(s, r, append(slices.Clone(r.Conditions), c))
	}
}

// ReplaceCondition replaces the i-th condition, from 0.
func ReplaceCondition(i int, c Condition) ReportEdit {
	return func(s *Schema, r *Report) error {
		if i < 0 || i >= len(r.Conditions) {
			return conditionIndexError(r, i)
		}
		cs := slices.Clone(r.Conditions)
		cs[i] = c
		return setConditions(s, r, cs)
	}
}

// RemoveCondition removes the i-th condition, from 0.
func RemoveCondition(i int) ReportEdit {
	return func(s *Schema, r *Report) error {
		if i < 0 || i >= len(r.Conditions) {
			return conditionIndexError(r, i)
		}
		return setConditions(s, r, slices.Delete(slices.Clone(r.Conditions), i, i+1))
	}
}

func conditionIndexError(r *Report, i int) error {
	return &ReportError{Report: r.Name, Field: "conditions", Err: fmt.Errorf("no condition #%d: the report has %d", i, len(r.Conditions))}
}

func setConditions(s *Schema, r *Report, cs []Condition) error {
	if len(cs) > 0 {
		if _, err := ConditionsExpr(s, cs); err != nil {
			return &ReportError{Report: r.Name, Field: "conditions", Err: err}
		}
	}
	if len(cs) == 0 {
		cs = nil
	}
	r.Conditions = cs
	return nil
}
