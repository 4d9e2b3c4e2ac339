package convreport_test

import (
	"errors"
	"github.com/convreport/convreport/internal/civil"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/memory"
	"github.com/convreport/convreport/sourcetest"
	"github.com/stretchr/testify/require"
)

func TestValidateNamesIDAndField(t *testing.T) {
	t0 := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	ok := convreport.Conversation{ID: "x", Channel: convreport.Chat, Status: convreport.Open, CreatedAt: t0}
	cases := []struct {
		name   string
		change func(c *convreport.Conversation)
		want   string
	}{
		{"empty id", func(c *convreport.Conversation) { c.ID = "" }, `convreport: conversation: id: is empty`},
		{"bad channel", func(c *convreport.Conversation) { c.Channel = "fax" }, `convreport: conversation "x": channel: "fax" is not a channel (want one of chat, email, form, messenger, whatsapp, phone, other)`},
		{"bad status", func(c *convreport.Conversation) { c.Status = "pending" }, `convreport: conversation "x": status: "pending" is not a status (want open or closed)`},
		{"no creation time", func(c *convreport.Conversation) { c.CreatedAt = time.Time{} }, `convreport: conversation "x": created_at: is missing`},
		{"closed time while open", func(c *convreport.Conversation) { c.ClosedAt = t0.Add(time.Hour) }, `convreport: conversation "x": closed_at: is set but the conversation is open`},
		{"closed without time", func(c *convreport.Conversation) { c.Status = convreport.Closed }, `convreport: conversation "x": closed_at: is missing but the conversation is closed`},
		{"negative message count", func(c *convreport.Conversation) { c.OutgoingMessages = -2 },
			`convreport: conversation "x": outgoing_messages: -2 is negative`},
		{"reply before creation", func(c *convreport.Conversation) { c.FirstResponseAt = t0.Add(-time.Second) },
			`convreport: conversation "x": first_response_at: 2025-03-01T09:59:59Z is before created_at 2025-03-01T10:00:00Z`},
		{"reply before creation in the same second", func(c *convreport.Conversation) {
			c.CreatedAt, c.FirstResponseAt = t0.Add(500*time.Millisecond), t0.Add(200*time.Millisecond)
		},
			`convreport: conversation "x": first_response_at: 2025-03-01T10:00:00.2Z is before created_at 2025-03-01T10:00:00.5Z`},
		{"assignment before creation", func(c *convreport.Conversation) { c.FirstAssignedAt = t0.Add(-time.Hour) },
			`convreport: conversation "x": first_assigned_at: 2025-03-01T09:00:00Z is before created_at 2025-03-01T10:00:00Z`},
		{"close before creation", func(c *convreport.Conversation) {
			c.Status, c.ClosedAt = convreport.Closed, t0.Add(-time.Minute)
		}, `convreport: conversation "x": closed_at: 2025-03-01T09:59:00Z is before created_at 2025-03-01T10:00:00Z`},
	}
	require.NoError(t, ok.Validate())
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := ok
			tc.change(&c)
			err := c.Validate()
			require.EqualError(t, err, tc.want)
			var ve *convreport.ValidationError
			require.True(t, errors.As(err, &ve))
		})
	}
}

func TestMemoryRejectsInvalidAndKeepsNothing(t *testing.T) {
	t0 := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	good := convreport.Conversation{ID: "a", Channel: convreport.Chat, Status: convreport.Open, CreatedAt: t0}
	dup := good
	bad := good
	bad.ID, bad.Status = "b", convreport.Closed
	_, err := memory.New([]convreport.Conversation{good, dup, bad})
	require.EqualError(t, err, `convreport: conversation "a": id: duplicates conversation #0`+"\n"+
		`convreport: conversation "b": closed_at: is missing but the conversation is closed`)

	src, err := memory.New([]convreport.Conversation{good})
	require.NoError(t, err)
	next := good
	next.ID = "c"
	err = src.Add(next, good)
	require.EqualError(t, err, `convreport: conversation "a": id: already in the table`)
	require.Equal(t, 1, src.Len(), "a failed Add keeps nothing")
	require.NoError(t, src.Add(next))
	require.Equal(t, 2, src.Len())
}

func TestSchemaCustomProperties(t *testing.T) {
	_, err := convreport.NewSchema(
		convreport.Property{Name: "Tier", Kind: convreport.KindEnum},
		convreport.Property{Name: "2fast", Kind: convreport.KindBool},
		convreport.Property{Name: "Assignee", Kind: convreport.KindString},
		convreport.Property{Name: "Score"},
	)
	require.EqualError(t, err, `convreport: custom property "Tier": an enum needs values`+"\n"+
		`convreport: custom property #1: name "2fast" is not an identifier`+"\n"+
		`convreport: property "Assignee": name already used`+"\n"+
		`convreport: custom property "Score": kind is missing or unknown`)

	s, err := convreport.NewSchema(convreport.Property{Name: "Tier", Kind: convreport.KindEnum, Values: []string{"gold", "silver"}})
	require.NoError(t, err)
	c := convreport.Conversation{ID: "x", Channel: convreport.Chat, Status: convreport.Open, CreatedAt: time.Now(),
		Properties: map[string]any{"Tier": "bronze"}}
	require.EqualError(t, s.Validate(&c), `convreport: conversation "x": properties.Tier: "bronze" is not one of gold, silver`)
	c.Properties = map[string]any{"Tier": 3}
	require.EqualError(t, s.Validate(&c), `convreport: conversation "x": properties.Tier: holds int, want string (enum property)`)
	c.Properties = map[string]any{"Nope": "x"}
	require.EqualError(t, s.Validate(&c), `convreport: conversation "x": properties.Nope: is not a custom property of the schema`)

	p, ok := s.Lookup("origin_url")
	require.True(t, ok, "keys are aliases of names")
	require.Equal(t, "OriginURL", p.Name)
}

func TestSetValueIsTheInverseOfValue(t *testing.T) {
	s := sourcetest.Schema()
	for _, src := range sourcetest.Generate(200, 5) {
		var c convreport.Conversation
		for _, p := range s.Properties() {
			if p.Derived {
				continue
			}
			v, ok := s.Value(&src, p.Name)
			if !ok {
				v = nil
			}
			require.NoError(t, s.SetValue(&c, p.Name, v), p.Name)
		}
		for _, p := range s.Properties() {
			want, wantOK := s.Value(&src, p.Name)
			got, gotOK := s.Value(&c, p.Name)
			require.Equal(t, wantOK, gotOK, p.Name)
			if tm, ok := want.(time.Time); ok {
				require.True(t, tm.Equal(got.(time.Time)), p.Name)
				continue
			}
			require.Equal(t, want, got, p.Name)
		}
	}
	var c convreport.Conversation
	require.EqualError(t, s.SetValue(&c, "WaitTime", time.Minute), "convreport: WaitTime is computed from other times; set those")
	require.EqualError(t, s.SetValue(&c, "Inbx", "x"), `convreport: unknown property "Inbx" (did you mean "Inbox"?)`)
	require.EqualError(t, s.SetValue(&c, "IncomingMessages", 2.5), "convreport: IncomingMessages: 2.5 is not a message count")
	require.EqualError(t, s.SetValue(&c, "Score", "high"), "convreport: Score holds string, want float64 (number property)")
}

// TestValidFastIsTheRules checks Validate's fast path against its rules
// one by one (firstBroken) on conversations near every rule's edge: the
// two agree on each, so the fast path neither lets through a conversation
// a rule refuses nor refuses one they all allow.
func TestValidFastIsTheRules(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 9))
	base := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	times := []time.Time{
		{}, base, base.Add(-time.Nanosecond), base.Add(time.Nanosecond), base.Add(time.Hour),
		base.In(time.FixedZone("x", -5*3600)), time.Now(), time.Now().Add(time.Hour), // monotonic readings
		civil.MinTime, civil.MinTime.Add(-time.Nanosecond), civil.MinTime.Add(time.Nanosecond),
		civil.MaxTime, civil.MaxTime.Add(time.Nanosecond), civil.MaxTime.Add(-time.Nanosecond),
		civil.MinTime.Add(-time.Second), civil.MaxTime.Add(time.Second),
		time.Date(1, 1, 1, 0, 0, 0, 1, time.UTC), time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC),
		// A second apart, and within one second, of base and of the ends:
		// the fast path decides by the second alone where it can.
		base.Add(time.Second), base.Add(-time.Second), base.Add(time.Second - time.Nanosecond),
		civil.MaxTime.Add(-time.Second + time.Nanosecond), civil.MaxTime.Truncate(time.Second),
		civil.MinTime.Add(time.Second), civil.MinTime.Truncate(time.Second).Add(time.Second),
	}
	pick := func() time.Time { return times[r.IntN(len(times))] }
	channels := []convreport.Channel{"", convreport.Chat, convreport.Email, convreport.Form, convreport.Messenger,
		convreport.WhatsApp, convreport.Phone, convreport.Other, "Chat", "sms", "chat "}
	statuses := []convreport.Status{"", convreport.Open, convreport.Closed, "Open", "pending"}
	valid := 0
	for i := range 200_000 {
		c := convreport.Conversation{
			Channel: channels[r.IntN(len(channels))], Status: statuses[r.IntN(len(statuses))],
			CreatedAt: pick(), IncomingMessages: r.IntN(5) - 1, OutgoingMessages: r.IntN(5) - 1,
		}
		if r.IntN(8) > 0 {
			c.ID = "c"
		}
		for _, at := range []*time.Time{&c.FirstAssignedAt, &c.FirstResponseAt, &c.ClosedAt} {
			if r.IntN(2) == 0 {
				*at = pick()
			}
		}
		fast, err := convreport.ValidFast(&c), convreport.FirstBroken(&c)
		if fast != (err == nil) {
			t.Fatalf("case %d %+v: fast path says %v, the rules say %v", i, c, fast, err)
		}
		if fast {
			valid++
		}
	}
	require.Greater(t, valid, 1000, "too few valid cases to test the fast path")
}

// Channel.Valid accepts exactly the channels Channels lists: the two
// name them apart.
func TestChannelValidIsChannels(t *testing.T) {
	for _, c := range convreport.Channels() {
		require.True(t, c.Valid(), c)
		require.False(t, convreport.Channel(string(c)+"x").Valid(), c+"x")
		require.False(t, convreport.Channel(string(c[:len(c)-1])).Valid(), c[:len(c)-1])
	}
	require.False(t, convreport.Channel("").Valid(), "empty (a Conversation reads it as Other)")
	require.False(t, convreport.Channel("Chat").Valid(), "case matters")
}
