package web

import (
	"net/http"
	"net/url"
	"strings"

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
	if err := checkVersion(d, req.Version); err != nil {
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
		return err
	}
	rep, err := applyEdits(h.cfg.Schema, base, edits)
	if err != nil {
		return err
	}
	nd, err := d.AddReport(h.cfg.Schema, h.cfg.Plan, rep)
	if err != nil {
		return err
	}
	added := nd.Reports[len(nd.Reports)-1]
	if err := h.runnable(nd, added.ID); err != nil {
		return err
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
