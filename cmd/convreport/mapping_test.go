package main_test

import (
	"bufio"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/ingest"
	"github.com/convreport/convreport/render"
)

// writeFile writes body to dir/name and returns its path.
func writeFile(t *testing.T, dir, name, body string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(path, []byte(body), 0o644))
	return path
}

// withPlans writes the conversations of the JSON Lines file path again,
// each with the custom property plan: free, pro or team, by line.
func withPlans(t *testing.T, path string) string {
	t.Helper()
	in, err := os.Open(path)
	require.NoError(t, err)
	defer in.Close()
	var b strings.Builder
	sc := bufio.NewScanner(in)
	sc.Buffer(nil, 1<<20)
	for i := 0; sc.Scan(); i++ {
		line := strings.TrimSuffix(sc.Text(), "}")
		fmt.Fprintf(&b, "%s,\"properties\":{\"plan\":%q}}\n", line, []string{"free", "pro", "team"}[i%3])
	}
	require.NoError(t, sc.Err())
	return writeFile(t, t.TempDir(), "plans.jsonl", b.String())
}

// chatsByRep counts, by hand, the chats of cs created in [from, to) that
// keep: the first report of chat-overview.
func chatsByRep(cs []convreport.Conversation, from, to time.Time, keep func(convreport.Conversation) bool) map[string]int64 {
	want := map[string]int64{}
	for _, c := range cs {
		if c.Channel == convreport.Chat && !c.CreatedAt.Before(from) && c.CreatedAt.Before(to) && keep(c) {
			want[c.Assignee]++
		}
	}
	return want
}

// requireChatsByRep requires the first report of a run's JSON to hold
// want's counts, every assignee's.
func requireChatsByRep(t *testing.T, stdout string, want map[string]int64) {
	t.Helper()
	got, err := render.ParseJSON(strings.NewReader(stdout))
	require.NoError(t, err)
	byRep := got.Reports[0]
	require.Len(t, byRep.Points, len(want))
	var total int64
	for _, p := range byRep.Points {
		key, _, ok := p.Dimensions.Get("assignee")
		require.True(t, ok)
		require.Equal(t, want[key], p.Count, "assignee %q", key)
		total += p.Count
	}
	require.Positive(t, total)
}

// An SQLite table of a helpdesk's own layout — named tickets, its ID,
// channel, assignee and creation columns renamed, its custom properties
// in a JSON column of another name under another key — is read through
// --mapping by run and drill exactly as the file it holds.
func TestMappingReadsAnSQLiteTableOfItsOwn(t *testing.T) {
	dir := t.TempDir()
	path := withPlans(t, generated(t, 1500))
	schema := writeFile(t, dir, "schema.json", `{"properties": [{"name": "plan", "kind": "string"}]}`)
	db := filepath.Join(dir, "helpdesk.db")
	o := cli(t, "", "import", "--data", path, "--schema", schema, "--out", db)
	require.Equal(t, 0, o.code, o.stderr)
	conn, err := sql.Open("sqlite", "file:"+db)
	require.NoError(t, err)
	defer conn.Close()
	for _, stmt := range []string{
		"ALTER TABLE conversations RENAME TO tickets",
		"ALTER TABLE tickets RENAME COLUMN id TO ticket_id",
		"ALTER TABLE tickets RENAME COLUMN channel TO medium",
		"ALTER TABLE tickets RENAME COLUMN assignee TO agent",
		"ALTER TABLE tickets RENAME COLUMN created_at TO opened",
		"ALTER TABLE tickets RENAME COLUMN properties TO extra",
		"UPDATE tickets SET extra = json_object('tier', json_extract(extra, '$.plan'))",
	} {
		_, err := conn.Exec(stmt)
		require.NoError(t, err, stmt)
	}
	var pro int
	require.NoError(t, conn.QueryRow(`SELECT COUNT(*) FROM tickets WHERE json_extract(extra, '$.tier') = 'pro'`).Scan(&pro))
	require.Equal(t, 500, pro, "the plans moved to the renamed key")
	mapping := writeFile(t, dir, "tickets.json", `{
		"table": "tickets",
		"columns": {"ID": "ticket_id", "channel": "medium", "Assignee": "agent", "created_at": "opened"},
		"json": "extra",
		"json_keys": {"plan": "tier"}
	}`)

	period := []string{"--range", "last_30_days", "--now", "2025-06-01", "--tz", "Europe/Paris"}
	fromDB := func(args ...string) outcome {
		return cli(t, "", append(args, "--data", db, "--mapping", mapping, "--schema", schema)...)
	}
	fromFile := func(args ...string) outcome {
		return cli(t, "", append(args, "--data", path, "--schema", schema)...)
	}
	for _, args := range [][]string{
		{"run", "--dashboard", "chat-overview", "--format", "json"},
		{"run", "--dashboard", "email-overview", "--format", "json"},
		{"run", "--dashboard", "chat-overview", "--format", "json", "--where", "plan is_any_of pro"},
		{"drill", "--dashboard", "email-overview", "--report", "Email volume by owner", "--point", "assignee=(no value)", "--format", "csv", "--limit", "1000"},
	} {
		args = append(args, period...)
		want, got := fromFile(args...), fromDB(args...)
		require.Equal(t, 0, want.code, want.stderr)
		require.Equal(t, 0, got.code, got.stderr)
		require.Greater(t, strings.Count(got.stdout, "\n"), 2, args)
		require.Equal(t, want.stdout, got.stdout, "%v: the table answers as the file", args)
	}

	// The pro chats of April by rep, counted by hand from the file.
	cs, err := ingest.ReadFile(t.Context(), path, ingest.Options{Schema: mustSchema(t, schema)})
	require.NoError(t, err)
	paris, err := time.LoadLocation("Europe/Paris")
	require.NoError(t, err)
	want := chatsByRep(cs, time.Date(2025, 4, 1, 0, 0, 0, 0, paris), time.Date(2025, 5, 1, 0, 0, 0, 0, paris), func(c convreport.Conversation) bool {
		return c.Properties["plan"] == "pro"
	})
	o = fromDB("run", "--dashboard", "chat-overview", "--format", "json", "--top", "0", "--where", "plan is_any_of pro",
		"--from", "2025-04-01", "--to", "2025-05-01", "--tz", "Europe/Paris")
	require.Equal(t, 0, o.code, o.stderr)
	requireChatsByRep(t, o.stdout, want)

	// Without the mapping, the default table is looked for, and named.
	o = cli(t, "", append([]string{"run", "--dashboard", "chat-overview", "--data", db}, period...)...)
	require.Equal(t, 1, o.code)
	require.Contains(t, o.stderr, "sqlsource: table `conversations` does not exist")
}

func mustSchema(t *testing.T, path string) *convreport.Schema {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	s, err := convreport.ParseSchema(b)
	require.NoError(t, err)
	return s
}

// A PostgreSQL table of timestamptz columns, shared by tenants, is read
// through --mapping ("times": "timestamp", "tenant") by run, drill and
// serve as the file it was made from; each mistake about it is said with
// the command line's way to fix it, and notify --mapping puts the trigger
// on it.
func TestMappingReadsPostgreSQLTimestamptz(t *testing.T) {
	pg, ok := outDatabases(t)["postgresql"]
	if !ok {
		t.Skip("PostgreSQL left out: set CONVREPORT_POSTGRES_DSN")
	}
	dir := t.TempDir()
	path := generated(t, 2000)
	o := cli(t, "", "import", "--data", path, "--out", pg.url)
	require.Equal(t, 0, o.code, o.stderr)
	// Unix nanoseconds as timestamptz, to the microsecond: the sample's
	// times are whole seconds.
	ts := func(col string) string {
		return "timestamptz 'epoch' + (" + col + " / 1000) * interval '1 microsecond'"
	}
	// copyAs makes table from the imported rows with timestamptz times,
	// the assignee and creation columns named assignee and createdAs.
	copyAs := func(table, from, tenant, assignee, created string) {
		var cols []string
		for _, c := range []string{"id", "channel", "inbox", "assignee", "team", "status", "created_at", "first_assigned_at",
			"first_response_at", "closed_at", "closed_by", "origin_url", "chatflow", "source", "contact_id", "subject",
			"incoming_messages", "outgoing_messages"} {
			switch {
			case c == "assignee":
				cols = append(cols, "assignee AS "+assignee)
			case c == "created_at":
				cols = append(cols, ts(c)+" AS "+created)
			case strings.HasSuffix(c, "_at"):
				cols = append(cols, ts(c)+" AS "+c)
			default:
				cols = append(cols, c)
			}
		}
		if tenant != "" {
			cols = append(cols, "'"+tenant+"'::text AS account")
		}
		_, err := pg.db.Exec("CREATE TABLE " + table + " AS SELECT " + strings.Join(cols, ", ") + " FROM " + from)
		require.NoError(t, err)
	}
	copyAs("tickets", "conversations", "acme", "agent", "opened")
	_, err := pg.db.Exec("ALTER TABLE tickets ADD PRIMARY KEY (account, id)")
	require.NoError(t, err)
	var typ string
	require.NoError(t, pg.db.QueryRow(`SELECT data_type FROM information_schema.columns WHERE table_name = 'tickets' AND column_name = 'opened'`).Scan(&typ))
	require.Equal(t, "timestamp with time zone", typ)

	layout := `"table": "tickets", "columns": {"Assignee": "agent", "CreatedAt": "opened"}`
	mapping := writeFile(t, dir, "tickets.json", `{`+layout+`, "times": "timestamp", "tenant": "account"}`)
	period := []string{"--range", "last_30_days", "--now", "2025-06-01", "--tz", "Europe/Paris"}
	for _, args := range [][]string{
		{"run", "--dashboard", "chat-overview", "--format", "json"},
		{"run", "--dashboard", "email-overview", "--format", "json"},
		{"drill", "--dashboard", "chat-overview", "--report", "Average chat first response time by rep", "--point", "assignee=(no value)", "--format", "csv", "--limit", "1000"},
		{"drill", "--dashboard", "email-overview", "--report", "Email volume by owner", "--point", "assignee=(no value)", "--format", "csv", "--limit", "1000"},
	} {
		args = append(args, period...)
		want := cli(t, "", append(args, "--data", path)...)
		got := cli(t, "", append(args, "--data", pg.url, "--mapping", mapping, "--tenant", "account=acme")...)
		require.Equal(t, 0, want.code, want.stderr)
		require.Equal(t, 0, got.code, got.stderr)
		require.Greater(t, strings.Count(got.stdout, "\n"), 2, args)
		require.Equal(t, want.stdout, got.stdout, "%v: the table answers as the file", args)
	}
	// The chats of April by rep, counted by hand from the file.
	cs, err := ingest.ReadFile(t.Context(), path, ingest.Options{})
	require.NoError(t, err)
	paris, err := time.LoadLocation("Europe/Paris")
	require.NoError(t, err)
	want := chatsByRep(cs, time.Date(2025, 4, 1, 0, 0, 0, 0, paris), time.Date(2025, 5, 1, 0, 0, 0, 0, paris), func(convreport.Conversation) bool { return true })
	o = cli(t, "", "run", "--dashboard", "chat-overview", "--format", "json", "--top", "0", "--from", "2025-04-01", "--to", "2025-05-01", "--tz", "Europe/Paris",
		"--data", pg.url, "--mapping", mapping, "--tenant", "account=acme")
	require.Equal(t, 0, o.code, o.stderr)
	requireChatsByRep(t, o.stdout, want)

	run := []string{"run", "--dashboard", "chat-overview", "--data", pg.url}
	for _, c := range []struct {
		mapping string // the file's body
		args    []string
		code    int
		want    string
	}{
		// No "times": the fix named as the file's key.
		{`{` + layout + `, "tenant": "account"}`, []string{"--tenant", "account=acme"}, 1,
			`sqlsource: table "tickets": column "opened" of CreatedAt (time) is timestamp with time zone: --mapping FILE reads times as bigint Unix nanoseconds: set "times": "timestamp" in it for timestamptz columns`},
		// No "tenant" and no --tenant: the table's key says it is shared.
		{`{` + layout + `, "times": "timestamp"}`, nil, 2,
			`table "tickets" is shared by tenants (keyed by account and id): read one with --tenant account=VALUE`},
		{`{` + layout + `, "times": "timestamp", "tenant": "account"}`, nil, 2,
			`--mapping FILE: table "tickets" is shared by tenants (column "account"): read one tenant's rows with --tenant account=VALUE`},
		{`{` + layout + `, "times": "timestamp", "tenant": "account"}`, []string{"--tenant", "acct=acme"}, 2,
			`--tenant acct=… names tenant column "acct" but --mapping FILE names "account": give the same column, or leave "tenant" out of the file`},
		// A tenant the file leaves out comes from --tenant alone.
		{`{` + layout + `, "times": "timestamp"}`, []string{"--tenant", "account=acme"}, 0, ""},
	} {
		file := writeFile(t, t.TempDir(), "m.json", c.mapping)
		o := cli(t, "", append(append(run, "--mapping", file), c.args...)...)
		require.Equal(t, c.code, o.code, "%s %v: %s", c.mapping, c.args, o.stderr)
		require.Contains(t, o.stderr, strings.ReplaceAll(c.want, "FILE", file), "%s %v", c.mapping, c.args)
	}

	// Another tenant's rows: none.
	o = cli(t, "", append(append(run, period...), "--mapping", mapping, "--tenant", "account=globex", "--format", "json")...)
	require.Equal(t, 0, o.code, o.stderr)
	res, err := render.ParseJSON(strings.NewReader(o.stdout))
	require.NoError(t, err)
	require.Empty(t, res.Reports[0].Points)

	// The default layout over timestamptz columns: the flag to give.
	_, err = pg.db.Exec("ALTER TABLE conversations RENAME TO conversations_nanos")
	require.NoError(t, err)
	copyAs("conversations", "conversations_nanos", "", "assignee", "created_at")
	o = cli(t, "", append(run, period...)...)
	require.Equal(t, 1, o.code)
	require.Contains(t, o.stderr, `sqlsource: table "conversations": column "created_at" of CreatedAt (time) is timestamp with time zone: the default layout reads times as bigint Unix nanoseconds: give --mapping FILE with "times": "timestamp" for timestamptz columns`)
	o = cli(t, "", append(append(run, period...), "--mapping", writeFile(t, dir, "times.json", `{"times": "timestamp"}`), "--format", "json")...)
	require.Equal(t, 0, o.code, o.stderr)
	plain := cli(t, "", append([]string{"run", "--dashboard", "chat-overview", "--format", "json", "--data", path}, period...)...)
	require.Equal(t, plain.stdout, o.stdout)

	// serve names the mapping in the command that makes it live, and
	// notify puts the trigger on the mapped table.
	s := startServe(t, "--data", pg.url, "--mapping", mapping, "--tenant", "account=acme", "--now", "2025-06-01", "--tz", "UTC")
	require.Contains(t, s.stderr.String(), `table "tickets" has no convreport_notify trigger: run convreport notify --data `+pg.url+` --mapping `+mapping+` once`)
	served := startServe(t, "--data", path, "--now", "2025-06-01", "--tz", "UTC")
	require.Equal(t, chatsServed(t, served), chatsServed(t, s), "the numbers are the file's")
	served.stop()
	o = cli(t, "", "notify", "--data", pg.url, "--mapping", mapping)
	require.Equal(t, 0, o.code, o.stderr)
	require.Contains(t, o.stderr, `installed the convreport_notify trigger on table "tickets"`)
	var n int
	require.NoError(t, pg.db.QueryRow(`SELECT COUNT(*) FROM pg_trigger WHERE tgname = 'convreport_notify' AND tgrelid = 'tickets'::regclass`).Scan(&n))
	require.Equal(t, 1, n)
	live, reason := s.liveStatus("chat-overview")
	require.True(t, live, reason)
	s.stop()
}

// import --out-mapping makes the table the file describes (in PostgreSQL
// with "times": "timestamp", timestamptz columns), a rerun finds the rows
// there, and run --mapping reads it back as the file; a copy from it
// into another database reads it through --mapping.
func TestImportIntoAMappedTable(t *testing.T) {
	path := withPlans(t, generated(t, 1200))
	dir := t.TempDir()
	schema := writeFile(t, dir, "schema.json", `{"properties": [{"name": "plan", "kind": "string"}]}`)
	period := []string{"--range", "last_30_days", "--now", "2025-06-01", "--tz", "Europe/Paris", "--format", "json", "--schema", schema}
	for kind, out := range outDatabases(t) {
		if kind == "clickhouse" {
			continue
		}
		t.Run(kind, func(t *testing.T) {
			body := `{"table": "tickets", "columns": {"Assignee": "agent", "CreatedAt": "opened"}, "json": "extra"`
			if kind == "postgresql" {
				body += `, "times": "timestamp"`
			}
			mapping := writeFile(t, t.TempDir(), "tickets.json", body+"}")
			o := cli(t, "", "import", "--data", path, "--schema", schema, "--out", out.url, "--out-mapping", mapping)
			require.Equal(t, 0, o.code, o.stderr)
			require.Contains(t, o.stderr, "wrote 1200 conversations to ")
			require.Equal(t, 1200, out.count(t, "SELECT COUNT(*) FROM tickets WHERE agent IS NOT NULL OR agent IS NULL"))
			require.Equal(t, 400, out.count(t, map[string]string{
				"sqlite":     "SELECT COUNT(*) FROM tickets WHERE json_extract(extra, '$.plan') = 'pro'",
				"postgresql": "SELECT COUNT(*) FROM tickets WHERE extra->>'plan' = 'pro'",
			}[kind]))
			if kind == "postgresql" {
				var typ string
				require.NoError(t, out.db.QueryRow(`SELECT data_type FROM information_schema.columns WHERE table_name = 'tickets' AND column_name = 'opened'`).Scan(&typ))
				require.Equal(t, "timestamp with time zone", typ)
			}
			var tables int
			require.NoError(t, out.db.QueryRow(map[string]string{
				"sqlite":     "SELECT COUNT(*) FROM sqlite_master WHERE name = 'conversations'",
				"postgresql": "SELECT COUNT(*) FROM pg_tables WHERE tablename = 'conversations'",
			}[kind]).Scan(&tables))
			require.Zero(t, tables, "no table of the default layout")

			o = cli(t, "", "import", "--data", path, "--schema", schema, "--out", out.url, "--out-mapping", mapping)
			require.Equal(t, 0, o.code, o.stderr)
			require.Contains(t, o.stderr, "wrote 0 conversations to ")
			require.Contains(t, o.stderr, "(1200 already there)")

			for _, args := range [][]string{
				{"run", "--dashboard", "chat-overview"},
				{"run", "--dashboard", "chat-overview", "--where", "plan is_any_of pro,team"},
			} {
				want := cli(t, "", append(append(args, period...), "--data", path)...)
				got := cli(t, "", append(append(args, period...), "--data", out.url, "--mapping", mapping)...)
				require.Equal(t, 0, got.code, got.stderr)
				require.Equal(t, want.stdout, got.stdout, "%v: read back as the file", args)
			}

			// From the mapped table into another database's default
			// layout.
			copied := filepath.Join(t.TempDir(), "copy.db")
			o = cli(t, "", "import", "--data", out.url, "--mapping", mapping, "--schema", schema, "--out", copied)
			require.Equal(t, 0, o.code, o.stderr)
			want := cli(t, "", append([]string{"run", "--dashboard", "email-overview", "--data", path}, period...)...)
			got := cli(t, "", append([]string{"run", "--dashboard", "email-overview", "--data", copied}, period...)...)
			require.Equal(t, 0, got.code, got.stderr)
			require.Equal(t, want.stdout, got.stdout)
		})
	}
}

// A mapping file that is wrong, or a --mapping where no table is read,
// is refused before any database is opened, naming the file and what is
// wrong in it.
func TestMappingFileErrors(t *testing.T) {
	dir := t.TempDir()
	data := generated(t, 10)
	db := filepath.Join(dir, "helpdesk.db") // never made: the mapping is refused first
	file := func(body string) string { return writeFile(t, t.TempDir(), "m.json", body) }
	run := []string{"run", "--dashboard", "chat-overview", "--data", db}
	for _, c := range []struct {
		args []string
		code int
		want string // {file} is the file given
		body string
	}{
		{run, 1, `--mapping {file}: unknown key "colums" (did you mean "columns"? want table, columns, json, json_keys, times, tenant)`, `{"table": "tickets", "colums": {}}`},
		{run, 1, `--mapping {file}: unknown key "Table" (did you mean "table"? want table, columns, json, json_keys, times, tenant)`, `{"Table": "tickets"}`},
		{run, 1, `--mapping {file}: "times": "timestmp": want "timestamp" (PostgreSQL timestamptz columns) or "unix_nanos" (integer Unix nanoseconds, the default)`, `{"times": "timestmp"}`},
		{run, 1, `--mapping {file}: "times": 1: want "timestamp"`, `{"times": 1}`},
		{run, 1, `--mapping {file}: "columns": want an object of names to names, got array`, `{"columns": ["agent"]}`},
		{run, 1, `--mapping {file}: table: the key appears twice in one object; give it once`, `{"table": "a", "table": "b"}`},
		{run, 1, `--mapping {file}: want a JSON object such as {"table": "tickets", "times": "timestamp"}`, `["tickets"]`},
		{run, 1, `--mapping {file}: not JSON: `, `{"table": `},
		{run, 1, `--mapping {file}: sqlsource: mapping: column for "Asignee": the schema has no such property`, `{"columns": {"Asignee": "agent"}}`},
		{run, 2, `--mapping {file}: "times": "timestamp" reads PostgreSQL timestamptz columns; SQLite keeps times as integer Unix nanoseconds (leave "times" out)`, `{"times": "timestamp"}`},
		{append(run, "--tenant", "acct=acme"), 2, `--tenant acct=… names tenant column "acct" but --mapping {file} names "account"`, `{"tenant": "account"}`},
		{run, 2, `--mapping {file}: table "tickets" is shared by tenants (column "account"): read one tenant's rows with --tenant account=VALUE`, `{"table": "tickets", "tenant": "account"}`},
		{[]string{"drill", "--dashboard", "chat-overview", "--report", "Conversations by rep", "--data", data}, 2, `--mapping describes a database table (--data DB); --data ` + data + ` is a file, read as it is`, `{}`},
		{[]string{"serve", "--addr", "127.0.0.1:0"}, 2, `--mapping describes a database table (--data DB); the sample data is generated in memory`, `{}`},
		{[]string{"serve", "--addr", "127.0.0.1:0", "--data", data, "--follow"}, 2, `--mapping describes a database table (--data DB); --data ` + data + ` is a file, read as it is`, `{}`},
		{[]string{"import", "--data", data, "--out", db}, 2, `--mapping describes the table of --data DB that import reads; --data ` + data + ` is a file, read as it is (for the table import writes, give --out-mapping FILE)`, `{}`},
		{[]string{"import", "--data", data, "--out", db, "--tenant", "account=acme", "--out-mapping"}, 2, `--tenant account=… names tenant column "account" but --out-mapping {file} names "acct": give the same column, or leave "tenant" out of the file`, `{"table": "tickets", "tenant": "acct"}`},
		{[]string{"import", "--data", data, "--out", db, "--out-mapping"}, 2, `--out-mapping {file}: table "tickets" is shared by tenants (column "acct"): write one tenant's rows with --tenant acct=VALUE`, `{"table": "tickets", "tenant": "acct"}`},
		{[]string{"import", "--data", data, "--out", filepath.Join(dir, "x.parquet"), "--out-mapping"}, 2, `--out-mapping describes the database table import writes (--out DB); --out ` + filepath.Join(dir, "x.parquet") + ` is a file`, `{}`},
		{[]string{"notify", "--data", "postgres://127.0.0.1:1/x"}, 1, `--mapping {file}: unknown key "tabel" (did you mean "table"?`, `{"tabel": "tickets"}`},
	} {
		f := file(c.body)
		args := append([]string{}, c.args...)
		if args[len(args)-1] == "--out-mapping" {
			args = append(args, f)
		} else {
			args = append(args, "--mapping", f)
		}
		o := cli(t, "", args...)
		require.Equal(t, c.code, o.code, "%v %s: %s", c.args, c.body, o.stderr)
		want := strings.ReplaceAll(c.want, "{file}", f)
		require.Contains(t, o.stderr, "convreport: "+want, "%v %s", c.args, c.body)
		require.Equal(t, 1, strings.Count(o.stderr, "\n"), "one line: %s", o.stderr)
	}
	_, err := os.Stat(db)
	require.True(t, os.IsNotExist(err), "no database was made")

	o := cli(t, "", append(run, "--mapping", filepath.Join(dir, "nope.json"))...)
	require.Equal(t, 1, o.code)
	require.Equal(t, "convreport: --mapping "+filepath.Join(dir, "nope.json")+": no such file or directory\n", o.stderr)

	// Without a file, a --tenant column the layout cannot take is named
	// by the flag.
	o = cli(t, "", append(run, "--tenant", "id=acme")...)
	require.Equal(t, 1, o.code)
	require.Equal(t, "convreport: --tenant id=…: sqlsource: mapping: tenant column \"id\" is also the column of ID\n", o.stderr)

	// Between two databases, a tenant to write is not said.
	path := generated(t, 20)
	src := filepath.Join(dir, "src.db")
	o = cli(t, "", "import", "--data", path, "--out", src)
	require.Equal(t, 0, o.code, o.stderr)
	f := file(`{"table": "tickets", "tenant": "acct"}`)
	o = cli(t, "", "import", "--data", src, "--out", filepath.Join(dir, "other.db"), "--out-mapping", f)
	require.Equal(t, 2, o.code, o.stderr)
	require.Contains(t, o.stderr, `--out-mapping `+f+`: table "tickets" is shared by tenants (column "acct"): a copy between two databases writes no tenant's rows: copy into a .parquet file, then import that with --tenant acct=VALUE`)
}

// The flag is in the help of every command that reads or writes a
// database.
func TestMappingInTheHelp(t *testing.T) {
	for _, cmd := range []string{"run", "drill", "serve", "import", "notify"} {
		o := cli(t, "", cmd, "-h")
		require.Equal(t, 0, o.code, o.stderr)
		require.Contains(t, o.stderr, "-mapping FILE", cmd)
		require.Contains(t, o.stderr, `"times": "timestamp" reads PostgreSQL timestamptz columns`, cmd)
	}
	o := cli(t, "", "import", "-h")
	require.Contains(t, o.stderr, "-out-mapping FILE")
	// The help's example is a mapping the command line reads.
	example := `{"table": "tickets", "columns": {"Assignee": "agent", "CreatedAt": "opened"}, "json": "extra", "json_keys": {"plan": "tier"}, "times": "timestamp", "tenant": "account"}`
	require.Contains(t, o.stderr, example)
	schema := writeFile(t, t.TempDir(), "schema.json", `{"properties": [{"name": "plan", "kind": "string"}]}`)
	o = cli(t, "", "run", "--dashboard", "chat-overview", "--data", "postgres://127.0.0.1:1/x", "--schema", schema, "--tenant", "account=acme",
		"--mapping", writeFile(t, t.TempDir(), "m.json", example))
	require.Equal(t, 1, o.code)
	require.Contains(t, o.stderr, "cannot connect", "the mapping was read, and the server tried")
}
