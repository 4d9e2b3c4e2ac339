package main_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Reps named "(no value)", “(no value)” and "(no value)" (quotes in
// their names) and the conversations with no assignee are four groups:
// run labels each its own way, drill lists them so, and each label, as
// printed, drills into its own group's conversations.
func TestDrillReachesEveryGroupSpelledNoValue(t *testing.T) {
	dir := t.TempDir()
	var lines []string
	add := func(assignee string, ids ...string) {
		for _, id := range ids {
			c := map[string]any{"id": id, "created_at": "2025-03-01T10:00:00Z"}
			if assignee != "" {
				c["assignee"] = assignee
			}
			b, err := json.Marshal(c)
			require.NoError(t, err)
			lines = append(lines, string(b))
		}
	}
	add(`"(no value)"`, "ascii1", "ascii2", "ascii3", "ascii4")
	add("“(no value)”", "curly1", "curly2", "curly3")
	add("(no value)", "plain1", "plain2")
	add("", "none1")
	data := filepath.Join(dir, "c.jsonl")
	require.NoError(t, os.WriteFile(data, []byte(strings.Join(lines, "\n")+"\n"), 0o644))
	dash := filepath.Join(dir, "d.json")
	require.NoError(t, os.WriteFile(dash, []byte(
		`{"name":"T","owner":"me","reports":[{"id":"r","name":"by rep","dimensions":["Assignee"]}]}`), 0o644))
	common := []string{"--data", data, "--dashboard", dash, "--from", "2025-03-01", "--to", "2025-03-02", "--now", "2025-03-05"}

	// Each group as run prints it, with its conversations, by hand.
	want := []struct {
		label string
		ids   []string
	}{
		{`“"(no value)"”`, []string{"ascii1", "ascii2", "ascii3", "ascii4"}},
		{"““(no value)””", []string{"curly1", "curly2", "curly3"}},
		{"“(no value)”", []string{"plain1", "plain2"}},
		{"(no value)", []string{"none1"}},
	}

	run := cli(t, "", append([]string{"run", "--format", "text"}, common...)...)
	require.Equal(t, 0, run.code, run.stderr)
	rows := regexp.MustCompile(`(?m)^  (\S+(?: \S+)*)\s+(\d+)  `).FindAllStringSubmatch(run.stdout, -1)
	require.Len(t, rows, len(want), run.stdout)
	for i, row := range rows {
		require.Equal(t, want[i].label, row[1], run.stdout)
		require.Equal(t, itoa(len(want[i].ids)), row[2], run.stdout)
	}

	list := cli(t, "", append([]string{"drill", "--report", "r"}, common...)...)
	require.Equal(t, 2, list.code)
	_, points, ok := strings.Cut(list.stderr, "points are: ")
	require.True(t, ok, list.stderr)
	var listed []string
	for _, w := range want {
		listed = append(listed, "assignee="+w.label)
	}
	require.Equal(t, strings.Join(listed, "; ")+"\n", points)

	for _, w := range want {
		d := cli(t, "", append([]string{"drill", "--report", "r", "--format", "json", "--point", "assignee=" + w.label}, common...)...)
		require.Equal(t, 0, d.code, "--point assignee=%s: %s", w.label, d.stderr)
		var out struct {
			Total         int `json:"total"`
			Conversations []struct {
				ID string `json:"id"`
			} `json:"conversations"`
		}
		require.NoError(t, json.Unmarshal([]byte(d.stdout), &out), d.stdout)
		var ids []string
		for _, c := range out.Conversations {
			ids = append(ids, c.ID)
		}
		sort.Strings(ids)
		require.Equal(t, w.ids, ids, "--point assignee=%s", w.label)
		require.Equal(t, len(w.ids), out.Total, "--point assignee=%s", w.label)

		text := cli(t, "", append([]string{"drill", "--report", "r", "--point", "assignee=" + w.label}, common...)...)
		require.Equal(t, 0, text.code, text.stderr)
		require.True(t, strings.HasPrefix(text.stdout, "by rep — assignee="+w.label+": "), text.stdout)
	}

	// ASCII quotes may stand for the outer curly ones.
	for point, ids := range map[string][]string{
		`assignee="(no value)"`:   {"plain1", "plain2"},
		`assignee="“(no value)”"`: {"curly1", "curly2", "curly3"},
		`assignee=""(no value)""`: {"ascii1", "ascii2", "ascii3", "ascii4"},
		"assignee=":               {"none1"},
	} {
		d := cli(t, "", append([]string{"drill", "--report", "r", "--format", "csv", "--point", point}, common...)...)
		require.Equal(t, 0, d.code, "--point %s: %s", point, d.stderr)
		var got []string
		for _, l := range strings.Split(strings.TrimSpace(d.stdout), "\n")[1:] {
			got = append(got, strings.SplitN(l, ",", 2)[0])
		}
		sort.Strings(got)
		require.Equal(t, ids, got, point)
	}
}
