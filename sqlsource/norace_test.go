//go:build !race

package sqlsource_test

const raceEnabled = false
