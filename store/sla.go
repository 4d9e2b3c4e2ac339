package store

import (
	"context"
	"fmt"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/access"
)

// slaPolicies returns the stored SLA policies (an empty set when none).
func (c *core) slaPolicies(ctx context.Context) (*convreport.SLASet, error) {
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sla.get()
}

// saveSLA replaces the policies, for an admin, when the set is valid,
// counts in calendars the store keeps, and every stored dashboard still
// finds the policies its reports measure.
// The policies' filters are checked against a schema by the caller (the
// store has none).
func (c *core) saveSLA(ctx context.Context, v access.Viewer, s *convreport.SLASet) error {
	if err := ctxErr(ctx); err != nil {
		return err
	}
	if !v.Admin {
		return fmt.Errorf("%w: only an admin may change the SLA policies", access.ErrForbidden)
	}
	if s == nil {
		s = &convreport.SLASet{}
	}
	if err := s.Validate(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	cals, err := c.cal.get()
	if err != nil {
		return err
	}
	if err := s.CheckCalendars(cals); err != nil {
		return err
	}
	all, err := c.b.all()
	if err != nil {
		return err
	}
	for _, d := range all {
		if err := d.CheckSLA(s); err != nil {
			return fmt.Errorf("%w (dashboard %q still measures it)", err, d.ID)
		}
	}
	return c.sla.put(s)
}

// checkSLA reports a policy d's reports measure that the store lacks;
// called with the mutex held.
func (c *core) checkSLA(d convreport.Dashboard) error {
	if !d.UsesSLA() {
		return nil
	}
	s, err := c.sla.get()
	if err != nil {
		return err
	}
	return d.CheckSLA(s)
}

// SLA returns the SLA policies kept with the dashboards: those reports
// with an SLA measure name. It is an empty set until SaveSLA.
func (m *Memory) SLA(ctx context.Context) (*convreport.SLASet, error) { return m.c.slaPolicies(ctx) }

// SaveSLA replaces the SLA policies. Only an admin may (otherwise the
// error wraps [access.ErrForbidden]); the set must be valid and its
// targets count in calendars the store keeps (see SaveCalendars) (a
// *[convreport.SLAError] naming the field), and every dashboard must still
// find the policies its reports measure (a *[convreport.ReportError]
// whose Field is "measure").
func (m *Memory) SaveSLA(ctx context.Context, v access.Viewer, s *convreport.SLASet) error {
	return m.c.saveSLA(ctx, v, s)
}

// SLA returns the SLA policies kept with the dashboards, in the file
// _sla.json of the directory; see [Memory.SLA].
func (d *Dir) SLA(ctx context.Context) (*convreport.SLASet, error) { return d.c.slaPolicies(ctx) }

// SaveSLA replaces the SLA policies, atomically like a dashboard; see
// [Memory.SaveSLA].
func (d *Dir) SaveSLA(ctx context.Context, v access.Viewer, s *convreport.SLASet) error {
	return d.c.saveSLA(ctx, v, s)
}
