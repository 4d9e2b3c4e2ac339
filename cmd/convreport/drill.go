package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/internal/civil"
	"github.com/convreport/convreport/render"
	"github.com/shopspring/decimal"
)

// pointFlags collects repeated --point key=value flags.
type pointFlags []string

func (p *pointFlags) String() string     { return strings.Join(*p, ",") }
func (p *pointFlags) Set(v string) error { *p = append(*p, v); return nil }

func (c *cli) drill(args []string) error {
	fs := c.flags("drill")
	var data dataFlags
	var qf queryFlags
	var points pointFlags
	var cal calendarFlag
	var vf viewFlags
	var sla slaFlag
	data.register(fs)
	qf.register(fs)
	cal.register(fs)
	vf.register(fs)
	sla.register(fs)
	list := fs.String("list", "point", "which conversations: point (those behind the value), previous (the same point in the period --compare names) or excluded (those a duration point leaves out: no agent reply yet, still open)")
	dash := fs.String("dashboard", "", "a template (chat-overview, email-overview, chatflow-performance, sla) or a dashboard .json file (required)")
	reportName := fs.String("report", "", "the report's name or ID (required)")
	fs.Var(&points, "point", "the data point: dimension=value (assignee=rep-07, bucket=2025-03-30; (no value) or an empty value for the group with no value, “(no value)” for a value that is that text, as run labels it, ““(no value)”” for a value “(no value)”; other=true for Other); repeat for several dimensions")
	format := fs.String("format", "text", "output: text, json or csv")
	columns := fs.String("columns", "", "the properties to list, comma-separated (custom ones too, with --schema); default: the report's, or ID, CreatedAt, Channel, Inbox, Assignee, Status and its metric")
	sortBy := fs.String("sort", "CreatedAt", "property to sort the conversations by")
	desc := fs.Bool("desc", false, "sort in descending order")
	offset := fs.Int("offset", 0, "conversations to skip")
	limit := fs.Int("limit", 100, fmt.Sprintf("conversations to list (at most %d)", convreport.MaxPageSize))
	out := fs.String("out", "", "write to this file instead of standard output")
	top := topFlag(fs)
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	if *top < 0 {
		return usageError("--top %d: want 0 (every group) or more", *top)
	}
	if *limit < 0 || *limit > convreport.MaxPageSize {
		return usageError("--limit %d: want 0 to %d conversations", *limit, convreport.MaxPageSize)
	}
	if *offset < 0 {
		return usageError("--offset %d: want 0 or more", *offset)
	}
	switch *format {
	case "text", "json", "csv":
	default:
		return usageError("--format %q: want text, json or csv", *format)
	}
	if *reportName == "" {
		return usageError("--report is required")
	}
	ps, err := readPoints(points)
	if err != nil {
		return err
	}
	d, err := loadDashboard(*dash)
	if err != nil {
		return err
	}
	report, err := findReport(withTop(d.Reports, *top), d.Name, *reportName)
	if err != nil {
		return err
	}
	q, err := qf.query(time.Now())
	if err != nil {
		return err
	}
	if err := cal.apply(&q, convreport.Dashboard{Name: d.Name, Calendar: d.Calendar, Reports: []convreport.Report{report}}); err != nil {
		return err
	}
	if *columns != "" {
		report.Properties = nil
		for _, c := range strings.Split(*columns, ",") {
			if c = strings.TrimSpace(c); c != "" {
				report.Properties = append(report.Properties, c)
			}
		}
	}
	if report.Calendar == "" {
		// The report runs alone: it keeps its dashboard's calendar.
		report.Calendar = d.Calendar
	}
	switch *list {
	case "point", "excluded":
	case "previous":
		if vf.compare == "" {
			return usageError("--list previous needs --compare previous or --compare year")
		}
	default:
		return usageError("--list %q: want point, previous or excluded", *list)
	}
	src, _, err := c.load(data)
	if err != nil {
		return err
	}
	// The dashboard's saved filters and --where apply, as the run did.
	dd, err := vf.apply(src.Schema(), &q, d)
	if err != nil {
		return err
	}
	report = dd.Runnable(report)
	if err := sla.apply(&q, convreport.Dashboard{Name: d.Name, Reports: []convreport.Report{report}}, src.Schema()); err != nil {
		return err
	}
	eng := convreport.NewEngine(src)
	res, err := eng.Run(c.ctx, q, report)
	var re *convreport.ReportError
	if *columns != "" && errors.As(err, &re) && re.Field == "properties" {
		// The report's properties are --columns.
		return unknownProperty("--columns", err, src.Schema(), report)
	}
	if err != nil {
		return err
	}
	if len(points) == 0 && (len(report.Dimensions) > 0 || report.Bucket != convreport.NoBucket) {
		return usageError("--point is required: name the data point by each of the report's dimensions (%s), or other=true for Other; points are: %s",
			pointKeys(report), listPoints(res[0]))
	}
	p, err := findPoint(res[0], ps)
	if err != nil {
		return err
	}
	var cols []convreport.Property
	var total int
	var rows [][]any
	if _, ok := src.Schema().Lookup(*sortBy); ok && *list == "point" {
		// A page the source can list itself (a database) is one count
		// and one paged query, not the report's range read back.
		pg, err := eng.DrillPage(c.ctx, q, report, p, *sortBy, *desc, *offset, *limit)
		if err != nil {
			return err
		}
		cols, total = pg.Columns, pg.Total
		for _, cv := range pg.Rows {
			rows = append(rows, pg.Values(&cv))
		}
	} else {
		var dr *convreport.Drill
		switch *list {
		case "previous":
			if p.Previous == nil {
				return fmt.Errorf("this point of %q has no value in the compared period", report.Name)
			}
			pq, err := q.Previous()
			if err != nil {
				return err
			}
			p = *p.Previous
			dr, err = eng.DrillDown(c.ctx, pq, report, p)
			if err != nil {
				return err
			}
		case "excluded":
			if report.Measure.ExcludedReason() == "" {
				return usageError("--list excluded: %q counts conversations and leaves none out", report.Name)
			}
			if dr, err = eng.DrillExcluded(c.ctx, q, report, p); err != nil {
				return err
			}
		default:
			if dr, err = eng.DrillDown(c.ctx, q, report, p); err != nil {
				return err
			}
		}
		if err := dr.SortBy(*sortBy, *desc); err != nil {
			return unknownProperty("--sort", err, src.Schema(), report)
		}
		page, err := dr.Page(*offset, *limit) // the flags are checked: a source's error
		if err != nil {
			return err
		}
		cols, total = dr.Columns, dr.Len()
		for cv := range page {
			rows = append(rows, dr.Values(&cv))
		}
	}
	var buf bytes.Buffer
	switch *format {
	case "text":
		writeDrillText(&buf, report, p, cols, total, rows, res[0].Zone, *offset, *limit, *list)
	case "csv":
		// The same cell writer as run --format csv: conversation fields
		// are user text and must not become spreadsheet formulas.
		w := render.NewCSVWriter(&buf)
		head := make([]string, len(cols))
		for i, col := range cols {
			head[i] = col.Key
		}
		w.Write(head)
		for _, r := range rows {
			rec := make([]string, len(r))
			for i, v := range r {
				rec[i] = cell(v, time.UTC, true)
			}
			w.Write(rec)
		}
		if err := w.Flush(); err != nil {
			return err
		}
	case "json":
		type page struct {
			Report        string           `json:"report"`
			Point         map[string]any   `json:"point"`
			Total         int              `json:"total"`
			Offset        int              `json:"offset"`
			Conversations []map[string]any `json:"conversations"`
		}
		pg := page{Report: report.Name, Point: pointMap(report.Bucket, p), Total: total, Offset: *offset, Conversations: []map[string]any{}}
		for _, r := range rows {
			m := map[string]any{}
			for i, v := range r {
				if v == nil {
					m[cols[i].Key] = nil
				} else {
					m[cols[i].Key] = cell(v, time.UTC, true)
				}
			}
			pg.Conversations = append(pg.Conversations, m)
		}
		enc := json.NewEncoder(&buf)
		enc.SetIndent("", "  ")
		if err := enc.Encode(pg); err != nil {
			return err
		}
	}
	return c.write(*out, buf.Bytes())
}

// unknownProperty says, as an error of flag, that err names a property
// schema does not have: a close name if there is one, else every name. An
// error of another kind is returned as it is.
func unknownProperty(flag string, err error, schema *convreport.Schema, report convreport.Report) error {
	var upe *convreport.UnknownPropertyError
	if !errors.As(err, &upe) {
		var re *convreport.ReportError
		if flag == "--columns" && errors.As(err, &re) && re.Field == "properties" {
			// OverTarget for a report that is no SLA measure: the
			// flag is what named it.
			return usageError("%s: %v", flag, re.Err)
		}
		return err
	}
	if upe.Suggest != "" {
		return usageError("%s: %v", flag, upe)
	}
	var names []string
	for _, p := range schema.Properties() {
		names = append(names, p.Name)
	}
	if (convreport.Dashboard{Reports: []convreport.Report{report}}).UsesSLA() {
		// An SLA point's drill-down has one column more.
		names = append(names, convreport.OverTarget)
	}
	return usageError("%s: %v (want one of %s)", flag, upe, strings.Join(names, ", "))
}

// pointSpec is --point, read: the value each key names (keys lower case,
// a built-in property's by its key), and the flags as given.
type pointSpec struct {
	want  map[string]string
	specs []string
}

// readPoints reads the --point flags: each dimension=value, and each
// dimension once, by whichever of its names (Assignee, assignee) it is
// given. Taking the last of two values would drill into a point the user
// did not name.
func readPoints(specs []string) (pointSpec, error) {
	out := pointSpec{want: map[string]string{}, specs: specs}
	given := map[string]string{}
	for _, s := range specs {
		k, v, ok := strings.Cut(s, "=")
		if !ok {
			return out, usageError("--point %q: want dimension=value", s)
		}
		key := pointKey(k)
		if first, dup := given[key]; dup {
			return out, usageError("--point: %s is given twice (%s and %s); a point has one value of each dimension: give it once", key, first, s)
		}
		given[key] = s
		out.want[key] = v
	}
	return out, nil
}

// pointKey is the key k, a --point key, is kept by: a built-in property's
// key, by its name or key in any case, else k in lower case.
func pointKey(k string) string {
	k = strings.TrimSpace(k)
	for _, p := range convreport.DefaultSchema().Properties() {
		if strings.EqualFold(k, p.Name) || strings.EqualFold(k, p.Key) {
			return strings.ToLower(p.Key)
		}
	}
	return strings.ToLower(k)
}

// findPoint picks the result's point named by the --point flags.
func findPoint(r convreport.Result, ps pointSpec) (convreport.Point, error) {
	want, specs := ps.want, ps.specs
	if err := checkPointKeys(r, ps); err != nil {
		return convreport.Point{}, err
	}
	if len(r.Points) == 0 {
		return convreport.Point{}, fmt.Errorf("report %q has no data points in this range", r.Report.Name)
	}
	if v, ok := want["bucket"]; ok {
		if err := checkBucket(r, v); err != nil {
			return convreport.Point{}, err
		}
	}
	var found []convreport.Point
	for _, p := range r.Points {
		if matches(r.Report.Bucket, p, want) {
			found = append(found, p)
		}
	}
	switch len(found) {
	case 0:
		if err := notABucketStart(r, want["bucket"]); err != nil {
			return convreport.Point{}, err
		}
		return convreport.Point{}, usageError("no point of %q matches %s; points are: %s", r.Report.Name, strings.Join(specs, " "), listPoints(r))
	case 1:
		return found[0], nil
	}
	// An hour's wall clock without its offset names both hours of a
	// night the clocks went back.
	labels := make([]string, len(found))
	for i, p := range found {
		labels[i] = pointLabel(r.Report.Bucket, p)
	}
	return convreport.Point{}, usageError("%s names %d points of %q: %s; name one as it is listed", strings.Join(specs, " "), len(found), r.Report.Name, strings.Join(labels, "; "))
}

// checkPointKeys refuses a --point key that names nothing r's points
// have: a bucket of a report with no time buckets, a dimension it does not
// group by. Such a point is never found, and "no point matches" would not
// say that the key, not its value, is wrong; the refusal names the keys r
// has. other is left to the search, as it is to every point of a report.
func checkPointKeys(r convreport.Result, ps pointSpec) error {
	has := map[string]bool{"other": true}
	if r.Report.Bucket != convreport.NoBucket {
		has["bucket"] = true
	}
	for _, name := range r.Report.Dimensions {
		has[pointKey(name)] = true
	}
	for _, p := range r.Points {
		for _, d := range p.Dimensions {
			has[pointKey(d.Property)] = true
		}
	}
	for _, spec := range ps.specs {
		k, _, _ := strings.Cut(spec, "=")
		if has[pointKey(k)] {
			continue
		}
		why := fmt.Sprintf("has no dimension %s", strings.TrimSpace(k))
		if pointKey(k) == "bucket" {
			why = "has no time buckets"
		}
		if len(r.Report.Dimensions) == 0 && r.Report.Bucket == convreport.NoBucket {
			return usageError("--point %s: report %q has no dimensions and no time buckets: its one point is drilled without --point", spec, r.Report.Name)
		}
		return usageError("--point %s: report %q %s; name its points by %s (points are: %s)", spec, r.Report.Name, why, pointKeys(r.Report), listPoints(r))
	}
	return nil
}

// checkBucket refuses v, a --point bucket of r's, when it is no date,
// hour or instant at all (2025-13-45), saying the form r's buckets are
// named in: such a bucket would otherwise be no more than a point not
// found. A well-formed value of the wrong unit (a date for an hour) is
// left to the search, whose refusal lists the points.
func checkBucket(r convreport.Result, v string) error {
	if r.Report.Bucket == convreport.NoBucket {
		return nil
	}
	for _, l := range []string{time.RFC3339, time.DateOnly, "2006-01-02T15:04Z07:00", "2006-01-02T15:04"} {
		if _, err := time.Parse(l, v); err == nil {
			return nil
		}
	}
	form, example := "an existing date written YYYY-MM-DD", "2025-03-30"
	if r.Report.Bucket == convreport.Hour {
		form, example = "an hour written YYYY-MM-DDTHH:MM with its offset", "2025-03-30T14:00+02:00"
	}
	for _, p := range r.Points {
		if !p.Bucket.IsZero() {
			example = r.Report.Bucket.Key(p.Bucket)
			break
		}
	}
	return usageError("--point bucket=%s: not %s; name a bucket of report %q as run labels it, like bucket=%s (or by the RFC 3339 instant it starts)", v, form, r.Report.Name, example)
}

// notABucketStart refuses v, a --point bucket of r's, if it is an instant
// that starts none of r's buckets, naming the starts around it; nil
// otherwise.
func notABucketStart(r convreport.Result, v string) error {
	t, err := time.Parse(time.RFC3339, v)
	if err != nil || r.Report.Bucket == convreport.NoBucket {
		return nil
	}
	var before, after time.Time
	for _, p := range r.Points {
		switch b := p.Bucket; {
		case b.IsZero():
		case b.Equal(t):
			return nil // a start; the point's other keys do not match
		case b.Before(t) && (before.IsZero() || b.After(before)):
			before = b
		case b.After(t) && (after.IsZero() || b.Before(after)):
			after = b
		}
	}
	var near []string
	for _, b := range []time.Time{before, after} {
		if !b.IsZero() {
			near = append(near, "bucket="+r.Report.Bucket.Key(b))
		}
	}
	switch len(near) {
	case 0:
		return nil
	case 1:
		return usageError("bucket=%s is not the start of a bucket of %q; the nearest is %s", v, r.Report.Name, near[0])
	}
	return usageError("bucket=%s is not the start of a bucket of %q; the nearest are %s and %s", v, r.Report.Name, near[0], near[1])
}

// listPoints names the first points of r as --point takes them.
func listPoints(r convreport.Result) string {
	if len(r.Points) == 0 {
		return "none in this range"
	}
	var labels []string
	for _, p := range r.Points {
		labels = append(labels, pointLabel(r.Report.Bucket, p))
	}
	if len(labels) > 12 {
		labels = append(labels[:12], "…")
	}
	return strings.Join(labels, "; ")
}

// pointKeys lists the keys a point of r is named by: "assignee=…".
func pointKeys(r convreport.Report) string {
	var keys []string
	for _, name := range r.Dimensions {
		key := name
		if prop, ok := convreport.DefaultSchema().Lookup(name); ok {
			key = prop.Key
		}
		keys = append(keys, key+"=…")
	}
	if r.Bucket != convreport.NoBucket {
		keys = append(keys, "bucket=…")
	}
	if len(keys) == 0 {
		return "none"
	}
	return strings.Join(keys, " ")
}

// matches reports whether want names p, a point of a report bucketed by b.
func matches(b convreport.Bucket, p convreport.Point, want map[string]string) bool {
	n := 0
	if p.Other {
		// Other holds no dimension value; in a time series it has a point
		// per bucket, named by the bucket as any other point.
		if want["other"] != "true" {
			return false
		}
		n++
		if p.Bucket.IsZero() {
			return n == len(want)
		}
		return bucketMatches(b, p, want) && n+1 == len(want)
	}
	if _, ok := want["other"]; ok {
		return false
	}
	for _, d := range p.Dimensions {
		prop, _ := convreport.DefaultSchema().Lookup(d.Property)
		v, ok := want[strings.ToLower(prop.Key)]
		if !ok {
			v, ok = want[strings.ToLower(d.Property)]
		}
		if !ok {
			return false
		}
		n++
		value, known := render.ParseDimensionLabel(v)
		if d.Known != known || (d.Known && d.Value != value) {
			return false
		}
	}
	if !p.Bucket.IsZero() {
		if !bucketMatches(b, p, want) {
			return false
		}
		n++
	}
	return n == len(want)
}

// bucketMatches reports whether want's bucket names p's bucket, of a
// report bucketed by b: as every output labels it (b.Key: a date, or an
// hour with its offset), as an RFC 3339 instant of its start in any
// offset (2025-10-26T01:00:00Z is 02:00+01:00 in Paris), or, for an hour, by its
// wall clock alone (which the two hours of a night the clocks go back
// share). A date alone does not name an hour.
func bucketMatches(b convreport.Bucket, p convreport.Point, want map[string]string) bool {
	v, ok := want["bucket"]
	if !ok {
		return false
	}
	if v == b.Key(p.Bucket) {
		return true
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t.Equal(p.Bucket) // the start, in any offset
	}
	if b == convreport.Hour {
		return v == p.Bucket.Format("2006-01-02T15:04")
	}
	return v == p.Bucket.Format(time.DateOnly)
}

// pointLabel names p, a point of a report bucketed by b, as --point
// takes it.
func pointLabel(b convreport.Bucket, p convreport.Point) string {
	var parts []string
	if p.Other {
		parts = append(parts, "other=true")
		if !p.Bucket.IsZero() {
			parts = append(parts, "bucket="+b.Key(p.Bucket))
		}
		return strings.Join(parts, " ")
	}
	for _, d := range p.Dimensions {
		prop, _ := convreport.DefaultSchema().Lookup(d.Property)
		key := prop.Key
		if key == "" {
			key = d.Property
		}
		parts = append(parts, key+"="+render.DimensionLabel(d))
	}
	if !p.Bucket.IsZero() {
		parts = append(parts, "bucket="+b.Key(p.Bucket))
	}
	return strings.Join(parts, " ")
}

// pointMap is p, a point of a report bucketed by b, as run's JSON writes
// its dimensions and bucket.
func pointMap(b convreport.Bucket, p convreport.Point) map[string]any {
	m := map[string]any{}
	for _, d := range p.Dimensions {
		prop, _ := convreport.DefaultSchema().Lookup(d.Property)
		key := prop.Key
		if key == "" {
			key = d.Property
		}
		if d.Known {
			m[key] = d.Value
		} else {
			m[key] = nil
		}
	}
	if !p.Bucket.IsZero() {
		m["bucket"] = b.Key(p.Bucket)
	}
	if p.Other {
		m["other"] = true
	}
	return m
}

func writeDrillText(buf *bytes.Buffer, r convreport.Report, p convreport.Point, cols []convreport.Property, total int, rows [][]any, zone *time.Location, offset, limit int, list string) {
	fmt.Fprintf(buf, "%s — %s: %s", r.Name, pointLabel(r.Bucket, p), conversations(total))
	switch {
	case list == "excluded":
		// Not the point's value: the conversations it leaves out.
		fmt.Fprintf(buf, " left out (%s)", r.Measure.ExcludedReason())
	case list == "previous":
		fmt.Fprintf(buf, " in the compared period")
		fallthrough
	case p.Value.Valid:
		if p.Value.Valid {
			fmt.Fprintf(buf, " (value %s)", render.FormatValue(p.Value, r.Measure.Unit()))
		}
	}
	fmt.Fprintln(buf)
	switch {
	case len(rows) == total:
	case limit == 0:
		fmt.Fprintln(buf, "showing none (--limit 0)")
	case len(rows) == 0:
		fmt.Fprintf(buf, "showing none: --offset %d is past the last\n", offset)
	case len(rows) == 1:
		fmt.Fprintf(buf, "showing the %s of %d\n", ordinal(offset+1), total)
	default:
		fmt.Fprintf(buf, "showing %d–%d of %d\n", offset+1, offset+len(rows), total)
	}
	tw := tabwriter.NewWriter(buf, 0, 0, 2, ' ', 0)
	for i, col := range cols {
		if i > 0 {
			fmt.Fprint(tw, "\t")
		}
		fmt.Fprint(tw, col.Label)
	}
	fmt.Fprintln(tw)
	for _, row := range rows {
		for i, v := range row {
			if i > 0 {
				fmt.Fprint(tw, "\t")
			}
			fmt.Fprint(tw, strings.Map(func(r rune) rune {
				if r < ' ' || r == '\t' {
					return ' '
				}
				return r
			}, cell(v, zone, false)))
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
}

// conversations is "1 conversation", "2 conversations".
func conversations(n int) string {
	if n == 1 {
		return "1 conversation"
	}
	return fmt.Sprintf("%d conversations", n)
}

// ordinal is "1st", "2nd", "3rd", "11th", "21st".
func ordinal(n int) string {
	suffix := "th"
	if n%100 < 11 || n%100 > 13 {
		switch n % 10 {
		case 1:
			suffix = "st"
		case 2:
			suffix = "nd"
		case 3:
			suffix = "rd"
		}
	}
	return fmt.Sprintf("%d%s", n, suffix)
}

// cell formats a value: times in zone (RFC 3339 when exact), durations in
// exact decimal seconds or humanised by the formatter every output uses,
// numbers in plain decimal notation (never an exponent).
func cell(v any, zone *time.Location, exact bool) string {
	switch v := v.(type) {
	case nil:
		return ""
	case time.Time:
		if exact {
			return civil.FormatRFC3339(v.In(zone))
		}
		return v.In(zone).Format("2006-01-02 15:04:05")
	case time.Duration:
		if exact {
			return render.ExactSeconds(v)
		}
		return render.FormatDuration(decimal.New(int64(v), -9))
	case float64:
		return render.ExactNumber(v)
	}
	return fmt.Sprint(v)
}
