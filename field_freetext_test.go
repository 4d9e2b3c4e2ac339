package convreport

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The Parquet loader validates a row without filling in its free-text
// fields, so no rule of Validate, and no shown value, may read them: for
// a valid conversation and one breaking each rule, any value of each
// free-text field gives the same answer.
func TestFreeTextFieldsAreNotValidated(t *testing.T) {
	var free []string
	for i := range fields {
		if fields[i].freeText() {
			free = append(free, fields[i].Name)
		}
	}
	require.Equal(t, []string{"Inbox", "Assignee", "Team", "ClosedBy", "OriginURL", "Chatflow", "Source", "ContactID", "Subject"}, free)

	at := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	valid := Conversation{ID: "c1", Channel: Chat, Status: Closed, CreatedAt: at,
		FirstAssignedAt: at.Add(time.Minute), FirstResponseAt: at.Add(2 * time.Minute), ClosedAt: at.Add(time.Hour),
		IncomingMessages: 2, OutgoingMessages: 1}
	cases := []func(c *Conversation){
		func(c *Conversation) {},
		func(c *Conversation) { c.ID = "" },
		func(c *Conversation) { c.Channel = "fax" },
		func(c *Conversation) { c.Status = "pending" },
		func(c *Conversation) { c.Status = "" }, // closed by its ClosedAt
		func(c *Conversation) { c.Status = ""; c.ClosedAt = time.Time{} },
		func(c *Conversation) { c.Status = Open },
		func(c *Conversation) { c.ClosedAt = time.Time{} },
		func(c *Conversation) { c.CreatedAt = time.Time{} },
		func(c *Conversation) { c.CreatedAt = time.Date(1492, 1, 1, 0, 0, 0, 0, time.UTC) },
		func(c *Conversation) { c.FirstResponseAt = at.Add(-time.Second) },
		func(c *Conversation) { c.FirstAssignedAt = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC) },
		func(c *Conversation) { c.IncomingMessages = -1 },
		func(c *Conversation) { c.OutgoingMessages = -3 },
	}
	answer := func(c Conversation) string {
		err := c.Validate()
		if err == nil {
			return "valid"
		}
		return err.Error()
	}
	for i, breakIt := range cases {
		c := valid
		breakIt(&c)
		want := answer(c)
		for _, name := range free {
			f := mustField(t, name)
			for _, v := range []string{"", "x", "closed", "email", strings.Repeat("é\x00", 40)} {
				d := c
				f.SetString(&d, v)
				require.Equal(t, want, answer(d), "case %d, %s = %q", i, name, v)
				for _, g := range fields {
					if g.shown != nil {
						require.Equal(t, g.shown(&c), g.shown(&d), "case %d: %s shown with %s = %q", i, g.Name, name, v)
					}
				}
			}
		}
	}
}

func mustField(t *testing.T, name string) Field {
	for _, f := range fields {
		if f.Name == name {
			return f
		}
	}
	t.Fatalf("no field %s", name)
	return Field{}
}
