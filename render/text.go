package render

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/render/internal/textwidth"
	"github.com/shopspring/decimal"
)

// DefaultTop was how many rows [Text] showed before folding the rest.
//
// Deprecated: Text shows every point of the result; see [TextOptions.Top].
const DefaultTop = 10

// MaxTextWidth is the widest [TextOptions.Width] Text draws: no terminal
// is wider, and the bars of a wider one would be drawn in full, however
// wide.
const MaxTextWidth = 1000

// TextOptions configures [Text]. The zero value means the defaults.
type TextOptions struct {
	// Width is the terminal's width in columns, up to [MaxTextWidth]; 0
	// means 80, and a width under 24 is drawn at 24. A negative width is
	// an error.
	Width int
	// Top is ignored.
	//
	// Deprecated: Text shows every point of the result, the same points as
	// every other format. A table folded here had an "Other" row no other
	// format had, that could not be drilled and, for an average, had no
	// value. To show a report's top N, set [convreport.Report.Limit]: the
	// engine folds the rest into one Other point with its real value and
	// count, which every format shows and DrillDown lists.
	Top int
}

func (o TextOptions) width() int {
	if o.Width <= 0 {
		return 80
	}
	return max(o.Width, 24)
}

func (o TextOptions) check() error {
	if o.Width < 0 || o.Width > MaxTextWidth {
		return fmt.Errorf("render: text width %d: want 0 (80 columns) to %d columns", o.Width, MaxTextWidth)
	}
	return nil
}

const textIndent = "  "

// Text writes d for a terminal: the dashboard's name, range and zone, then
// for each report a title line and its numbers. A grouped report is a table
// (label, value humanised, count for non-count measures) with a bar per row
// scaled to the largest value; a time series is a sparkline of its buckets
// with its first, last, total (counts) and peak values; a summary is one
// number. Labels are cleaned of control characters and cut to fit Width,
// counting East Asian wide characters and emoji as two columns.
func Text(w io.Writer, d Dashboard, opts TextOptions) error {
	if err := opts.check(); err != nil {
		return err
	}
	if err := checkResults(d.Results); err != nil {
		return err
	}
	d = d.resolved()
	bw := bufio.NewWriter(w)
	tw := &textWriter{w: bw, width: opts.width()}
	if d.Name != "" {
		tw.line(textwidth.Truncate(textwidth.Clean(d.Name), tw.width))
	}
	tw.line(FormatRange(d.From, d.To, d.Zone) + " · " + d.Zone.String())
	for _, r := range d.Results {
		tw.line("")
		tw.report(r)
	}
	return bw.Flush()
}

type textWriter struct {
	w     *bufio.Writer
	width int
}

func (t *textWriter) line(s string) {
	t.w.WriteString(strings.TrimRight(s, " "))
	t.w.WriteByte('\n')
}

func (t *textWriter) report(r convreport.Result) {
	spec := NewChartSpec(r)
	t.line(textwidth.Truncate(textwidth.Clean(spec.Title), t.width))
	if r.BusinessHours {
		note := "in business hours"
		if r.Calendar != "" {
			note += " (calendar " + textwidth.Clean(r.Calendar) + ")"
		}
		t.line(textIndent + note)
	}
	if compared(r) {
		t.line(textIndent + "compared with " + CompareLabel(r) + ", " + periodText(r.PreviousFrom, r.PreviousTo))
	}
	switch {
	case spec.Type == convreport.SummaryChart:
		t.summary(spec)
		if vs := summaryVersus(r, spec.Summary); vs != "" {
			t.line(textIndent + vs)
		}
	case len(r.Points) == 0:
		t.line(textIndent + "(no data)")
	case spec.X.Bucket != convreport.NoBucket && spec.Type != convreport.TableChart && len(spec.Categories) > 0:
		// A pie or donut over time (refused now, but a dashboard saved
		// before still runs) has slices, not categories: a table then.
		t.timeSeries(r, spec)
	default:
		t.table(r, spec)
	}
	if spec.Note != "" && len(r.Points) > 0 {
		t.line(textIndent + textwidth.Truncate("Note: "+textwidth.Clean(spec.Note), t.width-len(textIndent)))
	}
}

func (t *textWriter) summary(spec ChartSpec) {
	s := spec.Summary
	v := summaryText(s)
	switch {
	case s.Unit == "conversations" && s.Label == "Conversations":
		t.line(textIndent + v + " conversations")
	default:
		t.line(textIndent + v + "  " + lowerFirst(s.Label) + " · " + conversations(s.Count))
	}
}

// textRow is one line of a grouped report's table.
type textRow struct {
	label, value, count, share string
	prev, change               string  // the compared value and the change to it
	bar                        float64 // the value to draw, NaN for none
}

func (t *textWriter) table(r convreport.Result, spec ChartSpec) {
	unit := spec.Y.Unit
	showCount := unit != "conversations"
	pie := spec.Type == convreport.PieChart || spec.Type == convreport.DonutChart
	bars := spec.Type != convreport.TableChart && !pie
	withPrev := compared(r)

	total := decimal.Zero // of positive values, for pie shares
	for _, p := range r.Points {
		if p.Value.Valid && p.Value.Decimal.IsPositive() {
			total = total.Add(p.Value.Decimal)
		}
	}
	var rows []textRow
	for i, p := range r.Points {
		row := textRow{label: spec.Labels[i], value: FormatValue(p.Value, unit), count: FormatCount(p.Count), bar: math.NaN()}
		if p.Other {
			row.label = otherLabel(r)
		}
		if p.Value.Valid {
			row.bar = floatOf(p.Value)
		}
		if pie {
			row.share = FormatShare(p.Value.Decimal, total)
		}
		if withPrev {
			row.prev = nullValue // the Other point, or a group the engine folded there
			if pp := p.Previous; pp != nil {
				row.prev = FormatValue(pp.Value, unit)
				row.change = Change(p.Value, pp.Value)
			}
		}
		rows = append(rows, row)
	}

	valueHead := map[string]string{"conversations": "Conversations", "seconds": "Time", "percent": "Share"}[unit]
	if valueHead == "" {
		valueHead = "Value"
	}
	head := textRow{label: spec.X.Title, value: valueHead, count: "Conversations", share: "Share", prev: "Previous", change: "Change"}
	if spec.Legend != "" {
		head.label += " / " + spec.Legend
	}
	labelW, valueW, countW, shareW := 0, textwidth.String(head.value), textwidth.String(head.count), textwidth.String(head.share)
	prevW, changeW := textwidth.String(head.prev), textwidth.String(head.change)
	for i := range rows {
		rows[i].label = textwidth.Clean(rows[i].label)
		labelW = max(labelW, textwidth.String(rows[i].label))
		valueW = max(valueW, textwidth.String(rows[i].value))
		countW = max(countW, textwidth.String(rows[i].count))
		shareW = max(shareW, textwidth.String(rows[i].share))
		prevW = max(prevW, textwidth.String(rows[i].prev))
		changeW = max(changeW, textwidth.String(rows[i].change))
	}
	labelW = max(labelW, textwidth.String(head.label))
	fixed := len(textIndent) + 2 + valueW
	if showCount {
		fixed += 2 + countW
	}
	if pie {
		fixed += 2 + shareW
	}
	if withPrev {
		fixed += 2 + prevW + 2 + changeW
	}
	// The label gets what is left after the numbers and a bar of at least
	// 10 columns, but never less than 8 columns.
	barW := 0
	if bars {
		barW = max(t.width-fixed-labelW-2, 10)
		labelW = max(min(labelW, t.width-fixed-2-barW), 8)
		barW = t.width - fixed - labelW - 2
		if barW < 4 {
			bars = false
		}
	} else {
		labelW = max(min(labelW, t.width-fixed), 8)
	}
	// Labels that differ stay apart when cut (see textwidth.Distinct).
	cut := make([]string, len(rows))
	widths := make([]int, len(rows))
	for i := range rows {
		cut[i], widths[i] = rows[i].label, labelW
	}
	for i, l := range textwidth.Distinct(cut, widths) {
		rows[i].label = l
	}
	maxBar := 0.0
	for _, row := range rows {
		if !math.IsNaN(row.bar) {
			maxBar = max(maxBar, row.bar)
		}
	}
	format := func(row textRow, header bool) string {
		var b strings.Builder
		b.WriteString(textIndent)
		b.WriteString(textwidth.Pad(textwidth.Truncate(row.label, labelW), labelW, false))
		b.WriteString("  " + textwidth.Pad(row.value, valueW, true))
		if showCount {
			b.WriteString("  " + textwidth.Pad(row.count, countW, true))
		}
		if pie {
			b.WriteString("  " + textwidth.Pad(row.share, shareW, true))
		}
		if withPrev {
			b.WriteString("  " + textwidth.Pad(row.prev, prevW, true) + "  " + textwidth.Pad(row.change, changeW, true))
		}
		if bars && !header && !math.IsNaN(row.bar) && maxBar > 0 {
			b.WriteString("  " + hbar(row.bar/maxBar, barW))
		}
		return b.String()
	}
	t.line(format(head, true))
	for _, row := range rows {
		t.line(format(row, false))
	}
}

func floatOf(v decimal.NullDecimal) float64 {
	if !v.Valid {
		return 0
	}
	return v.Decimal.InexactFloat64()
}

// hbar draws a fraction in [0, 1] of width cells with eighth blocks.
func hbar(frac float64, width int) string {
	const parts = "▏▎▍▌▋▊▉"
	eighths := int(math.Round(max(min(frac, 1), 0) * float64(width*8)))
	s := strings.Repeat("█", eighths/8)
	if r := eighths % 8; r > 0 {
		s += string([]rune(parts)[r-1])
	}
	return s
}

const sparkLevels = "▁▂▃▄▅▆▇█"

// sparkline draws values (NaN for null) as columns, at most width of them:
// longer series are averaged in consecutive groups.
func sparkline(vals []float64, width int) string {
	if len(vals) > width && width > 0 {
		g := (len(vals) + width - 1) / width
		var out []float64
		for i := 0; i < len(vals); i += g {
			sum, n := 0.0, 0
			for _, v := range vals[i:min(i+g, len(vals))] {
				if !math.IsNaN(v) {
					sum += v
					n++
				}
			}
			if n == 0 {
				out = append(out, math.NaN())
			} else {
				out = append(out, sum/float64(n))
			}
		}
		vals = out
	}
	hi := 0.0
	for _, v := range vals {
		if !math.IsNaN(v) {
			hi = max(hi, v)
		}
	}
	levels := []rune(sparkLevels)
	var b strings.Builder
	for _, v := range vals {
		switch {
		case math.IsNaN(v):
			b.WriteByte(' ')
		case hi <= 0 || v <= 0:
			b.WriteRune(levels[0])
		default:
			b.WriteRune(levels[int(math.Round(v/hi*7))])
		}
	}
	return b.String()
}

func (t *textWriter) timeSeries(r convreport.Result, spec ChartSpec) {
	unit := spec.Y.Unit
	cats := spec.Categories
	span := cats[0].Label
	if len(cats) > 1 {
		span += " … " + cats[len(cats)-1].Label
	}
	floats := func(s ChartSeries) []float64 {
		out := make([]float64, len(s.Values))
		for i, v := range s.Values {
			out[i] = v.Float
			if v.Null {
				out[i] = math.NaN()
			}
		}
		return out
	}
	if len(spec.Series) == 1 {
		s := spec.Series[0]
		t.line(textIndent + sparkline(floats(s), t.width-len(textIndent)))
		first, last := s.Values[0], s.Values[len(s.Values)-1]
		facts := []string{
			span,
			"first " + chartValueText(first, unit),
			"last " + chartValueText(last, unit),
		}
		if unit == "conversations" {
			facts = append(facts, "total "+seriesTotal(s))
			if prev, ok := previousTotal(r); ok {
				total := decimal.NewNullDecimal(seriesSum(s))
				fact := CompareLabel(r) + " " + FormatValue(prev, unit)
				if c := Change(total, prev); c != "" {
					fact += " (" + c + ")"
				}
				facts = append(facts, fact)
			}
		}
		if i, ok := peak(s); ok {
			facts = append(facts, "peak "+chartValueText(s.Values[i], unit)+" ("+cats[i].Label+")")
		}
		t.wrap(facts)
		return
	}

	// One sparkline per series; the engine's Other series, if any, is one
	// of them.
	series := spec.Series
	type srow struct{ label, spark, fact string }
	var rows []srow
	for _, s := range series {
		fact := ""
		if unit == "conversations" {
			fact = "total " + seriesTotal(s)
		} else if i, ok := peak(s); ok {
			fact = "peak " + chartValueText(s.Values[i], unit)
		}
		label := s.Name
		if s.Other {
			label = otherLabel(r)
		}
		rows = append(rows, srow{label: textwidth.Clean(label), fact: fact})
	}
	labelW, factW := 0, 0
	for _, row := range rows {
		labelW = max(labelW, textwidth.String(row.label))
		factW = max(factW, textwidth.String(row.fact))
	}
	sparkW := min(len(cats), max(t.width-len(textIndent)-labelW-factW-4, 8))
	labelW = max(min(labelW, t.width-len(textIndent)-sparkW-factW-4), 8)
	labels := make([]string, len(rows))
	widths := make([]int, len(rows))
	for i, row := range rows {
		labels[i], widths[i] = row.label, labelW
	}
	labels = textwidth.Distinct(labels, widths)
	for i, row := range rows {
		spark := sparkline(floats(series[i]), sparkW)
		t.line(textIndent + textwidth.Pad(labels[i], labelW, false) + "  " +
			textwidth.Pad(spark, sparkW, false) + "  " + row.fact)
	}
	t.line(textIndent + span)
}

// otherLabel is the Other point's label for people: "Other (11 more)",
// the number of groups the engine folded into it.
func otherLabel(r convreport.Result) string {
	if r.Folded > 0 {
		return fmt.Sprintf("Other (%d more)", r.Folded)
	}
	return "Other"
}

// wrap writes facts joined by " · ", breaking lines to fit the width.
func (t *textWriter) wrap(facts []string) {
	cur := textIndent
	for i, f := range facts {
		sep := " · "
		if i == 0 {
			sep = ""
		}
		if i > 0 && textwidth.String(cur+sep+f) > t.width {
			t.line(cur)
			cur, sep = textIndent, ""
		}
		cur += sep + f
	}
	t.line(cur)
}

func chartValueText(v ChartValue, unit string) string {
	if v.Null {
		return nullValue
	}
	return FormatValue(decimal.NewNullDecimal(decimal.RequireFromString(v.Value)), unit)
}

func seriesSum(s ChartSeries) decimal.Decimal {
	sum := decimal.Zero
	for _, v := range s.Values {
		if !v.Null {
			sum = sum.Add(decimal.RequireFromString(v.Value))
		}
	}
	return sum
}

func seriesTotal(s ChartSeries) string {
	return FormatValue(decimal.NewNullDecimal(seriesSum(s)), "conversations")
}

// previousTotal sums the compared values of a count series; false when
// the report compares nothing.
func previousTotal(r convreport.Result) (decimal.NullDecimal, bool) {
	if !compared(r) {
		return decimal.NullDecimal{}, false
	}
	sum := decimal.Zero
	for _, p := range r.Points {
		if p.Previous != nil && p.Previous.Value.Valid {
			sum = sum.Add(p.Previous.Value.Decimal)
		}
	}
	return decimal.NewNullDecimal(sum), true
}

// periodText writes a compared period's dates as people read them,
// "2025-04-02 – 2025-05-01": its last day is the one before To.
func periodText(from, to time.Time) string {
	last := to.Add(-time.Nanosecond)
	return from.Format(time.DateOnly) + " – " + last.Format(time.DateOnly)
}

// peak returns the index of the series' largest value, the first of ties.
func peak(s ChartSeries) (int, bool) {
	best, ok := 0, false
	for i, v := range s.Values {
		if !v.Null && (!ok || v.Float > s.Values[best].Float) {
			best, ok = i, true
		}
	}
	return best, ok
}
