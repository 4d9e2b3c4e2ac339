package memory_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/memory"
)

// BenchmarkUpsertNextNumber measures a single upsert at 1M conversations
// whose contact is new and takes the next number, as a helpdesk's next
// contact does (Next), beside one whose contact is already held (Held):
// the two should cost about the same. Each upsert is a new conversation,
// with the next ID.
//
//	go test -run '^$' -bench UpsertNextNumber ./memory
func BenchmarkUpsertNextNumber(b *testing.B) {
	const n = 1_000_000
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	conv := func(i, contact int) convreport.Conversation {
		return convreport.Conversation{
			ID:        fmt.Sprintf("c-%07d", i),
			CreatedAt: t0.Add(time.Duration(i) * time.Second),
			ContactID: fmt.Sprintf("contact-%d", contact),
		}
	}
	cs := make([]convreport.Conversation, n)
	for i := range cs {
		cs[i] = conv(i, i)
	}
	src, err := memory.New(cs)
	if err != nil {
		b.Fatal(err)
	}
	cs = nil
	next := n    // the next conversation's number
	contact := n // the next new contact's number
	b.Run("Held", func(b *testing.B) {
		for b.Loop() {
			if err := src.Upsert(conv(next, next%n)); err != nil {
				b.Fatal(err)
			}
			next++
		}
	})
	b.Run("Next", func(b *testing.B) {
		for b.Loop() {
			if err := src.Upsert(conv(next, contact)); err != nil {
				b.Fatal(err)
			}
			next++
			contact++
		}
	})
}
