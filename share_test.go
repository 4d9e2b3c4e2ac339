package convreport

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestShareColumns deals random encoders: every one lands in exactly one
// group; the built-in fields of a group are a run of the fields in
// offset order, the groups' runs in turn; each group's fields cost at
// most its share of the fields' total plus the costliest field (the cut
// falls at a field's middle); and the other columns go, costliest first,
// to the group with the least so far, checked by a reference loop.
func TestShareColumns(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for trial := range 2000 {
		k := 1 + rng.IntN(4)
		var encs []columnEncoder
		id := map[*fieldEncoder]int{}
		for i := range rng.IntN(20) {
			e := columnEncoder{cost: 1 + rng.IntN(20)}
			if rng.IntN(3) > 0 {
				e.field = &fieldEncoder{off: uintptr(rng.IntN(400))}
			} else {
				e.field = nil
				e.rows = func(int, int) {}
			}
			encs = append(encs, e)
			if e.field != nil {
				id[e.field] = i
			}
		}
		groups := shareColumns(encs, k)
		if len(encs) > 0 && (len(groups) == 0 || len(groups) > k) {
			t.Fatalf("trial %d: %d groups for %d encoders, k %d", trial, len(groups), len(encs), k)
		}
		seen, total, maxCost, fieldsIn := 0, 0, 0, 0
		for _, e := range encs {
			if e.field != nil {
				total += e.cost
				maxCost = max(maxCost, e.cost)
				fieldsIn++
			}
		}
		var offs []uintptr
		loads := make([]int, len(groups))
		for g, gr := range groups {
			fieldLoad := 0
			for _, e := range gr {
				seen++
				if e.field != nil {
					offs = append(offs, e.field.off)
					fieldLoad += e.cost
				}
			}
			if fieldLoad > (total+k-1)/k+maxCost {
				t.Fatalf("trial %d: group %d's fields cost %d, total %d over %d groups, costliest %d", trial, g, fieldLoad, total, k, maxCost)
			}
			loads[g] = fieldLoad
		}
		if seen != len(encs) {
			t.Fatalf("trial %d: %d encoders dealt, want %d", trial, seen, len(encs))
		}
		if !slices.IsSorted(offs) || len(offs) != fieldsIn {
			t.Fatalf("trial %d: fields out of offset order across groups: %v", trial, offs)
		}
		// The rest, by a reference loop over the groups' field loads.
		var rest []columnEncoder
		for _, e := range encs {
			if e.field == nil {
				rest = append(rest, e)
			}
		}
		slices.SortStableFunc(rest, func(a, b columnEncoder) int { return b.cost - a.cost })
		want := slices.Clone(loads)
		for _, e := range rest {
			g := 0
			for i := range want {
				if want[i] < want[g] {
					g = i
				}
			}
			want[g] += e.cost
		}
		for g, gr := range groups {
			got := 0
			for _, e := range gr {
				got += e.cost
			}
			if got != want[g] {
				t.Fatalf("trial %d: group %d costs %d, want %d", trial, g, got, want[g])
			}
		}
	}
}
