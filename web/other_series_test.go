package web_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/access"
)

// A time series folded by Limit has an Other point in every bucket; the
// drill-down of other=true used to answer the first bucket's, whatever the
// bucket clicked. Now the point names the bucket, the page's links carry
// it, and each bucket's Other lists as many conversations as it counts.
func TestOtherSeriesDrillsItsOwnBucket(t *testing.T) {
	f := newFixture(t)
	d := convreport.Dashboard{ID: "folded", Name: "Folded", Owner: "ana", Visibility: access.EveryoneCanView,
		Reports: []convreport.Report{{ID: "by-rep-daily", Name: "Chats by rep per day", Filter: `Channel == "chat"`,
			Dimensions: []string{"Assignee"}, Bucket: convreport.Day, Limit: 2}}}
	_, err := f.store.Create(context.Background(), users["ana"], d)
	require.NoError(t, err)

	run := f.run("folded", "ana", "range=last_7_days")
	rep := run.Reports[0]
	others := map[string]int64{}
	for _, p := range rep.Points {
		if p.Other {
			others[*p.Dimensions["bucket"]] = p.Count
		}
	}
	require.Greater(t, len(others), 1, "an Other point in several buckets")
	distinct := map[int64]bool{}
	for bucket, count := range others {
		distinct[count] = true
		v, err := url.ParseQuery(run.Period)
		require.NoError(t, err)
		v.Set("other", "true")
		v.Set("point", `{"bucket":"`+bucket+`"}`)
		v.Set("limit", "1000")
		var dr drillResult
		okJSON(t, f.get("/api/dashboards/folded/reports/by-rep-daily/drill?"+v.Encode(), "ana"), http.StatusOK, &dr)
		require.EqualValues(t, count, dr.Total, bucket)
	}
	require.Greater(t, len(distinct), 1, "the buckets' Other points differ, so a wrong bucket would show")

	// The page links each Other point to its own bucket.
	page := f.get("/dashboards/folded?range=last_7_days", "ana")
	require.Equal(t, http.StatusOK, page.Code)
	for bucket := range others {
		require.Contains(t, page.Body.String(), url.QueryEscape(`{"bucket":"`+bucket+`"}`), bucket)
	}

	v, _ := url.ParseQuery(run.Period)
	v.Set("other", "true")
	e := failure(t, f.get("/api/dashboards/folded/reports/by-rep-daily/drill?"+v.Encode(), "ana"), http.StatusBadRequest, "invalid_point")
	require.Equal(t, "point", e.Field)
	v.Set("point", `{"assignee":"x"}`)
	failure(t, f.get("/api/dashboards/folded/reports/by-rep-daily/drill?"+v.Encode(), "ana"), http.StatusBadRequest, "invalid_point")
}
