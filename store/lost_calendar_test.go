package store_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/calendar"
	"github.com/convreport/convreport/store"
	"github.com/stretchr/testify/require"
)

// A calendar or an SLA policy removed from a directory by hand (the store
// refuses to drop one in use) made every save of a dashboard naming it
// fail, whatever the save changed: renaming another report of it, or its
// filters. A save checks anew only the calendars and policies it names
// anew: the dashboard's page says which reports are stale, and their
// editor changes them; naming a missing one is refused as before.
func TestSaveChecksTheCalendarsAndPoliciesItNamesAnew(t *testing.T) {
	dir := t.TempDir()
	st, err := store.OpenDir(dir)
	require.NoError(t, err)
	ctx := context.Background()
	admin, ana := access.Viewer{UserID: "admin", Admin: true}, access.Viewer{UserID: "ana"}
	set, err := calendar.Parse([]byte(`{"calendars": [{"name": "office", "zone": "UTC", "week": {"monday": [{"start": "09:00", "end": "17:00"}]}}]}`))
	require.NoError(t, err)
	require.NoError(t, st.SaveCalendars(ctx, admin, set))
	var pols convreport.SLASet
	require.NoError(t, pols.UnmarshalJSON([]byte(`{"policies": [{"name": "standard", "close": {"within": "8h"}}]}`)))
	require.NoError(t, st.SaveSLA(ctx, admin, &pols))
	count := convreport.Measure{Agg: convreport.Count}
	sla := convreport.Measure{Agg: convreport.SLAMet, SLA: "standard", Target: convreport.CloseTarget}
	d, err := st.Create(ctx, ana, convreport.Dashboard{ID: "hours", Name: "Hours", Owner: "ana", Calendar: "office", Reports: []convreport.Report{
		{ID: "volume", Name: "Volume", Measure: count},
		{ID: "in-hours", Name: "In hours", Measure: count, Calendar: "office"},
		{ID: "met", Name: "Met", Measure: sla},
	}})
	require.NoError(t, err)

	require.NoError(t, os.Remove(filepath.Join(dir, "_calendars.json")))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "_sla.json"), []byte(`{"policies": []}`), 0o600))

	// What names them as before is saved.
	d.Name, d.Reports[0].Name, d.Reports[1].Name, d.Reports[2].Name = "Hours, renamed", "All", "Office hours", "SLA met"
	d, err = st.Save(ctx, ana, d)
	require.NoError(t, err)
	require.Equal(t, "Hours, renamed", d.Name)

	// What names them anew is refused, naming the part.
	var re *convreport.ReportError
	add := func(r convreport.Report) error {
		nd := d.Clone()
		nd.Reports = append(nd.Reports, r)
		_, err := st.Save(ctx, ana, nd)
		return err
	}
	require.ErrorAs(t, add(convreport.Report{ID: "new", Name: "New", Measure: count, Calendar: "office"}), &re)
	require.Equal(t, []string{"New", "calendar"}, []string{re.Report, re.Field})
	require.ErrorAs(t, add(convreport.Report{ID: "new", Name: "New", Measure: sla}), &re)
	require.Equal(t, []string{"New", "measure"}, []string{re.Report, re.Field})
	nd := d.Clone()
	nd.Reports[0].Calendar = "office"
	_, err = st.Save(ctx, ana, nd)
	require.ErrorAs(t, err, &re)
	require.Equal(t, []string{"All", "calendar"}, []string{re.Report, re.Field})
	nd = d.Clone()
	nd.Reports[2].Measure.Target = convreport.FirstResponseTarget
	_, err = st.Save(ctx, ana, nd)
	require.ErrorAs(t, err, &re)
	require.Equal(t, []string{"SLA met", "measure"}, []string{re.Report, re.Field})
	nd = d.Clone()
	nd.Calendar = "paris"
	_, err = st.Save(ctx, ana, nd)
	var de *convreport.DashboardError
	require.ErrorAs(t, err, &de)
	require.Equal(t, "calendar", de.Field)

	// Naming none is saved.
	nd = d.Clone()
	nd.Calendar, nd.Reports[1].Calendar, nd.Reports[2].Measure = "", "", count
	_, err = st.Save(ctx, ana, nd)
	require.NoError(t, err)
}
