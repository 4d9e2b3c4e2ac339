package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/library"
	"github.com/convreport/convreport/plan"
	"github.com/convreport/convreport/render"
)

// csp allows the page its own script, styles and API, and nothing else: no
// inline script, no other origin, no plug-in, no framing by other sites.
const csp = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
	"base-uri 'self'; form-action 'self'; frame-ancestors 'self'"

// pageData is what every page template gets.
type pageData struct {
	Base     string // see base
	AssetTag string
	Title    string
	Page     string // the template's name, a class on <body>
	Viewer   access.Viewer
	Data     any
}

func (h *handler) parsePages() error {
	layout, err := template.New("layout").Funcs(template.FuncMap{
		"visibility": visibilityLabel,
		"initial":    initial,
		"sentence":   sentence,
	}).ParseFS(assets, "assets/templates/layout.html")
	if err != nil {
		return fmt.Errorf("web: templates: %w", err)
	}
	h.pages = map[string]*template.Template{}
	for _, name := range []string{"list", "dashboard", "edit", "drill", "error"} {
		files := []string{"assets/templates/" + name + ".html"}
		if name == "dashboard" {
			files = append(files, "assets/templates/filters.html")
		}
		t, err := template.Must(layout.Clone()).ParseFS(assets, files...)
		if err != nil {
			return fmt.Errorf("web: templates: %w", err)
		}
		h.pages[name] = t
	}
	return nil
}

// assetTag is a short hash of the static files, for cache-busting links.
func assetTag(static fs.FS) string {
	sum := sha256.New()
	_ = fs.WalkDir(static, ".", func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := fs.ReadFile(static, path)
			sum.Write([]byte(path))
			sum.Write(b)
		}
		return nil
	})
	return hex.EncodeToString(sum.Sum(nil))[:10]
}

// page registers a page handler; its error is shown as an error page.
func (h *handler) page(pattern string, f apiFunc) {
	h.mux.Handle(pattern, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, err := h.authenticate(r)
		if err == nil {
			err = queryUTF8(r.URL.RawQuery)
		}
		if err == nil {
			err = f(w, r, v)
		}
		if err != nil {
			e := h.toError(r, err)
			h.logError(r, e)
			if err := h.render(w, r, e.Status, "error", http.StatusText(e.Status), v, e); err != nil {
				http.Error(w, e.Message, e.Status)
			}
		}
	}))
}

func (h *handler) render(w http.ResponseWriter, r *http.Request, status int, name, title string, v access.Viewer, data any) error {
	var buf bytes.Buffer
	err := h.pages[name].ExecuteTemplate(&buf, "layout", pageData{
		Base: base(r), AssetTag: h.assetTag, Title: title, Page: name, Viewer: v, Data: data,
	})
	if err != nil {
		return err
	}
	hd := w.Header()
	hd.Set("Content-Type", "text/html; charset=utf-8")
	hd.Set("Content-Security-Policy", csp)
	hd.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, err = w.Write(buf.Bytes())
	return nil
}

// initial is the first letter of a user ID, upper-cased, for an avatar.
func initial(s string) string {
	for _, r := range s {
		return strings.ToUpper(string(r))
	}
	return "?"
}

// sentence upper-cases the first letter of an error message for a page.
func sentence(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

type option struct {
	Value, Label string
	Selected     bool
}

var visibilityLabels = map[access.Visibility]string{
	access.Private:               "Private to owner",
	access.AdminsAndOwner:        "Owner and admins",
	access.EveryoneCanView:       "Everyone can view",
	access.EveryoneCanEdit:       "Everyone can edit",
	access.SpecificUsersAndTeams: "Specific users and teams",
}

func visibilityLabel(v access.Visibility) string {
	if v == "" {
		v = access.Private
	}
	if l, ok := visibilityLabels[v]; ok {
		return l
	}
	return string(v)
}

type dashboardCard struct {
	ID, Name, Owner, Updated string
	Visibility               access.Visibility
	Reports                  []string
	CanEdit                  bool
}

type listPage struct {
	Dashboards   []dashboardCard
	Templates    []templateView
	Visibilities []option
	CanCreate    bool
	Plan         plan.Plan
	// DashboardsNote is the account's count against the plan ("2 of 3
	// dashboards"); Full the refusal of one more.
	DashboardsNote string
	Full           string
}

// GET /
func (h *handler) listPage(w http.ResponseWriter, r *http.Request, v access.Viewer) error {
	ds, err := h.cfg.Store.List(r.Context(), v)
	if err != nil {
		return err
	}
	p := listPage{Templates: templateViews(library.All()), CanCreate: v.UserID != "", Plan: h.cfg.Plan}
	rm, err := h.dashboardRoom(r.Context())
	if err != nil {
		return err
	}
	p.DashboardsNote = rm.Note
	if rm.Full != nil {
		p.Full = sentence(cleanMessage(rm.Full.Error()))
	}
	for _, d := range ds {
		c := dashboardCard{ID: d.ID, Name: d.Name, Owner: d.Owner, Visibility: d.Visibility, CanEdit: d.Can(v, access.Edit)}
		if !d.UpdatedAt.IsZero() {
			c.Updated = d.UpdatedAt.In(h.cfg.Zone).Format("Jan 2, 2006 15:04")
		}
		for _, rep := range d.Reports {
			c.Reports = append(c.Reports, rep.Name)
		}
		p.Dashboards = append(p.Dashboards, c)
	}
	for _, vis := range access.Visibilities() {
		p.Visibilities = append(p.Visibilities, option{Value: string(vis), Label: visibilityLabel(vis), Selected: vis == access.Private})
	}
	return h.render(w, r, http.StatusOK, "list", "Dashboards", v, p)
}

type reportCard struct {
	ID, Title, Meta, Description string
	// Sig identifies the report's points (a hash of their exact values):
	// a live stream redraws only a card whose points changed.
	Sig string
	// Def identifies the report's definition as saved (defSig): a live
	// stream draws the whole card again when it changes (a rename,
	// another chart type).
	Def     string
	SVG     template.HTML
	EditURL string
	// Table is set for a table chart, drawn as an HTML table.
	Table *pointTable
	// Stale is set for a report whose own filters no longer check (see
	// stale.go), or that did not run in this period (notrun.go): the
	// card says why in place of a chart, with no numbers.
	Stale *staleCard
	// live is the report as the live stream sends it beside the chart:
	// each point's counts and texts, for an open drill-down dialog.
	live liveReport
}

// staleCard is what the card of a stale report says: each part that no
// longer checks, as a sentence ("Filter 2, plan is any of "pro": the
// schema has no property "plan".", "Group by plan: the schema has no
// property "plan"."), and why that leaves it without numbers.
type staleCard struct {
	staleWords
	Problems []string
}

// pointTable is a report's points as rows, each linked to its drill-down.
type pointTable struct {
	XTitle, YTitle string
	ShowCount      bool
	// PreviousTitle heads the column of compared values ("Previous 30
	// days"), when the run compares.
	PreviousTitle string
	Rows          []pointRow
}

type pointRow struct {
	Label, URL, Value, Count string
	Previous                 string // "118 (+5.9 %)"
}

type dashboardPage struct {
	ID, Name, Owner string
	Visibility      access.Visibility
	Version         int64
	// Created is the dashboard's CreatedAt as the API writes it, which
	// every change names beside the version.
	Created string
	// Page identifies what the page shows of the dashboard besides its
	// name and reports, with the viewer's rights (pageSig): the live
	// stream redraws the whole page when it changes.
	Page string
	// CountText says how many reports it has ("3 reports", "8 of 10
	// reports").
	CountText        string
	CanEdit          bool
	RangeLabel, Zone string
	Presets          []option
	Custom           bool
	From, To, TZ     string
	// WeekStart and Now are the view's week_start and now, which the
	// range form has no field for: it sends them on as they are.
	WeekStart, Now     string
	Zones              []string
	Reports            []reportCard
	Conversations      int64
	EmptyPeriodMessage string
	// Filters is the row of dashboard filters and the comparison menu.
	Filters filterBar

	// PeriodError says what is wrong with the period asked for (a bad
	// date or time zone); the page then shows the default period.
	// KeptQuery is the query of the view shown ("?…", or ""): the address
	// the page's script puts in place of the one asked for.
	PeriodError string
	KeptQuery   string

	// The report builder and the library: where "Create report" goes,
	// the templates whose reports may be added, and the plan's count
	// ("8 of 10 reports"), Full when it has no room.
	NewReportURL string
	Templates    []templateView
	ReportsNote  string
	Full         bool

	// The "manage dashboard" menu: what the viewer may do, the current
	// access setting for the share dialog, and the account's room for a
	// copy.
	CanShare, CanDelete, CanCopy bool
	Visibilities                 []option
	Grants                       []grantRow
	DashboardsNote               string
	DashboardsFull               string // the refusal of a copy, when the plan is full
}

// grantRow is one grant in the share dialog: a user or a team with its
// own right, which the dialog sends back as it was unless it is changed.
type grantRow struct {
	Kind, Name, Label string // Kind is "user" or "team"
	Allow             string // as stored: "view", "edit" or "" (view)
	Edit              bool
}

var presets = []option{
	{Value: "today", Label: "Today"}, {Value: "yesterday", Label: "Yesterday"},
	{Value: "this_week", Label: "This week"}, {Value: "last_week", Label: "Last week"},
	{Value: "last_7_days", Label: "Last 7 days"}, {Value: "last_30_days", Label: "Last 30 days"},
	{Value: "last_90_days", Label: "Last 90 days"},
	{Value: "this_month", Label: "This month"}, {Value: "last_month", Label: "Last month"},
	{Value: "this_quarter", Label: "This quarter"}, {Value: "last_quarter", Label: "Last quarter"},
	{Value: "this_year", Label: "This year"}, {Value: "last_year", Label: "Last year"},
}

var commonZones = []string{"UTC", "Europe/London", "Europe/Paris", "Europe/Berlin", "America/New_York", "America/Chicago",
	"America/Denver", "America/Los_Angeles", "America/Sao_Paulo", "Asia/Kolkata", "Asia/Singapore", "Asia/Tokyo", "Australia/Sydney"}

// GET /dashboards/{id}
func (h *handler) dashboardPage(w http.ResponseWriter, r *http.Request, v access.Viewer) error {
	if loc, ok := throughRedirect(r.URL.Query()); ok {
		// Relative to the page, whatever prefix the handler is under.
		w.Header().Set("Location", loc)
		w.WriteHeader(http.StatusSeeOther)
		return nil
	}
	typed := periodOf(r.URL.Query())
	run, r, note, err := h.runForPage(r, v) // period_error.go
	if err != nil {
		return err
	}
	isPeriod := note != ""
	d, q := run.d, run.q
	pr := periodOf(r.URL.Query())
	p := dashboardPage{
		WeekStart: r.URL.Query().Get("week_start"), Now: r.URL.Query().Get("now"),
		ID: d.ID, Name: d.Name, Owner: d.Owner, Visibility: d.Visibility, Version: d.Version,
		Created: d.CreatedAt.Format(time.RFC3339Nano),
		CanEdit: d.Can(v, access.Edit), RangeLabel: rangeLabel(run.from, run.to, q.Zone), Zone: q.Zone.String(),
		TZ: q.Zone.String(), Zones: commonZones,
	}
	if !slices.Contains(p.Zones, p.TZ) {
		p.Zones = append([]string{p.TZ}, p.Zones...)
	}
	selected := pr.Range
	if pr.From != "" || pr.To != "" {
		p.Custom = true
		selected = "custom"
	} else if selected == "" {
		selected = string(convreport.Last30Days)
	}
	p.From = run.from.In(q.Zone).Format(time.DateOnly)
	p.To = run.to.In(q.Zone).Add(-time.Nanosecond).Format(time.DateOnly)
	found := false
	for _, o := range presets {
		o.Selected = o.Value == selected
		found = found || o.Selected
		p.Presets = append(p.Presets, o)
	}
	if !found && !p.Custom {
		p.Presets = append(p.Presets, option{Value: selected, Label: strings.ReplaceAll(selected, "_", " "), Selected: true})
	}
	if isPeriod {
		// The form keeps what was typed, to correct it.
		p.PeriodError = note
		if r.URL.RawQuery != "" {
			p.KeptQuery = "?" + r.URL.RawQuery
		}
		if typed.TZ != "" {
			p.TZ = typed.TZ
		}
		if typed.From != "" || typed.To != "" {
			p.Custom, p.From, p.To = true, typed.From, lastDay(typed.To)
		}
	}

	keep := editQuery(r.URL.Query())
	if p.Filters, err = h.filterBar(run, p.CanEdit); err != nil {
		return err
	}
	p.ReportsNote, p.Full = h.reportsNote(len(d.Reports))
	p.CountText = countText(p.ReportsNote, len(d.Reports))
	if p.Page, err = pageSig(run.stored, v, p.Full); err != nil {
		return err
	}
	p.CanShare, p.CanDelete, p.CanCopy = d.Can(v, access.Share), d.Can(v, access.Delete), v.UserID != ""
	if p.CanShare {
		for _, vis := range access.Visibilities() {
			p.Visibilities = append(p.Visibilities, option{Value: string(vis), Label: visibilityLabel(vis), Selected: vis == d.Visibility || (d.Visibility == "" && vis == access.Private)})
		}
		for _, g := range d.Grants {
			row := grantRow{Kind: "user", Name: g.User, Label: g.User, Allow: string(g.Allow), Edit: g.Allow == access.Edit}
			if g.Team != "" {
				row.Kind, row.Name, row.Label = "team", g.Team, "Team "+g.Team
			}
			p.Grants = append(p.Grants, row)
		}
	}
	if p.CanCopy {
		rm, err := h.dashboardRoom(r.Context())
		if err != nil {
			return err
		}
		p.DashboardsNote = rm.Note
		if rm.Full != nil {
			p.DashboardsFull = sentence(cleanMessage(rm.Full.Error()))
		}
	}
	if p.CanEdit {
		p.NewReportURL = "dashboards/" + url.PathEscape(d.ID) + "/reports/new" + keep
		p.Templates = templateViews(library.All())
	}
	cards, err := h.cards(run, p.CanEdit, keep)
	if err != nil {
		return err
	}
	p.Reports = cards
	for _, res := range run.results {
		for _, pt := range res.Points {
			p.Conversations += pt.Count
		}
	}
	return h.render(w, r, http.StatusOK, "dashboard", d.Name, v, p)
}

// The date range form shows "To" as the last day of the period, included,
// as people read a range ("May 1 – May 10"), and sends it as through. The
// address keeps the exclusive to of the API: a form sent with through is
// redirected to the same page with to, the day after, so that the form
// and the address round-trip exactly.

// throughRedirect returns the page's query with through turned into to
// (and the form's range=custom dropped), when the query has through.
func throughRedirect(q url.Values) (string, bool) {
	if !q.Has("through") {
		return "", false
	}
	through := strings.TrimSpace(q.Get("through"))
	q.Del("through")
	if q.Get("range") == "custom" {
		q.Del("range")
	}
	to := through
	if d, err := time.Parse(time.DateOnly, through); err == nil {
		to = d.AddDate(0, 0, 1).Format(time.DateOnly)
	}
	// Not a date: sent on as it is, for the period's check to say so.
	if to != "" {
		q.Set("to", to)
	} else {
		q.Del("to")
	}
	return "?" + q.Encode(), true
}

// lastDay is the form's "To" for an address's exclusive to: the day
// before a date, and anything else as it is, to be corrected.
func lastDay(to string) string {
	if d, err := time.Parse(time.DateOnly, to); err == nil {
		return d.AddDate(0, 0, -1).Format(time.DateOnly)
	}
	return to
}

// cards draws each report of a run as the dashboard page shows it; keep is
// the period parameters the edit links carry.
func (h *handler) cards(run *run, canEdit bool, keep string) ([]reportCard, error) {
	d, q := run.d, run.q
	rd := render.Dashboard{Name: d.Name, From: run.from, To: run.to, Zone: q.Zone, Results: run.results}
	js := render.NewJSON(rd)
	var out []reportCard
	editURL := func(id string) string {
		if !canEdit {
			return ""
		}
		return "dashboards/" + url.PathEscape(d.ID) + "/reports/" + url.PathEscape(id) + "/edit" + keep
	}
	// The results are those of d's reports less the stale ones and those
	// that did not run in this period, in order.
	i := -1
	for _, saved := range d.Reports {
		def, err := defSig(saved)
		if err != nil {
			return nil, err
		}
		if s := run.stale[saved.ID]; s != nil {
			card := staleReportCard(saved, s, editURL(saved.ID))
			card.Def = def
			out = append(out, card)
			continue
		}
		if n := run.notRun[saved.ID]; n != nil {
			card := n.card(saved, editURL(saved.ID))
			card.Def = def
			out = append(out, card)
			continue
		}
		i++
		res := run.results[i]
		rep := res.Report
		spec := render.NewChartSpec(res)
		card := reportCard{ID: rep.ID, Title: spec.Title, Description: rep.Description, Meta: cardMeta(res, spec) + compareMeta(res, spec), Def: def}
		sig, err := pointsSig(js.Reports[i], res)
		if err != nil {
			return nil, err
		}
		card.Sig = sig
		card.EditURL = editURL(rep.ID)
		jr := js.Reports[i]
		card.live = newLiveReport(card, res, spec, jr)
		link := func(pi int) string { return drillURL(d.ID, rep.ID, run.pinned, jr.Points[pi]) }
		if spec.Type == convreport.TableChart {
			card.Table = newPointTable(res, spec, link)
		} else {
			var svg bytes.Buffer
			err := render.SVG(&svg, res, render.SVGOptions{Report: i, ID: "chart-" + rep.ID, HideTitle: true,
				DrillURL: func(ref render.PointRef) string { return link(ref.Index) }})
			if err != nil {
				return nil, err
			}
			// render.SVG escapes every text and keeps only safe links.
			card.SVG = template.HTML(svg.String())
		}
		out = append(out, card)
	}
	return out, nil
}

func newPointTable(res convreport.Result, spec render.ChartSpec, link func(int) string) *pointTable {
	t := &pointTable{XTitle: orDefault(spec.X.Title, "Point"), YTitle: spec.Y.Title, ShowCount: spec.Y.Unit != "conversations"}
	if spec.Legend != "" {
		t.XTitle += " / " + spec.Legend
	}
	for i, pt := range res.Points {
		t.Rows = append(t.Rows, pointRow{Label: orDefault(spec.Labels[i], spec.Y.Title), URL: link(i),
			Value: render.FormatValue(pt.Value, spec.Y.Unit), Count: render.FormatCount(pt.Count), Previous: previousCell(pt, spec.Y.Unit)})
	}
	if l := render.CompareLabel(res); l != "" {
		t.PreviousTitle = sentence(l)
	}
	return t
}

// editQuery keeps a page's period parameters for the links it makes.
func editQuery(v url.Values) string {
	out := url.Values{}
	for _, k := range []string{"range", "from", "to", "tz", "now", "week_start"} {
		if s := v.Get(k); s != "" {
			out.Set(k, s)
		}
	}
	if len(out) == 0 {
		return ""
	}
	return "?" + out.Encode()
}

// drillURL is the page listing a point's conversations, relative to the
// handler's root; the script opens it as a dialog through the API (the
// same path under api/).
func drillURL(dash, rep string, period url.Values, p render.JSONPoint) string {
	v := url.Values{}
	for k, vs := range period {
		v[k] = vs
	}
	if p.Other {
		v.Set("other", "true")
	}
	// A time series has an Other point per bucket: drillPoint names it.
	if pt := drillPoint(p); pt != "" {
		v.Set("point", pt)
	}
	return "dashboards/" + url.PathEscape(dash) + "/reports/" + url.PathEscape(rep) + "/drill?" + v.Encode()
}

func cardMeta(r convreport.Result, spec render.ChartSpec) string {
	var n int64
	for _, p := range r.Points {
		n += p.Count
	}
	s := spec.Y.Title
	if spec.X.Title != "" {
		s += " by " + lowerFirst(spec.X.Title)
	}
	if r.Report.Snapshot {
		s += " · open now"
	}
	return s + " · " + plural(n, "conversation")
}

// lowerFirst lower-cases the first letter of each word of a title, but
// leaves abbreviations: "Page URL" becomes "page URL".
func lowerFirst(s string) string {
	words := strings.Fields(s)
	for i, w := range words {
		if strings.ToUpper(w) == w && len(w) > 1 {
			continue
		}
		r, n := utf8.DecodeRuneInString(w)
		words[i] = string(unicode.ToLower(r)) + w[n:]
	}
	return strings.Join(words, " ")
}

func plural(n int64, word string) string {
	s := render.FormatCount(n) + " " + word
	if n != 1 {
		s += "s"
	}
	return s
}

func rangeLabel(from, to time.Time, zone *time.Location) string {
	a, b := from.In(zone), to.In(zone).Add(-time.Nanosecond)
	if a.Format(time.DateOnly) == b.Format(time.DateOnly) {
		return a.Format("Jan 2, 2006")
	}
	return a.Format("Jan 2, 2006") + " – " + b.Format("Jan 2, 2006")
}

type editPage struct {
	DashboardID, DashboardName string
	ReportID, ReportName       string
	BackURL                    string
	State                      string // JSON for the script
	Properties                 []convreport.Property
	ChartTypes                 []option
	Preview                    template.HTML
	PreviewMeta                string
	// NoPreview says why there is no preview, when a filter no longer
	// checks (see stale.go).
	NoPreview *noPreview
	// Calendars are the calendar names the business-hours toggle offers,
	// the report's first; DashboardCalendar is the dashboard's own.
	Calendars         []option
	BusinessHours     bool
	DashboardCalendar string

	// The report builder's choices, labelled.
	Aggregations, Metrics, Buckets, Sorts, DateProperties []option
	// SLAPolicies and SLATargets are the SLA measure's choices, offered
	// (with the SLA aggregations) when the server keeps policies.
	SLAPolicies, SLATargets []option

	// New is set when the editor builds a report to add to the dashboard;
	// Full when the plan has no room for another ("Add to dashboard",
	// "Save as new report"), which PlanNote says.
	New      bool
	Full     bool
	PlanNote string
}

// noPreview is why the editor shows no preview: a title, each filter
// that no longer checks as a sentence, and where to remove it.
type noPreview struct {
	Title  string
	Items  []string
	Advice string
}

// builderOptions fills in the labelled choices of the report builder.
func (h *handler) builderOptions(p *editPage) {
	for _, a := range convreport.Aggregations() {
		p.Aggregations = append(p.Aggregations, option{Value: string(a), Label: aggregationLabels[a]})
	}
	for _, m := range convreport.Metrics() {
		p.Metrics = append(p.Metrics, option{Value: string(m), Label: metricLabels[m]})
	}
	for _, b := range convreport.Buckets() {
		p.Buckets = append(p.Buckets, option{Value: string(b), Label: bucketLabels[b]})
	}
	for _, o := range convreport.Sorts() {
		p.Sorts = append(p.Sorts, option{Value: string(o), Label: sortLabels[o]})
	}
	for _, dp := range h.cfg.Schema.DateProperties() {
		p.DateProperties = append(p.DateProperties, option{Value: dp.Name, Label: dp.Label})
	}
}

var aggregationLabels = map[convreport.Aggregation]string{
	convreport.Count: "Count of conversations", convreport.Average: "Average", convreport.Median: "Median",
	convreport.Percentile: "Percentile", convreport.Min: "Minimum", convreport.Max: "Maximum",
	convreport.ShareWithin: "Share within a time",
}

var metricLabels = map[convreport.Metric]string{
	convreport.FirstResponseTime: "Agent first response time", convreport.WaitTime: "Customer wait time",
	convreport.TimeToClose: "Time to close",
}

var bucketLabels = map[convreport.Bucket]string{
	convreport.Hour: "Hourly", convreport.Day: "Daily", convreport.Week: "Weekly", convreport.Month: "Monthly",
	convreport.Quarter: "Quarterly", convreport.Year: "Yearly",
}

var sortLabels = map[convreport.SortBy]string{
	convreport.ByValueDesc: "Largest value first", convreport.ByValueAsc: "Smallest value first",
	convreport.ByLabelAsc: "Name, A to Z", convreport.ByLabelDesc: "Name, Z to A",
}

// editorState is what the editor script starts from.
type editorState struct {
	Dashboard string `json:"dashboard"`
	// Version and Created (as the API writes it) name the dashboard the
	// edit starts from, as a save names it.
	Version int64             `json:"version"`
	Created string            `json:"created"`
	Report  convreport.Report `json:"report"`
	// Def is the report's definition's signature, which the editor's
	// stream (editwatch.go) compares the saved report with.
	Def       string               `json:"def,omitempty"`
	Period    string               `json:"period"`
	Back      string               `json:"back"`
	Schema    schemaView           `json:"schema"`
	ChartType convreport.ChartType `json:"chart_type"`
	// New is set when the editor builds a report for "Add to dashboard".
	New bool `json:"new,omitempty"`
	// Stale are the report's filters that no longer check (see stale.go),
	// for the editor to mark until they are removed or changed.
	Stale []staleCondition `json:"stale,omitempty"`
	// RefusedAll are the parts of the report the engine refuses for a
	// reason of the schema or of its limits, or the server for a calendar
	// or an SLA policy it no longer keeps (see stale.go), for the editor
	// to say by each part until it is changed; Refused is the first.
	Refused    *staleRefusal   `json:"refused,omitempty"`
	RefusedAll []*staleRefusal `json:"refused_all,omitempty"`
}

// GET /dashboards/{id}/reports/{rid}/edit
func (h *handler) editPage(w http.ResponseWriter, r *http.Request, v access.Viewer) error {
	d, rep, err := h.dashboardReport(r, v)
	if err != nil {
		return err
	}
	return h.editor(w, r, v, d, rep, false)
}

// editor renders the report editor for rep of d: an existing report, or
// with isNew the report builder's empty report, to add to d.
func (h *handler) editor(w http.ResponseWriter, r *http.Request, v access.Viewer, d convreport.Dashboard, rep convreport.Report, isNew bool) error {
	if !d.Can(v, access.Edit) {
		return &Error{Status: http.StatusForbidden, Code: "forbidden", Message: sprintf("You may view %q but not edit it.", d.Name)}
	}
	if err := single(r.URL.Query()); err != nil {
		return err
	}
	pr := periodOf(r.URL.Query())
	q, err := h.query(r.Context(), pr, v)
	if err != nil {
		return err
	}
	run := d.Runnable(rep)
	if isNew {
		run.Name = newReportName
	}
	// A report whose own filters no longer check opens without a
	// preview: the editor is where they are removed, and a preview
	// without them would show numbers the report does not mean. So does
	// one whose dashboard's saved filters no longer check, which the
	// dashboard's row of filters removes.
	stale := h.staleReport(rep, scopeOf(d, q))
	var none *noPreview
	if err := h.checkSavedFilters(d); err != nil {
		none = &noPreview{Title: "No preview: a saved filter of the dashboard no longer checks.",
			Items:  []string{sentence(toError(err).Message) + "."},
			Advice: "Remove it in the row of filters on the dashboard; until then the dashboard shows its reports without its saved filters."}
	} else if stale != nil {
		w := stale.words()
		none = &noPreview{Title: w.NoPreview, Advice: w.Advice}
		for _, s := range stale.texts() {
			none.Items = append(none.Items, sentence(s)+".")
		}
	}
	var svg bytes.Buffer
	previewMeta := ""
	if none == nil {
		results, err := h.cfg.Engine.Run(r.Context(), q, run)
		if err != nil {
			return periodTooLong(err, q, pr)
		}
		results = render.ReadableAll(results, q.Now) // as the dashboard shows it
		if err := render.SVG(&svg, results[0], render.SVGOptions{ID: "preview", HideTitle: true, DrillURL: noLink}); err != nil {
			return err
		}
		previewMeta = cardMeta(results[0], render.NewChartSpec(results[0]))
	}
	keep := editQuery(r.URL.Query())
	back := "dashboards/" + url.PathEscape(d.ID) + keep + "#report-" + url.PathEscape(rep.ID)
	// The saved choice, not the type it resolves to: "" is Automatic, and
	// an editor saved untouched keeps it so.
	chart := rep.Chart.Type
	st := editorState{Dashboard: d.ID, Version: d.Version, Created: d.CreatedAt.Format(time.RFC3339Nano), Report: rep, Period: strings.TrimPrefix(keep, "?"),
		Back: back, Schema: h.schemaView(), ChartType: chart, New: isNew}
	if !isNew {
		if st.Def, err = defSig(rep); err != nil {
			return err
		}
	}
	if stale != nil {
		st.Stale, st.RefusedAll = stale.conditions, stale.refused
		if len(stale.refused) > 0 {
			st.Refused = stale.refused[0]
		}
	}
	b, err := json.Marshal(st)
	if err != nil {
		return err
	}
	p := editPage{DashboardID: d.ID, DashboardName: d.Name, ReportID: rep.ID, ReportName: run.Name,
		BackURL: back, State: string(b), Properties: h.cfg.Schema.Properties(), Preview: template.HTML(svg.String()),
		PreviewMeta: previewMeta, New: isNew, NoPreview: none}
	p.ChartTypes = append(p.ChartTypes, option{Value: "", Label: "Automatic", Selected: chart == ""})
	for _, t := range convreport.ChartTypes() {
		p.ChartTypes = append(p.ChartTypes, option{Value: string(t), Label: chartLabel(t), Selected: t == chart})
	}
	p.DashboardCalendar, p.BusinessHours = d.Calendar, rep.Calendar != ""
	if _, ok := q.Calendars.Lookup(rep.Calendar); rep.Calendar != "" && !ok {
		// A calendar the server no longer keeps: shown, to choose another
		// or untick the toggle.
		p.Calendars = append(p.Calendars, option{Value: rep.Calendar, Label: rep.Calendar + " (not among the calendars)", Selected: true})
	}
	for _, name := range q.Calendars.Names() {
		p.Calendars = append(p.Calendars, option{Value: name, Label: name, Selected: name == rep.Calendar})
	}
	h.builderOptions(&p)
	slaOptions(&p, q.SLA)
	p.PlanNote, p.Full = h.reportsNote(len(d.Reports))
	title := "Edit " + rep.Name
	if isNew {
		title = "Create report"
	}
	return h.render(w, r, http.StatusOK, "edit", title, v, p)
}

// GET /dashboards/{id}/reports/new: the report builder, starting empty.
func (h *handler) newReportPage(w http.ResponseWriter, r *http.Request, v access.Viewer) error {
	d, err := h.dashboard(r, v)
	if err != nil {
		return err
	}
	return h.editor(w, r, v, d, convreport.Report{}, true)
}

// reportsNote says how many reports a dashboard of n has against the plan
// ("8 of 10 reports"), and whether it is full; "" when the plan has no
// cap.
func (h *handler) reportsNote(n int) (string, bool) {
	p := h.cfg.Plan
	if p.ReportsPerDashboard <= 0 {
		return "", false
	}
	note := sprintf("%d of %d reports", n, p.ReportsPerDashboard)
	if err := p.CheckReports(n + 1); err != nil {
		return note + " · " + sentence(cleanMessage(err.Error())), true
	}
	return note, false
}

func chartLabel(t convreport.ChartType) string {
	switch t {
	case convreport.BarChart:
		return "Horizontal bar"
	case convreport.ColumnChart:
		return "Vertical bar"
	case convreport.SummaryChart:
		return "Summary"
	}
	return strings.ToUpper(string(t[:1])) + string(t[1:])
}

type drillPage struct {
	*drillResponse
	DashboardURL string
	TotalText    string
	RangeLabel   string
	Shown        string
	PrevURL      string
	NextURL      string
	// The same point's other lists: what it leaves out, its compared
	// period's, and the point itself (see filters.go).
	ListURLs *listURLs
}

// drillShown says which rows of total a page from offset lists: "1–25
// of 128", "26 of 26", "none past the last" for an offset past them
// (an old link), "" when there are none at all.
func drillShown(offset, rows, total int) string {
	switch {
	case total == 0:
		return ""
	case rows == 0:
		return "none past the last"
	case rows == 1:
		return render.FormatCount(int64(offset+1)) + " of " + render.FormatCount(int64(total))
	}
	return render.FormatCount(int64(offset+1)) + "–" + render.FormatCount(int64(offset+rows)) + " of " + render.FormatCount(int64(total))
}

// GET /dashboards/{id}/reports/{rid}/drill: the conversations behind a
// point, for browsers without script and for links people share.
func (h *handler) drillPage(w http.ResponseWriter, r *http.Request, v access.Viewer) error {
	out, err := h.drill(r, v)
	if err != nil {
		return err
	}
	p := drillPage{drillResponse: out, DashboardURL: "dashboards/" + url.PathEscape(out.Dashboard.ID),
		TotalText: plural(int64(out.Total), "conversation"), RangeLabel: rangeLabel(out.From, out.To, out.zone)}
	p.Shown = drillShown(out.Offset, len(out.Rows), out.Total)
	page := func(offset int) string {
		qv := r.URL.Query()
		qv.Set("offset", strconv.Itoa(offset))
		return "dashboards/" + url.PathEscape(out.Dashboard.ID) + "/reports/" + url.PathEscape(out.Report.ID) + "/drill?" + qv.Encode()
	}
	p.ListURLs = listLinks(out, func(list string) string {
		qv := r.URL.Query()
		qv.Set("list", list)
		qv.Del("offset")
		return "dashboards/" + url.PathEscape(out.Dashboard.ID) + "/reports/" + url.PathEscape(out.Report.ID) + "/drill?" + qv.Encode()
	})
	if out.Offset > 0 {
		p.PrevURL = page(max(0, out.Offset-out.Limit))
	}
	if out.Offset+out.Limit < out.Total {
		p.NextURL = page(out.Offset + out.Limit)
	}
	return h.render(w, r, http.StatusOK, "drill", out.Point.Label+" · "+out.Report.Name, v, p)
}
