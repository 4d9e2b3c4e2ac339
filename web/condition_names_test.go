package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"

	"github.com/convreport/convreport"
	"github.com/stretchr/testify/require"
)

// Conditions typed with a property's key ("inbox") are stored under its
// name ("Inbox"), as dimensions are: in a report's conditions (replaced or
// added), in a dashboard's saved filters and in a view's filters.
func TestConditionsStoredUnderPropertyNames(t *testing.T) {
	f := newFixture(t)
	const path = "/api/dashboards/email/reports/email-volume-by-owner"
	var res editResult
	okJSON(t, f.edit(http.MethodPatch, path, "ana",
		`{"version": 1, "dimensions": ["assignee"], "conditions": [{"property": "inbox", "op": "is_any_of", "values": ["Sales"]}],
		  "add_conditions": [{"property": "channel", "op": "is_any_of", "values": ["email"]}]}`), http.StatusOK, &res)
	want := []convreport.Condition{
		{Property: "Channel", Op: convreport.IsAnyOf, Values: []string{"email"}},
		{Property: "Inbox", Op: convreport.IsAnyOf, Values: []string{"Sales"}},
	}
	var got convreport.Report
	for _, r := range mustGet(t, f, "email").Reports {
		if r.ID == "email-volume-by-owner" {
			got = r
		}
	}
	require.Equal(t, []string{"Assignee"}, got.Dimensions)
	require.ElementsMatch(t, want, got.Conditions)

	// An unknown property is refused with a suggestion, as before.
	e := failure(t, f.edit(http.MethodPatch, path, "ana",
		`{"version": 2, "conditions": [{"property": "inbx", "op": "is_any_of", "values": ["Sales"]}]}`), http.StatusUnprocessableEntity, "invalid_condition")
	require.Contains(t, e.Message, "Inbox")

	// The dashboard's filters.
	okJSON(t, f.edit(http.MethodPut, "/api/dashboards/email/filters", "ana",
		`{"version": 2, "filters": [{"property": "assignee", "op": "is_known"}]}`), http.StatusOK, &struct{}{})
	require.Equal(t, []convreport.Condition{{Property: "Assignee", Op: convreport.IsKnown}}, mustGet(t, f, "email").Filters)

	// A view's filters: the run's period carries them by name, so every
	// drill-down and link names the property as the dashboard does.
	run := f.run("email", "ana", "range=last_30_days&filters="+url.QueryEscape(`[{"property":"inbox","op":"is_any_of","values":["Sales"]}]`))
	pv, err := url.ParseQuery(run.Period)
	require.NoError(t, err)
	var view []convreport.Condition
	require.NoError(t, json.Unmarshal([]byte(pv.Get("filters")), &view))
	require.Equal(t, []convreport.Condition{{Property: "Inbox", Op: convreport.IsAnyOf, Values: []string{"Sales"}}}, view)
}
