package convreport_test

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/internal/civil"
	"github.com/convreport/convreport/internal/conformance"
	"github.com/stretchr/testify/require"
)

// A load of thousands of conversations in creation order, their IDs
// numbered, is encoded with no pass of its own to check them (the
// encoders check as they go); these tests hold it to what the checked way
// refuses, keeps and orders. Each runs with IDs that are not numbered
// too, which are loaded the checked way: the two ways must agree.

// idKinds are the two kinds of IDs: as numberedConversations gives them,
// and the same rows with IDs of hex digits and a suffix, which are
// hashed. Both rise in creation order.
var idKinds = []struct {
	name   string
	rename func(cs []convreport.Conversation)
}{
	{"numbered", func([]convreport.Conversation) {}},
	{"hashed", func(cs []convreport.Conversation) {
		for i := range cs {
			cs[i].ID = fmt.Sprintf("%08x-%04x-z", uint32(i)*2654435761, i)
		}
		slices.SortStableFunc(cs, func(a, b convreport.Conversation) int {
			if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
				return c
			}
			return strings.Compare(a.ID, b.ID)
		})
	}},
}

// TestLargeLoadNamesRepeatedIDs repeats IDs in a large load and expects
// each repeat named with the first row that has its ID, as a reference
// loop finds them.
func TestLargeLoadNamesRepeatedIDs(t *testing.T) {
	for _, ids := range idKinds {
		t.Run(ids.name, func(t *testing.T) {
			bad := numberedConversations(6000, 59)
			ids.rename(bad)
			bad[3000].ID = bad[2999].ID
			bad[5000].ID = bad[20].ID
			want := repeatErrors(bad)
			require.Len(t, want, 2)
			_, err := convreport.NewTable(conformance.Schema(), bad)
			require.EqualError(t, err, strings.Join(want, "\n"))
		})
	}
}

// TestLargeLoadRefusesEachBrokenRule breaks one rule in one row of an
// otherwise valid load and expects the load refused, naming that row and
// that rule, and nothing else.
func TestLargeLoadRefusesEachBrokenRule(t *testing.T) {
	for _, ids := range idKinds {
		for _, props := range []string{"with properties", "no properties"} {
			t.Run(ids.name+"/"+props, func(t *testing.T) {
				base := numberedConversations(6000, 41)
				ids.rename(base)
				if props == "no properties" {
					// A conversation with custom properties is checked
					// whole; each rule must be caught without them too.
					for i := range base {
						base[i].Properties = nil
					}
				}
				testBrokenRules(t, base)
			})
		}
	}
}

func testBrokenRules(t *testing.T, base []convreport.Conversation) {
	schema := conformance.Schema()
	closed := func(c *convreport.Conversation) {
		c.Status = convreport.Closed
		if c.ClosedAt.IsZero() {
			c.ClosedAt = c.CreatedAt.Add(time.Hour)
		}
	}
	for i, tc := range []struct {
		name, field, reason string
		breaks              func(c *convreport.Conversation)
	}{
		{"empty ID", "id", "is empty", func(c *convreport.Conversation) { c.ID = "" }},
		{"unknown channel", "channel", `"sms" is not a channel`, func(c *convreport.Conversation) { c.Channel = "sms" }},
		{"unknown status", "status", `"pending" is not a status`, func(c *convreport.Conversation) { c.Status = "pending" }},
		{"open with a close", "closed_at", "is set but the conversation is open", func(c *convreport.Conversation) {
			c.Status, c.ClosedAt = convreport.Open, c.CreatedAt.Add(time.Hour)
		}},
		{"closed without a close", "closed_at", "is missing but the conversation is closed", func(c *convreport.Conversation) {
			c.Status, c.ClosedAt = convreport.Closed, time.Time{}
		}},
		{"no creation time", "created_at", "is missing", func(c *convreport.Conversation) { c.CreatedAt = time.Time{} }},
		{"creation time past the range", "created_at", "is outside the supported times", func(c *convreport.Conversation) {
			c.CreatedAt = civil.MaxTime.Add(time.Nanosecond)
		}},
		{"assigned a nanosecond before creation", "first_assigned_at", "is before created_at", func(c *convreport.Conversation) {
			c.FirstAssignedAt = c.CreatedAt.Add(-time.Nanosecond)
		}},
		{"answered a second before creation", "first_response_at", "is before created_at", func(c *convreport.Conversation) {
			c.FirstResponseAt = c.CreatedAt.Add(-time.Second)
		}},
		{"closed a day before creation", "closed_at", "is before created_at", func(c *convreport.Conversation) {
			closed(c)
			c.ClosedAt = c.CreatedAt.Add(-24 * time.Hour)
		}},
		{"answered past the range", "first_response_at", "is outside the supported times", func(c *convreport.Conversation) {
			c.FirstResponseAt = civil.MaxTime.Add(time.Nanosecond)
		}},
		{"closed past the range", "closed_at", "is outside the supported times", func(c *convreport.Conversation) {
			closed(c)
			c.ClosedAt = civil.MaxTime.Add(time.Second)
		}},
		{"negative incoming", "incoming_messages", "-1 is negative", func(c *convreport.Conversation) { c.IncomingMessages = -1 }},
		{"negative outgoing", "outgoing_messages", "-3 is negative", func(c *convreport.Conversation) { c.OutgoingMessages = -3 }},
		{"unknown property", "properties.Colour", "is not a custom property of the schema", func(c *convreport.Conversation) {
			c.Properties = map[string]any{"Colour": "red"}
		}},
		{"property of the wrong kind", "properties.Score", "holds string, want float64", func(c *convreport.Conversation) {
			c.Properties = map[string]any{"Score": "high"}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bad := slices.Clone(base)
			k := 1000 + 211*i // a different row each time, never the first or last
			tc.breaks(&bad[k])
			_, err := convreport.NewTable(schema, bad)
			require.Error(t, err)
			var ve *convreport.ValidationError
			require.True(t, errors.As(err, &ve), "%v", err)
			require.Equal(t, k, ve.Index)
			require.Equal(t, tc.field, ve.Field)
			require.Contains(t, ve.Reason, tc.reason)
			require.Len(t, err.(interface{ Unwrap() []error }).Unwrap(), 1, "only the broken row is named: %v", err)
		})
	}

	// A creation time out of the range where the order cannot tell: in
	// the last row, past it; in the first, missing.
	for _, k := range []int{len(base) - 1, 0} {
		bad := slices.Clone(base)
		if k == 0 {
			bad[k].CreatedAt = time.Time{}
		} else {
			bad[k].CreatedAt = civil.MaxTime.Add(time.Nanosecond)
		}
		_, err := convreport.NewTable(schema, bad)
		var ve *convreport.ValidationError
		require.True(t, errors.As(err, &ve), "%v", err)
		require.Equal(t, k, ve.Index)
		require.Equal(t, "created_at", ve.Field)
	}

	// Two broken rows are both named, in row order.
	bad := slices.Clone(base)
	bad[4500].IncomingMessages = -2
	bad[1500].Channel = "fax"
	_, err := convreport.NewTable(schema, bad)
	require.EqualError(t, err, strings.Join([]string{
		fmt.Sprintf(`convreport: conversation %q: channel: "fax" is not a channel (want one of chat, email, form, messenger, whatsapp, phone, other)`, bad[1500].ID),
		fmt.Sprintf(`convreport: conversation %q: incoming_messages: -2 is negative`, bad[4500].ID),
	}, "\n"))
}

// TestLargeLoadKeepsTheEdgesOfEachRule loads rows that each sit on the
// valid side of a rule's edge, where a check by whole seconds cannot
// decide, and the zero values a fixture leaves, and expects every row
// back as it went in.
func TestLargeLoadKeepsTheEdgesOfEachRule(t *testing.T) {
	schema := conformance.Schema()
	cs := numberedConversations(6000, 43)
	cs[0].CreatedAt = civil.MinTime
	cs[0].FirstAssignedAt, cs[0].FirstResponseAt = time.Time{}, time.Time{}
	if !cs[0].ClosedAt.IsZero() {
		cs[0].ClosedAt = civil.MinTime.Add(time.Nanosecond)
	}
	cs[1000].FirstResponseAt = cs[1000].CreatedAt                        // the same instant
	cs[1001].FirstAssignedAt = cs[1001].CreatedAt.Add(time.Nanosecond)   // the same second
	cs[1002].Status, cs[1002].ClosedAt = "", cs[1002].CreatedAt          // closed, by its close
	cs[1003].Status, cs[1003].ClosedAt = "", time.Time{}                 // open
	cs[1004].Channel = ""                                                // other
	cs[1005].FirstResponseAt = civil.MaxTime                             // the last supported instant
	cs[1006].CreatedAt = cs[1006].CreatedAt.In(time.FixedZone("", 3600)) // a zone is no matter
	tab, err := convreport.NewTable(schema, cs)
	require.NoError(t, err)
	requireHolds(t, tab, cs, 997)
}

// TestLargeLoadKeepsTimesInEachForm loads conversations whose times are
// whole seconds, as most are (a large load then puts their offsets from
// Unix seconds, with no division), with a chunk whose first response is
// off the second, one whose creation is, a close in the creation's
// second, and a close too far from its creation for a second offset (the
// column then keeps its times as they are); it expects every row back as
// it went in.
func TestLargeLoadKeepsTimesInEachForm(t *testing.T) {
	cs := numberedConversations(6000, 53)
	for i := range cs {
		c := &cs[i]
		for _, at := range []*time.Time{&c.CreatedAt, &c.FirstAssignedAt, &c.FirstResponseAt, &c.ClosedAt} {
			*at = at.Truncate(time.Second)
		}
	}
	cs[1100].FirstResponseAt = cs[1100].CreatedAt.Add(90*time.Second + 250*time.Millisecond)
	cs[2200].CreatedAt = cs[2200].CreatedAt.Add(time.Millisecond)
	cs[3300].Status, cs[3300].ClosedAt = convreport.Closed, cs[3300].CreatedAt.Add(500*time.Millisecond)
	cs[4400].Status, cs[4400].ClosedAt = convreport.Closed, cs[4400].CreatedAt.AddDate(150, 0, 0)
	// In creation order again, ties by ID, the IDs numbered in it.
	slices.SortStableFunc(cs, func(a, b convreport.Conversation) int { return a.CreatedAt.Compare(b.CreatedAt) })
	for i := range cs {
		cs[i].ID = fmt.Sprintf("n-%05d", i)
	}
	tab, err := convreport.NewTable(conformance.Schema(), cs)
	require.NoError(t, err)
	requireHolds(t, tab, cs, 1009)
}

// TestLargeLoadOfMillisecondTimes loads conversations stamped to the
// millisecond, as many systems stamp them (their time columns are read in
// nanoseconds and kept in milliseconds), with times in their creation's
// second, one at its creation's instant, and expects every row back; then
// breaks the rule of each time by a millisecond, past the first chunks, and
// expects that row refused and no other.
func TestLargeLoadOfMillisecondTimes(t *testing.T) {
	cs := numberedConversations(6000, 61)
	for i := range cs {
		c := &cs[i]
		c.Properties = nil // a conversation with some is checked whole
		for _, at := range []*time.Time{&c.CreatedAt, &c.FirstAssignedAt, &c.FirstResponseAt, &c.ClosedAt} {
			*at = at.Truncate(time.Millisecond)
		}
	}
	// Truncated, the creation times still rise, ties by ID.
	for i := 1; i < len(cs); i++ {
		require.False(t, cs[i].CreatedAt.Before(cs[i-1].CreatedAt))
	}
	for _, k := range []int{1500, 2600, 3700} {
		c := &cs[k]
		c.CreatedAt = c.CreatedAt.Truncate(time.Second).Add(100 * time.Millisecond)
		require.False(t, c.CreatedAt.Before(cs[k-1].CreatedAt) || cs[k+1].CreatedAt.Before(c.CreatedAt), "row %d stays in order", k)
		c.FirstAssignedAt = c.CreatedAt                             // at its creation
		c.FirstResponseAt = c.CreatedAt.Add(899 * time.Millisecond) // the creation's second
	}
	tab, err := convreport.NewTable(conformance.Schema(), cs)
	require.NoError(t, err)
	requireHolds(t, tab, cs, 1013)

	for i, field := range []string{"first_assigned_at", "first_response_at", "closed_at"} {
		bad := slices.Clone(cs)
		k := 2100 + 1100*i
		c := &bad[k]
		switch field {
		case "first_assigned_at":
			c.FirstAssignedAt = c.CreatedAt.Add(-time.Millisecond)
		case "first_response_at":
			c.FirstResponseAt = c.CreatedAt.Add(-time.Millisecond)
		case "closed_at":
			c.Status, c.ClosedAt = convreport.Closed, c.CreatedAt.Add(-time.Millisecond)
		}
		_, err := convreport.NewTable(conformance.Schema(), bad)
		var ve *convreport.ValidationError
		require.True(t, errors.As(err, &ve), "%v", err)
		require.Equal(t, k, ve.Index)
		require.Equal(t, field, ve.Field)
		require.Contains(t, ve.Reason, "is before created_at")
		require.Len(t, err.(interface{ Unwrap() []error }).Unwrap(), 1, "only the broken row is named: %v", err)
	}
}

// TestLargeLoadOrdersWhatComesOutOfOrder loads numbered conversations a
// few of which are out of creation order, or tie on it with their IDs out
// of order, and expects them held in creation order, ties by ID, as a
// sort in the test orders them.
func TestLargeLoadOrdersWhatComesOutOfOrder(t *testing.T) {
	schema := conformance.Schema()
	for _, tc := range []struct {
		name  string
		shift func(cs []convreport.Conversation)
	}{
		{"one row late", func(cs []convreport.Conversation) {
			late := cs[100]
			copy(cs[100:5000], cs[101:5001])
			cs[5000] = late
		}},
		{"the last two swapped", func(cs []convreport.Conversation) {
			n := len(cs)
			cs[n-3], cs[n-2] = cs[n-2], cs[n-3]
		}},
		{"a tie with its IDs reversed", func(cs []convreport.Conversation) {
			cs[3001].CreatedAt = cs[3000].CreatedAt
			cs[3000].ID, cs[3001].ID = cs[3001].ID, cs[3000].ID
		}},
		{"a tie across a chunk's edge", func(cs []convreport.Conversation) {
			cs[2048].CreatedAt = cs[2047].CreatedAt
			cs[2047].ID, cs[2048].ID = cs[2048].ID, cs[2047].ID
		}},
	} {
		for _, ids := range idKinds {
			t.Run(tc.name+"/"+ids.name, func(t *testing.T) {
				cs := numberedConversations(6000, 47)
				ids.rename(cs)
				tc.shift(cs)
				want := slices.Clone(cs)
				slices.SortStableFunc(want, func(a, b convreport.Conversation) int {
					if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
						return c
					}
					return strings.Compare(a.ID, b.ID)
				})
				tab, err := convreport.NewTable(schema, cs)
				require.NoError(t, err)
				var got []string
				for c := range tab.All() {
					got = append(got, c.ID)
				}
				wantIDs := make([]string, len(want))
				for i, c := range want {
					wantIDs[i] = c.ID
				}
				require.Equal(t, wantIDs, got)
				requireHolds(t, tab, cs, 1009)
			})
		}
	}
}

// TestLargeLoadOfCustomTimes loads a schema whose custom time and
// duration properties are encoded beside the built-in times, and expects
// every value back. On more than one core, the columns are shared between
// workers; a time column's offsets need the creation times, which only
// one of them reads in, and the race detector (which CI runs) sees a time
// column encoded on another.
func TestLargeLoadOfCustomTimes(t *testing.T) {
	schema, err := convreport.NewSchema(
		convreport.Property{Name: "FollowUpAt", Kind: convreport.KindTime},
		convreport.Property{Name: "EscalatedAt", Kind: convreport.KindTime},
		convreport.Property{Name: "ReopenedAt", Kind: convreport.KindTime},
		convreport.Property{Name: "HandleTime", Kind: convreport.KindDuration},
		convreport.Property{Name: "Tier", Kind: convreport.KindString},
	)
	require.NoError(t, err)
	cs := numberedConversations(6000, 53)
	for i := range cs {
		cs[i].Properties = map[string]any{"Tier": fmt.Sprintf("tier-%d", i%4)}
		if i%3 != 0 {
			cs[i].Properties["FollowUpAt"] = cs[i].CreatedAt.Add(time.Duration(i) * time.Minute).UTC()
			cs[i].Properties["EscalatedAt"] = cs[i].CreatedAt.Add(time.Duration(i%7) * time.Hour).UTC()
			cs[i].Properties["ReopenedAt"] = cs[i].CreatedAt.Add(time.Duration(i) * time.Millisecond).UTC()
			cs[i].Properties["HandleTime"] = time.Duration(i) * time.Second
		}
	}
	tab, err := convreport.NewTable(schema, cs)
	require.NoError(t, err)
	requireHolds(t, tab, cs, 1013)
}

// TestLargeLoadSplitsItsColumns loads on eight workers, each piece of
// columns split whenever a worker runs out of work and the piece has two
// blocks left (a load splits only where one worker falls behind, as a
// core of a busy machine does), and expects every row back, with times
// in whole seconds and in milliseconds, with custom properties and
// without; then each broken rule refused at its row as without splits.
// The columns change hands between workers at a block, each time field
// with the creation times it is put and checked against.
func TestLargeLoadSplitsItsColumns(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(8))
	splits := convreport.SplitEveryPiece(t)
	// Made once, and each subtest changes a copy: its maps of properties
	// are shared, and only ever replaced.
	base := numberedConversations(30000, 67)
	for _, ids := range idKinds {
		for _, form := range []string{"seconds", "milliseconds", "no properties"} {
			t.Run(ids.name+"/"+form, func(t *testing.T) {
				cs := slices.Clone(base)
				for i := range cs {
					c := &cs[i]
					switch form {
					case "seconds":
						for _, at := range []*time.Time{&c.CreatedAt, &c.FirstAssignedAt, &c.FirstResponseAt, &c.ClosedAt} {
							*at = at.Truncate(time.Second)
						}
					case "milliseconds":
						for _, at := range []*time.Time{&c.FirstAssignedAt, &c.FirstResponseAt, &c.ClosedAt} {
							if !at.IsZero() {
								*at = at.Add(time.Duration(i%1000) * time.Millisecond)
							}
						}
					case "no properties":
						c.Properties = nil
					}
				}
				ids.rename(cs)
				before := splits()
				// A split depends on which worker ends first: load until
				// one has, three times at least.
				for load := 0; load < 3 || splits() == before && load < 50; load++ {
					tab, err := convreport.NewTable(conformance.Schema(), cs)
					require.NoError(t, err)
					requireHolds(t, tab, cs, 2999)
				}
				require.Greater(t, splits(), before, "no load split a piece of its columns")
			})
		}
	}
	// Numbered IDs only: a batch with hashed IDs is checked before it is
	// encoded, and a broken one never is.
	t.Run("numbered/broken rules", func(t *testing.T) {
		// A load gives up at the broken row's block, often before a
		// worker runs out of work: again until one has split.
		before := splits()
		for try := 0; try < 3 || splits() == before && try < 30; try++ {
			testBrokenRules(t, numberedConversations(6000, 73))
		}
		require.Greater(t, splits(), before, "no load split a piece of its columns")
	})
}

// TestLargeLoadRefusesATimeThatOutlastsAnyDuration loads conversations
// created before 1970, where a time may lie more than the longest
// duration (math.MaxInt64 nanoseconds, 292 years) after its creation and
// still be supported: each time field so far is refused, by the checked
// way and the large load's, and one exactly that far kept. Times in whole
// seconds and in nanoseconds take different checks.
func TestLargeLoadRefusesATimeThatOutlastsAnyDuration(t *testing.T) {
	schema := conformance.Schema()
	for _, ids := range idKinds {
		for _, form := range []string{"seconds", "nanoseconds"} {
			t.Run(ids.name+"/"+form, func(t *testing.T) {
				base := numberedConversations(6000, 47)
				for i := range base {
					c := &base[i]
					c.Properties = nil // else each conversation is checked whole
					for _, at := range []*time.Time{&c.CreatedAt, &c.FirstAssignedAt, &c.FirstResponseAt, &c.ClosedAt} {
						if !at.IsZero() {
							*at = at.AddDate(-320, 0, 0) // created in the 1700s
							if form == "seconds" {
								*at = at.Truncate(time.Second)
							}
						}
					}
				}
				ids.rename(base)
				longest := time.Duration(math.MaxInt64)
				if form == "seconds" {
					longest = longest.Truncate(time.Second)
				}
				for i, field := range []string{"first_assigned_at", "first_response_at", "closed_at"} {
					bad := slices.Clone(base)
					k := 1500 + 1500*i
					c := &bad[k]
					far := c.CreatedAt.Add(longest).Add(time.Second)
					switch field {
					case "first_assigned_at":
						c.FirstAssignedAt = far
					case "first_response_at":
						c.FirstResponseAt = far
					default:
						c.Status, c.ClosedAt = convreport.Closed, far
					}
					_, err := convreport.NewTable(schema, bad)
					var ve *convreport.ValidationError
					require.True(t, errors.As(err, &ve), "%s: %v", field, err)
					require.Equal(t, k, ve.Index)
					require.Equal(t, field, ve.Field)
					require.Contains(t, ve.Reason, "is more than 292 years after created_at")
					require.Equal(t, ve.Reason, c.Validate().(*convreport.ValidationError).Reason)
				}
				// Exactly the longest duration after: kept, as it went in.
				ok := slices.Clone(base)
				ok[2000].Status, ok[2000].ClosedAt = convreport.Closed, ok[2000].CreatedAt.Add(longest)
				tab, err := convreport.NewTable(schema, ok)
				require.NoError(t, err)
				requireHolds(t, tab, ok, 2000)
			})
		}
	}
}
