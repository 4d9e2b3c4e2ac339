package render

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/render/internal/svg"
	"github.com/convreport/convreport/render/internal/textwidth"
	"github.com/shopspring/decimal"
)

// SVGOptions configures [SVG]. The zero value means the defaults.
type SVGOptions struct {
	// Width and Height are the drawing's size in pixels; 0 chooses them from
	// the chart type and the number of points (width 640). A size too
	// small for the chart's labels and bars is raised to the least that
	// holds them (a width of 240, a height that gives each bar its row and
	// a column chart 60 pixels of plot).
	Width, Height int
	// Report is the result's index in its dashboard, given to DrillURL in
	// PointRef.Report; leave it 0 for a chart on its own.
	Report int
	// DrillURL returns the link of each data point; nil means
	// [DefaultDrillURL]. An empty string leaves the point unlinked. Links
	// other than relative ones, http, https and mailto are replaced by "#".
	DrillURL func(PointRef) string
	// ID prefixes the ids of the drawing's elements; charts in one page need
	// different ones. Default "chart".
	ID string
	// HideTitle leaves the report's name out of the drawing (it is still
	// its accessible name), for pages that show it as a heading.
	HideTitle bool
}

// SVG writes r as a self-contained SVG drawing of its chart type: bars
// (horizontal) and columns, stacked or as percentages, lines, areas, pies,
// donuts, a summary's big number, or a table. Axes have ticks and labels
// (durations humanised; column labels slanted when they do not fit, and
// only every k-th shown, with a note, when even slanted they would
// overprint), several series get a legend, and every data point
// is a link to its drill-down with a tooltip ("label: value (n
// conversations)"). Text from the data is escaped; the same input always
// gives the same bytes.
func SVG(w io.Writer, r convreport.Result, opts SVGOptions) error {
	if err := checkResult(r); err != nil {
		return err
	}
	_, err := w.Write(drawSVG(r, opts))
	return err
}

// Drawing constants: a HubSpot-like palette and type scale. The palette
// has MaxSlices colours, each at least 18 (CIE76 ΔE) from every other and
// from the Other grey, so that a pie's slices and a chart's series stay
// apart up to where the slices are folded; the first ten are HubSpot's.
var palette = []string{"#00a4bd", "#ff7a59", "#516f90", "#f5c26b", "#00bda5", "#6a78d1", "#f2547d", "#7fd1de", "#9784c2", "#fea58e",
	"#1f6e43", "#b0413e", "#213343", "#b58900", "#8fbf3f", "#2f54eb", "#a13670", "#7a5230", "#4fb3ff", "#e84fd0"}

const (
	colorOther = "#b0c1d4"
	colorText  = "#33475b"
	colorMuted = "#7c98b6"
	colorGrid  = "#eaf0f6"
	colorAxis  = "#cbd6e2"
	fontFamily = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"
	fontSize   = 12.0
	tickSize   = 11.0
	margin     = 16.0
)

// textW estimates the width of s in pixels at size px: 0.6 em a column.
func textW(s string, px float64) float64 {
	return float64(textwidth.String(s)) * 0.6 * px
}

// fit cuts s with "…" to at most maxW pixels at size px.
func fit(s string, maxW, px float64) string {
	return textwidth.Truncate(s, int(maxW/(0.6*px)))
}

// fitAll cuts each label to at most maxW(i) pixels at size px, as fit
// does, but keeps labels that differ apart (see textwidth.Distinct): page
// URLs of one site, cut at their end, would all read
// "https://shop.example.com/produ…".
func fitAll(labels []string, px float64, maxW func(i int) float64) []string {
	widths := make([]int, len(labels))
	for i := range labels {
		widths[i] = int(maxW(i) / (0.6 * px))
	}
	return textwidth.Distinct(labels, widths)
}

// fitEach is fitAll with one width for every label.
func fitEach(labels []string, maxW, px float64) []string {
	return fitAll(labels, px, func(int) float64 { return maxW })
}

// categoryLabels are the labels of the spec's categories.
func (d *drawing) categoryLabels() []string {
	out := make([]string, len(d.spec.Categories))
	for i, c := range d.spec.Categories {
		out[i] = c.Label
	}
	return out
}

// seriesNames are the series' names as the legend draws them.
func (d *drawing) seriesNames() []string {
	out := make([]string, len(d.spec.Series))
	for i, s := range d.spec.Series {
		out[i] = s.Name
	}
	return fitEach(out, 160, fontSize)
}

type drawing struct {
	w      svg.Writer
	r      convreport.Result
	spec   ChartSpec
	opts   SVGOptions
	id     string
	width  float64
	height float64
	top    float64 // below the title and legend
	y      float64 // the root's offset in an enclosing drawing
	// minHeight is the least height the chart's layout holds, when
	// SVGOptions.Height asks for less.
	minHeight float64
	// axisNote says what the layout left out (the labels of a crowded
	// axis), drawn under the chart above the spec's Note; noteH is the
	// height both notes take at the bottom of the drawing.
	axisNote string
	noteH    float64
}

// minWidth is the narrowest drawing: its labels, bars and value labels
// side by side.
const minWidth = 240

// SVGDashboard writes every report of d as one SVG document: the charts
// one above the other, 16 px apart, each drawn as [SVG] draws it (with
// opts, its ID "r" and its index, and Report its index), under the
// dashboard's name. Writing the drawings back to back instead would not be
// XML: a document has one root element.
func SVGDashboard(w io.Writer, d Dashboard, opts SVGOptions) error {
	if err := checkResults(d.Results); err != nil {
		return err
	}
	d = d.resolved()
	const gap = 16.0
	title := d.Name
	if title == "" {
		title = "Dashboard"
	}
	top := 0.0
	if d.Name != "" {
		top = 40
	}
	var charts [][]byte
	width, height := 0.0, top // height so far: where the next chart goes
	for i, r := range d.Results {
		o := opts
		o.Report, o.ID = i, "r"+strconv.Itoa(i)
		b, cw, ch := drawSVGAt(r, o, height)
		charts = append(charts, b)
		width = max(width, cw)
		height += ch + gap
	}
	if len(charts) > 0 {
		height -= gap
	}
	empty := len(charts) == 0
	if empty {
		// A dashboard with no report yet says so, in a drawing a PNG can
		// be made of.
		width, height = 640, top+32
	}
	var out svg.Writer
	out.Open("svg",
		svg.A("xmlns", "http://www.w3.org/2000/svg"),
		svg.A("width", width), svg.A("height", height),
		svg.A("viewBox", "0 0 "+svg.Num(width)+" "+svg.Num(height)),
		svg.A("role", "img"), svg.A("aria-labelledby", "dashboard-title"),
		svg.A("font-family", fontFamily), svg.A("font-size", fontSize), svg.A("fill", colorText))
	out.Text("title", title+" · "+FormatRange(d.From, d.To, d.Zone)+" · "+d.Zone.String(), svg.A("id", "dashboard-title"))
	if d.Name != "" {
		out.Text("text", fit(d.Name, max(width, 320)-2*margin, 18), svg.A("x", margin), svg.A("y", 28),
			svg.A("font-size", 18), svg.A("font-weight", "600"))
	}
	for _, c := range charts {
		out.Element(c)
	}
	if empty {
		out.Text("text", "This dashboard has no reports.", svg.A("x", margin), svg.A("y", top+20), svg.A("fill", colorMuted))
	}
	_, err := w.Write(out.Bytes())
	return err
}

func drawSVG(r convreport.Result, opts SVGOptions) []byte {
	b, _, _ := drawSVGAt(r, opts, 0)
	return b
}

// drawSVGAt draws r, its root element placed y pixels down when nested in
// a larger drawing, and returns it with its width and height.
func drawSVGAt(r convreport.Result, opts SVGOptions, y float64) ([]byte, float64, float64) {
	d := &drawing{r: r, spec: NewChartSpec(r), opts: opts, id: opts.ID, y: y}
	if d.id == "" {
		d.id = "chart"
	}
	d.width = 640
	if opts.Width > 0 {
		d.width = max(float64(opts.Width), minWidth)
	}
	d.top = 12
	if !opts.HideTitle {
		d.top = 44
	}
	// Each chart type sizes itself, then draws into d.w after the header.
	var body func()
	switch {
	case d.spec.Type == convreport.SummaryChart:
		body = d.summary()
	case len(r.Points) == 0:
		body = d.empty()
	case d.spec.Type == convreport.PieChart, d.spec.Type == convreport.DonutChart:
		body = d.pie()
	case d.spec.Type == convreport.TableChart:
		body = d.table()
	case d.spec.Type == convreport.BarChart:
		body = d.bars()
	default: // column, line, area
		body = d.columns()
	}
	// Notes go below the chart, under every type's own layout.
	var notes []string
	if d.axisNote != "" {
		notes = append(notes, d.axisNote)
	}
	if d.spec.Note != "" && len(r.Points) > 0 {
		notes = append(notes, d.spec.Note)
	}
	if len(notes) > 0 {
		d.noteH = 20 + 16*float64(len(notes)-1)
		d.height += d.noteH
		d.minHeight += d.noteH
	}
	if opts.Height > 0 {
		d.height = max(float64(opts.Height), d.minHeight, d.top+40)
	}
	d.header()
	body()
	for i, n := range notes {
		d.w.Text("text", fit(n, d.width-2*margin, tickSize), svg.A("class", "note"), svg.A("x", margin),
			svg.A("y", d.height-8-16*float64(len(notes)-1-i)), svg.A("font-size", tickSize), svg.A("fill", colorMuted))
	}
	return d.w.Bytes(), d.width, d.height
}

func (d *drawing) header() {
	w := &d.w
	attrs := []svg.Attr{svg.A("xmlns", "http://www.w3.org/2000/svg")}
	if d.y != 0 {
		attrs = append(attrs, svg.A("y", d.y))
	}
	w.Open("svg", append(attrs,
		svg.A("width", d.width), svg.A("height", d.height),
		svg.A("viewBox", "0 0 "+svg.Num(d.width)+" "+svg.Num(d.height)),
		svg.A("role", "img"),
		svg.A("aria-labelledby", d.id+"-title "+d.id+"-desc"),
		svg.A("font-family", fontFamily), svg.A("font-size", fontSize), svg.A("fill", colorText))...)
	w.Text("title", d.spec.Title, svg.A("id", d.id+"-title"))
	w.Text("desc", d.description(), svg.A("id", d.id+"-desc"))
	w.Empty("rect", svg.A("width", d.width), svg.A("height", d.height), svg.A("fill", "#ffffff"))
	if !d.opts.HideTitle {
		w.Text("text", fit(d.spec.Title, d.width-2*margin, 16), svg.A("x", margin), svg.A("y", 28),
			svg.A("font-size", 16), svg.A("font-weight", "600"))
	}
}

func (d *drawing) description() string {
	s := d.spec
	kind := map[convreport.ChartType]string{
		convreport.BarChart: "Bar chart", convreport.ColumnChart: "Column chart", convreport.LineChart: "Line chart",
		convreport.AreaChart: "Area chart", convreport.PieChart: "Pie chart", convreport.DonutChart: "Donut chart",
		convreport.SummaryChart: "Summary", convreport.TableChart: "Table",
	}[s.Type]
	if s.Stacked {
		kind = "Stacked " + strings.ToLower(kind)
	}
	if s.Percent {
		kind = "Percent-" + strings.ToLower(kind)
	}
	if s.Type == convreport.SummaryChart {
		return kind + " of " + lowerFirst(s.Y.Title) + "."
	}
	by := s.X.Title
	if s.Legend != "" {
		by += " and " + s.Legend
	}
	if by == "" {
		return fmt.Sprintf("%s of %s, %d points.", kind, lowerFirst(s.Y.Title), len(d.r.Points))
	}
	return fmt.Sprintf("%s of %s by %s, %d points.", kind, lowerFirst(s.Y.Title), lowerFirst(by), len(d.r.Points))
}

// link draws a data point inside a link to its drill-down, with a
// tooltip; a negative index draws it unlinked.
func (d *drawing) link(index int, draw func()) {
	if index < 0 {
		draw()
		return
	}
	tip := d.tooltip(index)
	fn := d.opts.DrillURL
	if fn == nil {
		fn = DefaultDrillURL
	}
	url := safeURL(fn(PointRef{Report: d.opts.Report, Index: index, Point: d.r.Points[index]}))
	if url == "" {
		d.w.Open("g")
	} else {
		d.w.Open("a", svg.A("href", url), svg.A("aria-label", tip))
	}
	d.w.Text("title", tip)
	draw()
	d.w.Close()
}

func (d *drawing) tooltip(index int) string {
	p := d.r.Points[index]
	tip := d.spec.Labels[index] + ": " + FormatValue(p.Value, d.spec.Y.Unit) + " (" + conversations(p.Count) + ")"
	if note := PointNote(d.r, p, d.spec.Y.Unit); note != "" {
		tip += " · " + note
	}
	return tip
}

// safeURL keeps relative links and http, https and mailto ones: a label
// built into a link must not make it run script.
func safeURL(u string) string {
	i := strings.IndexAny(u, ":/?#")
	if i < 0 || u[i] != ':' {
		return u
	}
	switch strings.ToLower(u[:i]) {
	case "http", "https", "mailto":
		return u
	}
	return "#"
}

func (d *drawing) color(series int, other bool) string {
	if other {
		return colorOther
	}
	return palette[series%len(palette)]
}

// legend draws the series names in rows under the title and moves d.top
// below them. It returns nothing for a single series.
func (d *drawing) legend() {
	if len(d.spec.Series) < 2 {
		return
	}
	x, y := margin, d.top+4
	names := d.seriesNames()
	for i, s := range d.spec.Series {
		name := names[i]
		itemW := 16 + textW(name, fontSize) + 16
		if x+itemW > d.width-margin && x > margin {
			x, y = margin, y+18
		}
		d.w.Empty("rect", svg.A("x", x), svg.A("y", y), svg.A("width", 10), svg.A("height", 10), svg.A("rx", 2),
			svg.A("fill", d.color(i, s.Other)))
		d.w.Text("text", name, svg.A("x", x+16), svg.A("y", y+9.5))
		x += itemW
	}
	d.top = y + 20
}

// legendHeight is the height legend will take, for sizing before drawing.
func (d *drawing) legendHeight() float64 {
	if len(d.spec.Series) < 2 {
		return 0
	}
	x, rows := margin, 1.0
	for _, name := range d.seriesNames() {
		itemW := 16 + textW(name, fontSize) + 16
		if x+itemW > d.width-margin && x > margin {
			x, rows = margin, rows+1
		}
		x += itemW
	}
	return (rows-1)*18 + 24
}

// valueScale maps values in [lo, hi] onto pixels [a, b].
type valueScale struct{ lo, hi, a, b float64 }

func (s valueScale) at(v float64) float64 {
	return s.a + (v-s.lo)/(s.hi-s.lo)*(s.b-s.a)
}

// domain returns the range of values to draw: every value (sums of the
// stacks when stacked), including zero.
func (d *drawing) domain() (lo, hi float64) {
	if d.spec.Percent {
		return 0, 1
	}
	for ci := range d.spec.Categories {
		var pos, neg float64
		for _, s := range d.spec.Series {
			v := s.Values[ci]
			if v.Null {
				continue
			}
			if d.spec.Stacked {
				if v.Float > 0 {
					pos += v.Float
				} else {
					neg += v.Float
				}
			} else {
				pos, neg = max(pos, v.Float), min(neg, v.Float)
			}
			// Compared values are drawn too: they must fit.
			if f, ok := previousFloat(d.r, v.Point); ok && !d.spec.Stacked {
				pos, neg = max(pos, f), min(neg, f)
			}
		}
		hi, lo = max(hi, pos), min(lo, neg)
	}
	return lo, hi
}

var durationSteps = []float64{1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 432000, 604800}

// ticks returns about n round tick values covering [lo, hi]: steps of 1, 2
// or 5 × 10^k, whole numbers for counts, clock-like steps for durations,
// quarters for percentages of a whole.
func (d *drawing) ticks(lo, hi float64, n int) []float64 {
	if d.spec.Percent {
		return []float64{0, 0.25, 0.5, 0.75, 1}
	}
	if !finite(lo) || !finite(hi) {
		// Values past float64's range (only a Result made by hand has
		// them): one tick, where a step of Inf would never end the loop.
		return []float64{0}
	}
	if hi <= lo {
		hi = lo + 1
	}
	raw := (hi - lo) / float64(n)
	step := 0.0
	if d.spec.Y.Unit == "seconds" {
		for _, s := range durationSteps {
			if s >= raw {
				step = s
				break
			}
		}
	}
	if step == 0 {
		mag := math.Pow(10, math.Floor(math.Log10(raw)))
		for _, m := range []float64{1, 2, 5, 10} {
			if step = m * mag; step >= raw {
				break
			}
		}
		if d.spec.Y.Unit == "conversations" {
			step = max(step, 1)
		}
		if d.spec.Y.Unit == "seconds" {
			step = math.Ceil(raw/86400) * 86400
		}
	}
	if !finite(step) || step <= 0 {
		return []float64{lo, hi} // a span past float64's range
	}
	// Each tick is a count of steps from the first, rounded to the
	// step's decimals: added up, steps of 0.2 drift to
	// 0.6000000000000001. The count is bounded, as every loop must be.
	first := math.Floor(lo / step)
	scale := math.Pow(10, float64(max(0, 1-int(math.Floor(math.Log10(step))))))
	var out []float64
	for k := 0.0; k < 1000; k++ {
		v := math.Round((first+k)*step*scale) / scale
		out = append(out, v)
		if v >= hi-step*1e-9 {
			break
		}
	}
	return out
}

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

func (d *drawing) tickLabel(v float64) string {
	switch {
	case d.spec.Percent:
		return strconv.Itoa(int(math.Round(v*100))) + " %"
	case d.spec.Y.Unit == "seconds":
		return shortDuration(v)
	case d.spec.Y.Unit == "percent":
		return strconv.FormatFloat(v, 'f', -1, 64) + " %"
	}
	return groupThousands(strconv.FormatFloat(v, 'f', -1, 64))
}

// valueLabel is the text shown next to a bar.
func (d *drawing) valueLabel(v ChartValue) string {
	if v.Null {
		return nullValue
	}
	return FormatValue(decimal.NewNullDecimal(decimal.RequireFromString(v.Value)), d.spec.Y.Unit)
}

// segment is one drawn piece of a bar: [from, to] in value units.
type segment struct {
	series   int
	from, to float64
}

// segments lays out one category's values as bars: side by side, stacked
// (positives up from zero, negatives down), or stacked to 1 for percent.
func (d *drawing) segments(ci int) []segment {
	var out []segment
	var total float64
	if d.spec.Percent {
		for _, s := range d.spec.Series {
			if v := s.Values[ci]; !v.Null && v.Float > 0 {
				total += v.Float
			}
		}
	}
	var pos, neg float64
	for si, s := range d.spec.Series {
		v := s.Values[ci]
		if v.Null {
			continue
		}
		switch {
		case d.spec.Percent:
			if v.Float <= 0 || total == 0 {
				continue
			}
			f := v.Float / total
			out = append(out, segment{si, pos, pos + f})
			pos += f
		case d.spec.Stacked && v.Float >= 0:
			out = append(out, segment{si, pos, pos + v.Float})
			pos += v.Float
		case d.spec.Stacked:
			out = append(out, segment{si, neg + v.Float, neg})
			neg += v.Float
		default:
			out = append(out, segment{si, min(0, v.Float), max(0, v.Float)})
		}
	}
	return out
}

func (d *drawing) empty() func() {
	d.height = d.top + 80
	return func() {
		d.w.Text("text", "No data", svg.A("x", d.width/2), svg.A("y", d.top+40), svg.A("text-anchor", "middle"),
			svg.A("fill", colorMuted))
	}
}

// bars draws horizontal bars: categories down the left, values along X.
func (d *drawing) bars() func() {
	s := d.spec
	n, k := len(s.Categories), len(s.Series)
	grouped := k > 1 && !s.Stacked
	band := 28.0
	if grouped {
		band = float64(k)*14 + 10
	}
	// A given height narrows the rows down to bars of 6 pixels.
	minBand := 10.0
	if grouped {
		minBand = float64(k)*8 + 4
	}
	labelW := 0.0
	for _, c := range s.Categories {
		labelW = max(labelW, textW(c.Label, fontSize))
	}
	labelW = min(labelW, d.width*0.35)
	valueLabels := k == 1
	left := margin + labelW + 8
	right := d.width - margin
	if valueLabels {
		right -= 56
	}
	d.height = d.top + d.legendHeight() + float64(n)*band + 28
	d.minHeight = d.top + d.legendHeight() + float64(n)*minBand + 28
	return func() {
		d.legend()
		plotTop := d.top
		if d.opts.Height > 0 {
			band = (d.height - d.noteH - plotTop - 28) / float64(n)
		}
		// A grouped row's bars share its band, 12 pixels each at most.
		barH := min(12, (band-4)/float64(k)-2)
		bottom := plotTop + float64(n)*band
		lo, hi := d.domain()
		cut := d.spec.dwarfing()
		if cut >= 0 {
			// The axis fits the other bars, and their compared values;
			// the giant's bar is cut (see dwarfing), and its compared
			// value's outline with it.
			hi = axisTop(d.r, d.spec, cut)
		}
		ticks := d.ticks(lo, hi, 5)
		sc := valueScale{ticks[0], ticks[len(ticks)-1], left, right}
		d.w.Open("g", svg.A("class", "axis"), svg.A("font-size", tickSize), svg.A("fill", colorMuted))
		for _, t := range ticks {
			x := sc.at(t)
			d.w.Empty("line", svg.A("x1", x), svg.A("x2", x), svg.A("y1", plotTop), svg.A("y2", bottom), svg.A("stroke", colorGrid))
			d.w.Text("text", d.tickLabel(t), svg.A("x", x), svg.A("y", bottom+16), svg.A("text-anchor", "middle"))
		}
		d.w.Empty("line", svg.A("x1", sc.at(0)), svg.A("x2", sc.at(0)), svg.A("y1", plotTop), svg.A("y2", bottom), svg.A("stroke", colorAxis))
		d.w.Close()
		labels := fitEach(d.categoryLabels(), labelW, fontSize)
		for ci := range s.Categories {
			y := plotTop + float64(ci)*band
			d.w.Text("text", labels[ci], svg.A("x", left-8), svg.A("y", y+band/2), svg.A("dy", "0.35em"),
				svg.A("text-anchor", "end"))
			thick := band * 0.64
			for _, sg := range d.segments(ci) {
				by, bh := y+(band-thick)/2, thick
				if grouped {
					by, bh = y+(band-float64(k)*(barH+2))/2+float64(sg.series)*(barH+2), barH
				}
				x0, x1 := sc.at(sg.from), sc.at(min(sg.to, sc.hi))
				v := s.Series[sg.series].Values[ci]
				d.link(v.Point, func() {
					d.w.Empty("rect", svg.A("x", x0), svg.A("y", by), svg.A("width", x1-x0), svg.A("height", bh),
						svg.A("fill", d.color(sg.series, s.Series[sg.series].Other || s.Categories[ci].Other)))
					if ci == cut {
						// A break mark: the bar goes on beyond the axis.
						for _, dx := range []float64{-16, -10} {
							d.w.Empty("line", svg.A("class", "cut"), svg.A("x1", x1+dx), svg.A("x2", x1+dx+6), svg.A("y1", by+bh+2),
								svg.A("y2", by-2), svg.A("stroke", "#ffffff"), svg.A("stroke-width", 2))
						}
					}
				})
				if f, ok := previousFloat(d.r, v.Point); ok && d.comparedSingle() {
					d.ghost(sc.at(max(min(0, f), sc.lo)), by, sc.at(min(max(0, f), sc.hi)), by+bh, d.ghostTip(v.Point))
				}
			}
			if valueLabels {
				v := s.Series[0].Values[ci]
				x := min(sc.at(max(0, v.Float)), right) + 6
				d.w.Text("text", d.valueLabel(v), svg.A("x", x), svg.A("y", y+band/2), svg.A("dy", "0.35em"),
					svg.A("font-size", tickSize))
			}
		}
	}
}

// Slanted labels: at most slantW pixels long, at least slantGap apart
// across their slant (an 11 px font and a little leading), and starting
// at least slantPad inside the drawing.
const (
	slantW   = 110.0
	slantGap = 14.0
	slantPad = 4.0
	sin45    = 0.7071
)

// columns draws vertical columns, lines or areas over categories along X.
func (d *drawing) columns() func() {
	s := d.spec
	n, k := len(s.Categories), len(s.Series)
	lo, hi := d.domain()
	ticks := d.ticks(lo, hi, 5)
	tickW := 0.0
	for _, t := range ticks {
		tickW = max(tickW, textW(d.tickLabel(t), tickSize))
	}
	left := margin + tickW + 8
	right := d.width - margin
	band := (right - left) / float64(n)
	labelW := 0.0
	for _, c := range s.Categories {
		labelW = max(labelW, textW(c.Label, tickSize))
	}
	// Labels that do not fit their band are drawn slanted (columns) or
	// thinned out (time axes, where every k-th label is enough).
	every, slant := 1, false
	switch {
	case labelW <= band-4:
	case s.X.Bucket != convreport.NoBucket || s.Type != convreport.ColumnChart:
		every = int(math.Ceil((labelW + 8) / band))
		if s.X.Bucket == convreport.NoBucket {
			// Dates left out are read from their neighbours; names are not.
			d.axisNote = fmt.Sprintf("Every %s of the %d points is labelled; each point's tooltip names it.", chartOrdinal(float64(every)), n)
		}
	default:
		slant = true
	}
	bottomH := 28.0
	if slant {
		bottomH = min(labelW, slantW)*sin45 + 20
		// A slanted label reaches left of its column by its width times
		// cos 45°, and its glyphs' height above the baseline turned by as
		// much: the plot starts far enough right that the first one
		// starts inside the drawing, as a chart library widens its
		// padding for its labels. The first column is half a band right
		// of left, and the band narrows as left grows.
		reach := (min(labelW, slantW)+tickSize)*sin45 + slantPad
		half := 1 / (2 * float64(n))
		left = max(left, (reach-right*half)/(1-half))
		band = (right - left) / float64(n)
		// Neighbours a band apart along the axis are band × sin 45° apart
		// across their slant: fewer than a line of text apart, they
		// overprint. Only every k-th is labelled then, as a time axis
		// thins its dates, and a note says so; every column keeps its
		// tooltip and link.
		if every = int(math.Ceil(slantGap / (band * sin45))); every > 1 {
			d.axisNote = fmt.Sprintf("Every %s of the %d columns is labelled; each column's tooltip names it.", chartOrdinal(float64(every)), n)
		}
	}
	d.height = d.top + d.legendHeight() + 220 + bottomH
	d.minHeight = d.top + d.legendHeight() + 60 + bottomH
	return func() {
		d.legend()
		plotTop := d.top + 4
		bottom := d.height - d.noteH - bottomH
		sc := valueScale{ticks[0], ticks[len(ticks)-1], bottom, plotTop}
		d.w.Open("g", svg.A("class", "axis"), svg.A("font-size", tickSize), svg.A("fill", colorMuted))
		for _, t := range ticks {
			y := sc.at(t)
			d.w.Empty("line", svg.A("x1", left), svg.A("x2", right), svg.A("y1", y), svg.A("y2", y), svg.A("stroke", colorGrid))
			d.w.Text("text", d.tickLabel(t), svg.A("x", left-8), svg.A("y", y), svg.A("dy", "0.35em"), svg.A("text-anchor", "end"))
		}
		d.w.Empty("line", svg.A("x1", left), svg.A("x2", right), svg.A("y1", sc.at(0)), svg.A("y2", sc.at(0)), svg.A("stroke", colorAxis))
		// A thinned axis's labels, each centred on its column, are wider
		// than the band: labelling starts at the first column whose label
		// starts inside the drawing, and a label that would end past it
		// is left out.
		first := -1
		labelMax := band*float64(every) - 4
		if slant {
			labelMax = slantW
		}
		labels := fitEach(d.categoryLabels(), labelMax, tickSize)
		for ci, label := range labels {
			x := left + (float64(ci)+0.5)*band
			if slant {
				if ci%every == 0 {
					d.w.Text("text", label, svg.A("x", x), svg.A("y", bottom+12), svg.A("text-anchor", "end"),
						svg.A("transform", "rotate(-45 "+svg.Num(x)+" "+svg.Num(bottom+12)+")"))
				}
				continue
			}
			half := textW(label, tickSize) / 2
			if first < 0 && x-half < slantPad && ci < n-1 {
				continue
			}
			if first < 0 {
				first = ci
			}
			if (ci-first)%every != 0 || x+half > d.width-slantPad {
				continue
			}
			d.w.Text("text", label, svg.A("x", x), svg.A("y", bottom+16), svg.A("text-anchor", "middle"))
		}
		d.w.Close()

		if s.Type == convreport.ColumnChart {
			grouped := k > 1 && !s.Stacked
			for ci := range s.Categories {
				x := left + float64(ci)*band
				thick := min(band*0.64, 48)
				for _, sg := range d.segments(ci) {
					bx, bw := x+(band-thick)/2, thick
					if grouped {
						bw = thick / float64(k)
						bx += float64(sg.series) * bw
					}
					y0, y1 := sc.at(sg.to), sc.at(sg.from)
					v := s.Series[sg.series].Values[ci]
					d.link(v.Point, func() {
						d.w.Empty("rect", svg.A("x", bx), svg.A("y", y0), svg.A("width", bw), svg.A("height", y1-y0),
							svg.A("fill", d.color(sg.series, s.Series[sg.series].Other || s.Categories[ci].Other)))
					})
					if f, ok := previousFloat(d.r, v.Point); ok && d.comparedSingle() {
						d.ghost(bx, sc.at(max(0, f)), bx+bw, sc.at(min(0, f)), d.ghostTip(v.Point))
					}
				}
			}
			return
		}
		d.lines(left, band, sc)
	}
}

// lines draws each series as a line (and an area under it), broken where
// a bucket has no value, with a linked dot on every value.
func (d *drawing) lines(left, band float64, sc valueScale) {
	s := d.spec
	x := func(ci int) float64 { return left + (float64(ci)+0.5)*band }
	for si, ser := range s.Series {
		color := d.color(si, ser.Other)
		// Runs of consecutive values.
		var runs [][]int
		var cur []int
		for ci, v := range ser.Values {
			if v.Null {
				if len(cur) > 0 {
					runs = append(runs, cur)
				}
				cur = nil
				continue
			}
			cur = append(cur, ci)
		}
		if len(cur) > 0 {
			runs = append(runs, cur)
		}
		var line strings.Builder
		for _, run := range runs {
			for j, ci := range run {
				cmd := " L"
				if j == 0 {
					cmd = " M"
				}
				line.WriteString(cmd + svg.Num(x(ci)) + " " + svg.Num(sc.at(ser.Values[ci].Float)))
			}
			if s.Type == convreport.AreaChart {
				first, last := run[0], run[len(run)-1]
				area := "M" + svg.Num(x(first)) + " " + svg.Num(sc.at(0))
				for _, ci := range run {
					area += " L" + svg.Num(x(ci)) + " " + svg.Num(sc.at(ser.Values[ci].Float))
				}
				area += " L" + svg.Num(x(last)) + " " + svg.Num(sc.at(0)) + " Z"
				d.w.Empty("path", svg.A("d", area), svg.A("fill", color), svg.A("fill-opacity", "0.2"), svg.A("stroke", "none"))
			}
		}
		if line.Len() > 0 {
			d.w.Empty("path", svg.A("d", strings.TrimSpace(line.String())), svg.A("fill", "none"), svg.A("stroke", color),
				svg.A("stroke-width", 2), svg.A("stroke-linejoin", "round"))
		}
		if d.r.Compare != convreport.NoCompare {
			// The compared period, as a dashed line of the same colour.
			var ghost strings.Builder
			cmd := " M"
			for ci, v := range ser.Values {
				f, ok := previousFloat(d.r, v.Point)
				if !ok {
					cmd = " M"
					continue
				}
				ghost.WriteString(cmd + svg.Num(x(ci)) + " " + svg.Num(sc.at(f)))
				cmd = " L"
			}
			if ghost.Len() > 0 {
				d.w.Open("g", svg.A("class", "ghost"))
				d.w.Text("title", ser.Name+", "+CompareLabel(d.r))
				d.w.Empty("path", svg.A("d", strings.TrimSpace(ghost.String())), svg.A("fill", "none"), svg.A("stroke", color),
					svg.A("stroke-width", 1.5), svg.A("stroke-dasharray", "5 4"), svg.A("stroke-opacity", "0.6"))
				d.w.Close()
			}
		}
		for ci, v := range ser.Values {
			if v.Null {
				continue
			}
			cx, cy := x(ci), sc.at(v.Float)
			d.link(v.Point, func() {
				d.w.Empty("circle", svg.A("cx", cx), svg.A("cy", cy), svg.A("r", 3.5), svg.A("fill", "#ffffff"),
					svg.A("stroke", color), svg.A("stroke-width", 2))
			})
		}
	}
}

// pie draws slices clockwise from twelve o'clock and a legend beside them.
func (d *drawing) pie() func() {
	s := d.spec
	const radius = 100.0
	rows := float64(len(s.Slices))
	d.height = d.top + max(2*radius+16, rows*20+8)
	return func() {
		cx, cy := margin+radius, d.top+radius+4
		inner := 0.0
		if s.Type == convreport.DonutChart {
			inner = radius * 0.6
		}
		a := 0.0
		for i, sl := range s.Slices {
			if sl.Share <= 0 {
				continue
			}
			a0, a1 := a, a+sl.Share*2*math.Pi
			a = a1
			path := arcPath(cx, cy, radius, inner, a0, a1)
			d.link(sl.Point, func() {
				d.w.Empty("path", svg.A("d", path), svg.A("fill", d.color(i, sl.Other)), svg.A("stroke", "#ffffff"),
					svg.A("stroke-width", 1), svg.A("fill-rule", "evenodd"))
			})
		}
		if inner > 0 && s.Y.Unit == "conversations" {
			var total int64
			for _, sl := range s.Slices {
				total += sl.Count
			}
			d.w.Text("text", FormatCount(total), svg.A("x", cx), svg.A("y", cy), svg.A("text-anchor", "middle"),
				svg.A("font-size", 20), svg.A("font-weight", "600"))
			d.w.Text("text", "conversations", svg.A("x", cx), svg.A("y", cy+18), svg.A("text-anchor", "middle"),
				svg.A("font-size", tickSize), svg.A("fill", colorMuted))
		}
		// Legend: swatch, label, value and share.
		lx := cx + radius + 32
		vals := make([]string, len(s.Slices))
		names := make([]string, len(s.Slices))
		for i, sl := range s.Slices {
			vals[i] = d.valueLabel(sl.ChartValue) + " · " + sl.ShareText
			names[i] = sl.Label
		}
		names = fitAll(names, fontSize, func(i int) float64 { return d.width - margin - lx - 16 - textW(vals[i], fontSize) - 12 })
		for i, sl := range s.Slices {
			y := d.top + 8 + float64(i)*20
			val := vals[i]
			d.link(sl.Point, func() {
				d.w.Empty("rect", svg.A("x", lx), svg.A("y", y), svg.A("width", 10), svg.A("height", 10), svg.A("rx", 2),
					svg.A("fill", d.color(i, sl.Other)))
				d.w.Text("text", names[i], svg.A("x", lx+16), svg.A("y", y+9.5))
				d.w.Text("text", val, svg.A("x", d.width-margin), svg.A("y", y+9.5), svg.A("text-anchor", "end"),
					svg.A("fill", colorMuted))
			})
		}
	}
}

// arcPath is a slice from angle a0 to a1 (radians clockwise from twelve
// o'clock) of a disc, or of a ring when inner > 0.
func arcPath(cx, cy, r, inner, a0, a1 float64) string {
	pt := func(rad, a float64) string {
		return svg.Num(cx+rad*math.Sin(a)) + " " + svg.Num(cy-rad*math.Cos(a))
	}
	n := svg.Num
	if a1-a0 >= 2*math.Pi-1e-9 {
		// A whole disc: two half circles (and a hole for a ring).
		p := "M" + pt(r, 0) + " A" + n(r) + " " + n(r) + " 0 1 1 " + pt(r, math.Pi) + " A" + n(r) + " " + n(r) + " 0 1 1 " + pt(r, 0) + " Z"
		if inner > 0 {
			p += " M" + pt(inner, 0) + " A" + n(inner) + " " + n(inner) + " 0 1 0 " + pt(inner, math.Pi) +
				" A" + n(inner) + " " + n(inner) + " 0 1 0 " + pt(inner, 0) + " Z"
		}
		return p
	}
	large := "0"
	if a1-a0 > math.Pi {
		large = "1"
	}
	if inner <= 0 {
		return "M" + n(cx) + " " + n(cy) + " L" + pt(r, a0) + " A" + n(r) + " " + n(r) + " 0 " + large + " 1 " + pt(r, a1) + " Z"
	}
	return "M" + pt(r, a0) + " A" + n(r) + " " + n(r) + " 0 " + large + " 1 " + pt(r, a1) +
		" L" + pt(inner, a1) + " A" + n(inner) + " " + n(inner) + " 0 " + large + " 0 " + pt(inner, a0) + " Z"
}

// summary draws one big number.
func (d *drawing) summary() func() {
	if d.opts.Width == 0 {
		d.width = 320
	}
	d.height = d.top + 96
	if summaryVersus(d.r, d.spec.Summary) != "" {
		d.height += 16
	}
	return func() {
		sm := d.spec.Summary
		cx := d.width / 2
		d.link(sm.Point, func() {
			d.w.Text("text", summaryText(sm), svg.A("x", cx), svg.A("y", d.top+44), svg.A("text-anchor", "middle"),
				svg.A("font-size", 40), svg.A("font-weight", "600"))
		})
		sub := sm.Label
		if sm.Unit != "conversations" || sm.Label != "Conversations" {
			sub += " · " + conversations(sm.Count)
		}
		d.w.Text("text", fit(sub, d.width-2*margin, fontSize), svg.A("x", cx), svg.A("y", d.top+72), svg.A("text-anchor", "middle"),
			svg.A("fill", colorMuted))
		if vs := summaryVersus(d.r, sm); vs != "" {
			d.w.Text("text", fit(vs, d.width-2*margin, fontSize), svg.A("x", cx), svg.A("y", d.top+92), svg.A("text-anchor", "middle"),
				svg.A("fill", colorMuted), svg.A("class", "versus"))
		}
	}
}

// table draws the points as rows of text: label, value, count.
func (d *drawing) table() func() {
	const rowH = 24.0
	d.height = d.top + rowH*float64(len(d.r.Points)+1) + 8
	return func() {
		s := d.spec
		countX := d.width - margin
		countW := textW("Conversations", fontSize)
		valueW := textW(s.Y.Title, fontSize)
		for _, p := range d.r.Points {
			countW = max(countW, textW(FormatCount(p.Count), fontSize))
			valueW = max(valueW, textW(FormatValue(p.Value, s.Y.Unit), fontSize))
		}
		valueW = min(valueW, (d.width-2*margin)*0.4)
		valueX := countX - countW - 24
		labelW := valueX - valueW - 24 - margin
		head := s.X.Title
		if s.Legend != "" {
			head += " / " + s.Legend
		}
		y := d.top + 16
		d.w.Open("g", svg.A("font-weight", "600"))
		d.w.Text("text", fit(head, labelW, fontSize), svg.A("x", margin), svg.A("y", y))
		d.w.Text("text", fit(s.Y.Title, valueW, fontSize), svg.A("x", valueX), svg.A("y", y), svg.A("text-anchor", "end"))
		d.w.Text("text", "Conversations", svg.A("x", countX), svg.A("y", y), svg.A("text-anchor", "end"))
		d.w.Close()
		d.w.Empty("line", svg.A("x1", margin), svg.A("x2", countX), svg.A("y1", y+7), svg.A("y2", y+7), svg.A("stroke", colorAxis))
		labels := fitEach(s.Labels, labelW, fontSize)
		for i, p := range d.r.Points {
			ry := d.top + rowH*float64(i+1)
			d.link(i, func() {
				d.w.Empty("rect", svg.A("x", margin), svg.A("y", ry+8), svg.A("width", countX-margin), svg.A("height", rowH),
					svg.A("fill", map[bool]string{true: "#f5f8fa", false: "#ffffff"}[i%2 == 1]))
				d.w.Text("text", labels[i], svg.A("x", margin+4), svg.A("y", ry+24))
				d.w.Text("text", FormatValue(p.Value, s.Y.Unit), svg.A("x", valueX), svg.A("y", ry+24), svg.A("text-anchor", "end"))
				d.w.Text("text", FormatCount(p.Count), svg.A("x", countX-4), svg.A("y", ry+24), svg.A("text-anchor", "end"))
			})
		}
	}
}
