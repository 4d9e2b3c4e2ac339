package web_test

import (
	"bufio"
	"context"
	"encoding/json"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/web"
	"github.com/stretchr/testify/require"
)

// watchEvent is a "state" event of a report editor's stream.
type watchEvent struct {
	State     string             `json:"state"`
	Version   int64              `json:"version"`
	Created   string             `json:"created"`
	Name      string             `json:"name"`
	CanEdit   bool               `json:"can_edit"`
	Report    *convreport.Report `json:"report"`
	Def       string             `json:"def"`
	ChangedAt *time.Time         `json:"changed_at"`
	Reason    string             `json:"reason"`
}

var editorStateRe = regexp.MustCompile(`<form id="editor" class="panel" data-state="([^"]*)"`)

// editorState is what the editor page of report rid of dash gives its
// script, as user.
type editorStateJSON struct {
	Version int64             `json:"version"`
	Created string            `json:"created"`
	Def     string            `json:"def"`
	Report  convreport.Report `json:"report"`
}

func editorStateOf(t *testing.T, f *fixture, user, dash, rid string) editorStateJSON {
	t.Helper()
	body := page(t, f, "/dashboards/"+dash+"/reports/"+rid+"/edit", user, http.StatusOK)
	m := editorStateRe.FindStringSubmatch(body)
	require.NotNil(t, m, "the editor's state")
	var st editorStateJSON
	require.NoError(t, json.Unmarshal([]byte(html.UnescapeString(m[1])), &st))
	return st
}

// watchPath is the path of the stream the editor of st opens.
func watchPath(dash, rid string, st editorStateJSON) string {
	q := url.Values{"created": {st.Created}}
	if rid != "" {
		q.Set("report", rid)
		q.Set("def", st.Def)
	}
	return "/api/dashboards/" + dash + "/watch?" + q.Encode()
}

// watchStream opens an editor's stream as user and returns its "state"
// events as they come; the channel closes when the stream ends.
func watchStream(t *testing.T, srv *httptest.Server, user, path string) <-chan watchEvent {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	r, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+path, nil)
	require.NoError(t, err)
	r.Host = "reports.test"
	r.Header.Set("X-User", user)
	res, err := srv.Client().Do(r)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Equal(t, "text/event-stream", res.Header.Get("Content-Type"))
	ch := make(chan watchEvent, 16)
	go func() {
		defer close(ch)
		defer res.Body.Close()
		sc := bufio.NewScanner(res.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<22)
		name, data := "", ""
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if name == "state" {
					var ev watchEvent
					if json.Unmarshal([]byte(data), &ev) == nil {
						ch <- ev
					}
				}
				name, data = "", ""
			case strings.HasPrefix(line, "event: "):
				name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				data += strings.TrimPrefix(line, "data: ")
			}
		}
	}()
	return ch
}

func nextState(t *testing.T, ch <-chan watchEvent, d time.Duration) watchEvent {
	t.Helper()
	select {
	case ev, ok := <-ch:
		require.True(t, ok, "the stream ended")
		return ev
	case <-time.After(d):
		t.Fatalf("no event within %s", d)
	}
	return watchEvent{}
}

func noState(t *testing.T, ch <-chan watchEvent, d time.Duration, why string) {
	t.Helper()
	select {
	case ev, ok := <-ch:
		if ok {
			t.Fatalf("%s: unexpected event %+v", why, ev)
		}
		t.Fatalf("%s: the stream ended", why)
	case <-time.After(d):
	}
}

func ended(t *testing.T, ch <-chan watchEvent, d time.Duration) {
	t.Helper()
	select {
	case ev, ok := <-ch:
		require.False(t, ok, "an event after the last: %+v", ev)
	case <-time.After(d):
		t.Fatalf("the stream did not end within %s", d)
	}
}

// An editor's stream says, as they happen, what became of the report it
// opened: another report's change moves only the version; the report
// changed, with when; the right to edit taken away; the report removed;
// the dashboard no longer visible, which ends it. Changes made through
// the handler come at once; those made behind it (straight in the store,
// as another server would) within a poll. Nothing changed, nothing is
// sent. A request timeout does not end it.
func TestEditorWatchFollowsTheReport(t *testing.T) {
	f := newFixture(t, func(c *web.Config) { c.RequestTimeout = 300 * time.Millisecond })
	srv := httptest.NewServer(f.h)
	t.Cleanup(srv.Close)
	const rid = "conversations-by-rep"
	st := editorStateOf(t, f, "carl", "shared", rid)
	require.NotEmpty(t, st.Def)
	ch := watchStream(t, srv, "carl", watchPath("shared", rid, st))

	ev := nextState(t, ch, 5*time.Second)
	require.Equal(t, watchEvent{State: "same", Version: 1, Created: st.Created, Name: "Shared", CanEdit: true, Def: st.Def}, ev)
	noState(t, ch, 1500*time.Millisecond, "nothing changed")

	// Another report renamed, through the handler: the version moves.
	var got editResult
	okJSON(t, f.edit(http.MethodPatch, "/api/dashboards/shared/reports/chat-conversations-over-time", "ana", `{"version": 1, "name": "Chats per day"}`), http.StatusOK, &got)
	ev = nextState(t, ch, 900*time.Millisecond)
	require.Equal(t, watchEvent{State: "same", Version: 2, Created: st.Created, Name: "Shared", CanEdit: true, Def: st.Def}, ev)

	// The report renamed behind the handler: seen at a poll, with when.
	saved := saveAs(t, f, "ana", "shared", func(d *convreport.Dashboard) { d.Reports[0].Name = "Chats per agent" })
	ev = nextState(t, ch, 3*time.Second)
	require.Equal(t, "changed", ev.State)
	require.EqualValues(t, 3, ev.Version)
	require.True(t, ev.CanEdit)
	require.NotEqual(t, st.Def, ev.Def)
	require.Equal(t, reportOf(t, saved, rid), *ev.Report)
	require.NotNil(t, ev.ChangedAt)
	require.True(t, saved.UpdatedAt.Equal(*ev.ChangedAt), "%s, saved %s", ev.ChangedAt, saved.UpdatedAt)
	changedAt := *ev.ChangedAt

	// Carl may only view it now: the report is still changed, as of then.
	okJSON(t, f.edit(http.MethodPatch, "/api/dashboards/shared", "ana", `{"version": 3, "visibility": "everyone_view"}`), http.StatusOK, &struct{}{})
	ev = nextState(t, ch, 900*time.Millisecond)
	require.Equal(t, "changed", ev.State)
	require.False(t, ev.CanEdit)
	require.EqualValues(t, 4, ev.Version)
	require.True(t, changedAt.Equal(*ev.ChangedAt), "when the report changed, not the sharing")

	// Removed.
	d := mustGet(t, f, "shared")
	q := url.Values{"version": {"4"}, "created": {d.CreatedAt.Format(time.RFC3339Nano)}}
	require.Equal(t, http.StatusOK, f.do(req{method: http.MethodDelete, path: "/api/dashboards/shared/reports/" + rid + "?" + q.Encode(), user: "ana"}).Code)
	d = mustGet(t, f, "shared")
	ev = nextState(t, ch, 900*time.Millisecond)
	require.Equal(t, "removed", ev.State)
	require.Nil(t, ev.Report)
	require.Empty(t, ev.Def)
	require.True(t, d.UpdatedAt.Equal(*ev.ChangedAt))

	// No longer visible to carl: the last event.
	okJSON(t, f.edit(http.MethodPatch, "/api/dashboards/shared", "ana", `{"version": 5, "visibility": "private"}`), http.StatusOK, &struct{}{})
	ev = nextState(t, ch, 900*time.Millisecond)
	require.Equal(t, watchEvent{State: "gone", Reason: "It was deleted, or its access changed so that you may no longer see it."}, ev)
	ended(t, ch, time.Second)
}

// A dashboard deleted and created again under its ID is not the one the
// editor opened, whatever its reports: the stream says so and ends. The
// builder of a new report follows the dashboard alone.
func TestEditorWatchDashboardCreatedAgain(t *testing.T) {
	f := newFixture(t)
	srv := httptest.NewServer(f.h)
	t.Cleanup(srv.Close)
	const rid = "conversations-by-rep"
	st := editorStateOf(t, f, "carl", "shared", rid)
	ch := watchStream(t, srv, "carl", watchPath("shared", rid, st))
	builder := watchStream(t, srv, "carl", watchPath("shared", "", st))
	require.Equal(t, "same", nextState(t, ch, 5*time.Second).State)
	require.Equal(t, watchEvent{State: "same", Version: 1, Created: st.Created, Name: "Shared", CanEdit: true}, nextState(t, builder, 5*time.Second))

	saveAs(t, f, "ana", "shared", func(d *convreport.Dashboard) { d.Name = "Shared desk" })
	ev := nextState(t, builder, 3*time.Second)
	require.Equal(t, watchEvent{State: "same", Version: 2, Created: st.Created, Name: "Shared desk", CanEdit: true}, ev)
	ev = nextState(t, ch, 3*time.Second)
	require.Equal(t, "same", ev.State)
	require.EqualValues(t, 2, ev.Version)

	d := mustGet(t, f, "shared")
	require.NoError(t, f.store.Delete(context.Background(), users["ana"], d))
	d.Version, d.CreatedAt, d.UpdatedAt = 0, time.Time{}, time.Time{}
	again, err := f.store.Create(context.Background(), users["ana"], d)
	require.NoError(t, err)
	for _, c := range []<-chan watchEvent{ch, builder} {
		ev = nextState(t, c, 3*time.Second)
		require.Equal(t, watchEvent{State: "recreated", Version: 1, Created: again.CreatedAt.Format(time.RFC3339Nano), Name: "Shared desk", CanEdit: true,
			Reason: "It was deleted, and another dashboard created in its place, since you opened the editor."}, ev)
		ended(t, c, time.Second)
	}
}

// What the stream refuses before it starts, as JSON: a dashboard the
// viewer may not see, a creation that is not a time, a parameter twice.
func TestEditorWatchRefusals(t *testing.T) {
	f := newFixture(t)
	created := mustGet(t, f, "email").CreatedAt.Format(time.RFC3339Nano)
	failure(t, f.get("/api/dashboards/email/watch?created="+url.QueryEscape(created), "carl"), http.StatusNotFound, "not_found")
	failure(t, f.get("/api/dashboards/nope/watch", "carl"), http.StatusNotFound, "not_found")
	e := failure(t, f.get("/api/dashboards/chat/watch?created=yesterday", "carl"), http.StatusBadRequest, "bad_request")
	require.Equal(t, "created", e.Field)
	e = failure(t, f.get("/api/dashboards/chat/watch?report=a&report=b", "carl"), http.StatusBadRequest, "bad_request")
	require.Equal(t, "report", e.Field)
	w := f.do(req{method: http.MethodPost, path: "/api/dashboards/chat/watch", user: "carl", body: "{}"})
	failure(t, w, http.StatusMethodNotAllowed, "method_not_allowed")
	require.Equal(t, "GET", w.Header().Get("Allow"))

	// A viewer who may only view gets the stream: it says so.
	srv := httptest.NewServer(f.h)
	t.Cleanup(srv.Close)
	st := editorStateOf(t, f, "ana", "chat", "conversations-by-rep")
	ev := nextState(t, watchStream(t, srv, "carl", watchPath("chat", "conversations-by-rep", st)), 5*time.Second)
	require.Equal(t, watchEvent{State: "same", Version: 1, Created: st.Created, Name: "Chat", CanEdit: false, Def: st.Def}, ev)
}
