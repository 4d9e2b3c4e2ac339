package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/convreport/convreport"
)

// calendarKeeper is where a store's business-hours calendars live; its
// methods are called with the core's mutex held and exchange copies.
type calendarKeeper interface {
	getCalendars() (*convreport.CalendarSet, error)
	putCalendars(*convreport.CalendarSet) error
}

// memCalendars keeps the calendars of a Memory store, as JSON so that a
// caller's later change to its set changes nothing here.
type memCalendars struct{ b []byte }

func (m *memCalendars) getCalendars() (*convreport.CalendarSet, error) {
	return decodeCalendars(m.b)
}

func (m *memCalendars) putCalendars(s *convreport.CalendarSet) error {
	b, err := json.Marshal(s)
	if err != nil {
		return err
	}
	m.b = b
	return nil
}

func decodeCalendars(b []byte) (*convreport.CalendarSet, error) {
	s := &convreport.CalendarSet{}
	if len(b) == 0 {
		return s, nil
	}
	if err := json.Unmarshal(b, s); err != nil {
		return nil, err
	}
	return s, nil
}

// calendarsFile is the name of a Dir's calendar file: it starts with "_",
// which no dashboard ID does, so listing dashboards skips it.
const calendarsFile = "_calendars.json"

func (f fileBackend) getCalendars() (*convreport.CalendarSet, error) {
	p := filepath.Join(f.dir, calendarsFile)
	b, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return &convreport.CalendarSet{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("convreport/store: %w", err)
	}
	s, err := decodeCalendars(b)
	if err != nil {
		return nil, &FileError{Path: p, Err: err}
	}
	return s, nil
}

func (f fileBackend) putCalendars(s *convreport.CalendarSet) error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	return writeAtomic(f.dir, filepath.Join(f.dir, calendarsFile), append(b, '\n'))
}

// calendars returns the stored calendars (an empty set when none).
func (c *core) calendars(ctx context.Context) (*convreport.CalendarSet, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.cal.getCalendars()
}

// saveCalendars replaces the calendars, for an admin, when the set is
// valid and every stored dashboard still finds the calendars it names.
func (c *core) saveCalendars(ctx context.Context, v convreport.Viewer, s *convreport.CalendarSet) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if !v.Admin {
		return fmt.Errorf("%w: only an admin may change the calendars", convreport.ErrForbidden)
	}
	if s == nil {
		s = &convreport.CalendarSet{}
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
		if err := s.CheckDashboard(d); err != nil {
			return fmt.Errorf("%w (dashboard %q still names it)", err, d.ID)
		}
	}
	return c.cal.putCalendars(s)
}

// checkCalendars reports a calendar d names that the store lacks; called
// with the mutex held.
func (c *core) checkCalendars(d convreport.Dashboard) error {
	if d.Calendar == "" && !reportsNameCalendars(d) {
		return nil
	}
	s, err := c.cal.getCalendars()
	if err != nil {
		return err
	}
	return s.CheckDashboard(d)
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
func (m *Memory) Calendars(ctx context.Context) (*convreport.CalendarSet, error) {
	return m.c.calendars(ctx)
}

// SaveCalendars replaces the calendars. Only an admin may (otherwise the
// error wraps [convreport.ErrForbidden]); the set must be valid (a
// *[convreport.CalendarError] naming the field), and every dashboard must
// still find the calendars it names (a *[convreport.DashboardError] or
// *[convreport.ReportError] whose Field is "calendar").
func (m *Memory) SaveCalendars(ctx context.Context, v convreport.Viewer, s *convreport.CalendarSet) error {
	return m.c.saveCalendars(ctx, v, s)
}

// Calendars returns the business-hours calendars kept with the dashboards,
// in the file _calendars.json of the directory; see [Memory.Calendars].
func (d *Dir) Calendars(ctx context.Context) (*convreport.CalendarSet, error) {
	return d.c.calendars(ctx)
}

// SaveCalendars replaces the calendars, atomically like a dashboard; see
// [Memory.SaveCalendars].
func (d *Dir) SaveCalendars(ctx context.Context, v convreport.Viewer, s *convreport.CalendarSet) error {
	return d.c.saveCalendars(ctx, v, s)
}
