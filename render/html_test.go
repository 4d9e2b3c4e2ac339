package render_test

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"regexp"
	"strings"
	"testing"

	"github.com/convreport/convreport/render"
	"github.com/stretchr/testify/require"
)

// drillFixture lists conversations for the points of the first report
// only, with hostile cell text.
func drillFixture(ref render.PointRef) *render.DrillTable {
	if ref.Report != 0 {
		return nil
	}
	t := &render.DrillTable{Columns: []string{"Conversation ID", "Created", "Assignee"}}
	for i := range min(ref.Point.Count, 2) {
		t.Rows = append(t.Rows, []string{"c" + string(rune('a'+i)), "2025-03-30 10:00:00", `<img src=x onerror="alert(1)">`})
	}
	t.Total = int(ref.Point.Count)
	return t
}

func renderHTML(t *testing.T, opts render.HTMLOptions) []byte {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, render.HTML(&b, fixture(), opts))
	return b.Bytes()
}

func TestHTMLGolden(t *testing.T) {
	golden(t, "dashboard.html", renderHTML(t, render.HTMLOptions{Drill: drillFixture}))
}

// htmlDoc is what the tests read back from a page.
type htmlDoc struct {
	ids      map[string]bool
	hrefs    []string
	elements map[string]int
	thScoped bool // every th has a scope
	text     []string
}

// parseHTML reads the page with encoding/xml in its lenient HTML mode: a
// tag closed out of order or an unterminated element fails.
func parseHTML(t *testing.T, b []byte) htmlDoc {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(b))
	dec.Strict = false
	dec.AutoClose = xml.HTMLAutoClose
	dec.Entity = xml.HTMLEntity
	doc := htmlDoc{ids: map[string]bool{}, elements: map[string]int{}, thScoped: true}
	var stack []string
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		switch tok := tok.(type) {
		case xml.StartElement:
			name := strings.ToLower(tok.Name.Local)
			stack = append(stack, name)
			doc.elements[name]++
			scoped := false
			for _, a := range tok.Attr {
				switch a.Name.Local {
				case "id":
					require.False(t, doc.ids[a.Value], "duplicate id %q", a.Value)
					doc.ids[a.Value] = true
				case "href":
					doc.hrefs = append(doc.hrefs, a.Value)
				case "scope":
					scoped = true
				}
			}
			if name == "th" && !scoped {
				doc.thScoped = false
			}
		case xml.EndElement:
			name := strings.ToLower(tok.Name.Local)
			require.NotEmpty(t, stack, "</%s> closes nothing", name)
			require.Equal(t, stack[len(stack)-1], name, "</%s> closes <%s>", name, stack[len(stack)-1])
			stack = stack[:len(stack)-1]
		case xml.CharData:
			doc.text = append(doc.text, string(tok))
		}
	}
	require.Empty(t, stack, "unclosed elements")
	return doc
}

func TestHTMLStructure(t *testing.T) {
	out := renderHTML(t, render.HTMLOptions{Drill: drillFixture})
	doc := parseHTML(t, out)
	d := fixture()

	require.Equal(t, 1, doc.elements["h1"])
	require.Equal(t, len(d.Results), doc.elements["article"], "a card per report")
	require.Equal(t, len(d.Results)-1, doc.elements["svg"], "a chart per report but the table chart, which is its table")
	require.True(t, doc.thScoped, "every table header has a scope")
	require.Zero(t, doc.elements["script"], "no script")

	// Every in-page link lands on an element of the page.
	for _, h := range doc.hrefs {
		if id, ok := strings.CutPrefix(h, "#"); ok {
			require.True(t, doc.ids[id], "link %s has no target", h)
		}
	}
	// Each point of the first report has its drill section, reachable from
	// its default link, listing its rows.
	for i := range d.Results[0].Points {
		id := render.DefaultDrillURL(render.PointRef{Report: 0, Index: i})[1:]
		require.True(t, doc.ids[id], "no drill section %s", id)
		require.Contains(t, doc.hrefs, "#"+id)
	}
	// Points of the other reports link to their table row.
	require.True(t, doc.ids["drill-2-4"])
	require.Contains(t, doc.hrefs, "#drill-2-4")
	require.Contains(t, string(out), `<tr id="drill-2-4">`)
	require.Contains(t, string(out), `The first 2 of 1,234 conversations.`)
}

func TestHTMLEscapes(t *testing.T) {
	out := string(renderHTML(t, render.HTMLOptions{Drill: drillFixture}))
	for _, raw := range []string{"<script", "<img", `"Email" <overview>`} {
		require.NotContains(t, out, raw)
	}
	doc := parseHTML(t, []byte(out))
	joined := strings.Join(doc.text, "")
	for _, label := range []string{labelScript, labelQuotes, labelRTL, labelEmoji, `Chat & "Email" <overview>`, `<img src=x onerror="alert(1)">`} {
		require.Contains(t, joined, label, "the page reads back the label as text")
	}
}

// The page works offline: no address it could fetch, only the SVG
// namespace identifier.
func TestHTMLNeedsNoNetwork(t *testing.T) {
	out := string(renderHTML(t, render.HTMLOptions{Drill: drillFixture}))
	urls := regexp.MustCompile(`(?i)(https?:)?//[a-z0-9.-]+`).FindAllString(out, -1)
	for _, u := range urls {
		require.Equal(t, "http://www.w3.org", u, "the page refers to %s", u)
	}
	require.NotContains(t, strings.ToLower(out), "@import")
	require.NotContains(t, strings.ToLower(out), "url(")
}

func TestHTMLDrillURLHook(t *testing.T) {
	out := string(renderHTML(t, render.HTMLOptions{DrillURL: func(ref render.PointRef) string {
		if ref.Report == 1 && ref.Index == 0 {
			return "javascript:alert(1)"
		}
		return "/drill?r=" + string(rune('0'+ref.Report)) + "&p=" + string(rune('0'+ref.Index))
	}}))
	require.Contains(t, out, `href="/drill?r=0&amp;p=1"`)
	require.NotContains(t, out, "javascript:")
	parseHTML(t, []byte(out))
}
