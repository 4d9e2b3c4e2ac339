package main_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/stretchr/testify/require"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/parquetio"
)

// TestCLIErrorCatalogue runs every command line example of docs/errors.md
// (those marked cli-…) with the real binary, in a directory holding the
// files the page describes, and requires the exit status and the error
// lines to be exactly the ones shown. The root package's
// TestErrorCatalogue checks the other examples.
func TestCLIErrorCatalogue(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "errors.md"))
	require.NoError(t, err)
	dir := t.TempDir()
	ok := `{"id":"c1","channel":"chat","status":"open","assignee":"ana","created_at":"2025-03-03T09:00:00Z"}` + "\n"
	for name, body := range map[string]string{
		"ok.jsonl":   ok,
		"dup.jsonl":  ok + ok,
		"export.txt": ok,
		"team.json":  `{"id":"team","name":"Team v2.0","owner":"ana","reports":[]}`,
		"slow.json": `{"name":"Slow","owner":"ana","reports":[{"name":"Count"},` +
			`{"name":"Fast","measure":{"agg":"share_within","metric":"first_response_time","threshold":"5 minutes"}}]}`,
		"comma.json":      "{\"id\": \"comma\",\n  \"name\": \"Comma\"\n  \"owner\": \"ana\", \"reports\": []}\n",
		"cut.json":        "{\"id\": \"cut\",\n  \"name\": \"Cut\",\n  \"reports\": [\n",
		"overlap.json":    `{"week": {"monday": [{"start": "09:00", "end": "13:00"}, {"start": "12:00", "end": "17:00"}]}}`,
		"schema.json":     `{"properties": [{"name": "seats", "kind": "number"}]}`,
		"office-sla.json": `{"name": "standard", "close": {"within": "8h", "calendar": "office"}}`,
		"typo.json":       `{"table": "tickets", "colums": {"Assignee": "agent"}}`,
		"times.json":      `{"times": "timestmp"}`,
		"tickets.json":    `{"table": "tickets", "tenant": "account"}`,
		"custom.jsonl": `{"id":"c1","channel":"chat","status":"open","created_at":"2025-03-03T09:00:00Z","properties":{"seats":3}}` + "\n" +
			`{"id":"c2","channel":"chat","status":"open","created_at":"2025-03-03T10:00:00Z","properties":{"seats":"three"}}` + "\n",
	} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644))
	}
	c1 := convreport.Conversation{ID: "c1", Channel: convreport.Chat, Status: convreport.Open, Assignee: "ana", CreatedAt: time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)}
	require.NoError(t, parquetio.WriteFile(filepath.Join(dir, "dup.parquet"), nil, []convreport.Conversation{c1, c1}))
	// A file of another writer whose times have no zone.
	type local struct {
		ID      string `parquet:"id"`
		Channel string `parquet:"channel"`
		Status  string `parquet:"status"`
		Created int64  `parquet:"created_at,timestamp(microsecond:local)"`
	}
	f, err := os.Create(filepath.Join(dir, "local.parquet"))
	require.NoError(t, err)
	w := parquet.NewGenericWriter[local](f)
	_, err = w.Write([]local{{"c1", "chat", "open", c1.CreatedAt.UnixMicro()}})
	require.NoError(t, err)
	require.NoError(t, w.Close())
	require.NoError(t, f.Close())
	pattern := regexp.MustCompile("(?s)<!-- error: (cli-\\S+) exit:(\\d+) -->\n```console\n\\$ convreport ([^\n]*)\n(.*?)\n```")
	matches := pattern.FindAllStringSubmatch(string(doc), -1)
	require.Equal(t, strings.Count(string(doc), "<!-- error: cli-"), len(matches), "a cli- example is not an exit status and a ```console block starting with $ convreport")
	require.NotEmpty(t, matches)
	for _, m := range matches {
		id, code, line, want := m[1], m[2], m[3], m[4]
		t.Run(id, func(t *testing.T) {
			args, err := splitArgs(line)
			require.NoError(t, err)
			cmd := exec.Command(binary, args...)
			cmd.Dir = dir
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err = cmd.Run()
			got := 0
			if ee, isExit := err.(*exec.ExitError); isExit {
				got = ee.ExitCode()
			} else {
				require.NoError(t, err)
			}
			require.Equal(t, code, strconv.Itoa(got), "exit status of %s; stderr:\n%s", line, stderr.String())
			require.NotContains(t, stderr.String(), "goroutine", "no stack trace")
			require.Equal(t, want, lastError(stderr.String()), "the error of %s changed: update docs/errors.md", id)
		})
	}
}

// lastError returns standard error from its last line that starts with
// "convreport: " (usage text may come before it), without the final newline.
func lastError(stderr string) string {
	lines := strings.Split(strings.TrimRight(stderr, "\n"), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if strings.HasPrefix(lines[i], "convreport: ") {
			return strings.Join(lines[i:], "\n")
		}
	}
	return stderr
}

// splitArgs splits a command line as a POSIX shell does for words with
// single and double quotes (no escapes, no expansions).
func splitArgs(s string) ([]string, error) {
	var args []string
	var cur strings.Builder
	inWord := false
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0 && c == quote:
			quote = 0
		case quote != 0:
			cur.WriteByte(c)
		case c == '\'' || c == '"':
			quote, inWord = c, true
		case c == ' ':
			if inWord {
				args = append(args, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if quote != 0 {
		return nil, strconv.ErrSyntax
	}
	if inWord {
		args = append(args, cur.String())
	}
	return args, nil
}
