// Package store keeps dashboards: [Memory] for tests and single-process
// embedders, [Dir] for a directory of JSON files, one per dashboard. Both
// implement [Store] with the same rules, enforced here once:
// access for the viewer of every call, optimistic concurrency on versions,
// and the plan's caps.
//
// A dashboard created with no ID gets its name's slug and a random suffix
// ("chat-desk-k3v9x2"), never the plain slug: an ID that depended on the
// dashboards there are would tell its creator of ones they may not see.
//
// A store holds the dashboards of one account: an embedder with many
// accounts opens one store per account (a directory each, for [Dir]), so
// that the plan's dashboards-per-account cap counts the right dashboards.
package store

import (
	"cmp"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/calendar"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/internal/fold"
	"github.com/convreport/convreport/plan"
)

// Option configures a store.
type Option func(*config)

type config struct {
	plan plan.Plan
	now  func() time.Time
	// random is where generated IDs' suffixes come from: crypto/rand's
	// Reader, or in this package's tests a reader of chosen bytes.
	random io.Reader
}

// WithPlan sets the account's plan; the default caps nothing.
func WithPlan(p plan.Plan) Option { return func(c *config) { c.plan = p } }

// WithClock sets where CreatedAt and UpdatedAt come from; default
// time.Now. Tests inject a fixed clock.
func WithClock(now func() time.Time) Option {
	return func(c *config) {
		if now != nil {
			c.now = now
		}
	}
}

func newConfig(opts []Option) config {
	c := config{now: time.Now, random: rand.Reader}
	for _, o := range opts {
		o(&c)
	}
	return c
}

// backend is where a store's dashboards live. Its methods are called with
// the core's mutex held, and exchange copies.
type backend interface {
	get(id string) (convreport.Dashboard, bool, error)
	all() ([]convreport.Dashboard, error)
	// count is how many dashboards there are, without reading them.
	count() (int, error)
	// add stores d, a new dashboard, unless a dashboard holds its ID
	// (errTaken, and nothing written); it reads no dashboard.
	add(d convreport.Dashboard) error
	put(d convreport.Dashboard) error
	remove(id string) error
}

// errTaken is what a backend's add returns for an ID in use.
var errTaken = errors.New("convreport/store: the ID is taken")

// core applies the rules of Store over a backend. One mutex
// makes each check-then-write atomic within the process: a Dir's is its
// directory's, shared by every Dir over it.
type core struct {
	mu  *sync.Mutex
	b   backend
	cal keeper[calendar.Set]
	sla keeper[convreport.SLASet]
	cfg config
}

// validID is the form convreport.Dashboard.Validate accepts; ids that do
// not match name no dashboard, and never reach a file path.
var validID = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)

func notFound(id string) error {
	return fmt.Errorf("%w: no dashboard %q", convreport.ErrNotFound, id)
}

func (c *core) now() time.Time { return c.cfg.now().UTC() }

func (c *core) create(ctx context.Context, v access.Viewer, d convreport.Dashboard) (convreport.Dashboard, error) {
	if err := ctxErr(ctx); err != nil {
		return convreport.Dashboard{}, err
	}
	d = d.Clone()
	if d.Owner == "" {
		d.Owner = v.UserID
	}
	if !v.Admin && (v.UserID == "" || d.Owner != v.UserID) {
		label := cmp.Or(d.ID, d.Name)
		return convreport.Dashboard{}, &access.Error{User: v.UserID, Dashboard: label, Action: "create"}
	}
	if err := d.Validate(); err != nil {
		return convreport.Dashboard{}, err
	}
	if err := c.cfg.plan.CheckReports(len(d.Reports)); err != nil {
		return convreport.Dashboard{}, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.checkCalendars(d); err != nil {
		return convreport.Dashboard{}, err
	}
	if err := c.checkSLA(d); err != nil {
		return convreport.Dashboard{}, err
	}
	// A create needs whether the ID is free and, under a cap, how many
	// dashboards there are: neither reads a dashboard, which in a
	// directory of thousands would cost a second.
	if c.cfg.plan.DashboardsPerAccount > 0 {
		n, err := c.b.count()
		if err != nil {
			return convreport.Dashboard{}, err
		}
		if err := c.cfg.plan.CheckDashboards(n + 1); err != nil {
			return convreport.Dashboard{}, err
		}
	}
	now := c.now()
	d.Version, d.CreatedAt, d.UpdatedAt = 1, now, now
	if d.ID != "" {
		err := c.b.add(d)
		if errors.Is(err, errTaken) {
			return convreport.Dashboard{}, fmt.Errorf("%w: dashboard %q already exists", ErrConflict, d.ID)
		}
		if err != nil {
			return convreport.Dashboard{}, err
		}
		return d.Clone(), nil
	}
	// An ID made from the name must not depend on which dashboards exist:
	// were it the plain slug when free and a suffixed one otherwise, a
	// creator would learn that a dashboard they may not see holds the
	// slug. So every such ID is the slug and a random suffix, drawn again
	// on the rare suffix already taken.
	base := cmp.Or(fold.Slug(d.Name), "dashboard")
	for range maxDraws {
		id, err := generatedID(c.cfg.random, base)
		if err != nil {
			return convreport.Dashboard{}, err
		}
		d.ID = id
		err = c.b.add(d)
		if errors.Is(err, errTaken) {
			continue
		}
		if err != nil {
			return convreport.Dashboard{}, err
		}
		return d.Clone(), nil
	}
	return convreport.Dashboard{}, fmt.Errorf("%w: no free ID for a dashboard named %q after %d random ones", ErrConflict, d.Name, maxDraws)
}

// Generated dashboard IDs: the name's slug, cut so that the whole is at
// most maxID bytes, then "-" and suffixLen of a-z0-9. 36^6 is about two
// billion suffixes per name; maxDraws taken ones in a row would mean a
// broken random source, not bad luck.
const (
	maxID     = 64 // what validID accepts
	suffixLen = 6
	maxDraws  = 16
)

// generatedID is base, cut to fit, with a fresh suffix read from random.
func generatedID(random io.Reader, base string) (string, error) {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	base = strings.TrimRight(base[:min(len(base), fold.MaxSlug, maxID-1-suffixLen)], "-")
	n := len(base) + 1 + suffixLen
	id := append([]byte(base), '-')
	var buf [2 * suffixLen]byte
	for len(id) < n {
		if _, err := io.ReadFull(random, buf[:]); err != nil {
			return "", fmt.Errorf("convreport/store: drawing an ID for a dashboard: %w", err)
		}
		for _, c := range buf {
			// Bytes from 252 up would favour the first four letters.
			if c < 252 && len(id) < n {
				id = append(id, alphabet[int(c)%len(alphabet)])
			}
		}
	}
	return string(id), nil
}

func (c *core) load(id string) (convreport.Dashboard, error) {
	if !validID.MatchString(id) {
		return convreport.Dashboard{}, notFound(id)
	}
	d, ok, err := c.b.get(id)
	if err != nil {
		return convreport.Dashboard{}, err
	}
	if !ok {
		return convreport.Dashboard{}, notFound(id)
	}
	return d, nil
}

func (c *core) getDashboard(ctx context.Context, v access.Viewer, id string) (convreport.Dashboard, error) {
	if err := ctxErr(ctx); err != nil {
		return convreport.Dashboard{}, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	d, err := c.load(id)
	if err != nil {
		return convreport.Dashboard{}, err
	}
	if !d.Can(v, access.View) {
		return convreport.Dashboard{}, &access.Error{User: v.UserID, Dashboard: id, Action: access.View}
	}
	return d, nil
}

func (c *core) count(ctx context.Context) (int, error) {
	if err := ctxErr(ctx); err != nil {
		return 0, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.b.count()
}

func (c *core) list(ctx context.Context, v access.Viewer) ([]convreport.Dashboard, error) {
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	c.mu.Lock()
	all, err := c.b.all()
	c.mu.Unlock()
	if err != nil {
		return nil, err
	}
	out := slices.DeleteFunc(all, func(d convreport.Dashboard) bool { return !d.Can(v, access.View) })
	slices.SortFunc(out, func(a, b convreport.Dashboard) int {
		return cmp.Or(cmp.Compare(fold.String(a.Name), fold.String(b.Name)), cmp.Compare(a.ID, b.ID))
	})
	return out, nil
}

func (c *core) save(ctx context.Context, v access.Viewer, d convreport.Dashboard) (convreport.Dashboard, error) {
	if err := ctxErr(ctx); err != nil {
		return convreport.Dashboard{}, err
	}
	d = d.Clone()
	c.mu.Lock()
	defer c.mu.Unlock()
	cur, err := c.load(d.ID)
	if err != nil {
		return convreport.Dashboard{}, err
	}
	// Someone who may not even view it learns nothing more, not even
	// whether their version is current.
	if !cur.Can(v, access.View) {
		return convreport.Dashboard{}, &access.Error{User: v.UserID, Dashboard: cur.ID, Action: access.Edit}
	}
	// The version comes before the access diff: a stale copy differs from
	// the current one by other people's changes, which are not this
	// viewer's to answer for.
	if d.Version != cur.Version {
		return convreport.Dashboard{}, fmt.Errorf("%w: dashboard %q was edited from version %d but is at version %d", ErrConflict, d.ID, d.Version, cur.Version)
	}
	if !d.CreatedAt.IsZero() {
		if err := sameCreation(d, cur); err != nil {
			return convreport.Dashboard{}, err
		}
	}
	if err := convreport.CheckSave(v, cur, d); err != nil {
		return convreport.Dashboard{}, err
	}
	if err := convreport.ValidateSave(cur, d); err != nil {
		return convreport.Dashboard{}, err
	}
	changed := namesChanged(cur, d)
	if err := c.checkCalendars(changed); err != nil {
		return convreport.Dashboard{}, err
	}
	if err := c.checkSLA(changed); err != nil {
		return convreport.Dashboard{}, err
	}
	if len(d.Reports) > len(cur.Reports) {
		if err := c.cfg.plan.CheckReports(len(d.Reports)); err != nil {
			return convreport.Dashboard{}, err
		}
	}
	d.Version, d.CreatedAt, d.UpdatedAt = cur.Version+1, cur.CreatedAt, c.now()
	if err := c.b.put(d); err != nil {
		return convreport.Dashboard{}, err
	}
	return d.Clone(), nil
}

// sameCreation is nil when d and cur are the same dashboard's, else the
// conflict of a copy of one deleted since. A dashboard deleted and created
// again under its ID starts at version 1 anew: a copy of the one before
// is told by its creation only.
func sameCreation(d, cur convreport.Dashboard) error {
	if d.CreatedAt.Equal(cur.CreatedAt) {
		return nil
	}
	return fmt.Errorf("%w: dashboard %q was deleted and created again since this copy was read (created %s, the copy %s)",
		ErrConflict, cur.ID, cur.CreatedAt.Format(time.RFC3339Nano), d.CreatedAt.Format(time.RFC3339Nano))
}

func (c *core) delete(ctx context.Context, v access.Viewer, d convreport.Dashboard) error {
	if err := ctxErr(ctx); err != nil {
		return err
	}
	// Without its creation, a copy cannot tell the dashboard it was read
	// from from one created again under its ID since.
	if d.CreatedAt.IsZero() {
		return &convreport.DashboardError{Dashboard: d.ID, Field: "created_at",
			Reason: "is required to delete: pass the dashboard as the store returned it"}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	cur, err := c.load(d.ID)
	if err != nil {
		return err
	}
	if !cur.Can(v, access.Delete) {
		return &access.Error{User: v.UserID, Dashboard: cur.ID, Action: access.Delete}
	}
	if d.Version != cur.Version {
		return fmt.Errorf("%w: dashboard %q: delete of version %d, but it is at version %d", ErrConflict, cur.ID, d.Version, cur.Version)
	}
	if err := sameCreation(d, cur); err != nil {
		return err
	}
	return c.b.remove(cur.ID)
}

// errNilContext is what a method given a nil context returns, where
// ctx.Err would panic.
var errNilContext = errors.New("convreport/store: nil context.Context (pass context.Background() for none)")

// ctxErr is ctx's error, or errNilContext for a nil ctx.
func ctxErr(ctx context.Context) error {
	if ctx == nil {
		return errNilContext
	}
	return ctx.Err()
}
