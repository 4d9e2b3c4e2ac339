package bench

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/convreport/convreport"
)

// Dialect is what differs between the SQL databases the baselines run on.
type Dialect struct {
	Name string
	// IntDiv is integer division: "/" in SQLite, "//" in DuckDB.
	IntDiv string
	// Int makes an expression (a boolean, a sum) come back as a 64-bit
	// integer.
	Int func(expr string) string
}

// SQLiteDialect is SQLite's.
var SQLiteDialect = Dialect{Name: "SQLite", IntDiv: "/", Int: func(e string) string { return e }}

// CreateTable is the table the SQL baselines query: every field of a
// conversation but Properties, strings NULL when empty, times as Unix
// nanoseconds (NULL when unknown). No index: the queries scan.
const CreateTable = `CREATE TABLE conv (
	id TEXT NOT NULL,
	channel TEXT NOT NULL,
	inbox TEXT,
	assignee TEXT,
	team TEXT,
	status TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	first_assigned_at BIGINT,
	first_response_at BIGINT,
	closed_at BIGINT,
	closed_by TEXT,
	origin_url TEXT,
	chatflow TEXT,
	source TEXT,
	contact_id TEXT,
	subject TEXT,
	incoming_messages BIGINT NOT NULL,
	outgoing_messages BIGINT NOT NULL
)`

// InsertRow inserts one row of [Row]'s values.
const InsertRow = `INSERT INTO conv VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

// Row returns c's values for [CreateTable]'s columns, in order: nil for
// an empty string or an unknown time.
func Row(c *convreport.Conversation) []any {
	str := func(s string) any {
		if s == "" {
			return nil
		}
		return s
	}
	tm := func(f int) any {
		if v := unixOrNull(c, f); v != NullTime {
			return v
		}
		return nil
	}
	return []any{
		c.ID, string(c.Channel), str(c.Inbox), str(c.Assignee), str(c.Team), string(c.Status),
		c.CreatedAt.UnixNano(), tm(0), tm(1), tm(2),
		str(c.ClosedBy), str(c.OriginURL), str(c.Chatflow), str(c.Source), str(c.ContactID), str(c.Subject),
		int64(c.IncomingMessages), int64(c.OutgoingMessages),
	}
}

type sqlKind int

const (
	sqlCount sqlKind = iota
	sqlAvg
	sqlSeries
)

// Query is one report as SQL.
type Query struct {
	SQL  string
	Args []any
	kind sqlKind
}

// builder writes SQL and keeps its arguments in the order of their "?".
type builder struct {
	b    strings.Builder
	args []any
}

func (q *builder) add(text string, args ...any) *builder {
	if n := strings.Count(text, "?"); n != len(args) {
		panic(fmt.Sprintf("bench: %d placeholders, %d arguments in %q", n, len(args), text))
	}
	q.b.WriteString(text)
	q.args = append(q.args, args...)
	return q
}

var sqlColumn = map[string]string{"": "created_at", "Assignee": "assignee", "OriginURL": "origin_url", "Inbox": "inbox", "ClosedAt": "closed_at"}

// Queries returns the twelve reports as GROUP BY queries over [CreateTable]
// for the window. Averages come back as the number of durations, the sum of
// their whole seconds and the sum of the nanoseconds left (exact, without
// overflow), and the number excluded; day buckets as the day's index, from
// integer arithmetic when every day of the window lasts 24 hours, else by
// counting the day starts passed as parameters that a time reaches.
func (d Dialect) Queries(w *Window) []Query {
	out := make([]Query, len(reportSpecs))
	for i, s := range reportSpecs {
		q := &builder{}
		date := sqlColumn[s.date]
		where := func() {
			q.add(" FROM conv WHERE channel = ? AND "+date+" >= ? AND "+date+" < ?", s.channel, w.from, w.to)
		}
		kind := sqlCount
		switch {
		case s.snapshot:
			q.add("SELECT inbox, count(*) FROM conv WHERE channel = ? AND created_at <= ? AND (closed_at IS NULL OR closed_at > ?) GROUP BY inbox",
				s.channel, w.now, w.now)
		case s.bucket == convreport.Day:
			kind = sqlSeries
			q.add("SELECT ")
			switch {
			case w.uniform:
				q.add(fmt.Sprintf("(created_at - ?) %s %d", d.IntDiv, dayNs), w.from)
			case len(w.starts) == 1:
				q.add("0")
			default:
				for j, st := range w.starts[1:] {
					if j > 0 {
						q.add(" + ")
					}
					q.add(d.Int("(created_at >= ?)"), st)
				}
			}
			q.add(" AS d, count(*)")
			where()
			q.add(" GROUP BY d")
		case s.metric != "":
			kind = sqlAvg
			// The rep's clock starts at an assignment strictly before the
			// reply, else at creation.
			m := "first_response_at - (CASE WHEN first_assigned_at < first_response_at THEN first_assigned_at ELSE created_at END)"
			if s.metric == convreport.TimeToClose {
				m = "closed_at - created_at"
			}
			sec := "(m " + d.IntDiv + " 1000000000)"
			q.add("SELECT k, count(m), " + d.Int("sum("+sec+")") + ", " + d.Int("sum(m - "+sec+" * 1000000000)") + ", count(*) - count(m)")
			q.add(" FROM (SELECT " + sqlColumn[s.dim] + " AS k, " + m + " AS m")
			where()
			q.add(") AS t GROUP BY k HAVING count(m) > 0")
		default:
			q.add("SELECT " + sqlColumn[s.dim] + ", count(*)")
			where()
			q.add(" GROUP BY " + sqlColumn[s.dim])
		}
		out[i] = Query{SQL: q.b.String(), Args: q.args, kind: kind}
	}
	return out
}

// RunSQL runs the twelve queries on db and states their answers as
// Figures: averages divided and rounded as the engine does, day series
// filled with the days without rows.
func RunSQL(ctx context.Context, db *sql.DB, d Dialect, w *Window) (Figures, error) {
	qs := d.Queries(w)
	fs := make(Figures, len(qs))
	for i, q := range qs {
		f, err := runQuery(ctx, db, q, w)
		if err != nil {
			return nil, fmt.Errorf("bench: %s: report %s: %w\n%s", d.Name, reportSpecs[i].id, err, q.SQL)
		}
		f.Report = reportSpecs[i].id
		sortFigure(&f)
		fs[i] = f
	}
	return fs, nil
}

func runQuery(ctx context.Context, db *sql.DB, q Query, w *Window) (Figure, error) {
	var f Figure
	rows, err := db.QueryContext(ctx, q.SQL, q.Args...)
	if err != nil {
		return f, err
	}
	defer rows.Close()
	var days []int64
	if q.kind == sqlSeries {
		days = make([]int64, len(w.starts))
	}
	for rows.Next() {
		var key sql.NullString
		var n, sec, ns, excluded, day int64
		switch q.kind {
		case sqlCount:
			err = rows.Scan(&key, &n)
		case sqlAvg:
			err = rows.Scan(&key, &n, &sec, &ns, &excluded)
		case sqlSeries:
			err = rows.Scan(&day, &n)
		}
		if err != nil {
			return f, err
		}
		switch q.kind {
		case sqlCount:
			f.Points = append(f.Points, countPoint(keyOf(key.String), n))
		case sqlAvg:
			f.Points = append(f.Points, Point{Key: keyOf(key.String), Count: n, Excluded: excluded, Value: AvgMillis(SplitTotal(sec, ns), n).String()})
		case sqlSeries:
			if day < 0 || int(day) >= len(days) {
				return f, fmt.Errorf("day index %d outside the window's %d days", day, len(days))
			}
			days[day] += n
		}
	}
	if err := rows.Err(); err != nil {
		return f, err
	}
	for i, n := range days {
		f.Points = append(f.Points, countPoint(w.DayKey(i), n))
	}
	return f, nil
}
