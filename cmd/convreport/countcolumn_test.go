package main_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/convreport/convreport/sqlsource"
	"github.com/stretchr/testify/require"
)

// An import into a table whose message count column holds fractions
// (SQLite REAL, PostgreSQL double precision or plain numeric, ClickHouse
// Float64) wrote the rows, or some of them, before anything said so, and
// the table could then not be reported on. Every import refuses it first,
// from a file (checked, then written) or from standard input, naming the
// database, the table, the column and its type, and writes nothing.
func TestImportRefusesCountColumnOfFractions(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	data := filepath.Join(dir, "in.jsonl")
	line := `{"id":"a","channel":"chat","status":"open","created_at":"2025-03-03T10:00:00Z","incoming_messages":2,"outgoing_messages":1}` + "\n"
	require.NoError(t, os.WriteFile(data, []byte(line), 0o644))
	mapping := filepath.Join(dir, "fractions.json")
	require.NoError(t, os.WriteFile(mapping, []byte(`{"table":"fractions"}`), 0o644))
	dbs := outDatabases(t)
	for _, c := range []struct {
		kind, alter, column, typ string
	}{
		{"sqlite", "", "incoming_messages", "REAL"},
		{"postgresql", "ALTER TABLE fractions ALTER COLUMN outgoing_messages TYPE numeric", "outgoing_messages", "numeric"},
		{"postgresql", "ALTER TABLE fractions ALTER COLUMN outgoing_messages TYPE double precision", "outgoing_messages", "double precision"},
		{"clickhouse", "ALTER TABLE fractions MODIFY COLUMN incoming_messages Float64", "incoming_messages", "Float64"},
	} {
		t.Run(c.kind+" "+c.typ, func(t *testing.T) {
			out, ok := dbs[c.kind]
			if !ok {
				t.Skipf("%s left out", c.kind)
			}
			out.db.Exec("DROP TABLE IF EXISTS fractions")
			t.Cleanup(func() { out.db.Exec("DROP TABLE IF EXISTS fractions") })
			d := map[string]sqlsource.Dialect{"sqlite": sqlsource.SQLite, "postgresql": sqlsource.PostgreSQL, "clickhouse": sqlsource.ClickHouse}[c.kind]
			if c.kind == "sqlite" {
				// SQLite alters no column's type: the table is declared so.
				_, err := out.db.Exec(`CREATE TABLE fractions (id TEXT PRIMARY KEY, channel TEXT, inbox TEXT, assignee TEXT, team TEXT, status TEXT,
					created_at INTEGER, first_assigned_at INTEGER, first_response_at INTEGER, closed_at INTEGER, closed_by TEXT, origin_url TEXT,
					chatflow TEXT, source TEXT, contact_id TEXT, subject TEXT, incoming_messages REAL, outgoing_messages INTEGER, properties TEXT)`)
				require.NoError(t, err)
			} else {
				require.NoError(t, sqlsource.CreateTable(ctx, out.db, d, sqlsource.Mapping{Table: "fractions"}, nil))
				_, err := out.db.Exec(c.alter)
				require.NoError(t, err)
			}
			quote := "`"
			if d == sqlsource.PostgreSQL {
				quote = `"`
			}
			want := "convreport: --out " + out.url + ": sqlsource: table " + quote + "fractions" + quote + ": column " + quote + c.column + quote + " of "
			want2 := " (a message count) is " + c.typ + ": "
			for _, args := range [][]string{
				{"import", "--data", data, "--out", out.url, "--out-mapping", mapping},
				{"import", "--data", "-", "--out", out.url, "--out-mapping", mapping},
			} {
				o := cli(t, line, args...)
				require.Equal(t, 1, o.code, o.stderr)
				require.Contains(t, o.stderr, want)
				require.Contains(t, o.stderr, want2)
				require.NotContains(t, o.stderr, "wrote")
				require.Equal(t, 0, out.count(t, "SELECT COUNT(*) FROM fractions"), "nothing written")
			}
		})
	}
}
