package sqlsource

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"

	"github.com/convreport/convreport"
	"github.com/jackc/pgx/v5"
)

// notifyChannel is the PostgreSQL channel the trigger of [InstallNotify]
// notifies, with the table's name as the payload.
const notifyChannel = "convreport_changes"

// notifyTrigger names the trigger and its function.
const notifyTrigger = "convreport_notify"

// InstallNotify makes the PostgreSQL table of m tell [Source.Watch] about
// its changes: it creates (or replaces) a statement-level trigger that,
// after every INSERT, UPDATE, DELETE or TRUNCATE, sends a notification on
// the channel convreport_changes with the table's name as payload. A
// notification is sent when the writing transaction commits, once per
// transaction and table however many rows it wrote. Run it once, as a
// role that may create functions and triggers.
func InstallNotify(ctx context.Context, db *sql.DB, m Mapping) error {
	l, err := newLayout(PostgreSQL, convreport.DefaultSchema(), Mapping{Table: m.Table})
	if err != nil {
		return err
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlsource: install notify trigger: %w", err)
	}
	defer tx.Rollback()
	table := PostgreSQL.quote(l.table)
	for _, stmt := range []string{
		`CREATE OR REPLACE FUNCTION ` + notifyTrigger + `() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_notify('` + notifyChannel + `', TG_TABLE_NAME);
	RETURN NULL;
END $$`,
		`DROP TRIGGER IF EXISTS ` + notifyTrigger + ` ON ` + table,
		`CREATE TRIGGER ` + notifyTrigger + ` AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ` + table +
			` FOR EACH STATEMENT EXECUTE FUNCTION ` + notifyTrigger + `()`,
	} {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("sqlsource: install notify trigger on %s: %w", table, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlsource: install notify trigger on %s: %w", table, err)
	}
	return nil
}

// Watch listens for the notifications of the trigger [InstallNotify]
// creates, on a connection of its own taken from the pool for as long as
// ctx lasts (PostgreSQL through the pgx driver only; other databases get
// an error wrapping [convreport.ErrUnsupported]). It returns once it
// listens, so a write committed after Watch returns is signalled. A lost
// connection ends the watch with a Change carrying the error; the caller
// may Watch again.
func (s *Source) Watch(ctx context.Context) (<-chan convreport.Change, error) {
	if s.d != PostgreSQL {
		return nil, fmt.Errorf("sqlsource: %v has no change notifications: %w", s.d, convreport.ErrUnsupported)
	}
	var installed bool
	err := s.db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = $1 AND tgrelid = to_regclass($2))`,
		notifyTrigger, s.d.quote(s.l.table)).Scan(&installed)
	if err != nil {
		return nil, fmt.Errorf("sqlsource: watch: %w", err)
	}
	if !installed {
		return nil, fmt.Errorf("sqlsource: watch: %w", &convreport.WatchSetupError{
			Missing: fmt.Sprintf("table %s has no %s trigger", s.d.quote(s.l.table), notifyTrigger),
			Fix:     "run sqlsource.InstallNotify once",
		})
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("sqlsource: watch: %w", err)
	}
	ch := make(chan convreport.Change, 1)
	listening := make(chan error, 1)
	go func() {
		defer conn.Close()
		defer close(ch)
		err := conn.Raw(func(dc any) error {
			pc, ok := dc.(interface{ Conn() *pgx.Conn })
			if !ok {
				listening <- fmt.Errorf("sqlsource: watch needs the pgx driver (database/sql name \"pgx\"), not %T: %w", dc, convreport.ErrUnsupported)
				return nil
			}
			if _, err := pc.Conn().Exec(ctx, "LISTEN "+notifyChannel); err != nil {
				listening <- fmt.Errorf("sqlsource: watch: %w", err)
				return driver.ErrBadConn
			}
			listening <- nil
			for {
				n, err := pc.Conn().WaitForNotification(ctx)
				if err != nil {
					if ctx.Err() == nil {
						// The last value says why; it replaces a pending signal.
						select {
						case <-ch:
						default:
						}
						ch <- convreport.Change{Err: fmt.Errorf("sqlsource: watch: %w", err)}
					}
					// The connection listens: it must not go back to the pool.
					return driver.ErrBadConn
				}
				if n.Payload != s.l.table {
					continue
				}
				select {
				case ch <- convreport.Change{}:
				default: // a signal is already pending
				}
			}
		})
		// Raw may fail before calling the function (a closed pool): Watch
		// must not wait forever. After a first value this send is unread.
		if err == nil || errors.Is(err, driver.ErrBadConn) {
			err = errors.New("the connection ended")
		}
		select {
		case listening <- fmt.Errorf("sqlsource: watch: %w", err):
		default:
		}
	}()
	if err := <-listening; err != nil {
		return nil, err
	}
	return ch, nil
}
