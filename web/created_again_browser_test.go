package web_test

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/convreport/convreport"
	"github.com/convreport/convreport/web"
	"github.com/stretchr/testify/require"
)

// A page opened before its dashboard was deleted and created again under
// the same ID, at version 1 anew, used to rename, reorder, filter and
// edit the new one: only the version was sent. Each change now says why
// it is refused, where it was made, and the new dashboard is kept. The
// dashboard pages are snapshots (asOfLoad): a live page would follow the
// dashboard created again before the change is made. The report editor,
// which follows its dashboard and not the data, says so before any save.
func TestBrowserEditsAfterCreatedAgain(t *testing.T) {
	b := newBrowser(t)
	f := newFixture(t)
	root := serveAs(t, b, f, "ana", asOfLoad(f))
	createTeam(t, f)
	// again deletes and creates the dashboard behind the page, and says
	// what a change from the page is told, as the page writes it.
	again := func() string {
		t.Helper()
		old, cur := createdAgainFrom(t, f)
		return `Dashboard "Team" was deleted and created again since you opened it (the one you opened was created ` + old + `, this one ` + cur +
			`); reload it and make the change again`
	}

	// The report editor follows its dashboard whatever the data does: it
	// says so at once, and offers no save there.
	b.do("open the editor", chromedp.Navigate(root+"dashboards/team/reports/conversations-by-rep/edit"), chromedp.WaitVisible(chromedp.CSS(`#editor`)))
	b.wait("the script", `document.documentElement.dataset.ready === "true"`)
	b.do("rename the report", typeIn("#edit-name", "Renamed"))
	again()
	b.wait("the notice", `document.querySelector("#editor-notice").dataset.state === "recreated"`)
	require.Equal(t, "This dashboard was deleted since you opened the editor", b.eval(`document.querySelector("#notice-title").textContent`))
	require.Equal(t, "true,true", b.eval(`[document.querySelector("#update").disabled, document.querySelector("#save-new").disabled].join()`))
	require.Equal(t, "Renamed", b.eval(`document.querySelector("#edit-name").value`))
	b.shot("editor-created-again")

	// The dashboard page: rename, the row of filters, move and remove.
	b.do("open the dashboard", chromedp.Navigate(root+"dashboards/team"), chromedp.WaitVisible(chromedp.CSS(`#manage-menu`)))
	b.wait("the scripts", `document.documentElement.dataset.ready === "true" && document.querySelector("#dash-filters").dataset.state === "ready"`)
	want := again()
	b.do("open the menu", clickOn(`#manage-menu summary`), chromedp.WaitVisible(chromedp.CSS(`#rename-open`)))
	b.do("rename", clickOn(`#rename-open`), chromedp.WaitVisible(chromedp.CSS(`#rename-dialog[open]`)),
		typeIn(`#rename-dialog input[name=name]`, "Renamed"), clickOn(`#rename-dialog button[type=submit]`))
	b.wait("the rename's refusal", `!document.querySelector("#rename-dialog .form-error").hidden`)
	require.Equal(t, want, b.eval(`document.querySelector("#rename-dialog .form-error").textContent`))
	// The name typed is asked about, as any dialog's.
	b.do("close it", clickOn(`#rename-dialog [data-close]`))
	b.wait("the question", leaveOpen)
	b.do("discard", clickOn("#leave-go"))
	b.wait("both closed", `!`+leaveOpen+` && !document.querySelector("#rename-dialog").open`)

	b.do("a filter", clickOn("#filter-add"), pick("#filter-property", "Inbox"), pick("#filter-op", "is_known"), clickOn("#filter-save"))
	b.wait("the filter's refusal", `!document.querySelector("#filter-error").hidden`)
	require.Equal(t, want, b.eval(`document.querySelector("#filter-error").textContent`))

	first := b.eval(`document.querySelector("#reports [data-report]").dataset.report`)
	b.do("move later", clickOn(`[data-move-report="`+first+`"][data-by="1"]`))
	b.wait("the move's refusal", `!document.querySelector("#manage-error").hidden`)
	require.Equal(t, want, b.eval(`document.querySelector("#manage-error").textContent`))

	b.do("remove", clickOn(`[data-remove-report="`+first+`"]`), chromedp.WaitVisible(chromedp.CSS(`#remove-dialog[open]`)),
		clickOn(`#remove-dialog button[type=submit]`))
	b.wait("the removal's refusal", `!document.querySelector("#remove-dialog .form-error").hidden`)
	require.Equal(t, want, b.eval(`document.querySelector("#remove-dialog .form-error").textContent`))
	b.shot("dashboard-created-again")

	d := mustGet(t, f, "team")
	require.EqualValues(t, 1, d.Version, "the new dashboard is kept as it was created")
	require.Equal(t, "Team", d.Name)
	require.Empty(t, d.Filters)
	require.Equal(t, first, d.Reports[0].ID)
}

// asOfLoad serves pages that stay as they were loaded: their source has
// no change feed, so their live stream ends at once, "Not live", and
// follows neither the data nor the dashboard's edits.
func asOfLoad(f *fixture) option {
	return func(c *web.Config) { c.Engine = convreport.NewEngine(snapshotOnly{f.src}) }
}
