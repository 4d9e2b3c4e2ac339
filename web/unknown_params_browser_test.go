package web_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// A dashboard opened from an address a newsletter added to
// (utm_source=…) shows, goes live and drills down as without it: the page
// ignores what it does not read, and sends the API, which refuses a
// parameter it does not read, only its period and view.
func TestBrowserDashboardAddressWithOtherParameters(t *testing.T) {
	b := newBrowser(t)
	f := newFixture(t)
	root := serveAs(t, b, f, "ana")

	b.do("open the dashboard", chromedp.Navigate(root+"dashboards/chat?range=last_30_days&compare=previous&utm_source=newsletter"),
		chromedp.WaitVisible(chromedp.CSS(`#report-conversations-by-rep svg`)))
	b.wait("the live stream", `document.querySelector("#live-status").dataset.state === "live"`)

	b.do("click a bar", clickOn(`#report-conversations-by-rep svg a rect`))
	b.wait("the drill-down", `(() => { const d = document.querySelector("#drill-dialog"); return d.open && d.dataset.state === "ready"; })()`)
	require.NotEmpty(t, b.eval(`document.querySelector("#drill-title").textContent`))

	// The export links carry the view, not the rest of the address.
	zip := b.eval(`document.querySelector("#export-zip").getAttribute("href")`)
	require.NotContains(t, zip, "utm_source")
	u, err := url.Parse(zip)
	require.NoError(t, err)
	require.Equal(t, "previous", u.Query().Get("compare"))
	require.True(t, strings.HasSuffix(u.Path, "api/dashboards/chat/export"), zip)
}
