package sqlsource

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/convreport/convreport"
)

// Shard is one server of a ClickHouse cluster as system.clusters lists
// it on a server that knows the cluster: a replica of one of its shards
// (a cluster without replication has one a shard).
type Shard struct {
	Cluster string
	// Num is the shard's number in the cluster (shard_num, from 1);
	// Replica the server's among the shard's replicas (replica_num).
	Num, Replica int
	// Host is the server's name as the cluster's definition gives it
	// (host_name); Address is what the server asked resolved it to
	// (host_address).
	Host, Address string
	// Port is the server's native protocol port.
	Port int
	// Local is set for the server that was asked (is_local).
	Local bool
}

// Addr is the shard's host:port.
func (s Shard) Addr() string { return net.JoinHostPort(s.Host, strconv.Itoa(s.Port)) }

// String names the shard as errors do: shard 2 of cluster "main" at
// ch2:9000 (and its replica, when it is not the first).
func (s Shard) String() string {
	replica := ""
	if s.Replica > 1 {
		replica = " replica " + strconv.Itoa(s.Replica)
	}
	return fmt.Sprintf("shard %d%s of cluster %q at %s", s.Num, replica, s.Cluster, s.Addr())
}

// DSN is dsn, the clickhouse:// URL of a server of the cluster, with its
// host and port replaced by the shard's: the same user, password,
// database and parameters, for the connect function of [CreateSharded].
func (s Shard) DSN(dsn string) (string, error) {
	u, err := url.Parse(dsn)
	if err != nil || u.Host == "" {
		// The URL may hold a password: it is not repeated.
		return "", fmt.Errorf("sqlsource: the DSN for %s: want a URL such as clickhouse://user:password@host:9000/database", s)
	}
	u.Host = s.Addr()
	return u.String(), nil
}

// UnknownClusterError is a cluster the ClickHouse server does not define
// (in its remote_servers configuration).
type UnknownClusterError struct {
	Cluster string
	// Known are the clusters the server defines, sorted.
	Known []string
}

func (e *UnknownClusterError) Error() string {
	if len(e.Known) == 0 {
		return fmt.Sprintf("sqlsource: the ClickHouse server defines no cluster %q: it defines none (see remote_servers in its configuration)", e.Cluster)
	}
	return fmt.Sprintf("sqlsource: the ClickHouse server defines no cluster %q: it defines %s", e.Cluster, strings.Join(e.Known, ", "))
}

// ClusterShards lists the servers of cluster as the ClickHouse server db
// is connected to defines it, by shard and replica. A cluster it does not
// define is an [*UnknownClusterError] naming those it does.
func ClusterShards(ctx context.Context, db *sql.DB, cluster string) ([]Shard, error) {
	rows, err := db.QueryContext(ctx, "SELECT shard_num, replica_num, host_name, host_address, port, is_local FROM system.clusters WHERE cluster = ? ORDER BY shard_num, replica_num", cluster)
	if err != nil {
		return nil, fmt.Errorf("sqlsource: the shards of cluster %q: %w", cluster, err)
	}
	defer rows.Close()
	var out []Shard
	for rows.Next() {
		s := Shard{Cluster: cluster}
		var local uint8
		if err := rows.Scan(&s.Num, &s.Replica, &s.Host, &s.Address, &s.Port, &local); err != nil {
			return nil, fmt.Errorf("sqlsource: the shards of cluster %q: %w", cluster, err)
		}
		s.Local = local == 1
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlsource: the shards of cluster %q: %w", cluster, err)
	}
	if len(out) > 0 {
		return out, nil
	}
	known := []string{}
	rows, err = db.QueryContext(ctx, "SELECT DISTINCT cluster FROM system.clusters ORDER BY cluster")
	if err != nil {
		return nil, fmt.Errorf("sqlsource: the clusters of the server: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, fmt.Errorf("sqlsource: the clusters of the server: %w", err)
		}
		known = append(known, name)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlsource: the clusters of the server: %w", err)
	}
	return nil, &UnknownClusterError{Cluster: cluster, Known: known}
}

// CreateSharded makes the ClickHouse table m describes, for schema s (nil
// means [convreport.DefaultSchema]), a Distributed table over cluster:
// the table local, made with [CreateTable], on every server of the
// cluster as db's server defines it (see [ClusterShards]), then the
// Distributed table over them on db's server ([CreateDistributed]),
// which rows are inserted into and reports read. It returns the servers
// it made a local table on and those that held one already, nil when
// m's table was there already.
//
// Each server is reached through connect, given its [Shard] (see
// [Shard.DSN]), but the one db is connected to (Local), reached through
// db, which is left open. Every *sql.DB connect returns is closed before
// CreateSharded returns: connect opens a new one (sql.Open), never hands
// back a pool the caller goes on using. They must name the
// database db's connection names, which the Distributed table reads on
// every shard.
//
// Nothing is created unless every server is reached and holds no table
// named local, or one as [CreateTable] makes it: a failure part way, an
// error ending "run again to finish", leaves such tables, and a rerun
// finishes the work (they are then [ShardedTables.Found]). Otherwise the
// error names every server at fault, one a line: a [*ShardError] for one
// that could not be connected to. An unknown cluster is an
// [*UnknownClusterError]; a cluster with replicas, or listing a server as
// several shards, is refused. When m's table exists already, nothing is
// done: a Distributed table over cluster is taken as
// it is, whatever its local tables are named; a table of another engine,
// or over another cluster, is refused.
func CreateSharded(ctx context.Context, db *sql.DB, m Mapping, s *convreport.Schema, cluster, local string, connect func(ctx context.Context, shard Shard) (*sql.DB, error)) (*ShardedTables, error) {
	l, err := newLayout(ClickHouse, s, m)
	if err != nil {
		return nil, err
	}
	for what, name := range map[string]string{"cluster": cluster, "local table": local} {
		if err := ClickHouse.checkIdent(name); err != nil {
			return nil, fmt.Errorf("sqlsource: sharded table: %s name %q %v", what, name, err)
		}
	}
	if local == l.table {
		return nil, fmt.Errorf("sqlsource: sharded table %s: the local tables need a name of their own", ClickHouse.quote(l.table))
	}
	engine, over, err := tableEngine(ctx, db, l.table)
	switch {
	case err != nil:
		return nil, err
	case engine == "Distributed" && over == cluster:
		return nil, nil
	case engine == "Distributed":
		return nil, fmt.Errorf("sqlsource: table %s is a Distributed table over cluster %q, not %q", ClickHouse.quote(l.table), over, cluster)
	case engine != "":
		return nil, fmt.Errorf("sqlsource: table %s exists and is a %s table, not a Distributed one over cluster %q: write into it as it is, or give the sharded table another name", ClickHouse.quote(l.table), engine, cluster)
	}
	shards, err := ClusterShards(ctx, db, cluster)
	if err != nil {
		return nil, err
	}
	if err := checkClusterLayout(cluster, shards); err != nil {
		return nil, err
	}
	lm := m
	lm.Table = local
	ll, err := newLayout(ClickHouse, s, lm)
	if err != nil {
		return nil, err
	}
	// Every server reached, and its table local read, before anything is
	// made: a table on some shards only would take no rows of the others.
	conns := make([]*sql.DB, len(shards))
	defer func() {
		for i, c := range conns {
			if c != nil && !shards[i].Local {
				c.Close()
			}
		}
	}()
	var faults []error
	found := make([]bool, len(shards))
	for i, sh := range shards {
		conn := db
		if !sh.Local {
			if conn, err = connectShard(ctx, sh, connect); err != nil {
				faults = append(faults, err)
				continue
			}
		}
		conns[i] = conn
		if found[i], err = ll.checkLocalTable(ctx, conn, sh); err != nil {
			faults = append(faults, err)
		}
	}
	if len(faults) > 0 {
		return nil, errors.Join(faults...)
	}
	out := &ShardedTables{}
	for i, sh := range shards {
		if found[i] {
			out.Found = append(out.Found, sh)
			continue
		}
		if err := CreateTable(ctx, conns[i], ClickHouse, lm, s); err != nil {
			return nil, fmt.Errorf("sqlsource: %s: %w (%d of the %d servers have table %s; run again to finish)", sh, err, i, len(shards), ClickHouse.quote(local))
		}
		out.Made = append(out.Made, sh)
	}
	if err := CreateDistributed(ctx, db, m, s, cluster, local); err != nil {
		return nil, fmt.Errorf("sqlsource: the Distributed table %s over cluster %q: %w (its %d servers have table %s; run again to finish)", ClickHouse.quote(l.table), cluster, err, len(shards), ClickHouse.quote(local))
	}
	return out, nil
}

// ShardedTables are the servers of a cluster [CreateSharded] made the
// Distributed table over.
type ShardedTables struct {
	// Made are the servers it made the local table on; Found those that
	// held it already, as a run that failed part way left it.
	Made, Found []Shard
}

// checkClusterLayout refuses a cluster CreateSharded cannot make right
// with a plain MergeTree table on each of its servers. With replicas, an
// insert goes to one replica of a shard (internal_replication) or to each
// while another is down, and a read takes any one: rows go missing, which
// only Replicated tables prevent. A server listed in several shards would
// be read once per shard by the Distributed table, its rows counted as
// many times.
func checkClusterLayout(cluster string, shards []Shard) error {
	replicas := map[int][]string{}
	var withReplicas []int
	for _, sh := range shards {
		if len(replicas[sh.Num]) == 1 {
			withReplicas = append(withReplicas, sh.Num)
		}
		replicas[sh.Num] = append(replicas[sh.Num], sh.Addr())
	}
	if len(withReplicas) > 0 {
		var which []string
		for _, n := range withReplicas {
			which = append(which, fmt.Sprintf("shard %d has %d: %s", n, len(replicas[n]), strings.Join(replicas[n], ", ")))
		}
		return fmt.Errorf("sqlsource: cluster %q has replicas (%s): plain MergeTree local tables cannot keep replicas in step, so rows written to one would be missing from reads of another; make such a cluster's local tables by hand with Replicated engines, then the Distributed table with CreateDistributed", cluster, strings.Join(which, "; "))
	}
	// A server is its address and port as the server asked resolved them;
	// the one asked may be listed under other names, but is_local says it.
	key := func(sh Shard) string {
		if sh.Local {
			return "local"
		}
		return net.JoinHostPort(sh.Address, strconv.Itoa(sh.Port))
	}
	listed := map[string][]Shard{}
	var order []string
	for _, sh := range shards {
		k := key(sh)
		if len(listed[k]) == 0 {
			order = append(order, k)
		}
		listed[k] = append(listed[k], sh)
	}
	var twice []string
	for _, k := range order {
		same := listed[k]
		if len(same) < 2 {
			continue
		}
		var nums, addrs []string
		for _, sh := range same {
			nums = append(nums, strconv.Itoa(sh.Num))
			if !slices.Contains(addrs, sh.Addr()) {
				addrs = append(addrs, sh.Addr())
			}
		}
		twice = append(twice, fmt.Sprintf("shards %s and %s are one server at %s", strings.Join(nums[:len(nums)-1], ", "), nums[len(nums)-1], strings.Join(addrs, " and ")))
	}
	if len(twice) > 0 {
		return fmt.Errorf("sqlsource: cluster %q lists a server as several shards (%s): the Distributed table would read its local table once for each, counting every row as many times; list each server once, as one shard", cluster, strings.Join(twice, "; "))
	}
	return nil
}

// connectShard opens and pings a connection to sh, a [*ShardError] when
// it cannot.
func connectShard(ctx context.Context, sh Shard, connect func(context.Context, Shard) (*sql.DB, error)) (*sql.DB, error) {
	fail := func(err error) (*sql.DB, error) {
		return nil, &ShardError{Cluster: sh.Cluster, Shard: sh.Num, Addr: sh.Addr(), Err: err, creating: true}
	}
	if connect == nil {
		return fail(errors.New("no connect function was given for the other servers"))
	}
	db, err := connect(ctx, sh)
	if err != nil {
		return fail(err)
	}
	if db == nil {
		return fail(errors.New("the connect function returned no database"))
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return fail(err)
	}
	return db, nil
}

// tableEngine returns the engine of table in db's current database, ""
// when there is no such table, and for a Distributed table its cluster.
func tableEngine(ctx context.Context, db *sql.DB, table string) (engine, cluster string, err error) {
	err = db.QueryRowContext(ctx, "SELECT engine FROM system.tables WHERE database = currentDatabase() AND name = ?", table).Scan(&engine)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", nil
	}
	if err != nil {
		return "", "", fmt.Errorf("sqlsource: table %s: reading its engine: %w", ClickHouse.quote(table), err)
	}
	if engine == "Distributed" {
		if cluster, err = distributedCluster(ctx, db, table); err != nil {
			return "", "", fmt.Errorf("sqlsource: table %s: reading its cluster: %w", ClickHouse.quote(table), err)
		}
	}
	return engine, cluster, nil
}

// checkLocalTable says whether sh (through db) has the table l describes,
// and refuses it when it exists otherwise than as CreateTable makes it:
// another engine, a column missing or of another type. Columns of its
// own besides are left alone: the Distributed table reads its own, and a
// row written through it leaves the others to their defaults.
func (l *layout) checkLocalTable(ctx context.Context, db *sql.DB, sh Shard) (bool, error) {
	engine, _, err := tableEngine(ctx, db, l.table)
	if err != nil {
		return false, fmt.Errorf("sqlsource: %s: %w", sh, err)
	}
	if engine == "" {
		return false, nil
	}
	if !strings.HasSuffix(engine, "MergeTree") {
		return true, fmt.Errorf("sqlsource: %s already has a table %s, a %s table: the local tables are MergeTree ones; drop it, or give the local tables another name", sh, ClickHouse.quote(l.table), engine)
	}
	types, err := tableColumnTypes(ctx, db, ClickHouse, l.table)
	if err != nil {
		return true, fmt.Errorf("sqlsource: %s: %w", sh, err)
	}
	var diffs []string
	for _, c := range l.clickHouseColumns() {
		switch got, ok := types[c.name]; {
		case !ok:
			diffs = append(diffs, fmt.Sprintf("no column %s (%s)", ClickHouse.quote(c.name), c.typ))
		case got != c.typ:
			diffs = append(diffs, fmt.Sprintf("column %s is %s, not %s", ClickHouse.quote(c.name), got, c.typ))
		}
	}
	if len(diffs) == 0 {
		return true, nil
	}
	if len(diffs) > 3 {
		diffs = append(diffs[:3], fmt.Sprintf("and %d more", len(diffs)-3))
	}
	return true, fmt.Errorf("sqlsource: %s already has a table %s of another layout (%s): drop it, or give the local tables another name", sh, ClickHouse.quote(l.table), strings.Join(diffs, "; "))
}

// clickHouseColumn is a column of a ClickHouse table as CreateTable makes
// it, its type as system.columns gives it; a count column defaults to 0.
type clickHouseColumn struct {
	name, typ string
	count     bool
}

// clickHouseColumns are the columns CreateTable gives a ClickHouse table
// of layout l: clickHouseTable writes them, and CreateSharded checks a
// shard's existing table against them.
func (l *layout) clickHouseColumns() []clickHouseColumn {
	var out []clickHouseColumn
	for _, c := range l.stored() {
		typ := l.sqlType(c.prop)
		count := isCount(c.prop)
		if !count && !alwaysKnown[c.prop.Name] {
			// The sorting key (CreatedAt, ID) cannot be Nullable.
			typ = "Nullable(" + typ + ")"
		}
		out = append(out, clickHouseColumn{c.name, typ, count})
	}
	if l.tenant != "" {
		out = append(out, clickHouseColumn{name: l.tenant, typ: "String"})
	}
	return out
}
