package sqlsource_test

import (
	"context"
	"database/sql"
	"fmt"
	"log"

	"github.com/convreport/convreport/sqlsource"
)

// A Distributed table over the shards of the cluster "main", made from
// one of its servers: the local table on each shard, reached with the
// same user, password and database, then the Distributed table. Rows
// inserted through it spread over the shards; a second run finds it
// made and does nothing.
func ExampleCreateSharded() {
	// insert_distributed_sync: an insert returns once the shards hold the rows.
	const dsn = "clickhouse://importer:secret@ch-1.internal:9000/helpdesk?insert_distributed_sync=1"
	db, err := sql.Open("clickhouse", dsn)
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	connect := func(ctx context.Context, shard sqlsource.Shard) (*sql.DB, error) {
		shardDSN, err := shard.DSN(dsn)
		if err != nil {
			return nil, err
		}
		return sql.Open("clickhouse", shardDSN)
	}
	made, err := sqlsource.CreateSharded(context.Background(), db, sqlsource.Mapping{}, nil, "main", "conversations_local", connect)
	if err != nil {
		log.Fatal(err) // an unreachable shard is a *sqlsource.ShardError, and nothing was made
	}
	for _, shard := range made.Made {
		fmt.Println("made conversations_local on", shard)
	}
	for _, shard := range made.Found {
		fmt.Println("conversations_local was on", shard, "already") // left by a run that failed part way
	}
}
