package sqlsource

import (
	"bytes"
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/convreport/convreport"
)

// The PostgreSQL types a COPY writes, by OID: the types the INSERTs cast
// their parameters to (sqlType, jsonb, the tenant's), and the narrower
// integers of a count column made before counts were bigint.
const (
	oidBool        = 16
	oidInt8        = 20
	oidInt2        = 21
	oidInt4        = 23
	oidText        = 25
	oidFloat8      = 701
	oidTimestamptz = 1184
	oidJSONB       = 3802
)

// errNoCopy is why a batch was not copied; the INSERTs write it.
var errNoCopy = errors.New("sqlsource: not copied")

// copiedBatches counts the batches COPY wrote, for the tests to tell COPY
// from the INSERTs.
var copiedBatches atomic.Int64

// copyPostgreSQL writes cs with one COPY in binary format, in a
// transaction of its own, through the pgx driver. It copies only where
// the COPY stores what the INSERTs would: with the table locked against
// changes to its columns, every column written must be a plain table
// column (not generated, not an identity) of the very type the INSERTs
// cast its value to (where they would convert, COPY would convert
// otherwise), and the table must have no rule on INSERT and no trigger
// (which COPY applies otherwise or not at all). Anything else, or a COPY that
// fails, rolls the transaction back and returns an error wrapping
// errNoCopy: nothing was written, and the INSERTs write the batch and say
// what is wrong. An error of the commit is returned as it is.
func (l *layout) copyPostgreSQL(ctx context.Context, db *sql.DB, tenant any, cs []convreport.Conversation) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("%w: %v", errNoCopy, err)
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		pc, ok := dc.(interface{ Conn() *pgx.Conn })
		if !ok {
			return fmt.Errorf("%w: not the pgx driver", errNoCopy)
		}
		pg := pc.Conn().PgConn()
		if pg.TxStatus() != 'I' {
			return fmt.Errorf("%w: the connection is in a transaction", errNoCopy)
		}
		err := l.copyIn(ctx, pg, tenant, cs)
		if pg.TxStatus() != 'I' {
			// Never hand the pool a connection inside a transaction.
			if _, rerr := pg.Exec(context.WithoutCancel(ctx), "ROLLBACK").ReadAll(); rerr != nil || pg.TxStatus() != 'I' {
				return errors.Join(err, driver.ErrBadConn)
			}
		}
		return err
	})
}

// copyIn is copyPostgreSQL on the connection pg.
func (l *layout) copyIn(ctx context.Context, pg *pgconn.PgConn, tenant any, cs []convreport.Conversation) error {
	noCopy := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", errNoCopy, fmt.Sprintf(format, args...))
	}
	table := PostgreSQL.quote(l.table)
	// ROW EXCLUSIVE is what an INSERT or a COPY takes anyway; it waits
	// for, and then holds off, an ALTER TABLE.
	if _, err := pg.Exec(ctx, "BEGIN; LOCK TABLE ONLY "+table+" IN ROW EXCLUSIVE MODE").ReadAll(); err != nil {
		return noCopy("%v", err)
	}
	names, oids, counts := l.copyColumns(tenant)
	// A rule on INSERT is not applied by COPY, a statement trigger fires
	// once a COPY where once an INSERT of a thousand rows, an identity
	// column GENERATED ALWAYS takes COPY's value where it refuses the
	// INSERT's: a table with any of them is written with the INSERTs.
	res := pg.ExecParams(ctx, `SELECT a.attname, a.atttypid::int8, a.atttypmod::int8,
		a.attgenerated <> '' OR a.attidentity <> '', c.relkind::text,
		EXISTS (SELECT 1 FROM pg_rewrite r WHERE r.ev_class = c.oid AND r.ev_type = '3')
			OR EXISTS (SELECT 1 FROM pg_trigger g WHERE g.tgrelid = c.oid AND NOT g.tgisinternal)
		FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
		WHERE c.oid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped`,
		[][]byte{[]byte(table)}, nil, nil, nil).Read()
	if res.Err != nil {
		return noCopy("%v", res.Err)
	}
	have := map[string]uint32{}
	for _, row := range res.Rows {
		name, kind := string(row[0]), string(row[4])
		if kind != "r" || string(row[5]) != "f" {
			return noCopy("%s is not a table without rules or triggers", table)
		}
		if string(row[3]) != "f" || string(row[2]) != "-1" {
			continue // generated, identity, or of a type with a modifier: never the INSERTs' type
		}
		oid, err := strconv.ParseUint(string(row[1]), 10, 32)
		if err != nil {
			return noCopy("type of %s: %v", name, err)
		}
		have[name] = uint32(oid)
	}
	for i, name := range names {
		if counts[i] && (have[name] == oidInt2 || have[name] == oidInt4) {
			// An integer column made before counts were bigint: the
			// INSERTs' bigint is assigned to it, and each count was
			// checked to fit.
			oids[i] = have[name]
		}
		if oids[i] == 0 || have[name] != oids[i] {
			return noCopy("column %s is not of the type the INSERTs cast to", name)
		}
	}
	var b []byte
	b = append(b, "PGCOPY\n\xff\r\n\x00"...)
	b = binary.BigEndian.AppendUint32(b, 0) // flags
	b = binary.BigEndian.AppendUint32(b, 0) // header extension
	row := make([]any, 0, len(names))
	for i := range cs {
		var err error
		if row, err = l.appendRow(row[:0], &cs[i], tenant); err != nil {
			return fmt.Errorf("sqlsource: insert conversation %q: %w", cs[i].ID, err)
		}
		b = binary.BigEndian.AppendUint16(b, uint16(len(row)))
		for k, v := range row {
			var ok bool
			if b, ok = appendCopyValue(b, oids[k], v); !ok {
				return noCopy("conversation %q: %s cannot be copied as it is", cs[i].ID, names[k])
			}
		}
	}
	b = binary.BigEndian.AppendUint16(b, 0xffff)
	var q strings.Builder
	q.WriteString("COPY " + table + " (")
	for i, n := range names {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString(PostgreSQL.quote(n))
	}
	q.WriteString(") FROM STDIN (FORMAT binary)")
	if _, err := pg.CopyFrom(ctx, bytes.NewReader(b), q.String()); err != nil {
		return noCopy("%v", err)
	}
	// Past here a failure is no reason to write the batch again: the
	// commit may have been made, its answer lost.
	if _, err := pg.Exec(ctx, "COMMIT").ReadAll(); err != nil {
		return fmt.Errorf("sqlsource: insert: %w", err)
	}
	copiedBatches.Add(1)
	return nil
}

// copyColumns returns the columns a row's parameters go to, in
// appendRow's order, the type of each, as the INSERTs cast them, and
// which are message counts.
func (l *layout) copyColumns(tenant any) ([]string, []uint32, []bool) {
	var names []string
	var oids []uint32
	var counts []bool
	for _, c := range l.stored() {
		names = append(names, c.name)
		oids = append(oids, pgTypeOID(l.sqlType(c.prop)))
		counts = append(counts, c.field != nil && isCount(c.prop))
	}
	if l.json != "" {
		names, oids, counts = append(names, l.json), append(oids, oidJSONB), append(counts, false)
	}
	if tenant != nil {
		oid := uint32(oidInt8)
		if tenantPGType(tenant) == "text" {
			oid = oidText
		}
		names, oids, counts = append(names, l.tenant), append(oids, oid), append(counts, false)
	}
	return names, oids, counts
}

// pgTypeOID is the OID of a type sqlType names for PostgreSQL, 0 for one
// a COPY does not write.
func pgTypeOID(typ string) uint32 {
	switch typ {
	case "text":
		return oidText
	case "integer":
		return oidInt4
	case "bigint":
		return oidInt8
	case "double precision":
		return oidFloat8
	case "boolean":
		return oidBool
	case "timestamptz":
		return oidTimestamptz
	}
	return 0
}

// pgEpoch is where PostgreSQL's binary timestamps count from.
var pgEpoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// appendCopyValue appends v, a parameter appendRow made, as a field of a
// binary COPY of type oid; false where it cannot be one exactly as the
// INSERT's cast would make it.
func appendCopyValue(b []byte, oid uint32, v any) ([]byte, bool) {
	if v == nil {
		return binary.BigEndian.AppendUint32(b, math.MaxUint32), true // -1: NULL
	}
	switch oid {
	case oidText, oidJSONB:
		s, ok := v.(string)
		if !ok {
			return b, false
		}
		n := len(s)
		if oid == oidJSONB {
			n++
		}
		b = binary.BigEndian.AppendUint32(b, uint32(n))
		if oid == oidJSONB {
			b = append(b, 1) // jsonb's binary format version
		}
		return append(b, s...), true
	case oidInt2, oidInt4, oidInt8:
		n, ok := v.(int64)
		if !ok {
			return b, false
		}
		if oid == oidInt2 {
			if n < math.MinInt16 || n > math.MaxInt16 {
				return b, false
			}
			b = binary.BigEndian.AppendUint32(b, 2)
			return binary.BigEndian.AppendUint16(b, uint16(int16(n))), true
		}
		if oid == oidInt4 {
			if n < math.MinInt32 || n > math.MaxInt32 {
				return b, false
			}
			b = binary.BigEndian.AppendUint32(b, 4)
			return binary.BigEndian.AppendUint32(b, uint32(int32(n))), true
		}
		b = binary.BigEndian.AppendUint32(b, 8)
		return binary.BigEndian.AppendUint64(b, uint64(n)), true
	case oidFloat8:
		x, ok := v.(float64)
		if !ok {
			return b, false
		}
		b = binary.BigEndian.AppendUint32(b, 8)
		return binary.BigEndian.AppendUint64(b, math.Float64bits(x)), true
	case oidBool:
		x, ok := v.(bool)
		if !ok {
			return b, false
		}
		b = binary.BigEndian.AppendUint32(b, 1)
		if x {
			return append(b, 1), true
		}
		return append(b, 0), true
	case oidTimestamptz:
		t, ok := v.(time.Time)
		// The years a microsecond count from 2000 holds with room to
		// spare; the server refuses those past its own range.
		if !ok || t.Year() < -200_000 || t.Year() > 200_000 || t.Nanosecond()%1000 != 0 {
			return b, false
		}
		us := t.Unix()*1_000_000 + int64(t.Nanosecond()/1000) - pgEpoch.Unix()*1_000_000
		b = binary.BigEndian.AppendUint32(b, 8)
		return binary.BigEndian.AppendUint64(b, uint64(us)), true
	}
	return b, false
}
