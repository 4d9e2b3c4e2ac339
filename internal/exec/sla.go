package exec

import (
	mbits "math/bits"

	"github.com/convreport/convreport/internal/colstore"
)

// SLA is one target of an SLA policy, prepared for a scan: each covered
// conversation has met it (its clock stopped within the target by Now),
// breached it (its clock ran past the target, stopped or not), or is
// pending (created after Now, or running within the target).
type SLA struct {
	// FirstResponse says the first agent reply stops the clock, as well
	// as the close; otherwise the close alone does.
	FirstResponse bool
	Target        int64 // nanoseconds
	Now           int64 // Unix nanoseconds
	// Hours counts the clock in business time; nil for calendar time.
	Hours Hours
	// ListPending makes a drill-down list the pending rows (a point's
	// Excluded) instead of the breaches.
	ListPending bool
}

// The SLA states of a covered conversation.
const (
	slaPending = iota // created after Now, or running and within target
	slaMet
	slaBreached
)

// row returns the SLA state of row r and, for a breach, the time over
// the target in nanoseconds.
func (sp *SLA) row(ec *Ctx, seg *colstore.Segment, r int) (state int, over int64) {
	created := seg.Created[r]
	if created > sp.Now {
		return slaPending, 0
	}
	stop := int64(colstore.Null)
	if at := seg.Int(ec.t.Closed, r); at != colstore.Null && at <= sp.Now {
		stop = at
	}
	if sp.FirstResponse {
		// The first reply or the close stops the clock, whichever is
		// first: a closed conversation waits for nobody, and a reply
		// after the close does not start it again.
		if at := seg.Int(ec.t.Response, r); at != colstore.Null && at <= sp.Now && (stop == colstore.Null || at < stop) {
			stop = at
		}
	}
	end := stop
	if end == colstore.Null {
		end = sp.Now
	}
	elapsed := end - created
	if sp.Hours != nil {
		elapsed = sp.Hours.Between(ec.t, seg, r, created, end)
	}
	switch {
	case elapsed > sp.Target:
		return slaBreached, elapsed - sp.Target
	case stop != colstore.Null:
		return slaMet, 0
	}
	return slaPending, 0
}

// addSLARows adds the rows of m, keyed by keys, to g: count holds the
// decided conversations, within those that met the target, sums the time
// over it, and excluded the pending ones.
func addSLARows[K uint8 | uint16 | uint32 | uint64](ec *Ctx, seg *colstore.Segment, base, n int, m *colstore.Mask, sp *SLA, g *Groups, keys []K) {
	for w := 0; w < (n+63)/64; w++ {
		for b := m[w]; b != 0; b &= b - 1 {
			i := w*64 + mbits.TrailingZeros64(b)
			s := int(keys[i])
			if !g.Dense {
				s = g.Slot(uint64(keys[i]))
			}
			state, over := sp.row(ec, seg, base+i)
			switch state {
			case slaPending:
				g.Excluded[s]++
				g.ExcludedAll++
			case slaMet:
				g.Count[s]++
				g.Within[s]++
			case slaBreached:
				g.Count[s]++
				g.Sums[s].Add(over)
			}
		}
	}
}

// Listed reports whether a drill-down lists row r: whether it breached
// the target, or with ListPending whether it is pending.
func (sp *SLA) Listed(ec *Ctx, seg *colstore.Segment, r int) bool {
	st, _ := sp.row(ec, seg, r)
	if sp.ListPending {
		return st == slaPending
	}
	return st == slaBreached
}

// OverOf returns how far row r of t ran past the target, in nanoseconds,
// and true when it breached it: what a drill-down of the breaches sorts
// its rows by.
func (sp *SLA) OverOf(t *Table, seg *colstore.Segment, r int) (int64, bool) {
	ec := Ctx{t: t}
	st, over := sp.row(&ec, seg, r)
	return over, st == slaBreached
}
