package main_test

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/convreport/convreport/render"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// textSection returns the table lines of one report in text output: the
// lines after its title and column header, up to the blank line.
func textSection(t *testing.T, text, title string) []string {
	t.Helper()
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		if l == title {
			var out []string
			for _, row := range lines[i+2:] {
				if row == "" || strings.HasPrefix(strings.TrimSpace(row), "Note: ") {
					break // the end of the rows, or the note under them
				}
				out = append(out, strings.TrimSpace(row))
			}
			return out
		}
	}
	t.Fatalf("no report %q in:\n%s", title, text)
	return nil
}

// TestEveryFormatShowsTheSamePointsAndOtherIsDrillable runs one dashboard
// in text, JSON, CSV and Vega-Lite with the tail folded, requires the same
// points in each, the Other row of a duration report to carry its value,
// and drill --point other=true to list the Other point's conversations,
// whose average, recomputed here, is the point's value.
func TestEveryFormatShowsTheSamePointsAndOtherIsDrillable(t *testing.T) {
	path := generated(t, 3000)
	period := []string{"--data", path, "--dashboard", "chat-overview", "--from", "2025-03-01", "--to", "2025-06-01", "--top", "5"}
	run := func(format string) string {
		o := cli(t, "", append([]string{"run", "--format", format}, period...)...)
		require.Equal(t, 0, o.code, o.stderr)
		return o.stdout
	}
	res, err := render.ParseJSON(strings.NewReader(run("json")))
	require.NoError(t, err)
	text := run("text")
	csvRows, err := csv.NewReader(strings.NewReader(run("csv"))).ReadAll()
	require.NoError(t, err)
	vega := run("vega")

	label := func(p render.JSONPoint) string {
		if p.Other {
			return "Other ("
		}
		v, known, _ := p.Dimensions.Get("assignee")
		if !known {
			return "(no value)"
		}
		return v
	}
	folded := 0
	for _, r := range res.Reports {
		if _, _, ok := r.Points[0].Dimensions.Get("assignee"); !ok {
			continue
		}
		// Text: one row per point, in order, with the point's value.
		rows := textSection(t, text, r.Name)
		require.Len(t, rows, len(r.Points), "text rows of %s", r.Name)
		for i, p := range r.Points {
			require.True(t, strings.HasPrefix(rows[i], label(p)), "text row %q of %s, want %q", rows[i], r.Name, label(p))
			v, err := p.Decimal()
			require.NoError(t, err)
			require.Contains(t, rows[i], "  "+render.FormatValue(v, r.Unit), "%s: %s", r.Name, rows[i])
			require.NotContains(t, rows[i], "–", "every point of %s has a value", r.Name)
		}
		// CSV: one row per point.
		n := 0
		for _, row := range csvRows[1:] {
			if row[0] == r.Name {
				n++
			}
		}
		require.Equal(t, len(r.Points), n, "CSV rows of %s", r.Name)
		// Vega-Lite: one data row per point.
		require.Equal(t, len(r.Points), vegaRows(t, vega, r.Name), "Vega-Lite rows of %s", r.Name)
		require.True(t, r.Points[len(r.Points)-1].Other, "%s folds its tail past --top 5", r.Name)
		folded++
	}
	require.Equal(t, 4, folded, "the four reports by assignee")

	// Drill the Other point of the duration report.
	const report = "Average chat first response time by rep"
	var other render.JSONPoint
	for _, r := range res.Reports {
		if r.Name == report {
			other = r.Points[len(r.Points)-1]
		}
	}
	require.True(t, other.Other)
	var convs []map[string]string
	for offset := 0; ; offset += 1000 {
		o := cli(t, "", append([]string{"drill", "--report", report, "--point", "other=true", "--format", "json", "--limit", "1000", "--offset", itoa(offset)}, period...)...)
		require.Equal(t, 0, o.code, o.stderr)
		var page struct {
			Total         int                 `json:"total"`
			Conversations []map[string]string `json:"conversations"`
		}
		require.NoError(t, json.Unmarshal([]byte(o.stdout), &page))
		require.Equal(t, int(other.Count), page.Total)
		convs = append(convs, page.Conversations...)
		if len(page.Conversations) < 1000 {
			break
		}
	}
	require.Equal(t, int(other.Count), len(convs), "the drill-down lists the point's conversations")
	sum := decimal.Zero
	for _, c := range convs {
		sum = sum.Add(decimal.RequireFromString(c["first_response_time"]))
	}
	avg := sum.Div(decimal.NewFromInt(int64(len(convs)))).Round(3) // half away from zero
	require.Equal(t, *other.Value, avg.String(), "the Other point's value is the average over its conversations")

	// The text drill names it too.
	o := cli(t, "", append([]string{"drill", "--report", report, "--point", "other=true"}, period...)...)
	require.Equal(t, 0, o.code, o.stderr)
	v, _ := other.Decimal()
	require.Contains(t, strings.SplitN(o.stdout, "\n", 2)[0], "(value "+render.FormatValue(v, "seconds")+")")
}

// vegaRows counts the inline data rows of the report titled name in a
// Vega-Lite dashboard spec.
func vegaRows(t *testing.T, spec, name string) int {
	t.Helper()
	var v struct {
		VConcat []struct {
			Title any `json:"title"`
			Data  struct {
				Values []map[string]any `json:"values"`
			} `json:"data"`
		} `json:"vconcat"`
	}
	require.NoError(t, json.Unmarshal([]byte(spec), &v))
	for _, s := range v.VConcat {
		b, _ := json.Marshal(s.Title)
		if strings.Contains(string(b), name) {
			return len(s.Data.Values)
		}
	}
	t.Fatalf("no report %q in the Vega-Lite spec", name)
	return 0
}

// TestOtherSeriesIsDrillablePerBucket folds a time series by channel and
// drills its Other series in one bucket.
func TestOtherSeriesIsDrillablePerBucket(t *testing.T) {
	path := generated(t, 2000)
	dash := filepath.Join(t.TempDir(), "series.json")
	require.NoError(t, os.WriteFile(dash, []byte(`{"id":"s","name":"Series","owner":"ana","reports":[
		{"id":"volume","name":"Volume by channel","measure":{"agg":"count"},"dimensions":["Channel"],"bucket":"month","limit":2}]}`), 0o644))
	period := []string{"--data", path, "--dashboard", dash, "--from", "2025-03-01", "--to", "2025-06-01"}
	o := cli(t, "", append([]string{"run", "--format", "json"}, period...)...)
	require.Equal(t, 0, o.code, o.stderr)
	res, err := render.ParseJSON(strings.NewReader(o.stdout))
	require.NoError(t, err)
	var seen int
	for _, p := range res.Reports[0].Points {
		if !p.Other {
			continue
		}
		seen++
		b, _, _ := p.Dimensions.Get("bucket")
		o := cli(t, "", append([]string{"drill", "--report", "Volume by channel", "--point", "other=true", "--point", "bucket=" + b, "--format", "json"}, period...)...)
		require.Equal(t, 0, o.code, o.stderr)
		var page struct {
			Total int `json:"total"`
		}
		require.NoError(t, json.Unmarshal([]byte(o.stdout), &page))
		require.Equal(t, int(p.Count), page.Total, "bucket %s", b)
	}
	require.Equal(t, 3, seen, "an Other point per month")
}

// A dimension named twice by --point, by the same name or another of its
// names, is refused naming it, not drilled by the last value given.
func TestDrillRefusesADimensionGivenTwice(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "c.jsonl")
	require.NoError(t, os.WriteFile(data, []byte(`{"id":"c1","channel":"chat","status":"open","created_at":"2025-03-03T09:00:00Z"}
{"id":"c2","channel":"chat","status":"open","assignee":"x","origin_url":"https://a.example/","created_at":"2025-03-03T10:00:00Z"}
`), 0o644))
	dash := filepath.Join(dir, "d.json")
	require.NoError(t, os.WriteFile(dash, []byte(`{"id":"d","name":"D","owner":"me","reports":[`+
		`{"id":"rep","name":"By rep","measure":{"agg":"count"},"dimensions":["Assignee"]},`+
		`{"id":"page","name":"By page","measure":{"agg":"count"},"dimensions":["OriginURL"]}]}`), 0o644))
	q := []string{"drill", "--data", data, "--dashboard", dash, "--from", "2025-03-01", "--to", "2025-03-08", "--format", "csv", "--columns", "ID"}
	for _, tc := range []struct {
		report string
		points []string
		msg    string
	}{
		{"rep", []string{"assignee=(no value)", "assignee=x"}, "assignee is given twice (assignee=(no value) and assignee=x)"},
		{"rep", []string{"Assignee=x", "assignee=x"}, "assignee is given twice (Assignee=x and assignee=x)"},
		{"page", []string{"OriginURL=https://a.example/", "origin_url="}, "origin_url is given twice (OriginURL=https://a.example/ and origin_url=)"},
	} {
		args := append(append([]string{}, q...), "--report", tc.report)
		for _, p := range tc.points {
			args = append(args, "--point", p)
		}
		o := cli(t, "", args...)
		require.Equal(t, 2, o.code, o.stderr)
		require.Equal(t, "convreport: --point: "+tc.msg+"; a point has one value of each dimension: give it once\n", o.stderr)
		require.Empty(t, o.stdout)
	}
	// Each alone drills its own group.
	for point, want := range map[string]string{"assignee=(no value)": "c1", "assignee=x": "c2", "OriginURL=https://a.example/": "c2"} {
		report := "rep"
		if strings.HasPrefix(point, "Origin") {
			report = "page"
		}
		o := cli(t, "", append(q, "--report", report, "--point", point)...)
		require.Equal(t, 0, o.code, o.stderr)
		require.Equal(t, "id\n"+want+"\n", o.stdout, point)
	}
}
