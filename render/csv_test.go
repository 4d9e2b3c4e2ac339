package render_test

import (
	"bytes"
	"encoding/csv"
	"testing"

	"github.com/convreport/convreport/render"
	"github.com/stretchr/testify/require"
)

func TestCSVGolden(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, render.CSV(&b, fixture()))
	golden(t, "dashboard.csv", b.Bytes())
}

func TestCSVRows(t *testing.T) {
	d := fixture()
	var b bytes.Buffer
	require.NoError(t, render.CSV(&b, d))
	rows, err := csv.NewReader(&b).ReadAll()
	require.NoError(t, err, "every row has the header's columns")
	require.Equal(t, []string{"report", "measure", "unit", "assignee", "inbox", "channel", "Priority", "bucket", "value", "count", "other"}, rows[0])
	n := 0
	for _, r := range d.Results {
		n += len(r.Points)
	}
	require.Len(t, rows, 1+n, "one row per point")

	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	row := func(i int) map[string]string {
		m := map[string]string{}
		for h, j := range col {
			m[h] = rows[i][j]
		}
		return m
	}
	// Written from the fixture by hand.
	require.Equal(t, map[string]string{"report": "Conversations by rep", "measure": "count", "unit": "conversations",
		"assignee": labelScript, "inbox": "", "channel": "", "Priority": "", "bucket": "", "value": "312", "count": "312", "other": ""}, row(2))
	require.Equal(t, "true", row(7)["other"])
	require.Equal(t, "Other", row(7)["assignee"])
	require.Equal(t, "", row(11)["value"], "a null value is an empty cell")
	require.Equal(t, "0", row(11)["count"])
	require.Equal(t, "2025-03-30", row(14)["bucket"])
	require.Equal(t, "Chat conversations over time", row(14)["report"])
}
