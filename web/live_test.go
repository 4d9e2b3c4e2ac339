package web_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/memory"
	"github.com/convreport/convreport/web"
	"github.com/stretchr/testify/require"
)

// sseEvent is one event of a stream.
type sseEvent struct {
	name string
	data string
}

// stream opens a live stream as user and returns its events as they come.
func (f *fixture) stream(srv *httptest.Server, user, path string) (<-chan sseEvent, context.CancelFunc) {
	f.t.Helper()
	ch, cancel, err := openStream(srv, user, path, nil)
	require.NoError(f.t, err)
	f.t.Cleanup(cancel)
	return ch, cancel
}

// firstReports opens the live stream at path as ana and returns it with
// its first "reports" event, the one after the opening status.
func (f *fixture) firstReports(path string) (<-chan sseEvent, liveEvent) {
	f.t.Helper()
	ch, _ := f.stream(f.serve(), "ana", path)
	name, _ := next(f.t, ch, 5*time.Second)
	require.Equal(f.t, "status", name)
	name, ev := next(f.t, ch, 5*time.Second)
	require.Equal(f.t, "reports", name)
	return ch, ev
}

// serve starts a server over f's handler, closed with the test.
func (f *fixture) serve() *httptest.Server {
	srv := httptest.NewServer(f.h)
	f.t.Cleanup(srv.Close)
	return srv
}

// follow opens a live stream as user over srv and reads its first two
// events: the status, which must say live, and the reports as they are,
// returned with the stream.
func (f *fixture) follow(srv *httptest.Server, user, path string) (<-chan sseEvent, liveEvent) {
	f.t.Helper()
	ch, _ := f.stream(srv, user, path)
	name, st := next(f.t, ch, 5*time.Second)
	require.Equal(f.t, "status", name)
	require.True(f.t, st.Live, st.Reason)
	name, ev := next(f.t, ch, 5*time.Second)
	require.Equal(f.t, "reports", name)
	return ch, ev
}

// over returns f's handler made again with an engine over src (f's
// conversations seen through another source), over the same store.
func (f *fixture) over(src convreport.Source) *fixture {
	f.t.Helper()
	cfg := f.cfg(func(c *web.Config) { c.Engine = convreport.NewEngine(src) })
	h, err := web.New(cfg)
	require.NoError(f.t, err)
	g := *f
	g.h, g.eng, g.conf = h, cfg.Engine, cfg
	return &g
}

// openStream opens a live stream as user with extra request headers; it
// may run outside the test's goroutine, so it returns its failure.
func openStream(srv *httptest.Server, user, path string, header map[string]string) (<-chan sseEvent, context.CancelFunc, error) {
	ctx, cancel := context.WithCancel(context.Background())
	r, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+path, nil)
	if err != nil {
		cancel()
		return nil, nil, err
	}
	r.Host = "reports.test"
	r.Header.Set("X-User", user)
	for k, v := range header {
		r.Header.Set(k, v)
	}
	res, err := srv.Client().Do(r)
	if err != nil {
		cancel()
		return nil, nil, err
	}
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "text/event-stream" {
		res.Body.Close()
		cancel()
		return nil, nil, fmt.Errorf("the stream answered %s, %s", res.Status, res.Header.Get("Content-Type"))
	}
	ch := make(chan sseEvent, 64)
	go func() {
		defer close(ch)
		defer res.Body.Close()
		sc := bufio.NewScanner(res.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<24)
		var ev sseEvent
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if ev.name != "" {
					ch <- ev
				}
				ev = sseEvent{}
			case strings.HasPrefix(line, "event: "):
				ev.name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				ev.data += strings.TrimPrefix(line, "data: ")
			}
		}
	}()
	return ch, cancel, nil
}

type liveEvent struct {
	Live    bool         `json:"live"`
	Gone    bool         `json:"gone"`
	Reason  string       `json:"reason"`
	Reports []liveReport `json:"reports"`
	// A "dashboard" event's.
	Version   int64        `json:"version"`
	Created   string       `json:"created"`
	Name      string       `json:"name"`
	Count     int          `json:"count"`
	CountText string       `json:"count_text"`
	Page      string       `json:"page"`
	Order     []string     `json:"order"`
	Cards     []liveReport `json:"cards"`
}

type liveReport struct {
	ID     string `json:"id"`
	Sig    string `json:"sig"`
	Def    string `json:"def"`
	Title  string `json:"title"`
	HTML   string `json:"html"`
	Card   string `json:"card"`
	Points []struct {
		Point string `json:"point"`
		Other bool   `json:"other"`
		Count int64  `json:"count"`
	} `json:"points"`
}

// next waits for the next event of the stream, or fails after d.
func next(t *testing.T, ch <-chan sseEvent, d time.Duration) (string, liveEvent) {
	t.Helper()
	select {
	case ev, ok := <-ch:
		require.True(t, ok, "the stream ended")
		var le liveEvent
		require.NoError(t, json.Unmarshal([]byte(ev.data), &le), ev.data)
		return ev.name, le
	case <-time.After(d):
		t.Fatalf("no event within %s", d)
	}
	return "", liveEvent{}
}

// quiet checks that no event arrives within d.
func quiet(t *testing.T, ch <-chan sseEvent, d time.Duration, why string) {
	t.Helper()
	select {
	case ev := <-ch:
		t.Fatalf("%s: unexpected %s event %.300s", why, ev.name, ev.data)
	case <-time.After(d):
	}
}

// pointCounts returns, per report ID, the counts of its points in order,
// from the run API as user sees it.
func (f *fixture) pointCounts(user, path string) map[string][]int64 {
	f.t.Helper()
	res := f.do(req{method: http.MethodGet, path: path, user: user})
	require.Equal(f.t, http.StatusOK, res.Code, res.Body.String())
	var body struct {
		Reports []struct {
			Points []struct {
				Count int64 `json:"count"`
			} `json:"points"`
		} `json:"reports"`
	}
	require.NoError(f.t, json.Unmarshal(res.Body.Bytes(), &body))
	// The run answers the reports in the dashboard's order.
	d, err := f.store.Get(context.Background(), users[user], "chat")
	require.NoError(f.t, err)
	require.Len(f.t, body.Reports, len(d.Reports))
	out := map[string][]int64{}
	for i, r := range body.Reports {
		id := d.Reports[i].ID
		out[id] = []int64{}
		for _, p := range r.Points {
			out[id] = append(out[id], p.Count)
		}
	}
	return out
}

func eventCounts(le liveEvent) map[string][]int64 {
	out := map[string][]int64{}
	for _, r := range slices.Concat(le.Cards, le.Reports) {
		out[r.ID] = []int64{}
		for _, p := range r.Points {
			out[r.ID] = append(out[r.ID], p.Count)
		}
	}
	return out
}

// changed lists the reports whose counts differ between two runs.
func changed(a, b map[string][]int64) []string {
	var out []string
	for id := range a {
		if !slices.Equal(a[id], b[id]) {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

// openChat returns open chat conversations of team (any team for "")
// created within the last 30 days of the fixture.
func (f *fixture) openChats(team string) iter.Seq[convreport.Conversation] {
	return func(yield func(convreport.Conversation) bool) {
		for _, c := range f.cs {
			if c.Channel == convreport.Chat && c.ClosedAt.IsZero() && c.Assignee != "" &&
				(team == "" || c.Team == team) && c.CreatedAt.After(now.AddDate(0, 0, -25)) {
				if !yield(c) {
					return
				}
			}
		}
	}
}

const livePath = "/api/dashboards/chat/live?range=last_30_days"
const runPath = "/api/dashboards/chat/run?range=last_30_days"

// An open stream receives, after a change, exactly the reports whose
// numbers changed, drawn, with the counts the run API now gives.
func TestLiveStreamSendsChangedReports(t *testing.T) {
	f := newFixture(t)
	ch, ev := f.follow(f.serve(), "ana", livePath)
	before := f.pointCounts("ana", runPath)
	require.Equal(t, before, eventCounts(ev), "the first event is the dashboard as it is")
	for _, r := range ev.Reports {
		require.Contains(t, r.HTML, `data-drill`, "report %s is drawn as the page draws it", r.ID)
	}

	var c convreport.Conversation
	for c = range f.openChats("") {
		break
	}
	c.ClosedAt = now.Add(-time.Hour)
	c.Status = convreport.Closed
	c.ClosedBy = c.Assignee
	require.NoError(t, f.src.Upsert(c))

	name, ev := next(t, ch, 5*time.Second)
	require.Equal(t, "reports", name)
	after := f.pointCounts("ana", runPath)
	want := changed(before, after)
	require.NotEmpty(t, want, "closing a chat changes some report")
	got := slices.Sorted(maps.Keys(eventCounts(ev)))
	require.Equal(t, want, got, "the event carries exactly the changed reports")
	for id, counts := range eventCounts(ev) {
		require.Equal(t, after[id], counts, "report %s", id)
	}
	quiet(t, ch, 1500*time.Millisecond, "one change, one event")
}

// A viewer's stream carries only numbers of their scope: a change outside
// it sends nothing, a change inside it sends what their own run shows.
func TestLiveStreamKeepsScope(t *testing.T) {
	f := newFixture(t)
	ch, first := f.follow(f.serve(), "ben", livePath)
	require.Equal(t, f.pointCounts("ben", runPath), eventCounts(first))

	var sales convreport.Conversation
	for sales = range f.openChats("Sales") {
		break
	}
	require.NotEmpty(t, sales.ID, "the fixture has an open Sales chat")
	sales.ClosedAt, sales.Status = now.Add(-time.Hour), convreport.Closed
	require.NoError(t, f.src.Upsert(sales))
	quiet(t, ch, 2*time.Second, "a change outside ben's scope")

	var support convreport.Conversation
	for support = range f.openChats("Support") {
		break
	}
	require.NotEmpty(t, support.ID, "the fixture has an open Support chat")
	before := f.pointCounts("ben", runPath)
	support.ClosedAt, support.Status = now.Add(-time.Hour), convreport.Closed
	require.NoError(t, f.src.Upsert(support))
	_, ev := next(t, ch, 5*time.Second)
	after := f.pointCounts("ben", runPath)
	require.Equal(t, changed(before, after), slices.Sorted(maps.Keys(eventCounts(ev))))
	for id, counts := range eventCounts(ev) {
		require.Equal(t, after[id], counts, "report %s", id)
	}
}

// Many changes in a burst and several tabs on one dashboard cost one run
// per second for all of them, and every tab ends up with the last state.
func TestLiveStreamsCoalesceAndShare(t *testing.T) {
	f := newFixture(t)
	srv := f.serve()
	var tabs []<-chan sseEvent
	for range 3 {
		ch, _ := f.follow(srv, "ana", livePath)
		tabs = append(tabs, ch)
	}
	start := web.LiveRuns(f.h)
	t0 := time.Now()
	n := 0
	for c := range f.openChats("") {
		c.ClosedAt, c.Status = now.Add(-time.Hour), convreport.Closed
		require.NoError(t, f.src.Upsert(c))
		if n++; n == 30 {
			break
		}
	}
	require.Equal(t, 30, n)
	want := f.pointCounts("ana", runPath)
	for _, ch := range tabs {
		got := map[string][]int64{}
		deadline := time.After(6 * time.Second)
		for !equalCounts(got, want) {
			select {
			case ev := <-ch:
				var le liveEvent
				require.NoError(t, json.Unmarshal([]byte(ev.data), &le))
				maps.Copy(got, eventCounts(le))
			case <-deadline:
				t.Fatalf("a tab did not reach the last state: %v", changed(got, want))
			}
			if len(got) > 0 && !equalCounts(got, want) {
				// Reports not in any event did not change: fill them in.
				for id := range want {
					if _, ok := got[id]; !ok {
						got[id] = want[id]
					}
				}
			}
		}
	}
	runs := web.LiveRuns(f.h) - start
	elapsed := time.Since(t0)
	// One run at once, then at most one a second: for all three tabs.
	require.LessOrEqual(t, runs, int64(2+elapsed/time.Second), "%d runs in %s", runs, elapsed)
}

func equalCounts(a, b map[string][]int64) bool {
	return len(a) == len(b) && len(changed(a, b)) == 0 && len(changed(b, a)) == 0
}

// A dashboard deleted while followed ends its streams with a status that
// says so.
func TestLiveStreamEndsWhenDashboardGoes(t *testing.T) {
	f := newFixture(t)
	ch, _ := f.follow(f.serve(), "carl", livePath)
	d, err := f.store.Get(context.Background(), users["ana"], "chat")
	require.NoError(t, err)
	require.NoError(t, f.store.Delete(context.Background(), users["ana"], d))
	var c convreport.Conversation
	for c = range f.openChats("") {
		break
	}
	c.Assignee = "someone else"
	require.NoError(t, f.src.Upsert(c))
	name, ev := next(t, ch, 5*time.Second)
	require.Equal(t, "status", name)
	require.True(t, ev.Gone)
	require.False(t, ev.Live)
	select {
	case _, open := <-ch:
		require.False(t, open, "the stream goes on after its dashboard went")
	case <-time.After(3 * time.Second):
		t.Fatal("the stream did not end")
	}
}

// A dashboard made private through the API ends the streams of those who
// may no longer see it at once, with no change to the data: they used to
// go on, "Live", until the next change.
func TestLiveStreamEndsWhenUnshared(t *testing.T) {
	f := newFixture(t)
	ch, _ := f.follow(f.serve(), "carl", livePath)
	v := mustGet(t, f, "chat").Version
	okJSON(t, f.edit(http.MethodPatch, "/api/dashboards/chat", "ana", `{"version": `+strconv.FormatInt(v, 10)+`, "visibility": "private"}`), http.StatusOK, &struct{}{})
	name, ev := next(t, ch, 5*time.Second)
	require.Equal(t, "status", name)
	require.True(t, ev.Gone)
	require.False(t, ev.Live)
}

// snapshotOnly hides every capability of a source but Source itself:
// no change feed.
type snapshotOnly struct{ convreport.Source }

// A source without a change feed still streams, saying it is not live; a
// bad period or a dashboard the viewer may not see is a JSON error before
// any stream.
func TestLiveStreamNotLiveAndBadRequests(t *testing.T) {
	f := newFixture(t)
	g := f.over(snapshotOnly{f.src})
	ch, _ := g.stream(g.serve(), "ana", livePath)
	name, ev := next(t, ch, 5*time.Second)
	require.Equal(t, "status", name)
	require.False(t, ev.Live)
	require.Equal(t, "The data source does not tell of its changes: reload the page to see new data.", ev.Reason)

	res := f.do(req{method: http.MethodGet, path: "/api/dashboards/chat/live?range=last_3_weeks", user: "ana"})
	require.Equal(t, http.StatusBadRequest, res.Code, res.Body.String())
	require.Contains(t, res.Body.String(), `"field":"range"`)
	res = f.do(req{method: http.MethodGet, path: "/api/dashboards/email/live", user: "carl"})
	require.Equal(t, http.StatusNotFound, res.Code, res.Body.String())
}

// refusingWatch is a source whose change feed fails to start with err
// until started is set: as a database's may while it restarts, or a
// table's without its notify trigger.
type refusingWatch struct {
	*memory.Source
	err     error
	started atomic.Bool
}

func (s *refusingWatch) Watch(ctx context.Context) (<-chan convreport.Change, error) {
	if !s.started.Load() {
		return nil, s.err
	}
	return s.Source.Watch(ctx)
}

// liveOnceStarted opens a stream over a source whose change feed fails
// to start with err: its status says it is not live, for reason. Once the
// feed starts, the next stream is live, without a restart.
func liveOnceStarted(t *testing.T, err error, reason string) {
	t.Helper()
	f := newFixture(t)
	src := &refusingWatch{Source: f.src, err: err}
	g := f.over(src)
	srv := g.serve()
	ch, stop := g.stream(srv, "ana", livePath)
	name, ev := next(t, ch, 5*time.Second)
	require.Equal(t, "status", name)
	require.False(t, ev.Live)
	require.Equal(t, reason, ev.Reason)
	stop()

	src.started.Store(true)
	ch, _ = g.stream(srv, "ana", livePath)
	name, ev = next(t, ch, 5*time.Second)
	require.Equal(t, "status", name)
	require.True(t, ev.Live, ev.Reason)
}

// A change feed that failed to start once is tried again by the next
// stream: it used to mark the source as one without a feed, and every
// stream after it "not live", until the server restarted.
func TestLiveStreamRetriesAFailedWatch(t *testing.T) {
	liveOnceStarted(t, errors.New("connection refused"), "Following the data's changes failed: reload the page to try again.")
}

// gateWriter holds a stream's response header until the test lets it go:
// when it is held, the stream has run its dashboard once and follows no
// feed yet.
type gateWriter struct {
	http.ResponseWriter
	entered chan<- struct{}
	release <-chan struct{}
	once    sync.Once
}

func (g *gateWriter) WriteHeader(code int) {
	g.once.Do(func() {
		g.entered <- struct{}{}
		<-g.release
	})
	g.ResponseWriter.WriteHeader(code)
}

func (g *gateWriter) Flush()                      { g.ResponseWriter.(http.Flusher).Flush() }
func (g *gateWriter) Unwrap() http.ResponseWriter { return g.ResponseWriter }

// reach reads a stream's "reports" events until the counts they leave
// the page with (from start, the page's counts) are want.
func reach(t *testing.T, ch <-chan sseEvent, start, want map[string][]int64, d time.Duration) {
	t.Helper()
	got := maps.Clone(start)
	deadline := time.After(d)
	for !equalCounts(got, want) {
		select {
		case ev, ok := <-ch:
			require.True(t, ok, "the stream ended")
			if ev.name != "reports" {
				continue
			}
			var le liveEvent
			require.NoError(t, json.Unmarshal([]byte(ev.data), &le))
			maps.Copy(got, eventCounts(le))
		case <-deadline:
			diff := changed(got, want)
			for _, id := range diff {
				t.Logf("%s: the stream shows %v, the run gives %v", id, got[id], want[id])
			}
			t.Fatalf("the stream did not reach the data's state within %s: reports %v differ", d, diff)
		}
	}
}

// A change that lands while a stream opens, after its first run and
// before it follows a feed, still reaches it: whether the stream is the
// first of the server (nothing watched the source yet) or joins a feed
// that has already rerun for the change and told its other tabs.
func TestLiveStreamSeesChangeWhileOpening(t *testing.T) {
	for _, joining := range []bool{false, true} {
		name := "first stream"
		if joining {
			name = "joining a feed"
		}
		t.Run(name, func(t *testing.T) {
			f := newFixture(t)
			entered := make(chan struct{}, 1)
			release := make(chan struct{})
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Header.Get("X-Test-Gate") != "" {
					w = &gateWriter{ResponseWriter: w, entered: entered, release: release}
				}
				f.h.ServeHTTP(w, r)
			}))
			t.Cleanup(srv.Close)
			var once sync.Once
			t.Cleanup(func() { once.Do(func() { close(release) }) })

			before := f.pointCounts("ana", runPath)
			var tab <-chan sseEvent
			if joining {
				var ev liveEvent
				tab, ev = f.follow(srv, "ana", livePath)
				require.Equal(t, before, eventCounts(ev))
			}

			type opened struct {
				ch     <-chan sseEvent
				cancel context.CancelFunc
				err    error
			}
			done := make(chan opened, 1)
			go func() {
				ch, cancel, err := openStream(srv, "ana", livePath, map[string]string{"X-Test-Gate": "1"})
				done <- opened{ch, cancel, err}
			}()
			received := false
			t.Cleanup(func() {
				// A test that failed early still ends the stream, or the
				// server would wait for it.
				once.Do(func() { close(release) })
				if received {
					return
				}
				select {
				case o := <-done:
					if o.cancel != nil {
						o.cancel()
					}
				case <-time.After(10 * time.Second):
				}
			})
			select {
			case <-entered:
			case <-time.After(10 * time.Second):
				t.Fatal("the stream did not run its dashboard")
			}

			var c convreport.Conversation
			for c = range f.openChats("") {
				break
			}
			c.ClosedAt, c.Status, c.ClosedBy = now.Add(-time.Hour), convreport.Closed, c.Assignee
			require.NoError(t, f.src.Upsert(c))
			want := f.pointCounts("ana", runPath)
			require.NotEmpty(t, changed(before, want), "closing a chat changes some report")
			if joining {
				// The feed has rerun and told the open tab before the
				// new stream follows it.
				reach(t, tab, before, want, 10*time.Second)
			}

			once.Do(func() { close(release) })
			var o opened
			select {
			case o = <-done:
				received = true
			case <-time.After(10 * time.Second):
				t.Fatal("the stream did not open")
			}
			require.NoError(t, o.err)
			t.Cleanup(o.cancel)
			name, st := next(t, o.ch, 5*time.Second)
			require.Equal(t, "status", name)
			require.True(t, st.Live)
			// The page had drawn nothing (no sigs): its first event draws
			// every report; later ones must bring it to the change.
			reach(t, o.ch, map[string][]int64{}, want, 10*time.Second)
		})
	}
}
