package store

import (
	"context"
	"sync"

	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/calendar"

	"github.com/convreport/convreport"
)

// Memory keeps dashboards in a map, for tests and for embedders that keep
// dashboards elsewhere between runs. It is safe for concurrent use.
type Memory struct {
	c core
}

var _ Store = (*Memory)(nil)

// NewMemory returns an empty store.
func NewMemory(opts ...Option) *Memory {
	m := &Memory{}
	m.c.b, m.c.mu = mapBackend{}, &sync.Mutex{}
	m.c.cal = &memKeeper[calendar.Set]{}
	m.c.sla = &memKeeper[convreport.SLASet]{}
	m.c.cfg = newConfig(opts)
	return m
}

type mapBackend map[string]convreport.Dashboard

func (m mapBackend) get(id string) (convreport.Dashboard, bool, error) {
	d, ok := m[id]
	return d.Clone(), ok, nil
}

func (m mapBackend) all() ([]convreport.Dashboard, error) {
	out := make([]convreport.Dashboard, 0, len(m))
	for _, d := range m {
		out = append(out, d.Clone())
	}
	return out, nil
}

func (m mapBackend) count() (int, error) { return len(m), nil }

func (m mapBackend) add(d convreport.Dashboard) error {
	if _, ok := m[d.ID]; ok {
		return errTaken
	}
	m[d.ID] = d.Clone()
	return nil
}

func (m mapBackend) put(d convreport.Dashboard) error {
	m[d.ID] = d.Clone()
	return nil
}

func (m mapBackend) remove(id string) error {
	delete(m, id)
	return nil
}

// Create stores a new dashboard; see [Store].
func (m *Memory) Create(ctx context.Context, v access.Viewer, d convreport.Dashboard) (convreport.Dashboard, error) {
	return m.c.create(ctx, v, d)
}

// Get returns the dashboard id if v may view it; see [Store].
func (m *Memory) Get(ctx context.Context, v access.Viewer, id string) (convreport.Dashboard, error) {
	return m.c.getDashboard(ctx, v, id)
}

// List returns the dashboards v may view, by name; see [Store].
func (m *Memory) List(ctx context.Context, v access.Viewer) ([]convreport.Dashboard, error) {
	return m.c.list(ctx, v)
}

// Save replaces a dashboard if d.Version is current; see [Store].
func (m *Memory) Save(ctx context.Context, v access.Viewer, d convreport.Dashboard) (convreport.Dashboard, error) {
	return m.c.save(ctx, v, d)
}

// Delete removes the dashboard d is a copy of, if d is current: its
// version and its CreatedAt; see [Store].
func (m *Memory) Delete(ctx context.Context, v access.Viewer, d convreport.Dashboard) error {
	return m.c.delete(ctx, v, d)
}

// Count returns how many dashboards the store holds, whoever can see
// them: what the plan's dashboards per account counts. See
// [Counter].
func (m *Memory) Count(ctx context.Context) (int, error) { return m.c.count(ctx) }
