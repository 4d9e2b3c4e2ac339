package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/internal/civil"
	"github.com/convreport/convreport/internal/strictjson"
	"github.com/convreport/convreport/internal/valuelist"
	"github.com/convreport/convreport/render"
)

// Dashboard filters and comparison, as a dashboard's run, page, live
// stream and drill-downs read them from the query string:
//
//	filters   a JSON array of conditions applied to every report for this
//	          view only, on top of the dashboard's saved filters:
//	          [{"property":"Channel","op":"is_any_of","values":["chat"]}]
//	compare   previous (the previous period of equal calendar length) or
//	          year (the same period a year before)
//
// A drill-down also reads
//
//	list      point (the default): the conversations behind the point;
//	          previous: those behind the same point in the compared period;
//	          excluded: those a duration point leaves out of its value
//
// The saved filters are set with PUT /api/dashboards/{id}/filters.

// maxFiltersParam bounds the filters parameter, in bytes.
const maxFiltersParam = 8 << 10

// view is what a request asks on top of the saved dashboard.
type view struct {
	filters []convreport.Condition
	compare convreport.Compare
}

// viewOfQuery reads the filters and compare parameters; errors name them.
func viewOfQuery(qv url.Values) (view, error) {
	var v view
	if raw := strings.TrimSpace(qv.Get("filters")); raw != "" {
		if len(raw) > maxFiltersParam {
			return v, badRequest("invalid_query", "filters", "filters is longer than %d bytes", maxFiltersParam)
		}
		dec := json.NewDecoder(strings.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&v.filters); err != nil || dec.More() {
			return v, badRequest("invalid_query", "filters",
				`filters must be a JSON array of conditions, like [{"property":"Channel","op":"is_any_of","values":["chat"]}]`)
		}
		var se *strictjson.Error
		if errors.As(strictjson.Check([]byte(raw), &v.filters), &se) {
			return v, badRequest("invalid_query", "filters", "filters: key %q: %s", se.Field(), se.Reason)
		}
	}
	c, err := convreport.ParseCompare(strings.TrimSpace(qv.Get("compare")))
	if err != nil {
		return v, badRequest("invalid_query", "compare", "compare %q: want previous or year", qv.Get("compare"))
	}
	v.compare = c
	return v, nil
}

// apply returns d with the view's filters after its saved ones. A bad
// filter is a 422 on "filters" naming its position among the view's. The
// view's properties are written as names from then on, as saved filters
// are.
func (v *view) apply(h *handler, d convreport.Dashboard) (convreport.Dashboard, error) {
	v.filters = conditionsByName(h.cfg.Schema, v.filters)
	out, err := d.WithFilters(h.cfg.Schema, v.filters...)
	if err != nil {
		return d, filtersError(h, err, len(d.Filters))
	}
	return out, nil
}

// params are the view's query parameters, for the links a page makes.
func (v view) params(into url.Values) {
	if len(v.filters) > 0 {
		b, err := json.Marshal(v.filters)
		if err == nil {
			into.Set("filters", string(b))
		}
	}
	if v.compare != convreport.NoCompare {
		into.Set("compare", string(v.compare))
	}
}

// filtersError turns a refused filter into the API's error: field
// "filters", the index in the list the client sent (offset is how many
// saved filters came before them) and the message in the UI's words,
// which counts in that list too, or names a saved filter as such.
func filtersError(h *handler, err error, offset int) error {
	var ce *convreport.ConditionError
	var de *convreport.DashboardError
	switch {
	case errors.As(err, &ce):
		var parts []string
		for _, c := range conditionErrors(err) {
			own := *c
			saved := own.Index >= 0 && own.Index < offset
			if own.Index >= offset {
				own.Index -= offset
			}
			part := h.describeCondition(&own)
			if saved {
				part = "the dashboard's saved " + part
			}
			parts = append(parts, part)
		}
		msg := strings.Join(parts, "; ")
		if msg == "" {
			msg = cleanMessage(err.Error())
		}
		out := &Error{Status: http.StatusUnprocessableEntity, Code: "invalid_condition", Field: "filters", Message: msg, err: err}
		if ce.Index >= offset { // a saved filter's has no place in the list sent
			i := ce.Index - offset
			out.Index = &i
		}
		return out
	case errors.As(err, &de):
		return &Error{Status: http.StatusUnprocessableEntity, Code: "invalid_dashboard", Field: "filters", Message: cleanMessage(err.Error()), err: err}
	}
	return err
}

// checkSavedFilters refuses d's saved filters when they no longer check
// (a property the schema lost), naming them as the dashboard's: run with
// a report, they would be blamed on that report, which holds them only as
// a copy after its own.
func (h *handler) checkSavedFilters(d convreport.Dashboard) error {
	if len(d.Filters) == 0 {
		return nil
	}
	if _, err := d.SetFilters(h.cfg.Schema, d.Filters); err != nil {
		return filtersError(h, err, len(d.Filters))
	}
	return nil
}

// filtersRunnable refuses to save nd's filters when, with a report's own
// (which a run joins them to), they would be over the engine's filter
// limits and the report ran with d's: the row of filters says so at once,
// and nothing is saved. A report over the limits with d's filters already
// does not refuse the save (its card says why), so that removing a
// filter, or fixing the dashboard one step at a time, is never refused.
func (h *handler) filtersRunnable(d, nd convreport.Dashboard) error {
	for _, rep := range nd.Reports {
		fle, alone := h.filtersOverLimit(rep, nd.Filters)
		if fle == nil {
			continue
		}
		if before, _ := h.filtersOverLimit(rep, d.Filters); before != nil {
			continue
		}
		if alone {
			return unprocessable("invalid_filter", "filters", "the filters %s; remove some of them",
				filterSize(fle, "would be", "would have"))
		}
		return unprocessable("invalid_filter", "filters", "report %q would not run: with its own filters, these %s; shorten its filters first, or save fewer here",
			rep.Name, filterSize(fle, "would be", "would have"))
	}
	return nil
}

type putFiltersRequest struct {
	Version *int64                  `json:"version"`
	Created *string                 `json:"created"`
	Filters *[]convreport.Condition `json:"filters"`
}

// PUT /api/dashboards/{id}/filters {"version": 3, "created": …, "filters": [...]}: saves
// the dashboard's filters (an empty list removes them) as a new version.
func (h *handler) putFilters(w http.ResponseWriter, r *http.Request, v access.Viewer) error {
	d, err := h.dashboard(r, v)
	if err != nil {
		return err
	}
	var req putFiltersRequest
	if err := h.decodeJSON(w, r, &req); err != nil {
		return err
	}
	if !d.Can(v, access.Edit) {
		return &Error{Status: http.StatusForbidden, Code: "forbidden",
			Message: sprintf("you may view dashboard %q but not edit it", d.Name)}
	}
	if err := checkSeen(d, req.Version, req.Created); err != nil {
		return err
	}
	if req.Filters == nil {
		return unprocessable("invalid_request", "filters", "filters is required: a list of conditions, [] to remove them")
	}
	nd, err := d.SetFilters(h.cfg.Schema, conditionsByName(h.cfg.Schema, *req.Filters))
	if err != nil {
		return filtersError(h, err, 0)
	}
	if err := h.filtersRunnable(d, nd); err != nil {
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

// listOf reads the list parameter of a drill-down.
func listOf(qv url.Values, vw view) (string, error) {
	switch l := qv.Get("list"); l {
	case "", "point":
		return "point", nil
	case "previous":
		if vw.compare == convreport.NoCompare {
			return "", badRequest("bad_request", "list", "list=previous needs compare=previous or compare=year")
		}
		return l, nil
	case "excluded":
		return l, nil
	default:
		return "", badRequest("bad_request", "list", "list %q: want point, previous or excluded", l)
	}
}

// drillList returns the conversations a drill-down lists, and the period
// they come from. p comes from a run of rep for q made for this request;
// when the data changed between that run and the drill-down (a live
// source), the list is of the conversations that match p now, as the
// page's next live update will count them.
func (h *handler) drillList(r *http.Request, q convreport.Query, rep convreport.Report, res convreport.Result, p convreport.Point, list string) (*convreport.Drill, time.Time, time.Time, error) {
	dr, from, to, err := h.drillListOf(r, q, rep, res, p, list)
	var pm *convreport.PointMismatchError
	if errors.As(err, &pm) {
		un := p.Unchecked()
		if p.Previous != nil {
			prev := p.Previous.Unchecked()
			un.Previous = &prev
		}
		return h.drillListOf(r, q, rep, res, un, list)
	}
	return dr, from, to, err
}

// drillListOf is drillList without its second try.
func (h *handler) drillListOf(r *http.Request, q convreport.Query, rep convreport.Report, res convreport.Result, p convreport.Point, list string) (*convreport.Drill, time.Time, time.Time, error) {
	ctx := r.Context()
	switch list {
	case "previous":
		if p.Previous == nil {
			return nil, time.Time{}, time.Time{}, &Error{Status: http.StatusNotFound, Code: "point_not_found",
				Message: sprintf("this point of report %q has no value in the compared period", rep.Name)}
		}
		pq, err := q.Previous()
		if err != nil {
			return nil, time.Time{}, time.Time{}, err
		}
		dr, err := h.cfg.Engine.DrillDown(ctx, pq, rep, *p.Previous)
		return dr, res.PreviousFrom, res.PreviousTo, err
	case "excluded":
		if rep.Measure.ExcludedReason() == "" {
			return nil, time.Time{}, time.Time{}, badRequest("bad_request", "list", "report %q counts conversations: it leaves none out", rep.Name)
		}
		if p.Other {
			return nil, time.Time{}, time.Time{}, badRequest("bad_request", "list", "the Other point folds several groups: list the left-out conversations of one group")
		}
		dr, err := h.cfg.Engine.DrillExcluded(ctx, q, rep, p)
		return dr, res.From, res.To, err
	}
	dr, err := h.cfg.Engine.DrillDown(ctx, q, rep, p)
	return dr, res.From, res.To, err
}

// previousView is a point's value in the compared period, for the
// drill-down dialog.
type previousView struct {
	Label     string    `json:"label"` // "previous 30 days"
	Value     *string   `json:"value"`
	ValueText string    `json:"value_text"`
	Count     int64     `json:"count"`
	Change    string    `json:"change,omitempty"` // "+12 %"
	From      time.Time `json:"from"`
	To        time.Time `json:"to"`
}

// addNotes fills what the point leaves out and its compared value.
func (pv *pointView) addNotes(res convreport.Result, p convreport.Point, unit string) {
	pv.Excluded = p.Excluded
	if p.Excluded > 0 {
		pv.ExcludedReason = res.Report.Measure.ExcludedReason()
	}
	if pp := p.Previous; pp != nil {
		prev := &previousView{Label: render.CompareLabel(res), ValueText: render.FormatValue(pp.Value, unit), Count: pp.Count,
			Change: render.Change(p.Value, pp.Value), From: civil.Writable(res.PreviousFrom.In(res.Zone)), To: civil.Writable(res.PreviousTo.In(res.Zone))}
		if pp.Value.Valid {
			s := pp.Value.Decimal.String()
			prev.Value = &s
		}
		pv.Previous = prev
	}
}

// filterBar is the row of filters above a dashboard's reports.
type filterBar struct {
	Chips []filterChip
	// State is what the script needs, as JSON: the dashboard, its version,
	// whether the viewer may save, the saved and the view's filters, and
	// the properties and operators the report editor offers.
	State string
	// Compare is the comparison chosen; Compares the menu.
	Compare  string
	Compares []option
	// ViewFilters is this view's filters as the filters parameter, for
	// the range form to keep.
	ViewFilters string
}

type filterChip struct {
	Kind  string // "saved" or "view"
	Index int    // in its list
	Text  string // "Channel is any of chat, email"
	// Removable is true for the view's filters, and for the saved ones
	// when the viewer may edit.
	Removable bool
}

// describe is a condition as a chip says it, its values as the row of
// filters reads them: "Plan is any of free, "Enterprise, EU"".
func (h *handler) describe(c convreport.Condition) string {
	s := h.propertyLabel(c.Property) + " " + opLabel(c.Op)
	switch {
	case len(c.Values) == 0:
	case c.Op == convreport.Between:
		s += " " + strings.Join(c.Values, " and ")
	default:
		s += " " + valuelist.Join(c.Values)
	}
	return s
}

// filterBar builds the row of filters of a run's page.
func (h *handler) filterBar(run *run, canEdit bool) (filterBar, error) {
	all := run.d.Filters
	saved := all[:len(all)-len(run.view.filters)]
	if run.skipped != nil {
		saved = run.skipped // left out of the run, shown to be removed
	}
	var fb filterBar
	for i, c := range saved {
		fb.Chips = append(fb.Chips, filterChip{Kind: "saved", Index: i, Text: h.describe(c), Removable: canEdit})
	}
	for i, c := range run.view.filters {
		fb.Chips = append(fb.Chips, filterChip{Kind: "view", Index: i, Text: h.describe(c), Removable: true})
	}
	sv := h.schemaView()
	state := map[string]any{
		"dashboard": run.d.ID, "version": run.d.Version, "created": run.d.CreatedAt.Format(time.RFC3339Nano), "can_edit": canEdit,
		"saved": nonNil(saved), "view": nonNil(run.view.filters),
		"properties": sv.Properties, "operators": sv.Operators,
	}
	b, err := json.Marshal(state)
	if err != nil {
		return fb, err
	}
	fb.State = string(b)
	fb.Compare = string(run.view.compare)
	for _, o := range []option{{Value: "", Label: "No comparison"}, {Value: "previous", Label: "Previous period"}, {Value: "year", Label: "Same period last year"}} {
		o.Selected = o.Value == fb.Compare
		fb.Compares = append(fb.Compares, o)
	}
	if len(run.view.filters) > 0 {
		v := url.Values{}
		view{filters: run.view.filters}.params(v)
		fb.ViewFilters = v.Get("filters")
	}
	return fb, nil
}

func nonNil(cs []convreport.Condition) []convreport.Condition {
	if cs == nil {
		return []convreport.Condition{}
	}
	return cs
}

// listURLs are the links between a point's lists on the drill-down page.
type listURLs struct {
	Point, Excluded, Previous string
	// What each says: "17 conversations left out: no agent reply yet",
	// "Previous 30 days: 43s, 128 conversations (−9.3 %)", and what the
	// rows shown are when they are not the point's.
	ExcludedText, PreviousText, ListText string
}

// listLinks makes the links of a drill-down page; link gives the URL of a
// list of the same point.
func listLinks(out *drillResponse, link func(list string) string) *listURLs {
	p := out.Point
	if p.Excluded == 0 && p.Previous == nil && out.List == "point" {
		return nil
	}
	l := &listURLs{Point: link("point")}
	if p.Excluded > 0 {
		l.ExcludedText = plural(p.Excluded, "conversation") + " left out: " + p.ExcludedReason
		if !p.Other {
			l.Excluded = link("excluded")
		}
	}
	if pp := p.Previous; pp != nil {
		l.Previous = link("previous")
		l.PreviousText = sentence(pp.Label) + ": " + pp.ValueText + ", " + plural(pp.Count, "conversation")
		if pp.Change != "" {
			l.PreviousText += " (" + pp.Change + ")"
		}
	}
	switch out.List {
	case "excluded":
		l.ListText = "Left out of the value: " + plural(int64(out.Total), "conversation")
		if p.ExcludedReason != "" {
			l.ListText += " (" + p.ExcludedReason + ")"
		}
	case "previous":
		l.ListText = l.PreviousText
	}
	return l
}

// previousCell is a table row's compared value and its change: "118
// (+5.9 %)", "–" when the point has none.
func previousCell(p convreport.Point, unit string) string {
	if p.Previous == nil {
		return "–"
	}
	s := render.FormatValue(p.Previous.Value, unit)
	if c := render.Change(p.Value, p.Previous.Value); c != "" {
		s += " (" + c + ")"
	}
	return s
}

// compareMeta ends a card's meta line with what its dashed marks are.
func compareMeta(res convreport.Result, spec render.ChartSpec) string {
	l := render.CompareLabel(res)
	switch {
	case l == "":
		return ""
	case spec.Type == convreport.TableChart || spec.Type == convreport.SummaryChart:
		return " · vs " + l
	}
	return " · dashed: " + l
}
