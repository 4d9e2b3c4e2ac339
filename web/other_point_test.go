package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/access"
)

// The Other point's dimensions go back to a drill-down as the run gives
// them, like every other point's: {"assignee":"Other"} with other=true
// lists the conversations of the groups it folds. Dimensions that are not
// the Other point's are still refused.
func TestOtherPointDimensionsRoundTrip(t *testing.T) {
	f := newFixture(t)
	d := convreport.Dashboard{ID: "top", Name: "Top", Owner: "ana", Visibility: access.EveryoneCanView,
		Reports: []convreport.Report{
			{ID: "by-rep", Name: "Chats by rep", Filter: `Channel == "chat"`, Dimensions: []string{"Assignee"}, Limit: 3},
			{ID: "by-rep-daily", Name: "Chats by rep per day", Filter: `Channel == "chat"`, Dimensions: []string{"Assignee"}, Bucket: convreport.Day, Limit: 2},
		}}
	_, err := f.store.Create(context.Background(), users["ana"], d)
	require.NoError(t, err)
	run := f.run("top", "ana", "range=last_30_days")

	// The run's Other point, and the groups it keeps apart.
	rep := run.Reports[run.report(t, "by-rep")]
	var other map[string]*string
	kept := map[string]bool{}
	for _, p := range rep.Points {
		if p.Other {
			other = p.Dimensions
			continue
		}
		kept[deref(p.Dimensions["assignee"])] = true
	}
	require.Equal(t, map[string]*string{"assignee": ptr("Other")}, other)
	require.Len(t, kept, 3)
	// What Other folds, counted from the conversations themselves.
	want := 0
	for _, c := range f.cs {
		if c.Channel == "chat" && !c.CreatedAt.Before(run.From) && c.CreatedAt.Before(run.To) && !kept[c.Assignee] {
			want++
		}
	}
	require.Positive(t, want)

	drill := func(report string, point map[string]*string, other bool) string {
		v, _ := url.ParseQuery(run.Period)
		if point != nil {
			b, _ := json.Marshal(point)
			v.Set("point", string(b))
		}
		if other {
			v.Set("other", "true")
		}
		return "/api/dashboards/top/reports/" + report + "/drill?" + v.Encode()
	}
	for _, point := range []map[string]*string{other, nil} {
		var dr drillResult
		okJSON(t, f.get(drill("by-rep", point, true), "ana"), http.StatusOK, &dr)
		require.Equal(t, want, dr.Total)
		require.Equal(t, "Other", dr.Point.Label)
	}

	// A time series: each bucket's Other point, as the run gives it.
	series := run.Reports[run.report(t, "by-rep-daily")]
	n := 0
	for _, p := range series.Points {
		if !p.Other || p.Count == 0 {
			continue
		}
		require.Equal(t, "Other", deref(p.Dimensions["assignee"]))
		var dr drillResult
		okJSON(t, f.get(drill("by-rep-daily", p.Dimensions, true)+"&limit=1000", "ana"), http.StatusOK, &dr)
		require.EqualValues(t, p.Count, dr.Total, deref(p.Dimensions["bucket"]))
		n++
	}
	require.Positive(t, n)

	for _, tc := range []struct {
		report string
		point  map[string]*string
		msg    string
	}{
		{"by-rep", map[string]*string{"assignee": ptr("Alice Martin")}, `with other=true, "assignee" is "Other", as the run gives it (got "Alice Martin"); to drill into a group, leave other out`},
		{"by-rep", map[string]*string{"assignee": nil}, `with other=true, "assignee" is "Other", as the run gives it (got null); to drill into a group, leave other out`},
		{"by-rep", map[string]*string{"inbox": ptr("Other")}, `report "Chats by rep" has no dimension "inbox"; its point keys are: assignee`},
		{"by-rep", map[string]*string{"assignee": ptr("Other"), "bucket": ptr("2025-05-20")}, `report "Chats by rep" has no time buckets`},
		{"by-rep-daily", map[string]*string{"assignee": ptr("Other")}, `report "Chats by rep per day" is a time series with an Other point in each bucket: name it, like other=true&point={"bucket":"2025-03-30"}`},
	} {
		e := failure(t, f.get(drill(tc.report, tc.point, true), "ana"), http.StatusBadRequest, "invalid_point")
		require.Equal(t, "point", e.Field)
		require.Equal(t, tc.msg, e.Message)
	}
	// Without other=true, "Other" is a value like any: nobody is called so.
	failure(t, f.get(drill("by-rep", other, false), "ana"), http.StatusNotFound, "point_not_found")
}

func ptr(s string) *string { return &s }
