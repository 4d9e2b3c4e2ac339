package bench

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/convreport/convreport"
	_ "modernc.org/sqlite" // the "sqlite" driver, pure Go
)

// OpenSQLite returns an in-memory SQLite database holding cs in
// [CreateTable], inserted in one transaction through a prepared statement.
// The pool keeps one connection: an in-memory database lives as long as
// its connection.
func OpenSQLite(ctx context.Context, cs []convreport.Conversation) (*sql.DB, error) {
	db, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	if err := loadSQL(ctx, db, cs, "PRAGMA journal_mode = OFF", "PRAGMA synchronous = OFF", "PRAGMA temp_store = MEMORY"); err != nil {
		db.Close()
		return nil, fmt.Errorf("bench: SQLite: %w", err)
	}
	return db, nil
}

func loadSQL(ctx context.Context, db *sql.DB, cs []convreport.Conversation, pragmas ...string) error {
	for _, s := range append(pragmas, CreateTable) {
		if _, err := db.ExecContext(ctx, s); err != nil {
			return err
		}
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	st, err := tx.PrepareContext(ctx, InsertRow)
	if err != nil {
		return err
	}
	for i := range cs {
		if _, err := st.ExecContext(ctx, Row(&cs[i])...); err != nil {
			return fmt.Errorf("row %d (%s): %w", i, cs[i].ID, err)
		}
	}
	if err := st.Close(); err != nil {
		return err
	}
	return tx.Commit()
}
