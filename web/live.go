package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/render"
	"github.com/convreport/convreport/store"
)

// Live dashboards. An open dashboard page subscribes to
//
//	GET api/dashboards/{id}/live?range=…&tz=…
//
// a Server-Sent Events stream. Its first event, "status", says whether the
// stream is live ({"live": true}, or false with the reason when the source
// has no change feed); then each "reports" event carries the reports whose
// numbers changed, drawn as the page draws them, so the page swaps its
// charts in place.
//
// Streams that ask for the same dashboard, period and viewer share one
// feed: a change of the source marks every feed dirty, and each feed runs
// its dashboard once, at most once a second, however many browser tabs
// follow it. A feed sends each stream only the reports whose points differ
// from what that stream shows, so an idle stream costs nothing but a
// comment every liveHeartbeat.
//
// The stream follows the dashboard's definition too: a report renamed,
// drawn as another chart, added, removed or moved, or the dashboard
// renamed, comes as a "dashboard" event before any "reports" event of the
// same run: the dashboard's version, name and order of reports, with each
// card new to the page or whose definition changed drawn whole, so that
// the page redraws them in place. Its "page" signature covers the rest of
// what the page shows of the dashboard (saved filters, access, the
// viewer's rights): when it differs from the page's, the page draws
// itself again. The page says what it shows (version, created, and each
// card's definition beside its points in sigs); a stream that does not
// is taken to show its first run.
//
// Changes made through this handler rerun the feeds of their dashboard
// at once (dashboardChanged). Changes made elsewhere (another server over
// the same store, a file edited, an embedder's own code) are found by
// each feed reading the dashboard's version from the store every
// livePoll, with the feed's viewer (after its stamp, where the store is
// a store.Stamper): a version or creation that moved, or a dashboard gone
// or no longer visible, reruns the feed.
//
// A stream runs the dashboard once before it follows a feed. A change
// that lands in between (before the source watch started, or while the
// feed reran for other tabs) must not be lost: the hub counts the change
// signals and the starts of the watch, and a stream whose count moved
// since before its first run has its feed rerun once it follows it. Every run is
// the viewer's own, scope included, and checks access again: a dashboard
// no longer shared ends the stream with a "status" event saying so.

const (
	// liveInterval is the least time between two runs of one feed.
	liveInterval = time.Second
	// liveHeartbeat keeps proxies from closing a quiet stream.
	liveHeartbeat = 25 * time.Second
	// liveRetry is how long a browser waits before it reconnects.
	liveRetry = 2 * time.Second
	// livePoll is how often a feed reads its dashboard's version from the
	// store, for changes made behind this handler: a stamp or a Get (see
	// moved), no run.
	livePoll = liveInterval
)

// goneReason is what a stream's page says when its dashboard is no longer
// there for its viewer. A dashboard deleted and one no longer shared with
// the viewer read alike, as they do to the API (404 for both): a viewer
// who may not see a dashboard learns nothing of it, not even that it
// still exists.
const goneReason = "It was deleted, or its access changed so that you may no longer see it."

// liveHub holds the feeds of a handler and the source watch they share,
// which runs only while some feed exists.
type liveHub struct {
	h     *handler
	mu    sync.Mutex
	feeds map[string]*feed
	// stopWatch ends the source watch; nil when none runs.
	stopWatch context.CancelFunc
	// unsupported is set when the engine's source has no change feed.
	unsupported error
	// gen counts what may have changed the data since a stream's first
	// run without that stream's feed hearing of it: each change signal,
	// and each start of the watch (changes before it went unsignalled).
	gen   int64
	runs  atomic.Int64 // dashboard runs done for streams, for tests
	polls atomic.Int64 // reads of a dashboard's version, for tests
	// watchers are the report editors' streams (editwatch.go), by
	// dashboard ID, each woken by dashboardChanged.
	watchers map[string]map[chan struct{}]struct{}
}

// feed is one dashboard, period and viewer, followed by one or more
// streams.
type feed struct {
	hub    *liveHub
	key    string
	r      *http.Request // the first stream's request: the dashboard, period and viewer
	v      access.Viewer
	dirty  chan struct{}
	cancel context.CancelFunc
	// seen is the version and creation (defKey) of the dashboard of the
	// feed's last run, which livePoll compares, and stamp the store's
	// stamp of it when last read (see moved); only loop reads and writes
	// them once the feed runs.
	seen, stamp string
	// mu guards subs and each subscriber's shown; hub.mu, when both are
	// held, is taken first.
	mu   sync.Mutex
	subs map[*subscriber]struct{}
}

// subscriber is one stream's mailbox. Changes merge into it while the
// stream writes (a report's newer drawing replaces an older one), so a
// slow stream skips intermediate states but never a report's last one.
type subscriber struct {
	wake    chan struct{} // one pending wake-up at most
	mu      sync.Mutex
	dash    *liveDash // a pending "dashboard" event, written first
	reports map[string]liveReport
	order   []string
	status  []byte // a final "status" event; the stream ends after it
	// shown is what the stream's page shows once its mailbox is written:
	// its first run, then each state the feed gives it. Streams of one
	// feed may show different states (a stream's first run may be older
	// or newer than the feed's last).
	shown liveShown
}

// liveShown is what a page shows of its dashboard.
type liveShown struct {
	// key is the dashboard's version and creation (defKey).
	key string
	// sig and def hold, by report ID, the signatures of the card's points
	// and of the report's definition.
	sig, def map[string]string
}

func newSubscriber() *subscriber { return &subscriber{wake: make(chan struct{}, 1)} }

// put merges a dashboard's definition, reports, or a final status, into
// the mailbox. A newer definition keeps the cards an older one drew that
// the page still needs, and a card drawn whole replaces the older
// drawing of its chart.
func (s *subscriber) put(dash *liveDash, reports []liveReport, status []byte) {
	s.mu.Lock()
	if s.reports == nil {
		s.reports = map[string]liveReport{}
	}
	if dash != nil {
		merged := *dash
		if old := s.dash; old != nil {
			fresh := map[string]bool{}
			for _, c := range dash.Cards {
				fresh[c.ID] = true
			}
			kept := map[string]bool{}
			for _, id := range dash.Order {
				kept[id] = true
			}
			var cards []liveReport
			for _, c := range old.Cards {
				if kept[c.ID] && !fresh[c.ID] {
					cards = append(cards, c)
				}
			}
			merged.Cards = append(cards, dash.Cards...)
		}
		s.dash = &merged
		for _, c := range dash.Cards {
			if _, ok := s.reports[c.ID]; ok {
				delete(s.reports, c.ID)
				s.order = slices.DeleteFunc(s.order, func(id string) bool { return id == c.ID })
			}
		}
	}
	for _, r := range reports {
		if _, ok := s.reports[r.ID]; !ok {
			s.order = append(s.order, r.ID)
		}
		s.reports[r.ID] = r
	}
	if status != nil {
		s.status = status
	}
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// take empties the mailbox.
func (s *subscriber) take() (dash *liveDash, reports []liveReport, status []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range s.order {
		reports = append(reports, s.reports[id])
	}
	dash = s.dash
	s.dash, s.reports, s.order = nil, nil, nil
	return dash, reports, s.status
}

// liveDash is the dashboard as a "dashboard" event carries it.
type liveDash struct {
	Version int64  `json:"version"`
	Created string `json:"created"` // as the page's data-created
	Name    string `json:"name"`
	// Count is how many reports it has, CountText what the page says of
	// it ("3 reports", "8 of 10 reports").
	Count     int    `json:"count"`
	CountText string `json:"count_text"`
	// Page is the page's data-page (pageSig): when it differs, the page
	// draws itself again rather than only what follows.
	Page string `json:"page"`
	// Order lists the reports' IDs in the dashboard's order: the page
	// removes the cards it does not name.
	Order []string `json:"order"`
	// Cards are the reports new to the page or whose definition changed,
	// each with its whole card.
	Cards []liveReport `json:"cards"`
}

// liveReport is a report as a "reports" event carries it.
type liveReport struct {
	ID   string `json:"id"`
	Sig  string `json:"sig"` // as the card's data-sig
	Def  string `json:"def"` // as the card's data-def
	Meta string `json:"meta"`
	// Title is the report's title, which an open drill-down dialog's
	// subtitle names.
	Title string `json:"title"`
	// HTML is the card's chart, as the page's chart template draws it;
	// in a "dashboard" event, Card is the whole card instead.
	HTML string `json:"html,omitempty"`
	Card string `json:"card,omitempty"`
	// Points lists each point's drill-down parameter, counts and texts,
	// so that an open drill-down dialog can tell whether its rows changed
	// and say what its point is now; none for a stale report, or one
	// not run in this period.
	Points []livePoint `json:"points"`
	// Unit is the unit of the report's values ("conversations",
	// "seconds", "percent"), which says how the dialog's subtitle reads.
	Unit string `json:"unit,omitempty"`
	// ExcludedReason is why the measure leaves conversations out ("no
	// agent reply yet"), for an open dialog's note of how many a point
	// leaves out when it had none before.
	ExcludedReason string `json:"excluded_reason,omitempty"`
	// CompareLabel names the compared period ("previous 30 days") when
	// the run compares, for the dialog's note of a point's compared value.
	CompareLabel string `json:"compare_label,omitempty"`
}

type livePoint struct {
	// Point is the "point" parameter of its drill-down URL: the point's
	// dimensions, or for the Other point of a time series the bucket it
	// folds (there is one in each bucket), "" for a lone Other point.
	Point string `json:"point"`
	Other bool   `json:"other,omitempty"`
	// Count, Excluded and Previous are what the point's three lists
	// total, so that an open dialog compares the list it shows: the
	// conversations behind the point, those its measure leaves out, and
	// the point's in the compared period (absent when there is none).
	Count    int64  `json:"count"`
	Excluded int64  `json:"excluded,omitempty"`
	Previous *int64 `json:"previous,omitempty"`
	// ValueText is the point's value, PreviousText its compared value and
	// Change the change between them, as the drill-down API writes them
	// (value_text, previous.value_text, previous.change): an open dialog
	// says them as they are now.
	ValueText    string `json:"value_text"`
	PreviousText string `json:"previous_text,omitempty"`
	Change       string `json:"change,omitempty"`
}

// newLiveReport is the report of card, whose result is res, as the live
// stream sends it: each point as the drill-down API would say it (see
// pointView.addNotes), so that an open dialog agrees with its chart.
func newLiveReport(card reportCard, res convreport.Result, spec render.ChartSpec, jr render.JSONReport) liveReport {
	lr := liveReport{ID: card.ID, Meta: card.Meta, Sig: card.Sig, Unit: spec.Y.Unit,
		ExcludedReason: res.Report.Measure.ExcludedReason(), CompareLabel: render.CompareLabel(res),
		Points: make([]livePoint, len(res.Points))}
	for j, p := range res.Points {
		lp := livePoint{Point: drillPoint(jr.Points[j]), Other: p.Other, Count: p.Count,
			Excluded: p.Excluded, Previous: jr.Points[j].PreviousCount, ValueText: render.FormatValue(p.Value, spec.Y.Unit)}
		if pp := p.Previous; pp != nil {
			lp.PreviousText, lp.Change = render.FormatValue(pp.Value, spec.Y.Unit), render.Change(p.Value, pp.Value)
		}
		lr.Points[j] = lp
	}
	return lr
}

// drillPoint is the "point" parameter of p's drill-down URL (drillURL
// writes it), so that the page can tell which point an open dialog shows:
// an Other point's is its bucket, or none outside a time series.
func drillPoint(p render.JSONPoint) string {
	if p.Other {
		b, known, ok := p.Dimensions.Get("bucket")
		if !ok || !known {
			return ""
		}
		raw, err := json.Marshal(map[string]string{"bucket": b})
		if err != nil {
			return ""
		}
		return string(raw)
	}
	raw, err := p.Dimensions.MarshalJSON()
	if err != nil {
		return ""
	}
	return string(raw)
}

// GET /api/dashboards/{id}/live?range=…&tz=…
func (h *handler) liveStream(w http.ResponseWriter, r *http.Request, v access.Viewer) error {
	// Access and the query are checked, and the dashboard run once, before
	// the stream starts, so a bad request still answers with a JSON error.
	// gen, taken before that run, tells join whether the data may have
	// changed since without the feed hearing of it.
	gen := h.live.generation()
	ctx, cancel := h.runContext(r.Context())
	first, err := h.runForLive(r.WithContext(ctx), v)
	cancel()
	if err != nil {
		return err
	}
	fl, ok := w.(http.Flusher)
	if !ok {
		return errors.New("web: the response writer cannot stream")
	}
	st, err := h.newLiveState(first, r, v)
	if err != nil {
		return err
	}
	// The page says what it shows: the first events redraw only what
	// changed since it was drawn.
	dash, reports, err := st.since(pageShows(r.URL.Query(), st))
	if err != nil {
		return err
	}
	// A stream lasts as long as its page: lift a server's write timeout
	// (where the writer allows it) and bound each write instead.
	rc := http.NewResponseController(w)
	_ = rc.SetWriteDeadline(time.Time{})
	hd := w.Header()
	hd.Set("Content-Type", "text/event-stream")
	hd.Set("Cache-Control", "no-store")
	hd.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)

	sub, fd, unsupported := h.live.join(r, v, st, gen)
	defer h.live.leave(fd, sub)
	status := map[string]any{"live": unsupported == nil}
	var setup *convreport.WatchSetupError
	switch {
	case errors.Is(unsupported, convreport.ErrUnsupported):
		status["reason"] = "The data source does not tell of its changes: reload the page to see new data."
	case errors.As(unsupported, &setup):
		// Reloading will not help until someone sets the data up: say
		// what is missing and how to fix it.
		status["reason"] = "The data source is not set up to tell of its changes (" + setup.Missing + "): " + setup.Fix + ", then reload the page."
	case unsupported != nil:
		status["reason"] = "Following the data's changes failed: reload the page to try again."
	}
	write := func(event string, v any) error {
		data, err := json.Marshal(v)
		if err != nil {
			return err
		}
		if _, err := fmt.Fprintf(w, "event: %s\ndata: %s\n\n", event, data); err != nil {
			return err
		}
		fl.Flush()
		return nil
	}
	fmt.Fprintf(w, "retry: %d\n\n", liveRetry.Milliseconds())
	// A definition first, then the reports whose points changed: the
	// cards they redraw may be new.
	send := func(dash *liveDash, reports []liveReport) error {
		if dash != nil {
			if err := write("dashboard", dash); err != nil {
				return err
			}
		}
		if len(reports) > 0 {
			return write("reports", map[string]any{"reports": reports})
		}
		return nil
	}
	// The first events bring a page loaded before the stream opened up
	// to date.
	if write("status", status) != nil || send(dash, reports) != nil {
		return nil
	}
	beat := time.NewTicker(liveHeartbeat)
	defer beat.Stop()
	for {
		select {
		case <-r.Context().Done():
			return nil
		case <-sub.wake:
			dash, reports, final := sub.take()
			if send(dash, reports) != nil {
				return nil
			}
			if final != nil {
				fmt.Fprintf(w, "event: status\ndata: %s\n\n", final)
				fl.Flush()
				return nil
			}
		case <-beat.C:
			if _, err := fmt.Fprint(w, ": ping\n\n"); err != nil {
				return nil
			}
			fl.Flush()
		}
	}
}

// runForLive is a stream's run, as the page shows it rather than failing
// the stream: without the dashboard's saved filters when they no longer
// check, and without the reports whose own filters no longer check.
func (h *handler) runForLive(r *http.Request, v access.Viewer) (*run, error) {
	return h.runOf(r, v, runMode{skipSaved: true, skipStale: true})
}

// runContext bounds one run of a stream as a request is bounded.
func (h *handler) runContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if h.cfg.RequestTimeout > 0 {
		return context.WithTimeoutCause(ctx, h.cfg.RequestTimeout, errRequestTimeout)
	}
	return context.WithCancel(ctx)
}

// liveState is a run as the streams see it: the dashboard's definition,
// each report's points and signatures, its chart and its whole card drawn
// the first time a stream needs them.
type liveState struct {
	h       *handler
	cards   []reportCard
	reports []liveReport
	// charts and wholes hold each report's chart and whole card, once drawn.
	charts, wholes []string
	dash           liveDash // without cards
	shown          liveShown
}

// newLiveState draws the cards of run as the page draws them for v, the
// viewer of the streams of one feed: with the editor's links for one who
// may edit, carrying the period of r.
func (h *handler) newLiveState(run *run, r *http.Request, v access.Viewer) (*liveState, error) {
	cards, err := h.cards(run, run.d.Can(v, access.Edit), editQuery(r.URL.Query()))
	if err != nil {
		return nil, err
	}
	d := run.stored
	note, full := h.reportsNote(len(d.Reports))
	page, err := pageSig(d, v, full)
	if err != nil {
		return nil, err
	}
	st := &liveState{h: h, cards: cards, charts: make([]string, len(cards)), wholes: make([]string, len(cards)),
		dash: liveDash{Version: d.Version, Created: d.CreatedAt.Format(time.RFC3339Nano), Name: d.Name,
			Count: len(d.Reports), CountText: countText(note, len(d.Reports)), Page: page, Order: []string{}},
		shown: liveShown{key: defKey(d), sig: map[string]string{}, def: map[string]string{}}}
	// Every report of the dashboard, a stale one (no points) included.
	for _, c := range cards {
		lr := c.live
		// A stale report, or one not run in this period, has no points:
		// none is in its chart.
		lr.ID, lr.Meta, lr.Sig, lr.Def, lr.Title = c.ID, c.Meta, c.Sig, c.Def, c.Title
		if lr.Points == nil {
			lr.Points = []livePoint{}
		}
		st.shown.sig[c.ID], st.shown.def[c.ID] = lr.Sig, lr.Def
		st.dash.Order = append(st.dash.Order, c.ID)
		st.reports = append(st.reports, lr)
	}
	return st, nil
}

// pageShows is what the page of a stream's request q shows: the version
// and creation of its dashboard (version, created) and each card's
// signatures (sigs=id:sig:def,…). A page that does not name its version
// is taken to show the definition of st, the stream's first run.
func pageShows(q url.Values, st *liveState) liveShown {
	shown := liveShown{key: q.Get("version") + " " + q.Get("created"), sig: map[string]string{}, def: map[string]string{}}
	for _, kv := range strings.Split(q.Get("sigs"), ",") {
		id, rest, ok := strings.Cut(kv, ":")
		if !ok {
			continue
		}
		sig, def, _ := strings.Cut(rest, ":")
		shown.sig[id], shown.def[id] = sig, def
	}
	if !q.Has("version") {
		shown.key, shown.def = st.shown.key, st.shown.def
	}
	return shown
}

// since returns what a page that shows old needs to show st: the
// dashboard's definition, with the cards new to it or whose definition
// changed drawn whole, when any of it changed; then the reports whose
// points alone changed, drawn.
func (st *liveState) since(old liveShown) (*liveDash, []liveReport, error) {
	var cards, reports []liveReport
	moved := old.key != st.shown.key || len(old.def) != len(st.shown.def)
	for i := range st.reports {
		lr := st.reports[i]
		switch {
		case old.def[lr.ID] != lr.Def:
			moved = true
			if st.wholes[i] == "" {
				var buf bytes.Buffer
				if err := st.h.pages["dashboard"].ExecuteTemplate(&buf, "card", st.cards[i]); err != nil {
					return nil, nil, err
				}
				st.wholes[i] = buf.String()
			}
			lr.Card = st.wholes[i]
			cards = append(cards, lr)
		case old.sig[lr.ID] != lr.Sig:
			if st.charts[i] == "" {
				var buf bytes.Buffer
				if err := st.h.pages["dashboard"].ExecuteTemplate(&buf, "chart", st.cards[i]); err != nil {
					return nil, nil, err
				}
				st.charts[i] = buf.String()
			}
			lr.HTML = st.charts[i]
			reports = append(reports, lr)
		}
	}
	if !moved {
		return nil, reports, nil
	}
	dash := st.dash
	dash.Cards = cards
	return &dash, reports, nil
}

// feedKey says which streams may share a feed: the same dashboard and
// period, for the same viewer (scope, teams and rights included); what
// each page showed (sigs, version, created) does not matter after its
// first event.
func feedKey(r *http.Request, v access.Viewer) string {
	vb, _ := json.Marshal(v)
	q := r.URL.Query()
	for _, k := range []string{"sigs", "version", "created"} {
		q.Del(k)
	}
	return r.PathValue("id") + "\x00" + q.Encode() + "\x00" + string(vb)
}

// defKey is what tells one definition of a dashboard from another: its
// version, and its creation (a dashboard deleted and created again under
// its ID starts at version 1 anew).
func defKey(d convreport.Dashboard) string {
	return strconv.FormatInt(d.Version, 10) + " " + d.CreatedAt.Format(time.RFC3339Nano)
}

// defSig is a short hash of a report's definition as saved: what its card
// shows besides its numbers (title, chart type, description).
func defSig(rep convreport.Report) (string, error) {
	b, err := json.Marshal(rep)
	if err != nil {
		return "", err
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:8]), nil
}

// pageSig is a short hash of what the dashboard page shows of d for v
// besides its name, its reports and their count: the saved filters, the
// calendar, the owner and the access setting, v's rights to it, and
// whether it has room for another report (full). A page whose pageSig
// changed draws itself again: its controls (Edit links, the Manage menu,
// the row of filters) are no longer those it has.
func pageSig(d convreport.Dashboard, v access.Viewer, full bool) (string, error) {
	b, err := json.Marshal(struct {
		Owner      string
		Visibility access.Visibility
		Grants     []access.Grant
		Calendar   string
		Filters    []convreport.Condition
		Created    time.Time
		Edit       bool
		Share      bool
		Delete     bool
		Full       bool
	}{d.Owner, d.Visibility, d.Grants, d.Calendar, d.Filters, d.CreatedAt,
		d.Can(v, access.Edit), d.Can(v, access.Share), d.Can(v, access.Delete), full})
	if err != nil {
		return "", err
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:8]), nil
}

// countText is what the page says of a dashboard's n reports: the plan's
// note when it caps them, else how many.
func countText(note string, n int) string {
	if note != "" {
		return note
	}
	if n == 1 {
		return "1 report"
	}
	return strconv.Itoa(n) + " reports"
}

// pointsSig is a short hash of a report's points, exact values included:
// what a change of the report means (its chart's links differ at every
// run, as they pin its Now). The conversations each point leaves out
// count too, though the chart does not show them: a drill-down dialog
// listing them must hear of their change.
func pointsSig(r render.JSONReport, res convreport.Result) (string, error) {
	excluded := make([]int64, len(res.Points))
	for i, p := range res.Points {
		excluded[i] = p.Excluded
	}
	b, err := json.Marshal(struct {
		Points   []render.JSONPoint
		Excluded []int64
	}{r.Points, excluded})
	if err != nil {
		return "", err
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:8]), nil
}

// generation returns the count that join compares: take it before a
// stream's first run.
func (hub *liveHub) generation() int64 {
	hub.mu.Lock()
	defer hub.mu.Unlock()
	return hub.gen
}

// join subscribes a stream that shows shown (its first run, drawn as the
// stream's first events left its page) to its feed,
// creating the feed (and the source watch) when it is the first. When the
// data may have changed since gen, before the stream's first run, the
// feed reruns: the change's own signal may have come and gone. It returns
// the error that says why the stream cannot be live, if it cannot.
func (hub *liveHub) join(r *http.Request, v access.Viewer, shown *liveState, gen int64) (*subscriber, *feed, error) {
	hub.mu.Lock()
	defer hub.mu.Unlock()
	if hub.feeds == nil {
		hub.feeds = map[string]*feed{}
	}
	var watchErr error
	if hub.stopWatch == nil && hub.unsupported == nil {
		watchErr = hub.startWatch()
	}
	key := feedKey(r, v)
	fd := hub.feeds[key]
	if fd == nil {
		ctx, cancel := context.WithCancel(context.Background())
		// The feed outlives the request that created it: keep only what
		// identifies the dashboard, period and viewer.
		fr := r.Clone(ctx)
		fd = &feed{hub: hub, key: key, r: fr, v: v, subs: map[*subscriber]struct{}{}, dirty: make(chan struct{}, 1), cancel: cancel,
			seen: shown.shown.key}
		hub.feeds[key] = fd
		go fd.loop(ctx)
	}
	sub := newSubscriber()
	sub.shown = shown.shown
	fd.mu.Lock()
	fd.subs[sub] = struct{}{}
	fd.mu.Unlock()
	if hub.gen != gen {
		fd.markDirty()
	}
	if hub.unsupported != nil {
		return sub, fd, hub.unsupported
	}
	return sub, fd, watchErr
}

// leave unsubscribes a stream; the last stream of a feed ends it, and the
// last feed ends the source watch.
func (hub *liveHub) leave(fd *feed, sub *subscriber) {
	hub.mu.Lock()
	defer hub.mu.Unlock()
	fd.mu.Lock()
	delete(fd.subs, sub)
	left := len(fd.subs)
	fd.mu.Unlock()
	if left > 0 {
		return
	}
	fd.cancel()
	delete(hub.feeds, fd.key)
	if len(hub.feeds) == 0 && hub.stopWatch != nil {
		hub.stopWatch()
		hub.stopWatch = nil
	}
}

// startWatch follows the source's changes, marking every feed dirty on
// each; a lost watch is started again after a pause. hub.mu is held.
func (hub *liveHub) startWatch() error {
	ctx, cancel := context.WithCancel(context.Background())
	ch, err := hub.h.cfg.Engine.Watch(ctx)
	if err != nil {
		cancel()
		if errors.Is(err, convreport.ErrUnsupported) {
			hub.unsupported = err
			return err
		}
		// Any other failure may pass (a database restarting): the next
		// stream to open tries again.
		hub.h.cfg.Logger.Error("live dashboards: watching the source failed", "err", err)
		return err
	}
	hub.stopWatch = cancel
	hub.gen++
	go func() {
		for {
			for c := range ch {
				if c.Err != nil {
					hub.h.cfg.Logger.Error("live dashboards: the source's change feed failed", "err", c.Err)
					continue
				}
				hub.markDirty()
			}
			// The channel closed: the watch ended, or failed and is retried.
			select {
			case <-ctx.Done():
				return
			case <-time.After(liveRetry):
			}
			var err error
			if ch, err = hub.h.cfg.Engine.Watch(ctx); err != nil {
				hub.h.cfg.Logger.Error("live dashboards: watching the source again failed", "err", err)
				ch = closedChange
			} else {
				hub.markDirty() // changes during the gap
			}
		}
	}()
	return nil
}

var closedChange = func() chan convreport.Change {
	c := make(chan convreport.Change)
	close(c)
	return c
}()

func (hub *liveHub) markDirty() {
	hub.mu.Lock()
	defer hub.mu.Unlock()
	hub.gen++
	for _, fd := range hub.feeds {
		fd.markDirty()
	}
}

// dashboardChanged has the feeds of dashboard id rerun: an edit, a share
// or a delete changes what they show, or whether their viewers may still
// see it, and a rerun ends the streams of those who may not.
func (hub *liveHub) dashboardChanged(id string) {
	hub.mu.Lock()
	defer hub.mu.Unlock()
	for _, fd := range hub.feeds {
		if fd.r.PathValue("id") == id {
			fd.markDirty()
		}
	}
	for ch := range hub.watchers[id] {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

// watchDashboard returns a channel that dashboardChanged wakes for
// dashboard id, and the function that stops it.
func (hub *liveHub) watchDashboard(id string) (<-chan struct{}, func()) {
	ch := make(chan struct{}, 1)
	hub.mu.Lock()
	defer hub.mu.Unlock()
	if hub.watchers == nil {
		hub.watchers = map[string]map[chan struct{}]struct{}{}
	}
	if hub.watchers[id] == nil {
		hub.watchers[id] = map[chan struct{}]struct{}{}
	}
	hub.watchers[id][ch] = struct{}{}
	return ch, func() {
		hub.mu.Lock()
		defer hub.mu.Unlock()
		delete(hub.watchers[id], ch)
		if len(hub.watchers[id]) == 0 {
			delete(hub.watchers, id)
		}
	}
}

// markDirty has the feed rerun.
func (fd *feed) markDirty() {
	select {
	case fd.dirty <- struct{}{}:
	default:
	}
}

// loop reruns the feed's dashboard after each change, at most once every
// liveInterval, and sends what changed: the definition, the reports whose
// points changed. Between runs it reads the dashboard's version every
// livePoll, for changes made behind the handler.
func (fd *feed) loop(ctx context.Context) {
	h := fd.hub.h
	poll := time.NewTicker(livePoll)
	defer poll.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-fd.dirty:
		case <-poll.C:
			if !fd.moved(ctx) {
				continue
			}
		}
		fd.hub.runs.Add(1)
		rctx, cancel := h.runContext(ctx)
		run, err := h.runForLive(fd.r.WithContext(rctx), fd.v)
		cancel()
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			var e *Error
			if errors.As(err, &e) && (e.Status == http.StatusNotFound || e.Status == http.StatusForbidden) {
				// No longer visible to this viewer: say so, and stop.
				b, _ := json.Marshal(map[string]any{"live": false, "gone": true, "reason": goneReason})
				fd.end(b)
				return
			}
			h.cfg.Logger.Error("live dashboards: a run failed", "dashboard", fd.r.PathValue("id"), "err", err)
		default:
			fd.seen = defKey(run.stored)
			st, err := h.newLiveState(run, fd.r, fd.v)
			if err == nil {
				err = fd.send(st)
			}
			if err != nil {
				h.cfg.Logger.Error("live dashboards: drawing a run failed", "dashboard", fd.r.PathValue("id"), "err", err)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(liveInterval):
		}
	}
}

// moved reads the feed's dashboard from the store, as its viewer: it
// tells whether the feed must rerun, because the dashboard's definition
// is not that of the last run, or the viewer may no longer see it. A
// store that fails says nothing: the next poll asks again, and a rerun
// would fail the same way.
//
// A store that stamps its dashboards (store.Stamper, as store.Dir does)
// is asked for the stamp first, which costs a file read where Get decodes
// and checks the whole dashboard: the dashboard is read only when the
// stamp moved since the last read. The stamp is taken before the read, so
// that a change between the two is seen at the next poll.
func (fd *feed) moved(ctx context.Context) bool {
	h := fd.hub.h
	id := fd.r.PathValue("id")
	fd.hub.polls.Add(1)
	gctx, cancel := h.runContext(ctx)
	defer cancel()
	stamp := ""
	if sp, ok := h.cfg.Store.(store.Stamper); ok {
		var err error
		if stamp, err = sp.Stamp(gctx, id); err == nil && stamp != "" && stamp == fd.stamp {
			return false
		}
	}
	d, err := h.cfg.Store.Get(gctx, fd.v, id)
	switch {
	case errors.Is(err, convreport.ErrNotFound) || errors.Is(err, access.ErrForbidden):
		return true
	case err != nil:
		return false
	}
	fd.stamp = stamp
	return defKey(d) != fd.seen
}

// send gives each stream of the feed what of st differs from what it
// shows.
func (fd *feed) send(st *liveState) error {
	fd.mu.Lock()
	defer fd.mu.Unlock()
	for sub := range fd.subs {
		dash, reports, err := st.since(sub.shown)
		if err != nil {
			return err
		}
		sub.shown = st.shown
		if dash != nil || len(reports) > 0 {
			sub.put(dash, reports, nil)
		}
	}
	return nil
}

// end gives the feed's streams a final status.
func (fd *feed) end(status []byte) {
	fd.mu.Lock()
	defer fd.mu.Unlock()
	for sub := range fd.subs {
		sub.put(nil, nil, status)
	}
}
