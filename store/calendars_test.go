package store_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/calendar"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/store"
	"github.com/stretchr/testify/require"
)

type calendarStore interface {
	store.Store
	Calendars(context.Context) (*calendar.Set, error)
	SaveCalendars(context.Context, access.Viewer, *calendar.Set) error
}

func TestCalendarsAreKeptWithTheDashboards(t *testing.T) {
	dir := t.TempDir()
	ds, err := store.OpenDir(dir)
	require.NoError(t, err)
	for name, st := range map[string]calendarStore{"memory": store.NewMemory(), "dir": ds} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			admin := access.Viewer{UserID: "admin", Admin: true}
			ana := access.Viewer{UserID: "ana"}
			empty, err := st.Calendars(ctx)
			require.NoError(t, err)
			require.Empty(t, empty.Calendars)

			office := calendar.OfficeHours(time.UTC, calendar.At(9, 0), calendar.At(17, 0), calendar.Monday)
			office.Name = "office"
			set := &calendar.Set{Calendars: []*calendar.Calendar{office}}
			require.ErrorIs(t, st.SaveCalendars(ctx, ana, set), access.ErrForbidden)

			// A dashboard may not name a calendar the store lacks.
			d := convreport.Dashboard{Name: "Hours", Owner: "ana", Calendar: "office"}
			_, err = st.Create(ctx, ana, d)
			var de *convreport.DashboardError
			require.ErrorAs(t, err, &de)
			require.Equal(t, "calendar", de.Field)

			bad := &calendar.Set{Calendars: []*calendar.Calendar{office}, Inboxes: map[string]string{"US": "us"}}
			var ce *calendar.Error
			require.ErrorAs(t, st.SaveCalendars(ctx, admin, bad), &ce)
			require.Equal(t, `inboxes["US"]`, ce.Field)

			require.NoError(t, st.SaveCalendars(ctx, admin, set))
			office.Name = "changed" // the store keeps its own copy
			got, err := st.Calendars(ctx)
			require.NoError(t, err)
			require.Equal(t, []string{"office"}, got.Names())

			saved, err := st.Create(ctx, ana, d)
			require.NoError(t, err)
			require.Equal(t, "office", saved.Calendar)
			list, err := st.List(ctx, admin)
			require.NoError(t, err)
			require.Len(t, list, 1, "the calendar file is no dashboard")

			// Removing a calendar a dashboard names is refused.
			err = st.SaveCalendars(ctx, admin, &calendar.Set{})
			require.ErrorAs(t, err, &de)
			require.Equal(t, "calendar", de.Field)

			saved.Reports = []convreport.Report{{ID: "r", Name: "R", Calendar: "nope", Measure: convreport.Measure{Agg: convreport.Count}}}
			_, err = st.Save(ctx, ana, saved)
			var re *convreport.ReportError
			require.ErrorAs(t, err, &re)
			require.Equal(t, "calendar", re.Field)
		})
	}
	// A directory keeps them across a restart.
	again, err := store.OpenDir(dir)
	require.NoError(t, err)
	set, err := again.Calendars(context.Background())
	require.NoError(t, err)
	require.Equal(t, []string{"office"}, set.Names())
	_, err = os.Stat(filepath.Join(dir, "_calendars.json"))
	require.NoError(t, err)
}
