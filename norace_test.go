//go:build !race

package convreport_test

const raceEnabled = false
