package main_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// serve --data postgres://… over a table without the notify trigger says,
// at start and on the page, that it is missing and which command installs
// it (the page used to say "reload the page to try again", which never
// helped); once notify has run, the next page is live without a restart.
func TestServePostgreSQLSaysHowToGoLive(t *testing.T) {
	pg, ok := outDatabases(t)["postgresql"]
	if !ok {
		t.Skip("PostgreSQL left out: set CONVREPORT_POSTGRES_DSN")
	}
	path := generated(t, 300)
	o := cli(t, "", "import", "--data", path, "--out", pg.url)
	require.Equal(t, 0, o.code, o.stderr)

	s := startServe(t, "--data", pg.url, "--now", "2025-06-01", "--tz", "UTC")
	fix := "run convreport notify --data " + pg.url + " once"
	require.Contains(t, s.stderr.String(), `convreport: open dashboards will not update live: table "conversations" has no convreport_notify trigger: `+fix+", then reload them")
	live, reason := s.liveStatus("chat-overview")
	require.False(t, live)
	require.Equal(t, `The data source is not set up to tell of its changes (table "conversations" has no convreport_notify trigger): `+fix+", then reload the page.", reason)

	o = cli(t, "", "notify", "--data", pg.url)
	require.Equal(t, 0, o.code, o.stderr)
	require.Contains(t, o.stderr, `installed the convreport_notify trigger on table "conversations"`)
	var n int
	require.NoError(t, pg.db.QueryRow(`SELECT COUNT(*) FROM pg_trigger WHERE tgname = 'convreport_notify' AND tgrelid = 'conversations'::regclass`).Scan(&n))
	require.Equal(t, 1, n, "the trigger is on the table")
	live, reason = s.liveStatus("chat-overview")
	require.True(t, live, reason)
	s.stop()

	// Started with the trigger there, serve says nothing about it.
	s = startServe(t, "--data", pg.url, "--now", "2025-06-01", "--tz", "UTC")
	require.NotContains(t, s.stderr.String(), "will not update live")
	s.stop()
}

func TestNotifyWantsAPostgreSQLURL(t *testing.T) {
	o := cli(t, "", "notify", "--data", "helpdesk.db")
	require.Equal(t, 2, o.code)
	require.Contains(t, o.stderr, "--data helpdesk.db: notify installs a PostgreSQL trigger; want a postgres:// URL")
	o = cli(t, "", "notify")
	require.Equal(t, 2, o.code)
	require.Contains(t, o.stderr, "--data is required")
}

// serve -h names every kind of --data, databases too.
func TestServeHelpNamesDatabases(t *testing.T) {
	o := cli(t, "", "serve", "-h")
	require.Equal(t, 0, o.code, o.stderr)
	require.Contains(t, o.stderr, "an SQLite .db file, a postgres:// or clickhouse:// URL")
	require.Contains(t, o.stderr, "convreport notify --data URL")
}
