package main

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/sourcetest"
)

// newSource writes cs to an export in a temporary directory and returns a
// source over it.
func newSource(t *testing.T, s *convreport.Schema, cs []convreport.Conversation) *exportSource {
	t.Helper()
	src := &exportSource{path: filepath.Join(t.TempDir(), "export.csv"), schema: s}
	if err := writeExport(src.path, s, cs); err != nil {
		t.Fatal(err)
	}
	return src
}

// TestConformance runs the sourcetest suite: every metric, dimension,
// bucket and filter shape over generated data (custom properties, unknown
// values, DST changes) compared with a reference loop, and every point's
// drill-down. It runs on 500 conversations rather than the default 3000:
// the engine scans a plain Source again for each drill-down, so this source
// parses its whole file for each of the suite's thousands of points.
func TestConformance(t *testing.T) {
	sourcetest.RunN(t, func(t *testing.T, cs []convreport.Conversation) convreport.Source {
		return newSource(t, sourcetest.Schema(), cs)
	}, 500, 1)
}

// TestScanHint checks what the suite cannot see, since the engine filters
// again: that a bounded scan yields exactly the conversations created in
// the bounds.
func TestScanHint(t *testing.T) {
	cs := sourcetest.Generate(500, 1)
	src := newSource(t, sourcetest.Schema(), cs)
	hint := convreport.ScanHint{
		CreatedFrom: time.Date(2025, 3, 30, 0, 0, 0, 0, time.UTC),
		CreatedTo:   time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC),
	}
	var want []string
	for _, c := range cs {
		if !c.CreatedAt.Before(hint.CreatedFrom) && c.CreatedAt.Before(hint.CreatedTo) {
			want = append(want, c.ID)
		}
	}
	var got []string
	for c, err := range src.Scan(context.Background(), hint) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, c.ID)
	}
	slices.Sort(want)
	slices.Sort(got)
	if len(want) == 0 || len(want) == len(cs) {
		t.Fatalf("the hint keeps %d of %d conversations: pick bounds that cut", len(want), len(cs))
	}
	if !slices.Equal(got, want) {
		t.Errorf("scan yielded %d conversations, want %d", len(got), len(want))
	}
}

// TestScanCanceled checks that a scan whose context is done yields the
// context's error and no conversation.
func TestScanCanceled(t *testing.T) {
	src := newSource(t, sourcetest.Schema(), sourcetest.Generate(100, 1))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var rows int
	var err error
	for c, e := range src.Scan(ctx, convreport.ScanHint{}) {
		if c != nil {
			rows++
		}
		err = e
	}
	if rows != 0 || !errors.Is(err, context.Canceled) {
		t.Errorf("canceled scan: %d rows, error %v; want none and context.Canceled", rows, err)
	}
}
