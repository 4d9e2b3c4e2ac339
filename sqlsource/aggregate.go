package sqlsource

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/convreport/convreport"
)

// How a report's statement returns its groups.
type stmtKind int

const (
	// stmtGroups: one row per group with counts, sums, extremes, shares.
	stmtGroups stmtKind = iota
	// stmtQuantile: one row per group with its nearest-rank quantile,
	// picked with window functions.
	stmtQuantile
	// stmtDurations: one row per conversation with its duration, for a
	// percentile report with a Limit, whose "Other" point needs them all.
	stmtDurations
)

// stmt is one report as SQL.
type stmt struct {
	sql     string
	args    []any
	kind    stmtKind
	dims    int
	measure convreport.Measure
}

// Aggregate computes every report of the pushdown with one SQL statement each,
// in one read-only transaction so they see the same data. It declines the
// whole pushdown (an error wrapping [convreport.ErrUnsupported]) when any
// report cannot be computed exactly in SQL.
func (s *Source) Aggregate(ctx context.Context, pd *convreport.Pushdown) (_ []convreport.Result, err error) {
	stmts, err := s.statements(pd)
	if err != nil {
		return nil, s.declining(err)
	}
	out, err := s.aggregate(ctx, pd, stmts, false)
	if s.retryFresh(err) {
		// The transaction is aborted: every report again, in a new one.
		out, err = s.aggregate(ctx, pd, stmts, true)
	}
	if err != nil {
		return nil, s.declining(err)
	}
	s.answered.Add(1)
	return out, nil
}

// declining counts err, when it declines the plan, and tells the hook.
func (s *Source) declining(err error) error {
	if errors.Is(err, convreport.ErrUnsupported) {
		s.declined.Add(1)
		if s.onDecline != nil {
			s.onDecline(err)
		}
	}
	return err
}

// createdHull returns the creation times a scan of pd's reports reads:
// from the earliest report's start to the latest one's end, zero where a
// report is open on that side.
func createdHull(pd *convreport.Pushdown) (from, to time.Time) {
	for i, r := range pd.Reports {
		if i == 0 || !from.IsZero() && (r.CreatedFrom.IsZero() || r.CreatedFrom.Before(from)) {
			from = r.CreatedFrom
		}
		if i == 0 || !to.IsZero() && (r.CreatedTo.IsZero() || r.CreatedTo.After(to)) {
			to = r.CreatedTo
		}
	}
	return from, to
}

// invalidBehind returns the decline for a plan, or a drill-down page,
// whose statement failed (err) on a row created from to to that a scan
// refuses (SQLite's JSON functions fail on text that is not JSON), so
// that the engine scans and gives the scan's error; nil when the probe
// finds no such row or cannot look. It reads outside the plan's
// transaction, which the failure may have ended, and only where a row
// can fail a statement (a \u0000 escape PostgreSQL reads in a json
// column declines at once): not for a PostgreSQL error other than a data
// exception or an infinite time's (a timeout, say), nor in ClickHouse,
// whose typed columns fail none, nor on a table whose constraints keep
// every rule.
func (s *Source) invalidBehind(ctx context.Context, err error, from, to time.Time) error {
	if ctx.Err() != nil || s.d == ClickHouse {
		return nil
	}
	if derr := s.untranslatable(err); derr != nil {
		return derr
	}
	// PostgreSQL says a value could not be read as asked with a data
	// exception (22…), or, for an infinite timestamptz made a number,
	// with 0A000, which a stale cached plan gives too.
	var coded interface{ SQLState() string }
	if s.d == PostgreSQL && (!errors.As(err, &coded) || !strings.HasPrefix(coded.SQLState(), "22") && (coded.SQLState() != "0A000" || isStalePlan(err))) {
		return nil
	}
	if s.noProbe {
		return nil
	}
	kept, kerr := s.l.keptRules(ctx, s.db)
	if kerr != nil {
		return nil
	}
	if perr := s.probeInvalid(ctx, s.db, from, to, kept); errors.Is(perr, convreport.ErrUnsupported) {
		return perr
	}
	return nil
}

// untranslatable returns the decline for a PostgreSQL statement that
// failed on a value a scan reads: a json column's string with a \u0000
// escape, which text cannot hold (22P05); a JSON number beyond float8
// (22003), which a scan reads as unknown. nil for any other error.
func (s *Source) untranslatable(err error) error {
	var coded interface{ SQLState() string }
	if s.d != PostgreSQL || !errors.As(err, &coded) {
		return nil
	}
	switch coded.SQLState() {
	case "22P05":
		return decline("the table holds JSON text PostgreSQL cannot read as text (%s)", coded.SQLState())
	case "22003":
		return decline("the table holds a value PostgreSQL cannot convert as the statement asks (%s)", coded.SQLState())
	}
	return nil
}

// aggregate runs the statements of Aggregate, with freshPlan when fresh.
func (s *Source) aggregate(ctx context.Context, pd *convreport.Pushdown, stmts []stmt, fresh bool) (_ []convreport.Result, err error) {
	// ClickHouse has no transactions: its reports are separate reads,
	// each of one consistent set of parts per shard.
	var db querier = s.db
	var tx *sql.Tx
	if s.d == ClickHouse {
		conn, done, cerr := s.readConn(ctx)
		if cerr != nil {
			return nil, fmt.Errorf("sqlsource: aggregate: %w", s.queryError(ctx, cerr))
		}
		defer func() { done(err) }() // the named result: the read's error

		db = conn
	} else {
		opts := &sql.TxOptions{ReadOnly: true}
		if s.d == PostgreSQL {
			opts.Isolation = sql.LevelRepeatableRead
		}
		if tx, err = s.db.BeginTx(ctx, opts); err != nil {
			return nil, fmt.Errorf("sqlsource: aggregate: %w", err)
		}
		defer tx.Rollback()
		db = tx
	}
	out := make([]convreport.Result, len(stmts))
	for i, st := range stmts {
		groups, err := st.run(ctx, db, s.d, fresh)
		if err != nil {
			from, to := createdHull(pd)
			if derr := s.invalidBehind(ctx, err, from, to); derr != nil {
				return nil, derr
			}
			return nil, fmt.Errorf("sqlsource: report %q: %w", pd.Reports[i].Report.Name, s.queryError(ctx, err))
		}
		if out[i], err = pd.Result(i, groups); err != nil {
			return nil, fmt.Errorf("sqlsource: report %q: %w", pd.Reports[i].Report.Name, err)
		}
	}
	// After the reports, so that a statement's error names its report;
	// in their transaction, so that it reads the rows they counted.
	if !s.noProbe {
		from, to := createdHull(pd)
		kept, err := s.l.keptRules(ctx, db)
		if err == nil {
			err = s.probeInvalid(ctx, db, from, to, kept)
		}
		if err == nil && s.d != ClickHouse {
			// ClickHouse keys nothing, and grouping every ID of a large
			// table would take the server's memory: not looked for.
			var unique bool
			if unique, err = s.l.idsUnique(ctx, db); err == nil && !unique {
				err = s.probeRepeated(ctx, db, from, to)
			}
		}
		if err != nil {
			if errors.Is(err, convreport.ErrUnsupported) {
				return nil, err
			}
			return nil, fmt.Errorf("sqlsource: aggregate: %w", s.queryError(ctx, err))
		}
	}
	if tx != nil {
		if err := tx.Commit(); err != nil {
			return nil, fmt.Errorf("sqlsource: aggregate: %w", err)
		}
	}
	return out, nil
}

// statements builds every report's statement, or declines the pushdown.
func (s *Source) statements(pd *convreport.Pushdown) ([]stmt, error) {
	if pd == nil {
		return nil, errors.New("sqlsource: aggregate: nil pd")
	}
	if !s.pushdown {
		return nil, decline("pushdown is off (WithoutPushdown)")
	}
	if pd.Calendar != nil {
		// Every report, not only those that count business hours, goes
		// back to the engine, which then offers the others one by one.
		return nil, decline("business hours (a Calendar) are computed by the engine")
	}
	out := make([]stmt, len(pd.Reports))
	for i, r := range pd.Reports {
		st, err := s.statement(r)
		if err != nil {
			return nil, fmt.Errorf("report %q: %w", r.Report.Name, err)
		}
		out[i] = st
	}
	return out, nil
}

// statement builds one report's SELECT:
//
//	SELECT k0…, b, <aggregates> FROM (
//	    SELECT <dimension>… AS k0…, <bucket index> AS b, <duration> AS d
//	    FROM table WHERE <created bounds> AND <conditions>) GROUP BY k0…, b
//
// with a window-function variant for quantiles (an array one in
// ClickHouse). The aliases are spelled with [aliasPrefix].
func (s *Source) statement(r convreport.PushdownReport) (stmt, error) {
	st := stmt{dims: len(r.Dimensions), measure: r.Measure}
	agg := r.Measure.Agg
	if agg == "" {
		agg = convreport.Count
	}
	metric := agg != convreport.Count
	switch agg {
	case convreport.Median, convreport.Percentile:
		st.kind = stmtQuantile
		if r.Report.Limit > 0 {
			st.kind = stmtDurations
		}
	case convreport.Count, convreport.Average, convreport.Min, convreport.Max, convreport.ShareWithin:
	case convreport.SLAMet, convreport.SLABreaches, convreport.SLAAvgOver, convreport.SLATotalOver:
		if r.SLA == nil {
			return st, decline("an SLA measure without its policy")
		}
	default:
		return st, decline("unknown aggregation %q", agg)
	}
	q := &sqlBuf{d: s.d}
	// The aliases carry a prefix no mapped column has: in ClickHouse an
	// alias would shadow a column of the same name.
	const k, b, bv, d = aliasPrefix + "k", aliasPrefix + "b", aliasPrefix + "bv", aliasPrefix + "d"
	keys := ""
	for j := range r.Dimensions {
		keys += k + strconv.Itoa(j) + ", "
	}
	// SQLite has no width_bucket, ClickHouse 18.16 neither: a CASE over
	// the starts, on the bucket value computed once in a subquery.
	caseBuckets := len(r.Buckets) > 1 && s.d != PostgreSQL
	// The rows: dimension values, bucket, duration.
	inner := func() error {
		if caseBuckets {
			q.w("SELECT ", keys)
			if err := q.bucketCase(r.Buckets, bv); err != nil {
				return err
			}
			q.w(" AS ", b)
			if metric {
				q.w(", ", d)
			}
			q.w(" FROM (")
		}
		q.w("SELECT ")
		for j, p := range r.Dimensions {
			if err := q.dimension(s.l, p); err != nil {
				return err
			}
			q.w(" AS ", k, strconv.Itoa(j), ", ")
		}
		switch {
		case len(r.Buckets) <= 1:
			q.w("0 AS ", b)
		case caseBuckets:
			if err := q.value(s.l, r.BucketProperty); err != nil {
				return err
			}
			q.w(" AS ", bv)
		default:
			starts, err := startNanos(r.Buckets)
			if err != nil {
				return err
			}
			q.w("GREATEST(width_bucket(")
			if err := q.value(s.l, r.BucketProperty); err != nil {
				return err
			}
			q.w(", ")
			q.param(starts, "bigint[]")
			q.w(") - 1, 0) AS ", b)
		}
		if metric {
			q.w(", ")
			if r.SLA != nil {
				if err := q.slaElapsed(s.l, r.SLA); err != nil {
					return err
				}
			} else if err := q.metric(s.l, r.Measure.Metric); err != nil {
				return err
			}
			q.w(" AS ", d)
		}
		q.w(" FROM ")
		q.ident(s.l.table)
		if err := s.where(q, r.CreatedFrom, r.CreatedTo); err != nil {
			return err
		}
		// The report's conditions in parentheses of their own, ANDed
		// after the tenant's: nothing in them can widen it.
		q.w("(")
		if err := q.cond(s.l, r.Where); err != nil {
			return err
		}
		q.w(")")
		if caseBuckets {
			q.w(") AS s0")
		}
		return nil
	}
	var err error
	switch st.kind {
	case stmtGroups:
		q.w("SELECT ", keys, b, ", COUNT(*)")
		if metric {
			q.w(", COUNT(", d, ")")
			switch agg {
			case convreport.Average:
				switch s.d {
				case SQLite:
					// SQLite sums int64 and fails on overflow: whole
					// seconds and remainders apart stay exact.
					q.w(", SUM(", d, " / 1000000000), SUM(", d, " % 1000000000)")
				case ClickHouse:
					// ClickHouse's sum of Int64 wraps around on overflow;
					// a Decimal128 sum is exact for 10¹⁹ maximal values.
					q.w(", toString(sum(toDecimal128(", d, ", 0)))")
				default:
					q.w(", SUM(", d, ")::text") // numeric: exact
				}
			case convreport.Min:
				q.w(", MIN(", d, ")")
			case convreport.Max:
				q.w(", MAX(", d, ")")
			case convreport.ShareWithin:
				q.w(", COUNT(CASE WHEN ", d, " <= ")
				q.param(int64(r.Measure.Threshold), "bigint")
				q.w(" THEN 1 END)")
			case convreport.SLAMet, convreport.SLABreaches, convreport.SLAAvgOver, convreport.SLATotalOver:
				q.slaAggregates(d, r.SLA)
			}
		}
		q.w(" FROM (")
		err = inner()
		q.w(") AS s GROUP BY ", keys, b)
	case stmtQuantile:
		if s.d == ClickHouse {
			// No window functions in 18.16: the group's durations sorted
			// in an array (groupArray skips NULLs), and the element at
			// the engine's nearest rank, in Int64 arithmetic as below.
			n := "toInt64(COUNT(" + d + "))"
			q.w("SELECT ", keys, b, ", COUNT(*), ", n, ", arrayElement(arraySort(groupArray(", d, ")), ",
				"if(", n, " = 0, 1, greatest(1, least(", n, ", intDiv(")
			q.param(microPercent(r.Measure), "bigint")
			q.w(" * ", n, " + 99999999, 100000000))))) FROM (")
			err = inner()
			q.w(") AS s GROUP BY ", keys, b)
			break
		}
		// The group's counts over a window, and the row whose rank is
		// the engine's nearest rank: the smallest r with r/n ≥ p/100,
		// computed in integers on p × 10⁶ exactly as the engine does.
		part := "PARTITION BY " + keys + b
		q.w("SELECT ", keys, b, ", total, n, ", d, " FROM (SELECT ", keys, b, ", ", d, ", ",
			"ROW_NUMBER() OVER (", part, " ORDER BY ", d, " NULLS LAST) AS rn, ",
			"COUNT(*) OVER (", part, ") AS total, ",
			"COUNT(", d, ") OVER (", part, ") AS n FROM (")
		err = inner()
		greatest, least := "GREATEST", "LEAST"
		if s.d == SQLite {
			greatest, least = "max", "min"
		}
		q.w(") AS s) AS w WHERE rn = CASE WHEN n = 0 THEN 1 ELSE ", greatest, "(1, ", least, "(n, (")
		q.param(microPercent(r.Measure), "bigint")
		q.w(" * n + 99999999) / 100000000)) END")
	case stmtDurations:
		q.w("SELECT ", keys, b, ", ", d, " FROM (")
		err = inner()
		q.w(") AS s")
	}
	if err != nil {
		return st, err
	}
	if len(q.args) > s.d.maxParams() {
		return st, decline("%d parameters, over the %v limit", len(q.args), s.d)
	}
	if s.d == ClickHouse {
		if n := q.size(); n > maxClickHouseQuery {
			return st, decline("a statement of about %d bytes, over ClickHouse's max_query_size", n)
		}
		q.w(clickHouseSettings)
	}
	st.sql, st.args = q.String(), q.args
	return st, nil
}

// microPercent is the percentile in millionths of a percent, rounded as
// the engine rounds it.
func microPercent(m convreport.Measure) int64 {
	p := 50.0
	if m.Agg == convreport.Percentile {
		p = m.P
	}
	return int64(p*1e6 + 0.5)
}

func startNanos(starts []time.Time) ([]int64, error) {
	out := make([]int64, len(starts))
	for i, t := range starts {
		n, err := nanos(t)
		if err != nil {
			return nil, err
		}
		out[i] = n
	}
	return out, nil
}

// bucketCase writes the index of bv's bucket: a binary CASE over runs of
// buckets of equal length (the hours of a quarter are one run; days make a
// run between two DST changes), and within a run arithmetic on integer
// nanoseconds. Exact, and small whatever the number of buckets.
func (q *sqlBuf) bucketCase(starts []time.Time, bv string) error {
	ns, err := startNanos(starts)
	if err != nil {
		return err
	}
	// A run covers buckets first … first+count-1, each width long; the
	// last bucket is open-ended, a run of its own.
	type run struct{ first, count, width int64 }
	var runs []run
	for i := 0; i < len(ns)-1; i++ {
		w := ns[i+1] - ns[i]
		if k := len(runs) - 1; k >= 0 && runs[k].width == w && runs[k].first+runs[k].count == int64(i) {
			runs[k].count++
			continue
		}
		runs = append(runs, run{first: int64(i), count: 1, width: w})
	}
	runs = append(runs, run{first: int64(len(ns) - 1), count: 1})
	var write func(lo, hi int)
	write = func(lo, hi int) {
		if hi-lo == 1 {
			r := runs[lo]
			if r.count == 1 {
				q.int(r.first)
				return
			}
			// Integer division: ClickHouse's / is floating point.
			div, sep := "(", ") / "
			if q.d == ClickHouse {
				div, sep = "intDiv(", ", "
			}
			q.w("(")
			q.int(r.first)
			q.w(" + ", div, bv, " - ")
			q.param(ns[r.first], "bigint")
			q.w(sep)
			q.param(r.width, "bigint")
			if q.d == ClickHouse {
				q.w(")")
			}
			q.w(")")
			return
		}
		mid := (lo + hi) / 2
		q.w("(CASE WHEN ", bv, " < ")
		q.param(ns[runs[mid].first], "bigint")
		q.w(" THEN ")
		write(lo, mid)
		q.w(" ELSE ")
		write(mid, hi)
		q.w(" END)")
	}
	write(0, len(runs))
	return nil
}

// dimension writes a dimension's value as text, NULL for no value: a
// string as is, a bool as "true" or "false".
func (q *sqlBuf) dimension(l *layout, p convreport.Property) error {
	switch p.Kind {
	case convreport.KindString, convreport.KindEnum:
		q.w("NULLIF(")
		if err := q.value(l, p); err != nil {
			return err
		}
		q.w(", '')")
		return nil
	case convreport.KindBool:
		q.w("(CASE WHEN ")
		if err := q.value(l, p); err != nil {
			return err
		}
		if q.d != PostgreSQL { // 1/0: SQLite's and ClickHouse's booleans
			q.w(" = 1 THEN 'true' WHEN ")
			if err := q.value(l, p); err != nil {
				return err
			}
			q.w(" = 0 THEN 'false' END)")
			return nil
		}
		q.w(" THEN 'true' WHEN NOT ")
		if err := q.value(l, p); err != nil {
			return err
		}
		q.w(" THEN 'false' END)")
		return nil
	}
	return decline("grouping by %s property %s", p.Kind, p.Name)
}

// run executes the statement, with freshPlan when fresh, and collects
// its groups.
func (st stmt) run(ctx context.Context, db querier, d Dialect, fresh bool) ([]convreport.Group, error) {
	args := st.args
	if fresh {
		args = freshPlan(args)
	}
	rows, err := db.QueryContext(ctx, st.sql, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	keys := make([]sql.NullString, st.dims)
	var b int64
	dest := make([]any, 0, st.dims+7)
	for j := range keys {
		dest = append(dest, &keys[j])
	}
	dest = append(dest, &b)
	var total, n, within sql.NullInt64
	var dur, sec, rem, mn, mx sql.NullInt64
	var sum sql.NullString
	agg := st.measure.Agg
	switch st.kind {
	case stmtGroups:
		dest = append(dest, &total)
		if agg != "" && agg != convreport.Count {
			dest = append(dest, &n)
			switch agg {
			case convreport.Average:
				if d == SQLite {
					dest = append(dest, &sec, &rem)
				} else {
					dest = append(dest, &sum)
				}
			case convreport.Min:
				dest = append(dest, &mn)
			case convreport.Max:
				dest = append(dest, &mx)
			case convreport.ShareWithin:
				dest = append(dest, &within)
			}
			if isSLA(agg) {
				dest = append(dest, &within)
				if d == SQLite {
					dest = append(dest, &sec, &rem)
				} else {
					dest = append(dest, &sum)
				}
			}
		}
	case stmtQuantile:
		dest = append(dest, &total, &n, &dur)
	case stmtDurations:
		dest = append(dest, &dur)
	}
	var groups []convreport.Group
	byKey := map[string]int{} // stmtDurations: group index by key
	dest = scanDests(d, dest)
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		g := convreport.Group{Values: make([]*string, st.dims), Bucket: int(b)}
		key := strconv.FormatInt(b, 10)
		for j, k := range keys {
			if k.Valid && k.String != "" {
				v := k.String
				g.Values[j] = &v
				key += "\x00=" + v
			} else {
				key += "\x00∅"
			}
		}
		switch st.kind {
		case stmtGroups:
			g.Count = total.Int64
			if agg != "" && agg != convreport.Count {
				g.Count, g.Excluded = n.Int64, total.Int64-n.Int64
				switch agg {
				case convreport.Average:
					g.Sum = new(big.Int)
					if d == SQLite {
						g.Sum.Mul(big.NewInt(sec.Int64), big.NewInt(1e9))
						g.Sum.Add(g.Sum, big.NewInt(rem.Int64))
					} else if sum.Valid {
						if _, ok := g.Sum.SetString(sum.String, 10); !ok {
							return nil, fmt.Errorf("sum %q is not an integer", sum.String)
						}
					}
				case convreport.Min:
					g.Min = time.Duration(mn.Int64)
				case convreport.Max:
					g.Max = time.Duration(mx.Int64)
				case convreport.ShareWithin:
					g.Within = within.Int64
				}
				if isSLA(agg) {
					// The breaches' time over the target; NULL sums (no
					// breach) are zero.
					g.Within, g.Sum = within.Int64, new(big.Int)
					if d == SQLite {
						g.Sum.Mul(big.NewInt(sec.Int64), big.NewInt(1e9))
						g.Sum.Add(g.Sum, big.NewInt(rem.Int64))
					} else if sum.Valid {
						if _, ok := g.Sum.SetString(sum.String, 10); !ok {
							return nil, fmt.Errorf("sum %q is not an integer", sum.String)
						}
					}
				}
			}
		case stmtQuantile:
			g.Count, g.Excluded = n.Int64, total.Int64-n.Int64
			if n.Int64 > 0 {
				if !dur.Valid {
					return nil, errors.New("quantile row without a duration")
				}
				q := time.Duration(dur.Int64)
				g.Quantile = &q
			}
		case stmtDurations:
			i, ok := byKey[key]
			if !ok {
				i = len(groups)
				byKey[key] = i
				groups = append(groups, g)
			}
			if dur.Valid {
				groups[i].Count++
				groups[i].Durations = append(groups[i].Durations, time.Duration(dur.Int64))
			} else {
				groups[i].Excluded++
			}
			continue
		}
		if g.Count == 0 && g.Excluded == 0 {
			continue // the one row of an ungrouped report over no rows
		}
		groups = append(groups, g)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return groups, nil
}
