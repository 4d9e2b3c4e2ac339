package convreport_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/memory"
	"github.com/stretchr/testify/require"
)

// TestDrillDownPagesMatchARowByRowReference drills into points whose rows
// spread over several chunks of the column store, and checks Len, every
// page at random offsets, and All against the conversations picked one by
// one from the input. A point whose value no conversation has drills to
// nothing.
func TestDrillDownPagesMatchARowByRowReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	start := at("2025-03-01T00:00:00Z")
	inboxes := []string{"Sales", "Support", "Billing"}
	cs := make([]convreport.Conversation, 60000)
	for i := range cs {
		ch := convreport.Chat
		if rng.IntN(3) == 0 {
			ch = convreport.Email
		}
		cs[i] = convreport.Conversation{ID: fmt.Sprintf("c%05d", i), Channel: ch, Inbox: inboxes[rng.IntN(len(inboxes))],
			// Several conversations share each minute: ties go by ID.
			CreatedAt: start.Add(time.Duration(rng.IntN(60000)) * time.Minute)}
	}
	// One segment; segments one after another in creation order (a file
	// loaded a batch at a time), whose chunks need no sort; and segments
	// whose times overlap, which do.
	sorted := slices.Clone(cs)
	slices.SortFunc(sorted, func(a, b convreport.Conversation) int {
		if d := a.CreatedAt.Compare(b.CreatedAt); d != 0 {
			return d
		}
		return strings.Compare(a.ID, b.ID)
	})
	inBatches := func(parts ...[]convreport.Conversation) *memory.Source {
		src, err := memory.New(parts[0])
		require.NoError(t, err)
		for _, p := range parts[1:] {
			require.NoError(t, src.Add(p...))
		}
		return src
	}
	single, err := memory.New(cs)
	require.NoError(t, err)
	for _, c := range []struct {
		name string
		src  *memory.Source
	}{
		{"one segment", single},
		// Later rows first: the segments are listed against creation order.
		{"segments in creation order", inBatches(sorted[20000:], sorted[5000:20000], sorted[:5000])},
		{"overlapping segments", inBatches(cs[:40000], cs[40000:55000], cs[55000:])},
	} {
		t.Run(c.name, func(t *testing.T) {
			tab := convreport.TableOf(c.src)
			if _, segs := convreport.TableStorage(tab); c.name != "one segment" {
				require.Equal(t, 3, segs, "the batches stay apart")
			}
			drillPagesMatch(t, rng, cs, inboxes, start, c.src)
		})
	}
}

func drillPagesMatch(t *testing.T, rng *rand.Rand, cs []convreport.Conversation, inboxes []string, start time.Time, src *memory.Source) {
	eng := convreport.NewEngine(src)
	q := convreport.Query{From: start, To: start.Add(30000 * time.Minute)}
	r := convreport.Report{Name: "chats by inbox", Filter: `Channel == "chat"`, Dimensions: []string{"Inbox"}}
	res, err := eng.Run(context.Background(), q, r)
	require.NoError(t, err)
	require.Len(t, res[0].Points, len(inboxes))
	for _, p := range res[0].Points {
		inbox := p.Dimensions[0].Value
		var picked []convreport.Conversation
		for _, c := range cs {
			if c.Channel == convreport.Chat && c.Inbox == inbox && !c.CreatedAt.Before(q.From) && c.CreatedAt.Before(q.To) {
				picked = append(picked, c)
			}
		}
		slices.SortFunc(picked, func(a, b convreport.Conversation) int {
			if d := a.CreatedAt.Compare(b.CreatedAt); d != 0 {
				return d
			}
			return strings.Compare(a.ID, b.ID)
		})
		var want []string
		for _, c := range picked {
			want = append(want, c.ID)
		}
		d, err := eng.DrillDown(context.Background(), q, r, p)
		require.NoError(t, err)
		require.Equal(t, len(want), d.Len(), inbox)
		require.Greater(t, len(want), 4096, "the point's rows span chunks")
		var all []string
		for c := range d.All() {
			all = append(all, c.ID)
		}
		require.Equal(t, want, all, "%s: All", inbox)
		for range 30 {
			off, lim := rng.IntN(len(want)+20), rng.IntN(convreport.MaxPageSize+1)
			page, err := d.Page(off, lim)
			require.NoError(t, err)
			var got []string
			for c := range page {
				got = append(got, c.ID)
			}
			exp := want[min(off, len(want)):min(len(want), off+lim)]
			if len(exp) == 0 {
				exp = nil
			}
			require.Equal(t, exp, got, "%s: Page(%d, %d)", inbox, off, lim)
		}
	}

	// A point of a value no conversation has, made of its dimensions
	// alone, lists nothing; the same with the Count of another point is
	// not that point's list.
	none := res[0].Points[0]
	none.Dimensions = slices.Clone(none.Dimensions)
	none.Dimensions[0].Value = "No such inbox"
	_, err = eng.DrillDown(context.Background(), q, r, none)
	var pm *convreport.PointMismatchError
	require.ErrorAs(t, err, &pm)
	require.Equal(t, convreport.PointMismatchError{Report: r.Name, List: "Count", Want: res[0].Points[0].Count, Got: 0}, *pm)
	d, err := eng.DrillDown(context.Background(), q, r, convreport.Point{Dimensions: none.Dimensions})
	require.NoError(t, err)
	require.Zero(t, d.Len())
	page, err := d.Page(0, 10)
	require.NoError(t, err)
	for c := range page {
		t.Fatalf("a point no conversation has lists %s", c.ID)
	}
	for c := range d.All() {
		t.Fatalf("a point no conversation has lists %s", c.ID)
	}
}

// TestDrillDownRowsWithLargeDictionaries decodes pages of conversations
// whose contacts and subjects are all different, so large that a page
// reads their dictionaries apart from the rows (numbered contacts in one
// source, contacts that are not numbers in the other), and checks every
// field of every row against the input picked row by row.
func TestDrillDownRowsWithLargeDictionaries(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	start := at("2025-03-01T00:00:00Z")
	reps := []string{"Ann", "Bo", "Cy", ""}
	for _, numbered := range []bool{true, false} {
		t.Run(fmt.Sprintf("numbered contacts %v", numbered), func(t *testing.T) {
			cs := make([]convreport.Conversation, 70000)
			for i := range cs {
				c := &cs[i]
				c.ID = fmt.Sprintf("conv-%06d", i)
				c.Channel = convreport.Chat
				c.Inbox = "Support"
				c.Assignee = reps[rng.IntN(len(reps))]
				c.CreatedAt = start.Add(time.Duration(i) * time.Minute)
				c.ContactID = fmt.Sprintf("contact-%07d", 70000-i)
				if !numbered {
					c.ContactID = fmt.Sprintf("%08x@example.com", rng.Uint32())
				}
				c.Subject = fmt.Sprintf("Order %d arrived broken", rng.IntN(1_000_000))
				c.Status = convreport.Open
				if rng.IntN(2) == 0 {
					c.FirstResponseAt = c.CreatedAt.Add(time.Duration(1+rng.IntN(600)) * time.Second)
					c.ClosedAt = c.FirstResponseAt.Add(time.Hour)
					c.Status = convreport.Closed
					c.IncomingMessages, c.OutgoingMessages = 1+rng.IntN(5), 1+rng.IntN(5)
				}
			}
			src, err := memory.New(cs)
			require.NoError(t, err)
			require.Equal(t, []string{"ContactID", "Subject"}, convreport.TableBigDicts(convreport.TableOf(src)))

			eng := convreport.NewEngine(src)
			q := convreport.Query{From: start, To: start.Add(70000 * time.Minute)}
			r := convreport.Report{Name: "by rep", Dimensions: []string{"Assignee"}}
			res, err := eng.Run(context.Background(), q, r)
			require.NoError(t, err)
			require.Len(t, res[0].Points, len(reps))
			for _, p := range res[0].Points {
				var want []convreport.Conversation
				for _, c := range cs {
					if c.Assignee == p.Dimensions[0].Value {
						want = append(want, c)
					}
				}
				d, err := eng.DrillDown(context.Background(), q, r, p)
				require.NoError(t, err)
				var all []convreport.Conversation
				for c := range d.All() {
					all = append(all, c)
				}
				require.Equal(t, want, all, "%s: All", p.Dimensions[0].Label())
				for range 20 {
					off, lim := rng.IntN(len(want)+10), rng.IntN(convreport.MaxPageSize+1)
					page, err := d.Page(off, lim)
					require.NoError(t, err)
					var got []convreport.Conversation
					for c := range page {
						got = append(got, c)
					}
					exp := want[min(off, len(want)):min(len(want), off+lim)]
					if len(exp) == 0 {
						exp = nil
					}
					require.Equal(t, exp, got, "%s: Page(%d, %d)", p.Dimensions[0].Label(), off, lim)
				}
			}
		})
	}
}

// A page of a drill-down writes the numbered IDs and contact IDs of its
// rows out into a shared buffer: a few allocations a page, where a string
// a value made two a row; and every row reads back as it went in.
func TestDrillDownPageSharesItsStrings(t *testing.T) {
	start := at("2025-03-01T00:00:00Z")
	cs := make([]convreport.Conversation, 5000)
	for i := range cs {
		cs[i] = convreport.Conversation{ID: fmt.Sprintf("c%05d", i), Channel: convreport.Chat, Status: convreport.Open,
			ContactID: fmt.Sprintf("contact-%06d", 7*i), CreatedAt: start.Add(time.Duration(i) * time.Minute)}
	}
	src, err := memory.New(cs)
	require.NoError(t, err)
	eng := convreport.NewEngine(src)
	q := convreport.Query{From: start, To: start.Add(10000 * time.Minute)}
	r := convreport.Report{Name: "chats", Dimensions: []string{"Channel"}}
	res, err := eng.Run(context.Background(), q, r)
	require.NoError(t, err)
	d, err := eng.DrillDown(context.Background(), q, r, res[0].Points[0])
	require.NoError(t, err)
	require.Equal(t, len(cs), d.Len())
	var got []convreport.Conversation
	for c := range d.All() {
		got = append(got, c)
	}
	require.Equal(t, cs, got)
	allocs := testing.AllocsPerRun(20, func() {
		page, err := d.Page(1000, 50)
		require.NoError(t, err)
		for range page {
		}
	})
	require.LessOrEqual(t, allocs, 15.0, "allocations of a page of 50")
}
