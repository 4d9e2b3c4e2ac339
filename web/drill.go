package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/internal/civil"
	"github.com/convreport/convreport/render"
	"github.com/shopspring/decimal"
)

// A data point is named in a drill-down by query parameters:
//
//	point   the point's "dimensions" object of the result JSON, as JSON:
//	        {"assignee":"Alice Martin"}, {"assignee":null} for the group with
//	        no value, {"bucket":"2025-03-30"} for a time series, {} for a
//	        report with a single point
//	other   true for the point that folds a report's tail ("Other"); its
//	        point may be its "dimensions" as the run gives them
//	        ({"assignee":"Other"}), only its bucket, or left out
//
// with the period parameters of the run (see query.go), best the pinned
// from, to, now and tz a run returns. The server runs the report for the
// viewer and drills into the point that matches: a point the viewer's
// scope hides does not exist for them (404 point_not_found), and the rows
// of any point are the viewer's in-scope conversations only.
const (
	defaultPageSize = 25
	maxPointParam   = 4 << 10
)

// pointSpec is a parsed point parameter.
type pointSpec struct {
	dims  map[string]*string
	other bool
}

func parsePoint(v url.Values) (pointSpec, error) {
	var ps pointSpec
	switch o := v.Get("other"); o {
	case "", "false", "0":
	case "true", "1":
		ps.other = true
	default:
		return ps, badRequest("invalid_point", "other", "other %q: want true or false", o)
	}
	raw := v.Get("point")
	if len(raw) > maxPointParam {
		return ps, badRequest("invalid_point", "point", "the point is longer than %d bytes", maxPointParam)
	}
	if ps.other {
		// The Other point's dimensions as the run gives them, or only its
		// bucket, or nothing: find checks them against the report.
		if raw == "" || raw == "{}" {
			return ps, nil
		}
		dec := json.NewDecoder(strings.NewReader(raw))
		if err := dec.Decode(&ps.dims); err != nil || dec.More() || ps.dims == nil {
			return ps, badRequest("invalid_point", "point", `with other=true, point must be the Other point's dimensions as the run gives them, like {"assignee":"Other"} or {"assignee":"Other","bucket":"2025-03-30"}, or be left out`)
		}
		return ps, nil
	}
	if raw == "" {
		return ps, badRequest("invalid_point", "point",
			`point is required: the point's dimensions as in the result JSON, like {"assignee":"Alice Martin"} or {"bucket":"2025-03-30"}`)
	}
	dec := json.NewDecoder(strings.NewReader(raw))
	if err := dec.Decode(&ps.dims); err != nil || dec.More() || ps.dims == nil {
		return ps, badRequest("invalid_point", "point",
			`point must be a JSON object of strings and nulls, like {"assignee":"Alice Martin"} or {"assignee":null}`)
	}
	return ps, nil
}

// find returns the index of the point of res that spec names, or -1; an
// error says how the spec does not fit the report at all.
func (ps pointSpec) find(res convreport.Result, s *convreport.Schema) (int, error) {
	rep := res.Report
	zone := res.Zone
	if zone == nil {
		zone = time.UTC
	}
	if v := ps.dims["bucket"]; v != nil && rep.Bucket != convreport.NoBucket {
		if err := checkBucketKey(res, zone, *v); err != nil {
			return -1, err
		}
	}
	if ps.other {
		if err := ps.checkOther(rep, s); err != nil {
			return -1, err
		}
		bucket, named := ps.dims["bucket"]
		switch {
		case rep.Bucket != convreport.NoBucket && (!named || bucket == nil):
			return -1, badRequest("invalid_point", "point", `report %q is a time series with an Other point in each bucket: name it, like other=true&point={"bucket":"2025-03-30"}`, rep.Name)
		case rep.Bucket == convreport.NoBucket && named:
			return -1, badRequest("invalid_point", "point", "report %q has no time buckets", rep.Name)
		}
		for i, p := range res.Points {
			if p.Other && (!named || *bucket == rep.Bucket.Key(p.Bucket.In(zone))) {
				return i, nil
			}
		}
		return -1, nil
	}
	want := map[string]bool{}
	var keys []string
	for _, name := range rep.Dimensions {
		k := propertyKey(s, name)
		want[k] = true
		keys = append(keys, k)
	}
	if rep.Bucket != convreport.NoBucket {
		want["bucket"] = true
		keys = append(keys, "bucket")
	}
	for k := range ps.dims {
		if !want[k] {
			return -1, badRequest("invalid_point", "point", "report %q has no dimension %q; its point keys are: %s", rep.Name, k, listOrNone(keys))
		}
	}
	for _, k := range keys {
		if _, ok := ps.dims[k]; !ok {
			return -1, badRequest("invalid_point", "point", "point needs a value (or null) for %q; the report's point keys are: %s", k, listOrNone(keys))
		}
	}
	for i, p := range res.Points {
		if p.Other {
			continue
		}
		ok := true
		for _, d := range p.Dimensions {
			v := ps.dims[propertyKey(s, d.Property)]
			if (v != nil) != d.Known || (v != nil && *v != d.Value) {
				ok = false
				break
			}
		}
		if ok && rep.Bucket != convreport.NoBucket {
			v := ps.dims["bucket"]
			ok = v != nil && *v == rep.Bucket.Key(p.Bucket.In(zone))
		}
		if ok {
			return i, nil
		}
	}
	return -1, nil
}

// checkOther refuses the dimensions of an Other point that are not the
// run's: every dimension of the Other point reads "Other" (its bucket is
// checked by find), and a key the report has not is no key of it.
func (ps pointSpec) checkOther(rep convreport.Report, s *convreport.Schema) error {
	dims := map[string]bool{}
	var keys []string
	for _, name := range rep.Dimensions {
		k := propertyKey(s, name)
		dims[k] = true
		keys = append(keys, k)
	}
	if rep.Bucket != convreport.NoBucket {
		keys = append(keys, "bucket")
	}
	for _, k := range slices.Sorted(maps.Keys(ps.dims)) {
		v := ps.dims[k]
		switch {
		case k == "bucket":
		case !dims[k]:
			return badRequest("invalid_point", "point", "report %q has no dimension %q; its point keys are: %s", rep.Name, k, listOrNone(keys))
		case v == nil || *v != "Other":
			got := "null"
			if v != nil {
				got = strconv.Quote(*v)
			}
			return badRequest("invalid_point", "point", `with other=true, %q is "Other", as the run gives it (got %s); to drill into a group, leave other out`, k, got)
		}
	}
	return nil
}

// checkBucketKey says, when v is not written as the result JSON writes
// the buckets of res ("2025-03-30", or "2025-03-30T14:00+02:00" for an
// hour, whose offset tells apart the two hours of a night the clocks go
// back), how it should be: such a point would otherwise not be found.
func checkBucketKey(res convreport.Result, zone *time.Location, v string) error {
	layout, example := time.DateOnly, "2025-03-30"
	if res.Report.Bucket == convreport.Hour {
		layout, example = "2006-01-02T15:04Z07:00", "2025-03-30T14:00+02:00"
	}
	if _, err := time.Parse(layout, v); err == nil {
		return nil
	}
	for _, p := range res.Points {
		if !p.Bucket.IsZero() {
			example = res.Report.Bucket.Key(p.Bucket.In(zone))
			break
		}
	}
	return badRequest("invalid_point", "point", "bucket %q: name a bucket of report %q as the result JSON does, like %q", v, res.Report.Name, example)
}

func listOrNone(keys []string) string {
	if len(keys) == 0 {
		return "none (use {})"
	}
	return strings.Join(keys, ", ")
}

func propertyKey(s *convreport.Schema, name string) string {
	if p, ok := s.Lookup(name); ok {
		return p.Key
	}
	return name
}

// column is one drill-down column.
type column struct {
	Name  string          `json:"name"`
	Key   string          `json:"key"`
	Label string          `json:"label"`
	Kind  convreport.Kind `json:"kind"`
}

// drillRow is one conversation: its ID, its exact value of each column
// (strings, numbers, booleans, RFC 3339 times in the zone, durations in
// decimal seconds, null when unknown) and the same values as text for
// people.
type drillRow struct {
	ID     string   `json:"id"`
	Values []any    `json:"values"`
	Text   []string `json:"text"`
}

type pointView struct {
	Dimensions render.JSONDimensions `json:"dimensions"`
	Other      bool                  `json:"other,omitempty"`
	Label      string                `json:"label"`
	Value      *string               `json:"value"`
	ValueText  string                `json:"value_text"`
	Count      int64                 `json:"count"`
	// Excluded is how many conversations of the group a duration measure
	// leaves out, and ExcludedReason why ("no agent reply yet").
	Excluded       int64  `json:"excluded"`
	ExcludedReason string `json:"excluded_reason,omitempty"`
	// Previous is the same point in the compared period, when the run
	// compares (see filters.go).
	Previous *previousView `json:"previous,omitempty"`
}

// drillResponse is one page of the conversations behind a point.
type drillResponse struct {
	Dashboard reportSummary `json:"dashboard"`
	Report    reportSummary `json:"report"`
	Point     pointView     `json:"point"`
	Unit      string        `json:"unit"`
	From      time.Time     `json:"from"`
	To        time.Time     `json:"to"`
	TimeZone  string        `json:"time_zone"`
	Total     int           `json:"total"`
	Offset    int           `json:"offset"`
	Limit     int           `json:"limit"`
	Sort      string        `json:"sort"`
	Desc      bool          `json:"desc"`
	// List says which conversations the rows are: "point", "previous"
	// (From and To are then the compared period) or "excluded".
	List    string     `json:"list"`
	Columns []column   `json:"columns"`
	Rows    []drillRow `json:"rows"`
	// zone is the query's: From and To are in UTC where its offset had
	// seconds.
	zone *time.Location
}

// drill answers a drill-down request for viewer v; the page and the API
// share it.
func (h *handler) drill(r *http.Request, v access.Viewer) (*drillResponse, error) {
	d, rep, vw, err := h.reportToRun(r, v)
	if err != nil {
		return nil, err
	}
	qv := r.URL.Query()
	// With the dashboard's calendar and filters, as it ran there.
	rep = d.Runnable(rep)
	list, err := listOf(qv, vw)
	if err != nil {
		return nil, err
	}
	ps, err := parsePoint(qv)
	if err != nil {
		return nil, err
	}
	offset, err := intParam(qv, "offset", 0, 0, 1<<30)
	if err != nil {
		return nil, err
	}
	limit, err := intParam(qv, "limit", defaultPageSize, 1, convreport.MaxPageSize)
	if err != nil {
		return nil, err
	}
	sortBy := qv.Get("sort")
	if sortBy == "" {
		sortBy = "CreatedAt"
	}
	desc := false
	switch qv.Get("desc") {
	case "", "false", "0":
	case "true", "1":
		desc = true
	default:
		return nil, badRequest("bad_request", "desc", "desc %q: want true or false", qv.Get("desc"))
	}
	pr := periodOf(qv)
	q, err := h.query(r.Context(), pr, v)
	if err != nil {
		return nil, err
	}
	q.Compare = vw.compare
	results, err := h.cfg.Engine.Run(r.Context(), q, rep)
	if err != nil {
		return nil, periodTooLong(err, q, pr)
	}
	res := results[0]
	i, err := ps.find(res, h.cfg.Schema)
	if err != nil {
		return nil, err
	}
	if i < 0 {
		return nil, &Error{Status: http.StatusNotFound, Code: "point_not_found",
			Message: sprintf("report %q has no such point in this period", rep.Name)}
	}
	p := res.Points[i]
	pg, err := h.pointList(r, q, rep, res, p, list, sortBy, desc, offset, limit)
	if err != nil {
		return nil, err
	}
	spec := render.NewChartSpec(res)
	jp := render.NewJSON(render.Dashboard{Results: results}).Reports[0].Points[i]
	zone := res.Zone
	out := &drillResponse{
		Dashboard: reportSummary{ID: d.ID, Name: d.Name},
		Report:    reportSummary{ID: rep.ID, Name: rep.Name, Description: rep.Description},
		Point: pointView{Dimensions: jp.Dimensions, Other: p.Other, Label: orDefault(spec.Labels[i], spec.Y.Title),
			Value: jp.Value, ValueText: render.FormatValue(p.Value, spec.Y.Unit), Count: p.Count},
		Unit: spec.Y.Unit, From: civil.Writable(pg.from.In(zone)), To: civil.Writable(pg.to.In(zone)), TimeZone: zone.String(), zone: zone, List: list,
		Total: pg.total, Offset: offset, Limit: limit, Sort: sortBy, Desc: desc,
		Columns: make([]column, len(pg.columns)), Rows: []drillRow{},
	}
	out.Point.addNotes(res, p, spec.Y.Unit)
	if prop, ok := h.cfg.Schema.Lookup(sortBy); ok {
		out.Sort = prop.Name
	}
	for j, c := range pg.columns {
		out.Columns[j] = column{Name: c.Name, Key: c.Key, Label: c.Label, Kind: c.Kind}
	}
	for _, c := range pg.rows {
		vals := pg.values(&c)
		row := drillRow{ID: c.ID, Values: make([]any, len(vals)), Text: make([]string, len(vals))}
		for j, v := range vals {
			row.Values[j], row.Text[j] = cellValue(v, zone)
		}
		out.Rows = append(out.Rows, row)
	}
	return out, nil
}

// GET /api/dashboards/{id}/reports/{rid}/drill?point=…&range=…&sort=…&desc=…&offset=…&limit=…
func (h *handler) drillAPI(w http.ResponseWriter, r *http.Request, v access.Viewer) error {
	out, err := h.drill(r, v)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func intParam(v url.Values, name string, def, lo, hi int) (int, error) {
	s := v.Get(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, badRequest("bad_request", name, "%s %q: want a whole number from %d to %d", name, s, lo, hi)
	}
	return n, nil
}

// cellValue returns a drill-down value exactly, for programs, and as
// text, for people.
func cellValue(v any, zone *time.Location) (any, string) {
	switch v := v.(type) {
	case nil:
		return nil, ""
	case string:
		return v, v
	case float64:
		return v, strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		return v, strconv.FormatBool(v)
	case time.Time:
		t := v.In(zone)
		return civil.FormatRFC3339(t), t.Format("2006-01-02 15:04")
	case time.Duration:
		sec := decimal.NewFromInt(int64(v)).Shift(-9)
		return json.Number(sec.String()), render.FormatDuration(sec)
	}
	b, _ := json.Marshal(v)
	return json.RawMessage(b), string(bytes.Trim(b, `"`))
}

// listedPage is a page of a drill-down's list and the period it is of.
type listedPage struct {
	columns  []convreport.Property
	total    int
	rows     []convreport.Conversation
	values   func(*convreport.Conversation) []any // a row's value of each column
	from, to time.Time
}

// pointList lists one page of list for point p of rep's result res. The
// point's own list, sorted by a property of the schema, is the engine's
// DrillPage: a source that lists pages itself (a database) answers with
// a count and one paged query, where the drill-down reads the report's
// whole range; a point the rows no longer add up to lists what matches
// its group now, as drillList does. The other lists, and sorts by what
// is no property (an SLA point's time over target, a mistake), go
// through drillList and its Drill.
func (h *handler) pointList(r *http.Request, q convreport.Query, rep convreport.Report, res convreport.Result, p convreport.Point,
	list, sortBy string, desc bool, offset, limit int) (*listedPage, error) {
	if _, ok := h.cfg.Schema.Lookup(sortBy); ok && list == "point" {
		pg, err := h.cfg.Engine.DrillPage(r.Context(), q, rep, p, sortBy, desc, offset, limit)
		var pm *convreport.PointMismatchError
		if errors.As(err, &pm) {
			pg, err = h.cfg.Engine.DrillPage(r.Context(), q, rep, p.Unchecked(), sortBy, desc, offset, limit)
		}
		if err != nil {
			return nil, err
		}
		return &listedPage{columns: pg.Columns, total: pg.Total, rows: pg.Rows, values: pg.Values, from: res.From, to: res.To}, nil
	}
	dr, from, to, err := h.drillList(r, q, rep, res, p, list)
	if err != nil {
		return nil, err
	}
	if err := dr.SortBy(sortBy, desc); err != nil {
		return nil, badRequest("bad_request", "sort", "%s", cleanMessage(err.Error()))
	}
	rows, err := dr.Page(offset, limit)
	if err != nil {
		return nil, err
	}
	out := &listedPage{columns: dr.Columns, total: dr.Len(), values: dr.Values, from: from, to: to}
	for c := range rows {
		out.rows = append(out.rows, c)
	}
	return out, nil
}
