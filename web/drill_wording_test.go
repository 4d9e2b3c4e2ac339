package web_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/memory"
	"github.com/convreport/convreport/web"
)

// repsFixture serves the fixture's dashboards over chats of two reps:
// "solo" with one, "many" with 26 (a page of 25 and one more).
func repsFixture(t *testing.T) (*fixture, option) {
	t.Helper()
	var cs []convreport.Conversation
	at := time.Date(2025, 5, 20, 9, 0, 0, 0, paris)
	add := func(rep string, n int) {
		for i := range n {
			cs = append(cs, convreport.Conversation{ID: fmt.Sprintf("%s-%02d", rep, i), Channel: convreport.Chat,
				Status: convreport.Open, Assignee: rep, CreatedAt: at.Add(time.Duration(len(cs)) * time.Minute)})
		}
	}
	add("solo", 1)
	add("many", 26)
	src, err := memory.New(cs)
	require.NoError(t, err)
	opt := func(c *web.Config) { c.Engine, c.Schema = convreport.NewEngine(src), src.Schema() }
	return newFixture(t, opt), opt
}

func repDrillPath(rep string, offset int) string {
	return "/dashboards/chat/reports/conversations-by-rep/drill?point=" + url.QueryEscape(`{"assignee":"`+rep+`"}`) + fmt.Sprintf("&offset=%d", offset)
}

// The drill-down page says how many conversations a point has and which
// it lists, in words that hold for one and for an offset past the last.
func TestDrillPageSaysWhatItShows(t *testing.T) {
	f, _ := repsFixture(t)
	for _, c := range []struct {
		rep          string
		offset       int
		total, shown string
	}{
		{"solo", 0, "1 conversation", "1 of 1"},
		{"many", 0, "26 conversations", "1–25 of 26"},
		{"many", 25, "26 conversations", "26 of 26"},
		{"many", 30, "26 conversations", "none past the last"},
	} {
		w := f.get(repDrillPath(c.rep, c.offset), "ana")
		require.Equal(t, 200, w.Code, w.Body.String())
		body := w.Body.String()
		require.Contains(t, body, "Conversations by rep · "+c.total+" · ", "%s at %d", c.rep, c.offset)
		require.Contains(t, body, `<p class="pager"><span class="muted">`+c.shown+`</span>`, "%s at %d", c.rep, c.offset)
	}
}

// The drill-down dialog says the same: one conversation is not
// "conversations", and the last page of one row is not "26–26".
func TestBrowserDrillDialogSaysWhatItShows(t *testing.T) {
	b := newBrowser(t)
	f, opt := repsFixture(t)
	root := serveAs(t, b, f, "ana", opt)
	b.do("open the dashboard", chromedp.Navigate(root+"dashboards/chat"), chromedp.WaitVisible(chromedp.CSS(`#report-conversations-by-rep svg`)))
	b.wait("the script", `document.documentElement.dataset.ready === "true"`)
	open := func(rep string) {
		b.do("open "+rep, chromedp.Evaluate[chromedp.Void](`(() => {
			const a = [...document.querySelectorAll("#report-conversations-by-rep [data-drill] a[href]")].find((a) => decodeURIComponent(a.getAttribute("href")).includes('"`+rep+`"'));
			a.dispatchEvent(new MouseEvent("click", { bubbles: true, cancelable: true, button: 0 }));
		})()`))
		b.wait(rep+"'s conversations", `(() => { const d = document.querySelector("#drill-dialog"); return d.open && d.dataset.state === "ready" && document.querySelector("#drill-title").textContent === "`+rep+`"; })()`)
	}
	text := func(sel string) string {
		return strings.TrimSpace(b.eval(`document.querySelector("` + sel + `").textContent`))
	}

	open("solo")
	require.Equal(t, "Conversations by rep · 1 conversation", text("#drill-sub"))
	require.Equal(t, "1 of 1 conversation", text("#drill-count"))
	b.do("close", clickOn(`#drill-dialog [data-close]`))
	b.wait("closed", `!document.querySelector("#drill-dialog").open`)

	open("many")
	require.Equal(t, "Conversations by rep · 26 conversations", text("#drill-sub"))
	require.Equal(t, "1–25 of 26 conversations", text("#drill-count"))
	b.do("next page", clickOn("#drill-next"))
	b.wait("page 2", `document.querySelector("#drill-count").textContent.startsWith("26 ")`)
	require.Equal(t, "26 of 26 conversations", text("#drill-count"))
	b.view("drill-down-last-row")
}
