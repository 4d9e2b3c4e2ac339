package sqlsource

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/convreport/convreport"
)

// querier is what a statement runs on: the *sql.DB, or a transaction.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// readConn returns a connection of the pool for one ClickHouse read, and
// done, which gives it back, or closes it after a failed read: after the
// server refused a statement the driver can leave its connection out of
// step, and the next read on it then takes the refused one's reply (a
// count of another report, or of another tenant's). A read that stopped
// because its context ended leaves the connection as the driver does.
func (s *Source) readConn(ctx context.Context) (conn *sql.Conn, done func(err error), err error) {
	if conn, err = s.db.Conn(ctx); err != nil {
		return nil, nil, err
	}
	return conn, func(err error) {
		if err != nil && ctx.Err() == nil {
			conn.Raw(func(any) error { return driver.ErrBadConn }) // closes it
		}
		conn.Close()
	}, nil
}

// clickHouseSettings ends every ClickHouse SELECT: a Distributed table
// fails when a shard cannot be reached instead of answering for the others,
// whatever the user's profile says.
const clickHouseSettings = " SETTINGS skip_unavailable_shards = 0"

// ShardError is a ClickHouse query over a Distributed table that failed
// because a shard could not be reached. No result is returned in that
// case: a dashboard missing a shard's rows would be silently wrong.
// [CreateSharded] returns one for a shard it could not connect to, before
// it creates anything.
type ShardError struct {
	// Cluster is the Distributed table's cluster, from the server's
	// system.tables; "" when it could not be read.
	Cluster string
	// Shard is the shard's number in the cluster (system.clusters'
	// shard_num), 0 when the address matched none.
	Shard int
	// Addr is the host:port ClickHouse could not reach; "" when its
	// message named none.
	Addr string
	// Err is the driver's error.
	Err error
	// creating is set by CreateSharded, which reads no result.
	creating bool
}

func (e *ShardError) Error() string {
	where := "a shard"
	if e.Shard > 0 {
		where = "shard " + strconv.Itoa(e.Shard)
	}
	if e.Cluster != "" {
		where += " of cluster " + strconv.Quote(e.Cluster)
	}
	if e.Addr != "" {
		where += " at " + e.Addr
	}
	if e.creating {
		return fmt.Sprintf("sqlsource: cannot connect to ClickHouse %s, so no table was created: %v", where, e.Err)
	}
	return fmt.Sprintf("sqlsource: ClickHouse %s is unreachable, so no partial result is given: %v", where, e.Err)
}

// Unwrap returns the driver's error.
func (e *ShardError) Unwrap() error { return e.Err }

// The ClickHouse error codes of an unreachable server: NETWORK_ERROR,
// SOCKET_TIMEOUT and ALL_CONNECTION_TRIES_FAILED.
var (
	unreachableCode = regexp.MustCompile(`(?i)\bcode: (210|209|279)\b`)
	// The address in "Connection refused (127.0.0.1:9001)" and the like.
	addrInMessage = regexp.MustCompile(`\(([^()\s]+:\d+)\)`)
)

// queryError turns the error of a statement on a Distributed table whose
// shard is unreachable into a [*ShardError], and in PostgreSQL one caused
// by a change of the table into a [*TableChangedError]; other errors are
// returned as they are.
func (s *Source) queryError(ctx context.Context, err error) error {
	if s.d == PostgreSQL && err != nil {
		return s.pgQueryError(ctx, err)
	}
	if s.d != ClickHouse || err == nil || s.cluster == "" {
		return err
	}
	msg := err.Error()
	if !unreachableCode.MatchString(msg) {
		return err
	}
	m := addrInMessage.FindStringSubmatch(msg)
	if m == nil {
		return &ShardError{Cluster: s.cluster, Err: err}
	}
	se := &ShardError{Cluster: s.cluster, Addr: m[1], Err: err}
	// The shard's number, from the cluster's definition on the server the
	// query went to (which answered, since it reported the error).
	i := strings.LastIndexByte(m[1], ':')
	host, port := m[1][:i], m[1][i+1:]
	lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	var shard sql.NullInt64
	q := &sqlBuf{d: ClickHouse}
	q.w("SELECT min(shard_num) FROM system.clusters WHERE cluster = ")
	q.param(s.cluster, "text")
	q.w(" AND (host_name = ")
	q.param(host, "text")
	q.w(" OR host_address = ")
	q.param(host, "text")
	q.w(") AND toString(port) = ")
	q.param(port, "text")
	if s.db.QueryRowContext(lctx, q.String(), q.args...).Scan(&shard) == nil && shard.Valid {
		se.Shard = int(shard.Int64)
	}
	return se
}

// distributedCluster returns the cluster of table when it is a Distributed
// table, "" for any other engine.
func distributedCluster(ctx context.Context, db *sql.DB, table string) (string, error) {
	q := &sqlBuf{d: ClickHouse}
	q.w("SELECT engine, engine_full FROM system.tables WHERE database = currentDatabase() AND name = ")
	q.param(table, "text")
	var engine, full string
	err := db.QueryRowContext(ctx, q.String(), q.args...).Scan(&engine, &full)
	if errors.Is(err, sql.ErrNoRows) || err == nil && engine != "Distributed" {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	// Distributed(cluster, database, table[, sharding key]); the cluster
	// may be quoted.
	args := strings.TrimPrefix(full, "Distributed(")
	name, _, _ := strings.Cut(args, ",")
	name = strings.TrimSpace(name)
	if len(name) >= 2 && strings.ContainsRune("`'\"", rune(name[0])) && name[len(name)-1] == name[0] {
		name = strings.ReplaceAll(name[1:len(name)-1], `\`, "")
	}
	return name, nil
}

// clickHouseTypes lists, by kind, the column types whose values the
// statements read exactly, wrappers Nullable and LowCardinality aside.
var clickHouseTypes = map[convreport.Kind][]string{
	convreport.KindString:   {"String"},
	convreport.KindEnum:     {"String"},
	convreport.KindNumber:   {"Float64", "Float32", "Int64", "Int32", "Int16", "Int8", "UInt32", "UInt16", "UInt8"},
	convreport.KindBool:     {"UInt8", "Bool"},
	convreport.KindTime:     {"Int64"},
	convreport.KindDuration: {"Int64"},
}

// clickHouseCountTypes are the types a message count column may have,
// wrappers Nullable and LowCardinality aside: integers. A Float or
// Decimal column takes 2.5 or 1e20, which a pushed-down filter compares
// as it is (2.5 > 2) while a scan refuses it. UInt64 is left out, as for
// every number: a count is compared with Int64 parameters.
var clickHouseCountTypes = []string{"Int64", "Int32", "Int16", "Int8", "UInt32", "UInt16", "UInt8"}

// checkClickHouseCount refuses message count column c, of ClickHouse
// type typ as system.columns gives it, unless it is an integer type; a
// column not read (typ "") is not checked.
func (l *layout) checkClickHouseCount(c *column, typ string) error {
	if typ == "" || slices.Contains(clickHouseCountTypes, clickHouseBase(typ)) {
		return nil
	}
	return &ColumnTypeError{Dialect: ClickHouse, Table: l.table, Column: c.name, Property: c.prop.Name, Kind: c.prop.Kind, Count: true, Type: typ, Times: l.times,
		Reason: "want an integer type (Int8…Int64, UInt8…UInt32, Nullable or not): a count is a whole number, and Int64 holds every one"}
}

// clickHouseTenantTypes are the types a tenant column may have: a
// Nullable one would let rows belong to no tenant.
var clickHouseTenantTypes = []string{"String", "Int64", "Int32", "Int16", "Int8", "UInt64", "UInt32", "UInt16", "UInt8"}

// checkClickHouseTypes refuses a mapped column whose type would be read
// wrongly: a DateTime for a time (the package reads Unix nanoseconds), a
// FixedString (padded with NULs), a number for a string, a Float for a
// message count. A Distributed table's types are its own definition's.
func (s *Source) checkClickHouseTypes(ctx context.Context) error {
	types, err := tableColumnTypes(ctx, s.db, ClickHouse, s.l.table)
	if err != nil {
		return err
	}
	if s.l.tenant != "" {
		base := strings.TrimSuffix(strings.TrimPrefix(types[s.l.tenant], "LowCardinality("), ")")
		if !slices.Contains(clickHouseTenantTypes, base) {
			return fmt.Errorf("sqlsource: table %s: tenant column %s is %s; it must be String or an integer type", ClickHouse.quote(s.l.table), ClickHouse.quote(s.l.tenant), types[s.l.tenant])
		}
		s.tenantKind = tenantKindOf(ClickHouse, base)
	}
	for _, c := range s.l.stored() {
		typ, ok := types[c.name]
		if !ok {
			continue // New's SELECT already proved the column exists
		}
		if c.field != nil && isCount(c.prop) {
			if err := s.l.checkClickHouseCount(c, typ); err != nil {
				return err
			}
			continue
		}
		base := clickHouseBase(typ)
		if !slices.Contains(clickHouseTypes[c.prop.Kind], base) {
			want := strings.Join(clickHouseTypes[c.prop.Kind], ", ")
			if c.prop.Kind == convreport.KindTime {
				want = "Int64 (Unix nanoseconds)"
			}
			return fmt.Errorf("sqlsource: table %s: column %s of %s (%s) is %s; it must be %s", ClickHouse.quote(s.l.table), ClickHouse.quote(c.name), c.prop.Name, c.prop.Kind, typ, want)
		}
	}
	return nil
}

// clickHouseBase is a ClickHouse type without its Nullable and
// LowCardinality wrappers: Int32 of LowCardinality(Nullable(Int32)).
func clickHouseBase(typ string) string {
	base := typ
	for _, w := range []string{"Nullable(", "LowCardinality("} {
		if strings.HasPrefix(base, w) && strings.HasSuffix(base, ")") {
			base = base[len(w) : len(base)-1]
		}
	}
	if strings.HasPrefix(base, "Nullable(") {
		base = strings.TrimSuffix(strings.TrimPrefix(base, "Nullable("), ")")
	}
	return base
}

// clickHouseValue is a scan destination of a ClickHouse read. The
// driver's database/sql layer gives a LowCardinality(Nullable(T))
// column's values, and those of an expression over one (the NULLIF a
// dimension is grouped by), as a *T, where database/sql stores a T
// alone: it takes the pointer off a Nullable(T) column's values but not
// off a LowCardinality one's, whose every row then failed to scan
// ("storing driver.Value type *string into type *string").
type clickHouseValue struct{ sql.Scanner }

// Scan passes src to the destination, a pointer as the value it points
// to, nil as NULL.
func (v clickHouseValue) Scan(src any) error {
	switch x := src.(type) {
	case nil, string, int64, float64, []byte:
	case *string:
		if x == nil {
			src = nil
		} else {
			src = *x
		}
	default:
		if rv := reflect.ValueOf(src); rv.Kind() == reflect.Pointer {
			if rv.IsNil() {
				src = nil
			} else {
				src = rv.Elem().Interface()
			}
		}
	}
	return v.Scanner.Scan(src)
}

// scanDests returns the destinations of rows.Scan for dest: in
// ClickHouse each sql.Scanner wrapped in a clickHouseValue, so that
// LowCardinality(Nullable(…)) columns scan as Nullable ones do; dest
// itself elsewhere.
func scanDests(d Dialect, dest []any) []any {
	if d != ClickHouse {
		return dest
	}
	out := make([]any, len(dest))
	for i, x := range dest {
		if sc, ok := x.(sql.Scanner); ok {
			x = clickHouseValue{sc}
		}
		out[i] = x
	}
	return out
}
