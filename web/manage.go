package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/store"
)

// maxGrants caps the grants of one dashboard a request may set.
const maxGrants = 200

// patchDashboardRequest is a change of the "manage dashboard" menu: a new
// name, a new order of the reports (edit rights), a new visibility or new
// grants (share rights). A missing field stays as it is.
type patchDashboardRequest struct {
	Version    *int64             `json:"version"`
	Created    *string            `json:"created"` // the created_at the API returned
	Name       *string            `json:"name"`
	Order      *[]string          `json:"order"`
	Visibility *access.Visibility `json:"visibility"`
	Grants     *[]access.Grant    `json:"grants"`
}

// PATCH /api/dashboards/{id}: rename, reorder the reports, change who may
// see it.
func (h *handler) patchDashboard(w http.ResponseWriter, r *http.Request, v access.Viewer) error {
	d, err := h.dashboard(r, v)
	if err != nil {
		return err
	}
	var req patchDashboardRequest
	if err := h.decodeJSON(w, r, &req); err != nil {
		return err
	}
	sharing := req.Visibility != nil || req.Grants != nil
	content := req.Name != nil || req.Order != nil
	switch {
	case sharing && !d.Can(v, access.Share):
		return &Error{Status: http.StatusForbidden, Code: "forbidden",
			Message: sprintf("only the owner of dashboard %q and admins may change who sees it", d.Name)}
	case content && !d.Can(v, access.Edit):
		return &Error{Status: http.StatusForbidden, Code: "forbidden",
			Message: sprintf("you may view dashboard %q but not edit it", d.Name)}
	}
	if err := checkSeen(d, req.Version, req.Created); err != nil {
		return err
	}
	if !sharing && !content {
		return unprocessable("invalid_request", "", "nothing to change: send name, order, visibility or grants")
	}
	nd := d.Clone()
	if req.Name != nil {
		nd.Name = strings.TrimSpace(*req.Name)
	}
	if req.Order != nil {
		if nd, err = nd.OrderReports(*req.Order...); err != nil {
			return err
		}
	}
	if sharing {
		vis, grants := nd.Visibility, nd.Grants
		if req.Visibility != nil {
			vis = *req.Visibility
			if vis != access.SpecificUsersAndTeams {
				grants = nil // the grants of a visibility left behind go with it
			}
		}
		if req.Grants != nil {
			if len(*req.Grants) > maxGrants {
				return unprocessable("invalid_dashboard", "grants", "more than %d grants", maxGrants)
			}
			grants = *req.Grants
		}
		if vis == "" {
			vis = access.Private
		}
		nd.Visibility, nd.Grants = vis, slices.Clone(grants)
		if len(nd.Grants) == 0 {
			nd.Grants = nil
		}
	}
	if err := convreport.ValidateSave(d, nd); err != nil {
		return grantsRefused(nd, err)
	}
	saved, err := h.cfg.Store.Save(r.Context(), v, nd)
	if err != nil {
		return err
	}
	h.live.dashboardChanged(saved.ID)
	writeJSON(w, http.StatusOK, viewOf(saved, v))
	return nil
}

// mayChange is the preamble of a change a URL names (DELETE
// …?version=N&created=T): v may do action to d (else 403 with denied,
// formatted with d's name), and the request names d's current version
// and its creation (see checkSeen), which it returns.
func mayChange(r *http.Request, d convreport.Dashboard, v access.Viewer, action access.Action, denied string) (int64, time.Time, error) {
	if !d.Can(v, action) {
		return 0, time.Time{}, &Error{Status: http.StatusForbidden, Code: "forbidden", Message: sprintf(denied, d.Name)}
	}
	version, err := versionParam(r)
	if err != nil {
		return 0, time.Time{}, err
	}
	if err := checkVersion(d, version); err != nil {
		return 0, time.Time{}, err
	}
	created, err := createdParam(r)
	if err != nil {
		return 0, time.Time{}, err
	}
	advice := "reload it and make the change again"
	if action == access.Delete {
		advice = "reload it, and delete it again if you mean to"
	}
	if err := checkCreated(d, created, advice); err != nil {
		return 0, time.Time{}, err
	}
	return *version, created, nil
}

// versionParam reads the version a DELETE names in its query.
func versionParam(r *http.Request) (*int64, error) {
	if err := single(r.URL.Query()); err != nil {
		return nil, err
	}
	s := r.URL.Query().Get("version")
	if s == "" {
		return nil, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return nil, badRequest("bad_request", "version", "version %q: want the dashboard version, a whole number", s)
	}
	return &n, nil
}

// createdParam reads the creation time a DELETE names in its query: the
// dashboard's created_at, as the API returned it.
func createdParam(r *http.Request) (time.Time, error) {
	s := r.URL.Query().Get("created")
	if s == "" {
		return time.Time{}, unprocessable("invalid_request", "created",
			"created is required: the created_at of the dashboard you opened, as the API returned it")
	}
	return parseCreated(s)
}

// DELETE /api/dashboards/{id}?version=N&created=T: only the owner and
// admins, and only the dashboard they saw. The version alone does not say
// which: a dashboard deleted and created again under its ID is at version
// 1 anew, so its creation must be the one they saw too.
func (h *handler) deleteDashboard(w http.ResponseWriter, r *http.Request, v access.Viewer) error {
	d, err := h.dashboard(r, v)
	if err != nil {
		return err
	}
	version, created, err := mayChange(r, d, v, access.Delete, "only the owner of dashboard %q and admins may delete it")
	if err != nil {
		return err
	}
	// The store checks both again, as one step with the delete.
	seen := d
	seen.Version, seen.CreatedAt = version, created
	if err := h.cfg.Store.Delete(r.Context(), v, seen); err != nil {
		return err
	}
	h.live.dashboardChanged(d.ID)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// copyRequest is "save a copy as": the copy's name and who may see it.
// Its owner is the viewer.
type copyRequest struct {
	Name       string            `json:"name"`
	Visibility access.Visibility `json:"visibility"`
	Grants     []access.Grant    `json:"grants"`
}

// POST /api/dashboards/{id}/copy: anyone who may view a dashboard may
// save a copy of it as their own, within the plan.
func (h *handler) copyDashboard(w http.ResponseWriter, r *http.Request, v access.Viewer) error {
	d, err := h.dashboard(r, v)
	if err != nil {
		return err
	}
	var req copyRequest
	if err := h.decodeJSON(w, r, &req); err != nil {
		return err
	}
	if v.UserID == "" {
		return &Error{Status: http.StatusForbidden, Code: "forbidden", Message: "only a signed-in user may save a copy of a dashboard"}
	}
	if len(req.Grants) > maxGrants {
		return unprocessable("invalid_dashboard", "grants", "more than %d grants", maxGrants)
	}
	if err := h.roomForDashboard(r.Context()); err != nil {
		return err
	}
	c, err := d.CopyAs(convreport.DashboardOptions{Name: req.Name, Owner: v.UserID, Visibility: req.Visibility,
		Grants: req.Grants, Plan: h.cfg.Plan})
	if err != nil {
		return err
	}
	c, err = h.cfg.Store.Create(r.Context(), v, c)
	if err != nil {
		return err
	}
	// Relative to …/dashboards/{id}/copy: the copy's own path.
	w.Header().Set("Location", "../"+url.PathEscape(c.ID))
	writeJSON(w, http.StatusCreated, viewOf(c, v))
	return nil
}

// room is how many dashboards the account holds against the plan.
type room struct {
	Note string // "2 of 3 dashboards"; "" when the plan has no cap or the Store cannot count
	Full error  // the plan's refusal of one more; nil while there is room
}

// dashboardRoom counts the account's dashboards against Config.Plan,
// when the Store can count them (see store.Counter).
func (h *handler) dashboardRoom(ctx context.Context) (room, error) {
	p := h.cfg.Plan
	counter, ok := h.cfg.Store.(store.Counter)
	if p.DashboardsPerAccount <= 0 || !ok {
		return room{}, nil
	}
	n, err := counter.Count(ctx)
	if err != nil {
		return room{}, err
	}
	return room{Note: sprintf("%d of %d dashboards", n, p.DashboardsPerAccount), Full: p.CheckDashboards(n + 1)}, nil
}

// roomForDashboard refuses a new dashboard the plan has no room for. The
// Store checks its own plan too; this one is Config.Plan.
func (h *handler) roomForDashboard(ctx context.Context) error {
	rm, err := h.dashboardRoom(ctx)
	if err != nil {
		return err
	}
	return rm.Full
}

// DELETE /api/dashboards/{id}/reports/{rid}?version=N&created=T: remove
// a report, from the dashboard seen.
func (h *handler) removeReport(w http.ResponseWriter, r *http.Request, v access.Viewer) error {
	d, _, err := h.dashboardReport(r, v)
	if err != nil {
		return err
	}
	if _, _, err := mayChange(r, d, v, access.Edit, "you may view dashboard %q but not edit it"); err != nil {
		return err
	}
	nd, err := d.RemoveReport(r.PathValue("rid"))
	if err != nil {
		return err
	}
	saved, err := h.cfg.Store.Save(r.Context(), v, nd)
	if err != nil {
		return err
	}
	h.live.dashboardChanged(saved.ID)
	writeJSON(w, http.StatusOK, viewOf(saved, v))
	return nil
}
