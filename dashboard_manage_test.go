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
