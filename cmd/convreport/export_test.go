package main_test

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// run --format zip: one CSV per report, its rows the report's points as
// --format json gives them (labels, exact values, counts).
func TestRunZip(t *testing.T) {
	path := generated(t, 2000)
	dir := t.TempDir()
	args := []string{"run", "--data", path, "--dashboard", "chat-overview", "--from", "2025-04-01", "--to", "2025-05-01", "--tz", "Europe/Paris"}
	o := cli(t, "", append(args, "--format", "zip", "--out", filepath.Join(dir, "d.zip"))...)
	require.Equal(t, 0, o.code, o.stderr)
	zr, err := zip.OpenReader(filepath.Join(dir, "d.zip"))
	require.NoError(t, err)
	defer zr.Close()
	j := cli(t, "", append(args, "--format", "json")...)
	require.Equal(t, 0, j.code, j.stderr)
	var res struct {
		Reports []struct {
			Name   string `json:"name"`
			Points []struct {
				Value *string `json:"value"`
				Count int64   `json:"count"`
			} `json:"points"`
		} `json:"reports"`
	}
	require.NoError(t, json.Unmarshal([]byte(j.stdout), &res))
	require.Len(t, zr.File, len(res.Reports))
	for i, f := range zr.File {
		require.Equal(t, res.Reports[i].Name+".csv", f.Name)
		rc, err := f.Open()
		require.NoError(t, err)
		b, err := io.ReadAll(rc)
		require.NoError(t, err)
		rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
		require.NoError(t, err)
		require.Len(t, rows, len(res.Reports[i].Points)+1, f.Name)
		for k, p := range res.Reports[i].Points {
			if p.Value != nil {
				require.Equal(t, *p.Value, rows[k+1][1], f.Name)
			}
			require.Equal(t, strconv.FormatInt(p.Count, 10), rows[k+1][len(rows[k+1])-1], f.Name)
		}
	}
}

// run --format png --report: one chart as a PNG; --report names a report
// by name (any case) or ID, and an unknown one is one line, exit 2.
func TestRunPNGOneReport(t *testing.T) {
	path := generated(t, 500)
	out := filepath.Join(t.TempDir(), "r.png")
	o := cli(t, "", "run", "--data", path, "--dashboard", "chat-overview", "--from", "2025-03-01", "--to", "2025-06-01",
		"--report", "conversations BY rep", "--format", "png", "--out", out)
	require.Equal(t, 0, o.code, o.stderr)
	f, err := os.Open(out)
	require.NoError(t, err)
	defer f.Close()
	img, err := png.Decode(bufio.NewReader(f))
	require.NoError(t, err)
	require.Equal(t, 1280, img.Bounds().Dx(), "640 wide at scale 2")
	require.Greater(t, img.Bounds().Dy(), 200)

	o = cli(t, "", "run", "--data", path, "--dashboard", "chat-overview", "--report", "nope")
	require.Equal(t, 2, o.code, "a wrong flag value, as drill's --report")
	require.Equal(t, 1, strings.Count(strings.TrimSpace(o.stderr), "\n")+1, o.stderr)
	require.Contains(t, o.stderr, `--report "nope": Chat overview has no such report (have "Conversations by rep"`)
}

// run drops the empty days after --now: "this month" on the 12th has 12
// days (the generated conversations end on June 1).
func TestRunStopsAtNow(t *testing.T) {
	path := generated(t, 500)
	o := cli(t, "", "run", "--data", path, "--dashboard", "chat-overview", "--range", "this_month", "--now", "2025-06-12T15:00:00+02:00",
		"--tz", "Europe/Paris", "--report", "chat-conversations-over-time", "--format", "csv")
	require.Equal(t, 0, o.code, o.stderr)
	rows, err := csv.NewReader(strings.NewReader(o.stdout)).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 13)
	last, err := time.Parse(time.DateOnly, rows[12][3])
	require.NoError(t, err, rows[12])
	require.Equal(t, 12, last.Day())
}
