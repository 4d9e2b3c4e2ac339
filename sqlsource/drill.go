package sqlsource

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/convreport/convreport"
)

var _ convreport.DrillSource = (*Source)(nil)

// DrillPage lists the conversations behind one point: a COUNT and one
// SELECT of the page, both with the point's conditions as the WHERE clause,
// ordered (unknown values last, ties by ID) and paged in the database. It
// declines, and the engine scans, what Aggregate would decline.
func (s *Source) DrillPage(ctx context.Context, req *convreport.DrillRequest) (_ int, _ []convreport.Conversation, err error) {
	if req == nil {
		return 0, nil, errors.New("sqlsource: drill-down: nil request")
	}
	if !s.pushdown {
		s.drillsDeclined.Add(1)
		return 0, nil, decline("pushdown is off (WithoutPushdown)")
	}
	where := &sqlBuf{d: s.d}
	if err := s.where(where, req.CreatedFrom, req.CreatedTo); err != nil {
		return 0, nil, err
	}
	where.w("(")
	if err := where.cond(s.l, req.Where); err != nil {
		if errors.Is(err, convreport.ErrUnsupported) {
			s.drillsDeclined.Add(1)
		}
		return 0, nil, err
	}
	where.w(")")
	count := &sqlBuf{d: s.d, args: where.args}
	count.w("SELECT COUNT(*) FROM ")
	count.ident(s.l.table)
	count.w(where.String())

	page, cols := s.selectRows()
	page.w(where.String())
	page.args = append(page.args, where.args...)
	page.w(" ORDER BY ")
	id, _ := s.schema.Lookup("ID")
	if req.Sort == nil {
		page.ident(s.l.col("CreatedAt").name)
		page.w(", ")
	} else {
		// Unknown values last whatever the direction, as the engine
		// sorts, and among themselves by ID alone: an unknown string
		// stored as NULL and one stored as '' must not be told apart.
		page.w("(CASE WHEN ")
		if err := page.known(s.l, *req.Sort); err != nil {
			return 0, nil, err
		}
		page.w(" THEN 0 ELSE 1 END), (CASE WHEN ")
		if err := page.known(s.l, *req.Sort); err != nil {
			return 0, nil, err
		}
		page.w(" THEN ")
		if err := page.value(s.l, *req.Sort); err != nil {
			return 0, nil, err
		}
		page.w(" END)")
		if req.Desc {
			page.w(" DESC")
		}
		page.w(", ")
	}
	if err := page.value(s.l, id); err != nil {
		return 0, nil, err
	}
	switch s.d {
	case ClickHouse:
		// LIMIT offset, limit: the form 18.16 and later accept alike.
		page.w(" LIMIT ")
		page.param(int64(req.Offset), "")
		page.w(", ")
		page.param(int64(req.Limit), "")
		page.w(clickHouseSettings)
		count.w(clickHouseSettings)
	default:
		page.w(" LIMIT ")
		page.param(int64(req.Limit), "bigint")
		page.w(" OFFSET ")
		page.param(int64(req.Offset), "bigint")
	}

	total, out, err := s.drill(ctx, count, page, cols, false)
	if s.retryFresh(err) {
		// The transaction is aborted: both statements again, in a new one.
		total, out, err = s.drill(ctx, count, page, cols, true)
	}
	if err != nil {
		if derr := s.invalidBehind(ctx, err, req.CreatedFrom, req.CreatedTo); derr != nil {
			// The engine's drill-down then scans, and refuses the row in
			// the scan's words.
			s.drillsDeclined.Add(1)
			return 0, nil, derr
		}
		return 0, nil, err
	}
	s.drills.Add(1)
	return total, out, nil
}

// drill runs DrillPage's count and page, with freshPlan when fresh.
func (s *Source) drill(ctx context.Context, count, page *sqlBuf, cols []*column, fresh bool) (_ int, _ []convreport.Conversation, err error) {
	countArgs, pageArgs := count.args, page.args
	if fresh {
		countArgs, pageArgs = freshPlan(countArgs), freshPlan(pageArgs)
	}
	var db querier = s.db
	var row func(context.Context, string, ...any) *sql.Row = s.db.QueryRowContext
	if s.d == ClickHouse {
		conn, done, cerr := s.readConn(ctx)
		if cerr != nil {
			return 0, nil, fmt.Errorf("sqlsource: drill-down: %w", s.queryError(ctx, cerr))
		}
		defer func() { done(err) }() // the named result: the read's error

		db, row = conn, conn.QueryRowContext
	} else {
		opts := &sql.TxOptions{ReadOnly: true}
		if s.d == PostgreSQL {
			opts.Isolation = sql.LevelRepeatableRead
		}
		tx, err := s.db.BeginTx(ctx, opts)
		if err != nil {
			return 0, nil, fmt.Errorf("sqlsource: drill-down: %w", err)
		}
		defer tx.Rollback()
		db, row = tx, tx.QueryRowContext
	}
	var total int64
	if err := row(ctx, count.String(), countArgs...).Scan(&total); err != nil {
		return 0, nil, fmt.Errorf("sqlsource: drill-down: %w", s.queryError(ctx, err))
	}
	rows, err := db.QueryContext(ctx, page.String(), pageArgs...)
	if err != nil {
		return 0, nil, fmt.Errorf("sqlsource: drill-down: %w", s.queryError(ctx, err))
	}
	defer rows.Close()
	dec := newDecoder(s, cols)
	var out []convreport.Conversation
	for rows.Next() {
		var c convreport.Conversation
		if err := dec.scanRow(rows); err != nil {
			return 0, nil, err // it names the package, the conversation and the column
		}
		if err := dec.decode(&c); err != nil {
			return 0, nil, err
		}
		// A row written since the report ran may break a rule; a page
		// never lists what a scan refuses.
		if err := s.schema.Validate(&c); err != nil {
			return 0, nil, fmt.Errorf("sqlsource: drill-down: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return 0, nil, fmt.Errorf("sqlsource: drill-down: %w", s.queryError(ctx, err))
	}
	return int(total), out, nil
}
