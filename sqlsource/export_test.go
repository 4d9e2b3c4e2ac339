package sqlsource

// ReadConn is readConn, for the test of what a failed ClickHouse read
// leaves in the pool.
var ReadConn = (*Source).readConn

// Probes counts the reads for invalid rows that pushed-down plans made.
var Probes = &probes
