package web

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/convreport/convreport"
)

// This file holds the report editor's edits: each changes one part of a
// copy of a report the way the editor's controls do (names typed as keys
// resolve to properties, a count is the zero measure, a list of display
// properties grows without repeats) and refuses what that control cannot
// mean with the words a person reads. The whole report is then checked by
// Report.Check, as every save is.

// maxBreakdowns is how many properties the editor lets a chart group by:
// the grouping and one breakdown, as a chart draws them (a category axis
// and a series). The engine runs reports with more (see
// convreport.Limits), and a report built in code may have them; a chart of
// three nested groupings is unreadable.
const maxBreakdowns = 2

// edit is one change made in the report editor.
type edit func(s *convreport.Schema, r *convreport.Report) error

// applyEdits returns a copy of r with edits applied, in order, and
// checked as a save would; r is never changed.
func applyEdits(s *convreport.Schema, r convreport.Report, edits []edit) (convreport.Report, error) {
	if s == nil {
		s = convreport.DefaultSchema()
	}
	r = r.Clone()
	for _, e := range edits {
		if err := e(s, &r); err != nil {
			var re *convreport.ReportError
			if errors.As(err, &re) {
				return convreport.Report{}, err
			}
			return convreport.Report{}, &convreport.ReportError{Report: r.Name, Field: "edit", Err: err}
		}
	}
	if err := r.Check(s); err != nil {
		return convreport.Report{}, err
	}
	return r, nil
}

func fieldError(r *convreport.Report, field, format string, args ...any) error {
	return &convreport.ReportError{Report: r.Name, Field: field, Err: fmt.Errorf(format, args...)}
}

// property returns the property s has name as a Name or a key of, and a
// property of that name otherwise, for Report.Check to refuse with a
// suggestion.
func property(s *convreport.Schema, name string) (convreport.Property, bool) {
	if p, ok := s.Lookup(name); ok {
		return p, true
	}
	return convreport.Property{Name: name}, false
}

// conditionsByName returns a copy of cs with each property written as
// its Name ("Inbox"), as dimensions are stored, when it was typed as a key
// ("inbox"); an unknown name stays as typed, for the check to refuse with
// a suggestion.
func conditionsByName(s *convreport.Schema, cs []convreport.Condition) []convreport.Condition {
	if cs == nil {
		return nil
	}
	out := make([]convreport.Condition, len(cs))
	for i, c := range cs {
		c.Values = slices.Clone(c.Values)
		if p, ok := s.Lookup(c.Property); ok {
			c.Property = p.Name
		}
		out[i] = c
	}
	return out
}

func rename(n string) edit {
	return func(_ *convreport.Schema, r *convreport.Report) error {
		n = strings.TrimSpace(n)
		if n == "" {
			return fieldError(r, "name", "is required")
		}
		r.Name = n
		return nil
	}
}

// setMeasure keeps one spelling of each measure: a count is the zero
// Measure, and the fields of other aggregations are dropped, as the editor
// keeps them while a person switches back and forth.
func setMeasure(m convreport.Measure) edit {
	return func(_ *convreport.Schema, r *convreport.Report) error {
		if m.Agg == convreport.Count {
			m.Agg = ""
		}
		if m.Agg != convreport.Percentile {
			m.P = 0
		}
		if m.Agg != convreport.ShareWithin {
			m.Threshold = 0
		}
		switch m.Agg {
		case convreport.SLAMet, convreport.SLABreaches, convreport.SLAAvgOver, convreport.SLATotalOver:
		default:
			m.SLA, m.Target = "", ""
		}
		r.Measure = m
		return nil
	}
}

func setDimensions(names ...string) edit {
	return func(s *convreport.Schema, r *convreport.Report) error {
		if len(names) > maxBreakdowns {
			return fieldError(r, "dimensions", "a chart groups by at most %d properties (a grouping and a breakdown), got %d", maxBreakdowns, len(names))
		}
		var dims []string
		for _, n := range names {
			p, ok := property(s, n)
			if ok && !p.Groupable() {
				if p.Name == "ID" {
					return fieldError(r, "dimensions", "grouping by ID makes one point per conversation; use a drill-down")
				}
				return fieldError(r, "dimensions", "%s", notGroupable(p))
			}
			if ok && slices.Contains(dims, p.Name) {
				return fieldError(r, "dimensions", "%s is already in the chart", p.Label)
			}
			dims = append(dims, p.Name)
		}
		r.Dimensions = dims
		return nil
	}
}

// setDateProperty stores CreatedAt, the default, as "".
func setDateProperty(n string) edit {
	return func(s *convreport.Schema, r *convreport.Report) error {
		p, ok := property(s, n)
		if ok && p.Kind != convreport.KindTime {
			return fieldError(r, "date_property", "%s", notADate(p))
		}
		r.DateProperty = p.Name
		if p.Name == "CreatedAt" {
			r.DateProperty = ""
		}
		return nil
	}
}

// notGroupable says why a chart cannot group by p, and by what it can.
func notGroupable(p convreport.Property) string {
	return sprintf("%s is a %s property; group by text, choice or yes/no properties, and by time with a time bucket", p.Label, p.Kind)
}

// notADate says why a date range cannot apply to p.
func notADate(p convreport.Property) string {
	return sprintf("%s is a %s, not a date", p.Label, p.Kind)
}

func setBucket(b convreport.Bucket) edit {
	return func(_ *convreport.Schema, r *convreport.Report) error {
		if b != convreport.NoBucket && !slices.Contains(convreport.Buckets(), b) {
			return fieldError(r, "bucket", "unknown time bucket %q (want hour, day, week, month, quarter or year)", b)
		}
		r.Bucket = b
		return nil
	}
}

// setSort stores the default order, largest value first, as "".
func setSort(o convreport.SortBy) edit {
	return func(_ *convreport.Schema, r *convreport.Report) error {
		if o != "" && !slices.Contains(convreport.Sorts(), o) {
			return fieldError(r, "sort", "unknown sort %q (want value_desc, value_asc, label_asc or label_desc)", o)
		}
		if o == convreport.ByValueDesc {
			o = ""
		}
		r.Sort = o
		return nil
	}
}

func setLimit(n int) edit {
	return func(_ *convreport.Schema, r *convreport.Report) error {
		if n < 0 {
			return fieldError(r, "limit", "top %d: want 0 (every group) or more", n)
		}
		r.Limit = n
		return nil
	}
}

func setChart(c convreport.Chart) edit {
	return func(_ *convreport.Schema, r *convreport.Report) error {
		if c.Type != "" && !slices.Contains(convreport.ChartTypes(), c.Type) {
			return fieldError(r, "chart", "unknown chart type %q", c.Type)
		}
		r.Chart = c
		return nil
	}
}

// addProperties appends display properties; one already shown stays
// where it is.
func addProperties(names ...string) edit {
	return func(s *convreport.Schema, r *convreport.Report) error {
		for _, n := range names {
			p, _ := property(s, n)
			if !slices.Contains(r.Properties, p.Name) {
				r.Properties = append(r.Properties, p.Name)
			}
		}
		return nil
	}
}

// removeProperties refuses a property the report does not show: it is
// most likely a typo.
func removeProperties(names ...string) edit {
	return func(s *convreport.Schema, r *convreport.Report) error {
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
				return fieldError(r, "properties", "%q is not a display property of the report (it shows %s)", n, shows)
			}
			r.Properties = slices.Delete(r.Properties, i, i+1)
		}
		return nil
	}
}
