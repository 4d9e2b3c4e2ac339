package render_test

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/memory"
	"github.com/convreport/convreport/render"
)

// Africa/Monrovia kept -0:44:30 until 1972. RFC 3339 has no seconds in an
// offset: a time written with it cut to -00:44 would name an instant 30
// seconds off. Every time result JSON writes parses back to the instant
// it stands for.
func TestJSONTimesInAZoneWhoseOffsetHasSeconds(t *testing.T) {
	monrovia := mustZone("Africa/Monrovia")
	from := time.Date(1960, 6, 1, 0, 0, 0, 0, monrovia)
	to := from.AddDate(0, 0, 3)
	// The instants, by hand: local midnight is 00:44:30 UTC.
	wantFrom := time.Date(1960, 6, 1, 0, 44, 30, 0, time.UTC)
	wantTo := time.Date(1960, 6, 4, 0, 44, 30, 0, time.UTC)
	wantPrevFrom := time.Date(1960, 5, 29, 0, 44, 30, 0, time.UTC)
	require.True(t, from.Equal(wantFrom))

	src, err := memory.New([]convreport.Conversation{
		{ID: "a", Channel: convreport.Chat, CreatedAt: from.Add(time.Hour)},
		{ID: "b", Channel: convreport.Chat, CreatedAt: from.Add(50 * time.Hour)},
		{ID: "c", Channel: convreport.Chat, CreatedAt: from.Add(-time.Hour)},
	})
	require.NoError(t, err)
	q := convreport.Query{From: from, To: to, Zone: monrovia, Now: to, Compare: convreport.ComparePrevious}
	res, err := convreport.NewEngine(src).Run(context.Background(), q,
		convreport.Report{Name: "Daily", Bucket: convreport.Day, Chart: convreport.Chart{Type: convreport.LineChart}})
	require.NoError(t, err)

	var b bytes.Buffer
	require.NoError(t, render.JSON(&b, render.Dashboard{Name: "d", From: from, To: to, Zone: monrovia, Results: res}))
	var raw struct {
		From, To string
		Reports  []struct {
			PreviousFrom string `json:"previous_from"`
			PreviousTo   string `json:"previous_to"`
			Points       []struct {
				Count int64 `json:"count"`
			} `json:"points"`
		}
	}
	require.NoError(t, json.Unmarshal(b.Bytes(), &raw), b.String())
	instant := func(s string) time.Time {
		got, err := time.Parse(time.RFC3339Nano, s)
		require.NoError(t, err, "%q is RFC 3339", s)
		return got
	}
	for _, c := range []struct {
		written string
		want    time.Time
	}{
		{raw.From, wantFrom}, {raw.To, wantTo},
		{raw.Reports[0].PreviousFrom, wantPrevFrom}, {raw.Reports[0].PreviousTo, wantFrom},
	} {
		require.True(t, instant(c.written).Equal(c.want), "%s is not %s", c.written, c.want)
	}
	require.Equal(t, "1960-06-01T00:44:30Z", raw.From)
	require.Equal(t, []int64{1, 0, 1}, []int64{raw.Reports[0].Points[0].Count, raw.Reports[0].Points[1].Count, raw.Reports[0].Points[2].Count})

	// ParseJSON reads them back to the same instants.
	back, err := render.ParseJSON(&b)
	require.NoError(t, err)
	require.True(t, back.From.Equal(wantFrom), "%v", back.From)
	require.True(t, back.To.Equal(wantTo), "%v", back.To)
	require.True(t, back.Reports[0].PreviousFrom.Equal(wantPrevFrom))

	// A chart's time axis: each day's start, in JSON, is that instant;
	// the spec keeps the zone's wall clock for the charts drawn from it.
	spec := render.NewChartSpec(res[0])
	require.Len(t, spec.Categories, 3)
	sb, err := json.Marshal(spec)
	require.NoError(t, err)
	var rawSpec struct {
		Categories []struct {
			Time string `json:"time"`
		} `json:"categories"`
	}
	require.NoError(t, json.Unmarshal(sb, &rawSpec), string(sb))
	require.Len(t, rawSpec.Categories, 3, string(sb))
	for i, c := range rawSpec.Categories {
		want := wantFrom.AddDate(0, 0, i)
		require.True(t, instant(c.Time).Equal(want), "day %d: %s is not %s", i, c.Time, want)
		require.Equal(t, 0, spec.Categories[i].Time.Hour(), "the wall clock of the zone")
	}

	// A zone whose offset is whole minutes keeps it.
	paris := mustZone("Europe/Paris")
	b.Reset()
	require.NoError(t, render.JSON(&b, render.Dashboard{Name: "d", From: from, To: to, Zone: paris, Results: nil}))
	require.Contains(t, b.String(), `"from": "1960-06-01T01:44:30+01:00"`)
}
