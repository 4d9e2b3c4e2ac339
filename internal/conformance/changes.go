package conformance

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/convreport/convreport"
)

// ChangeBatch draws one random batch of upserts and deletes over the IDs of
// state, drawn so that every kind of change happens: a new state of a
// held conversation (closed, reassigned, or another conversation's data),
// a new ID, the same ID twice, deletes of held and of unknown IDs.
func ChangeBatch(rng *rand.Rand, state map[string]convreport.Conversation, pool []convreport.Conversation, next *int) (ups []convreport.Conversation, dels []string) {
	ids := slices.Sorted(maps.Keys(state))
	n := 1 + rng.IntN(12)
	for range n {
		switch k := rng.IntN(10); {
		case k < 3 && len(ids) > 0: // close or reassign a held conversation
			c := state[ids[rng.IntN(len(ids))]]
			if c.ClosedAt.IsZero() && rng.IntN(2) == 0 {
				c.ClosedAt = c.CreatedAt.Add(time.Duration(1+rng.IntN(100)) * time.Hour)
				c.Status = convreport.Closed
			} else {
				c.Assignee = fmt.Sprintf("rep-%d", rng.IntN(5))
			}
			ups = append(ups, c)
		case k < 5 && len(ids) > 0: // another state altogether, same ID
			c := pool[rng.IntN(len(pool))]
			c.ID = ids[rng.IntN(len(ids))]
			ups = append(ups, c)
		case k < 7: // a new conversation
			c := pool[rng.IntN(len(pool))]
			c.ID = fmt.Sprintf("new-%05d", *next)
			*next++
			ups = append(ups, c)
			if rng.IntN(4) == 0 { // and its next state in the same batch
				c.Assignee = "late-rep"
				ups = append(ups, c)
			}
		case k < 9 && len(ids) > 0:
			dels = append(dels, ids[rng.IntN(len(ids))])
		default:
			dels = append(dels, fmt.Sprintf("unknown-%d", rng.IntN(1000)))
		}
	}
	// An ID both upserted and deleted is refused; keep the upsert.
	up := map[string]bool{}
	for _, c := range ups {
		up[c.ID] = true
	}
	dels = slices.DeleteFunc(dels, func(id string) bool { return up[id] })
	return ups, dels
}

// Replay applies a batch of upserts and deletes to a plain map: the
// reference for sources that change.
func Replay(state map[string]convreport.Conversation, ups []convreport.Conversation, dels []string) {
	for _, id := range dels {
		delete(state, id)
	}
	for _, c := range ups {
		state[c.ID] = c
	}
}
