package web_test

import (
	"context"
	"iter"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/web"
	"github.com/stretchr/testify/require"
)

// stuckSource never yields a conversation: its Scan waits until its
// context is done, then reports why it stopped on seen.
type stuckSource struct {
	seen chan error
}

func (s *stuckSource) Schema() *convreport.Schema { return convreport.DefaultSchema() }

func (s *stuckSource) Scan(ctx context.Context, _ convreport.ScanHint) iter.Seq2[*convreport.Conversation, error] {
	return func(yield func(*convreport.Conversation, error) bool) {
		<-ctx.Done()
		select {
		case s.seen <- ctx.Err():
		default: // one report is enough
		}
		yield(nil, ctx.Err())
	}
}

// deadlineSource records the deadline of each Scan's context and yields
// nothing.
type deadlineSource struct {
	deadline chan time.Time // the zero time when there is none
}

func (s *deadlineSource) Schema() *convreport.Schema { return convreport.DefaultSchema() }

func (s *deadlineSource) Scan(ctx context.Context, _ convreport.ScanHint) iter.Seq2[*convreport.Conversation, error] {
	return func(func(*convreport.Conversation, error) bool) {
		d, _ := ctx.Deadline()
		select {
		case s.deadline <- d:
		default:
		}
	}
}

// workRoutes are the requests that run reports: a run, a preview, a
// drill-down, and the pages that run them.
var workRoutes = []req{
	{method: http.MethodGet, path: "/api/dashboards/chat/run"},
	{method: http.MethodPost, path: "/api/dashboards/chat/reports/conversations-by-rep/preview", body: `{"name": "Mine"}`},
	{method: http.MethodGet, path: `/api/dashboards/chat/reports/conversations-by-rep/drill?point={"assignee":null}`},
	{method: http.MethodGet, path: "/dashboards/chat"},
	{method: http.MethodGet, path: "/dashboards/chat/reports/conversations-by-rep/edit"},
	{method: http.MethodGet, path: `/dashboards/chat/reports/conversations-by-rep/drill?point={"assignee":null}`},
}

// TestRequestTimeoutStopsTheWork runs every kind of request that runs
// reports over a source that never finishes by itself: the handler's
// deadline must cancel the source's scan and answer 503 timeout.
func TestRequestTimeoutStopsTheWork(t *testing.T) {
	for _, r := range workRoutes {
		t.Run(r.method+" "+r.path, func(t *testing.T) {
			src := &stuckSource{seen: make(chan error, 1)}
			f := newFixture(t, func(c *web.Config) {
				c.Engine = convreport.NewEngine(src)
				c.RequestTimeout = 200 * time.Millisecond
			})
			r.user = "ana"
			r.path = strings.ReplaceAll(r.path, `{"assignee":null}`, `%7B%22assignee%22%3Anull%7D`)
			done := make(chan *httptest.ResponseRecorder, 1)
			go func() { done <- f.do(r) }()
			var w *httptest.ResponseRecorder
			select {
			case w = <-done:
			case <-time.After(time.Minute): // a safety net against a hung test, not a bound on the work
				t.Fatal("the handler did not stop the work")
			}
			select {
			case err := <-src.seen:
				require.ErrorIs(t, err, context.DeadlineExceeded, "the source saw the request's deadline")
			default:
				t.Fatal("the source was not canceled")
			}
			require.Equal(t, http.StatusServiceUnavailable, w.Code, w.Body.String())
			if strings.HasPrefix(r.path, "/api/") {
				e := failure(t, w, http.StatusServiceUnavailable, "timeout")
				require.Contains(t, e.Message, "200ms")
			} else {
				require.Contains(t, w.Body.String(), "took longer than the limit of 200ms")
			}
		})
	}
}

func TestRequestTimeoutDefaultAndNoLimit(t *testing.T) {
	for _, c := range []struct {
		timeout time.Duration
		want    time.Duration // 0: no deadline
	}{
		{0, web.DefaultRequestTimeout},
		{time.Hour, time.Hour},
		{-1, 0},
	} {
		src := &deadlineSource{deadline: make(chan time.Time, 1)}
		f := newFixture(t, func(cfg *web.Config) {
			cfg.Engine = convreport.NewEngine(src)
			cfg.RequestTimeout = c.timeout
		})
		before := time.Now()
		w := f.get("/api/dashboards/chat/run", "ana")
		require.Equal(t, http.StatusOK, w.Code, w.Body.String())
		d := <-src.deadline
		if c.want == 0 {
			require.True(t, d.IsZero(), "RequestTimeout %v: no deadline, got %v", c.timeout, d)
			continue
		}
		require.False(t, d.IsZero(), "RequestTimeout %v: a deadline", c.timeout)
		require.False(t, d.Before(before.Add(c.want)), "RequestTimeout %v: deadline %v is before %v", c.timeout, d, before.Add(c.want))
		require.False(t, d.After(time.Now().Add(c.want)), "RequestTimeout %v: deadline %v is too late", c.timeout, d)
	}
}
