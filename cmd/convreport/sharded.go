package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"strings"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/sqlsource"
)

// sharding is import's --cluster and --local-table: the table import
// writes is a Distributed one over the shards of a ClickHouse cluster,
// made with a local table on each shard when missing.
type sharding struct {
	cluster string
	local   string // the local tables' name; "" for the table's + _local
}

func (s *sharding) register(fs *flag.FlagSet) {
	fs.StringVar(&s.cluster, "cluster", "", "with --out clickhouse://…, write into a Distributed table over the shards of the cluster `NAME` (as the server's system.clusters defines it); when the table is missing, make it: a local table on every shard, reached with --out's user, password and database, then the Distributed table over them; nothing is made unless every shard answers")
	fs.StringVar(&s.local, "local-table", "", "with --cluster, the `NAME` of the table made on each shard (default: the Distributed table's name and _local, conversations_local)")
}

// check refuses the flags for an --out they cannot make.
func (s sharding) check(out string) error {
	if s.cluster == "" {
		if s.local != "" {
			return usageError("--local-table names the tables --cluster makes on the shards: give --cluster NAME too")
		}
		return nil
	}
	if d, ok := databaseDialect(out); !ok || d != sqlsource.ClickHouse {
		return usageError("--cluster makes a Distributed table over the shards of a ClickHouse cluster; --out %s is not a clickhouse:// URL", redact(out))
	}
	return nil
}

// createSharded makes the table m describes (for schema) a Distributed
// table over s's cluster, with its local tables, when db (out's server)
// lacks it, and says so; one there over the cluster is written as it is.
// The shards are reached with out's user, password, database and
// parameters.
func (c *cli) createSharded(db *sql.DB, out string, m sqlsource.Mapping, schema *convreport.Schema, s sharding) error {
	local := s.local
	if local == "" {
		local = tableOf(m) + "_local"
	}
	connect := func(ctx context.Context, sh sqlsource.Shard) (*sql.DB, error) {
		dsn, err := sh.DSN(out)
		if err != nil {
			return nil, err
		}
		return sql.Open("clickhouse", dsn)
	}
	made, err := sqlsource.CreateSharded(c.ctx, db, m, schema, s.cluster, local, connect)
	if err != nil || made == nil {
		return err
	}
	addrs := func(shards []sqlsource.Shard) string {
		out := make([]string, len(shards))
		for i, sh := range shards {
			out[i] = sh.Addr()
		}
		return strings.Join(out, ", ")
	}
	// A rerun after a failure part way finds the tables it made then.
	all := len(made.Made) + len(made.Found)
	switch {
	case len(made.Found) == 0:
		fmt.Fprintf(c.stderr, "convreport: made table %s on the %d servers of cluster %q (%s) and the Distributed table %s over them\n", local, all, s.cluster, addrs(made.Made), tableOf(m))
	case len(made.Made) == 0:
		fmt.Fprintf(c.stderr, "convreport: table %s was on the %d servers of cluster %q already (%s); made the Distributed table %s over them\n", local, all, s.cluster, addrs(made.Found), tableOf(m))
	default:
		fmt.Fprintf(c.stderr, "convreport: made table %s on %d of the %d servers of cluster %q (%s; %s had it already) and the Distributed table %s over them\n", local, len(made.Made), all, s.cluster, addrs(made.Made), addrs(made.Found), tableOf(m))
	}
	return nil
}
