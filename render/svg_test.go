package render_test

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strconv"
	"strings"
	"testing"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/render"
	"github.com/stretchr/testify/require"
)

func withChart(r convreport.Result, c convreport.Chart) convreport.Result {
	r.Report.Chart = c
	return r
}

// bySeries is a daily series split by channel: a line per channel.
var bySeries = result(convreport.Report{Name: "Conversations over time by channel", Bucket: convreport.Day, Dimensions: []string{"Channel"}},
	convreport.Point{Dimensions: []convreport.DimensionValue{known("Channel", "chat")}, Bucket: day(29), Value: num("4"), Count: 4},
	convreport.Point{Dimensions: []convreport.DimensionValue{known("Channel", labelScript)}, Bucket: day(29), Value: num("1"), Count: 1},
	convreport.Point{Dimensions: []convreport.DimensionValue{known("Channel", "chat")}, Bucket: day(30), Value: num("6"), Count: 6},
	convreport.Point{Dimensions: []convreport.DimensionValue{known("Channel", labelScript)}, Bucket: day(30), Value: num("0"), Count: 0},
	convreport.Point{Dimensions: []convreport.DimensionValue{known("Channel", "chat")}, Bucket: day(31), Value: num("2"), Count: 2},
	convreport.Point{Dimensions: []convreport.DimensionValue{known("Channel", labelScript)}, Bucket: day(31), Value: num("3"), Count: 3},
)

var svgCases = []struct {
	name string
	r    convreport.Result
}{
	{"bar", byRep},
	{"bar_null", avgResponse},
	{"bar_grouped", withChart(byInboxChannel, convreport.Chart{Type: convreport.BarChart})},
	{"bar_stacked", withChart(byInboxChannel, convreport.Chart{Type: convreport.BarChart, Stacked: true})},
	{"column", withChart(byRep, convreport.Chart{Type: convreport.ColumnChart})},
	{"column_stacked", byInboxChannel},
	{"column_percent", withChart(byInboxChannel, convreport.Chart{Type: convreport.ColumnChart, Percent: true})},
	{"line", overTime},
	{"line_series", bySeries},
	{"area", waitOverTime},
	{"pie", byChannel},
	{"donut", withChart(byChannel, convreport.Chart{Type: convreport.DonutChart})},
	{"summary", openNow},
	{"table", shareByPriority},
	{"empty", result(convreport.Report{Name: "Nothing yet", Dimensions: []string{"Team"}})},
}

func TestSVGGolden(t *testing.T) {
	for _, c := range svgCases {
		t.Run(c.name, func(t *testing.T) {
			var b bytes.Buffer
			require.NoError(t, render.SVG(&b, c.r, render.SVGOptions{}))
			golden(t, "svg/"+c.name+".svg", b.Bytes())
		})
	}
}

// svgDoc is what the tests read back from a drawing.
type svgDoc struct {
	links    []svgLink
	texts    []string
	rootName string
}

type svgLink struct{ href, title string }

// parseSVG decodes b with the strict XML decoder: a drawing that is not
// well-formed fails here.
func parseSVG(t *testing.T, b []byte) svgDoc {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(b))
	var doc svgDoc
	var stack []string
	var inLink *svgLink
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err, "not well-formed XML")
		switch tok := tok.(type) {
		case xml.StartElement:
			if len(stack) == 0 {
				doc.rootName = tok.Name.Space + " " + tok.Name.Local
			}
			stack = append(stack, tok.Name.Local)
			if tok.Name.Local == "a" {
				l := svgLink{}
				for _, a := range tok.Attr {
					if a.Name.Local == "href" {
						l.href = a.Value
					}
				}
				doc.links = append(doc.links, l)
				inLink = &doc.links[len(doc.links)-1]
			}
		case xml.EndElement:
			if tok.Name.Local == "a" {
				inLink = nil
			}
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) == 0 {
				continue
			}
			switch stack[len(stack)-1] {
			case "title":
				if inLink != nil && stack[len(stack)-2] == "a" {
					inLink.title = string(tok)
				}
			case "text":
				doc.texts = append(doc.texts, string(tok))
			}
		}
	}
	require.Empty(t, stack, "unclosed elements")
	return doc
}

func TestSVGIsWellFormedAndLinksEveryPoint(t *testing.T) {
	for _, c := range svgCases {
		t.Run(c.name, func(t *testing.T) {
			var b bytes.Buffer
			require.NoError(t, render.SVG(&b, c.r, render.SVGOptions{Report: 3}))
			doc := parseSVG(t, b.Bytes())
			require.Equal(t, "http://www.w3.org/2000/svg svg", doc.rootName)

			// Every point with a value is reachable through at least one
			// link to its own drill-down anchor.
			hrefs := map[string]bool{}
			for _, l := range doc.links {
				hrefs[l.href] = true
				require.NotEmpty(t, l.title, "link %s has no tooltip", l.href)
			}
			spec := render.NewChartSpec(c.r)
			for i, p := range c.r.Points {
				drawn := p.Value.Valid
				switch spec.Type {
				case convreport.SummaryChart:
					drawn = len(c.r.Points) == 1
				case convreport.TableChart:
					drawn = true
				case convreport.PieChart, convreport.DonutChart:
					drawn = true // the legend links every slice
				case convreport.ColumnChart, convreport.BarChart:
					drawn = drawn && (!spec.Percent || p.Value.Decimal.IsPositive()) && !p.Value.Decimal.IsZero()
				}
				if drawn {
					require.True(t, hrefs[render.DefaultDrillURL(render.PointRef{Report: 3, Index: i})], "point %d (%s) is not linked", i, spec.Labels[i])
				}
			}
		})
	}
}

func TestSVGEscapesLabels(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, render.SVG(&b, byRep, render.SVGOptions{Width: 900}))
	out := b.String()
	require.NotContains(t, out, "<script>")
	require.Contains(t, out, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;")
	require.Contains(t, out, "Ops &#34;Tier 2&#34; &amp; &#39;Co&#39;")
	doc := parseSVG(t, b.Bytes())
	// The parsed text gives the labels back exactly.
	require.Contains(t, doc.texts, labelScript)
	require.Contains(t, doc.texts, labelQuotes)
	require.Contains(t, doc.texts, labelRTL)
	require.Contains(t, doc.texts, labelEmoji)
	var titles []string
	for _, l := range doc.links {
		titles = append(titles, l.title)
	}
	require.Contains(t, titles, labelScript+": 312 (312 conversations)")
	require.Contains(t, titles, "(no value): 96 (96 conversations)")
}

func TestSVGControlCharactersStayWellFormed(t *testing.T) {
	// XML cannot hold U+001B even escaped: it is replaced, not copied.
	var b bytes.Buffer
	require.NoError(t, render.SVG(&b, avgResponse, render.SVGOptions{}))
	require.NotContains(t, b.String(), "\x1b")
	parseSVG(t, b.Bytes())
}

func TestSVGDrillURLHook(t *testing.T) {
	var got []render.PointRef
	opts := render.SVGOptions{Report: 2, DrillURL: func(ref render.PointRef) string {
		got = append(got, ref)
		switch ref.Index {
		case 0:
			return "/drill?assignee=" + ref.Point.Dimensions[0].Value + "&b=1"
		case 1:
			return "javascript:alert(1)"
		case 2:
			return "" // not linked
		}
		return "https://example.test/x"
	}}
	var b bytes.Buffer
	require.NoError(t, render.SVG(&b, withChart(byRep, convreport.Chart{Type: convreport.TableChart}), opts))
	doc := parseSVG(t, b.Bytes())
	require.Len(t, got, len(byRep.Points))
	for i, ref := range got {
		require.Equal(t, 2, ref.Report)
		require.Equal(t, i, ref.Index)
		require.Equal(t, byRep.Points[i].Count, ref.Point.Count)
	}
	hrefs := []string{}
	for _, l := range doc.links {
		hrefs = append(hrefs, l.href)
	}
	require.Equal(t, "/drill?assignee=rep-07&b=1", hrefs[0])
	require.Equal(t, "#", hrefs[1], "a script URL is not kept")
	require.Len(t, hrefs, len(byRep.Points)-1, "an empty URL leaves the point unlinked")
	require.True(t, strings.HasPrefix(hrefs[2], "https://"))
}

func TestSVGDeterministic(t *testing.T) {
	for _, c := range svgCases {
		var a, b bytes.Buffer
		require.NoError(t, render.SVG(&a, c.r, render.SVGOptions{}))
		require.NoError(t, render.SVG(&b, c.r, render.SVGOptions{}))
		require.Equal(t, a.String(), b.String(), c.name)
	}
}

// shapes returns the attributes of each element named name inside a link,
// in document order.
func shapes(t *testing.T, b []byte, name string) []map[string]string {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(b))
	var out []map[string]string
	depth := 0
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return out
		}
		require.NoError(t, err)
		switch tok := tok.(type) {
		case xml.StartElement:
			if tok.Name.Local == "a" {
				depth++
			}
			if tok.Name.Local == name && depth > 0 {
				m := map[string]string{}
				for _, a := range tok.Attr {
					m[a.Name.Local] = a.Value
				}
				out = append(out, m)
			}
		case xml.EndElement:
			if tok.Name.Local == "a" {
				depth--
			}
		}
	}
}

func attr(t *testing.T, m map[string]string, k string) float64 {
	t.Helper()
	f, err := strconv.ParseFloat(m[k], 64)
	require.NoError(t, err, "%s=%q", k, m[k])
	return f
}

func TestSVGBarLengthsFollowValues(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, render.SVG(&b, byRep, render.SVGOptions{}))
	rects := shapes(t, b.Bytes(), "rect")
	require.Len(t, rects, len(byRep.Points))
	for i, p := range byRep.Points {
		want := p.Value.Decimal.InexactFloat64() / 1234
		got := attr(t, rects[i], "width") / attr(t, rects[0], "width")
		require.InDelta(t, want, got, 0.01, "bar %d", i)
		require.Equal(t, attr(t, rects[0], "x"), attr(t, rects[i], "x"), "bars start at zero")
	}
}

func TestSVGPercentColumnsFillTheAxis(t *testing.T) {
	var b bytes.Buffer
	r := withChart(byInboxChannel, convreport.Chart{Type: convreport.ColumnChart, Percent: true})
	require.NoError(t, render.SVG(&b, r, render.SVGOptions{}))
	rects := shapes(t, b.Bytes(), "rect")
	// Support: email 40 and chat 25 share one column; Sales and Ops one
	// point each fill theirs.
	require.Len(t, rects, 4)
	full := attr(t, rects[2], "height")
	require.InDelta(t, full, attr(t, rects[3], "height"), 0.02)
	require.InDelta(t, full, attr(t, rects[0], "height")+attr(t, rects[1], "height"), 0.02)
	require.InDelta(t, 40.0/65, attr(t, rects[0], "height")/full, 0.01)
	// Stacked: chat sits on top of email.
	require.InDelta(t, attr(t, rects[0], "y"), attr(t, rects[1], "y")+attr(t, rects[1], "height"), 0.02)
}

func TestSVGLineBreaksAtNull(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, render.SVG(&b, waitOverTime, render.SVGOptions{}))
	out := b.String()
	// The line is two runs: the 28th alone, then the 30th to the 1st; the
	// empty 29th gets no dot.
	i := strings.Index(out, `fill="none" stroke=`)
	require.Positive(t, i)
	line := out[strings.LastIndex(out[:i], `d="`):i]
	require.Equal(t, 2, strings.Count(line, "M"), line)
	require.Equal(t, 2, strings.Count(line, "L"), line)
	require.Len(t, shapes(t, b.Bytes(), "circle"), 4)
}
