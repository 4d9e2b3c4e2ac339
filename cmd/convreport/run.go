package main

import (
	"bytes"
	"cmp"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/library"
	"github.com/convreport/convreport/memory"
	"github.com/convreport/convreport/render"
	"github.com/convreport/convreport/sample"
)

var formats = []string{"text", "json", "csv", "vega", "svg", "png", "zip", "html"}

func (c *cli) run(args []string) error {
	fs := c.flags("run")
	var data dataFlags
	var qf queryFlags
	var cal calendarFlag
	var vf viewFlags
	var sla slaFlag
	data.register(fs)
	qf.register(fs)
	cal.register(fs)
	vf.register(fs)
	sla.register(fs)
	dash := fs.String("dashboard", "", "a template (chat-overview, email-overview, chatflow-performance, sla) or a dashboard .json file (required)")
	format := fs.String("format", "text", "output: "+strings.Join(formats, ", "))
	out := fs.String("out", "", "write to this file instead of standard output")
	width := widthFlag(fs)
	drillRows := fs.Int("drill-rows", 50, "html: conversations listed per data point (0: none)")
	top := topFlag(fs)
	only := fs.String("report", "", "run only this report of the dashboard (its name or ID)")
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	if *top < 0 {
		return usageError("--top %d: want 0 (every group) or more", *top)
	}
	if err := checkWidth(*width); err != nil {
		return err
	}
	if !validFormat(*format) {
		return usageError("--format %q: want one of %s", *format, strings.Join(formats, ", "))
	}
	d, err := loadDashboard(*dash)
	if err != nil {
		return err
	}
	d.Reports = withTop(d.Reports, *top)
	if *only != "" {
		if d.Reports, err = pickReport(d, *only); err != nil {
			return err
		}
	}
	q, err := qf.query(time.Now())
	if err != nil {
		return err
	}
	if err := cal.apply(&q, d); err != nil {
		return err
	}
	src, cs, err := c.load(data)
	if err != nil {
		return err
	}
	if d, err = vf.apply(src.Schema(), &q, d); err != nil {
		return err
	}
	if err := sla.apply(&q, d, src.Schema()); err != nil {
		return err
	}
	return c.show(src, cs, d, q, *format, *out, *width, *drillRows)
}

// show runs d and writes it in format to out (or standard output).
func (c *cli) show(src convreport.Source, cs []convreport.Conversation, d convreport.Dashboard, q convreport.Query, format, out string, width, drillRows int) error {
	q.Viewer = access.Viewer{UserID: d.Owner, Admin: true}
	eng := convreport.NewEngine(src)
	results, errs, err := eng.RunDashboardEach(c.ctx, q, d)
	if err != nil {
		return err
	}
	if err := reportsFailed(d, errs); err != nil {
		return err
	}
	c.noteEmpty(results, src, cs)
	// Series drop their empty buckets after now and "(no value)" goes
	// last, in every format, as in the web UI.
	results = render.ReadableAll(results, q.Now)
	rd := render.Dashboard{Name: d.Name, Results: results}
	if len(results) == 0 {
		// No result to say the period: the query does.
		rd.From, rd.To, rd.Zone = q.From, q.To, q.Zone
		if rd.From.IsZero() {
			now := cmp.Or(q.Now, time.Now())
			if rd.From, rd.To, err = q.Range.Resolve(now, q.Zone, q.WeekStart); err != nil {
				return err
			}
		}
	}
	var buf bytes.Buffer
	switch format {
	case "text":
		err = render.Text(&buf, rd, render.TextOptions{Width: width})
	case "json":
		err = render.JSON(&buf, rd)
	case "csv":
		err = render.CSV(&buf, rd)
	case "vega":
		var b []byte
		if b, err = render.VegaLiteDashboard(rd); err == nil {
			buf.Write(b)
		}
	case "svg":
		err = render.SVGDashboard(&buf, rd, render.SVGOptions{})
	case "png":
		err = render.PNGDashboard(&buf, rd, render.PNGOptions{})
	case "zip":
		err = render.CSVZip(&buf, rd, q.Now)
	case "html":
		opts := render.HTMLOptions{}
		if drillRows > 0 {
			opts.Drill = func(ref render.PointRef) *render.DrillTable {
				dr, err := eng.DrillDown(c.ctx, q, results[ref.Report].Report, ref.Point)
				if err != nil {
					return nil
				}
				t := render.NewDrillTable(dr, results[ref.Report].Zone, drillRows)
				return &t
			}
		}
		err = render.HTML(&buf, rd, opts)
	}
	if err != nil {
		return err
	}
	return c.write(out, buf.Bytes())
}

// pickReport keeps the one report of d named name (its name, without
// regard to case, or its ID), refusing an unknown one as drill does.
func pickReport(d convreport.Dashboard, name string) ([]convreport.Report, error) {
	r, err := findReport(d.Reports, d.Name, name)
	if err != nil {
		return nil, err
	}
	return []convreport.Report{r}, nil
}

// findReport finds the report --report names among those of dashboard
// dash: by ID, or else by name, case aside. Two reports may share a name
// (a report added twice); the name of either is then refused, with their
// IDs, so that run and drill never pick different ones.
func findReport(reports []convreport.Report, dash, name string) (convreport.Report, error) {
	var names, ids []string
	var found []convreport.Report
	for _, r := range reports {
		if r.ID == name {
			return r, nil
		}
		if strings.EqualFold(r.Name, name) {
			found = append(found, r)
			ids = append(ids, r.ID)
		}
		names = append(names, fmt.Sprintf("%q", r.Name))
	}
	switch len(found) {
	case 0:
		return convreport.Report{}, usageError("--report %q: %s has no such report (have %s)", name, dash, strings.Join(names, ", "))
	case 1:
		return found[0], nil
	}
	return convreport.Report{}, usageError("--report %q: %s has %d reports of that name; give the ID of one (%s)", name, dash, len(found), strings.Join(ids, ", "))
}

// demoTop is how many groups (or series) a grouped report without a Limit
// of its own shows in the demo before the rest fold into Other, so its
// tables fit a terminal. run and drill keep every group unless told: the
// result JSON carries every point, as its format promises.
const demoTop = 10

// minWidth is the narrowest --width: a report's table, its value and
// count columns beside a cut label and a bar, fits in 40 columns, not in
// fewer.
const minWidth = 40

func widthFlag(fs *flag.FlagSet) *int {
	return fs.Int("width", 100, fmt.Sprintf("text width in columns, %d to %d", minWidth, render.MaxTextWidth))
}

// checkWidth refuses a --width no terminal has, rather than draw lines
// wider than asked or bars of gigabytes.
func checkWidth(w int) error {
	if w < minWidth || w > render.MaxTextWidth {
		return usageError("--width %d: want %d to %d columns", w, minWidth, render.MaxTextWidth)
	}
	return nil
}

func topFlag(fs *flag.FlagSet) *int {
	return fs.Int("top", 0, "grouped reports with no limit of their own keep their top N groups and fold the rest into one Other point (drill it with --point other=true; give drill the same --top); 0 keeps every group")
}

// withTop gives each grouped report with no Limit of its own the Limit
// top (none when top is 0). The engine then folds the tail into an Other
// point with its real value, so every format shows the same points and
// drill, given the same top, finds the same Other.
func withTop(reports []convreport.Report, top int) []convreport.Report {
	out := make([]convreport.Report, len(reports))
	for i, r := range reports {
		if top > 0 && r.Limit == 0 && len(r.Dimensions) > 0 {
			r.Limit = top
		}
		out[i] = r
	}
	return out
}

// noteEmpty says on stderr why every report is empty, when the command
// can tell: no conversation was created in the range (and when the data
// was), or some were and the filters kept none.
func (c *cli) noteEmpty(results []convreport.Result, src convreport.Source, cs []convreport.Conversation) {
	for _, r := range results {
		if r.Matched > 0 {
			return
		}
	}
	if len(results) == 0 {
		return
	}
	r := results[0]
	lo, hi, in, ok := createdRange(src, cs, r.From, r.To)
	if !ok {
		return
	}
	period := render.FormatRange(r.From, r.To, r.Zone)
	switch {
	case in == 1:
		fmt.Fprintf(c.stderr, "convreport: note: 1 conversation was created in %s, but the filters (--where, the reports' own) kept none\n", period)
	case in > 1:
		fmt.Fprintf(c.stderr, "convreport: note: %s conversations were created in %s, but the filters (--where, the reports' own) kept none of them\n", render.FormatCount(int64(in)), period)
	default:
		fmt.Fprintf(c.stderr, "convreport: note: no conversations in %s; the data was created %s – %s (set --now, --range or --from/--to)\n",
			period, lo.In(r.Zone).Format(time.DateOnly), hi.In(r.Zone).Format(time.DateOnly))
	}
}

// createdRange returns the earliest and latest creation of the
// conversations a command holds, and how many were created in [from, to):
// cs when it read them row by row, else those of a memory source, read
// one at a time (collecting a million of them only to find two times
// took most of a run over an old export); ok is false when there are
// none, or the data is in a database.
func createdRange(src convreport.Source, cs []convreport.Conversation, from, to time.Time) (lo, hi time.Time, in int, ok bool) {
	see := func(t time.Time) {
		if !ok || t.Before(lo) {
			lo = t
		}
		if !ok || t.After(hi) {
			hi = t
		}
		ok = true
		if !t.Before(from) && t.Before(to) {
			in++
		}
	}
	if cs != nil {
		for i := range cs {
			see(cs[i].CreatedAt)
		}
		return lo, hi, in, ok
	}
	if mem, isMem := src.(*memory.Source); isMem {
		for c := range mem.All() {
			see(c.CreatedAt)
		}
	}
	return lo, hi, in, ok
}

func (c *cli) write(out string, b []byte) error {
	if out == "" || out == "-" {
		_, err := c.stdout.Write(b)
		return err
	}
	return os.WriteFile(out, b, 0o644)
}

func validFormat(f string) bool {
	for _, x := range formats {
		if x == f {
			return true
		}
	}
	return false
}

func (c *cli) demo(args []string) error {
	fs := c.flags("demo")
	n := fs.Int("n", 50_000, "number of sample conversations")
	seed := fs.Uint64("seed", 1, "random seed")
	tz := fs.String("tz", "Europe/Paris", "time zone of the sample business and of the reports")
	out := fs.String("out", "convreport-demo.html", "the HTML page to write")
	width := widthFlag(fs)
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	if *n <= 0 {
		return usageError("--n must be positive")
	}
	if err := checkWidth(*width); err != nil {
		return err
	}
	loc, err := time.LoadLocation(*tz)
	if err != nil {
		return usageError("--tz %q: not an IANA time zone", *tz)
	}
	// The sample spans 90 days before its end; "now" is that end, so the
	// last 30 days hold the most recent data.
	end := time.Date(2025, 6, 1, 0, 0, 0, 0, loc)
	cs := sample.Generate(sample.Config{Seed: *seed, N: *n, From: end.AddDate(0, 0, -90), To: end, Zone: loc})
	src, err := memory.New(cs)
	if err != nil {
		return err
	}
	q := convreport.Query{Range: convreport.Last30Days, Zone: loc, Now: end, Calendars: demoCalendars(loc), SLA: demoSLA()}
	var page []render.Dashboard
	var drills []func(render.PointRef) *render.DrillTable
	var dashboards []convreport.Dashboard
	for _, t := range library.All() {
		d, err := t.NewDashboard(convreport.DashboardOptions{Name: t.Name, Owner: "demo"})
		if err != nil {
			return err
		}
		dashboards = append(dashboards, d)
	}
	dashboards = append(dashboards, businessHoursDashboard())
	for _, d := range dashboards {
		d.Reports = withTop(d.Reports, demoTop)
		q.Viewer = access.Viewer{UserID: "demo"}
		eng := convreport.NewEngine(src)
		results, err := eng.RunDashboard(c.ctx, q, d)
		if err != nil {
			return err
		}
		results = render.ReadableAll(results, q.Now) // as run and the web UI show them
		rd := render.Dashboard{Name: d.Name, Results: results}
		if err := render.Text(c.stdout, rd, render.TextOptions{Width: *width}); err != nil {
			return err
		}
		fmt.Fprintln(c.stdout)
		page = append(page, rd)
		qq := q
		drills = append(drills, func(ref render.PointRef) *render.DrillTable {
			dr, err := eng.DrillDown(c.ctx, qq, results[ref.Report].Report, ref.Point)
			if err != nil {
				return nil
			}
			t := render.NewDrillTable(dr, loc, 50)
			return &t
		})
	}
	// One page holds every dashboard: their reports in order.
	all := render.Dashboard{Name: "Conversations overview (sample data)"}
	var owner []int
	var index []int
	for i, d := range page {
		for j, r := range d.Results {
			all.Results = append(all.Results, r)
			owner, index = append(owner, i), append(index, j)
		}
	}
	var buf bytes.Buffer
	err = render.HTML(&buf, all, render.HTMLOptions{Drill: func(ref render.PointRef) *render.DrillTable {
		inner := ref
		inner.Report = index[ref.Report]
		return drills[owner[ref.Report]](inner)
	}})
	if err != nil {
		return err
	}
	if err := c.write(*out, buf.Bytes()); err != nil {
		return err
	}
	fmt.Fprintf(c.stderr, "convreport: %d sample conversations; wrote %s (open it in a browser; every number links to its conversations)\n", *n, *out)
	return nil
}

// reportsFailed is nil when every report of d ran; otherwise it says why
// each that did not could not, so that all are fixed in one go (one
// report's error as it is).
func reportsFailed(d convreport.Dashboard, errs []error) error {
	var failed []string
	var first error
	for _, err := range errs {
		if err != nil {
			// A filter's error shows its line under it: kept under it.
			failed = append(failed, "  "+strings.ReplaceAll(withoutPackage(err.Error()), "\n", "\n  "))
			first = cmp.Or(first, err)
		}
	}
	switch len(failed) {
	case 0:
		return nil
	case 1:
		return first
	}
	return fmt.Errorf("%d reports of dashboard %q cannot run:\n%s", len(failed), d.Name, strings.Join(failed, "\n"))
}
