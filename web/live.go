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
// follow it. A feed sends only reports whose points changed, so an idle
// stream costs nothing but a comment every liveHeartbeat. Every run is
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
	runs        atomic.Int64 // dashboard runs done for streams, for tests
}

// feed is one dashboard, period and viewer, followed by one or more
// streams.
type feed struct {
	hub    *liveHub
	key    string
	r      *http.Request // the first stream's request: the dashboard, period and viewer
	v      access.Viewer
	subs   map[*subscriber]struct{}
	dirty  chan struct{}
	cancel context.CancelFunc
	// sig holds, per report ID, the points last sent (or first run).
	sig map[string]string
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
	// Points lists each point's drill-down parameter and count, so that
	// an open drill-down dialog can tell whether its rows changed.
	Points []livePoint `json:"points"`
}

type livePoint struct {
	Point string `json:"point"` // the "point" parameter of its drill-down URL
	Other bool   `json:"other,omitempty"`
	Count int64  `json:"count"`
}

// GET /api/dashboards/{id}/live?range=…&tz=…
func (h *handler) liveStream(w http.ResponseWriter, r *http.Request, v access.Viewer) error {
	// Access and the query are checked, and the dashboard run once, before
	// the stream starts, so a bad request still answers with a JSON error.
	ctx, cancel := h.runContext(r.Context())
	first, err := h.runFor(r.WithContext(ctx), v)
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
	reports, sig, err := h.liveReports(first, shown)
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

	sub, fd, unsupported := h.live.join(r, v, sig)
	defer h.live.leave(fd, sub)
	status := map[string]any{"live": unsupported == nil}
	if unsupported != nil {
		status["reason"] = "The data source does not tell of its changes: reload the page to see new data."
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

// runContext bounds one run of a stream as a request is bounded.
func (h *handler) runContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if h.cfg.RequestTimeout > 0 {
		return context.WithTimeoutCause(ctx, h.cfg.RequestTimeout, errRequestTimeout)
	}
	return context.WithCancel(ctx)
}

// liveReports draws the reports of a run whose points' signatures differ
// from old, and returns the signatures of every report.
func (h *handler) liveReports(run *run, old map[string]string) ([]liveReport, map[string]string, error) {
	cards, err := h.cards(run, false, "")
	if err != nil {
		return nil, nil, err
	}
	sig := map[string]string{}
	var out []liveReport
	for i, res := range run.results {
		id := res.Report.ID
		lr := liveReport{ID: id, Meta: cards[i].Meta}
		for _, p := range cards[i].points {
			lp := livePoint{Other: p.Other, Count: p.Count}
			if b, err := p.Dimensions.MarshalJSON(); err == nil && !p.Other {
				lp.Point = string(b)
			}
			lr.Points = append(lr.Points, lp)
		}
		sig[id] = cards[i].Sig
		lr.Sig = cards[i].Sig
		if old[id] == sig[id] {
			continue
		}
		var buf bytes.Buffer
		if err := h.pages["dashboard"].ExecuteTemplate(&buf, "chart", cards[i]); err != nil {
			return nil, nil, err
		}
		lr.HTML = buf.String()
		out = append(out, lr)
	}
	return out, sig, nil
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
// run, as they pin its Now).
func pointsSig(r render.JSONReport) (string, error) {
	b, err := json.Marshal(r.Points)
	if err != nil {
		return "", err
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:8]), nil
}

// join subscribes a stream to its feed, creating the feed (and the source
// watch) when it is the first. It returns the error that says why the
// stream cannot be live, if it cannot.
func (hub *liveHub) join(r *http.Request, v access.Viewer, sig map[string]string) (*subscriber, *feed, error) {
	hub.mu.Lock()
	defer hub.mu.Unlock()
	if hub.feeds == nil {
		hub.feeds = map[string]*feed{}
	}
	if hub.stopWatch == nil && hub.unsupported == nil {
		hub.startWatch()
	}
	key := feedKey(r, v)
	fd := hub.feeds[key]
	if fd == nil {
		ctx, cancel := context.WithCancel(context.Background())
		// The feed outlives the request that created it: keep only what
		// identifies the dashboard, period and viewer.
		fr := r.Clone(ctx)
		fd = &feed{hub: hub, key: key, r: fr, v: v, subs: map[*subscriber]struct{}{}, dirty: make(chan struct{}, 1), cancel: cancel, sig: sig}
		hub.feeds[key] = fd
		go fd.loop(ctx)
	}
	sub := newSubscriber()
	fd.subs[sub] = struct{}{}
	return sub, fd, hub.unsupported
}

// leave unsubscribes a stream; the last stream of a feed ends it, and the
// last feed ends the source watch.
func (hub *liveHub) leave(fd *feed, sub *subscriber) {
	hub.mu.Lock()
	defer hub.mu.Unlock()
	delete(fd.subs, sub)
	if len(fd.subs) > 0 {
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
func (hub *liveHub) startWatch() {
	ctx, cancel := context.WithCancel(context.Background())
	ch, err := hub.h.cfg.Engine.Watch(ctx)
	if err != nil {
		cancel()
		if errors.Is(err, convreport.ErrUnsupported) {
			hub.unsupported = err
			return
		}
		hub.h.cfg.Logger.Error("live dashboards: watching the source failed", "err", err)
		hub.unsupported = err
		return
	}
	hub.stopWatch = cancel
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
}

var closedChange = func() chan convreport.Change {
	c := make(chan convreport.Change)
	close(c)
	return c
}()

func (hub *liveHub) markDirty() {
	hub.mu.Lock()
	defer hub.mu.Unlock()
	for _, fd := range hub.feeds {
		select {
		case fd.dirty <- struct{}{}:
		default:
		}
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
		run, err := h.runFor(fd.r.WithContext(rctx), fd.v)
		cancel()
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			var e *Error
			if errors.As(err, &e) && (e.Status == http.StatusNotFound || e.Status == http.StatusForbidden) {
				// No longer visible to this viewer: say so, and stop.
				b, _ := json.Marshal(map[string]any{"live": false, "gone": true, "reason": e.Message})
				fd.broadcast(nil, b)
				return
			}
			h.cfg.Logger.Error("live dashboards: a run failed", "dashboard", fd.r.PathValue("id"), "err", err)
		default:
			reports, sig, err := h.liveReports(run, fd.sig)
			if err != nil {
				h.cfg.Logger.Error("live dashboards: drawing a run failed", "dashboard", fd.r.PathValue("id"), "err", err)
				break
			}
			fd.sig = sig
			if len(reports) > 0 {
				fd.broadcast(reports, nil)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(liveInterval):
		}
	}
}

// broadcast gives the feed's streams changed reports, or a final status.
func (fd *feed) broadcast(reports []liveReport, status []byte) {
	fd.hub.mu.Lock()
	defer fd.hub.mu.Unlock()
	for sub := range fd.subs {
		sub.put(reports, status)
	}
}
