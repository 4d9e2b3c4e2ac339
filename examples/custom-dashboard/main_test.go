package main

import (
	"context"
	"io"
	"slices"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/sample"
	"github.com/shopspring/decimal"
)

// TestDrillDown runs main's logic and checks the point it drilled into
// three ways: the drill-down lists as many conversations as the point
// counts, and both the list and the value match a plain loop over the
// same data.
func TestDrillDown(t *testing.T) {
	cs := sample.Generate(sample.Config{Seed: 3, N: 5_000})
	p, drill, err := run(context.Background(), io.Discard, cs)
	if err != nil {
		t.Fatal(err)
	}
	if drill.Len() != int(p.Count) {
		t.Errorf("drill-down lists %d conversations, the point counts %d", drill.Len(), p.Count)
	}

	// The point's team, its answered emails outside the Partners inbox,
	// created from 2025-05-04 to 2025-05-31 in Paris.
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	from, to := time.Date(2025, 5, 4, 0, 0, 0, 0, paris), time.Date(2025, 6, 1, 0, 0, 0, 0, paris)
	team := p.Dimensions[0].Value
	var want []string
	var sum int64 // nanoseconds
	for _, c := range cs {
		frt, answered := c.AgentFirstResponseTime()
		if c.Channel == convreport.Email && c.Inbox != "Partners" && c.Team == team && answered &&
			!c.CreatedAt.Before(from) && c.CreatedAt.Before(to) {
			want = append(want, c.ID)
			sum += int64(frt)
		}
	}
	if len(want) == 0 {
		t.Fatalf("team %q has no answered emails: the test checks nothing", team)
	}

	var got []string
	for c := range drill.All() {
		got = append(got, c.ID)
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("drill-down lists %d conversations, the loop finds %d", len(got), len(want))
	}

	// The mean in milliseconds, rounded half away from zero.
	den := int64(len(want)) * 1e6
	if mean := decimal.New((2*sum+den)/(2*den), -3); !p.Value.Decimal.Equal(mean) {
		t.Errorf("%s: average %s s, the loop computes %s s", team, p.Value.Decimal, mean)
	}
}
