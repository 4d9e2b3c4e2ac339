package convreport

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// TestPointOrder holds pointOrder, for every sort and with and without a
// bucket, to a stable sort of the points by an order written out here,
// on random points full of ties: whole, and its first k points for k
// from 1 past the end.
func TestPointOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	labels := []string{"", "ann", "bob", "cy"}
	day := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	// ref orders a before b (true) as a report shows them.
	ref := func(p *compiled, a, b Point) bool {
		// label compares dimension by dimension, a value before none.
		label := func() int {
			for j := range a.Dimensions {
				x, y := a.Dimensions[j], b.Dimensions[j]
				switch {
				case x.Known && !y.Known:
					return -1
				case !x.Known && y.Known:
					return 1
				case x.Value < y.Value:
					return -1
				case x.Value > y.Value:
					return 1
				}
			}
			return 0
		}
		if p.bucket != NoBucket {
			if !a.Bucket.Equal(b.Bucket) {
				return a.Bucket.Before(b.Bucket)
			}
			if a.Other != b.Other {
				return b.Other
			}
			return label() < 0
		}
		switch p.r.Sort {
		case ByLabelAsc:
			return label() < 0
		case ByLabelDesc:
			return label() > 0
		}
		if a.Value.Valid != b.Value.Valid {
			return a.Value.Valid
		}
		va, vb := a.Value.Decimal.InexactFloat64(), b.Value.Decimal.InexactFloat64()
		if va != vb {
			if p.r.Sort == ByValueAsc {
				return va < vb
			}
			return va > vb
		}
		return label() < 0
	}
	for trial := range 300 {
		p := &compiled{r: Report{Sort: []SortBy{ByValueDesc, ByValueAsc, ByLabelAsc, ByLabelDesc, ""}[trial%5]}}
		if trial%3 == 0 {
			p.bucket = Day
		}
		pts := make([]Point, rng.IntN(60))
		for i := range pts {
			pt := &pts[i]
			for range 2 {
				l := labels[rng.IntN(len(labels))]
				pt.Dimensions = append(pt.Dimensions, DimensionValue{Property: "Assignee", Value: l, Known: l != ""})
			}
			if rng.IntN(5) > 0 {
				pt.Value = decimal.NewNullDecimal(decimal.NewFromInt(int64(rng.IntN(4))))
			}
			pt.Count = int64(i) // tells apart points that compare equal
			if p.bucket != NoBucket {
				pt.Bucket = day.AddDate(0, 0, rng.IntN(3))
				pt.Other = rng.IntN(6) == 0
			}
		}
		want := slices.Clone(pts)
		slices.SortStableFunc(want, func(a, b Point) int {
			switch {
			case ref(p, a, b):
				return -1
			case ref(p, b, a):
				return 1
			}
			return 0
		})
		for k := range len(pts) + 2 {
			ord := pointOrder(p, pts, k)
			n := len(pts)
			if k > 0 && k < n {
				n = k
			}
			if len(ord) != n {
				t.Fatalf("trial %d, k %d: %d indexes, want %d", trial, k, len(ord), n)
			}
			for i, x := range ord {
				if pts[x].Count != want[i].Count {
					t.Fatalf("trial %d (sort %q, bucket %q), k %d: point %d is the %dth given, want the %dth", trial, p.r.Sort, p.bucket, k, i, pts[x].Count, want[i].Count)
				}
			}
		}
	}
}
