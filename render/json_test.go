package render_test

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/render"
	"github.com/stretchr/testify/require"
)

func TestJSONGolden(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, render.JSON(&b, fixture()))
	golden(t, "dashboard.json", b.Bytes())
}

// TestJSONReadsBack parses the output and checks each field against the
// fixture, with the contract's spellings written out by hand.
func TestJSONReadsBack(t *testing.T) {
	d := fixture()
	var b bytes.Buffer
	require.NoError(t, render.JSON(&b, d))
	got, err := render.ParseJSON(&b)
	require.NoError(t, err)

	require.Equal(t, `Chat & "Email" <overview>`, got.Dashboard)
	require.Equal(t, "Europe/Paris", got.TimeZone)
	require.Equal(t, "2025-03-28T00:00:00+01:00", got.From.Format("2006-01-02T15:04:05Z07:00"))
	require.Equal(t, "2025-04-02T00:00:00+02:00", got.To.Format("2006-01-02T15:04:05Z07:00"), "the range ends after the DST change")
	require.True(t, got.From.Equal(rangeFrom))
	require.True(t, got.To.Equal(rangeTo))

	want := []struct {
		measure, unit string
		chart         convreport.ChartType
		keys          []string // dimension keys of every point, in order
	}{
		{"count", "conversations", "bar", []string{"assignee"}},
		{"avg_first_response_time", "seconds", "bar", []string{"assignee"}},
		{"count", "conversations", "line", []string{"bucket"}},
		{"count", "conversations", "column", []string{"inbox", "channel"}},
		{"count", "conversations", "pie", []string{"channel"}},
		{"count", "conversations", "summary", []string{}},
		{"avg_wait_time", "seconds", "area", []string{"bucket"}},
		{"share_first_response_time_within_300s", "percent", "table", []string{"Priority"}},
	}
	require.Len(t, got.Reports, len(d.Results))
	for i, r := range d.Results {
		g, w := got.Reports[i], want[i]
		require.Equal(t, r.Report.Name, g.Name)
		require.Equal(t, w.measure, g.Measure, g.Name)
		require.Equal(t, w.unit, g.Unit, g.Name)
		require.Equal(t, w.chart, g.Chart, g.Name)
		require.Len(t, g.Points, len(r.Points), g.Name)
		for j, p := range r.Points {
			gp := g.Points[j]
			require.Equal(t, p.Count, gp.Count)
			require.Equal(t, p.Other, gp.Other)
			v, err := gp.Decimal()
			require.NoError(t, err)
			require.Equal(t, p.Value.Valid, v.Valid, "%s point %d: null stays null", g.Name, j)
			if p.Value.Valid {
				require.True(t, p.Value.Decimal.Equal(v.Decimal), "%s point %d value %s", g.Name, j, *gp.Value)
			}
			var keys []string
			for _, dim := range gp.Dimensions {
				keys = append(keys, dim.Key)
			}
			require.Equal(t, w.keys, append([]string{}, keys...), "%s point %d", g.Name, j)
			for k, dv := range p.Dimensions {
				val, known, ok := gp.Dimensions.Get(w.keys[k])
				require.True(t, ok)
				require.Equal(t, dv.Known, known, "unknown values are null")
				require.Equal(t, dv.Value, val)
			}
		}
	}

	// The bucket is the day in Paris, also around the 23-hour day.
	var buckets []string
	for _, p := range got.Reports[2].Points {
		b, known, _ := p.Dimensions.Get("bucket")
		require.True(t, known)
		buckets = append(buckets, b)
	}
	require.Equal(t, []string{"2025-03-28", "2025-03-29", "2025-03-30", "2025-03-31", "2025-04-01"}, buckets)
}

// TestJSONShape checks the exact keys and JSON types against the contract.
func TestJSONShape(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, render.JSON(&b, fixture()))
	var raw map[string]any
	dec := json.NewDecoder(&b)
	dec.UseNumber()
	require.NoError(t, dec.Decode(&raw))
	require.ElementsMatch(t, []string{"dashboard", "from", "to", "time_zone", "reports"}, keysOf(raw))
	reports := raw["reports"].([]any)
	for _, r := range reports {
		rm := r.(map[string]any)
		require.ElementsMatch(t, []string{"name", "measure", "unit", "chart", "points"}, keysOf(rm))
		for _, p := range rm["points"].([]any) {
			pm := p.(map[string]any)
			wantKeys := []string{"dimensions", "value", "count"}
			if pm["other"] != nil {
				require.Equal(t, true, pm["other"])
				wantKeys = append(wantKeys, "other")
			}
			require.ElementsMatch(t, wantKeys, keysOf(pm))
			require.IsType(t, json.Number(""), pm["count"])
			if pm["value"] != nil {
				require.IsType(t, "", pm["value"], "value is a decimal string")
			}
		}
	}
	// Spot checks written from the contract.
	first := reports[0].(map[string]any)["points"].([]any)
	require.Equal(t, map[string]any{"assignee": nil}, first[3].(map[string]any)["dimensions"], "no value is null")
	require.Equal(t, map[string]any{"assignee": "Other"}, first[6].(map[string]any)["dimensions"])
	avg := reports[1].(map[string]any)["points"].([]any)
	require.Equal(t, "3780.5", avg[0].(map[string]any)["value"])
	require.Nil(t, avg[3].(map[string]any)["value"])
	summary := reports[5].(map[string]any)["points"].([]any)
	require.Equal(t, map[string]any{}, summary[0].(map[string]any)["dimensions"])
}

// A report's ID in its dashboard is in its object, so that a program
// finds a report by it rather than by position.
func TestJSONReportID(t *testing.T) {
	d := fixture()
	d.Results = slices.Clone(d.Results)
	d.Results[1].Report.ID = "avg-by-rep"
	var b bytes.Buffer
	require.NoError(t, render.JSON(&b, d))
	var raw struct {
		Reports []map[string]any `json:"reports"`
	}
	require.NoError(t, json.Unmarshal(b.Bytes(), &raw))
	require.Equal(t, "avg-by-rep", raw.Reports[1]["id"])
	require.NotContains(t, raw.Reports[0], "id", "a report without an ID has none")
	got, err := render.ParseJSON(bytes.NewReader(b.Bytes()))
	require.NoError(t, err)
	require.Equal(t, "avg-by-rep", got.Reports[1].ID)
}

func TestJSONKeepsTextReadable(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, render.JSON(&b, fixture()))
	require.Contains(t, b.String(), `"dashboard": "Chat & \"Email\" <overview>"`)
	require.Contains(t, b.String(), `"dimensions": {
            "inbox": "Support",
            "channel": "email"
          }`, "dimension keys in the report's order")
}

func TestJSONHourBuckets(t *testing.T) {
	r := result(convreport.Report{Name: "By hour", Bucket: convreport.Hour},
		convreport.Point{Bucket: day(30).Add(3 * 3600e9), Value: num("2"), Count: 2}) // 04:00 CEST after the jump
	j := render.NewJSON(render.Dashboard{Results: []convreport.Result{r}})
	b, _, _ := j.Reports[0].Points[0].Dimensions.Get("bucket")
	require.Equal(t, "2025-03-30T04:00+02:00", b)
	require.Equal(t, "Europe/Paris", j.TimeZone, "zone and range default to the first result's")
	require.True(t, j.From.Equal(rangeFrom))
}

func TestParseJSONRejectsBadDimensions(t *testing.T) {
	_, err := render.ParseJSON(strings.NewReader(`{"reports":[{"points":[{"dimensions":{"assignee":3}}]}]}`))
	require.ErrorContains(t, err, "assignee")
}

func keysOf(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
