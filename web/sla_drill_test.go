package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/memory"
	"github.com/convreport/convreport/web"
)

// slaDrill is a drill-down answer with its values as exact numbers.
type slaDrill struct {
	Point struct {
		Value *string `json:"value"`
	} `json:"point"`
	Total   int `json:"total"`
	Columns []struct {
		Name  string `json:"name"`
		Key   string `json:"key"`
		Label string `json:"label"`
		Kind  string `json:"kind"`
	} `json:"columns"`
	Rows []struct {
		ID     string   `json:"id"`
		Values []any    `json:"values"`
		Text   []string `json:"text"`
	} `json:"rows"`
}

// refOver is the time over the standard policy's one-hour first-response
// target of conversation c at Now, from the documented rules: the first
// agent reply or the close stops the clock, whichever comes first and
// not after Now; a clock still running runs to Now.
func refOver(c convreport.Conversation) (time.Duration, bool) {
	if c.CreatedAt.After(now) {
		return 0, false
	}
	end := now
	for _, at := range []time.Time{c.FirstResponseAt, c.ClosedAt} {
		if !at.IsZero() && !at.After(now) && at.Before(end) {
			end = at
		}
	}
	over := end.Sub(c.CreatedAt) - time.Hour
	return over, over > 0
}

// An SLA point's drill-down lists its breaches with their time over the
// target, the column the point's total and average are recomputed from
// (docs/semantics.md), as a duration measure's lists its durations.
func TestSLADrillDownListsTheTimeOverTarget(t *testing.T) {
	f := newFixture(t)
	okJSON(t, f.do(req{method: http.MethodPut, path: "/api/sla", user: "admin", body: standardSLA}), http.StatusOK, &slaResult{})
	m := func(agg convreport.Aggregation) convreport.Measure {
		return convreport.Measure{Agg: agg, SLA: "standard", Target: convreport.FirstResponseTarget}
	}
	_, err := f.store.Create(context.Background(), users["ana"], convreport.Dashboard{ID: "sla", Name: "SLA", Owner: "ana", Visibility: access.EveryoneCanView,
		Reports: []convreport.Report{
			{ID: "total", Name: "Total over", Dimensions: []string{"Inbox"}, Measure: m(convreport.SLATotalOver)},
			{ID: "avg", Name: "Average over", Dimensions: []string{"Inbox"}, Measure: m(convreport.SLAAvgOver)},
		}})
	require.NoError(t, err)
	byID := map[string]convreport.Conversation{}
	for _, c := range f.cs {
		byID[c.ID] = c
	}

	run := f.run("sla", "ana", "range=last_30_days")
	listed := 0
	for i, id := range []string{"total", "avg"} {
		rep := run.Reports[run.report(t, id)]
		require.NotEmpty(t, rep.Points)
		for _, p := range rep.Points {
			w := f.get(drillPath("sla", id, run, p.Dimensions, "limit=1000&sort=OverTarget&desc=true"), "ana")
			require.Equal(t, http.StatusOK, w.Code, w.Body.String())
			var d slaDrill
			dec := json.NewDecoder(bytes.NewReader(w.Body.Bytes()))
			dec.UseNumber()
			require.NoError(t, dec.Decode(&d))
			require.Less(t, d.Total, 1000, "one page holds every breach")
			last := len(d.Columns) - 1
			require.Equal(t, "OverTarget", d.Columns[last].Name)
			require.Equal(t, "over_target", d.Columns[last].Key)
			require.Equal(t, "Time over target", d.Columns[last].Label)
			require.Equal(t, "duration", d.Columns[last].Kind)

			sum := decimal.Zero
			prev := decimal.New(1, 12)
			for _, row := range d.Rows {
				want, breached := refOver(byID[row.ID])
				require.True(t, breached, row.ID)
				v, err := decimal.NewFromString(string(row.Values[last].(json.Number)))
				require.NoError(t, err)
				require.Equal(t, decimal.NewFromInt(int64(want)).Shift(-9).String(), v.String(), row.ID)
				require.True(t, v.LessThanOrEqual(prev), "longest first")
				prev = v
				require.NotEmpty(t, row.Text[last])
				sum = sum.Add(v)
				listed++
			}
			want := sum.Round(3)
			if i == 1 {
				if len(d.Rows) == 0 {
					require.Nil(t, p.Value)
					continue
				}
				want = sum.DivRound(decimal.NewFromInt(int64(len(d.Rows))), 3)
			}
			require.NotNil(t, p.Value)
			require.Equal(t, *p.Value, want.String(), fmt.Sprintf("%s %v", id, p.Dimensions))
		}
	}

	require.Greater(t, listed, 20, "the fixture has breaches to list")

	// The pending ones, listed apart, have no time over the target.
	p := run.Reports[run.report(t, "total")].Points[0]
	var ex slaDrill
	okJSON(t, f.get(drillPath("sla", "total", run, p.Dimensions, "list=excluded"), "ana"), http.StatusOK, &ex)
	for _, c := range ex.Columns {
		require.NotEqual(t, "over_target", c.Key)
	}
}

// A breach of one millisecond reads as such on the card and in the
// drill-down, not as "0s", which says there was none.
func TestAOneMillisecondBreachDoesNotReadAsNone(t *testing.T) {
	created := now.Add(-48 * time.Hour)
	src, err := memory.New([]convreport.Conversation{
		{ID: "late", Channel: convreport.Chat, Inbox: "Sales", CreatedAt: created, FirstResponseAt: created.Add(time.Hour + time.Millisecond), ClosedAt: created.Add(2 * time.Hour)},
		{ID: "on-time", Channel: convreport.Chat, Inbox: "Sales", CreatedAt: created, FirstResponseAt: created.Add(time.Minute), ClosedAt: created.Add(2 * time.Hour)},
	})
	require.NoError(t, err)
	f := newFixture(t, func(c *web.Config) { c.Engine, c.Schema = convreport.NewEngine(src), src.Schema() })
	okJSON(t, f.do(req{method: http.MethodPut, path: "/api/sla", user: "admin", body: standardSLA}), http.StatusOK, &slaResult{})
	_, err = f.store.Create(context.Background(), users["ana"], convreport.Dashboard{ID: "ms", Name: "Milliseconds", Owner: "ana", Visibility: access.EveryoneCanView,
		Reports: []convreport.Report{{ID: "avg", Name: "Average over", Measure: convreport.Measure{Agg: convreport.SLAAvgOver, SLA: "standard", Target: convreport.FirstResponseTarget}}}})
	require.NoError(t, err)

	run := f.run("ms", "ana", "range=last_30_days")
	require.Equal(t, "0.001", *run.Reports[0].Points[0].Value)
	page := f.get("/dashboards/ms?range=last_30_days", "ana")
	require.Equal(t, http.StatusOK, page.Code)
	card := regexp.MustCompile(`font-size="40" font-weight="600">([^<]*)<`).FindStringSubmatch(page.Body.String())
	require.NotNil(t, card, "the card's number")
	require.Equal(t, "1ms", card[1])

	var d slaDrill
	okJSON(t, f.get(drillPath("ms", "avg", run, map[string]*string{}, ""), "ana"), http.StatusOK, &d)
	require.Len(t, d.Rows, 1)
	last := len(d.Columns) - 1
	require.Equal(t, "late", d.Rows[0].ID)
	require.Equal(t, "1ms", d.Rows[0].Text[last])
}
