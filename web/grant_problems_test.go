package web_test

import (
	"net/http"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

// A share or a new dashboard that several grants refuse lists each in
// problems, with its index (from 0) and its message as it would be alone,
// counted from 1 as the dialog's rows are; the first is the one the error
// names, and the message says them all. Nothing is saved. One grant
// refused is answered as it always was, without problems.
func TestGrantsRefusedListsEach(t *testing.T) {
	f := newFixture(t)
	ip := func(i int) *int { return &i }
	ben := `grant 2 (user "Ben"): differs only by case from grant 1 (user "ben"); names are matched exactly, case included: keep one grant, spelled as the user's ID is`
	bell := `grant 4 (user "da\ana"): the name holds a control character`
	carl := `grant 5 (user "carl"): grant 3 already names user "carl": give each user or team one grant`

	v := mustGet(t, f, "shared").Version
	share := func(grants string) apiError {
		return failure(t, f.edit(http.MethodPatch, "/api/dashboards/shared", "ana",
			`{"version": `+strconv.FormatInt(v, 10)+`, "visibility": "specific", "grants": [`+grants+`]}`), http.StatusUnprocessableEntity, "invalid_dashboard")
	}
	require.Equal(t, apiError{Code: "invalid_dashboard", Field: "grants", Index: ip(1),
		Message: `dashboard "shared": grants: ` + ben + "; " + bell + "; " + carl,
		Problems: []apiError{
			{Code: "invalid_dashboard", Field: "grants", Index: ip(1), Message: "grants: " + ben},
			{Code: "invalid_dashboard", Field: "grants", Index: ip(3), Message: "grants: " + bell},
			{Code: "invalid_dashboard", Field: "grants", Index: ip(4), Message: "grants: " + carl},
		}}, share(`{"user": "ben"}, {"user": "Ben"}, {"user": "carl"}, {"user": "da\u0007na"}, {"user": "carl", "allow": "edit"}`))
	require.Equal(t, apiError{Code: "invalid_dashboard", Field: "grants", Index: ip(1), Message: `dashboard "shared": grants: ` + ben},
		share(`{"user": "ben"}, {"user": "Ben"}, {"user": "carl"}`), "one grant refused")
	require.Equal(t, v, mustGet(t, f, "shared").Version, "nothing saved")

	twice := `grant 2 (user "ben"): grant 1 already names user "ben": give each user or team one grant`
	space := `grant 3 (team "Sales "): the name has white space at an end; names are matched exactly, so it would match nobody`
	e := failure(t, f.edit(http.MethodPost, "/api/dashboards", "ana", `{"template": "chat-overview", "name": "Team desk", "visibility": "specific",
		"grants": [{"user": "ben"}, {"user": "ben", "allow": "edit"}, {"team": "Sales "}]}`), http.StatusUnprocessableEntity, "invalid_dashboard")
	require.Equal(t, apiError{Code: "invalid_dashboard", Field: "grants", Index: ip(1),
		Message: `dashboard "Team desk": grants: ` + twice + "; " + space,
		Problems: []apiError{
			{Code: "invalid_dashboard", Field: "grants", Index: ip(1), Message: "grants: " + twice},
			{Code: "invalid_dashboard", Field: "grants", Index: ip(2), Message: "grants: " + space},
		}}, e)
	require.Len(t, listFor(t, f, "admin"), 3, "nothing is created")
}
