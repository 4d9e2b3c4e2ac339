package convreport_test

import (
	"errors"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/plan"
	"github.com/stretchr/testify/require"
)

func TestManageDashboard(t *testing.T) {
	d := newDash(t, byRepReport("A"), byRepReport("B"), byRepReport("C"))
	before := d.Clone()
	dashErr := func(err error, field string) {
		t.Helper()
		var de *convreport.DashboardError
		require.True(t, errors.As(err, &de), "%v", err)
		require.Equal(t, field, de.Field, de.Error())
	}

	// A new name, visibility or grants is set on a copy; Validate checks it.
	r := d.Clone()
	r.Name = "Q1. review"
	dashErr(r.Validate(), "name")

	o, err := d.OrderReports("c", "a", "b")
	require.NoError(t, err)
	require.Equal(t, []string{"C", "A", "B"}, []string{o.Reports[0].Name, o.Reports[1].Name, o.Reports[2].Name})
	for _, bad := range [][]string{{"c", "a"}, {"c", "a", "b", "a"}, {"c", "a", "x"}} {
		_, err = d.OrderReports(bad...)
		dashErr(err, "reports")
	}

	s := d.Clone()
	s.Visibility, s.Grants = access.SpecificUsersAndTeams, []access.Grant{{Team: "Support", Allow: access.Edit}}
	require.NoError(t, s.Validate())
	require.True(t, s.Can(access.Viewer{UserID: "zoe", Teams: []string{"Support"}}, access.Edit))
	s.Visibility = access.EveryoneCanView
	dashErr(s.Validate(), "grants")
	s.Visibility, s.Grants = "public", nil
	dashErr(s.Validate(), "visibility")

	d.Version, d.ID, d.CreatedAt = 4, "support", time.Now()
	c, err := d.CopyAs(convreport.DashboardOptions{Name: "Copy", Owner: "ben"})
	require.NoError(t, err)
	require.Equal(t, "", c.ID)
	require.Zero(t, c.Version)
	require.True(t, c.CreatedAt.IsZero())
	require.Equal(t, "ben", c.Owner)
	require.Equal(t, access.Private, c.Visibility)
	require.Equal(t, d.Reports, c.Reports)
	c.Reports[0].Name = "changed"
	require.Equal(t, "A", d.Reports[0].Name, "a deep copy")
	_, err = d.CopyAs(convreport.DashboardOptions{Name: "Copy", Owner: "ben", Plan: plan.Plan{ReportsPerDashboard: 2}})
	var ple *plan.Error
	require.ErrorAs(t, err, &ple)
	_, err = d.CopyAs(convreport.DashboardOptions{Name: "", Owner: "ben"})
	dashErr(err, "name")

	d.Version, d.ID, d.CreatedAt = before.Version, before.ID, before.CreatedAt
	require.Equal(t, before, d, "no method changed the receiver")
}

func TestLookupPlan(t *testing.T) {
	for _, p := range plan.Presets() {
		got, ok := plan.Lookup(" " + p.Name)
		require.True(t, ok)
		require.Equal(t, p, got)
	}
	p, ok := plan.Lookup("Professional")
	require.True(t, ok)
	require.Equal(t, 30, p.ReportsPerDashboard)
	_, ok = plan.Lookup("gold")
	require.False(t, ok)
	ps := plan.Presets()
	ps[0].ReportsPerDashboard = 99
	require.Equal(t, 10, plan.Presets()[0].ReportsPerDashboard, "a copy")
}

// Every method that returns a changed copy of a dashboard returns the
// dashboard itself with its error, as `d, err = d.UpdateReport(…)` in an
// editor expects: a refused change must not leave it with an empty one.
func TestRefusedChangesReturnTheDashboardUnchanged(t *testing.T) {
	d, err := convreport.NewDashboard(convreport.DashboardOptions{Name: "Support", Owner: "ana",
		Reports: []convreport.Report{byRepReport("By rep"), byRepReport("By rep again")}})
	require.NoError(t, err)
	bad := byRepReport("Bad")
	bad.Dimensions = []string{"Nope"}
	upd := bad
	upd.ID = d.Reports[0].ID
	for name, change := range map[string]func() (convreport.Dashboard, error){
		"AddReport over the plan": func() (convreport.Dashboard, error) {
			return d.AddReport(nil, plan.Plan{Name: "two", ReportsPerDashboard: 2}, byRepReport("Third"))
		},
		"AddReport of a bad report":  func() (convreport.Dashboard, error) { return d.AddReport(nil, plan.Plan{}, bad) },
		"UpdateReport, bad report":   func() (convreport.Dashboard, error) { return d.UpdateReport(nil, upd) },
		"UpdateReport, unknown ID":   func() (convreport.Dashboard, error) { return d.UpdateReport(nil, byRepReport("Nowhere")) },
		"RemoveReport, unknown ID":   func() (convreport.Dashboard, error) { return d.RemoveReport("nowhere") },
		"OrderReports, one left out": func() (convreport.Dashboard, error) { return d.OrderReports(d.Reports[0].ID) },
		"SetFilters, bad condition": func() (convreport.Dashboard, error) {
			return d.SetFilters(nil, []convreport.Condition{{Property: "Nope", Op: convreport.IsKnown}})
		},
		"WithFilters, bad condition": func() (convreport.Dashboard, error) {
			return d.WithFilters(nil, convreport.Condition{Property: "Nope", Op: convreport.IsKnown})
		},
	} {
		got, err := change()
		require.Error(t, err, name)
		require.Equal(t, d, got, name)
	}
}
