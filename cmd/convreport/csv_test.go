package main_test

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/require"
)

// hostile are texts a customer or an agent can type that a spreadsheet
// would run as a formula or act on.
var hostile = []string{
	`=HYPERLINK("http://x","y")`, "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)",
	"\t=1+1", "\r=1+1", "two\nlines", "bell\x07",
}

// hostileData writes chat conversations whose assignee, inbox and ID are
// hostile texts, one of each per conversation, created in March 2025.
func hostileData(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	for i, h := range hostile {
		line, err := json.Marshal(map[string]any{
			"id": h + fmt.Sprint(i), "channel": "chat", "status": "closed", "assignee": h, "inbox": h,
			"created_at":        fmt.Sprintf("2025-03-%02dT09:00:00Z", i+2),
			"first_response_at": fmt.Sprintf("2025-03-%02dT09:01:00Z", i+2),
			"closed_at":         fmt.Sprintf("2025-03-%02dT10:00:00Z", i+2),
		})
		require.NoError(t, err)
		b.Write(line)
		b.WriteByte('\n')
	}
	path := filepath.Join(t.TempDir(), "hostile.jsonl")
	require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o644))
	return path
}

var plainNumber = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)

// requireInertCSV parses CSV output and requires every cell to be a plain
// number or text a spreadsheet shows as text: no control character, no
// formula start.
func requireInertCSV(t *testing.T, out string) [][]string {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	require.NoError(t, err)
	for _, row := range rows {
		for _, c := range row {
			if plainNumber.MatchString(c) {
				continue
			}
			require.Negative(t, strings.IndexFunc(c, unicode.IsControl), "control character in %q", c)
			require.False(t, c != "" && strings.ContainsRune("=+-@", rune(c[0])), "formula start in %q", c)
		}
	}
	return rows
}

func TestEveryCSVOutputNeutralisesHostileCells(t *testing.T) {
	path := hostileData(t)
	period := []string{"--data", path, "--dashboard", "chat-overview", "--from", "2025-03-01", "--to", "2025-04-01"}

	o := cli(t, "", append([]string{"run", "--format", "csv"}, period...)...)
	require.Equal(t, 0, o.code, o.stderr)
	requireInertCSV(t, o.stdout)
	require.Contains(t, o.stdout, `'=HYPERLINK`, "the hostile label is there, neutralised")

	for _, h := range hostile {
		if strings.ContainsAny(h, "\t\r\n\x07") {
			continue // not a value one can name on a command line as is
		}
		o := cli(t, "", append([]string{"drill", "--report", "Conversations by rep", "--point", "assignee=" + h, "--format", "csv"}, period...)...)
		require.Equal(t, 0, o.code, o.stderr)
		rows := requireInertCSV(t, o.stdout)
		require.Len(t, rows, 2, "a header and the one conversation")
		require.Contains(t, rows[1], "'"+h, "the assignee, neutralised")
	}
}
