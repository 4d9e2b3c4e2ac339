package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/sqlsource"
)

const notifyUsage = `Usage: convreport notify --data postgres://… [--mapping FILE]

Installs on the PostgreSQL table "conversations" of --data (or the table
--mapping FILE names, the file serve is given) the trigger that tells
serve of every write to it (sqlsource.InstallNotify): the open
dashboards of serve --data on the same database then update as the table
changes, without a restart of serve. Run it once, as a role that may create
functions and triggers; running it again replaces the trigger. SQLite and
ClickHouse databases tell of no changes: their pages are reloaded instead.

Flags:
`

func (c *cli) notify(args []string) error {
	fs := c.flags("notify")
	path := fs.String("data", "", "the database: a postgres:// URL (required)")
	var mf mappingFlag
	mf.register(fs, "mapping", mappingHelp(`the layout of the table, the file serve --mapping reads (notify uses its "table")`))
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), notifyUsage)
		fs.PrintDefaults()
	}
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	if *path == "" {
		return usageError("--data is required: a postgres:// URL")
	}
	where := redact(*path)
	if d, ok := databaseDialect(*path); !ok || d != sqlsource.PostgreSQL {
		return usageError("--data %s: notify installs a PostgreSQL trigger; want a postgres:// URL (SQLite and ClickHouse databases tell of no changes)", where)
	}
	// Read, not checked against a schema: the file serve is given may
	// name custom properties' columns, which notify need not know.
	m, err := mf.read()
	if err != nil {
		return err
	}
	db, err := sql.Open("pgx", *path)
	if err != nil {
		return fmt.Errorf("--data %s: %w", where, err)
	}
	defer db.Close()
	if err := db.PingContext(c.ctx); err != nil {
		return fmt.Errorf("--data %s: cannot connect: %w", where, err)
	}
	if err := sqlsource.InstallNotify(c.ctx, db, m); err != nil {
		return fmt.Errorf("--data %s: %w", where, err)
	}
	fmt.Fprintf(c.stderr, "convreport: installed the convreport_notify trigger on table %q of %s: the dashboards of serve --data on it now update live\n", tableOf(m), where)
	return nil
}

// notifyAdvice is a database source that serve serves: a change feed that
// needs the notify trigger says, on the pages and in the log, the command
// that installs it rather than the library function.
type notifyAdvice struct {
	*sqlsource.Source
	data string // the flags of notify: --data, its password hidden, and --mapping
}

func (s notifyAdvice) Watch(ctx context.Context) (<-chan convreport.Change, error) {
	ch, err := s.Source.Watch(ctx)
	var setup *convreport.WatchSetupError
	if errors.As(err, &setup) {
		return nil, &convreport.WatchSetupError{Missing: setup.Missing, Fix: "run convreport notify --data " + s.data + " once"}
	}
	return ch, err
}

// liveNote says, for the start of serve over a database, why its open
// dashboards will not update live when they could once set up, or when
// following the changes failed; "" when they will, or when the database
// tells of no changes at all.
func liveNote(ctx context.Context, w convreport.Watcher) string {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	_, err := w.Watch(ctx)
	var setup *convreport.WatchSetupError
	switch {
	case err == nil, errors.Is(err, convreport.ErrUnsupported):
		return ""
	case errors.As(err, &setup):
		return "convreport: open dashboards will not update live: " + setup.Error() + ", then reload them"
	}
	return fmt.Sprintf("convreport: warning: following the database's changes failed (each page opened tries again): %v", err)
}
