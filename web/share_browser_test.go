package web_test

import (
	"net/http"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/convreport/convreport/access"
	"github.com/stretchr/testify/require"
)

// The share dialog lists each grant with its own right: saved untouched it
// changes no grant, and a change to one person changes only theirs.
func TestBrowserShareKeepsEachGrant(t *testing.T) {
	b := newBrowser(t)
	f := newFixture(t)
	root := serveAs(t, b, f, "ana")
	var created struct {
		ID string `json:"id"`
	}
	okJSON(t, f.edit(http.MethodPost, "/api/dashboards", "ana", `{"template": "chat-overview", "name": "Ana shared", "visibility": "specific",
		"grants": [{"user": "ben", "allow": "view"}, {"user": "carl", "allow": "edit"}, {"team": "Support"}]}`), http.StatusCreated, &created)
	want := []access.Grant{{User: "ben", Allow: access.View}, {User: "carl", Allow: access.Edit}, {Team: "Support"}}
	require.Equal(t, want, mustGet(t, f, created.ID).Grants)

	open := func() {
		b.do("open the dashboard", chromedp.Navigate(root+"dashboards/"+created.ID), chromedp.WaitVisible(chromedp.CSS(`#manage-menu`)))
		b.wait("the script", `document.documentElement.dataset.ready === "true"`)
		b.do("open the menu", clickOn(`#manage-menu summary`), chromedp.WaitVisible(chromedp.CSS(`#share-open`)))
		b.do("share", clickOn(`#share-open`), chromedp.WaitVisible(chromedp.CSS(`#share-dialog[open]`)))
	}
	rights := `[...document.querySelectorAll("#grant-list .grant")].map((li) => li.querySelector(".grant-name").textContent + ":" + li.querySelector("select").value).join()`
	save := func(version int64) {
		b.do("save access", clickOn(`#share-dialog button[type=submit]`))
		b.wait("the saved access", `document.querySelector("#dashboard-head")?.dataset.version === "`+itoa(int(version))+`"`)
	}

	// Untouched: every grant as it was.
	open()
	require.Equal(t, "ben:view,carl:edit,Team Support:view", b.eval(rights))
	b.view("share-grants")
	v := mustGet(t, f, created.ID).Version
	save(v + 1)
	require.Equal(t, want, mustGet(t, f, created.ID).Grants, "saving the dialog untouched changes no grant")

	// Changes cancelled are gone when the dialog opens again: a removed
	// grant is back, a right changed is as stored, a typed name is cleared.
	open()
	b.do("remove ben", clickOn(`#grant-list .grant[data-name="ben"] [data-remove-grant]`))
	require.Equal(t, "remove-grant", b.eval(`document.activeElement.hasAttribute("data-remove-grant") ? "remove-grant" : document.activeElement.tagName`),
		"focus goes on to the next row")
	b.do("carl may only view", pick(`#grant-list .grant[data-name="carl"] select`, "view"))
	b.do("type a name", typeIn(`#share-dialog input[name=add_grant]`, "eve"))
	b.do("cancel", clickOn(`#share-dialog [data-close]`))
	b.do("open the menu again", clickOn(`#manage-menu summary`), chromedp.WaitVisible(chromedp.CSS(`#share-open`)))
	b.do("share again, on the same page", clickOn(`#share-open`), chromedp.WaitVisible(chromedp.CSS(`#share-dialog[open]`)))
	require.Equal(t, "ben:view,carl:edit,Team Support:view", b.eval(rights))
	require.Equal(t, "", b.eval(`document.querySelector("#share-dialog input[name=add_grant]").value`))
	b.do("close", clickOn(`#share-dialog [data-close]`))

	// One right changed, one person removed, two added (one typed and not
	// yet added, its prefix in capitals): only those change.
	open()
	b.do("carl may only view", pick(`#grant-list .grant[data-name="carl"] select`, "view"))
	b.do("remove ben", clickOn(`#grant-list .grant[data-name="ben"] [data-remove-grant]`))
	b.do("add dana, who can edit", typeIn(`#share-dialog input[name=add_grant]`, "dana"), pick(`#share-dialog select[name=add_allow]`, "edit"), clickOn(`#grant-add`))
	b.do("type a team", pick(`#share-dialog select[name=add_allow]`, "view"), typeIn(`#share-dialog input[name=add_grant]`, "Team:Sales"))
	require.Equal(t, "carl:view,Team Support:view,dana:edit", b.eval(rights))
	b.view("share-grants-changed")
	save(v + 2)
	require.Equal(t, []access.Grant{{User: "carl", Allow: access.View}, {Team: "Support"}, {User: "dana", Allow: access.Edit}, {Team: "Sales", Allow: access.View}},
		mustGet(t, f, created.ID).Grants)
}
