package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/library"
)

// newReportName stands for the name of a report being built until the
// person names it: a preview needs one, a saved report its own.
const newReportName = "New report"

// addRequest is the body of "Add to dashboard": the report builder's
// edits, applied to an empty report or, with template and report, to a
// report of the library.
type addRequest struct {
	editRequest
	// Template and Report name a report of the library to start from.
	Template string `json:"template"`
	Report   string `json:"report"`
}

// start returns the report the request builds on: empty, or the
// template's.
func (a addRequest) start() (convreport.Report, error) {
	if a.Template == "" && a.Report == "" {
		return convreport.Report{}, nil
	}
	if a.Template == "" {
		return convreport.Report{}, unprocessable("invalid_request", "template", "name the template of report %q: %s", a.Report, templateIDs())
	}
	t, ok := library.Lookup(a.Template)
	if !ok {
		return convreport.Report{}, unprocessable("invalid_request", "template", "no template %q: %s", a.Template, templateIDs())
	}
	rep, err := t.Report(a.Report)
	if err != nil {
		return rep, unprocessable("invalid_request", "report", "%s", cleanMessage(err.Error()))
	}
	return rep, nil
}

// POST /api/dashboards/{id}/reports: "Add to dashboard", from the report
// builder or the library. The viewer must be allowed to edit the
// dashboard, name its current version, and the plan must have room.
func (h *handler) addReport(w http.ResponseWriter, r *http.Request, v access.Viewer) error {
	d, err := h.dashboard(r, v)
	if err != nil {
		return err
	}
	if !d.Can(v, access.Edit) {
		return &Error{Status: http.StatusForbidden, Code: "forbidden",
			Message: sprintf("you may view dashboard %q but not edit it", d.Name)}
	}
	var req addRequest
	if err := h.decodeJSON(w, r, &req); err != nil {
		return err
	}
	if err := checkSeen(d, req.Version, req.Created); err != nil {
		return err
	}
	// The cap first: a person with a full dashboard learns it before
	// fixing a report they cannot add.
	if err := h.cfg.Plan.CheckReports(len(d.Reports) + 1); err != nil {
		return err
	}
	base, err := req.start()
	if err != nil {
		return err
	}
	edits, err := req.edits(h.maxTop())
	if err != nil {
		return h.refusedEdit(r, base, req.editRequest, err)
	}
	rep, err := applyEdits(h.cfg.Schema, base, edits)
	if err != nil {
		return h.refusedEdit(r, base, req.editRequest, err)
	}
	nd, err := d.AddReport(h.cfg.Schema, h.cfg.Plan, rep)
	if err != nil {
		return err
	}
	added := nd.Reports[len(nd.Reports)-1]
	if err := h.runnable(r.Context(), nd, added.ID); err != nil {
		return h.refusedEdit(r, base, req.editRequest, err)
	}
	saved, err := h.cfg.Store.Save(r.Context(), v, nd)
	if err != nil {
		return err
	}
	h.live.dashboardChanged(saved.ID)
	added = saved.Reports[len(saved.Reports)-1]
	// Relative to …/{id}/reports: the new report's own path.
	w.Header().Set("Location", "reports/"+url.PathEscape(added.ID))
	writeJSON(w, http.StatusCreated, map[string]any{"dashboard": viewOf(saved, v), "report": added})
	return nil
}

// checkVersion refuses an edit that names no version, or a stale one.
func checkVersion(d convreport.Dashboard, version *int64) error {
	if version == nil {
		return unprocessable("invalid_request", "version",
			"version is required: the version of the dashboard the edit started from")
	}
	if *version != d.Version {
		return &Error{Status: http.StatusConflict, Code: "conflict",
			Message: sprintf("dashboard %q changed since you opened it (you edited version %d, it is now at version %d); reload it and make the change again",
				d.Name, *version, d.Version)}
	}
	return nil
}

// checkSeen refuses an edit of d that does not name the dashboard it
// started from: its version, as checkVersion does, and its creation, the
// created_at the API returned. The version alone does not say which
// dashboard: one deleted and created again under its ID is at version 1
// anew. The edits then save d changed, whose CreatedAt the store checks
// again as one step with the save.
func checkSeen(d convreport.Dashboard, version *int64, created *string) error {
	if err := checkVersion(d, version); err != nil {
		return err
	}
	if created == nil {
		return unprocessable("invalid_request", "created",
			"created is required: the created_at of the dashboard the edit started from, as the API returned it")
	}
	t, err := parseCreated(*created)
	if err != nil {
		return err
	}
	return checkCreated(d, t, "reload it and make the change again")
}

// parseCreated reads the created_at an edit names.
func parseCreated(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, badRequest("bad_request", "created",
			"created %q: want the dashboard's created_at, an RFC 3339 time (a + in a query is written %%2B)", s)
	}
	return t, nil
}

// checkCreated is a conflict when d is not the dashboard created at
// created: then, advice says what to do.
func checkCreated(d convreport.Dashboard, created time.Time, advice string) error {
	if created.Equal(d.CreatedAt) {
		return nil
	}
	return &Error{Status: http.StatusConflict, Code: "conflict",
		Message: sprintf("dashboard %q was deleted and created again since you opened it (the one you opened was created %s, this one %s); %s",
			d.Name, created.UTC().Format(time.RFC3339Nano), d.CreatedAt.UTC().Format(time.RFC3339Nano), advice)}
}

// POST /api/dashboards/{id}/preview?range=…: the report builder's report
// run for the period, nothing saved. Until it is named it is called
// "New report".
func (h *handler) previewNew(w http.ResponseWriter, r *http.Request, v access.Viewer) error {
	d, err := h.dashboard(r, v)
	if err != nil {
		return err
	}
	var req addRequest
	if err := h.decodeJSON(w, r, &req); err != nil {
		return err
	}
	if req.Name == nil || strings.TrimSpace(*req.Name) == "" {
		name := newReportName
		req.Name = &name
	}
	base, err := req.start()
	if err != nil {
		return err
	}
	edits, err := req.edits(h.maxTop())
	if err != nil {
		return err
	}
	rep, err := applyEdits(h.cfg.Schema, base, edits)
	if err != nil {
		return err
	}
	return h.writePreview(w, r, v, d, rep)
}
