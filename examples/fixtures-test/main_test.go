package main

import (
	"context"
	"testing"
	"time"

	"github.com/convreport/convreport"
)

// point is what a test expects of one group: its value as exact decimal
// text, the conversations averaged, and those left out (never answered).
type point struct {
	value           string
	count, excluded int64
}

// TestResponseTimeByRep pins down responseTimeByRep on small fixtures, one
// rule per case, with the expected numbers worked out by hand.
func TestResponseTimeByRep(t *testing.T) {
	tests := []struct {
		name string
		cs   []convreport.Conversation
		want map[string]point // by rep; "(no value)" for unassigned chats
	}{{
		name: "the clock starts at assignment, or at creation when never assigned",
		cs: []convreport.Conversation{
			chat("1", "Ana", monday(9, 0, 0), monday(9, 1, 0), monday(9, 3, 0)), // 09:01 → 09:03: 120 s
			chat("2", "Ana", monday(10, 0, 0), never, monday(10, 0, 30)),        // 10:00 → 10:00:30: 30 s
		},
		want: map[string]point{"Ana": {"75", 2, 0}}, // (120 + 30) / 2
	}, {
		name: "a reply before the assignment counts from creation",
		cs: []convreport.Conversation{
			chat("1", "Ana", monday(9, 0, 0), monday(9, 5, 0), monday(9, 2, 0)), // 09:00 → 09:02: 120 s
		},
		want: map[string]point{"Ana": {"120", 1, 0}},
	}, {
		name: "unanswered chats are left out of the average, not counted as zero",
		cs: []convreport.Conversation{
			chat("1", "Ben", monday(9, 0, 0), monday(9, 0, 0), monday(9, 1, 0)), // 60 s
			chat("2", "Ben", monday(9, 30, 0), monday(9, 30, 0), never),         // excluded
		},
		want: map[string]point{"Ben": {"60", 1, 1}},
	}, {
		name: "averages round half away from zero to milliseconds",
		cs: []convreport.Conversation{
			chat("1", "Ana", monday(9, 0, 0), never, monday(9, 0, 1)), // 1 s
			chat("2", "Ana", monday(9, 1, 0), never, monday(9, 1, 1)), // 1 s
			chat("3", "Ana", monday(9, 2, 0), never, monday(9, 2, 2)), // 2 s
		},
		want: map[string]point{"Ana": {"1.333", 3, 0}}, // 4 / 3 = 1.3333…
	}, {
		name: "unassigned chats are a group of their own",
		cs: []convreport.Conversation{
			chat("1", "", monday(9, 0, 0), never, monday(9, 0, 10)), // 10 s
		},
		want: map[string]point{"(no value)": {"10", 1, 0}},
	}, {
		name: "emails and chats outside the week are not counted",
		cs: []convreport.Conversation{
			{ID: "1", Channel: convreport.Email, Status: convreport.Open, Assignee: "Ana",
				CreatedAt: monday(9, 0, 0), FirstResponseAt: monday(10, 0, 0)},
			chat("2", "Ana", monday(9, 0, 0).AddDate(0, 0, 7), never, monday(9, 0, 0).AddDate(0, 0, 7).Add(time.Minute)),
		},
		want: map[string]point{},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := run(context.Background(), tt.cs)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]point{}
			for _, p := range res.Points {
				got[p.Dimensions[0].Label()] = point{p.Value.Decimal.String(), p.Count, p.Excluded}
			}
			if len(got) != len(tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
			for rep, want := range tt.want {
				if got[rep] != want {
					t.Errorf("%s: got %+v, want %+v", rep, got[rep], want)
				}
			}
		})
	}
}

// TestInvalidFixture shows that a fixture breaking a record rule fails
// loudly instead of being repaired or skipped.
func TestInvalidFixture(t *testing.T) {
	replyBeforeCreation := chat("1", "Ana", monday(9, 0, 0), never, monday(8, 0, 0))
	if _, err := run(context.Background(), []convreport.Conversation{replyBeforeCreation}); err == nil {
		t.Error("a reply before creation was accepted")
	}
}
