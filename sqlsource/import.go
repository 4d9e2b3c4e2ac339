package sqlsource

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"iter"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/internal/firstseen"
)

// ImportOptions configures [Import] and [ImportAll].
type ImportOptions struct {
	// Tenant is the rows' tenant, for a table shared by tenants
	// (Mapping.Tenant); nil otherwise. IDs already present are looked up
	// among this tenant's rows only.
	Tenant any
	// BatchSize is how many conversations each batch writes; default
	// 10,000. Each batch is committed on its own (in ClickHouse, sent as
	// one block), so a failure loses at most the batch it interrupts.
	BatchSize int
	// Progress, when set, is called after each batch.
	Progress func(ImportProgress)
	// CheckOnly makes [ImportAll] check every conversation as an import
	// would (the schema, what the table's columns hold, IDs given once)
	// and write nothing: run it over a sequence that can be read again (a
	// file) before the import, so that bad input writes nothing.
	// Progress counts the rows checked. db may be nil; when it is not,
	// the declared types of an existing table's columns are read too,
	// and a message count a narrower column cannot hold (an integer
	// column's 2^31), or a count column [New] would refuse, is refused,
	// as the import would refuse it; no row is read.
	CheckOnly bool
	// UniqueIDs tells [ImportAll] that no ID repeats among its rows (the
	// readers of package ingest refuse a repeat), so that it keeps no
	// set of the IDs read: about 50 bytes an ID, gigabytes over a
	// hundred million. [Import] ignores it.
	UniqueIDs bool
}

// ImportProgress says how far an [Import] is.
type ImportProgress struct {
	// Done is how many of the conversations given have been handled:
	// Inserted plus Skipped (checked, with CheckOnly). Total is how many
	// were given, or 0 for [ImportAll], whose sequence has no length.
	Done, Total int
	// Inserted were written; Skipped were already in the table (by ID).
	Inserted, Skipped int
}

// Import copies cs into the table m describes in batches, each committed
// on its own, skipping every conversation whose ID the table (the tenant's
// rows of it) already holds: an import that failed midway, rerun with the
// same input, writes what the first run did not, and a row already there
// is kept as it is, never replaced. Every conversation is validated, as
// [Insert] does, before the first batch is written, and an ID given twice
// is refused, so bad input writes nothing; so is a table whose message
// count column [New] would refuse, with its [*ColumnTypeError]. It
// returns how far it got, also on error.
//
// Into PostgreSQL through the pgx driver, a batch is one binary COPY in a
// transaction of its own, several times faster than INSERT statements,
// wherever it stores exactly what they would: with the table locked,
// every column written must be of the type the INSERTs cast to (and
// neither generated nor an identity), and the table must have no rule on
// INSERT and no trigger. Otherwise (an embedder's table that keeps a
// count as text, say) the INSERTs write the batch, as they do on other
// drivers.
//
// Skipping is done by looking the batch's IDs up before writing it (ClickHouse
// has no unique keys to lean on); when the table holds none of the
// tenant's rows at the start, no lookups are made. Two imports of the same
// IDs into one table at the same time may both write them in ClickHouse;
// in SQLite and PostgreSQL the key of [CreateTable] refuses the second.
func Import(ctx context.Context, db *sql.DB, d Dialect, m Mapping, s *convreport.Schema, cs []convreport.Conversation, opt ImportOptions) (ImportProgress, error) {
	prog := ImportProgress{Total: len(cs)}
	s, l, tenant, err := importLayout(d, m, s, opt)
	if err != nil {
		return prog, err
	}
	// A count the column cannot hold is refused with the rest of the
	// check, before anything is written.
	if err := l.readCountTypes(ctx, db); err != nil {
		return prog, err
	}
	if err := uniqueIDs(cs); err != nil {
		return prog, err
	}
	if err := l.validate(s, cs, 0); err != nil {
		return prog, err
	}
	size := opt.batchSize()
	fresh, err := l.empty(ctx, db, tenant)
	if err != nil {
		return prog, err
	}
	for start := 0; start < len(cs); start += size {
		if err := l.importBatch(ctx, db, tenant, cs[start:min(start+size, len(cs))], fresh, &prog); err != nil {
			return prog, err
		}
		if opt.Progress != nil {
			opt.Progress(prog)
		}
	}
	return prog, nil
}

// ImportAll is [Import] of conversations read once from a sequence, for
// input too large to hold: each batch is checked as Import checks every
// row, then written, as it is read, so a bad conversation, a repeated ID
// or an error of rows stops it after the batches before it were
// committed (fixed and run again, it writes the rest, as Import does
// after a failure). Where bad input must write nothing, run it first
// with opt.CheckOnly over a sequence that can be read again, as the
// command line's import of a file does. Progress reports a Total of 0.
func ImportAll(ctx context.Context, db *sql.DB, d Dialect, m Mapping, s *convreport.Schema, rows iter.Seq2[convreport.Conversation, error], opt ImportOptions) (ImportProgress, error) {
	var prog ImportProgress
	s, l, tenant, err := importLayout(d, m, s, opt)
	if err != nil {
		return prog, err
	}
	// A count the column cannot hold is refused with the rest of the
	// check, before anything is written.
	if err := l.readCountTypes(ctx, db); err != nil {
		return prog, err
	}
	size := opt.batchSize()
	fresh := true
	if !opt.CheckOnly {
		if fresh, err = l.empty(ctx, db, tenant); err != nil {
			return prog, err
		}
	}
	var seen *firstseen.Table // each ID's first row, from 0
	if !opt.UniqueIDs {
		seen = firstseen.New(0)
	}
	// Grown by appending: a large BatchSize reserves nothing up front.
	batch := make([]convreport.Conversation, 0, min(size, 1024))
	read := 0 // the rows read, the batch's last among them
	flush := func() error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := l.validate(s, batch, read-len(batch)); err != nil {
			return err
		}
		if opt.CheckOnly {
			prog.Done += len(batch)
		} else if err := l.importBatch(ctx, db, tenant, batch, fresh, &prog); err != nil {
			return err
		}
		if opt.Progress != nil {
			opt.Progress(prog)
		}
		batch = batch[:0]
		return nil
	}
	for c, err := range rows {
		if err != nil {
			return prog, err
		}
		if seen != nil {
			if j, dup := seen.First(c.ID, seen.Hash(c.ID), read); dup {
				return prog, fmt.Errorf("sqlsource: import: conversation %q is given twice (at %d and %d)", c.ID, j, read)
			}
		}
		batch = append(batch, c)
		read++
		if len(batch) == size {
			if err := flush(); err != nil {
				return prog, err
			}
		}
	}
	if len(batch) > 0 {
		if err := flush(); err != nil {
			return prog, err
		}
	}
	return prog, nil
}

// batchSize is BatchSize, or its default when not positive.
func (o ImportOptions) batchSize() int {
	if o.BatchSize <= 0 {
		return 10_000
	}
	return o.BatchSize
}

// importLayout returns the schema an import writes (s, or the default),
// the table's layout under it and the rows' tenant.
func importLayout(d Dialect, m Mapping, s *convreport.Schema, opt ImportOptions) (*convreport.Schema, *layout, any, error) {
	if s == nil {
		s = convreport.DefaultSchema()
	}
	l, err := newLayout(d, s, m)
	if err != nil {
		return nil, nil, nil, err
	}
	tenant, err := l.insertTenant(opt.Tenant)
	if err != nil {
		return nil, nil, nil, err
	}
	return s, l, tenant, nil
}

// empty reports whether the table holds none of the tenant's rows, so that
// an import need not look its IDs up.
func (l *layout) empty(ctx context.Context, db *sql.DB, tenant any) (bool, error) {
	var n int64
	q := &sqlBuf{d: l.d}
	q.w("SELECT COUNT(*) FROM ")
	q.ident(l.table)
	l.tenantWhere(q, tenant)
	if l.d == ClickHouse {
		q.w(clickHouseSettings)
	}
	if err := db.QueryRowContext(ctx, q.String(), q.args...).Scan(&n); err != nil {
		return false, fmt.Errorf("sqlsource: import into %s: %w", l.d.quote(l.table), err)
	}
	return n == 0, nil
}

// importBatch writes the validated rows of batch the table lacks (all of
// them when it was empty at the start: no batch of ours holds an ID of
// another) and counts them in prog.
func (l *layout) importBatch(ctx context.Context, db *sql.DB, tenant any, batch []convreport.Conversation, fresh bool, prog *ImportProgress) error {
	if !fresh {
		there, err := l.present(ctx, db, tenant, batch)
		if err != nil {
			return fmt.Errorf("sqlsource: import into %s: %w", l.d.quote(l.table), err)
		}
		if len(there) > 0 {
			rest := make([]convreport.Conversation, 0, len(batch)-len(there))
			for _, c := range batch {
				if !there[c.ID] {
					rest = append(rest, c)
				}
			}
			prog.Skipped += len(batch) - len(rest)
			batch = rest
		}
	}
	if len(batch) > 0 {
		if err := l.writeBatch(ctx, db, tenant, batch); err != nil {
			return err
		}
	}
	prog.Inserted += len(batch)
	prog.Done = prog.Inserted + prog.Skipped
	return nil
}

// uniqueIDs refuses an ID given twice: the second would be skipped as
// "already there" by a rerun, or (in ClickHouse) written twice by the
// first run.
func uniqueIDs(cs []convreport.Conversation) error {
	seen := firstseen.New(len(cs))
	for i := range cs {
		if j, dup := seen.First(cs[i].ID, seen.Hash(cs[i].ID), i); dup {
			return fmt.Errorf("sqlsource: import: conversation %q is given twice (at %d and %d)", cs[i].ID, j, i)
		}
	}
	return nil
}

// tenantWhere writes " WHERE tenant = ?" when there is a tenant.
func (l *layout) tenantWhere(q *sqlBuf, tenant any) {
	if tenant == nil {
		return
	}
	q.w(" WHERE ")
	q.ident(l.tenant)
	q.w(" = ")
	q.param(tenant, tenantPGType(tenant))
}

// writeBatch writes validated rows: in one transaction in SQLite and
// PostgreSQL, as one block in ClickHouse.
func (l *layout) writeBatch(ctx context.Context, db *sql.DB, tenant any, cs []convreport.Conversation) error {
	if l.d == ClickHouse {
		return l.insertClickHouse(ctx, db, tenant, cs)
	}
	if l.d == PostgreSQL {
		// COPY where it stores what the INSERTs would, several times
		// faster; where it was not made, nothing was written.
		err := l.copyPostgreSQL(ctx, db, tenant, cs)
		if err == nil {
			return nil
		}
		if cerr := ctx.Err(); cerr != nil {
			return fmt.Errorf("sqlsource: insert: %w", cerr)
		}
		if !errors.Is(err, errNoCopy) {
			return err
		}
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlsource: insert: %w", err)
	}
	defer tx.Rollback()
	if err := l.insertSQL(ctx, tx, tenant, cs); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlsource: insert: %w", err)
	}
	return nil
}

// present returns which IDs of cs the table (the tenant's rows) holds,
// looked up a chunk of IDs at a time: a bounded number of parameters in
// SQLite, one array in PostgreSQL, and statements under ClickHouse's
// max_query_size.
func (l *layout) present(ctx context.Context, db *sql.DB, tenant any, cs []convreport.Conversation) (map[string]bool, error) {
	out := map[string]bool{}
	id := l.col("ID").name
	for start := 0; start < len(cs); {
		q := &sqlBuf{d: l.d}
		q.w("SELECT ")
		q.ident(id)
		q.w(" FROM ")
		q.ident(l.table)
		if tenant != nil {
			l.tenantWhere(q, tenant)
			q.w(" AND ")
		} else {
			q.w(" WHERE ")
		}
		q.ident(id)
		end := start
		if l.d == PostgreSQL {
			end = min(start+10_000, len(cs))
			ids := make([]string, 0, end-start)
			for _, c := range cs[start:end] {
				ids = append(ids, c.ID)
			}
			q.w(" = ANY(")
			q.param(ids, "text[]")
			q.w(")")
		} else {
			q.w(" IN (")
			for ; end < len(cs) && end-start < 1000 && (l.d != ClickHouse || q.size() < maxClickHouseQuery/2); end++ {
				if end > start {
					q.w(", ")
				}
				q.param(cs[end].ID, "text")
			}
			q.w(")")
		}
		if l.d == ClickHouse {
			q.w(clickHouseSettings)
		}
		rows, err := db.QueryContext(ctx, q.String(), q.args...)
		if isStalePlan(err) {
			// Prepared on this connection before the table changed.
			rows, err = db.QueryContext(ctx, q.String(), freshPlan(q.args)...)
		}
		if err != nil {
			return nil, err
		}
		var v sql.NullString
		dest := scanDests(l.d, []any{&v})
		for rows.Next() {
			if err := rows.Scan(dest...); err != nil {
				rows.Close()
				return nil, err
			}
			if v.Valid {
				out[v.String] = true
			}
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
		start = end
	}
	return out, nil
}
