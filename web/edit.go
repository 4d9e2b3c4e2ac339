package web

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/render"
)

// Limits on one edit, beyond the body size: generous for a person, small
// enough that a request cannot make the server work for nothing.
const (
	maxReportName  = 200
	maxProperties  = 50
	maxConditions  = 50
	maxValues      = 200
	maxFilterBytes = 16 << 10
)

// editRequest is the report editor's state, as the body of an update, a
// save as new or a preview. Every field is optional: a missing (or null)
// field leaves that part of the report as it is. Lists replace the
// report's list; add_ and remove_ fields change it instead.
type editRequest struct {
	// Version and Created (its created_at, as the API returned it) name
	// the dashboard the edit started from; required to update or save as
	// new, ignored by a preview.
	Version *int64  `json:"version"`
	Created *string `json:"created"`
	// Base is the report as the editor opened it, as the API returned it
	// (see reportConflict): with it, an update of a dashboard changed
	// since Version is refused only when this report changed, and a save
	// as new goes through whatever changed, even this report removed.
	// Ignored by a preview.
	Base *convreport.Report `json:"base"`

	Name  *string           `json:"name"`
	Chart *convreport.Chart `json:"chart"`

	// What the report computes and how it groups; see the README's
	// report builder section.
	Measure      *measureRequest    `json:"measure"`
	Dimensions   *[]string          `json:"dimensions"`
	DateProperty *string            `json:"date_property"`
	Bucket       *convreport.Bucket `json:"bucket"`
	Sort         *convreport.SortBy `json:"sort"`
	Limit        *topRequest        `json:"limit"`
	Snapshot     *bool              `json:"snapshot"`

	Properties       *[]string `json:"properties"`
	AddProperties    []string  `json:"add_properties"`
	RemoveProperties []string  `json:"remove_properties"`

	// Filter replaces the expression; "" removes it.
	Filter        *string                 `json:"filter"`
	Conditions    *[]convreport.Condition `json:"conditions"`
	AddConditions []convreport.Condition  `json:"add_conditions"`

	// Calendar names the calendar whose business hours the report's
	// durations count; "" counts calendar time (or the dashboard's
	// calendar, if it has one).
	Calendar *string `json:"calendar"`
}

// measureRequest is a measure as the editor sends it: the threshold of a
// share is text ("5m", "1h30m"), read here so that a typo is a 422 naming
// the measure, not a malformed body.
type measureRequest struct {
	Agg       convreport.Aggregation `json:"agg"`
	Metric    convreport.Metric      `json:"metric"`
	P         float64                `json:"p"`
	Threshold string                 `json:"threshold"`
	// SLA and Target name the policy and target of an SLA measure.
	SLA    string                   `json:"sla"`
	Target convreport.SLATargetKind `json:"target"`
}

func (m measureRequest) measure() (convreport.Measure, error) {
	out := convreport.Measure{Agg: m.Agg, Metric: m.Metric, P: m.P, SLA: m.SLA, Target: m.Target}
	if m.Agg == convreport.ShareWithin && strings.TrimSpace(m.Threshold) != "" {
		if err := out.Threshold.UnmarshalText([]byte(m.Threshold)); err != nil {
			return out, unprocessable("invalid_report", "measure", "the threshold %q is not a duration: write a number and a unit, like 90s, 5m or 1h30m", m.Threshold)
		}
	}
	return out, nil
}

// topRequest is "limit", the editor's Top, as sent: any JSON value, so
// that what is not a whole number (2.5, "2.5", "ten") is refused in
// words about Top, on its field, rather than as a malformed body.
type topRequest struct {
	raw json.RawMessage
}

func (t *topRequest) UnmarshalJSON(b []byte) error {
	t.raw = append(json.RawMessage(nil), b...)
	return nil
}

// value is the number of groups to keep, from 0 (every group) to max, or
// an error that says so and what was sent.
func (t topRequest) value(max int) (int, error) {
	text := string(t.raw)
	var s string
	if json.Unmarshal(t.raw, &s) == nil {
		text = s // the editor sends what was typed as text
	}
	n, err := strconv.Atoi(strings.TrimSpace(text))
	if err != nil || n < 0 || n > max {
		return 0, unprocessable("invalid_report", "limit",
			"top must be %s (got %s)", topRange(max), text)
	}
	return n, nil
}

// topRange is what a Top may be, up to max.
func topRange(max int) string {
	return sprintf("a whole number from 1 to %s, or empty to keep every group", render.FormatCount(int64(max)))
}

// edits turns the request into the editor's edits, in a fixed order:
// name, measure, dimensions, date property, bucket, snapshot, sort, limit,
// chart, properties, filter, conditions. The report is checked as a whole
// after the last one, so the order of the fields never matters. maxTop is
// the engine's bound on a report's points, which a limit may not pass.
func (e editRequest) edits(maxTop int) ([]edit, error) {
	out, errs := e.editsAll(maxTop)
	if len(errs) > 0 {
		return nil, errs[0]
	}
	return out, nil
}

// editsAll is edits that does not stop at the first part refused: it
// returns the edits of the parts that read, and the refusal of each
// other, in the same order, so that a refused edit can name them all.
func (e editRequest) editsAll(maxTop int) ([]edit, []error) {
	var (
		out  []edit
		errs []error
	)
	if e.Name != nil {
		if utf8.RuneCountInString(*e.Name) > maxReportName {
			errs = append(errs, unprocessable("invalid_report", "name", "the name is longer than %d characters", maxReportName))
		} else {
			out = append(out, rename(*e.Name))
		}
	}
	if e.Measure != nil {
		if m, err := e.Measure.measure(); err != nil {
			errs = append(errs, err)
		} else {
			out = append(out, setMeasure(m))
		}
	}
	if e.Dimensions != nil {
		if len(*e.Dimensions) > maxProperties {
			errs = append(errs, unprocessable("invalid_report", "dimensions", "more than %d properties in the chart", maxProperties))
		} else {
			out = append(out, setDimensions(*e.Dimensions...))
		}
	}
	if e.DateProperty != nil {
		out = append(out, setDateProperty(*e.DateProperty))
	}
	if e.Bucket != nil {
		out = append(out, setBucket(*e.Bucket))
	}
	if e.Snapshot != nil {
		out = append(out, func(_ *convreport.Schema, r *convreport.Report) error { r.Snapshot = *e.Snapshot; return nil })
	}
	if e.Sort != nil {
		out = append(out, setSort(*e.Sort))
	}
	if e.Limit != nil {
		if n, err := e.Limit.value(maxTop); err != nil {
			errs = append(errs, err)
		} else {
			out = append(out, setLimit(n))
		}
	}
	if e.Chart != nil {
		out = append(out, setChart(*e.Chart))
	}
	props := len(e.AddProperties) + len(e.RemoveProperties)
	if e.Properties != nil {
		props += len(*e.Properties)
	}
	if props > maxProperties {
		errs = append(errs, unprocessable("invalid_report", "properties", "more than %d display properties", maxProperties))
		props = -1 // none of them applied
	}
	if e.Properties != nil && props >= 0 {
		names := *e.Properties
		out = append(out, func(s *convreport.Schema, r *convreport.Report) error {
			r.Properties = nil
			return addProperties(names...)(s, r)
		})
	}
	if len(e.AddProperties) > 0 && props >= 0 {
		out = append(out, addProperties(e.AddProperties...))
	}
	if len(e.RemoveProperties) > 0 && props >= 0 {
		out = append(out, removeProperties(e.RemoveProperties...))
	}
	if e.Filter != nil {
		if len(*e.Filter) > maxFilterBytes {
			errs = append(errs, unprocessable("invalid_filter", "filter", "the filter is longer than %d bytes", maxFilterBytes))
		} else {
			f := *e.Filter
			out = append(out, func(_ *convreport.Schema, r *convreport.Report) error { r.Filter = f; return nil })
		}
	}
	conds := e.AddConditions
	if e.Conditions != nil {
		conds = append(conds, *e.Conditions...)
	}
	condsOK := true
	if err := checkConditions(conds); err != nil {
		errs = append(errs, err)
		condsOK = false
	}
	if e.Conditions != nil && condsOK {
		cs := *e.Conditions
		out = append(out, func(s *convreport.Schema, r *convreport.Report) error {
			r.Conditions = nil // none is nil, one spelling
			if len(cs) > 0 {
				r.Conditions = conditionsByName(s, cs)
			}
			return nil
		})
	}
	if add := e.AddConditions; len(add) > 0 && condsOK {
		out = append(out, func(s *convreport.Schema, r *convreport.Report) error {
			r.Conditions = append(r.Conditions, conditionsByName(s, add)...)
			return nil
		})
	}
	if e.Calendar != nil {
		name := *e.Calendar
		out = append(out, func(_ *convreport.Schema, r *convreport.Report) error {
			r.Calendar = name
			return nil
		})
	}
	return out, errs
}

func checkConditions(cs []convreport.Condition) error {
	if len(cs) > maxConditions {
		return unprocessable("invalid_condition", "conditions", "more than %d conditions", maxConditions)
	}
	for i, c := range cs {
		if len(c.Values) > maxValues {
			e := unprocessable("invalid_condition", "conditions", "condition #%d has more than %d values", i, maxValues)
			e.Index = &i
			return e
		}
	}
	return nil
}

// decodeEdit reads an edit of the report r names in d; with needVersion
// the body must name the version it started from.
func (h *handler) decodeEdit(w http.ResponseWriter, r *http.Request, needVersion bool) (editRequest, []edit, error) {
	req, err := h.decodeEditRequest(w, r, needVersion)
	if err != nil {
		return req, nil, err
	}
	edits, err := req.edits(h.maxTop())
	return req, edits, err
}

// decodeEditRequest is decodeEdit without the edits.
func (h *handler) decodeEditRequest(w http.ResponseWriter, r *http.Request, needVersion bool) (editRequest, error) {
	var req editRequest
	if err := h.decodeJSON(w, r, &req); err != nil {
		return req, err
	}
	if needVersion && req.Version == nil {
		return req, unprocessable("invalid_request", "version",
			"version is required: the version of the dashboard the edit started from")
	}
	return req, nil
}

// editable loads the dashboard and the report the path names, checks the
// viewer may edit it and that the edit started from what is saved (see
// checkBase), and returns the request and the edits it asks for; edits
// refused are refused all at once (see refusedEdit). asNew is set
// for a save as new, which overwrites nothing: it starts from the report
// the edit started from when that report is no longer there.
func (h *handler) editable(w http.ResponseWriter, r *http.Request, v access.Viewer, asNew bool) (convreport.Dashboard, convreport.Report, editRequest, []edit, error) {
	var req editRequest
	d, err := h.dashboard(r, v)
	if err != nil {
		return d, convreport.Report{}, req, nil, err
	}
	rep, found := d.Report(r.PathValue("rid"))
	missing := &Error{Status: http.StatusNotFound, Code: "not_found",
		Message: sprintf("dashboard %q has no report %q", d.ID, r.PathValue("rid"))}
	if !found && !d.Can(v, access.Edit) {
		return d, rep, req, nil, missing // as for any viewer, before the right
	}
	if !d.Can(v, access.Edit) {
		return d, rep, req, nil, &Error{Status: http.StatusForbidden, Code: "forbidden",
			Message: sprintf("you may view dashboard %q but not edit it", d.Name)}
	}
	if req, err = h.decodeEditRequest(w, r, true); err != nil {
		return d, rep, req, nil, err
	}
	edits, err := req.edits(h.maxTop())
	if err != nil {
		// The edits of the report the editor opened, when it is gone.
		if !found && req.Base != nil {
			return d, rep, req, nil, h.refusedEdit(r, *req.Base, req, err)
		}
		if found {
			err = h.refusedEdit(r, rep, req, err)
		}
		return d, rep, req, nil, err
	}
	if req.Base == nil {
		if !found {
			return d, rep, req, nil, missing
		}
		return d, rep, req, edits, checkSeen(d, req.Version, req.Created)
	}
	rep, err = checkBase(d, rep, found, req, asNew)
	return d, rep, req, edits, err
}

// PATCH /api/dashboards/{id}/reports/{rid}: "update existing report".// PATCH /api/dashboards/{id}/reports/{rid}: "update existing report".
func (h *handler) updateReport(w http.ResponseWriter, r *http.Request, v access.Viewer) error {
	d, rep, req, edits, err := h.editable(w, r, v, false)
	if err != nil {
		return err
	}
	if len(edits) == 0 {
		// A new version for nothing would only make other editors'
		// versions stale, as the dashboard's PATCH refuses.
		return unprocessable("invalid_request", "", "nothing to change: send name, chart, measure, dimensions, date_property, bucket, sort, limit, snapshot, properties, filter, conditions or calendar")
	}
	before := rep
	if rep, err = applyEdits(h.cfg.Schema, rep, edits); err != nil {
		return h.refusedEdit(r, before, req, err)
	}
	rid := rep.ID
	nd, err := d.UpdateReport(h.cfg.Schema, rep)
	if err != nil {
		return err
	}
	if err := h.runnable(r.Context(), nd, rid); err != nil {
		return h.refusedEdit(r, before, req, err)
	}
	saved, err := h.cfg.Store.Save(r.Context(), v, nd)
	if err != nil {
		return err
	}
	h.live.dashboardChanged(saved.ID)
	rep, _ = saved.Report(rid)
	writeJSON(w, http.StatusOK, map[string]any{"dashboard": viewOf(saved, v), "report": rep})
	return nil
}

// maxTop is the most groups a report's Top may keep: the engine's
// MaxGroups, past which it would refuse the report at every run.
func (h *handler) maxTop() int { return h.cfg.Engine.Limits().MaxGroups }

// runnable refuses to save report rid of d when this handler's engine
// would refuse to run it (its limits, which the dashboard's own checks do
// not know), or to run it in d (its filters with d's over the engine's
// filter limits), or when it counts in a calendar or measures an SLA
// policy the server no longer keeps: the editor says so at once and
// nothing is saved. What the report's editor cannot change (d's filters
// alone over the limits, d's calendar gone) is the dashboard's page's to
// say, not a refusal of the report.
func (h *handler) runnable(ctx context.Context, d convreport.Dashboard, rid string) error {
	rep, _ := d.Report(rid)
	if err := h.cfg.Engine.CheckReport(rep); err != nil {
		return err
	}
	if h.checkSavedFilters(d) != nil {
		return nil // the dashboard's, not this report's
	}
	sc, err := h.scope(ctx, d)
	if err != nil {
		return err
	}
	s := h.staleReport(rep, sc)
	if s == nil {
		return nil
	}
	for _, p := range s.problems {
		switch p.kind {
		case withDashFilters, lostCalendar, lostPolicy, lostPolicyCalendar:
			// As the engine names a part: the editor shows the reason by
			// its control.
			return &Error{Status: http.StatusUnprocessableEntity, Code: p.api.Code, Field: p.api.Field,
				Message: sprintf("report %q: %s: %s", rep.Name, p.api.Field, p.reason)}
		}
	}
	return nil
}

// POST /api/dashboards/{id}/reports/{rid}/save-as-new: "save as new
// report", appended to the dashboard under a new ID.
func (h *handler) saveReportAsNew(w http.ResponseWriter, r *http.Request, v access.Viewer) error {
	d, rep, req, edits, err := h.editable(w, r, v, true)
	if err != nil {
		return err
	}
	// The plan before the edits: a full dashboard says so first.
	if err := h.cfg.Plan.CheckReports(len(d.Reports) + 1); err != nil {
		return err
	}
	before := rep
	if rep, err = applyEdits(h.cfg.Schema, rep, edits); err != nil {
		return h.refusedEdit(r, before, req, err)
	}
	rep.ID = "" // a new ID, made from its name
	nd, err := d.AddReport(h.cfg.Schema, h.cfg.Plan, rep)
	if err != nil {
		return err
	}
	if err := h.runnable(r.Context(), nd, nd.Reports[len(nd.Reports)-1].ID); err != nil {
		return h.refusedEdit(r, before, req, err)
	}
	saved, err := h.cfg.Store.Save(r.Context(), v, nd)
	if err != nil {
		return err
	}
	h.live.dashboardChanged(saved.ID)
	rep = saved.Reports[len(saved.Reports)-1]
	// Relative to …/reports/{rid}/save-as-new: the new report's own path.
	w.Header().Set("Location", "../"+url.PathEscape(rep.ID))
	writeJSON(w, http.StatusCreated, map[string]any{"dashboard": viewOf(saved, v), "report": rep})
	return nil
}

// POST /api/dashboards/{id}/reports/{rid}/preview?range=…: the report
// with the edits applied, run for the period, nothing saved.
func (h *handler) previewReport(w http.ResponseWriter, r *http.Request, v access.Viewer) error {
	d, rep, err := h.dashboardReport(r, v)
	if err != nil {
		return err
	}
	_, edits, err := h.decodeEdit(w, r, false)
	if err != nil {
		return err
	}
	if rep, err = applyEdits(h.cfg.Schema, rep, edits); err != nil {
		return err
	}
	return h.writePreview(w, r, v, d, rep)
}

// writePreview runs rep for the request's period, in the viewer's scope,
// and answers its result, chart spec and SVG.
func (h *handler) writePreview(w http.ResponseWriter, r *http.Request, v access.Viewer, d convreport.Dashboard, rep convreport.Report) error {
	if err := single(r.URL.Query()); err != nil {
		return err
	}
	if err := h.checkSavedFilters(d); err != nil {
		return err // not the edited report's filter
	}
	q, err := h.query(r.Context(), periodOf(r.URL.Query()), v)
	if err != nil {
		return err
	}
	results, err := h.cfg.Engine.Run(r.Context(), q, d.Runnable(rep))
	if err != nil {
		// The bucket is being edited: the refusal stays on it, in words
		// that name the period too.
		if msg, ok := tooManyBuckets(err, q); ok {
			return &Error{Status: http.StatusUnprocessableEntity, Code: "invalid_report", Field: "bucket", Message: msg, err: err}
		}
		return err
	}
	results = render.ReadableAll(results, q.Now) // as the dashboard shows it
	res := results[0]
	var svg strings.Builder
	if err := render.SVG(&svg, res, render.SVGOptions{ID: "preview", HideTitle: true, DrillURL: noLink}); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"report": rep,
		"result": render.NewJSON(render.Dashboard{Name: d.Name, Results: results}).Reports[0],
		"chart":  render.NewChartSpec(res),
		"svg":    svg.String(),
	})
	return nil
}

func noLink(render.PointRef) string { return "" }

// validateRequest is a filter to check: an expression, structured
// conditions, or both; with the ID of the dashboard the report is in, as
// its runs join it to the dashboard's saved filters.
type validateRequest struct {
	Filter     string                 `json:"filter"`
	Conditions []convreport.Condition `json:"conditions"`
	Dashboard  string                 `json:"dashboard"`
}

// validateResponse answers a validation: valid, with the conditions as an
// expression, or not, with the error that says where.
type validateResponse struct {
	Valid          bool   `json:"valid"`
	ConditionsExpr string `json:"conditions_expr,omitempty"`
	Error          *Error `json:"error,omitempty"`
}

// POST /api/filters/validate: 200 {"valid": true, "conditions_expr": …}
// when the filter compiles against the schema, within the engine's filter
// limits, else 200 {"valid": false,
// "error": {…}} with the error's position. A filter being typed is often
// incomplete: that is an answer, not a failed request. A request that is
// not a filter to check (not JSON, over the limits) fails as usual.
func (h *handler) validateFilter(w http.ResponseWriter, r *http.Request, v access.Viewer) error {
	var req validateRequest
	if err := h.decodeJSON(w, r, &req); err != nil {
		return err
	}
	if len(req.Filter) > maxFilterBytes {
		return unprocessable("invalid_filter", "filter", "the filter is longer than %d bytes", maxFilterBytes)
	}
	if err := checkConditions(req.Conditions); err != nil {
		return err
	}
	invalid := func(err error) error {
		writeJSON(w, http.StatusOK, validateResponse{Error: h.toError(r, err)})
		return nil
	}
	if strings.TrimSpace(req.Filter) != "" {
		if err := h.cfg.Schema.CheckFilter(req.Filter); err != nil {
			return invalid(err)
		}
	}
	expr, err := convreport.ConditionsExpr(h.cfg.Schema, req.Conditions)
	if err != nil {
		return invalid(err)
	}
	// The engine's filter limits, which its runs apply, may be lower than
	// the defaults checked above: a filter over them does not check.
	var (
		fle *convreport.FilterLimitError
		fe  *convreport.FilterError
	)
	err = h.cfg.Engine.CheckReport(convreport.Report{Name: "filter", Filter: req.Filter, Conditions: req.Conditions})
	switch {
	case errors.As(err, &fle):
		return invalid(fle)
	case errors.As(err, &fe) && fe.Expr == req.Filter:
		return invalid(fe)
	}
	if req.Dashboard != "" {
		// Joined to the dashboard's saved filters, as its runs join them
		// (and the card of a report over the limits so says).
		d, err := h.cfg.Store.Get(r.Context(), v, req.Dashboard)
		if errors.Is(err, convreport.ErrNotFound) || errors.Is(err, access.ErrForbidden) {
			return &Error{Status: http.StatusNotFound, Code: "not_found", Field: "dashboard", Message: sprintf("no dashboard %q", req.Dashboard), err: err}
		}
		if err != nil {
			return err
		}
		if h.checkSavedFilters(d) == nil {
			rep := convreport.Report{Name: "filter", Filter: req.Filter, Conditions: req.Conditions}
			if fle, alone := h.filtersOverLimit(rep, d.Filters); fle != nil {
				msg := "with the dashboard's filters, together they " + filterSize(fle, "are", "have") +
					"; shorten them, or remove a filter from the dashboard's row of filters"
				if alone {
					msg = "the dashboard's filters " + filterSize(fle, "are", "have") + "; remove some of them from its row of filters"
				}
				return invalid(&Error{Status: http.StatusUnprocessableEntity, Code: "invalid_filter", Field: "filter", Message: msg})
			}
		}
	}
	writeJSON(w, http.StatusOK, validateResponse{Valid: true, ConditionsExpr: expr})
	return nil
}
