package convreport

import (
	"cmp"
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
		for range rng.IntN(20) {
			e := columnEncoder{cost: 1 + rng.IntN(20)}
			if rng.IntN(3) > 0 {
				e.field = &fieldEncoder{off: uintptr(rng.IntN(400))}
			} else {
				e.rows = func(int, int) {}
			}
			encs = append(encs, e)
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
		// The groups as dealt are in order of their fields' offsets;
		// they come costliest first.
		type dealt struct {
			gr               []columnEncoder
			fieldLoad, first int
		}
		var byOff []dealt
		for g, gr := range groups {
			d := dealt{gr: gr, first: -1}
			cost := 0
			for _, e := range gr {
				seen++
				cost += e.cost
				if e.field != nil {
					d.fieldLoad += e.cost
					if d.first < 0 || int(e.field.off) < d.first {
						d.first = int(e.field.off)
					}
				}
			}
			if g > 0 {
				prev := 0
				for _, e := range groups[g-1] {
					prev += e.cost
				}
				if cost > prev {
					t.Fatalf("trial %d: group %d costs %d, more than the group before it (%d)", trial, g, cost, prev)
				}
			}
			if d.fieldLoad > (total+k-1)/k+maxCost {
				t.Fatalf("trial %d: group %d's fields cost %d, total %d over %d groups, costliest %d", trial, g, d.fieldLoad, total, k, maxCost)
			}
			byOff = append(byOff, d)
		}
		if seen != len(encs) {
			t.Fatalf("trial %d: %d encoders dealt, want %d", trial, seen, len(encs))
		}
		// Groups without fields were dealt after those with: they were
		// empty then.
		slices.SortStableFunc(byOff, func(a, b dealt) int {
			if (a.first < 0) != (b.first < 0) {
				return cmp.Compare(b.first, a.first)
			}
			return cmp.Compare(a.first, b.first)
		})
		var offs []uintptr
		loads := make([]int, len(byOff))
		for g, d := range byOff {
			for _, e := range d.gr {
				if e.field != nil {
					offs = append(offs, e.field.off)
				}
			}
			loads[g] = d.fieldLoad
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
		// Each group's fields' cost and whole cost, against the
		// reference's: groups without fields are alike until dealt,
		// so the pairs are compared as sets.
		var got, ref [][2]int
		for g, d := range byOff {
			cost := 0
			for _, e := range d.gr {
				cost += e.cost
			}
			got = append(got, [2]int{d.fieldLoad, cost})
			ref = append(ref, [2]int{loads[g], want[g]})
		}
		byPair := func(a, b [2]int) int { return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1])) }
		slices.SortFunc(got, byPair)
		slices.SortFunc(ref, byPair)
		if !slices.Equal(got, ref) {
			t.Fatalf("trial %d: groups' (fields, all) costs %v, want %v", trial, got, ref)
		}
	}
}
