package web

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/calendar"
)

// CalendarStore keeps an account's business-hours calendars (see
// [calendar.Set]); store.Memory and store.Dir are ones.
type CalendarStore interface {
	// Calendars returns the calendars; an empty set when there are none.
	Calendars(ctx context.Context) (*calendar.Set, error)
	// SaveCalendars replaces them, for an admin; an invalid set is a
	// *calendar.Error, a set that drops a calendar a
	// dashboard names a *convreport.DashboardError or *convreport.ReportError
	// whose Field is "calendar", and one that drops a calendar an SLA
	// policy counts in a *convreport.SLAError naming the policy's target.
	SaveCalendars(ctx context.Context, v access.Viewer, s *calendar.Set) error
}

// calendarsView is the answer of GET /api/calendars: the set, and its
// names for the editor's choice.
type calendarsView struct {
	Set   *calendar.Set `json:"set"`
	Names []string      `json:"names"`
	// Editable says whether this viewer may replace the set.
	Editable bool `json:"editable"`
}

// GET /api/calendars
func (h *handler) getCalendars(w http.ResponseWriter, r *http.Request, v access.Viewer) error {
	set := &calendar.Set{}
	if h.cfg.Calendars != nil {
		var err error
		if set, err = h.cfg.Calendars.Calendars(r.Context()); err != nil {
			return err
		}
	}
	names := set.Names()
	if names == nil {
		names = []string{}
	}
	writeJSON(w, http.StatusOK, calendarsView{Set: set, Names: names, Editable: v.Admin && h.cfg.Calendars != nil})
	return nil
}

// PUT /api/calendars replaces the calendars with the body, a calendar set
// (see calendar.Set); an admin only. A bad calendar answers 422
// with the field ("calendars[0].week.monday[1]"); dropping a calendar a
// dashboard names answers invalid_dashboard or invalid_report, one an
// SLA policy counts in invalid_sla ("policies[0].close.calendar").
func (h *handler) putCalendars(w http.ResponseWriter, r *http.Request, v access.Viewer) error {
	if h.cfg.Calendars == nil {
		return &Error{Status: http.StatusNotImplemented, Code: "not_implemented", Message: "this server keeps no calendars"}
	}
	var raw json.RawMessage
	if err := h.decodeJSON(w, r, &raw); err != nil {
		return err
	}
	set := new(calendar.Set)
	if err := set.UnmarshalJSON(raw); err != nil {
		return err
	}
	if err := h.cfg.Calendars.SaveCalendars(r.Context(), v, set); err != nil {
		return err
	}
	return h.getCalendars(w, r, v)
}
