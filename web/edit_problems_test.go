package web_test

import (
	"net/http"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

// An update, a save as new or a report added that several parts of the
// report refuse lists each in problems, with its own code, field, index
// and message; the first is the one the error's code, field and index
// name, and the message says them all, in the editor's order, top to
// bottom. Nothing is saved. One part
// refused is answered as it always was, without problems.
func TestEditRefusedOnSeveralPartsListsEach(t *testing.T) {
	f := newFixture(t)
	ip := func(i int) *int { return &i }
	top := "top must be a whole number from 1 to 10,000, or empty to keep every group (got 99999)"
	soon := `filter 1, Agent first response time is greater than "soon": want a duration like 90s, 5m or 1h30m`
	later := `filter 3, Agent first response time is less than "later": want a duration like 90s, 5m or 1h30m`
	conds := `"conditions": [{"property": "FirstResponseTime", "op": "greater_than", "values": ["soon"]},
		{"property": "FirstResponseTime", "op": "greater_than", "values": ["5m"]},
		{"property": "FirstResponseTime", "op": "less_than", "values": ["later"]}]`
	report := "/api/dashboards/shared/reports/conversations-by-rep"

	for _, c := range []struct {
		name, method, path, body string
		want                     apiError
	}{{
		name: "a Top over the limit and a grouping the schema does not have", method: http.MethodPatch, path: report,
		body: `"limit": 99999, "dimensions": ["Channel", "Nope"]`,
		want: apiError{Code: "unknown_property", Field: "dimensions", Index: ip(1),
			Message: `report "Conversations by rep": dimensions: unknown property "Nope"; ` + top,
			Problems: []apiError{
				{Code: "unknown_property", Field: "dimensions", Index: ip(1), Message: `dimensions: unknown property "Nope"`},
				{Code: "invalid_report", Field: "limit", Message: top},
			}},
	}, {
		name: "two bad filters", method: http.MethodPost, path: report + "/save-as-new",
		body: conds,
		want: apiError{Code: "invalid_condition", Field: "conditions", Index: ip(0),
			Message: `report "Conversations by rep": ` + soon + "; " + later,
			Problems: []apiError{
				{Code: "invalid_condition", Field: "conditions", Index: ip(0), Message: soon},
				{Code: "invalid_condition", Field: "conditions", Index: ip(2), Message: later},
			}},
	}, {
		name: "a new report: a Top over the limit, two bad filters, a grouping of two unknown properties", method: http.MethodPost, path: "/api/dashboards/shared/reports",
		body: `"name": "Fast replies", "limit": 99999, "dimensions": ["Nope", "Zap"], ` + conds,
		want: apiError{Code: "unknown_property", Field: "dimensions", Index: ip(0),
			Message: `report "Fast replies": dimensions: unknown property "Nope"; dimensions: unknown property "Zap"; ` + top + "; " + soon + "; " + later,
			Problems: []apiError{
				{Code: "unknown_property", Field: "dimensions", Index: ip(0), Message: `dimensions: unknown property "Nope"`},
				{Code: "unknown_property", Field: "dimensions", Index: ip(1), Message: `dimensions: unknown property "Zap"`},
				{Code: "invalid_report", Field: "limit", Message: top},
				{Code: "invalid_condition", Field: "conditions", Index: ip(0), Message: soon},
				{Code: "invalid_condition", Field: "conditions", Index: ip(2), Message: later},
			}},
	}, {
		name: "a Top over the limit alone", method: http.MethodPatch, path: report,
		body: `"limit": 99999`,
		want: apiError{Code: "invalid_report", Field: "limit", Message: top},
	}} {
		t.Run(c.name, func(t *testing.T) {
			v := mustGet(t, f, "shared").Version
			e := failure(t, f.edit(c.method, c.path, "ana", `{"version": `+strconv.FormatInt(v, 10)+`, `+c.body+`}`), http.StatusUnprocessableEntity, c.want.Code)
			require.Equal(t, c.want, e)
			require.Equal(t, v, mustGet(t, f, "shared").Version, "nothing saved")
		})
	}
}
