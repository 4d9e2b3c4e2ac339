package convreport_test

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/memory"
)

// TestLimitedResultHoldsOnlyItsPoints runs a report of 100,000 groups
// that keeps 10 apart from Other, and checks that the result, kept
// alive, holds about what its 11 points need, not every group's
// dimension values (several MB here); and that the 10 are the largest
// groups.
func TestLimitedResultHoldsOnlyItsPoints(t *testing.T) {
	const groups = 100_000
	start := time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)
	var cs []convreport.Conversation
	for i := range groups {
		// Group i has 1 conversation, and every 10,000th has i/10,000+2.
		n := 1
		if i%10_000 == 0 {
			n = i/10_000 + 2
		}
		for k := range n {
			cs = append(cs, convreport.Conversation{
				ID: fmt.Sprintf("c%d-%d", i, k), Channel: convreport.Chat, Assignee: "ann",
				ContactID: fmt.Sprintf("contact-%06d", i), CreatedAt: start.Add(time.Duration(i) * time.Second),
			})
		}
	}
	src, err := memory.New(cs)
	if err != nil {
		t.Fatal(err)
	}
	cs = nil
	eng := convreport.NewEngine(src)
	q := convreport.Query{From: start, To: start.AddDate(0, 0, 7)}
	r := convreport.Report{Name: "by contact", Dimensions: []string{"ContactID"}, Limit: 10}
	if _, err := eng.Run(context.Background(), q, r); err != nil { // what a first run keeps
		t.Fatal(err)
	}
	res, err := eng.Run(context.Background(), q, r)
	if err != nil {
		t.Fatal(err)
	}
	pts := res[0].Points
	if len(pts) != 11 || !pts[10].Other || pts[10].Count != groups-10 {
		t.Fatalf("got %d points, the last %+v; want 10 and Other of %d", len(pts), pts[len(pts)-1], groups-10)
	}
	for k, p := range pts[:10] {
		i := (9 - k) * 10_000 // the largest first
		if want := fmt.Sprintf("contact-%06d", i); p.Dimensions[0].Value != want || p.Count != int64(i/10_000+2) {
			t.Errorf("point %d: %s with %d, want %s with %d", k, p.Dimensions[0].Value, p.Count, want, i/10_000+2)
		}
	}
	// What the result holds: the heap with it, less the heap without.
	pts = nil
	var with, without runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&with)
	runtime.KeepAlive(res)
	res = nil
	runtime.GC()
	runtime.ReadMemStats(&without)
	if held := int64(with.HeapAlloc) - int64(without.HeapAlloc); held > 1<<20 {
		t.Errorf("a result of 11 points holds %d bytes", held)
	}
}
