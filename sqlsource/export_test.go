package sqlsource

// ReadConn is readConn, for the test of what a failed ClickHouse read
// leaves in the pool.
var ReadConn = (*Source).readConn
