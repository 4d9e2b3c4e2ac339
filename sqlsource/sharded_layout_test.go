package sqlsource

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// A cluster listing a server as several shards, by address or as the
// server asked, or with replicas, is refused, naming the shards and
// addresses; one server a shard passes.
func TestCheckClusterLayout(t *testing.T) {
	sh := func(num, replica int, host, addr string, port int, local bool) Shard {
		return Shard{Cluster: "main", Num: num, Replica: replica, Host: host, Address: addr, Port: port, Local: local}
	}
	require.NoError(t, checkClusterLayout("main", []Shard{
		sh(1, 1, "ch-1", "10.0.0.1", 9000, true),
		sh(2, 1, "ch-2", "10.0.0.2", 9000, false),
		sh(3, 1, "ch-2", "10.0.0.2", 9001, false),
	}))

	// ClickHouse's test_cluster_two_shards_localhost: both rows the
	// server asked, under two names.
	err := checkClusterLayout("two", []Shard{
		sh(1, 1, "localhost", "::1", 9000, true),
		sh(2, 1, "127.0.0.1", "127.0.0.1", 9000, true),
	})
	require.EqualError(t, err, `sqlsource: cluster "two" lists a server as several shards (shards 1 and 2 are one server at localhost:9000 and 127.0.0.1:9000): the Distributed table would read its local table once for each, counting every row as many times; list each server once, as one shard`)

	// Another server, under two names that resolve alike, three times.
	err = checkClusterLayout("main", []Shard{
		sh(1, 1, "ch-1", "10.0.0.1", 9000, true),
		sh(2, 1, "ch-2", "10.0.0.2", 9000, false),
		sh(3, 1, "ch-2.internal", "10.0.0.2", 9000, false),
		sh(4, 1, "ch-2", "10.0.0.2", 9000, false),
	})
	require.EqualError(t, err, `sqlsource: cluster "main" lists a server as several shards (shards 2, 3 and 4 are one server at ch-2:9000 and ch-2.internal:9000): the Distributed table would read its local table once for each, counting every row as many times; list each server once, as one shard`)

	err = checkClusterLayout("main", []Shard{
		sh(1, 1, "ch-1", "10.0.0.1", 9000, true),
		sh(1, 2, "ch-2", "10.0.0.2", 9000, true),
		sh(2, 1, "ch-3", "10.0.0.3", 9000, false),
		sh(3, 1, "ch-4", "10.0.0.4", 9000, false),
		sh(3, 2, "ch-5", "10.0.0.5", 9000, false),
		sh(3, 3, "ch-6", "10.0.0.6", 9000, false),
	})
	require.EqualError(t, err, `sqlsource: cluster "main" has replicas (shard 1 has 2: ch-1:9000, ch-2:9000; shard 3 has 3: ch-4:9000, ch-5:9000, ch-6:9000): plain MergeTree local tables cannot keep replicas in step, so rows written to one would be missing from reads of another; make such a cluster's local tables by hand with Replicated engines, then the Distributed table with CreateDistributed`)
}
