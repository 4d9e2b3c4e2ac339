package convreport

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Check reports whether r may be saved in a dashboard, as
// [Dashboard.AddReport] and [Dashboard.UpdateReport] check it: against s
// (nil means [DefaultSchema]) for any query, under the ceilings of
// [MaxLimits], and with no parts that make no sense together (a pie of
// averages, stacking without a breakdown, a snapshot over time). The error
// is a *[ReportError] naming the field a person changes. A report editor
// changes a copy of a Report and calls Check as the person types.
func (r Report) Check(s *Schema) error {
	if r.ID != "" && !idPattern.MatchString(r.ID) {
		return &ReportError{Report: r.Name, Field: "id", Err: fmt.Errorf("%q is not an ID: use 1 to 64 of a-z, 0-9, - and _", r.ID)}
	}
	return checkReport(schemaOr(s), r)
}

// checkReport checks r against s as a run would, for any query, under the
// ceilings of the limits (see Limits): a report saved in a dashboard runs on
// any engine whose limits allow it.
//
// It also refuses what makes no sense together (see checkCombination): a
// report is saved only as a person can read it. Runs do not check that, so
// a dashboard saved before a rule existed still runs.
func checkReport(s *Schema, r Report) error {
	// Runs do not check the name: a report saved before the rule still runs.
	if reason := textProblem(r.Name); reason != "" {
		return &ReportError{Report: r.Name, Field: "name", Err: errors.New(reason)}
	}
	// Its filters are checked under the default filter limits, as they
	// always were: the filters of a saved report stay cheap to compile.
	if err := checkReportLimits(s, r, MaxLimits(), &filterCache{}); err != nil {
		return err
	}
	return checkCombination(r)
}

// checkReportLimits checks r against s as a run under lim would, its
// filters compiled by fc: an engine's check compiles them under the
// engine's filter limits, as its runs do.
func checkReportLimits(s *Schema, r Report, lim Limits, fc *filterCache) error {
	if errs := checkReportParts(s, r, lim, fc, false); len(errs) > 0 {
		return errs[0]
	}
	return nil
}

// checkReportParts is checkReportLimits; with all, it returns every part
// that does not check (see compileParts), the first being the error
// checkReportLimits returns.
func checkReportParts(s *Schema, r Report, lim Limits, fc *filterCache, all bool) []*ReportError {
	var errs []*ReportError
	if strings.TrimSpace(r.Name) == "" {
		errs = append(errs, &ReportError{Report: r.Name, Field: "name", Err: errors.New("is required")})
	}
	if err := checkCalendarName(r.Calendar); err != nil {
		errs = append(errs, &ReportError{Report: r.Name, Field: "calendar", Err: err})
	}
	if len(errs) > 0 && !all {
		return errs[:1]
	}
	day := time.Date(2000, 1, 3, 0, 0, 0, 0, time.UTC)
	rq := resolved{from: day, to: day.AddDate(0, 0, 1), loc: time.UTC, now: day, weekStart: time.Monday}
	_, more := compileParts(s, r, rq, fc, lim, all)
	return append(errs, more...)
}
