package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/calendar"

	"github.com/convreport/convreport"
)

// calendars returns the stored calendars (an empty set when none).
func (c *core) calendars(ctx context.Context) (*calendar.Set, error) {
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.cal.get()
}

// saveCalendars replaces the calendars, for an admin, when the set is
// valid and every stored dashboard and SLA policy still finds the
// calendars it names.
func (c *core) saveCalendars(ctx context.Context, v access.Viewer, s *calendar.Set) error {
	if err := ctxErr(ctx); err != nil {
		return err
	}
	if !v.Admin {
		return fmt.Errorf("%w: only an admin may change the calendars", access.ErrForbidden)
	}
	if s == nil {
		s = &calendar.Set{}
	}
	if err := s.Validate(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	all, err := c.b.all()
	if err != nil {
		return err
	}
	for _, d := range all {
		if err := d.CheckCalendars(s); err != nil {
			return fmt.Errorf("%w (dashboard %q still names it)", err, d.ID)
		}
	}
	// A policy counting in a dropped calendar would fail every report
	// measuring it, blaming a report that names no calendar, and the
	// stored policies could not be saved back as they are.
	pols, err := c.sla.get()
	if err != nil {
		return err
	}
	for i, p := range pols.Policies {
		if p == nil {
			continue
		}
		var se *convreport.SLAError
		if errors.As(p.CheckCalendars(s), &se) {
			return &convreport.SLAError{Field: fmt.Sprintf("policies[%d].%s", i, se.Field),
				Reason: fmt.Sprintf("%s (SLA policy %q still counts in it)", se.Reason, p.Name)}
		}
	}
	return c.cal.put(s)
}

// checkCalendars reports a calendar d names that the store lacks; called
// with the mutex held.
func (c *core) checkCalendars(d convreport.Dashboard) error {
	if d.Calendar == "" && !reportsNameCalendars(d) {
		return nil
	}
	s, err := c.cal.get()
	if err != nil {
		return err
	}
	return d.CheckCalendars(s)
}

// namesChanged is d less the calendars and SLA policies it names as cur
// already named them: its calendar when cur has the same, and each report
// whose calendar and SLA measure are cur's report's. A save checks those
// d names anew only: a calendar or a policy removed by hand (the stores
// refuse to drop one in use) leaves the reports that name it stale, which
// their dashboard's page says, and the rest of the dashboard can still be
// changed; a report is checked whole again when one of them changes.
func namesChanged(cur, d convreport.Dashboard) convreport.Dashboard {
	out := d
	if d.Calendar == cur.Calendar {
		out.Calendar = ""
	}
	out.Reports = nil
	for _, r := range d.Reports {
		old, ok := cur.Report(r.ID)
		if ok && old.Calendar == r.Calendar && old.Measure.Agg == r.Measure.Agg &&
			old.Measure.SLA == r.Measure.SLA && old.Measure.Target == r.Measure.Target {
			continue
		}
		out.Reports = append(out.Reports, r)
	}
	return out
}

func reportsNameCalendars(d convreport.Dashboard) bool {
	for _, r := range d.Reports {
		if r.Calendar != "" {
			return true
		}
	}
	return false
}

// Calendars returns the business-hours calendars kept with the dashboards:
// those a dashboard or report may name, and each inbox's. It is an empty
// set until SaveCalendars.
func (m *Memory) Calendars(ctx context.Context) (*calendar.Set, error) {
	return m.c.calendars(ctx)
}

// SaveCalendars replaces the calendars. Only an admin may (otherwise the
// error wraps [access.ErrForbidden]); the set must be valid (a
// *[calendar.Error] naming the field), every dashboard must
// still find the calendars it names (a *[convreport.DashboardError] or
// *[convreport.ReportError] whose Field is "calendar"), and every SLA
// policy the calendars its targets count in (a *[convreport.SLAError]
// whose Field is the target's, "policies[0].close.calendar", naming the
// policy).
func (m *Memory) SaveCalendars(ctx context.Context, v access.Viewer, s *calendar.Set) error {
	return m.c.saveCalendars(ctx, v, s)
}

// Calendars returns the business-hours calendars kept with the dashboards,
// in the file _calendars.json of the directory; see [Memory.Calendars].
func (d *Dir) Calendars(ctx context.Context) (*calendar.Set, error) {
	return d.c.calendars(ctx)
}

// SaveCalendars replaces the calendars, atomically like a dashboard; see
// [Memory.SaveCalendars].
func (d *Dir) SaveCalendars(ctx context.Context, v access.Viewer, s *calendar.Set) error {
	return d.c.saveCalendars(ctx, v, s)
}
