package main_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/convreport/convreport/sqlsource"
	"github.com/stretchr/testify/require"
)

// Message counts from 2^31 to 2^53 are valid in a file, and PostgreSQL's
// table takes them: its count columns were integer, and the import
// stopped after committing the batches before the first such count. A
// table made so before is checked with the rest of the file, before
// anything is written, naming the conversation and the column.
func TestImportCountsAbove2To31IntoPostgreSQL(t *testing.T) {
	pg, ok := outDatabases(t)["postgresql"]
	if !ok {
		t.Skip("PostgreSQL left out: set CONVREPORT_POSTGRES_DSN")
	}
	dir := t.TempDir()
	data := filepath.Join(dir, "big.jsonl")
	require.NoError(t, os.WriteFile(data, []byte(
		`{"id":"ok","channel":"chat","status":"open","created_at":"2025-03-03T10:00:00Z","incoming_messages":1}`+"\n"+
			`{"id":"big","channel":"chat","status":"open","created_at":"2025-03-03T11:00:00Z","incoming_messages":2147483648}`+"\n"+
			`{"id":"huge","channel":"chat","status":"open","created_at":"2025-03-03T12:00:00Z","incoming_messages":9007199254740992,"outgoing_messages":2147483647}`+"\n"), 0o644))
	o := cli(t, "", "import", "--data", data, "--out", pg.url, "--batch", "1")
	require.Equal(t, 0, o.code, o.stderr)
	drill := []string{"drill", "--data", pg.url, "--dashboard", "chat-overview", "--report", "Conversations by rep",
		"--point", "assignee=", "--from", "2025-03-01", "--to", "2025-04-01", "--columns", "ID,IncomingMessages,OutgoingMessages", "--format", "csv"}
	o = cli(t, "", drill...)
	require.Equal(t, 0, o.code, o.stderr)
	lines := strings.Split(strings.TrimSpace(o.stdout), "\n")
	slices.Sort(lines[1:])
	require.Equal(t, []string{"id,incoming_messages,outgoing_messages", "big,2147483648,0", "huge,9007199254740992,2147483647", "ok,1,0"}, lines)

	ctx := context.Background()
	m := sqlsource.Mapping{Table: "narrow"}
	require.NoError(t, sqlsource.CreateTable(ctx, pg.db, sqlsource.PostgreSQL, m, nil))
	_, err := pg.db.Exec("ALTER TABLE narrow ALTER COLUMN incoming_messages TYPE integer, ALTER COLUMN outgoing_messages TYPE integer")
	require.NoError(t, err)
	mapping := filepath.Join(dir, "narrow.json")
	require.NoError(t, os.WriteFile(mapping, []byte(`{"table":"narrow"}`), 0o644))
	o = cli(t, "", "import", "--data", data, "--out", pg.url, "--out-mapping", mapping, "--batch", "1")
	require.Equal(t, 1, o.code, o.stderr)
	require.Contains(t, o.stderr, `conversation "big": incoming_messages: 2147483648 does not fit column "incoming_messages", which is integer and holds at most 2147483647: make the column bigint`)
	require.NotContains(t, o.stderr, "import: ", "refused by the check, before the first batch")
	require.Equal(t, 0, pg.count(t, "SELECT COUNT(*) FROM narrow"))
}
