package web_test

import (
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/convreport/convreport"
	"github.com/stretchr/testify/require"
)

// An update or a save as new refused on several parts says each by its
// control, as the parts of a report that no longer runs are said: the Top
// under its field, each refused filter under its row, the first focused,
// every part in the summary and what was typed kept. A row changed loses
// its mark; the others keep theirs.
func TestBrowserEditorPlacesEveryRefusedPart(t *testing.T) {
	b := newBrowser(t)
	f := newFixture(t)
	root := serveAs(t, b, f, "ana")
	rid := "conversations-by-rep"
	b.do("open the editor", chromedp.Navigate(root+"dashboards/shared/reports/"+rid+"/edit"), chromedp.WaitVisible(chromedp.CSS(`#preview svg`)))
	b.wait("the script", `document.documentElement.dataset.ready === "true"`)
	v := mustGet(t, f, "shared").Version

	row := func(i int) string { return `#conditions .condition[data-index="` + strconv.Itoa(i) + `"]` }
	filter := func(i int, op, value string) {
		b.do("filter "+strconv.Itoa(i+1), clickOn("#cond-add"),
			pick(row(i)+` select[aria-label="Property"]`, "FirstResponseTime"), pick(row(i)+` select[aria-label="Operator"]`, op),
			typeIn(row(i)+` .values input`, value))
	}
	b.do("a Top over the limit", typeIn("#edit-limit", "20000"))
	filter(0, "greater_than", "5m")
	filter(1, "greater_than", "soon")
	filter(2, "less_than", "later")
	settled := `document.querySelector(".preview").dataset.state === "refused" && !document.querySelector(".preview").classList.contains("busy")`
	b.wait("the preview refused", settled)

	// Each marked part: the field or row, then what is said there.
	marked := `(() => {
		const out = [];
		const top = document.querySelector("#edit-limit"), note = document.querySelector('.field-error[data-error-for="limit"]');
		if (top.getAttribute("aria-invalid") === "true") out.push("top: " + (note.hidden ? "" : note.textContent));
		document.querySelectorAll("#conditions .condition").forEach((c) => {
			const sel = c.querySelector('select[aria-label="Property"]'), p = c.querySelector(".condition-refused");
			if (!c.classList.contains("refused") && !p && !sel.hasAttribute("aria-invalid")) return;
			const ok = c.classList.contains("refused") && p && sel.getAttribute("aria-invalid") === "true" && sel.getAttribute("aria-describedby") === p.id;
			out.push("row " + (Number(c.dataset.index) + 1) + (ok ? ": " + p.textContent : " half marked"));
		});
		return out.join(" | ");
	})()`
	errText := `(() => { const e = document.querySelector("#editor-error"); return e.hidden ? "" : e.textContent; })()`
	focused := `(() => { const a = document.activeElement, c = a.closest(".condition"); return c ? "row " + (Number(c.dataset.index) + 1) : a.id; })()`
	typed := `document.querySelector("#edit-limit").value + " " + [...document.querySelectorAll("#conditions .values input")].map((i) => i.value).join()`
	top := "Top must be a whole number from 1 to 10,000, or empty to keep every group (got 20000)"
	soon := `Filter 2, Agent first response time is greater than "soon": want a duration like 90s, 5m or 1h30m`
	later := `Filter 3, Agent first response time is less than "later": want a duration like 90s, 5m or 1h30m`
	refusal := `!document.querySelector("#editor-error").hidden && !document.querySelector("#update").disabled`

	b.do("update", clickOn("#update"))
	b.wait("the refusal", refusal)
	require.Equal(t, "top: "+top+" | row 2: "+soon+" | row 3: "+later, b.eval(marked))
	require.Equal(t, `Report "Conversations by rep": top must be a whole number from 1 to 10,000, or empty to keep every group (got 20000); `+
		`filter 2, Agent first response time is greater than "soon": want a duration like 90s, 5m or 1h30m; `+
		`filter 3, Agent first response time is less than "later": want a duration like 90s, 5m or 1h30m`, b.eval(errText), "the summary says every part")
	require.Equal(t, "edit-limit", b.eval(focused), "the first part has the focus")
	require.Equal(t, "20000 5m,soon,later", b.eval(typed), "what was typed is kept")
	require.Equal(t, v, mustGet(t, f, "shared").Version, "nothing saved")
	b.shot("editor-refused-parts")

	// The second filter changed: its mark goes, the third keeps its own.
	b.do("a duration in filter 2", typeIn(row(1)+` .values input`, "1h"))
	require.Equal(t, "top: "+top+" | row 3: "+later, b.eval(marked))

	// Saved as new: refused on the two parts left, each marked again.
	b.wait("the preview refused again", settled)
	b.do("save as new", clickOn("#save-new"))
	b.wait("the refusal", refusal+` && document.querySelector("#editor-error").textContent.includes("(got 20000); filter 3")`)
	require.Equal(t, "top: "+top+" | row 3: "+later, b.eval(marked))
	require.Equal(t, "edit-limit", b.eval(focused))
	require.Equal(t, v, mustGet(t, f, "shared").Version, "nothing saved")

	// The third filter removed: only the Top is refused, said as one part
	// is, and the filter's mark is gone with it.
	b.do("remove filter 3", clickOn(row(2)+` .remove`))
	b.wait("the preview refused on the Top alone", settled)
	b.do("update", clickOn("#update"))
	b.wait("the refusal", `document.querySelector('.field-error[data-error-for="limit"]').textContent !== "" && !document.querySelector("#update").disabled`)
	require.Equal(t, "top: "+top, b.eval(marked))

	// Everything fixed: saved as typed.
	b.do("a Top of 20", typeIn("#edit-limit", "20"))
	b.wait("the preview", previewOK)
	b.do("update", clickOn("#update"))
	b.wait("the dashboard", `document.body.classList.contains("page-dashboard") && document.querySelector("#dashboard-head")?.dataset.version === "`+strconv.FormatInt(v+1, 10)+`"`)
	for _, r := range mustGet(t, f, "shared").Reports {
		if r.ID == rid {
			require.Equal(t, 20, r.Limit)
			require.Equal(t, []convreport.Condition{{Property: "FirstResponseTime", Op: convreport.GreaterThan, Values: []string{"5m"}},
				{Property: "FirstResponseTime", Op: convreport.GreaterThan, Values: []string{"1h"}}}, r.Conditions)
		}
	}
}

// A grouping is marked at its own position, and the filter expression
// under its field: a report whose second grouping the schema lost since,
// updated with a filter expression that does not check, is refused on
// both, each said by its control until it is changed.
func TestBrowserEditorPlacesARefusedGroupingAndExpression(t *testing.T) {
	b := newBrowser(t)
	f := restartedFixture(t, `"dimensions": ["Channel", "plan"]`, withSeatsOnly)
	root := serveAs(t, b, f, "ana")
	b.do("open the editor", chromedp.Navigate(root+"dashboards/plans/reports/by-plan/edit"), chromedp.WaitVisible(chromedp.CSS(`#dims .dim`)))
	b.wait("the script", `document.documentElement.dataset.ready === "true"`)
	v := mustGet(t, f, "plans").Version

	b.do("type an expression that does not check", typeIn("#edit-filter", `seatz > 3`))
	b.wait("the check", `document.querySelector("#filter-status").classList.contains("error")`)
	b.wait("the preview refused", `document.querySelector(".preview").dataset.state === "refused" && !document.querySelector(".preview").classList.contains("busy")`)
	b.do("update", clickOn("#update"))
	b.wait("the refusal", `!document.querySelector("#editor-error").hidden && !document.querySelector("#update").disabled`)

	dims := `[...document.querySelectorAll("#dims .dim")].map((li) => li.dataset.dimension + (li.getAttribute("aria-invalid") === "true" && li.classList.contains("invalid") ? " marked" : "")).join()`
	require.Equal(t, "Channel,plan marked", b.eval(dims), "the second grouping only")
	require.Equal(t, `Unknown property "plan"`, b.eval(`document.querySelector('[data-error-for="dimensions"]').textContent`))
	require.Equal(t, "true", b.eval(`String(document.querySelector("#edit-filter").getAttribute("aria-invalid") === "true")`))
	require.Equal(t, `Line 1, column 1: unknown property "seatz" (did you mean "seats"?)`, b.eval(`document.querySelector("#filter-status").textContent`))
	require.Equal(t, "plan", b.eval(`document.activeElement.dataset.dimension || document.activeElement.id`), "the first part has the focus")
	require.Equal(t, v, mustGet(t, f, "plans").Version, "nothing saved")

	// The expression changed: its mark goes, the grouping's stays.
	b.do("fix the expression", typeIn("#edit-filter", `seats > 3`))
	require.Equal(t, "false", b.eval(`String(document.querySelector("#edit-filter").hasAttribute("aria-invalid"))`))
	require.Equal(t, "Channel,plan marked", b.eval(dims))
	// The grouping removed: its mark goes with it, and the report saves.
	b.do("remove plan", clickOn(`#dims .dim[data-dimension="plan"] button[aria-label="Remove plan"]`))
	require.Equal(t, "Channel", b.eval(dims))
	b.wait("the preview", previewOK)
	b.update(f, "plans")
	rep := mustGet(t, f, "plans").Reports[1]
	require.Equal(t, []string{"Channel"}, rep.Dimensions)
	require.Equal(t, "seats > 3", rep.Filter)
}
