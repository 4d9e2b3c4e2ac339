package web

import (
	"bytes"
	"encoding/json"
	"html/template"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/render"
)

// Exports: a report as CSV, SVG or PNG, a dashboard as a zip of CSVs or a
// print layout, a drill-down's rows as CSV. Each is a GET that takes the
// period parameters of a run (query.go), reads the dashboard through the
// Store for the viewer (404 for one they may not view) and runs with the
// viewer in the query, so an export holds exactly what the viewer sees on
// the page, nothing outside their scope.

// exportRoutes registers the export routes; routes calls it.
func (h *handler) exportRoutes() {
	h.api("/api/dashboards/{id}/reports/{rid}/export", methods{http.MethodGet: {h.exportReport, exportParams}})
	h.api("/api/dashboards/{id}/export", methods{http.MethodGet: {h.exportDashboard, exportParams}})
	h.api("/api/dashboards/{id}/reports/{rid}/drill/export", methods{http.MethodGet: {h.exportDrill, drillExportParams}})
	h.page("GET /dashboards/{id}/print", h.printPage)
}

// download sets the headers of a file to save: its type and its name
// (RFC 6266; a name beyond ASCII goes in filename* as UTF-8).
func download(w http.ResponseWriter, contentType, name string) {
	hd := w.Header()
	hd.Set("Content-Type", contentType)
	hd.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	hd.Set("Cache-Control", "no-store")
}

// GET /api/dashboards/{id}/reports/{rid}/export?format=csv|svg|png&range=…
func (h *handler) exportReport(w http.ResponseWriter, r *http.Request, v access.Viewer) error {
	format := r.URL.Query().Get("format")
	switch format {
	case "csv", "svg", "png":
	default:
		return badRequest("bad_request", "format", "format %q: want csv, svg or png", format)
	}
	d, rep, vw, err := h.reportToRun(r, v)
	if err != nil {
		return err
	}
	qv := r.URL.Query()
	p := periodOf(qv)
	q, err := h.query(r.Context(), p, v)
	if err != nil {
		return err
	}
	q.Compare = vw.compare
	results, err := h.cfg.Engine.Run(r.Context(), q, d.Runnable(rep))
	if err != nil {
		return periodTooLong(err, q, p)
	}
	res := render.Readable(results[0], q.Now)
	// Rendered whole before the first byte, so a failure is still a JSON
	// error: a report is at most the engine's MaxGroups points.
	var buf bytes.Buffer
	var ctype string
	switch format {
	case "csv":
		ctype = "text/csv; charset=utf-8"
		err = render.ReportCSV(&buf, res)
	case "svg":
		ctype = "image/svg+xml"
		err = render.SVG(&buf, res, render.SVGOptions{ID: "chart", DrillURL: noLink})
		// An SVG opened on its own is a document: it may run nothing.
		w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	case "png":
		ctype = "image/png"
		err = render.PNG(&buf, res, render.PNGOptions{SVGOptions: render.SVGOptions{ID: "chart", DrillURL: noLink}})
	}
	if err != nil {
		return err
	}
	download(w, ctype, render.FileName(rep.Name, "report")+"."+format)
	_, err = w.Write(buf.Bytes())
	return err
}

// GET /api/dashboards/{id}/export?format=zip&range=…: one CSV per report
// (render.ReportCSV), named after the report.
func (h *handler) exportDashboard(w http.ResponseWriter, r *http.Request, v access.Viewer) error {
	if f := r.URL.Query().Get("format"); f != "zip" {
		return badRequest("bad_request", "format", "format %q: want zip (one CSV per report); the print layout is the page dashboards/{id}/print", f)
	}
	run, err := h.runFor(r, v)
	if err != nil {
		return err
	}
	// Every report's CSV, or none: a zip without one would look whole.
	if err := firstNotRun(run); err != nil {
		return err
	}
	var buf bytes.Buffer
	rd := render.Dashboard{Name: run.d.Name, From: run.from, To: run.to, Zone: run.q.Zone, Results: run.results}
	if err := render.CSVZip(&buf, rd, run.q.Now); err != nil {
		return err
	}
	download(w, "application/zip", render.FileName(run.d.Name, "dashboard")+".zip")
	_, err = w.Write(buf.Bytes())
	return err
}

// GET /api/dashboards/{id}/reports/{rid}/drill/export?format=csv&point=…:
// every row of the point, not a page, in the drill-down's columns and
// sort. Rows are written as they are read, so the response holds no more
// than the CSV writer's buffer; the drill-down itself keeps only row
// references.
func (h *handler) exportDrill(w http.ResponseWriter, r *http.Request, v access.Viewer) error {
	qv := r.URL.Query()
	if f := qv.Get("format"); f != "" && f != "csv" {
		return badRequest("bad_request", "format", "format %q: want csv", f)
	}
	// The drill-down's view: its filters, comparison and list, so that the
	// file holds what the dialog lists.
	d, rep, vw, err := h.reportToRun(r, v)
	if err != nil {
		return err
	}
	rep = d.Runnable(rep)
	list, err := listOf(qv, vw)
	if err != nil {
		return err
	}
	ps, err := parsePoint(qv)
	if err != nil {
		return err
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
		return badRequest("bad_request", "desc", "desc %q: want true or false", qv.Get("desc"))
	}
	p := periodOf(qv)
	q, err := h.query(r.Context(), p, v)
	if err != nil {
		return err
	}
	q.Compare = vw.compare
	results, err := h.cfg.Engine.Run(r.Context(), q, rep)
	if err != nil {
		return periodTooLong(err, q, p)
	}
	res := results[0]
	i, err := ps.find(res, h.cfg.Schema)
	if err != nil {
		return err
	}
	if i < 0 {
		return &Error{Status: http.StatusNotFound, Code: "point_not_found",
			Message: sprintf("report %q has no such point in this period", rep.Name)}
	}
	dr, _, _, err := h.drillList(r, q, rep, res, res.Points[i], list)
	if err != nil {
		return err
	}
	if err := dr.SortBy(sortBy, desc); err != nil {
		return badRequest("bad_request", "sort", "%s", cleanMessage(err.Error()))
	}
	label := render.NewChartSpec(res).Labels[i]
	if res.Points[i].Other {
		label = "Other"
	}
	download(w, "text/csv; charset=utf-8", render.FileName(rep.Name+" - "+label, "conversations")+".csv")
	// From here the status is sent: a failure can only cut the response,
	// which the client sees as a broken download rather than a short file
	// that looks whole.
	zone := res.Zone
	cw := render.NewCSVWriter(w)
	header := make([]string, len(dr.Columns))
	for j, c := range dr.Columns {
		header[j] = c.Label
	}
	if err := cw.Write(header); err != nil {
		return abort(err)
	}
	n := 0
	for c := range dr.All() {
		vals := dr.Values(&c)
		row := make([]string, len(vals))
		for j, val := range vals {
			row[j] = exactCell(val, zone)
		}
		if err := cw.Write(row); err != nil {
			return abort(err)
		}
		if n++; n%1000 == 0 {
			if err := cw.Flush(); err != nil {
				return abort(err)
			}
			if err := r.Context().Err(); err != nil {
				return abort(err)
			}
		}
	}
	if err := cw.Flush(); err != nil {
		return abort(err)
	}
	return nil
}

// abort ends a response whose status is already sent: the server closes
// the connection without the final chunk.
func abort(error) error { panic(http.ErrAbortHandler) }

// exactCell is a drill-down value as the API's "values" give it: RFC 3339
// times in the zone, durations in decimal seconds, "" when unknown.
func exactCell(v any, zone *time.Location) string {
	exact, text := cellValue(v, zone)
	switch e := exact.(type) {
	case nil:
		return ""
	case string:
		return e
	case json.Number:
		return e.String()
	case float64:
		return strconv.FormatFloat(e, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(e)
	}
	return text
}

// printPage is a dashboard laid out for paper: every report on its own
// block, none split across pages, under the dashboard's name, period,
// zone and the time it was made. A browser prints it as a PDF.
type printPage struct {
	Base, AssetTag string
	Name           string
	RangeLabel     string
	Zone           string
	Generated      string
	Viewer         string
	BackURL        string
	Reports        []reportCard
	// PeriodError says why the period asked for was replaced by the
	// default one.
	PeriodError string
}

// GET /dashboards/{id}/print?range=…
func (h *handler) printPage(w http.ResponseWriter, r *http.Request, v access.Viewer) error {
	// A bad period prints the default one and says why, as the dashboard
	// page shows it, rather than an error page.
	run, r, note, err := h.runForPage(r, v)
	if err != nil {
		return err
	}
	cards, err := h.cards(run, false, "")
	if err != nil {
		return err
	}
	keep := editQuery(r.URL.Query())
	p := printPage{Base: base(r), AssetTag: h.assetTag, Name: run.d.Name, RangeLabel: rangeLabel(run.from, run.to, run.q.Zone),
		Zone: run.q.Zone.String(), Generated: h.cfg.Now().In(run.q.Zone).Format("Jan 2, 2006 15:04 MST"),
		Viewer: v.UserID, BackURL: "dashboards/" + url.PathEscape(run.d.ID) + keep, Reports: cards}
	p.PeriodError = note
	var buf bytes.Buffer
	if err := printTemplate.Execute(&buf, p); err != nil {
		return err
	}
	hd := w.Header()
	hd.Set("Content-Type", "text/html; charset=utf-8")
	hd.Set("Content-Security-Policy", csp)
	hd.Set("Cache-Control", "no-store")
	_, err = w.Write(buf.Bytes())
	return err
}

// printTemplate is the print layout, a page of its own: none of the
// app's navigation, script or dialogs. The charts keep their links (a PDF
// keeps them, back to the drill-downs).
var printTemplate = template.Must(template.ParseFS(assets, "assets/templates/print.html"))
