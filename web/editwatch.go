package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/store"
)

// The report editor follows its dashboard while a person edits. It
// subscribes to
//
//	GET api/dashboards/{id}/watch?report=RID&def=SIG&created=T
//
// a Server-Sent Events stream of "state" events, each the dashboard as it
// is now for the viewer against what the editor opened: its creation and
// its report's definition (def, as the editor's state has it; the builder
// of a new report names no report). An event comes at once,
// then each time what it says changes:
//
//   - "same": the report is as the editor opened it; the editor takes the
//     version, so that its save is not refused for another's change to
//     the rest of the dashboard;
//   - "changed": the report was changed elsewhere, which the event
//     carries, with when the stream saw it (changed_at);
//   - "removed": the report is no longer in the dashboard;
//   - "recreated": the dashboard was deleted and created again under its
//     ID since; the stream ends;
//   - "gone": the viewer may no longer see the dashboard, deleted or no
//     longer shared (read alike, as the API reads them); the stream ends.
//
// Each says whether the viewer may still edit the dashboard (can_edit).
// The editor never reloads itself on an event: what was typed stays, and
// the person chooses (see the README's report editor).
//
// Unlike a dashboard's live stream, this one runs no report: it reads the
// dashboard, as its viewer, at each change made through the handler
// (dashboardChanged) and once every livePoll for the others, after the
// store's stamp where it has one (store.Stamper), as a feed does.

// editWatchEvent is a "state" event of an editor's stream.
type editWatchEvent struct {
	State   string `json:"state"`
	Version int64  `json:"version,omitempty"`
	Created string `json:"created,omitempty"`
	// Name is the dashboard's name now.
	Name    string `json:"name,omitempty"`
	CanEdit bool   `json:"can_edit"`
	// Report is the report as saved now, when it changed; Def its
	// definition's signature.
	Report *convreport.Report `json:"report,omitempty"`
	Def    string             `json:"def,omitempty"`
	// ChangedAt is when the report changed or was removed: the time of the
	// save the stream saw it in.
	ChangedAt *time.Time `json:"changed_at,omitempty"`
	Reason    string     `json:"reason,omitempty"`
}

// key is what an event says that the editor acts on: a new one is sent
// only when it differs.
func (e editWatchEvent) key() string {
	return e.State + " " + strconv.FormatInt(e.Version, 10) + " " + e.Created + " " + strconv.FormatBool(e.CanEdit) + " " + e.Def
}

// recreatedReason is what the editor says of a dashboard deleted and
// created again since it opened.
const recreatedReason = "It was deleted, and another dashboard created in its place, since you opened the editor."

// editWatch is what one editor's stream compares the dashboard with.
type editWatch struct {
	rid string
	// def is the definition the editor opened; created its dashboard's
	// creation (zero when it did not say).
	def     string
	created time.Time
	// last is the definition of the report the stream last saw ("" for
	// none), and at when it saw it change.
	last string
	at   time.Time
}

// state is d against what the editor opened, for v.
func (ew *editWatch) state(d convreport.Dashboard, v access.Viewer) editWatchEvent {
	e := editWatchEvent{State: "same", Version: d.Version, Created: d.CreatedAt.Format(time.RFC3339Nano),
		Name: d.Name, CanEdit: d.Can(v, access.Edit)}
	if !ew.created.IsZero() && !ew.created.Equal(d.CreatedAt) {
		e.State, e.Reason = "recreated", recreatedReason
		return e
	}
	if ew.rid == "" {
		return e
	}
	rep, ok := d.Report(ew.rid)
	cur := ""
	if ok {
		cur, _ = defSig(rep)
	}
	if ew.def == "" && ok {
		ew.def = cur // the editor named none: the report as it is now
		ew.last = cur
	}
	if cur != ew.last {
		ew.last, ew.at = cur, d.UpdatedAt
	}
	e.Def = cur
	switch {
	case !ok:
		e.State = "removed"
	case cur != ew.def:
		e.State, e.Report = "changed", &rep
	default:
		return e
	}
	if !ew.at.IsZero() {
		at := ew.at
		e.ChangedAt = &at
	}
	return e
}

// GET /api/dashboards/{id}/watch?report=…&def=…&created=…
func (h *handler) watchEdit(w http.ResponseWriter, r *http.Request, v access.Viewer) error {
	q := r.URL.Query()
	if err := single(q); err != nil {
		return err
	}
	ew := &editWatch{rid: q.Get("report"), def: q.Get("def")}
	ew.last = ew.def
	if s := q.Get("created"); s != "" {
		t, err := parseCreated(s)
		if err != nil {
			return err
		}
		ew.created = t
	}
	d, err := h.dashboard(r, v)
	if err != nil {
		return err
	}
	fl, ok := w.(http.Flusher)
	if !ok {
		return errors.New("web: the response writer cannot stream")
	}
	wake, stop := h.live.watchDashboard(d.ID)
	defer stop()
	rc := http.NewResponseController(w)
	_ = rc.SetWriteDeadline(time.Time{})
	hd := w.Header()
	hd.Set("Content-Type", "text/event-stream")
	hd.Set("Cache-Control", "no-store")
	hd.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	fmt.Fprintf(w, "retry: %d\n\n", liveRetry.Milliseconds())

	sent := ""
	send := func(e editWatchEvent) bool {
		if e.key() == sent {
			return true
		}
		sent = e.key()
		data, err := json.Marshal(e)
		if err != nil {
			return false
		}
		if _, err := fmt.Fprintf(w, "event: state\ndata: %s\n\n", data); err != nil {
			return false
		}
		fl.Flush()
		return true
	}
	final := func(e editWatchEvent) bool { return e.State == "gone" || e.State == "recreated" }
	e := ew.state(d, v)
	if !send(e) || final(e) {
		return nil
	}
	poll := time.NewTicker(livePoll)
	defer poll.Stop()
	beat := time.NewTicker(liveHeartbeat)
	defer beat.Stop()
	stamp := ""
	for {
		select {
		case <-r.Context().Done():
			return nil
		case <-beat.C:
			if _, err := fmt.Fprint(w, ": ping\n\n"); err != nil {
				return nil
			}
			fl.Flush()
			continue
		case <-wake:
			stamp = "" // read it, whatever its stamp
		case <-poll.C:
		}
		e, ok := h.watchRead(r.Context(), v, d.ID, ew, &stamp)
		if !ok {
			continue
		}
		if !send(e) || final(e) {
			return nil
		}
	}
}

// watchRead reads dashboard id as v and returns its state for ew, or
// false when there is nothing new to say: its stamp has not moved since
// *stamp (which it updates), or the store failed (the next poll asks
// again). A dashboard v may no longer see is "gone".
func (h *handler) watchRead(ctx context.Context, v access.Viewer, id string, ew *editWatch, stamp *string) (editWatchEvent, bool) {
	gctx, cancel := h.runContext(ctx)
	defer cancel()
	now := ""
	if sp, ok := h.cfg.Store.(store.Stamper); ok {
		var err error
		if now, err = sp.Stamp(gctx, id); err == nil && now != "" && now == *stamp {
			return editWatchEvent{}, false
		}
	}
	d, err := h.cfg.Store.Get(gctx, v, id)
	switch {
	case errors.Is(err, convreport.ErrNotFound) || errors.Is(err, access.ErrForbidden):
		return editWatchEvent{State: "gone", Reason: goneReason}, true
	case err != nil:
		return editWatchEvent{}, false
	}
	*stamp = now
	return ew.state(d, v), true
}
