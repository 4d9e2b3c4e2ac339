package web_test

import (
	"bytes"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// fetch evaluates a promise in the page: the body (or a header) of a
// link the page offers, fetched as the page's own script would.
func (b *browser) fetch(expr string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](expr, chromedp.EvalAwaitPromise))
	require.NoError(b.t, err, expr)
	return s
}

// pdfPages counts the page objects of a PDF: "/Type /Page" not followed
// by "s" (that is the page tree).
var pdfPage = regexp.MustCompile(`/Type\s*/Page[^s]`)

// Issue 17, item 6 in a browser: the Export menu and each card's links,
// the drill-down dialog's CSV of all its rows, the print layout printed
// to PDF by Chromium; item 8: a bad time zone is said on the page.
func TestBrowserExport(t *testing.T) {
	b := newBrowser(t)
	f := newFixture(t)
	root := serveAs(t, b, f, "ben") // a viewer with a scope, who may only view "chat"

	b.do("open the dashboard", chromedp.Navigate(root+"dashboards/chat?range=last_30_days"),
		chromedp.WaitVisible(chromedp.CSS(`#report-conversations-by-rep svg`)))
	b.wait("the script", `document.documentElement.dataset.ready === "true"`)
	b.wait("the export links", `document.querySelectorAll("#reports .card-export a").length === 18`)
	require.Equal(t, "api/dashboards/chat/export?range=last_30_days&format=zip",
		b.eval(`document.querySelector("#export-zip").getAttribute("href")`))

	// The CSV link of a card downloads what the API's run counts.
	run := f.run("chat", "ben", "range=last_30_days")
	rep := run.Reports[run.report(t, "conversations-by-rep")]
	csv := b.fetch(`fetch(document.querySelector('#report-conversations-by-rep a[data-export="csv"]').href).then((r) => r.text())`)
	rows := readCSV(t, []byte(csv))
	require.Len(t, rows, len(rep.Points)+1)
	for i, p := range rep.Points {
		require.Equal(t, strconv.FormatInt(p.Count, 10), rows[i+1][1])
	}
	png := b.fetch(`fetch(document.querySelector('#report-conversations-by-rep a[data-export="png"]').href).then((r) => r.headers.get("Content-Type"))`)
	require.Equal(t, "image/png", png)
	// The first-response average of unassigned chats dwarfs the reps':
	// it is drawn after the reps, its bar cut, and the note under the chart says
	// what it is.
	fr := `#report-average-chat-first-response-time-by-rep svg`
	labels := b.eval(`[...document.querySelectorAll("` + fr + ` > text[text-anchor=end]")].map((e) => e.textContent).join("|")`)
	require.Regexp(t, `\|\(no value\)$`, labels)
	require.Equal(t, "2", b.eval(`String(document.querySelectorAll("`+fr+` line.cut").length)`))
	require.Contains(t, b.eval(`document.querySelector("`+fr+` text.note").textContent`), "(no value): conversations with no Assignee")

	b.do("open the Export menu", clickOn("#export-menu summary"), chromedp.WaitVisible(chromedp.CSS("#export-print")))
	b.shot("export-menu")

	// The drill-down dialog's CSV holds every row of the point, not the
	// page of 25 it shows.
	b.do("click a bar", clickOn(`#report-conversations-by-rep svg a rect`))
	b.wait("the drill-down dialog", `(() => { const d = document.querySelector("#drill-dialog"); return d.open && d.dataset.state === "ready"; })()`)
	b.wait("its CSV link", `!document.querySelector("#drill-csv").hidden`)
	total, err := strconv.Atoi(b.eval(`document.querySelector("#drill-dialog").dataset.total`))
	require.NoError(t, err)
	require.Greater(t, total, 25)
	require.Equal(t, "25", b.eval(`String(document.querySelectorAll("#drill-rows tbody tr").length)`))
	csv = b.fetch(`fetch(document.querySelector("#drill-csv").href).then((r) => r.text())`)
	require.Len(t, readCSV(t, []byte(csv)), total+1)
	b.view("drill-down-csv")
	b.do("close the dialog", clickOn(`#drill-dialog [data-close]`))

	// The print layout, then Chromium's PDF of it.
	b.do("print layout", chromedp.Navigate(root+"dashboards/chat/print?range=last_30_days"),
		chromedp.WaitVisible(chromedp.CSS(`#print-title`)))
	require.Equal(t, "Chat", b.eval(`document.querySelector("#print-title").textContent`))
	meta := b.eval(`document.querySelector("#print-meta").textContent`)
	require.Contains(t, meta, "May 2, 2025 – May 31, 2025")
	require.Contains(t, meta, "Europe/Paris")
	require.Contains(t, meta, "Generated Jun 1, 2025 00:00")
	require.Equal(t, "6", b.eval(`String(document.querySelectorAll(".print-report svg, .print-report table").length)`))
	require.Equal(t, "avoid", b.eval(`getComputedStyle(document.querySelector(".print-report")).breakInside`))
	b.shot("print-layout")
	pdf, err := chromedp.Run(b.ctx, chromedp.PrintToPDF(chromedp.PDFPreferCSSPageSize(), chromedp.PDFPrintBackground()))
	require.NoError(t, err)
	require.True(t, bytes.HasPrefix(pdf, []byte("%PDF-")), "a PDF")
	pages := len(pdfPage.FindAll(pdf, -1))
	// Six report blocks, none split: more than one A4 page, at most one a
	// block.
	require.GreaterOrEqual(t, pages, 2)
	require.LessOrEqual(t, pages, 6)
	if b.shots != "" {
		require.NoError(t, os.WriteFile(filepath.Join(b.shots, "dashboard-print.pdf"), pdf, 0o644))
	}

	// "This month" on the 12th, the conversations ending on June 1: the
	// line stops at the 12th.
	b.do("this month", chromedp.Navigate(root+"dashboards/chat?range=this_month&now=2025-06-12T15:00:00%2B02:00"),
		chromedp.WaitVisible(chromedp.CSS(`#report-chat-conversations-over-time svg`)))
	require.Equal(t, "12", b.eval(`String(document.querySelectorAll("#report-chat-conversations-over-time svg circle").length)`))
	require.Contains(t, b.eval(`document.querySelector("#range-label").textContent`), "Jun 1, 2025 – Jun 30, 2025", "the period is the month")
	b.shot("this-month")

	// A bad time zone: the page says so next to the form and shows the
	// default period, not an error page.
	b.do("a bad time zone", chromedp.Navigate(root+"dashboards/chat?tz=Mars/Base"),
		chromedp.WaitVisible(chromedp.CSS(`#range-error`)))
	b.wait("the script", `document.documentElement.dataset.ready === "true"`)
	require.Contains(t, b.eval(`document.querySelector("#range-error").textContent`), `Tz "Mars/Base" is not an IANA time zone`)
	require.Equal(t, "Mars/Base", b.eval(`document.querySelector("#range-form input[name=tz]").value`), "what was typed stays")
	require.Equal(t, "", b.eval(`location.search`), "the address holds the period shown")
	require.Equal(t, "6", b.eval(`String(document.querySelectorAll("#reports .card").length)`))
	b.shot("bad-time-zone")

	// A bad time zone beside a comparison and a good filter: only the time
	// zone goes. The address kept the bare path, and the live stream and
	// the links then showed another view than the page's.
	filters := url.QueryEscape(`[{"property":"Channel","op":"is_any_of","values":["chat"]}]`)
	b.do("a bad time zone and a view", chromedp.Navigate(root+"dashboards/chat?tz=Mars/Base&compare=previous&range=last_7_days&filters="+filters),
		chromedp.WaitVisible(chromedp.CSS(`#range-error`)))
	b.wait("the script", `document.documentElement.dataset.ready === "true"`)
	search, err := url.ParseQuery(strings.TrimPrefix(b.eval(`location.search`), "?"))
	require.NoError(t, err)
	require.Equal(t, url.Values{"compare": {"previous"}, "filters": {`[{"property":"Channel","op":"is_any_of","values":["chat"]}]`}}, search,
		"the address holds the view shown: the comparison and the filter kept, the period dropped with the time zone")
	require.Contains(t, b.eval(`document.querySelector("#export-zip").getAttribute("href")`), "compare=previous")
}
