package memory_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/internal/conformance"
	"github.com/convreport/convreport/memory"
	"github.com/stretchr/testify/require"
)

// Runs that go on while batches of upserts and deletes arrive each see a
// whole number of batches: every result equals the reference computed on
// the replayed state after some k batches, where k lies between the
// batches applied before the run began and those applied when it ended.
func TestRunsSeeWholeBatchesWhileChangesArrive(t *testing.T) {
	s := conformance.Schema()
	base := conformance.Generate(300, 11)
	pool := conformance.Generate(200, 12)
	src, err := memory.New(base, memory.WithSchema(s))
	require.NoError(t, err)
	eng := convreport.NewEngine(src, convreport.WithWorkers(2))

	// The batches and the state after each, drawn before the race.
	const nBatches = 120
	rng := rand.New(rand.NewPCG(5, 6))
	state := map[string]convreport.Conversation{}
	conformance.Replay(state, base, nil)
	states := [][]convreport.Conversation{sortedState(state)}
	batches := make([]memory.Batch, nBatches)
	next := 0
	for i := range batches {
		ups, dels := conformance.ChangeBatch(rng, state, pool, &next)
		batches[i] = memory.Batch{Upsert: ups, Delete: dels}
		conformance.Replay(state, ups, dels)
		states = append(states, sortedState(state))
	}

	var cases []conformance.Case
	for _, c := range conformance.Cases() {
		switch c.Name {
		case "count by assignee", "avg close by assignee on close date", "open snapshot by inbox", "p90 wait", "top 3 assignees", "count by week":
			cases = append(cases, c)
		}
	}
	require.Len(t, cases, 6)
	q := convreport.Query{From: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2025, 11, 1, 0, 0, 0, 0, time.UTC),
		Now: time.Date(2025, 10, 1, 0, 0, 0, 0, time.UTC)}

	// ref[k][c] is computed once, when a run first needs it.
	var refMu sync.Mutex
	refs := map[[2]int]conformance.RefResult{}
	ref := func(k, c int) conformance.RefResult {
		refMu.Lock()
		defer refMu.Unlock()
		r, ok := refs[[2]int{k, c}]
		if !ok {
			var err error
			r, err = conformance.Reference(states[k], q, cases[c])
			require.NoError(t, err)
			refs[[2]int{k, c}] = r
		}
		return r
	}

	var applied, runs, spanned atomic.Int64
	var failed atomic.Bool // a reader gave up: stop waiting for it
	done := make(chan struct{})
	go func() {
		defer close(done)
		for _, b := range batches {
			// Each batch lands while runs go on: wait for one to finish
			// since the last batch, whatever the machine's speed.
			for seen := runs.Load(); runs.Load() == seen && !failed.Load(); {
				time.Sleep(50 * time.Microsecond)
			}
			if err := src.Apply(b); err != nil {
				t.Errorf("apply: %v", err)
				return
			}
			applied.Add(1)
		}
	}()

	var wg sync.WaitGroup
	for w := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-done:
					return
				default:
				}
				c := (w + i) % len(cases)
				lo := int(applied.Load())
				res, err := eng.Run(context.Background(), q, cases[c].Report)
				hi := int(applied.Load())
				if err != nil {
					failed.Store(true)
					t.Errorf("run: %v", err)
					return
				}
				runs.Add(1)
				if hi > lo {
					spanned.Add(1)
				}
				var errs []error
				ok := false
				for k := lo; k <= hi && !ok; k++ {
					err := conformance.Compare(res[0], ref(k, c))
					ok = err == nil
					errs = append(errs, fmt.Errorf("after %d batches: %w", k, err))
				}
				if !ok {
					failed.Store(true)
					t.Errorf("%s: run between batches %d and %d matches none of their states: %v", cases[c].Name, lo, hi, errs)
					return
				}
			}
		}()
	}
	wg.Wait()
	<-done
	require.GreaterOrEqual(t, runs.Load(), int64(nBatches))
	t.Logf("%d runs, %d of them while a batch was applied", runs.Load(), spanned.Load())

	// The final state, drill-downs included, is exactly the replay's.
	require.Equal(t, len(states[nBatches]), src.Len())
	for _, c := range cases {
		require.NoError(t, conformance.Check(context.Background(), eng, states[nBatches], q, c), c.Name)
	}
}

func sortedState(m map[string]convreport.Conversation) []convreport.Conversation {
	out := make([]convreport.Conversation, 0, len(m))
	for _, c := range m {
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b convreport.Conversation) int {
		if a.ID < b.ID {
			return -1
		}
		return 1
	})
	return out
}

// Upsert and Delete are batches too: a bad conversation rejects its
// batch, and deleting what is not held changes nothing.
func TestUpsertDelete(t *testing.T) {
	base := conformance.Generate(20, 1)
	src, err := memory.New(base, memory.WithSchema(conformance.Schema()))
	require.NoError(t, err)
	closed := base[3]
	closed.ClosedAt = closed.CreatedAt.Add(time.Hour)
	closed.Status = convreport.Closed
	require.NoError(t, src.Upsert(closed))
	require.Equal(t, 20, src.Len())

	bad := base[4]
	bad.Status = "pending"
	err = src.Upsert(base[5], bad)
	var ve *convreport.ValidationError
	require.ErrorAs(t, err, &ve)
	require.Equal(t, 1, ve.Index)

	src.Delete(base[0].ID, base[1].ID, "not-held")
	require.Equal(t, 18, src.Len())
	got := map[string]convreport.Conversation{}
	for c, err := range src.Scan(context.Background(), convreport.ScanHint{}) {
		require.NoError(t, err)
		got[c.ID] = *c
	}
	require.Len(t, got, 18)
	require.NotContains(t, got, base[0].ID)
	require.Equal(t, convreport.Closed, got[closed.ID].Status)
	require.True(t, got[closed.ID].ClosedAt.Equal(closed.ClosedAt))
	require.Equal(t, base[5].Status, got[base[5].ID].Status, "a refused batch changed a conversation")
}

// A watcher hears of every batch: signals coalesce while it is busy, but
// after its last signal it has seen the last batch. Cancelling closes the
// channel.
func TestWatchSignalsEveryBatch(t *testing.T) {
	base := conformance.Generate(30, 2)
	src, err := memory.New(base, memory.WithSchema(conformance.Schema()))
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	ch, err := src.Watch(ctx)
	require.NoError(t, err)

	select {
	case <-ch:
		t.Fatal("a signal before any change")
	default:
	}
	// Many batches while the watcher does not read: one pending signal.
	for i := range 50 {
		c := base[i%len(base)]
		c.Assignee = fmt.Sprintf("rep-%d", i)
		require.NoError(t, src.Upsert(c))
	}
	select {
	case <-ch:
	case <-time.After(time.Second):
		t.Fatal("no signal after 50 batches")
	}
	select {
	case <-ch:
		t.Fatal("signals did not coalesce")
	default:
	}
	// A reader that reruns on each signal ends with the last state.
	var last atomic.Value
	readerDone := make(chan struct{})
	go func() {
		defer close(readerDone)
		for range ch {
			for c, err := range src.Scan(context.Background(), convreport.ScanHint{}) {
				if err == nil && c.ID == base[0].ID {
					last.Store(c.Assignee)
				}
			}
		}
	}()
	for i := range 200 {
		c := base[0]
		c.Assignee = fmt.Sprintf("final-%d", i)
		require.NoError(t, src.Upsert(c))
	}
	require.Eventually(t, func() bool { return last.Load() == "final-199" }, 5*time.Second, time.Millisecond)
	cancel()
	select {
	case <-readerDone:
	case <-time.After(time.Second):
		t.Fatal("the channel was not closed when ctx was done")
	}
}
