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

	r, err := d.Rename("  Support desk ")
	require.NoError(t, err)
	require.Equal(t, "Support desk", r.Name)
	_, err = d.Rename("Q1. review")
	dashErr(err, "name")

	o, err := d.OrderReports("c", "a", "b")
	require.NoError(t, err)
	require.Equal(t, []string{"C", "A", "B"}, []string{o.Reports[0].Name, o.Reports[1].Name, o.Reports[2].Name})
	for _, bad := range [][]string{{"c", "a"}, {"c", "a", "b", "a"}, {"c", "a", "x"}} {
		_, err = d.OrderReports(bad...)
		dashErr(err, "reports")
	}

	m, err := d.MoveReport("a", 2)
	require.NoError(t, err)
	require.Equal(t, "B", m.Reports[0].Name)
	require.Equal(t, "A", m.Reports[2].Name)
	_, err = d.MoveReport("a", 3)
	dashErr(err, "reports")
	_, err = d.MoveReport("x", 0)
	require.ErrorIs(t, err, convreport.ErrNotFound)

	s, err := d.Share(access.SpecificUsersAndTeams, []access.Grant{{Team: "Support", Allow: access.Edit}})
	require.NoError(t, err)
	require.True(t, s.Can(access.Viewer{UserID: "zoe", Teams: []string{"Support"}}, access.Edit))
	s, err = s.Share("", nil)
	require.NoError(t, err)
	require.Equal(t, access.Private, s.Visibility)
	_, err = d.Share(access.EveryoneCanView, []access.Grant{{User: "ben"}})
	dashErr(err, "grants")
	_, err = d.Share("public", nil)
	dashErr(err, "visibility")

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
