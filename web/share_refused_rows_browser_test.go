package web_test

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/convreport/convreport/access"
	"github.com/stretchr/testify/require"
)

// Each grant the server refuses is marked in its row, as the editor marks
// a refused control: the select says it is invalid, the reason is beside
// the row, the first is focused, and every row stays as edited. Changing
// or removing a row clears its mark, and only its.
func TestBrowserShareMarksTheRefusedGrant(t *testing.T) {
	b := newBrowser(t)
	stored := openLegacyTeamShare(t, b)
	rights := `[...document.querySelectorAll("#grant-list .grant")].map((li) => li.querySelector(".grant-name").textContent + ":" + li.querySelector("select").value).join()`
	// Each row marked: its position from 1, then its reason.
	marked := `[...document.querySelectorAll("#grant-list .grant")].map((li, i) => {
		const sel = li.querySelector("select"), p = li.querySelector(".grant-error");
		if (sel.getAttribute("aria-invalid") !== "true") return p ? "unmarked row " + (i + 1) + " with a reason" : "";
		if (!li.classList.contains("refused") || !p || sel.getAttribute("aria-describedby") !== p.id) return "row " + (i + 1) + " half marked";
		return (i + 1) + ": " + p.textContent;
	}).filter(Boolean).join(" | ")`
	focusedRow := `(() => { const li = document.activeElement.closest(".grant"); return li && document.activeElement.tagName === "SELECT" ? li.dataset.name : document.activeElement.tagName; })()`
	errText := `(() => { const e = document.querySelector("#share-dialog .form-error"); return e.hidden ? "" : e.textContent; })()`
	save := func() {
		b.do("save", clickOn(`#share-dialog button[type=submit]`))
		b.wait("the refusal", `!document.querySelector("#share-dialog .form-error").hidden && !document.querySelector("#share-dialog button[type=submit]").disabled`)
	}
	v := stored().Version
	benTwice := `Differs only by case from grant 1 (user "ben"); names are matched exactly, case included: keep one grant, spelled as the user's ID is`

	bell := "The name holds a control character"

	// carl added, and a name with a control character pasted: the server
	// refuses the third grant, Ben, and the fifth.
	b.do("add carl", typeIn(`#share-dialog input[name=add_grant]`, "carl"), clickOn(`#grant-add`))
	b.do("paste a name with a bell in it", chromedp.Evaluate[chromedp.Void](`document.querySelector("#share-dialog input[name=add_grant]").value = "da\u0007na"`))
	save()
	require.Equal(t, `Dashboard "team": grants: grant 3 (user "Ben"): differs only by case from grant 1 (user "ben"); names are matched exactly, case included: keep one grant, spelled as the user's ID is; `+
		`grant 5 (user "da\ana"): the name holds a control character`, b.eval(errText), "the summary says both")
	require.Equal(t, "3: "+benTwice+" | 5: "+bell, b.eval(marked), "both rows, and only those")
	require.Equal(t, "Ben", b.eval(focusedRow), "the first has the focus")
	require.Equal(t, "ben:view,Team Support:edit,Ben:view,carl:view,da\u0007na:view", b.eval(rights), "every row as edited")
	b.view("share-refused-rows")

	// Ben's right changed: his mark goes, the other stays; saved again,
	// both are back.
	b.do("Ben may edit", pick(`#grant-list .grant[data-name="Ben"] select`, "edit"))
	require.Equal(t, "5: "+bell, b.eval(marked))
	save()
	require.Equal(t, "3: "+benTwice+" | 5: "+bell, b.eval(marked))
	require.Equal(t, "ben:view,Team Support:edit,Ben:edit,carl:view,da\u0007na:view", b.eval(rights))

	// A change to a row not refused leaves the marks.
	b.do("carl may edit", pick(`#grant-list .grant[data-name="carl"] select`, "edit"))
	require.Equal(t, "3: "+benTwice+" | 5: "+bell, b.eval(marked))

	// Ben removed: his mark goes with his row; saved, the one refusal
	// left is marked in its row, now the fourth.
	b.do("remove Ben", clickOn(`#grant-list .grant[data-name="Ben"] [data-remove-grant]`))
	require.Equal(t, "4: "+bell, b.eval(marked))
	save()
	require.Equal(t, `Dashboard "team": grants: grant 4 (user "da\ana"): the name holds a control character`, b.eval(errText))
	require.Equal(t, "4: "+bell, b.eval(marked))
	require.Equal(t, "da\u0007na", b.eval(focusedRow))
	require.Equal(t, "ben:view,Team Support:edit,carl:edit,da\u0007na:view", b.eval(rights))
	require.Equal(t, v, stored().Version, "nothing saved")

	// That row removed: saved, the rows as edited.
	b.do("remove it", clickOn(`#grant-list .grant:last-child [data-remove-grant]`))
	b.do("save", clickOn(`#share-dialog button[type=submit]`))
	b.wait("the saved access", `document.querySelector("#dashboard-head")?.dataset.version === "`+itoa(int(v+1))+`"`)
	require.Equal(t, []access.Grant{{User: "ben"}, {Team: "Support", Allow: access.Edit}, {User: "carl", Allow: access.Edit}}, stored().Grants)
}
