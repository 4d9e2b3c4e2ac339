package sqlsource

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// isStalePlan reports whether err is PostgreSQL refusing a statement
// prepared before its table changed the type of a column it returns
// (ALTER TABLE … TYPE). pgx's database/sql driver prepares and caches
// every statement on each connection; it drops the refused one from that
// connection's cache, but the statement fails once on every connection
// that cached it.
func isStalePlan(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "0A000" && strings.Contains(pe.Message, "cached plan must not change result type")
}

// retryFresh reports whether a read that failed with err is run again
// with freshPlan: PostgreSQL refused a stale cached statement, and the
// table, read again, still has the mapped columns in types the
// statements read (else queryError made err a *TableChangedError).
func (s *Source) retryFresh(err error) bool {
	var tc *TableChangedError
	return s.d == PostgreSQL && isStalePlan(err) && !errors.As(err, &tc)
}

// freshPlan returns a statement's parameters so that pgx's database/sql
// driver runs it without a cached statement (describing it, then running
// it, on the same connection), so that no connection's stale statement
// can fail it again. pgx takes a QueryExecMode leading the parameters as
// an option, not a parameter.
func freshPlan(args []any) []any {
	return append([]any{pgx.QueryExecModeDescribeExec}, args...)
}

// TableChangedError is the error of a statement of a PostgreSQL [Source]
// that failed because the table changed after [New] checked it: a mapped
// column dropped, or altered to a type the statements cannot read (the
// check New makes, see [ColumnTypeError]). A change of type the
// statements read as before (integer to bigint, text to varchar) fails
// nothing: a statement PostgreSQL refuses as prepared before the change
// ("cached plan must not change result type") is run again.
type TableChangedError struct {
	Dialect  Dialect
	Table    string // the mapped table
	Column   string // the column; "" when the table itself is gone
	Property string // the property the column holds; "" for the JSON or tenant column
	Was      string // its type when the source opened
	Now      string // its type now; "" when dropped
	Reason   string // what it must be instead; "" when dropped
	Err      error  // the database's error
}

func (e *TableChangedError) Error() string {
	q := e.Dialect.quote
	msg := "table " + q(e.Table) + " changed since the source opened: "
	if e.Column == "" {
		return msg + "it no longer exists"
	}
	msg += "column " + q(e.Column)
	if e.Property != "" {
		msg += " of " + e.Property
	}
	if e.Now == "" {
		return msg + " was dropped: restore it, or map another column (Mapping.Columns) and open the source again"
	}
	return fmt.Sprintf("%s is now %s (was %s): %s", msg, e.Now, e.Was, e.Reason)
}

func (e *TableChangedError) Unwrap() error { return e.Err }

// pgQueryError explains err, a statement's error, when the table changed
// since New in a way the statements cannot read (a *TableChangedError
// wrapping err); else it returns err. It reads the table's columns again
// only for errors a change of the table can cause: a stale statement, an
// undefined column, table, operator or function, a mismatched type, bad
// data.
func (s *Source) pgQueryError(ctx context.Context, err error) error {
	var pe *pgconn.PgError
	var tc *TableChangedError
	if !errors.As(err, &pe) || errors.As(err, &tc) {
		return err
	}
	if pe.Code != "0A000" && !strings.HasPrefix(pe.Code, "42") && !strings.HasPrefix(pe.Code, "22") {
		return err
	}
	lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	types, terr := tableColumnTypes(lctx, s.db, s.d, s.l.table)
	if terr != nil {
		return err // cannot tell: the database's own error says what it can
	}
	if ce := s.tableChange(types); ce != nil {
		ce.Err = err
		return ce
	}
	return err
}

// tableChange compares the table's column types now, types, with what
// New checked: nil when every column the statements read is there and
// of a type they read as they did.
func (s *Source) tableChange(types map[string]string) *TableChangedError {
	e := &TableChangedError{Dialect: s.d, Table: s.l.table}
	if len(types) == 0 {
		return e
	}
	type needed struct{ name, prop string }
	var cols []needed
	for _, c := range s.l.stored() {
		cols = append(cols, needed{c.name, c.prop.Name})
	}
	for _, name := range []string{s.l.json, s.l.tenant} {
		if name != "" {
			cols = append(cols, needed{name, ""})
		}
	}
	for _, c := range cols {
		if _, ok := types[s.d.fold(c.name)]; !ok {
			e.Column, e.Property, e.Was = c.name, c.prop, s.types[s.d.fold(c.name)]
			return e
		}
	}
	// New's check, on a copy: it sets jsonCast.
	l := *s.l
	probe := &Source{db: s.db, d: s.d, schema: s.schema, l: &l}
	var ce *ColumnTypeError
	if err := probe.checkColumnTypes(types); errors.As(err, &ce) {
		e.Column, e.Property, e.Now, e.Reason = ce.Column, ce.Property, ce.Type, ce.Reason
		e.Was = s.types[s.d.fold(ce.Column)]
		return e
	}
	// Types New adapted the statements to: a json column read with
	// json's functions, a tenant compared as an integer or as text.
	reopen := "the source's statements were made for its type when it opened: open the source again"
	if s.l.json != "" && l.jsonCast != s.l.jsonCast {
		e.Column, e.Now, e.Was, e.Reason = s.l.json, types[s.d.fold(s.l.json)], s.types[s.d.fold(s.l.json)], reopen
		return e
	}
	if s.l.tenant != "" && tenantKindOf(s.d, types[s.d.fold(s.l.tenant)]) != s.tenantKind {
		e.Column, e.Now, e.Was, e.Reason = s.l.tenant, types[s.d.fold(s.l.tenant)], s.types[s.d.fold(s.l.tenant)], reopen
		return e
	}
	return nil
}
