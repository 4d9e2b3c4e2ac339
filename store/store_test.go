package store_test

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/calendar"
	"github.com/convreport/convreport/plan"
	"github.com/convreport/convreport/store"
	"github.com/stretchr/testify/require"
)

var (
	ctx    = context.Background()
	olivia = access.Viewer{UserID: "olivia", Teams: []string{"Sales"}}
	tess   = access.Viewer{UserID: "tess", Teams: []string{"Support"}}
	oscar  = access.Viewer{UserID: "oscar", Teams: []string{"Billing"}}
	adam   = access.Viewer{UserID: "adam", Admin: true}
	epoch  = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
)

// clock returns a fixed clock that ticks one second per call.
func clock() func() time.Time {
	var n atomic.Int64
	return func() time.Time { return epoch.Add(time.Duration(n.Add(1)-1) * time.Second) }
}

type impl struct {
	name string
	open func(t *testing.T, opts ...store.Option) store.Store
}

func impls() []impl {
	return []impl{
		{"memory", func(t *testing.T, opts ...store.Option) store.Store { return store.NewMemory(opts...) }},
		{"dir", func(t *testing.T, opts ...store.Option) store.Store {
			s, err := store.OpenDir(t.TempDir(), opts...)
			require.NoError(t, err)
			return s
		}},
	}
}

// each runs f against every implementation.
func each(t *testing.T, f func(t *testing.T, open func(opts ...store.Option) store.Store)) {
	for _, im := range impls() {
		t.Run(im.name, func(t *testing.T) {
			f(t, func(opts ...store.Option) store.Store {
				return im.open(t, append([]store.Option{store.WithClock(clock())}, opts...)...)
			})
		})
	}
}

func report(id, name string) convreport.Report {
	return convreport.Report{ID: id, Name: name, Dimensions: []string{"Assignee"}}
}

// requireGenerated checks id has the form of an ID a store makes from a name whose slug
// is slug.
func requireGenerated(t *testing.T, slug, id string) {
	t.Helper()
	require.Regexp(t, `^`+regexp.QuoteMeta(slug)+`-[a-z0-9]{6}$`, id)
}

// withID is d with the ID given: only a given ID can be created again
// once deleted.
func withID(id string, d convreport.Dashboard) convreport.Dashboard {
	d.ID = id
	return d
}

func dash(name string, v access.Visibility, reports ...convreport.Report) convreport.Dashboard {
	return convreport.Dashboard{Name: name, Owner: "olivia", Visibility: v, Reports: reports}
}

func TestCreateGetList(t *testing.T) {
	each(t, func(t *testing.T, open func(...store.Option) store.Store) {
		s := open()
		a, err := s.Create(ctx, olivia, dash("Chat overview", access.Private, report("a", "A")))
		require.NoError(t, err)
		requireGenerated(t, "chat-overview", a.ID)
		require.Equal(t, int64(1), a.Version)
		require.Equal(t, epoch, a.CreatedAt)
		require.Equal(t, epoch, a.UpdatedAt)

		b, err := s.Create(ctx, olivia, dash("Chat overview", access.EveryoneCanView))
		require.NoError(t, err)
		requireGenerated(t, "chat-overview", b.ID)
		require.NotEqual(t, a.ID, b.ID, "a second dashboard of the same name gets another ID")
		c, err := s.Create(ctx, tess, convreport.Dashboard{Name: "Équipe", Visibility: access.SpecificUsersAndTeams,
			Grants: []access.Grant{{Team: "Billing"}}})
		require.NoError(t, err)
		requireGenerated(t, "equipe", c.ID)
		require.Equal(t, "tess", c.Owner, "the owner defaults to the creator")

		got, err := s.Get(ctx, olivia, a.ID)
		require.NoError(t, err)
		require.Equal(t, a, got)

		names := func(v access.Viewer) []string {
			ds, err := s.List(ctx, v)
			require.NoError(t, err)
			var out []string
			for _, d := range ds {
				out = append(out, d.ID)
			}
			return out
		}
		// By name, then ID: a and b share their name.
		ab := []string{a.ID, b.ID}
		slices.Sort(ab)
		require.Equal(t, ab, names(olivia))
		require.Equal(t, append(ab, c.ID), names(adam))
		require.Equal(t, []string{b.ID, c.ID}, names(tess))
		require.Equal(t, []string{b.ID, c.ID}, names(oscar))
		require.Empty(t, names(access.Viewer{}))

		_, err = s.Get(ctx, oscar, a.ID)
		require.ErrorIs(t, err, access.ErrForbidden)
		_, err = s.Get(ctx, olivia, "nope")
		require.ErrorIs(t, err, convreport.ErrNotFound)
		_, err = s.Get(ctx, olivia, "../../etc/passwd")
		require.ErrorIs(t, err, convreport.ErrNotFound)
	})
}

func TestCreateRules(t *testing.T) {
	each(t, func(t *testing.T, open func(...store.Option) store.Store) {
		s := open()
		d := dash("Support", access.Private)
		d.ID = "support"
		_, err := s.Create(ctx, olivia, d)
		require.NoError(t, err)

		_, err = s.Create(ctx, olivia, d)
		require.ErrorIs(t, err, store.ErrConflict, "a given ID in use")

		_, err = s.Create(ctx, tess, dash("For olivia", access.Private))
		require.ErrorIs(t, err, access.ErrForbidden, "only an admin creates for another owner")
		_, err = s.Create(ctx, access.Viewer{}, convreport.Dashboard{Name: "Anonymous"})
		require.ErrorIs(t, err, access.ErrForbidden)
		created, err := s.Create(ctx, adam, dash("For olivia", access.Private))
		require.NoError(t, err)
		require.Equal(t, "olivia", created.Owner)

		_, err = s.Create(ctx, olivia, dash("Q1. review", access.Private))
		var de *convreport.DashboardError
		require.True(t, errors.As(err, &de))
		require.Equal(t, "name", de.Field)

		cancelled, cancel := context.WithCancel(ctx)
		cancel()
		_, err = s.Create(cancelled, olivia, dash("Late", access.Private))
		require.ErrorIs(t, err, context.Canceled)
		_, err = s.Get(cancelled, olivia, "support")
		require.ErrorIs(t, err, context.Canceled)
		ds, err := s.List(ctx, adam)
		require.NoError(t, err)
		require.Len(t, ds, 2, "no failed create stored anything")
	})
}

func TestPlanCaps(t *testing.T) {
	each(t, func(t *testing.T, open func(...store.Option) store.Store) {
		tiny := plan.Plan{Name: "tiny", ReportsPerDashboard: 2, DashboardsPerAccount: 2}
		s := open(store.WithPlan(tiny))
		_, err := s.Create(ctx, olivia, dash("One", access.Private, report("a", "A"), report("b", "B"), report("c", "C")))
		var pe *plan.Error
		require.True(t, errors.As(err, &pe))
		require.Equal(t, plan.Error{Plan: "tiny", Limit: plan.ReportsPerDashboard, Max: 2}, *pe)

		one, err := s.Create(ctx, olivia, dash("One", access.Private, report("a", "A"), report("b", "B")))
		require.NoError(t, err)
		_, err = s.Create(ctx, tess, dash("Two", access.Private))
		require.Error(t, err, "tess may not create for olivia")
		_, err = s.Create(ctx, tess, convreport.Dashboard{Name: "Two"})
		require.NoError(t, err)
		_, err = s.Create(ctx, adam, convreport.Dashboard{Name: "Three"})
		require.True(t, errors.As(err, &pe))
		require.Equal(t, plan.Error{Plan: "tiny", Limit: plan.DashboardsPerAccount, Max: 2}, *pe)
		require.EqualError(t, err, `convreport: plan "tiny" allows 2 dashboards per account`)
		all, err := s.List(ctx, adam)
		require.NoError(t, err)
		require.Len(t, all, 2)

		// A save may not grow a dashboard past the cap…
		grown := one.Clone()
		grown.Reports = append(grown.Reports, report("c", "C"))
		_, err = s.Save(ctx, olivia, grown)
		require.True(t, errors.As(err, &pe))
		got, err := s.Get(ctx, olivia, one.ID)
		require.NoError(t, err)
		require.Equal(t, one, got, "nothing written")

		// …but once the dashboard is gone, there is room for another.
		require.NoError(t, s.Delete(ctx, olivia, one))
		_, err = s.Create(ctx, adam, convreport.Dashboard{Name: "Three", Owner: "olivia"})
		require.NoError(t, err)
	})
}

func TestSaveOverCapAfterDowngrade(t *testing.T) {
	dir := t.TempDir()
	big, err := store.OpenDir(dir)
	require.NoError(t, err)
	d, err := big.Create(ctx, olivia, dash("Big", access.Private, report("a", "A"), report("b", "B"), report("c", "C")))
	require.NoError(t, err)

	small, err := store.OpenDir(dir, store.WithPlan(plan.Plan{Name: "tiny", ReportsPerDashboard: 2}))
	require.NoError(t, err)
	d.Name = "Big, renamed"
	d, err = small.Save(ctx, olivia, d)
	require.NoError(t, err, "a dashboard over the cap may be saved as long as it does not grow")
	d.Reports = append(d.Reports, report("d", "D"))
	_, err = small.Save(ctx, olivia, d)
	var pe *plan.Error
	require.True(t, errors.As(err, &pe))
}

func TestStaleSave(t *testing.T) {
	each(t, func(t *testing.T, open func(...store.Option) store.Store) {
		s := open()
		created, err := s.Create(ctx, olivia, dash("Support", access.EveryoneCanEdit, report("a", "A")))
		require.NoError(t, err)

		// Olivia and Tess both open version 1.
		mine, err := s.Get(ctx, olivia, created.ID)
		require.NoError(t, err)
		theirs, err := s.Get(ctx, tess, created.ID)
		require.NoError(t, err)

		mine.Name = "Support, by Olivia"
		v2, err := s.Save(ctx, olivia, mine)
		require.NoError(t, err)
		require.Equal(t, int64(2), v2.Version)
		require.Equal(t, created.CreatedAt, v2.CreatedAt)
		require.True(t, v2.UpdatedAt.After(created.UpdatedAt))

		theirs.Reports = append(theirs.Reports, report("b", "B"))
		_, err = s.Save(ctx, tess, theirs)
		require.ErrorIs(t, err, store.ErrConflict)
		require.EqualError(t, err, fmt.Sprintf(`convreport: conflict: dashboard %q was edited from version 1 but is at version 2`, created.ID))

		// Version 2 is Olivia's, whole: Tess's report did not get in.
		got, err := s.Get(ctx, tess, created.ID)
		require.NoError(t, err)
		require.Equal(t, v2, got)
		require.Equal(t, "Support, by Olivia", got.Name)
		require.Equal(t, []convreport.Report{report("a", "A")}, got.Reports)

		// Tess reloads and redoes her change: version 3 has both.
		got.Reports = append(got.Reports, report("b", "B"))
		v3, err := s.Save(ctx, tess, got)
		require.NoError(t, err)
		require.Equal(t, int64(3), v3.Version)
		require.Equal(t, "Support, by Olivia", v3.Name)
		require.Equal(t, []convreport.Report{report("a", "A"), report("b", "B")}, v3.Reports)

		// A stale delete fails too, and deletes nothing.
		err = s.Delete(ctx, olivia, v2)
		require.ErrorIs(t, err, store.ErrConflict)
		_, err = s.Get(ctx, olivia, created.ID)
		require.NoError(t, err)

		// Saving a dashboard that is gone.
		require.NoError(t, s.Delete(ctx, olivia, v3))
		_, err = s.Save(ctx, olivia, v3)
		require.ErrorIs(t, err, convreport.ErrNotFound)

		// Created again under the same ID, it is at version 1 anew: Tess's
		// copy of the one before, at version 1 too, does not overwrite it.
		stale, err := s.Create(ctx, olivia, withID("team", dash("Team", access.EveryoneCanEdit, report("old", "Old"))))
		require.NoError(t, err)
		require.NoError(t, s.Delete(ctx, olivia, stale))
		again, err := s.Create(ctx, olivia, withID("team", dash("Team", access.EveryoneCanEdit, report("new", "New"))))
		require.NoError(t, err)
		require.Equal(t, stale.ID, again.ID)
		require.Equal(t, stale.Version, again.Version)
		stale.Name = "Team B"
		_, err = s.Save(ctx, tess, stale)
		require.ErrorIs(t, err, store.ErrConflict)
		require.ErrorContains(t, err, `dashboard "team" was deleted and created again since this copy was read`)
		got, err = s.Get(ctx, tess, again.ID)
		require.NoError(t, err)
		require.Equal(t, again, got)
	})
}

// A delete names the dashboard it was read from: by its version, and by
// its creation, since a dashboard deleted and created again under its ID
// is at version 1 anew.
func TestStaleDelete(t *testing.T) {
	each(t, func(t *testing.T, open func(...store.Option) store.Store) {
		s := open()
		old, err := s.Create(ctx, olivia, withID("team", dash("Team", access.EveryoneCanEdit, report("old", "Old"))))
		require.NoError(t, err)
		// Tess's copy, read before Olivia deletes it and makes it again.
		stale, err := s.Get(ctx, tess, old.ID)
		require.NoError(t, err)
		require.NoError(t, s.Delete(ctx, olivia, old))
		again, err := s.Create(ctx, olivia, withID("team", dash("Team", access.EveryoneCanEdit, report("new", "New"))))
		require.NoError(t, err)
		require.Equal(t, stale.ID, again.ID)
		require.Equal(t, stale.Version, again.Version)

		// Olivia's copy of the one she deleted, at version 1 too, deletes
		// nothing: the clock ticks a second per call, so it was created
		// at 12:00:00 and the new one at 12:00:01.
		err = s.Delete(ctx, olivia, stale)
		require.ErrorIs(t, err, store.ErrConflict)
		require.EqualError(t, err, `convreport: conflict: dashboard "team" was deleted and created again since this copy was read (created 2025-03-01T12:00:01Z, the copy 2025-03-01T12:00:00Z)`)
		got, err := s.Get(ctx, olivia, again.ID)
		require.NoError(t, err)
		require.Equal(t, again, got, "nothing deleted")

		// A copy that says no creation cannot tell the two apart: refused,
		// whatever its version.
		blind := convreport.Dashboard{ID: again.ID, Version: again.Version}
		err = s.Delete(ctx, olivia, blind)
		var de *convreport.DashboardError
		require.ErrorAs(t, err, &de)
		require.Equal(t, "created_at", de.Field)
		require.EqualError(t, err, `convreport: dashboard "team": created_at: is required to delete: pass the dashboard as the store returned it`)
		require.NotErrorIs(t, err, store.ErrConflict)
		got, err = s.Get(ctx, olivia, again.ID)
		require.NoError(t, err)
		require.Equal(t, again, got, "nothing deleted")

		// The current copy deletes it, in another zone too: the same
		// instant is the same creation.
		current := again.Clone()
		current.CreatedAt = current.CreatedAt.In(time.FixedZone("UTC+2", 2*60*60))
		require.NoError(t, s.Delete(ctx, olivia, current))
		_, err = s.Get(ctx, olivia, again.ID)
		require.ErrorIs(t, err, convreport.ErrNotFound)
	})
}

func TestSaveAccess(t *testing.T) {
	each(t, func(t *testing.T, open func(...store.Option) store.Store) {
		s := open()
		viewOnly, err := s.Create(ctx, olivia, dash("View only", access.EveryoneCanView, report("a", "A")))
		require.NoError(t, err)
		private, err := s.Create(ctx, olivia, dash("Mine", access.Private))
		require.NoError(t, err)

		edited := viewOnly.Clone()
		edited.Name = "Hijacked"
		_, err = s.Save(ctx, tess, edited)
		require.ErrorIs(t, err, access.ErrForbidden)
		var ae *access.Error
		require.True(t, errors.As(err, &ae))
		require.Equal(t, access.Error{User: "tess", Dashboard: viewOnly.ID, Action: access.Edit}, *ae)

		// Someone who cannot view learns nothing of versions.
		stale := private.Clone()
		stale.Version = 99
		_, err = s.Save(ctx, tess, stale)
		require.ErrorIs(t, err, access.ErrForbidden)

		// An admin shares the private dashboard, then may edit it.
		shared := private.Clone()
		shared.Visibility = access.AdminsAndOwner
		shared, err = s.Save(ctx, adam, shared)
		require.NoError(t, err)
		shared.Name = "Mine, tidied"
		_, err = s.Save(ctx, adam, shared)
		require.NoError(t, err)

		require.ErrorIs(t, s.Delete(ctx, tess, viewOnly), access.ErrForbidden)
		require.NoError(t, s.Delete(ctx, adam, viewOnly))

		got, err := s.Get(ctx, olivia, private.ID)
		require.NoError(t, err)
		require.Equal(t, "Mine, tidied", got.Name)
		require.Equal(t, int64(3), got.Version)
	})
}

func TestCopies(t *testing.T) {
	each(t, func(t *testing.T, open func(...store.Option) store.Store) {
		s := open()
		in := dash("Support", access.Private, report("a", "A"))
		created, err := s.Create(ctx, olivia, in)
		require.NoError(t, err)
		in.Reports[0].Dimensions[0] = "Team"
		created.Reports[0].Dimensions[0] = "Inbox"
		got, err := s.Get(ctx, olivia, created.ID)
		require.NoError(t, err)
		require.Equal(t, []string{"Assignee"}, got.Reports[0].Dimensions)
		got.Reports[0].Name = "changed"
		again, err := s.Get(ctx, olivia, created.ID)
		require.NoError(t, err)
		require.Equal(t, "A", again.Reports[0].Name)
	})
}

func TestConcurrentSaves(t *testing.T) {
	each(t, func(t *testing.T, open func(...store.Option) store.Store) {
		s := open()
		d, err := s.Create(ctx, olivia, dash("Support", access.EveryoneCanEdit))
		require.NoError(t, err)
		const n = 16
		var wg sync.WaitGroup
		var ok, conflicts atomic.Int32
		for i := range n {
			wg.Go(func() {
				mine := d.Clone()
				mine.Name = fmt.Sprintf("Edit %d", i)
				_, err := s.Save(ctx, access.Viewer{UserID: fmt.Sprint("user", i)}, mine)
				switch {
				case err == nil:
					ok.Add(1)
				case errors.Is(err, store.ErrConflict):
					conflicts.Add(1)
				default:
					t.Error(err)
				}
				_, _ = s.List(ctx, olivia)
			})
		}
		wg.Wait()
		require.Equal(t, int32(1), ok.Load(), "exactly one save of version 1 wins")
		require.Equal(t, int32(n-1), conflicts.Load())
		got, err := s.Get(ctx, olivia, d.ID)
		require.NoError(t, err)
		require.Equal(t, int64(2), got.Version)
	})
}

// Count is what the plan's dashboards per account counts: every
// dashboard, whoever can see it.
func TestCount(t *testing.T) {
	each(t, func(t *testing.T, open func(...store.Option) store.Store) {
		s := open()
		c, ok := s.(store.Counter)
		require.True(t, ok)
		n, err := c.Count(ctx)
		require.NoError(t, err)
		require.Zero(t, n)
		_, err = s.Create(ctx, olivia, dash("Mine", access.Private))
		require.NoError(t, err)
		two, err := s.Create(ctx, tess, convreport.Dashboard{Name: "Tess's"})
		require.NoError(t, err)
		n, err = c.Count(ctx)
		require.NoError(t, err)
		require.Equal(t, 2, n, "olivia's private one counts too")
		require.NoError(t, s.Delete(ctx, tess, two))
		n, err = c.Count(ctx)
		require.NoError(t, err)
		require.Equal(t, 1, n)
	})
}

// A nil context is an error, as it is for the engine, not a panic.
func TestNilContextIsAnError(t *testing.T) {
	each(t, func(t *testing.T, open func(...store.Option) store.Store) {
		s := open()
		var nilCtx context.Context
		d, err := s.Create(ctx, olivia, dash("Support", access.EveryoneCanEdit, report("a", "A")))
		require.NoError(t, err)
		_, err = s.Create(nilCtx, olivia, dash("Other", access.Private))
		require.ErrorContains(t, err, "nil context.Context")
		_, err = s.Get(nilCtx, olivia, d.ID)
		require.ErrorContains(t, err, "nil context.Context")
		_, err = s.List(nilCtx, olivia)
		require.ErrorContains(t, err, "nil context.Context")
		_, err = s.Save(nilCtx, olivia, d)
		require.ErrorContains(t, err, "nil context.Context")
		require.ErrorContains(t, s.Delete(nilCtx, olivia, d), "nil context.Context")
		type keeper interface {
			Count(context.Context) (int, error)
			Calendars(context.Context) (*calendar.Set, error)
			SaveCalendars(context.Context, access.Viewer, *calendar.Set) error
			SLA(context.Context) (*convreport.SLASet, error)
			SaveSLA(context.Context, access.Viewer, *convreport.SLASet) error
		}
		k := s.(keeper)
		_, err = k.Count(nilCtx)
		require.ErrorContains(t, err, "nil context.Context")
		_, err = k.Calendars(nilCtx)
		require.ErrorContains(t, err, "nil context.Context")
		require.ErrorContains(t, k.SaveCalendars(nilCtx, adam, &calendar.Set{}), "nil context.Context")
		_, err = k.SLA(nilCtx)
		require.ErrorContains(t, err, "nil context.Context")
		require.ErrorContains(t, k.SaveSLA(nilCtx, adam, &convreport.SLASet{}), "nil context.Context")
	})
}

// A dashboard the creator may not see changes nothing a create by name
// returns: the ID has the same form, and all else is the same, whether
// or not another user's private dashboard has the name, or holds its
// slug as its ID.
func TestCreateByNameTellsNothingOfHiddenDashboards(t *testing.T) {
	for _, im := range impls() {
		t.Run(im.name, func(t *testing.T) {
			fixed := store.WithClock(func() time.Time { return epoch })
			create := func(hidden ...convreport.Dashboard) convreport.Dashboard {
				t.Helper()
				s := im.open(t, fixed)
				for _, h := range hidden {
					_, err := s.Create(ctx, olivia, h)
					require.NoError(t, err)
				}
				_, err := s.Get(ctx, tess, "x")
				if len(hidden) > 0 {
					require.Error(t, err, "tess may not see olivia's dashboard")
				}
				d, err := s.Create(ctx, tess, convreport.Dashboard{Name: "X", Visibility: access.Private})
				require.NoError(t, err)
				return d
			}
			alone := create()
			requireGenerated(t, "x", alone.ID)
			for _, hidden := range [][]convreport.Dashboard{
				{dash("X", access.Private)},
				{withID("x", dash("X", access.Private))},
				{withID("x", dash("X", access.Private)), withID("x-2", dash("X", access.Private)), dash("X", access.Private)},
			} {
				beside := create(hidden...)
				requireGenerated(t, "x", beside.ID)
				beside.ID = alone.ID
				require.Equal(t, alone, beside)
			}
		})
	}
}

// A thousand creates of one name give a thousand IDs, each of the form.
func TestCreatesOfOneNameGetIDsOfTheirOwn(t *testing.T) {
	s := store.NewMemory()
	seen := map[string]bool{}
	for range 1000 {
		d, err := s.Create(ctx, olivia, dash("Weekly review", access.Private))
		require.NoError(t, err)
		requireGenerated(t, "weekly-review", d.ID)
		require.False(t, seen[d.ID], "%s given twice", d.ID)
		seen[d.ID] = true
	}
	all, err := s.List(ctx, olivia)
	require.NoError(t, err)
	require.Len(t, all, 1000)
}
