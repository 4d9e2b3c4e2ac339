package convreport_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/internal/conformance"
	"github.com/convreport/convreport/memory"
	"github.com/stretchr/testify/require"
)

// normal is a conversation as a Table gives it back: times in UTC, the
// derived zero values spelled out, no empty property map.
func normal(c convreport.Conversation) convreport.Conversation {
	for _, t := range []*time.Time{&c.CreatedAt, &c.FirstAssignedAt, &c.FirstResponseAt, &c.ClosedAt} {
		if !t.IsZero() {
			*t = t.UTC()
		}
	}
	if c.Status == "" {
		c.Status = convreport.Open
		if !c.ClosedAt.IsZero() {
			c.Status = convreport.Closed
		}
	}
	if c.Channel == "" {
		c.Channel = convreport.Other
	}
	if len(c.Properties) == 0 {
		c.Properties = nil
	}
	return c
}

// Every snapshot holds exactly the replayed state, in creation order, and
// the snapshots before it are unchanged.
func TestTableApplyMatchesReplay(t *testing.T) {
	s := conformance.Schema()
	base := conformance.Generate(300, 7)
	pool := conformance.Generate(200, 8)
	tab, err := convreport.NewTable(s, base)
	require.NoError(t, err)
	state := map[string]convreport.Conversation{}
	conformance.Replay(state, base, nil)
	rng := rand.New(rand.NewPCG(1, 2))
	next := 0
	type snap struct {
		t    *convreport.Table
		want []string
	}
	var snaps []snap
	for range 400 {
		ups, dels := conformance.ChangeBatch(rng, state, pool, &next)
		nt, err := tab.Apply(ups, dels)
		require.NoError(t, err)
		conformance.Replay(state, ups, dels)
		tab = nt
		require.Equal(t, len(state), tab.Len())
		var got []convreport.Conversation
		for c := range tab.All() {
			got = append(got, c)
		}
		require.Len(t, got, len(state))
		for i, c := range got {
			require.Equal(t, normal(state[c.ID]), c, "row %d", i)
			if i > 0 {
				require.False(t, c.CreatedAt.Before(got[i-1].CreatedAt), "rows out of creation order at %d", i)
			}
		}
		snaps = append(snaps, snap{tab, idsOf(got)})
	}
	for i, sn := range snaps {
		var ids []string
		for c := range sn.t.All() {
			ids = append(ids, c.ID)
		}
		require.Equal(t, sn.want, ids, "snapshot %d changed after later batches", i)
	}
}

func idsOf(cs []convreport.Conversation) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	return out
}

// A bad conversation rejects its whole batch, naming it by position; so
// does an ID both upserted and deleted; the table is unchanged.
func TestTableApplyRejectsBadBatches(t *testing.T) {
	base := conformance.Generate(50, 3)
	tab, err := convreport.NewTable(conformance.Schema(), base)
	require.NoError(t, err)
	good := base[4]
	good.Assignee = "someone-new"
	bad := base[5]
	bad.CreatedAt = time.Time{}

	_, err = tab.Apply([]convreport.Conversation{good, bad}, nil)
	var ve *convreport.ValidationError
	require.ErrorAs(t, err, &ve)
	require.Equal(t, 1, ve.Index)
	require.Equal(t, base[5].ID, ve.ID)

	_, err = tab.Apply([]convreport.Conversation{good}, []string{good.ID})
	require.ErrorAs(t, err, &ve)
	require.Contains(t, err.Error(), "both upserted and deleted")

	for c := range tab.All() {
		if c.ID == good.ID {
			require.Equal(t, base[4].Assignee, c.Assignee, "a refused batch changed the table")
		}
	}
	require.Equal(t, 50, tab.Len())
}

// Replaced and deleted rows are reclaimed: however many changes a table
// has seen, it stores at most about twice its live rows.
func TestTableApplyReclaimsDeadRows(t *testing.T) {
	base := conformance.Generate(2000, 5)
	tab, err := convreport.NewTable(conformance.Schema(), base)
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(3, 4))
	last := map[string]string{}
	for _, c := range base {
		last[c.ID] = c.Assignee
	}
	for i := range 3000 {
		c := base[rng.IntN(len(base))]
		c.Assignee = fmt.Sprintf("rep-%d", i%7)
		last[c.ID] = c.Assignee
		tab, err = tab.Apply([]convreport.Conversation{c}, nil)
		require.NoError(t, err)
		stored, segs := convreport.TableStorage(tab)
		require.LessOrEqual(t, stored, 2*tab.Len()+1, "after %d upserts", i+1)
		require.LessOrEqual(t, segs, 2+bitsLen(stored), "after %d upserts: too many segments", i+1)
	}
	require.Equal(t, len(base), tab.Len())
	seen := map[string]bool{}
	for c := range tab.All() {
		require.False(t, seen[c.ID], "%s held twice", c.ID)
		seen[c.ID] = true
		require.Equal(t, last[c.ID], c.Assignee, "%s lost its last state", c.ID)
	}
	require.Len(t, seen, len(base))
}

func bitsLen(n int) int {
	k := 0
	for ; n > 0; n >>= 1 {
		k++
	}
	return k
}

// Message counts past a byte are kept as wider codes: filters on them and
// the rows read back agree with the data.
func TestLargeCountsFilterAndReadBack(t *testing.T) {
	start := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	var cs []convreport.Conversation
	want := 0
	for i := range 3000 {
		c := convreport.Conversation{ID: fmt.Sprint(i), CreatedAt: start.Add(time.Duration(i) * time.Second), IncomingMessages: i % 1200, OutgoingMessages: i % 7}
		if c.IncomingMessages > 500 && c.OutgoingMessages <= 3 {
			want++
		}
		cs = append(cs, c)
	}
	src, err := memory.New(cs)
	require.NoError(t, err)
	q := convreport.Query{From: start, To: start.Add(24 * time.Hour), Now: start.Add(48 * time.Hour)}
	res, err := convreport.NewEngine(src).Run(context.Background(), q, convreport.Report{Name: "busy", Filter: "IncomingMessages > 500 && OutgoingMessages <= 3"})
	require.NoError(t, err)
	require.EqualValues(t, want, res[0].Points[0].Count)
	tab := convreport.TableOf(src)
	i := 0
	for c := range tab.All() {
		require.Equal(t, cs[i].IncomingMessages, c.IncomingMessages)
		require.Equal(t, cs[i].OutgoingMessages, c.OutgoingMessages)
		i++
	}
	require.Equal(t, len(cs), i)
}

// A table gives back every value it was built from, built-in and custom of
// each kind, known or not, over batches of several thousand rows (the
// encoder works through them a block at a time) given out of creation
// order.
func TestTableReadsBackEveryKind(t *testing.T) {
	s, err := convreport.NewSchema(
		convreport.Property{Name: "Note", Kind: convreport.KindString},
		convreport.Property{Name: "Tier", Kind: convreport.KindEnum, Values: []string{"free", "pro"}},
		convreport.Property{Name: "VIP", Kind: convreport.KindBool},
		convreport.Property{Name: "Due", Kind: convreport.KindTime},
		convreport.Property{Name: "SLA", Kind: convreport.KindDuration},
		convreport.Property{Name: "Score", Kind: convreport.KindNumber},
	)
	require.NoError(t, err)
	cs := conformance.Generate(5000, 11)
	rng := rand.New(rand.NewPCG(3, 4))
	rng.Shuffle(len(cs), func(i, j int) { cs[i], cs[j] = cs[j], cs[i] })
	for i := range cs {
		p := map[string]any{}
		if rng.IntN(4) > 0 { // a quarter of each unknown
			p["Note"] = fmt.Sprintf("note %d", rng.IntN(3000))
		}
		if rng.IntN(4) > 0 {
			p["Tier"] = []string{"free", "pro"}[rng.IntN(2)]
		}
		if rng.IntN(4) > 0 {
			p["VIP"] = rng.IntN(2) == 1
		}
		if rng.IntN(4) > 0 {
			p["Due"] = cs[i].CreatedAt.Add(time.Duration(rng.Int64N(int64(90 * 24 * time.Hour)))).UTC()
		}
		if rng.IntN(4) > 0 {
			p["SLA"] = time.Duration(rng.Int64N(int64(48 * time.Hour)))
		}
		if rng.IntN(4) > 0 {
			p["Score"] = float64(rng.IntN(1000)) / 8
		}
		cs[i].Properties = p
	}
	byID := map[string]convreport.Conversation{}
	for _, c := range cs {
		byID[c.ID] = c
	}
	// The columns are shared among as many workers as GOMAXPROCS: one
	// worker does them all in turn, eight do each apart, so a column read
	// before another has filled it shows in one of these (and to the race
	// detector).
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, procs := range []int{1, 2, 8} {
		runtime.GOMAXPROCS(procs)
		tab, err := convreport.NewTable(s, cs)
		require.NoError(t, err)
		n := 0
		var prev convreport.Conversation
		for c := range tab.All() {
			require.Equal(t, normal(byID[c.ID]), c, "GOMAXPROCS %d, row %d", procs, n)
			if n > 0 {
				require.False(t, c.CreatedAt.Before(prev.CreatedAt), "GOMAXPROCS %d: rows out of creation order at %d", procs, n)
			}
			prev = c
			n++
		}
		require.Equal(t, len(cs), n)
	}
}

// A batch large enough to hash its IDs once names the same duplicates as a
// small one, within the batch and against the table, keeps nothing when it
// has any, and otherwise leaves every ID findable, whatever order its
// conversations came in.
func TestLargeBatchIDs(t *testing.T) {
	base := conformance.Generate(6000, 21)
	tab, err := convreport.NewTable(conformance.Schema(), base)
	require.NoError(t, err)
	batch := conformance.Generate(9000, 22)
	for i := range batch {
		batch[i].ID = fmt.Sprintf("new-%05d", i)
	}
	rng := rand.New(rand.NewPCG(9, 10))
	rng.Shuffle(len(batch), func(i, j int) { batch[i], batch[j] = batch[j], batch[i] })

	bad := slices.Clone(batch)
	bad[7000].ID = bad[12].ID    // repeats an earlier one of the batch
	bad[8000].ID = base[4321].ID // already in the table
	_, err = tab.Append(bad)
	require.EqualError(t, err, fmt.Sprintf(`convreport: conversation %q: id: duplicates conversation #12`, bad[12].ID)+"\n"+
		fmt.Sprintf(`convreport: conversation %q: id: already in the table`, base[4321].ID))

	grown, err := tab.Append(batch)
	require.NoError(t, err)
	require.Equal(t, len(base)+len(batch), grown.Len())
	// Every ID of both is there once: appending any of them again fails.
	for _, cs := range [][]convreport.Conversation{base, batch} {
		for i := 0; i < len(cs); i += 97 {
			_, err := grown.Append(cs[i : i+1])
			require.ErrorContains(t, err, "already in the table", cs[i].ID)
		}
	}
	// And a large batch that repeats them all is refused for each.
	_, err = grown.Append(batch)
	require.ErrorContains(t, err, "and 8980 more invalid conversations")
}

// A new table whose IDs are numbered in creation order finds them by
// number, with no index; IDs that only look numbered (the first below the
// last) are hashed after all, and named as any batch's when repeated.
func TestNumberedIDs(t *testing.T) {
	schema := conformance.Schema()
	cs := numberedConversations(6000, 31)
	tab, err := convreport.NewTable(schema, cs)
	require.NoError(t, err)
	require.Equal(t, 1, convreport.TableNumbered(tab), "rising IDs in creation order are found by number")
	requireHolds(t, tab, cs, 97)
	// The same numbers written otherwise, or past the last, are new IDs.
	other := []convreport.Conversation{cs[5], cs[6], cs[7]}
	other[0].ID, other[1].ID, other[2].ID = "n-5", "n-000006", "n-06000"
	grown, err := tab.Append(other)
	require.NoError(t, err)
	require.Equal(t, len(cs)+3, grown.Len())
	// Upserts replace by ID, deletes remove.
	changed := cs[100]
	changed.Subject = "changed"
	next, err := tab.Apply([]convreport.Conversation{changed}, []string{cs[200].ID})
	require.NoError(t, err)
	require.Equal(t, len(cs)-1, next.Len())
	for c := range next.All() {
		require.NotEqual(t, cs[200].ID, c.ID)
		if c.ID == changed.ID {
			require.Equal(t, "changed", c.Subject)
		}
	}

	// Looking numbered, shuffled, with repeats: hashed, and each repeat
	// named by the batch position of the first with its ID, as a reference
	// loop finds them.
	rng := rand.New(rand.NewPCG(31, 32))
	bad := slices.Clone(cs)
	rng.Shuffle(len(bad), func(i, j int) { bad[i], bad[j] = bad[j], bad[i] })
	bad[3000].ID = bad[10].ID
	bad[4000].ID = bad[10].ID
	bad[5000].ID = bad[20].ID
	if bad[0].ID > bad[len(bad)-1].ID {
		bad[0], bad[len(bad)-1] = bad[len(bad)-1], bad[0]
	}
	want := repeatErrors(bad)
	require.Len(t, want, 3)
	_, err = convreport.NewTable(schema, bad)
	require.EqualError(t, err, strings.Join(want, "\n"))

	// Shuffled, the rows are still numbered in creation order: found by
	// number.
	shuffled := slices.Clone(cs)
	rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	if shuffled[0].ID > shuffled[len(shuffled)-1].ID {
		shuffled[0], shuffled[len(shuffled)-1] = shuffled[len(shuffled)-1], shuffled[0]
	}
	tab, err = convreport.NewTable(schema, shuffled)
	require.NoError(t, err)
	require.Equal(t, 1, convreport.TableNumbered(tab))
	// Numbered at random, not in creation order: hashed, every ID found.
	random := slices.Clone(cs)
	for i, k := range rng.Perm(len(random)) {
		random[i].ID = fmt.Sprintf("n-%05d", k)
	}
	if random[0].ID > random[len(random)-1].ID {
		random[0].ID, random[len(random)-1].ID = random[len(random)-1].ID, random[0].ID
	}
	tab, err = convreport.NewTable(schema, random)
	require.NoError(t, err)
	require.Equal(t, 0, convreport.TableNumbered(tab))
	for i := 0; i < len(random); i += 97 {
		_, err := tab.Append(random[i : i+1])
		require.EqualError(t, err, fmt.Sprintf(`convreport: conversation %q: id: already in the table`, random[i].ID))
	}
}

// TestNumberedAppend appends batches numbered past a table's (found new by
// their numbers, not hashed) and batches that only look so, and holds
// every table and every error to a reference: the rows, each ID found,
// and each repeat named.
func TestNumberedAppend(t *testing.T) {
	schema := conformance.Schema()
	cs := numberedConversations(16000, 37)
	base, err := convreport.NewTable(schema, cs[:6000])
	require.NoError(t, err)

	// Past the table's numbers, in creation order: a numbered segment.
	grown, err := base.Append(cs[6000:11000])
	require.NoError(t, err)
	_, segs := convreport.TableStorage(grown)
	require.Equal(t, segs, convreport.TableNumbered(grown), "every segment numbered")
	requireHolds(t, grown, cs[:11000], 89)
	// The same, not in creation order: the IDs rise in the batch, not in
	// the segment, which is hashed.
	shuffled := slices.Clone(cs[11000:16000])
	for i := range shuffled {
		shuffled[i].CreatedAt = shuffled[len(shuffled)-1-i].CreatedAt
		shuffled[i].FirstAssignedAt, shuffled[i].FirstResponseAt, shuffled[i].ClosedAt = time.Time{}, time.Time{}, time.Time{}
		shuffled[i].Status = convreport.Open
	}
	grown2, err := grown.Append(shuffled)
	require.NoError(t, err)
	_, segs = convreport.TableStorage(grown2)
	require.Less(t, convreport.TableNumbered(grown2), segs, "a segment hashed")
	requireHolds(t, grown2, append(slices.Clone(cs[:11000]), shuffled...), 89)

	// Rising, but some the table has: each named, and the table unchanged.
	over := slices.Clone(cs[5990:11000])
	var want []string
	for _, c := range over[:10] {
		want = append(want, fmt.Sprintf(`convreport: conversation %q: id: already in the table`, c.ID))
	}
	_, err = base.Append(over)
	require.EqualError(t, err, strings.Join(want, "\n"))
	requireHolds(t, base, cs[:6000], 89)
	// Rising but for one repeat: named by the position of the first.
	rep := slices.Clone(cs[6000:11000])
	rep[3000].ID = rep[2999].ID
	_, err = base.Append(rep)
	require.EqualError(t, err, fmt.Sprintf(`convreport: conversation %q: id: duplicates conversation #2999`, rep[3000].ID))
	// Another prefix over the same numbers: new IDs.
	other := slices.Clone(cs[6000:11000])
	for i := range other {
		other[i].ID = fmt.Sprintf("m-%05d", i)
	}
	grown3, err := base.Append(other)
	require.NoError(t, err)
	requireHolds(t, grown3, append(slices.Clone(cs[:6000]), other...), 89)
}

// requireHolds checks that tab holds exactly the conversations want, and
// finds every k-th of them by its ID (an Append of it is refused).
func requireHolds(t *testing.T, tab *convreport.Table, want []convreport.Conversation, k int) {
	t.Helper()
	// Positions, not copies, and require.Equal (the same reflect.DeepEqual)
	// only to report a difference: tests call this on tens of thousands of
	// rows after each of several loads.
	at := make(map[string]int, len(want))
	for i, c := range want {
		at[c.ID] = i
	}
	n := 0
	for c := range tab.All() {
		var w convreport.Conversation
		if i, ok := at[c.ID]; ok {
			w = want[i]
		}
		if w = normal(w); !reflect.DeepEqual(w, c) {
			require.Equal(t, w, c)
		}
		n++
	}
	require.Equal(t, len(want), n)
	for i := 0; i < len(want); i += k {
		_, err := tab.Append(want[i : i+1])
		require.EqualError(t, err, fmt.Sprintf(`convreport: conversation %q: id: already in the table`, want[i].ID))
	}
}

// repeatErrors is the error, in batch order, for each conversation of
// cs whose ID an earlier one has, naming the first.
func repeatErrors(cs []convreport.Conversation) []string {
	first := map[string]int{}
	var errs []string
	for i, c := range cs {
		if f, ok := first[c.ID]; ok {
			errs = append(errs, fmt.Sprintf(`convreport: conversation %q: id: duplicates conversation #%d`, c.ID, f))
			continue
		}
		first[c.ID] = i
	}
	return errs
}

// numberedConversations returns n conversations of the conformance
// generator in creation order, their IDs numbered in it: n-00000, ….
func numberedConversations(n int, seed uint64) []convreport.Conversation {
	cs := conformance.Generate(n, seed)
	slices.SortStableFunc(cs, func(a, b convreport.Conversation) int { return a.CreatedAt.Compare(b.CreatedAt) })
	for i := range cs {
		cs[i].ID = fmt.Sprintf("n-%05d", i)
	}
	return cs
}
