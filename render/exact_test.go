package render_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/render"
	"github.com/stretchr/testify/require"
)

// TestValuesAreExactDecimalsInEveryMachineFormat runs durations from 1 ms
// to 10¹⁴ s through JSON, CSV and Vega-Lite and requires each value to be
// the exact decimal written by hand, never an exponent.
func TestValuesAreExactDecimalsInEveryMachineFormat(t *testing.T) {
	var pts []convreport.Point
	want := map[string]string{}
	for k, ms := 0, int64(1); k <= 17; k, ms = k+1, ms*10 {
		v := ms + ms/10*7 + 1
		s := strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%d.%03d", v/1000, v%1000), "0"), ".")
		rep := fmt.Sprintf("rep-%02d", k)
		want[rep] = s
		pts = append(pts, convreport.Point{Dimensions: []convreport.DimensionValue{known("Assignee", rep)}, Value: num(s), Count: 1})
	}
	r := result(convreport.Report{Name: "Durations", Dimensions: []string{"Assignee"},
		Measure: convreport.Measure{Agg: convreport.Average, Metric: convreport.FirstResponseTime}}, pts...)
	d := render.Dashboard{From: rangeFrom, To: rangeTo, Zone: paris, Results: []convreport.Result{r}}

	var b bytes.Buffer
	require.NoError(t, render.JSON(&b, d))
	j, err := render.ParseJSON(&b)
	require.NoError(t, err)
	got := map[string]string{}
	for _, p := range j.Reports[0].Points {
		a, _, _ := p.Dimensions.Get("assignee")
		got[a] = *p.Value
	}
	require.Equal(t, want, got, "JSON")

	b.Reset()
	require.NoError(t, render.CSV(&b, d))
	rows, err := csv.NewReader(&b).ReadAll()
	require.NoError(t, err)
	got = map[string]string{}
	for _, row := range rows[1:] {
		got[row[3]] = row[5]
	}
	require.Equal(t, want, got, "CSV")

	for name, spec := range map[string]func() ([]byte, error){
		"VegaLite":          func() ([]byte, error) { return render.VegaLite(r) },
		"VegaLiteDashboard": func() ([]byte, error) { return render.VegaLiteDashboard(d) },
	} {
		out, err := spec()
		require.NoError(t, err)
		got = map[string]string{}
		dec := json.NewDecoder(bytes.NewReader(out))
		dec.UseNumber()
		var v any
		require.NoError(t, dec.Decode(&v))
		var walk func(any)
		walk = func(v any) {
			switch v := v.(type) {
			case map[string]any:
				if c, ok := v["category"].(string); ok {
					got[c] = v["value"].(json.Number).String()
				}
				for _, x := range v {
					walk(x)
				}
			case []any:
				for _, x := range v {
					walk(x)
				}
			}
		}
		walk(v)
		require.Equal(t, want, got, name)
	}
}

func TestExactSecondsAndNumbers(t *testing.T) {
	require.Equal(t, "3673230", render.ExactSeconds(3673230*time.Second))
	require.Equal(t, "0.001", render.ExactSeconds(time.Millisecond))
	require.Equal(t, "-1.5", render.ExactSeconds(-1500*time.Millisecond))
	require.Equal(t, "9223372036.854775807", render.ExactSeconds(time.Duration(1<<63-1)))
	require.Equal(t, "3673230", render.ExactNumber(3.67323e6))
	require.Equal(t, "100000000000000000000000", render.ExactNumber(1e23))
	require.Equal(t, "0.0000001", render.ExactNumber(1e-7))
}
