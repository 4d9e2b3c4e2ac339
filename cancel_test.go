package convreport_test

import (
	"context"
	"errors"
	"iter"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/memory"
	"github.com/convreport/convreport/sample"
	"github.com/stretchr/testify/require"
)

// Cancellation is checked by counting work done after the cancel, never by
// timing: a slow machine must not make these tests flaky.

// maxRowsAfterCancel is how many rows a row-by-row Source may still hand
// the engine after the context is canceled, when the source itself ignores
// the context: the engine checks the context at least this often while it
// reads a Source through Scan.
const maxRowsAfterCancel = 4096

// countingSource is a row-by-row Source over a slice. It counts the rows it
// yields, and after cancelAfter rows (when > 0) it calls cancel and goes on
// yielding, as a careless source would, unless obedient is set.
type countingSource struct {
	rows        []convreport.Conversation
	cancelAfter int64
	cancel      context.CancelFunc
	obedient    bool // check ctx before each row, as the Source contract asks
	failAfter   int64
	failWith    error

	yielded        atomic.Int64
	afterCancel    atomic.Int64
	canceled       atomic.Bool
	scans, stopped atomic.Int64
}

var _ convreport.Source = (*countingSource)(nil)

func (s *countingSource) Schema() *convreport.Schema { return convreport.DefaultSchema() }

func (s *countingSource) Scan(ctx context.Context, _ convreport.ScanHint) iter.Seq2[*convreport.Conversation, error] {
	return func(yield func(*convreport.Conversation, error) bool) {
		s.scans.Add(1)
		for i := range s.rows {
			if s.obedient {
				if err := ctx.Err(); err != nil {
					yield(nil, err)
					return
				}
			}
			if s.failAfter > 0 && s.yielded.Load() == s.failAfter {
				yield(nil, s.failWith)
				return
			}
			n := s.yielded.Add(1)
			if s.canceled.Load() {
				s.afterCancel.Add(1)
			}
			if s.cancelAfter > 0 && n == s.cancelAfter {
				s.canceled.Store(true)
				s.cancel()
			}
			if !yield(&s.rows[i], nil) {
				s.stopped.Add(1)
				return
			}
		}
	}
}

// cancelRows are enough rows for many checks of the context.
var cancelRows = sync.OnceValue(func() []convreport.Conversation {
	return sample.Generate(sample.Config{N: 20_000, Seed: 8})
})

// cancelQuery covers all of cancelRows.
func cancelQuery() convreport.Query {
	return convreport.Query{
		From: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC),
		To:   time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC),
		Now:  time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC),
	}
}

var cancelReport = convreport.Report{Name: "by rep", Dimensions: []string{"Assignee"}}

func TestRowSourceCancelStopsRunAndDrillDown(t *testing.T) {
	rows := cancelRows()
	full, err := convreport.NewEngine(&countingSource{rows: rows}).Run(context.Background(), cancelQuery(), cancelReport)
	require.NoError(t, err)
	point := full[0].Points[0] // for DrillDown
	for _, obedient := range []bool{false, true} {
		for _, k := range []int64{1, 100, 5000} {
			name := "careless"
			bound := int64(maxRowsAfterCancel)
			if obedient {
				// A source that checks ctx itself stops at once.
				name, bound = "obedient", 0
			}
			for _, op := range []string{"Run", "DrillDown"} {
				t.Run(name+"/"+op+"/after "+itoa(k)+" rows", func(t *testing.T) {
					ctx, cancel := context.WithCancel(context.Background())
					defer cancel()
					src := &countingSource{rows: rows, cancelAfter: k, cancel: cancel, obedient: obedient}
					eng := convreport.NewEngine(src)
					var res any
					var err error
					if op == "Run" {
						r, err2 := eng.Run(ctx, cancelQuery(), cancelReport)
						res, err = r, err2
						require.Nil(t, r, "no partial results")
					} else {
						d, err2 := eng.DrillDown(ctx, cancelQuery(), cancelReport, point)
						res, err = d, err2
						require.Nil(t, d, "no partial drill-down")
					}
					require.ErrorIs(t, err, context.Canceled, "result %v", res)
					require.True(t, src.canceled.Load())
					require.LessOrEqual(t, src.afterCancel.Load(), bound,
						"rows the engine took after the cancel (of %d)", len(rows))
					require.Less(t, src.yielded.Load(), int64(len(rows)), "the scan did not run to the end")
				})
			}
		}
	}
}

func TestRowSourceCanceledBeforeRunReadsNothing(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	src := &countingSource{rows: cancelRows(), obedient: true}
	eng := convreport.NewEngine(src)
	res, err := eng.Run(ctx, cancelQuery(), cancelReport)
	require.ErrorIs(t, err, context.Canceled)
	require.Nil(t, res)
	d, err := eng.DrillDown(ctx, cancelQuery(), cancelReport, convreport.Point{
		Dimensions: []convreport.DimensionValue{{Property: "Assignee", Value: "Alice Martin", Known: true}}})
	require.ErrorIs(t, err, context.Canceled)
	require.Nil(t, d)
	require.Zero(t, src.yielded.Load())
}

// countingCtx is a context that cancels itself once it has been asked
// whether it is done (Err or Done) more than limit times, and counts the
// questions asked after that.
type countingCtx struct {
	context.Context
	cancel      context.CancelFunc
	limit       int64
	calls       atomic.Int64
	afterCancel atomic.Int64
}

func newCountingCtx(limit int64) *countingCtx {
	ctx, cancel := context.WithCancel(context.Background())
	return &countingCtx{Context: ctx, cancel: cancel, limit: limit}
}

func (c *countingCtx) tick() {
	if n := c.calls.Add(1); n > c.limit {
		if n > c.limit+1 {
			c.afterCancel.Add(1)
		}
		c.cancel()
	}
}

func (c *countingCtx) Err() error {
	c.tick()
	return c.Context.Err()
}

func (c *countingCtx) Done() <-chan struct{} {
	c.tick()
	return c.Context.Done()
}

func TestColumnarCancelStopsRunAndDrillDown(t *testing.T) {
	src, err := memory.New(cancelRows())
	require.NoError(t, err)
	const workers = 4
	eng := convreport.NewEngine(src, convreport.WithWorkers(workers))
	full, err := eng.Run(context.Background(), cancelQuery(), cancelReport)
	require.NoError(t, err)
	point := full[0].Points[0]
	// 20 000 rows are about 20 chunks: every limit below cancels mid-scan.
	for _, limit := range []int64{0, 1, 3} {
		t.Run("Run/after "+itoa(limit)+" checks", func(t *testing.T) {
			ctx := newCountingCtx(limit)
			res, err := eng.Run(ctx, cancelQuery(), cancelReport)
			require.ErrorIs(t, err, context.Canceled)
			require.Nil(t, res, "no partial results")
			// Each worker may be between its last check and the stop
			// signal: at most one more check each.
			require.LessOrEqual(t, ctx.afterCancel.Load(), int64(2*workers), "checks of ctx after it was canceled")
		})
		t.Run("DrillDown/after "+itoa(limit)+" checks", func(t *testing.T) {
			ctx := newCountingCtx(limit)
			d, err := eng.DrillDown(ctx, cancelQuery(), cancelReport, point)
			require.ErrorIs(t, err, context.Canceled)
			require.Nil(t, d, "no partial drill-down")
			require.LessOrEqual(t, ctx.afterCancel.Load(), int64(2*workers))
		})
	}
	t.Run("RunDashboard", func(t *testing.T) {
		d := convreport.Dashboard{Name: "d", Owner: "ana", Reports: []convreport.Report{cancelReport}}
		q := cancelQuery()
		q.Viewer = access.Viewer{UserID: "ana"}
		res, err := eng.RunDashboard(newCountingCtx(1), q, d)
		require.ErrorIs(t, err, context.Canceled)
		require.Nil(t, res)
	})
}

// TestOtherDrillDownCancelsAtEveryCheck cancels the drill-down of an
// Other point at each of its checks of the context in turn: the scan that
// finds the groups kept apart, then the selection, which tests each row's
// group and so shares its chunks among several workers.
func TestOtherDrillDownCancelsAtEveryCheck(t *testing.T) {
	src, err := memory.New(cancelRows())
	require.NoError(t, err)
	const workers = 4
	eng := convreport.NewEngine(src, convreport.WithWorkers(workers))
	other := cancelReport
	other.Limit = 2
	res, err := eng.Run(context.Background(), cancelQuery(), other)
	require.NoError(t, err)
	var point convreport.Point
	for _, p := range res[0].Points {
		if p.Other {
			point = p
		}
	}
	require.True(t, point.Other, "the report folds reps into Other")

	all := newCountingCtx(1 << 40)
	d, err := eng.DrillDown(all, cancelQuery(), other, point)
	require.NoError(t, err)
	require.EqualValues(t, point.Count, d.Len())
	checks := all.calls.Load()
	require.Greater(t, checks, int64(3), "the scan and the selection check the context")
	for limit := range checks {
		ctx := newCountingCtx(limit)
		d, err := eng.DrillDown(ctx, cancelQuery(), other, point)
		require.ErrorIs(t, err, context.Canceled, "canceled at check %d of %d", limit+1, checks)
		require.Nil(t, d, "no partial drill-down")
		require.LessOrEqual(t, ctx.afterCancel.Load(), int64(2*workers))
	}
}

func TestDeadlineIsReturnedAsIs(t *testing.T) {
	src, err := memory.New(cancelRows())
	require.NoError(t, err)
	ctx, cancel := context.WithDeadline(context.Background(), time.Unix(0, 0))
	defer cancel()
	res, err := convreport.NewEngine(src).Run(ctx, cancelQuery(), cancelReport)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.Nil(t, res)
}

func TestSourceFailingMidScanIsWrapped(t *testing.T) {
	boom := errors.New("replica lost its connection")
	src := &countingSource{rows: cancelRows(), failAfter: 1234, failWith: boom}
	eng := convreport.NewEngine(src)
	const want = "convreport: reading source *convreport_test.countingSource: replica lost its connection"

	res, err := eng.Run(context.Background(), cancelQuery(), cancelReport)
	require.Nil(t, res)
	require.EqualError(t, err, want)
	require.ErrorIs(t, err, boom)
	var se *convreport.SourceError
	require.ErrorAs(t, err, &se)
	require.Same(t, boom, se.Err)
	require.Equal(t, int64(1234), src.yielded.Load(), "the engine stopped at the failure")

	src.yielded.Store(0)
	d, err := eng.DrillDown(context.Background(), cancelQuery(), cancelReport, convreport.Point{
		Dimensions: []convreport.DimensionValue{{Property: "Assignee", Value: "Alice Martin", Known: true}}})
	require.Nil(t, d)
	require.EqualError(t, err, want)
	require.ErrorAs(t, err, &se)
}

// scanFails is a source whose Scan fails.
type scanFails struct{ *memory.Source }

func (scanFails) Scan(context.Context, convreport.ScanHint) iter.Seq2[*convreport.Conversation, error] {
	return func(yield func(*convreport.Conversation, error) bool) { yield(nil, errors.New("scanned")) }
}

// A source that embeds a *memory.Source keeps its table: the engine scans
// that and never calls Scan. One that only holds it calls Scan.
func TestEmbeddedMemorySourceIsScannedDirectly(t *testing.T) {
	m, err := memory.New(cancelRows())
	require.NoError(t, err)
	want, err := convreport.NewEngine(m).Run(context.Background(), cancelQuery(), cancelReport)
	require.NoError(t, err)
	got, err := convreport.NewEngine(scanFails{m}).Run(context.Background(), cancelQuery(), cancelReport)
	require.NoError(t, err)
	require.Equal(t, want, got)

	held := struct{ convreport.Source }{scanFails{m}}
	_, err = convreport.NewEngine(held).Run(context.Background(), cancelQuery(), cancelReport)
	require.ErrorContains(t, err, "scanned")
}

// failingAggregator fails its pushdown with an error that is not
// ErrUnsupported.
type failingAggregator struct{ *countingSource }

func (failingAggregator) Aggregate(context.Context, *convreport.Pushdown) ([]convreport.Result, error) {
	return nil, errors.New("GROUP BY timed out")
}

func TestAggregatorFailureIsWrapped(t *testing.T) {
	src := failingAggregator{&countingSource{rows: cancelRows()[:10]}}
	res, err := convreport.NewEngine(src).Run(context.Background(), cancelQuery(), cancelReport)
	require.Nil(t, res)
	require.EqualError(t, err, "convreport: reading source convreport_test.failingAggregator: GROUP BY timed out")
	require.Zero(t, src.scans.Load(), "a failed pushdown does not fall back to a scan")
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
