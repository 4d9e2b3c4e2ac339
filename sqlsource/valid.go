package sqlsource

import (
	"context"
	"strings"
	"time"

	"github.com/convreport/convreport"
)

// A table that convreport does not fill itself can hold rows that are not
// conversations: a closed one without a close time, a negative or
// fractional message count, a reply before the creation. A scan refuses
// such a row, naming it; a pushed-down report would count it as it is and
// answer with numbers the same table scanned never gives. So before a
// plan's reports run, in their transaction, a probe looks for rows that
// might break a rule, within the creation times the engine's scan would
// read. Its WHERE clause is cheap and wider than the rules (a row created
// before 1970 with a later reply, say, is read back): each row it finds
// is decoded and validated as a scan would, and the first that fails
// declines the plan, so that the engine scans and refuses it in the
// scan's own words.

// probeInvalid returns the decline for a plan whose creation times, from
// to to (zero is open), hold a row a scan would refuse, or nil when none
// does.
func (s *Source) probeInvalid(ctx context.Context, db querier, from, to time.Time) error {
	q, cols := s.selectRows()
	if err := s.where(q, from, to); err != nil {
		return err
	}
	q.w("(")
	s.mayBeInvalid(q)
	q.w(")")
	if s.d == ClickHouse {
		q.w(clickHouseSettings)
	}
	rows, err := db.QueryContext(ctx, q.String(), q.args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	dec := newDecoder(s, cols)
	refuse := func(err error) error {
		msg := strings.TrimPrefix(strings.TrimPrefix(err.Error(), "sqlsource: "), "convreport: ")
		return decline("a row the engine's scan would read is not a conversation, and the scan refuses it (%s)", msg)
	}
	for rows.Next() {
		c := &convreport.Conversation{}
		if err := rows.Scan(dec.scan...); err != nil {
			return refuse(err)
		}
		if err := dec.decode(c); err != nil {
			return refuse(err)
		}
		if err := c.Validate(); err != nil {
			return refuse(err)
		}
	}
	return rows.Err()
}

// mayBeInvalid writes a condition true of every row that breaks a rule of
// [convreport.Conversation.Validate] or that a scan cannot decode into a
// conversation's built-in fields, and of few others.
func (s *Source) mayBeInvalid(q *sqlBuf) {
	col := func(name string) string {
		if c := s.l.col(name); c != nil && c.key == "" {
			return q.d.quote(c.name)
		}
		return ""
	}
	or := false
	// start opens one more alternative, which its caller closes; cond
	// writes a whole one.
	start := func(parts ...string) {
		if or {
			q.w(" OR ")
		}
		q.w("(")
		q.w(parts...)
		or = true
	}
	cond := func(parts ...string) {
		start(parts...)
		q.w(")")
	}
	// typed says a SQLite value is not of the storage class the scan
	// reads: text in an INTEGER column, say, which SQLite keeps when it
	// does not look like a number.
	typed := func(c, class string) {
		if s.d == SQLite {
			cond("typeof(", c, ") NOT IN ('", class, "', 'null')")
		}
	}
	if id := col("ID"); id != "" {
		cond(id, " IS NULL OR ", id, " = ''")
	}
	if ch := col("Channel"); ch != "" {
		list := "''"
		for _, c := range convreport.Channels() {
			list += ", '" + string(c) + "'"
		}
		cond(ch, " IS NOT NULL AND ", ch, " NOT IN (", list, ")")
	}
	st := col("Status")
	if st != "" {
		cond(st, " IS NOT NULL AND ", st, " NOT IN ('', '", string(convreport.Open), "', '", string(convreport.Closed), "')")
	}
	created := col("CreatedAt")
	if created == "" {
		return
	}
	cond(created, " IS NULL")
	typed(created, "integer")
	epoch := func() {
		if s.l.times == Timestamp {
			q.param(time.Unix(0, 0).UTC(), "timestamptz")
		} else {
			q.w("0")
		}
	}
	outside := func(c string) {
		// Only timestamptz holds times beyond int64 nanoseconds; the
		// bounds are a day inside the supported ones.
		if s.l.times == Timestamp {
			start(c, " < ")
			q.param(time.Date(1677, 9, 22, 0, 0, 0, 0, time.UTC), "timestamptz")
			q.w(" OR ", c, " > ")
			q.param(time.Date(2262, 4, 11, 0, 0, 0, 0, time.UTC), "timestamptz")
			q.w(")")
		}
	}
	outside(created)
	for _, name := range []string{"FirstAssignedAt", "FirstResponseAt", "ClosedAt"} {
		t := col(name)
		if t == "" {
			continue
		}
		typed(t, "integer")
		outside(t)
		// Before the creation, or possibly more than 292 years after it,
		// which only a creation before 1970 leaves room for in int64
		// nanoseconds.
		start(t, " < ", created, " OR (", created, " < ")
		epoch()
		q.w(" AND ", t, " >= ")
		epoch()
		q.w("))")
		if name == "ClosedAt" && st != "" {
			cond(st, " = '", string(convreport.Open), "' AND ", t, " IS NOT NULL")
			cond(st, " = '", string(convreport.Closed), "' AND ", t, " IS NULL")
		}
	}
	for _, name := range []string{"IncomingMessages", "OutgoingMessages"} {
		c := col(name)
		if c == "" {
			continue
		}
		typed(c, "integer")
		// A whole number a float64 holds exactly, as the scan reads it.
		cond(c, " < 0 OR ", c, " > 9007199254740992")
	}
}
