package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/calendar"
	"github.com/convreport/convreport/store"
	"github.com/stretchr/testify/require"
)

type slaStore interface {
	store.Store
	SLA(context.Context) (*convreport.SLASet, error)
	SaveSLA(context.Context, access.Viewer, *convreport.SLASet) error
}

func TestSLAPoliciesAreKeptWithTheDashboards(t *testing.T) {
	dir := t.TempDir()
	ds, err := store.OpenDir(dir)
	require.NoError(t, err)
	for name, st := range map[string]slaStore{"memory": store.NewMemory(), "dir": ds} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			admin := access.Viewer{UserID: "admin", Admin: true}
			ana := access.Viewer{UserID: "ana"}
			empty, err := st.SLA(ctx)
			require.NoError(t, err)
			require.Empty(t, empty.Policies)

			pol := &convreport.SLAPolicy{Name: "std", FirstResponse: &convreport.SLATarget{Within: convreport.Duration(time.Hour)}}
			set := &convreport.SLASet{Policies: []*convreport.SLAPolicy{pol}}
			require.ErrorIs(t, st.SaveSLA(ctx, ana, set), access.ErrForbidden)

			// A report may not measure a policy the store lacks.
			d := convreport.Dashboard{Name: "SLA", Owner: "ana", Reports: []convreport.Report{{ID: "met", Name: "Met",
				Measure: convreport.Measure{Agg: convreport.SLAMet, SLA: "std", Target: convreport.FirstResponseTarget}}}}
			_, err = st.Create(ctx, ana, d)
			var re *convreport.ReportError
			require.ErrorAs(t, err, &re)
			require.Equal(t, "measure", re.Field)

			bad := &convreport.SLASet{Policies: []*convreport.SLAPolicy{{Name: "std", Close: &convreport.SLATarget{}}}}
			var se *convreport.SLAError
			require.ErrorAs(t, st.SaveSLA(ctx, admin, bad), &se)
			require.Equal(t, "policies[0].close.within", se.Field)

			require.NoError(t, st.SaveSLA(ctx, admin, set))
			pol.Name = "changed" // the store keeps its own copy
			got, err := st.SLA(ctx)
			require.NoError(t, err)
			require.Equal(t, []string{"std"}, got.Names())
			saved, err := st.Create(ctx, ana, d)
			require.NoError(t, err)

			// Dropping the policy, or its target, that a dashboard
			// measures is refused.
			require.ErrorAs(t, st.SaveSLA(ctx, admin, &convreport.SLASet{}), &re)
			noFirst := &convreport.SLASet{Policies: []*convreport.SLAPolicy{{Name: "std", Close: &convreport.SLATarget{Within: convreport.Duration(time.Hour)}}}}
			require.ErrorContains(t, st.SaveSLA(ctx, admin, noFirst), `sets no first_response target`)
			require.NoError(t, st.Delete(ctx, admin, saved))
			require.NoError(t, st.SaveSLA(ctx, admin, noFirst))
		})
	}
	// The directory keeps them across a restart.
	again, err := store.OpenDir(dir)
	require.NoError(t, err)
	got, err := again.SLA(context.Background())
	require.NoError(t, err)
	require.Equal(t, []string{"std"}, got.Names())
	require.Nil(t, got.Policies[0].FirstResponse)
}

// A calendar an SLA policy's target counts in may not be dropped, even
// when no dashboard measures the policy yet: every report measuring it
// would fail, and the stored policies could no longer be saved back as
// they are. Nor may a policy count in a calendar the store lacks.
func TestDroppingACalendarAnSLAPolicyUses(t *testing.T) {
	for name, st := range map[string]interface {
		slaStore
		calendarStore
	}{"memory": store.NewMemory(), "dir": openDir(t)} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			admin := access.Viewer{UserID: "admin", Admin: true}
			office := calendar.OfficeHours(time.UTC, calendar.At(9, 0), calendar.At(17, 0), calendar.Monday)
			office.Name = "office"
			paris := calendar.OfficeHours(time.UTC, calendar.At(8, 0), calendar.At(18, 0), calendar.Monday)
			paris.Name = "paris"

			pol := &convreport.SLAPolicy{Name: "std", FirstResponse: &convreport.SLATarget{Within: convreport.Duration(time.Hour)},
				Close: &convreport.SLATarget{Within: convreport.Duration(8 * time.Hour), Calendar: "paris"}}
			set := &convreport.SLASet{Policies: []*convreport.SLAPolicy{pol}}
			var se *convreport.SLAError
			require.ErrorAs(t, st.SaveSLA(ctx, admin, set), &se, "no calendar paris yet")
			require.Equal(t, "policies[0].close.calendar", se.Field)
			require.EqualError(t, se, `convreport: sla: policies[0].close.calendar: no calendar "paris": there are no calendars`)

			require.NoError(t, st.SaveCalendars(ctx, admin, &calendar.Set{Calendars: []*calendar.Calendar{office, paris}}))
			require.NoError(t, st.SaveSLA(ctx, admin, set))

			err := st.SaveCalendars(ctx, admin, &calendar.Set{Calendars: []*calendar.Calendar{office}})
			require.ErrorAs(t, err, &se)
			require.Equal(t, "policies[0].close.calendar", se.Field)
			require.EqualError(t, err, `convreport: sla: policies[0].close.calendar: no calendar "paris" (have office) (SLA policy "std" still counts in it)`)
			kept, err := st.Calendars(ctx)
			require.NoError(t, err)
			require.Equal(t, []string{"office", "paris"}, kept.Names(), "nothing was saved")

			// The stored policies can be saved back as they are.
			stored, err := st.SLA(ctx)
			require.NoError(t, err)
			require.NoError(t, st.SaveSLA(ctx, admin, stored))

			// Once no policy counts in it, the calendar may go.
			pol.Close.Calendar = "office"
			require.NoError(t, st.SaveSLA(ctx, admin, set))
			require.NoError(t, st.SaveCalendars(ctx, admin, &calendar.Set{Calendars: []*calendar.Calendar{office}}))
		})
	}
}

func openDir(t *testing.T) *store.Dir {
	t.Helper()
	d, err := store.OpenDir(t.TempDir())
	require.NoError(t, err)
	return d
}
