package web_test

import (
	"context"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/store"
	"github.com/convreport/convreport/web"
	"github.com/stretchr/testify/require"
)

// pageShown is what a dashboard page shows of its dashboard, read from
// its HTML as its script reads it: the query its live stream sends, and
// the page's signature.
type pageShown struct {
	query url.Values
	page  string
	ids   []string
}

var (
	headRe = regexp.MustCompile(`id="dashboard-head" data-dashboard="[^"]*" data-version="([^"]*)" data-created="([^"]*)" data-name="[^"]*" data-page="([^"]*)"`)
	cardRe = regexp.MustCompile(`id="report-([^"]+)" data-report="[^"]+" data-sig="([^"]*)" data-def="([^"]*)"`)
)

// shownBy loads the dashboard page of id as user, for period.
func (f *fixture) shownBy(user, id, period string) pageShown {
	f.t.Helper()
	body := page(f.t, f, "/dashboards/"+id+"?"+period, user, http.StatusOK)
	m := headRe.FindStringSubmatch(body)
	require.NotNil(f.t, m, "the page's head")
	q, err := url.ParseQuery(period)
	require.NoError(f.t, err)
	q.Set("version", m[1])
	q.Set("created", html.UnescapeString(m[2]))
	ps := pageShown{query: q, page: m[3]}
	var sigs []string
	for _, c := range cardRe.FindAllStringSubmatch(body, -1) {
		sigs = append(sigs, c[1]+":"+c[2]+":"+c[3])
		ps.ids = append(ps.ids, c[1])
	}
	q.Set("sigs", strings.Join(sigs, ","))
	return ps
}

// livePathOf is the path of the stream of dashboard id that page opens.
func livePathOf(id string, ps pageShown) string {
	return "/api/dashboards/" + id + "/live?" + ps.query.Encode()
}

// untilDashboard reads a stream's events until a "dashboard" event, and
// returns it; a "status" event fails.
func untilDashboard(t *testing.T, ch <-chan sseEvent, d time.Duration) liveEvent {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		name, ev := next(t, ch, time.Until(deadline))
		require.NotEqual(t, "status", name, "the stream ended: %s", ev.Reason)
		if name == "dashboard" {
			return ev
		}
	}
}

// A page follows its dashboard's definition, edited behind the handler
// that serves it (in the store, as another server or a script would): a
// report renamed, drawn another way, added, removed, moved, and the
// dashboard renamed each come as a "dashboard" event that carries the
// new version and order, and whole only the cards that changed. Nothing
// edited, nothing is sent, and the dashboard is not run again: the feed
// only reads its version.
func TestLiveStreamFollowsTheDefinition(t *testing.T) {
	f := newFixture(t)
	srv := httptest.NewServer(f.h)
	t.Cleanup(srv.Close)
	const period = "range=last_30_days"
	ps := f.shownBy("ana", "chat", period)
	require.Equal(t, reportIDs(mustGet(t, f, "chat").Reports), ps.ids)
	// Counted before the stream opens: the feed may run once as it
	// starts (to catch up with changes made while the page was drawn),
	// after the status is sent, so a count read after the status can
	// miss that run.
	runs := web.LiveRuns(f.h)
	ch, _ := f.stream(srv, "ana", livePathOf("chat", ps))
	name, ev := next(t, ch, 5*time.Second)
	require.Equal(t, "status", name)
	require.True(t, ev.Live)

	// Idle: the feed polls the store, and runs nothing.
	polls := web.LivePolls(f.h)
	quiet(t, ch, 2500*time.Millisecond, "the page is up to date")
	require.LessOrEqual(t, web.LiveRuns(f.h)-runs, int64(1), "a poll that finds the same version runs nothing: at most the opening run")
	require.GreaterOrEqual(t, web.LivePolls(f.h)-polls, int64(2), "one poll a second")

	ctx := context.Background()
	ana := users["ana"]
	save := func(edit func(d *convreport.Dashboard)) convreport.Dashboard {
		t.Helper()
		d := mustGet(t, f, "chat")
		edit(&d)
		saved, err := f.store.Save(ctx, ana, d)
		require.NoError(t, err)
		return saved
	}
	expect := func(ev liveEvent, d convreport.Dashboard, cards ...string) {
		t.Helper()
		require.Equal(t, d.Version, ev.Version)
		require.Equal(t, d.CreatedAt.Format(time.RFC3339Nano), ev.Created)
		require.Equal(t, d.Name, ev.Name)
		require.Equal(t, reportIDs(d.Reports), ev.Order)
		require.Equal(t, len(d.Reports), ev.Count)
		require.Equal(t, strconv.Itoa(len(d.Reports))+" reports", ev.CountText)
		require.Equal(t, ps.page, ev.Page, "nothing else of the page changed")
		var got []string
		for _, c := range ev.Cards {
			got = append(got, c.ID)
			require.Contains(t, c.Card, `<article class="card`, "card %s is whole", c.ID)
			require.Contains(t, c.Card, `data-def="`+c.Def+`"`)
		}
		require.Equal(t, cards, got)
	}

	// A report renamed: its card, with its title.
	first := reportIDs(mustGet(t, f, "chat").Reports)[0]
	d := save(func(d *convreport.Dashboard) { d.Reports[0].Name = "Chats per agent" })
	ev = untilDashboard(t, ch, 5*time.Second)
	expect(ev, d, first)
	require.Equal(t, "Chats per agent", ev.Cards[0].Title)
	require.Contains(t, ev.Cards[0].Card, `<h2 id="title-`+first+`" class="card-title">Chats per agent</h2>`)
	require.Contains(t, ev.Cards[0].Card, `<svg`)
	require.Equal(t, f.pointCounts("ana", runPath)[first], eventCounts(ev)[first], "its numbers as the run gives them")
	quiet(t, ch, 1500*time.Millisecond, "one edit, one event")

	// Drawn as a table.
	d = save(func(d *convreport.Dashboard) { d.Reports[0].Chart.Type = convreport.TableChart })
	ev = untilDashboard(t, ch, 5*time.Second)
	expect(ev, d, first)
	require.Contains(t, ev.Cards[0].Card, `chart-table`)
	require.NotContains(t, ev.Cards[0].Card, `<svg`)

	// A report added, at the end.
	d = save(func(d *convreport.Dashboard) {
		d.Reports = append(d.Reports, convreport.Report{ID: "by-channel", Name: "Conversations by channel", Dimensions: []string{"Channel"}})
	})
	ev = untilDashboard(t, ch, 5*time.Second)
	expect(ev, d, "by-channel")
	require.Equal(t, f.pointCounts("ana", runPath)["by-channel"], eventCounts(ev)["by-channel"])

	// Moved first, then removed: no card to draw.
	d = save(func(d *convreport.Dashboard) {
		last := d.Reports[len(d.Reports)-1]
		d.Reports = append([]convreport.Report{last}, d.Reports[:len(d.Reports)-1]...)
	})
	ev = untilDashboard(t, ch, 5*time.Second)
	expect(ev, d)
	require.Equal(t, "by-channel", ev.Order[0])
	d = save(func(d *convreport.Dashboard) { d.Reports = d.Reports[1:] })
	ev = untilDashboard(t, ch, 5*time.Second)
	expect(ev, d)
	require.NotContains(t, ev.Order, "by-channel")

	// The dashboard renamed.
	d = save(func(d *convreport.Dashboard) { d.Name = "Chat floor" })
	ev = untilDashboard(t, ch, 5*time.Second)
	expect(ev, d)
	require.Equal(t, "Chat floor", ev.Name)

	// What the page shows besides: its saved filters, or its access.
	d = save(func(d *convreport.Dashboard) {
		d.Filters = []convreport.Condition{{Property: "Channel", Op: convreport.IsAnyOf, Values: []string{"chat"}}}
	})
	ev = untilDashboard(t, ch, 5*time.Second)
	require.Equal(t, d.Version, ev.Version)
	require.NotEqual(t, ps.page, ev.Page, "saved filters change the page")
	require.Equal(t, f.shownBy("ana", "chat", period).page, ev.Page, "the page drawn again says the stream's signature")
}

// Edits made through the handler that serves the stream are sent at
// once, as are those of the page's own viewer; a page that was drawn
// before an edit hears of it in the stream's first events.
func TestLiveStreamBringsAnOlderPageUpToDate(t *testing.T) {
	f := newFixture(t)
	srv := httptest.NewServer(f.h)
	t.Cleanup(srv.Close)
	const period = "range=last_30_days"
	ps := f.shownBy("carl", "chat", period)
	d := mustGet(t, f, "chat")
	rep := d.Reports[1].ID
	okJSON(t, f.edit(http.MethodPatch, "/api/dashboards/chat/reports/"+rep, "ana", `{"version": `+strconv.FormatInt(d.Version, 10)+`, "name": "Renamed before the stream"}`),
		http.StatusOK, &editResult{})
	ch, _ := f.stream(srv, "carl", livePathOf("chat", ps))
	name, ev := next(t, ch, 5*time.Second)
	require.Equal(t, "status", name)
	name, ev = next(t, ch, 5*time.Second)
	require.Equal(t, "dashboard", name, "the first event after the status")
	require.Equal(t, d.Version+1, ev.Version)
	require.Len(t, ev.Cards, 1)
	require.Equal(t, rep, ev.Cards[0].ID)
	require.Equal(t, "Renamed before the stream", ev.Cards[0].Title)
	require.NotContains(t, ev.Cards[0].Card, `data-edit=`, "carl may not edit: no Edit link")
	quiet(t, ch, 300*time.Millisecond, "nothing else changed")

	// Through the API: sent at once, well before a poll would find it.
	okJSON(t, f.edit(http.MethodPatch, "/api/dashboards/chat", "ana", `{"version": `+strconv.FormatInt(d.Version+1, 10)+`, "name": "Chat desk"}`),
		http.StatusOK, &struct{}{})
	ev = untilDashboard(t, ch, 5*time.Second)
	require.Equal(t, "Chat desk", ev.Name)
	require.Empty(t, ev.Cards)
}

// The page's signature covers the viewer's rights: the page of one who
// may edit and that of one who may only view differ, and a change of
// rights changes it; the cards of one who may only view have no Edit
// link, in the stream as on the page.
func TestLiveStreamPageSignatureFollowsRights(t *testing.T) {
	f := newFixture(t)
	srv := httptest.NewServer(f.h)
	t.Cleanup(srv.Close)
	const period = "range=last_30_days"
	owner, viewer := f.shownBy("ana", "shared", period), f.shownBy("carl", "shared", period)
	require.Equal(t, owner.query.Get("version"), viewer.query.Get("version"))
	require.NotEqual(t, owner.page, viewer.page, "ana may share and delete, carl edit only")
	ch, _ := f.stream(srv, "carl", livePathOf("shared", viewer))
	next(t, ch, 5*time.Second)

	// carl may now only view: the page must lose its Edit links.
	d := mustGet(t, f, "shared")
	d.Visibility = access.EveryoneCanView
	_, err := f.store.Save(context.Background(), users["ana"], d)
	require.NoError(t, err)
	ev := untilDashboard(t, ch, 5*time.Second)
	require.NotEqual(t, viewer.page, ev.Page)
	again := f.shownBy("carl", "shared", period)
	require.Equal(t, again.page, ev.Page)
	body := page(t, f, "/dashboards/shared?"+period, "carl", http.StatusOK)
	require.NotContains(t, body, `data-edit=`)
}

// A viewer whose access is taken away behind the handler, or whose
// dashboard is deleted there, has the stream end with a status that says
// so, the same for both, and no numbers after it. Its reports are never
// sent to one who may not see them.
func TestLiveStreamEndsWhenAccessGoesElsewhere(t *testing.T) {
	for _, how := range []string{"unshared", "deleted"} {
		t.Run(how, func(t *testing.T) {
			f := newFixture(t)
			srv := httptest.NewServer(f.h)
			t.Cleanup(srv.Close)
			ps := f.shownBy("carl", "chat", "range=last_30_days")
			ch, _ := f.stream(srv, "carl", livePathOf("chat", ps))
			name, ev := next(t, ch, 5*time.Second)
			require.Equal(t, "status", name)
			require.True(t, ev.Live)
			quiet(t, ch, 300*time.Millisecond, "the page is up to date")

			ctx := context.Background()
			d := mustGet(t, f, "chat")
			if how == "unshared" {
				// And a report added in the same edit: carl must not see it.
				d.Visibility = access.Private
				d.Reports = append(d.Reports, convreport.Report{ID: "secret", Name: "Secret", Dimensions: []string{"Channel"}})
				_, err := f.store.Save(ctx, users["ana"], d)
				require.NoError(t, err)
			} else {
				require.NoError(t, f.store.Delete(ctx, users["ana"], d))
			}
			name, ev = next(t, ch, 5*time.Second)
			require.Equal(t, "status", name, "no event but the end: %+v", ev)
			require.True(t, ev.Gone)
			require.False(t, ev.Live)
			require.Equal(t, "It was deleted, or its access changed so that you may no longer see it.", ev.Reason)
			select {
			case e, open := <-ch:
				require.False(t, open, "an event after the end: %s %.200s", e.name, e.data)
			case <-time.After(3 * time.Second):
				t.Fatal("the stream did not end")
			}
		})
	}
}

// A scoped viewer's stream draws a report added elsewhere with the
// numbers of their own scope, as their run gives them.
func TestLiveStreamAddedReportKeepsScope(t *testing.T) {
	f := newFixture(t)
	srv := httptest.NewServer(f.h)
	t.Cleanup(srv.Close)
	ps := f.shownBy("ben", "chat", "range=last_30_days")
	ch, _ := f.stream(srv, "ben", livePathOf("chat", ps))
	next(t, ch, 5*time.Second)
	d := mustGet(t, f, "chat")
	d.Reports = append(d.Reports, convreport.Report{ID: "by-team", Name: "Conversations by team", Dimensions: []string{"Team"}})
	_, err := f.store.Save(context.Background(), users["ana"], d)
	require.NoError(t, err)
	ev := untilDashboard(t, ch, 5*time.Second)
	require.Len(t, ev.Cards, 1)
	card := html.UnescapeString(ev.Cards[0].Card)
	require.Contains(t, card, "Support")
	require.NotContains(t, card, "Sales", "ben sees the Support team's conversations only")
	ben := f.pointCounts("ben", runPath)["by-team"]
	require.Equal(t, ben, eventCounts(ev)["by-team"])
	anaCounts := f.pointCounts("ana", runPath)["by-team"]
	require.NotEqual(t, anaCounts, ben, "the fixture's scope makes a difference")
	require.True(t, slices.Equal(ben, eventCounts(ev)["by-team"]))
}

// countingDir is a directory store that counts the dashboards it reads.
type countingDir struct {
	*store.Dir
	gets atomic.Int64
}

func (c *countingDir) Get(ctx context.Context, v access.Viewer, id string) (convreport.Dashboard, error) {
	c.gets.Add(1)
	return c.Dir.Get(ctx, v, id)
}

// Over a directory of dashboard files, an idle feed reads only the
// file's stamp, not the dashboard, and a file written by another process
// (another store over the directory) is followed.
func TestLiveStreamPollsAStampedStore(t *testing.T) {
	dir := t.TempDir()
	ds, err := store.OpenDir(dir)
	require.NoError(t, err)
	cd := &countingDir{Dir: ds}
	f := newFixture(t, func(c *web.Config) { c.Store = cd })
	_, err = cd.Create(context.Background(), users["ana"], mustGet(t, f, "chat"))
	require.NoError(t, err)
	srv := httptest.NewServer(f.h)
	t.Cleanup(srv.Close)
	ch, _ := f.stream(srv, "ana", "/api/dashboards/chat/live?range=last_30_days")
	next(t, ch, 5*time.Second)
	next(t, ch, 5*time.Second) // the reports, as no page showed them

	time.Sleep(1500 * time.Millisecond) // the first poll reads the dashboard once
	gets, polls := cd.gets.Load(), web.LivePolls(f.h)
	quiet(t, ch, 2500*time.Millisecond, "nothing changed")
	require.GreaterOrEqual(t, web.LivePolls(f.h)-polls, int64(2), "one poll a second")
	require.Equal(t, gets, cd.gets.Load(), "a poll whose stamp did not move reads no dashboard")

	other, err := store.OpenDir(dir)
	require.NoError(t, err)
	d, err := other.Get(context.Background(), users["ana"], "chat")
	require.NoError(t, err)
	d.Name = "Chat, written elsewhere"
	_, err = other.Save(context.Background(), users["ana"], d)
	require.NoError(t, err)
	ev := untilDashboard(t, ch, 5*time.Second)
	require.Equal(t, "Chat, written elsewhere", ev.Name)
	require.Equal(t, d.Version+1, ev.Version)
}
