package web_test

import (
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// A person finds a report counting business hours by a calendar removed
// from the store by hand: the card names it; the editor shows it marked
// among the calendars, the reason by the calendar; choosing another and
// updating brings the numbers back.
func TestBrowserChooseAnotherCalendarForAStaleReport(t *testing.T) {
	b := newBrowser(t)
	f, dir, n := lostFixture(t)
	writeFile(t, dir, "_calendars.json", parisOnly)
	root := serveAs(t, b, f, "ana")

	b.do("open the dashboard", chromedp.Navigate(root+"dashboards/hours"), chromedp.WaitVisible(chromedp.CSS(`#report-frt .chart-stale`)))
	require.Contains(t, b.eval(`document.querySelector("#report-frt .chart-stale").innerText`), lostCalendarSentence)
	require.Contains(t, b.eval(`document.querySelector("#report-sla-close .chart-stale").innerText`), lostPolicyCalendar)
	require.Contains(t, b.eval(`document.querySelector("#report-volume .card-meta").textContent`), strconv.Itoa(n)+" conversations")
	b.shot("lost-calendar-card")

	b.do("edit the report", clickOn(`#report-frt [data-edit-stale]`))
	b.wait("the calendar marked", `document.documentElement.dataset.ready === "true" && `+fieldErrorShown("calendar"))
	require.Equal(t, `This server has no calendar "office" (it has paris); choose another, or count calendar time`,
		b.eval(`document.querySelector('[data-error-for="calendar"]').textContent`))
	require.Equal(t, "office (not among the calendars)", b.eval(`document.querySelector("#edit-calendar").selectedOptions[0].textContent`))
	require.Equal(t, "true", b.eval(`document.querySelector("#edit-calendar").getAttribute("aria-invalid")`))
	b.shot("lost-calendar-editor")

	b.do("choose paris", pick("#edit-calendar", "paris"))
	b.wait("the preview", previewOK+` && document.querySelector("#preview svg")`)
	b.update(f, "hours")
	require.Equal(t, "false", b.eval(`String(document.querySelector("#report-frt").hasAttribute("data-stale"))`))
	require.Contains(t, b.eval(`document.querySelector("#report-frt").innerHTML`), "<svg")
	rep, _ := mustGet(t, f, "hours").Report("frt")
	require.Equal(t, "paris", rep.Calendar)
}
