package main_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// magnitudes are first response times in milliseconds from 1 ms to
// 2×10⁹ s (a conversation's instants are Unix nanoseconds, so a reply can
// come at most until 2262; the render tests go on to 10¹⁰ s and beyond),
// each with a last millisecond set so no digit may be lost.
func magnitudes() []int64 {
	var out []int64
	for ms := int64(1); ms <= 1_000_000_000_000; ms *= 10 {
		out = append(out, ms+ms/10*3+1) // 1, 14, 131, 1301, …
	}
	return append(out, 2_000_000_000_001)
}

// exactSeconds writes ms milliseconds as a decimal number of seconds with
// integer arithmetic only: no float, no exponent, no trailing zero.
func exactSeconds(ms int64) string {
	s := fmt.Sprintf("%d.%03d", ms/1000, ms%1000)
	return strings.TrimSuffix(strings.TrimRight(s, "0"), ".")
}

func TestDurationsAreExactDecimalsInEveryOutput(t *testing.T) {
	mags := magnitudes()
	var b strings.Builder
	start := time.Date(2025, 3, 2, 9, 0, 0, 0, time.UTC)
	for i, ms := range mags {
		line, err := json.Marshal(map[string]any{
			"id": fmt.Sprintf("c%02d", i), "channel": "chat", "status": "open", "assignee": fmt.Sprintf("rep-%02d", i),
			"created_at":        start.Format(time.RFC3339),
			"first_response_at": start.Add(time.Duration(ms) * time.Millisecond).Format(time.RFC3339Nano),
		})
		require.NoError(t, err)
		b.Write(line)
		b.WriteByte('\n')
	}
	path := filepath.Join(t.TempDir(), "durations.jsonl")
	require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o644))
	period := []string{"--data", path, "--dashboard", "chat-overview", "--from", "2025-03-01", "--to", "2025-04-01", "--top", "0"}
	const report = "Average chat first response time by rep"
	want := map[string]string{} // assignee → exact seconds
	for i, ms := range mags {
		want[fmt.Sprintf("rep-%02d", i)] = exactSeconds(ms)
	}

	// run --format json: the point values.
	o := cli(t, "", append([]string{"run", "--format", "json"}, period...)...)
	require.Equal(t, 0, o.code, o.stderr)
	var res struct {
		Reports []struct {
			Name   string `json:"name"`
			Points []struct {
				Dimensions map[string]*string `json:"dimensions"`
				Value      *string            `json:"value"`
			} `json:"points"`
		} `json:"reports"`
	}
	require.NoError(t, json.Unmarshal([]byte(o.stdout), &res))
	got := map[string]string{}
	for _, r := range res.Reports {
		if r.Name == report {
			for _, p := range r.Points {
				got[*p.Dimensions["assignee"]] = *p.Value
			}
		}
	}
	require.Equal(t, want, got, "run --format json")

	// run --format csv: the value column.
	o = cli(t, "", append([]string{"run", "--format", "csv"}, period...)...)
	require.Equal(t, 0, o.code, o.stderr)
	rows, err := csv.NewReader(strings.NewReader(o.stdout)).ReadAll()
	require.NoError(t, err)
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	got = map[string]string{}
	for _, r := range rows[1:] {
		if r[col["report"]] == report {
			got[r[col["assignee"]]] = r[col["value"]]
		}
	}
	require.Equal(t, want, got, "run --format csv")

	// run --format vega: the inline data's values, read as JSON numbers.
	o = cli(t, "", append([]string{"run", "--format", "vega"}, period...)...)
	require.Equal(t, 0, o.code, o.stderr)
	got = map[string]string{}
	var walk func(any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if cat, ok := v["category"].(string); ok && strings.HasPrefix(cat, "rep-") {
				if n, ok := v["value"].(json.Number); ok {
					got[cat] = n.String()
				}
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
	dec := json.NewDecoder(strings.NewReader(o.stdout))
	dec.UseNumber()
	var spec any
	require.NoError(t, dec.Decode(&spec))
	// Only the duration report's rows.
	for _, sub := range spec.(map[string]any)["vconcat"].([]any) {
		if strings.Contains(fmt.Sprint(sub.(map[string]any)["title"]), report) {
			walk(sub)
		}
	}
	require.Equal(t, want, got, "run --format vega")

	// drill --format json and csv: the first_response_time column.
	for i, ms := range mags {
		rep := fmt.Sprintf("rep-%02d", i)
		o = cli(t, "", append([]string{"drill", "--report", report, "--point", "assignee=" + rep, "--format", "json"}, period...)...)
		require.Equal(t, 0, o.code, o.stderr)
		var page struct {
			Conversations []map[string]any `json:"conversations"`
		}
		require.NoError(t, json.Unmarshal([]byte(o.stdout), &page))
		require.Len(t, page.Conversations, 1)
		require.Equal(t, exactSeconds(ms), page.Conversations[0]["first_response_time"], "drill --format json, %s", rep)

		o = cli(t, "", append([]string{"drill", "--report", report, "--point", "assignee=" + rep, "--format", "csv"}, period...)...)
		require.Equal(t, 0, o.code, o.stderr)
		rows, err := csv.NewReader(bytes.NewReader([]byte(o.stdout))).ReadAll()
		require.NoError(t, err)
		i := slicesIndex(rows[0], "first_response_time")
		require.Equal(t, exactSeconds(ms), rows[1][i], "drill --format csv, %s", rep)
		_, err = strconv.ParseFloat(rows[1][i], 64)
		require.NoError(t, err)
	}
}

func slicesIndex(s []string, v string) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	return -1
}

// TestDrillTextHumanisesDurationsAsEveryOutputDoes: drill's text table
// writes durations with the one formatter of text, HTML and the web UI
// ("15d 01h"), not Go's "361h6m40s".
func TestDrillTextHumanisesDurationsAsEveryOutputDoes(t *testing.T) {
	mags := magnitudes()
	var b strings.Builder
	start := time.Date(2025, 3, 2, 9, 0, 0, 0, time.UTC)
	for i, ms := range mags {
		line, _ := json.Marshal(map[string]any{
			"id": fmt.Sprintf("c%02d", i), "channel": "chat", "status": "open", "assignee": fmt.Sprintf("rep-%02d", i),
			"created_at":        start.Format(time.RFC3339),
			"first_response_at": start.Add(time.Duration(ms) * time.Millisecond).Format(time.RFC3339Nano),
		})
		b.Write(line)
		b.WriteByte('\n')
	}
	path := filepath.Join(t.TempDir(), "durations.jsonl")
	require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o644))
	// Written by hand from the magnitudes: 1.301 s, 130.001 s, 1 300 000.001 s.
	for rep, want := range map[string]string{"rep-03": "1.3s", "rep-05": "2m 10s", "rep-09": "15d 01h"} {
		o := cli(t, "", "drill", "--data", path, "--dashboard", "chat-overview", "--from", "2025-03-01", "--to", "2025-04-01", "--top", "0",
			"--report", "Average chat first response time by rep", "--point", "assignee="+rep)
		require.Equal(t, 0, o.code, o.stderr)
		lines := strings.Split(strings.TrimSpace(o.stdout), "\n")
		require.Contains(t, lines[0], "(value "+want+")", "the point's value")
		require.True(t, strings.HasSuffix(lines[len(lines)-1], "  "+want), "the row's duration: %q", lines[len(lines)-1])
	}
}
