package store_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/plan"
	"github.com/convreport/convreport/store"
	"github.com/stretchr/testify/require"
)

// TestConcurrentEditsLoseNothing has many users edit one dashboard at once,
// each the way a UI does: load, change, save the version loaded, and on
// ErrConflict load again and redo the change. Every edit must be in the
// final dashboard, and the version must count every save.
func TestConcurrentEditsLoseNothing(t *testing.T) {
	each(t, func(t *testing.T, open func(...store.Option) store.Store) {
		s := open()
		d, err := s.Create(ctx, olivia, dash("Shared", access.EveryoneCanEdit, report("base", "Base")))
		require.NoError(t, err)
		const editors, edits = 8, 3
		var wg sync.WaitGroup
		var mu sync.Mutex
		conflicts := 0
		for i := range editors {
			wg.Go(func() {
				v := access.Viewer{UserID: fmt.Sprint("user", i)}
				for e := range edits {
					id := fmt.Sprintf("u%d-e%d", i, e)
					for attempt := 0; ; attempt++ {
						if attempt > 1000 {
							t.Errorf("%s: no progress after %d conflicts", id, attempt)
							return
						}
						cur, err := s.Get(ctx, v, d.ID)
						if err != nil {
							t.Error(err)
							return
						}
						next, err := cur.AddReport(nil, plan.Plan{}, report(id, "Report "+id))
						if err != nil {
							t.Error(err)
							return
						}
						// Each editor also appends to a shared field, so that a lost
						// update would show in the description too.
						next.Reports[0].Description += id + " "
						_, err = s.Save(ctx, v, next)
						if errors.Is(err, store.ErrConflict) {
							mu.Lock()
							conflicts++
							mu.Unlock()
							continue
						}
						if err != nil {
							t.Error(err)
							return
						}
						break
					}
				}
			})
		}
		wg.Wait()
		got, err := s.Get(ctx, olivia, d.ID)
		require.NoError(t, err)
		require.Equal(t, int64(1+editors*edits), got.Version, "one version per successful save")
		require.Len(t, got.Reports, 1+editors*edits)
		for i := range editors {
			for e := range edits {
				id := fmt.Sprintf("u%d-e%d", i, e)
				_, ok := got.Report(id)
				require.True(t, ok, "the edit %s was lost", id)
				require.Contains(t, got.Reports[0].Description, id+" ", "the edit %s of the shared report was lost", id)
			}
		}
		t.Logf("%d conflicts retried", conflicts)
	})
}

// TestConcurrentCreatesRespectThePlan creates dashboards from many
// goroutines against a plan's cap: exactly the cap succeed, the others fail
// with the typed error, and no two get the same ID.
func TestConcurrentCreatesRespectThePlan(t *testing.T) {
	each(t, func(t *testing.T, open func(...store.Option) store.Store) {
		s := open(store.WithPlan(plan.Free))
		const n = 12
		var wg sync.WaitGroup
		errs := make([]error, n)
		ids := make([]string, n)
		for i := range n {
			wg.Go(func() {
				d, err := s.Create(ctx, olivia, dash("Same name", access.Private))
				errs[i], ids[i] = err, d.ID
			})
		}
		wg.Wait()
		seen := map[string]bool{}
		created := 0
		for i, err := range errs {
			if err == nil {
				created++
				require.False(t, seen[ids[i]], "ID %s given twice", ids[i])
				seen[ids[i]] = true
				continue
			}
			var pe *plan.Error
			require.ErrorAs(t, err, &pe)
			require.EqualError(t, err, `convreport: plan "free" allows 3 dashboards per account`)
		}
		require.Equal(t, plan.Free.DashboardsPerAccount, created)
		list, err := s.List(ctx, olivia)
		require.NoError(t, err)
		require.Len(t, list, created)
	})
}
