package web_test

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// 2.5 typed in Top used to be refused as "Limit: want a number, got a
// JSON string", which says a number was not given, where one was. The
// field now says what Top takes, and a whole number clears it.
func TestBrowserTopSaysItTakesAWholeNumber(t *testing.T) {
	b := newBrowser(t)
	f := newFixture(t)
	root := serveAs(t, b, f, "ana")
	b.do("open the editor", chromedp.Navigate(root+"dashboards/chat/reports/conversations-by-rep/edit"), chromedp.WaitVisible(chromedp.CSS(`#editor`)))
	b.wait("the script", `document.documentElement.dataset.ready === "true"`)

	b.do("top 2.5", typeIn("#edit-limit", "2.5"))
	b.wait("the limit's error", fieldErrorShown("limit"))
	require.Equal(t, "Top must be a whole number from 1 to 10,000, or empty to keep every group (got 2.5)",
		b.eval(`document.querySelector('[data-error-for="limit"]').textContent`))
	require.Equal(t, "true", b.eval(`document.querySelector("#edit-limit").getAttribute("aria-invalid")`))
	b.shot("editor-top-fraction")

	b.do("top 3", typeIn("#edit-limit", "3"))
	b.wait("the preview", previewOK)
	require.Equal(t, "true", b.eval(`String(document.querySelector('[data-error-for="limit"]').hidden)`))
	require.Equal(t, "4", b.eval(`document.querySelector("#preview").dataset.points`), "three reps and Other")
}
