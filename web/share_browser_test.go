package web_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/convreport/convreport"
	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/store"
	"github.com/convreport/convreport/web"
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

	// Changes discarded are gone when the dialog opens again: a removed
	// grant is back, a right changed is as stored, a typed name is cleared.
	open()
	b.do("remove ben", clickOn(`#grant-list .grant[data-name="ben"] [data-remove-grant]`))
	require.Equal(t, "remove-grant", b.eval(`document.activeElement.hasAttribute("data-remove-grant") ? "remove-grant" : document.activeElement.tagName`),
		"focus goes on to the next row")
	b.do("carl may only view", pick(`#grant-list .grant[data-name="carl"] select`, "view"))
	b.do("type a name", typeIn(`#share-dialog input[name=add_grant]`, "eve"))
	b.do("cancel", clickOn(`#share-dialog [data-close]`))
	b.wait("the question", `document.querySelector("#leave-dialog").open`)
	b.do("discard them", clickOn(`#leave-go`))
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
	require.Zero(t, b.prompts(), "saved with the name typed: nothing is lost")
	require.Equal(t, []access.Grant{{User: "carl", Allow: access.View}, {Team: "Support"}, {User: "dana", Allow: access.Edit}, {Team: "Sales", Allow: access.View}},
		mustGet(t, f, created.ID).Grants)
}

// Names are matched exactly, case included: the dialog refuses a name
// that differs only by case from a row's or the owner's, and the owner,
// saying which row and keeping what was typed; a refusal of the server is
// shown the same way, with the rows as they were edited.
func TestBrowserShareRefusesNamesThatMatchNobody(t *testing.T) {
	b := newBrowser(t)
	stored := openLegacyTeamShare(t, b)
	rights := `[...document.querySelectorAll("#grant-list .grant")].map((li) => li.querySelector(".grant-name").textContent + ":" + li.querySelector("select").value).join()`
	errText := `(() => { const e = document.querySelector("#share-dialog .form-error"); return e.hidden ? "" : e.textContent; })()`
	typed := `document.querySelector("#share-dialog input[name=add_grant]").value`
	focused := `document.activeElement.name || document.activeElement.id`
	require.Equal(t, "ben:view,Team Support:edit,Ben:view", b.eval(rights))

	for _, c := range []struct{ typed, want string }{
		{"carl, BEN", `"BEN" differs only by case from "ben", row 1 of the list. Names are matched exactly, case included: change the right in that row, or remove it first.`},
		{"team:SUPPORT", `"Team SUPPORT" differs only by case from "Team Support", row 2 of the list. Names are matched exactly, case included: change the right in that row, or remove it first.`},
		{"ana", `"ana" owns this dashboard and can already do everything: it needs no grant.`},
		{"Ana", `"Ana" differs only by case from the owner, "ana", who needs no grant. Names are matched exactly, case included.`},
		{"eve, Eve", `"Eve" and "eve" differ only by case. Names are matched exactly, case included: type one of them.`},
		{"team:", `"team:" needs the team's name after it.`},
	} {
		b.do("type "+c.typed, typeIn(`#share-dialog input[name=add_grant]`, c.typed), clickOn(`#grant-add`))
		require.Equal(t, c.want, b.eval(errText), c.typed)
		require.Equal(t, c.typed, b.eval(typed), "what was typed is kept")
		require.Equal(t, "add_grant", b.eval(focused))
		require.Equal(t, "ben:view,Team Support:edit,Ben:view", b.eval(rights), "nothing added, not even carl")
	}
	b.view("share-refused")

	// Saved with a refused name typed: not sent, the same refusal.
	v := stored().Version
	b.do("type Eve beside eve", typeIn(`#share-dialog input[name=add_grant]`, "eve, Eve"))
	b.do("save", clickOn(`#share-dialog button[type=submit]`))
	b.wait("the refusal", `!document.querySelector("#share-dialog .form-error").hidden`)
	require.Equal(t, `"Eve" and "eve" differ only by case. Names are matched exactly, case included: type one of them.`, b.eval(errText))
	require.Equal(t, "eve, Eve", b.eval(typed))
	require.Equal(t, v, stored().Version, "nothing saved")

	// A name the dialog lets through, over the rows saved before the
	// rules: the server refuses the whole set, naming the row, and the
	// dialog keeps every row as it was edited.
	b.do("type carl", typeIn(`#share-dialog input[name=add_grant]`, "carl"))
	b.do("save", clickOn(`#share-dialog button[type=submit]`))
	b.wait("the server's refusal", `document.querySelector("#share-dialog .form-error").textContent.startsWith("Dashboard")`)
	require.Equal(t, `Dashboard "team": grants: grant 3 (user "Ben"): differs only by case from grant 1 (user "ben"); names are matched exactly, case included: keep one grant, spelled as the user's ID is`, b.eval(errText))
	require.Equal(t, "true", b.eval(`String(document.querySelector("#share-dialog").open)`))
	require.Equal(t, "ben:view,Team Support:edit,Ben:view,carl:view", b.eval(rights))
	require.Equal(t, v, stored().Version, "nothing saved")

	// Ben's row removed: saved.
	b.do("remove Ben", clickOn(`#grant-list .grant[data-name="Ben"] [data-remove-grant]`))
	b.do("save", clickOn(`#share-dialog button[type=submit]`))
	b.wait("the saved access", `document.querySelector("#dashboard-head")?.dataset.version === "`+itoa(int(v+1))+`"`)
	require.Equal(t, []access.Grant{{User: "ben"}, {Team: "Support", Allow: access.Edit}, {User: "carl", Allow: access.View}}, stored().Grants)
}

// The create dialog reads its users and teams as the share dialog does
// ("Team:" in any case names a team), and a refused grant is said with
// the field focused and what was typed kept.
func TestBrowserCreateWithGrants(t *testing.T) {
	b := newBrowser(t)
	f := newFixture(t)
	root := serveAs(t, b, f, "ana")
	b.do("open the list", chromedp.Navigate(root), chromedp.WaitVisible(chromedp.CSS(`#create-open`)))
	b.wait("the script", `document.documentElement.dataset.ready === "true"`)
	b.do("open the create dialog", clickOn("#create-open"), chromedp.WaitVisible(chromedp.CSS("#create-dialog[open]")))
	b.do("name it", typeIn(`#create-form input[name=name]`, "Team desk"))
	b.do("specific users and teams", pick(`#create-form select[name=visibility]`, "specific"))
	errText := `document.querySelector("#create-form .form-error").textContent`

	b.do("grant the owner", typeIn(`#create-form input[name=add_grant]`, "ben, ana"), clickOn(`#create-form button[type=submit]`))
	b.wait("the refusal", `!document.querySelector("#create-form .form-error").hidden`)
	require.Equal(t, `"ana" is you, who will own this dashboard and can do everything with it: you need no grant.`, b.eval(errText))
	require.Equal(t, "add_grant", b.eval(`document.activeElement.name`))
	require.Equal(t, "ben, ana", b.eval(`document.querySelector("#create-form input[name=add_grant]").value`))
	require.Equal(t, "0", b.eval(`String(document.querySelectorAll("#create-grant-list .grant").length)`), "nothing typed is added")
	require.Len(t, listFor(t, f, "admin"), 3, "nothing is created")

	b.do("a team and ben", typeIn(`#create-form input[name=add_grant]`, "Team:Sales, ben"), clickOn(`#create-form button[type=submit]`))
	b.wait("the new dashboard", `document.querySelector("#dashboard-name")?.textContent === "Team desk"`)
	require.Equal(t, []access.Grant{{Team: "Sales", Allow: access.View}, {User: "ben", Allow: access.View}}, mustGet(t, f, b.dashboardID("team-desk")).Grants)
}

// Each user or team the create dialog adds has its own right, view or
// edit, chosen when it is added and changed in its row, as in the share
// dialog.
func TestBrowserCreateGivesEachGrantItsRight(t *testing.T) {
	b := newBrowser(t)
	f := newFixture(t)
	root := serveAs(t, b, f, "ana")
	b.do("open the list", chromedp.Navigate(root), chromedp.WaitVisible(chromedp.CSS(`#create-open`)))
	b.wait("the script", `document.documentElement.dataset.ready === "true"`)
	b.do("open the create dialog", clickOn("#create-open"), chromedp.WaitVisible(chromedp.CSS("#create-dialog[open]")))
	b.do("name it", typeIn(`#create-form input[name=name]`, "Desk rights"))
	b.do("specific users and teams", pick(`#create-form select[name=visibility]`, "specific"))
	rights := `[...document.querySelectorAll("#create-grant-list .grant")].map((li) => li.querySelector(".grant-name").textContent + ":" + li.querySelector("select").value).join()`

	b.do("ben and the Support team may view", typeIn(`#create-form input[name=add_grant]`, "ben, team:Support"), clickOn(`#create-grant-add`))
	b.do("carl may edit", typeIn(`#create-form input[name=add_grant]`, "carl"), pick(`#create-form select[name=add_allow]`, "edit"), clickOn(`#create-grant-add`))
	require.Equal(t, "ben:view,Team Support:view,carl:edit", b.eval(rights))
	require.Equal(t, "true", b.eval(`String(document.querySelector("#create-grants-none").hidden)`))
	b.do("the Support team may edit too", pick(`#create-grant-list .grant[data-name="Support"] select`, "edit"))
	// Typed and not added, dana is added with the right beside the field.
	b.do("dana may view", typeIn(`#create-form input[name=add_grant]`, "dana"), pick(`#create-form select[name=add_allow]`, "view"))
	b.view("create-grants")
	b.do("create", clickOn(`#create-form button[type=submit]`))
	b.wait("the new dashboard", `document.querySelector("#dashboard-name")?.textContent === "Desk rights"`)
	require.Equal(t, []access.Grant{{User: "ben", Allow: access.View}, {Team: "Support", Allow: access.Edit},
		{User: "carl", Allow: access.Edit}, {User: "dana", Allow: access.View}}, mustGet(t, f, b.dashboardID("desk-rights")).Grants)
}

// openLegacyTeamShare serves, as ana, a dashboard "team" saved before
// the grant rules (ben twice, in two cases) from a directory, and opens
// its share dialog in b; stored reads the dashboard back.
func openLegacyTeamShare(t *testing.T, b *browser) (stored func() convreport.Dashboard) {
	t.Helper()
	dir := t.TempDir()
	// Saved before the rules: ben twice, in two cases.
	file := `{"id": "team", "name": "Team", "owner": "ana", "visibility": "specific",
		"grants": [{"user": "ben"}, {"team": "Support", "allow": "edit"}, {"user": "Ben"}],
		"reports": [], "version": 1, "created_at": "2025-03-01T12:00:00Z", "updated_at": "2025-03-01T12:00:00Z"}`
	require.NoError(t, os.WriteFile(filepath.Join(dir, "team.json"), []byte(file), 0o600))
	st, err := store.OpenDir(dir)
	require.NoError(t, err)
	f := newFixture(t)
	root := serveAs(t, b, f, "ana", func(c *web.Config) { c.Store = st })
	stored = func() convreport.Dashboard {
		d, err := st.Get(context.Background(), users["ana"], "team")
		require.NoError(t, err)
		return d
	}

	b.do("open the dashboard", chromedp.Navigate(root+"dashboards/team"), chromedp.WaitVisible(chromedp.CSS(`#manage-menu`)))
	b.wait("the script", `document.documentElement.dataset.ready === "true"`)
	b.do("open the menu", clickOn(`#manage-menu summary`), chromedp.WaitVisible(chromedp.CSS(`#share-open`)))
	b.do("share", clickOn(`#share-open`), chromedp.WaitVisible(chromedp.CSS(`#share-dialog[open]`)))
	return stored
}
