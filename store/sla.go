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

// slaKeeper is where a store's SLA policies live; its methods are called
// with the core's mutex held and exchange copies.
type slaKeeper interface {
	getSLA() (*convreport.SLASet, error)
	putSLA(*convreport.SLASet) error
}

// memSLA keeps the policies of a Memory store as JSON, so that a caller's
// later change to its set changes nothing here.
type memSLA struct{ b []byte }

func (m *memSLA) getSLA() (*convreport.SLASet, error) { return decodeSLA(m.b) }

func (m *memSLA) putSLA(s *convreport.SLASet) error {
	b, err := json.Marshal(s)
	if err != nil {
		return err
	}
	m.b = b
	return nil
}

func decodeSLA(b []byte) (*convreport.SLASet, error) {
	s := &convreport.SLASet{}
	if len(b) == 0 {
		return s, nil
	}
	if err := json.Unmarshal(b, s); err != nil {
		return nil, err
	}
	return s, nil
}

// slaFile is the name of a Dir's policy file; like the calendars' it
// starts with "_", which no dashboard ID does.
const slaFile = "_sla.json"

func (f fileBackend) getSLA() (*convreport.SLASet, error) {
	p := filepath.Join(f.dir, slaFile)
	b, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return &convreport.SLASet{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("convreport/store: %w", err)
	}
	s, err := decodeSLA(b)
	if err != nil {
		return nil, &FileError{Path: p, Err: err}
	}
	return s, nil
}

func (f fileBackend) putSLA(s *convreport.SLASet) error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	return writeAtomic(f.dir, filepath.Join(f.dir, slaFile), append(b, '\n'))
}

func (c *core) slaPolicies(ctx context.Context) (*convreport.SLASet, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sla.getSLA()
}

// saveSLA replaces the policies, for an admin, when the set is valid and
// every stored dashboard still finds the policies its reports measure.
// The policies' filters are checked against a schema by the caller (the
// store has none).
func (c *core) saveSLA(ctx context.Context, v convreport.Viewer, s *convreport.SLASet) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if !v.Admin {
		return fmt.Errorf("%w: only an admin may change the SLA policies", convreport.ErrForbidden)
	}
	if s == nil {
		s = &convreport.SLASet{}
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
			return fmt.Errorf("%w (dashboard %q still measures it)", err, d.ID)
		}
	}
	return c.sla.putSLA(s)
}

// checkSLA reports a policy d's reports measure that the store lacks;
// called with the mutex held.
func (c *core) checkSLA(d convreport.Dashboard) error {
	if !d.UsesSLA() {
		return nil
	}
	s, err := c.sla.getSLA()
	if err != nil {
		return err
	}
	return s.CheckDashboard(d)
}

// SLA returns the SLA policies kept with the dashboards: those reports
// with an SLA measure name. It is an empty set until SaveSLA.
func (m *Memory) SLA(ctx context.Context) (*convreport.SLASet, error) { return m.c.slaPolicies(ctx) }

// SaveSLA replaces the SLA policies. Only an admin may (otherwise the
// error wraps [convreport.ErrForbidden]); the set must be valid (a
// *[convreport.SLAError] naming the field), and every dashboard must still
// find the policies its reports measure (a *[convreport.ReportError]
// whose Field is "measure").
func (m *Memory) SaveSLA(ctx context.Context, v convreport.Viewer, s *convreport.SLASet) error {
	return m.c.saveSLA(ctx, v, s)
}

// SLA returns the SLA policies kept with the dashboards, in the file
// _sla.json of the directory; see [Memory.SLA].
func (d *Dir) SLA(ctx context.Context) (*convreport.SLASet, error) { return d.c.slaPolicies(ctx) }

// SaveSLA replaces the SLA policies, atomically like a dashboard; see
// [Memory.SaveSLA].
func (d *Dir) SaveSLA(ctx context.Context, v convreport.Viewer, s *convreport.SLASet) error {
	return d.c.saveSLA(ctx, v, s)
}
