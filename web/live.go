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
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/render"
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
)

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
	gen  int64
	runs atomic.Int64 // dashboard runs done for streams, for tests
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
	reports map[string]liveReport
	order   []string
	status  []byte // a final "status" event; the stream ends after it
	// shown holds, per report ID, the signature of what the stream's page
	// shows once its mailbox is written: its first run, then each state
	// the feed gives it. Streams of one feed may show different states (a
	// stream's first run may be older or newer than the feed's last).
	shown map[string]string
}

func newSubscriber() *subscriber { return &subscriber{wake: make(chan struct{}, 1)} }

// put merges reports, or a final status, into the mailbox.
func (s *subscriber) put(reports []liveReport, status []byte) {
	s.mu.Lock()
	if s.reports == nil {
		s.reports = map[string]liveReport{}
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
func (s *subscriber) take() (reports []liveReport, status []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range s.order {
		reports = append(reports, s.reports[id])
	}
	s.reports, s.order = nil, nil
	return reports, s.status
}

// liveReport is a report as a "reports" event carries it.
type liveReport struct {
	ID   string `json:"id"`
	Sig  string `json:"sig"` // as the card's data-sig
	Meta string `json:"meta"`
	// HTML is the card's chart, as the page's chart template draws it.
	HTML string `json:"html"`
	// Points lists each point's drill-down parameter, counts and texts,
	// so that an open drill-down dialog can tell whether its rows changed
	// and say what its point is now; none for a stale report.
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
	// The page says what it shows (sigs=id:sig,…): the first event
	// redraws only what changed since it was drawn.
	shown := map[string]string{}
	for _, kv := range strings.Split(r.URL.Query().Get("sigs"), ",") {
		if id, sig, ok := strings.Cut(kv, ":"); ok {
			shown[id] = sig
		}
	}
	st, err := h.newLiveState(first, r, v)
	if err != nil {
		return err
	}
	reports, err := st.since(shown)
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

	sub, fd, unsupported := h.live.join(r, v, st.sig, gen)
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
	// The first "reports" event brings a page loaded before the stream
	// opened up to date.
	if write("status", status) != nil || len(reports) > 0 && write("reports", map[string]any{"reports": reports}) != nil {
		return nil
	}
	beat := time.NewTicker(liveHeartbeat)
	defer beat.Stop()
	for {
		select {
		case <-r.Context().Done():
			return nil
		case <-sub.wake:
			reports, final := sub.take()
			if len(reports) > 0 && write("reports", map[string]any{"reports": reports}) != nil {
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

// liveState is a run as the streams see it: each report's points and
// signature, its chart drawn the first time a stream needs it.
type liveState struct {
	h       *handler
	cards   []reportCard
	reports []liveReport
	drawn   []bool
	// sig holds each report's signature, by ID.
	sig map[string]string
}

// newLiveState draws the cards of run as the page draws them for v, the
// viewer of the streams of one feed: with the editor's links for one who
// may edit, carrying the period of r.
func (h *handler) newLiveState(run *run, r *http.Request, v access.Viewer) (*liveState, error) {
	cards, err := h.cards(run, run.d.Can(v, access.Edit), editQuery(r.URL.Query()))
	if err != nil {
		return nil, err
	}
	st := &liveState{h: h, cards: cards, drawn: make([]bool, len(cards)), sig: map[string]string{}}
	// Every report of the dashboard, a stale one (no points) included.
	for _, c := range cards {
		lr := c.live
		// A stale report has no points: none is in its chart.
		lr.ID, lr.Meta, lr.Sig = c.ID, c.Meta, c.Sig
		if lr.Points == nil {
			lr.Points = []livePoint{}
		}
		st.sig[c.ID] = lr.Sig
		st.reports = append(st.reports, lr)
	}
	return st, nil
}

// since returns the reports whose signatures differ from old, drawn.
func (st *liveState) since(old map[string]string) ([]liveReport, error) {
	var out []liveReport
	for i := range st.reports {
		lr := &st.reports[i]
		if old[lr.ID] == lr.Sig {
			continue
		}
		if !st.drawn[i] {
			var buf bytes.Buffer
			if err := st.h.pages["dashboard"].ExecuteTemplate(&buf, "chart", st.cards[i]); err != nil {
				return nil, err
			}
			lr.HTML, st.drawn[i] = buf.String(), true
		}
		out = append(out, *lr)
	}
	return out, nil
}

// feedKey says which streams may share a feed: the same dashboard and
// period, for the same viewer (scope, teams and rights included); what
// each page showed (sigs) does not matter after its first event.
func feedKey(r *http.Request, v access.Viewer) string {
	vb, _ := json.Marshal(v)
	q := r.URL.Query()
	q.Del("sigs")
	return r.PathValue("id") + "\x00" + q.Encode() + "\x00" + string(vb)
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

// join subscribes a stream that shows shown (its first run) to its feed,
// creating the feed (and the source watch) when it is the first. When the
// data may have changed since gen, before the stream's first run, the
// feed reruns: the change's own signal may have come and gone. It returns
// the error that says why the stream cannot be live, if it cannot.
func (hub *liveHub) join(r *http.Request, v access.Viewer, shown map[string]string, gen int64) (*subscriber, *feed, error) {
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
		fd = &feed{hub: hub, key: key, r: fr, v: v, subs: map[*subscriber]struct{}{}, dirty: make(chan struct{}, 1), cancel: cancel}
		hub.feeds[key] = fd
		go fd.loop(ctx)
	}
	sub := newSubscriber()
	sub.shown = shown
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
}

// markDirty has the feed rerun.
func (fd *feed) markDirty() {
	select {
	case fd.dirty <- struct{}{}:
	default:
	}
}

// loop reruns the feed's dashboard after each change, at most once every
// liveInterval, and sends the reports whose points changed.
func (fd *feed) loop(ctx context.Context) {
	h := fd.hub.h
	for {
		select {
		case <-ctx.Done():
			return
		case <-fd.dirty:
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
				b, _ := json.Marshal(map[string]any{"live": false, "gone": true, "reason": e.Message})
				fd.end(b)
				return
			}
			h.cfg.Logger.Error("live dashboards: a run failed", "dashboard", fd.r.PathValue("id"), "err", err)
		default:
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

// send gives each stream of the feed the reports of st that differ from
// what it shows.
func (fd *feed) send(st *liveState) error {
	fd.mu.Lock()
	defer fd.mu.Unlock()
	for sub := range fd.subs {
		reports, err := st.since(sub.shown)
		if err != nil {
			return err
		}
		sub.shown = st.sig
		if len(reports) > 0 {
			sub.put(reports, nil)
		}
	}
	return nil
}

// end gives the feed's streams a final status.
func (fd *feed) end(status []byte) {
	fd.mu.Lock()
	defer fd.mu.Unlock()
	for sub := range fd.subs {
		sub.put(nil, status)
	}
}
