package web

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/internal/civil"
	"github.com/convreport/convreport/library"
	"github.com/convreport/convreport/plan"
	"github.com/convreport/convreport/render"
)

// permissions says what the viewer may do to a dashboard.
type permissions struct {
	View   bool `json:"view"`
	Edit   bool `json:"edit"`
	Delete bool `json:"delete"`
	Share  bool `json:"share"`
}

func permissionsOf(d convreport.Dashboard, v access.Viewer) permissions {
	return permissions{
		View: d.Can(v, access.View), Edit: d.Can(v, access.Edit),
		Delete: d.Can(v, access.Delete), Share: d.Can(v, access.Share),
	}
}

// dashboardView is a dashboard as the API returns it: the stored value
// (its grants only to those who may share it) and the viewer's rights.
type dashboardView struct {
	convreport.Dashboard
	Permissions permissions `json:"permissions"`
}

func viewOf(d convreport.Dashboard, v access.Viewer) dashboardView {
	p := permissionsOf(d, v)
	if !p.Share {
		d.Grants = nil // who else has access is the sharers' business
	}
	return dashboardView{Dashboard: d, Permissions: p}
}

type reportSummary struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
}

func summaries(rs []convreport.Report) []reportSummary {
	out := make([]reportSummary, len(rs))
	for i, r := range rs {
		out[i] = reportSummary{ID: r.ID, Name: r.Name, Description: r.Description}
	}
	return out
}

type dashboardSummary struct {
	ID          string            `json:"id"`
	Name        string            `json:"name"`
	Owner       string            `json:"owner"`
	Visibility  access.Visibility `json:"visibility"`
	Version     int64             `json:"version"`
	CreatedAt   time.Time         `json:"created_at,omitzero"` // with version, what a delete names
	UpdatedAt   time.Time         `json:"updated_at,omitzero"`
	Reports     []reportSummary   `json:"reports"`
	Permissions permissions       `json:"permissions"`
}

// GET /api/me
func (h *handler) getMe(w http.ResponseWriter, r *http.Request, v access.Viewer) error {
	writeJSON(w, http.StatusOK, v)
	return nil
}

// operators is the one table of operators, as the editor's menus and its
// messages need it.
var operators = convreport.Operators()

type schemaView struct {
	Properties   []convreport.Property     `json:"properties"`
	ChartTypes   []convreport.ChartType    `json:"chart_types"`
	Operators    []convreport.OperatorInfo `json:"operators"`
	Visibilities []access.Visibility       `json:"visibilities"`
	Plan         plan.Plan                 `json:"plan"`

	// The report builder's choices, as the SDK defines them: the editor
	// offers these and no others.
	Aggregations   []convreport.Aggregation `json:"aggregations"`
	Metrics        []convreport.Metric      `json:"metrics"`
	Buckets        []convreport.Bucket      `json:"buckets"`
	Sorts          []convreport.SortBy      `json:"sorts"`
	Dimensions     []string                 `json:"dimensions"`      // the properties a report can group by
	DateProperties []string                 `json:"date_properties"` // the properties a range can apply to
	MaxDimensions  int                      `json:"max_dimensions"`
}

// GET /api/schema
func (h *handler) getSchema(w http.ResponseWriter, r *http.Request, v access.Viewer) error {
	writeJSON(w, http.StatusOK, h.schemaView())
	return nil
}

func (h *handler) schemaView() schemaView {
	names := func(ps []convreport.Property) []string {
		out := make([]string, len(ps))
		for i, p := range ps {
			out[i] = p.Name
		}
		return out
	}
	return schemaView{
		Properties: h.cfg.Schema.Properties(), ChartTypes: convreport.ChartTypes(), Operators: operators,
		Visibilities: access.Visibilities(), Plan: h.cfg.Plan,
		Aggregations: convreport.Aggregations(), Metrics: convreport.Metrics(), Buckets: convreport.Buckets(),
		Sorts: convreport.Sorts(), Dimensions: names(h.cfg.Schema.GroupableProperties()),
		DateProperties: names(h.cfg.Schema.DateProperties()), MaxDimensions: maxBreakdowns,
	}
}

type templateView struct {
	ID          string          `json:"id"`
	Name        string          `json:"name"`
	FrenchName  string          `json:"french_name"`
	Description string          `json:"description"`
	Keywords    []string        `json:"keywords"`
	Reports     []reportSummary `json:"reports"`
	// Extra are reports the library offers to add that a new dashboard
	// does not start with.
	Extra []reportSummary `json:"extra,omitempty"`
}

func templateViews(ts []library.Template) []templateView {
	out := make([]templateView, len(ts))
	for i, t := range ts {
		out[i] = templateView{ID: t.ID, Name: t.Name, FrenchName: t.FrenchName, Description: t.Description,
			Keywords: t.Keywords, Reports: summaries(t.Reports)}
		if len(t.Extra) > 0 {
			out[i].Extra = summaries(t.Extra)
		}
	}
	return out
}

// GET /api/templates?q=QUERY
func (h *handler) listTemplates(w http.ResponseWriter, r *http.Request, v access.Viewer) error {
	if err := single(r.URL.Query()); err != nil {
		return err
	}
	q := r.URL.Query().Get("q")
	if len(q) > 200 {
		return badRequest("bad_request", "q", "the search is longer than 200 bytes")
	}
	writeJSON(w, http.StatusOK, map[string]any{"templates": templateViews(library.Search(q))})
	return nil
}

// GET /api/dashboards
func (h *handler) listDashboards(w http.ResponseWriter, r *http.Request, v access.Viewer) error {
	ds, err := h.cfg.Store.List(r.Context(), v)
	if err != nil {
		return err
	}
	out := make([]dashboardSummary, len(ds))
	for i, d := range ds {
		out[i] = dashboardSummary{ID: d.ID, Name: d.Name, Owner: d.Owner, Visibility: d.Visibility, Version: d.Version,
			CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt, Reports: summaries(d.Reports), Permissions: permissionsOf(d, v)}
	}
	writeJSON(w, http.StatusOK, map[string]any{"dashboards": out})
	return nil
}

// createRequest is the "create dashboard" dialog: a template, the reports
// to leave out, a name and who may see it. The owner is the viewer.
type createRequest struct {
	Template   string            `json:"template"`
	Name       string            `json:"name"`
	Visibility access.Visibility `json:"visibility"`
	Grants     []access.Grant    `json:"grants"`
	Deselect   []string          `json:"deselect"`
	// Calendar, when set, makes the new dashboard count business hours
	// by the calendar of this name (see GET api/calendars).
	Calendar string `json:"calendar"`
}

// POST /api/dashboards
func (h *handler) createDashboard(w http.ResponseWriter, r *http.Request, v access.Viewer) error {
	var req createRequest
	if err := h.decodeJSON(w, r, &req); err != nil {
		return err
	}
	if v.UserID == "" {
		return &Error{Status: http.StatusForbidden, Code: "forbidden", Message: "only a signed-in user may create a dashboard"}
	}
	if err := h.roomForDashboard(r.Context()); err != nil {
		return err
	}
	if strings.TrimSpace(req.Template) == "" {
		return unprocessable("invalid_request", "template", "template is required: %s", templateIDs())
	}
	t, ok := library.Lookup(req.Template)
	if !ok {
		return unprocessable("invalid_request", "template", "no template %q: %s", req.Template, templateIDs())
	}
	for _, id := range req.Deselect {
		if !slices.ContainsFunc(t.Reports, func(r convreport.Report) bool { return r.ID == id }) {
			return unprocessable("invalid_request", "deselect", "template %q has no report %q", t.ID, id)
		}
	}
	if len(req.Deselect) >= len(t.Reports) {
		return unprocessable("invalid_request", "deselect", "keep at least one report of the template")
	}
	d, err := t.NewDashboard(convreport.DashboardOptions{
		Name: req.Name, Owner: v.UserID, Visibility: req.Visibility, Grants: req.Grants,
		Plan: h.cfg.Plan, Schema: h.cfg.Schema,
	}, req.Deselect...)
	if err != nil {
		return grantsRefused(convreport.Dashboard{Name: req.Name, Owner: v.UserID, Visibility: req.Visibility, Grants: req.Grants}, err)
	}
	if req.Calendar != "" {
		d.Calendar = req.Calendar
		if err := d.Validate(); err != nil {
			return err
		}
		// A store that keeps no calendars cannot check the name: the
		// handler's calendars do.
		if h.cfg.Calendars != nil {
			set, err := h.cfg.Calendars.Calendars(r.Context())
			if err != nil {
				return err
			}
			if err := d.CheckCalendars(set); err != nil {
				return err
			}
		}
	}
	d, err = h.cfg.Store.Create(r.Context(), v, d)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "dashboards/"+url.PathEscape(d.ID))
	writeJSON(w, http.StatusCreated, viewOf(d, v))
	return nil
}

func templateIDs() string {
	var ids []string
	for _, t := range library.All() {
		ids = append(ids, t.ID)
	}
	return "want " + strings.Join(ids, " or ")
}

// dashboard loads the dashboard the path names, for a viewer who may view
// it. One the viewer may not view answers exactly as a missing one does
// (404, the same body): otherwise a 403 would tell anyone which IDs exist,
// such as another user's private dashboard. The log keeps the refusal.
func (h *handler) dashboard(r *http.Request, v access.Viewer) (convreport.Dashboard, error) {
	id := r.PathValue("id")
	d, err := h.cfg.Store.Get(r.Context(), v, id)
	if errors.Is(err, convreport.ErrNotFound) || errors.Is(err, access.ErrForbidden) {
		return d, &Error{Status: http.StatusNotFound, Code: "not_found", Message: sprintf("no dashboard %q", id), err: err}
	}
	return d, err
}

// GET /api/dashboards/{id}
func (h *handler) getDashboard(w http.ResponseWriter, r *http.Request, v access.Viewer) error {
	d, err := h.dashboard(r, v)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewOf(d, v))
	return nil
}

// GET /api/dashboards/{id}/reports/{rid}
func (h *handler) getReport(w http.ResponseWriter, r *http.Request, v access.Viewer) error {
	d, rep, err := h.dashboardReport(r, v)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"dashboard": viewOf(d, v), "report": rep})
	return nil
}

// dashboardReport loads the dashboard and report the path names, for a
// viewer who may view it.
func (h *handler) dashboardReport(r *http.Request, v access.Viewer) (convreport.Dashboard, convreport.Report, error) {
	d, err := h.dashboard(r, v)
	if err != nil {
		return d, convreport.Report{}, err
	}
	rep, ok := d.Report(r.PathValue("rid"))
	if !ok {
		return d, rep, &Error{Status: http.StatusNotFound, Code: "not_found",
			Message: sprintf("dashboard %q has no report %q", d.ID, r.PathValue("rid"))}
	}
	return d, rep, nil
}

// runResponse is the result JSON of docs/semantics.md (dashboard, from, to,
// time_zone, reports), plus what a UI needs to go further: the dashboard's
// ID and version, the instant the range was resolved at, the report IDs
// and a chart spec per report, both in the order of "reports", and the
// parameters that name this exact period for a drill-down.
type runResponse struct {
	render.JSONDashboard
	ID        string             `json:"id"`
	Version   int64              `json:"version"`
	Now       time.Time          `json:"now"`
	ReportIDs []string           `json:"report_ids"`
	Charts    []render.ChartSpec `json:"charts"`
	Period    string             `json:"period"`
	// Filters are every filter the run applied on top of the reports'
	// own: the dashboard's saved ones, then this view's.
	Filters []convreport.Condition `json:"filters"`
	// NotRun are the reports that cannot run in this period while the
	// others do (see notrun.go), in the dashboard's order, each the error
	// the API gives of the period for it alone, its ID in "report". They
	// are in none of the lists above.
	NotRun []*Error `json:"not_run,omitempty"`
}

// run is one run of a dashboard for a request.
type run struct {
	d convreport.Dashboard
	// stored is the dashboard as the store gave it, before the run left
	// out or added filters: what the page says of its definition.
	stored  convreport.Dashboard
	q       convreport.Query
	results []convreport.Result
	from    time.Time
	to      time.Time
	pinned  url.Values
	view    view // the filters and comparison asked for this view
	// skipped holds the dashboard's saved filters when the run left them
	// out (see runMode); d then has none of them.
	skipped []convreport.Condition
	// stale holds, by ID, the reports of d the run left out because parts
	// of them no longer check (see stale.go): results has none of them,
	// and d has them all.
	stale map[string]*staleReport
	// notRun holds, by ID, the reports of d that cannot run in this
	// period, though others do (see notrun.go): results has none of them
	// either.
	notRun map[string]*notRun
}

// runMode says what a run leaves out, for a page to show what it can,
// rather than fail on.
type runMode struct {
	// skipSaved leaves out the dashboard's saved filters when they no
	// longer check (a property the schema lost), so that the page still
	// shows, with the filters there to remove.
	skipSaved bool
	// skipStale leaves out the reports whose own filters no longer check,
	// so that the others still show and these say why they do not.
	skipStale bool
}

// runFor runs the dashboard the request names, failing on anything that
// does not check: what the JSON API and the exports answer. A report
// that cannot run in the period alone is set aside all the same (see
// notrun.go): the run says so, and an export of every report refuses.
func (h *handler) runFor(r *http.Request, v access.Viewer) (*run, error) {
	return h.runOf(r, v, runMode{})
}

func (h *handler) runOf(r *http.Request, v access.Viewer, mode runMode) (*run, error) {
	d, err := h.dashboard(r, v)
	if err != nil {
		return nil, err
	}
	stored := d.Clone()
	var skipped []convreport.Condition
	if err := h.checkSavedFilters(d); err != nil {
		if !mode.skipSaved {
			return nil, err
		}
		skipped, d.Filters = d.Filters, nil
	}
	if err := single(r.URL.Query()); err != nil {
		return nil, err
	}
	p := periodOf(r.URL.Query())
	q, err := h.query(r.Context(), p, v)
	if err != nil {
		return nil, err
	}
	vw, err := viewOfQuery(r.URL.Query())
	if err != nil {
		return nil, err
	}
	if d, err = vw.apply(h, d); err != nil {
		return nil, err
	}
	q.Compare = vw.compare
	from, to, err := resolveRange(q)
	if err != nil {
		return nil, err
	}
	ran := d
	var stale map[string]*staleReport
	sc := scopeOf(d, q)
	for _, rep := range d.Reports {
		s := h.staleReport(rep, sc)
		if s == nil {
			continue
		}
		if !mode.skipStale {
			// Named here: the engine would name the report, not its ID.
			return nil, s.apiError()
		}
		if stale == nil {
			stale = map[string]*staleReport{}
		}
		stale[rep.ID] = s
	}
	if len(stale) > 0 {
		ran = d.Clone()
		ran.Reports = slices.DeleteFunc(ran.Reports, func(rep convreport.Report) bool { return stale[rep.ID] != nil })
	}
	// Each report that cannot run in this period is set aside with its
	// error, and the others still run (see notrun.go).
	results, errs, err := h.cfg.Engine.RunDashboardEach(r.Context(), q, ran)
	if err != nil {
		return nil, periodTooLong(err, q, p)
	}
	notRun, results, err := notRunIn(ran, results, errs, q, p)
	if err != nil {
		return nil, err
	}
	// Time series drop their empty buckets after now and "(no value)"
	// goes last, in every view.
	results = render.ReadableAll(results, q.Now)
	pin := pinned(from, to, q.Now, q.Zone, strings.ToLower(p.WeekStart))
	vw.params(pin) // drill-downs apply the same filters and comparison
	return &run{d: d, stored: stored, q: q, results: results, from: from, to: to, pinned: pin, view: vw, skipped: skipped, stale: stale, notRun: notRun}, nil
}

// resolveRange returns the range q means, as the engine resolves it.
func resolveRange(q convreport.Query) (time.Time, time.Time, error) {
	if !q.From.IsZero() {
		return q.From, q.To, nil
	}
	rg := q.Range
	if rg == "" {
		rg = convreport.Last30Days
	}
	return rg.Resolve(q.Now, q.Zone, q.WeekStart)
}

// GET /api/dashboards/{id}/run?range=…&tz=…[&format=vega]
func (h *handler) runDashboard(w http.ResponseWriter, r *http.Request, v access.Viewer) error {
	format := r.URL.Query().Get("format")
	if format != "" && format != "json" && format != "vega" {
		return badRequest("bad_request", "format", "format %q: want json (the default) or vega", format)
	}
	run, err := h.runFor(r, v)
	if err != nil {
		return err
	}
	rd := render.Dashboard{Name: run.d.Name, From: run.from, To: run.to, Zone: run.q.Zone, Results: run.results}
	if format == "vega" {
		b, err := render.VegaLiteDashboard(rd)
		if err == nil {
			b, err = withNotRun(b, run)
		}
		if err != nil {
			return err
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		_, err = w.Write(b)
		return err
	}
	resp := runResponse{JSONDashboard: render.NewJSON(rd), ID: run.d.ID, Version: run.d.Version,
		Now: civil.Writable(run.q.Now.In(run.q.Zone)), ReportIDs: make([]string, len(run.results)),
		Charts: make([]render.ChartSpec, len(run.results)), Period: run.pinned.Encode(),
		Filters: append([]convreport.Condition{}, run.d.Filters...), NotRun: notRunErrors(run)}
	for i, res := range run.results {
		resp.ReportIDs[i] = res.Report.ID
		resp.Charts[i] = render.NewChartSpec(res)
	}
	writeJSON(w, http.StatusOK, resp)
	return nil
}
