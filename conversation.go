package convreport

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/convreport/convreport/internal/civil"
)

// Channel is the medium a conversation came through.
type Channel string

// The channels a helpdesk inbox receives.
const (
	Chat      Channel = "chat"
	Email     Channel = "email"
	Form      Channel = "form"
	Messenger Channel = "messenger"
	WhatsApp  Channel = "whatsapp"
	Phone     Channel = "phone"
	Other     Channel = "other"
)

// channels is every known channel, in display order. An array, so that no
// caller can change it; Channel.Valid names the same ones.
var channels = [...]Channel{Chat, Email, Form, Messenger, WhatsApp, Phone, Other}

// Channels returns every known channel, in display order, as a new slice.
func Channels() []Channel { return slices.Clone(channels[:]) }

// Valid reports whether c is one of [Channels].
func (c Channel) Valid() bool {
	// By length, then compares with constants, which the compiler does
	// in a load or two each: every loaded conversation asks, and a
	// switch over the names searches them with calls.
	switch len(c) {
	case 4:
		return c == Chat || c == Form
	case 5:
		return c == Email || c == Phone || c == Other
	case 8:
		return c == WhatsApp
	case 9:
		return c == Messenger
	}
	return false
}

// Status is whether a conversation is still open.
type Status string

// The two statuses of a conversation.
const (
	Open   Status = "open"
	Closed Status = "closed"
)

// Valid reports whether s is [Open] or [Closed].
func (s Status) Valid() bool { return s == Open || s == Closed }

// Conversation is one customer conversation: the record every report counts.
//
// Times are absolute instants; a zero time means unknown (never assigned,
// never answered, not closed). Time zones belong to the [Query], never to the
// data. The supported times are those of nanoseconds since 1970 in 64 bits,
// 1677-09-21T00:12:43.145224193Z to 2262-04-11T23:47:16.854775807Z; every
// reader refuses a time outside with one message.
//
// The zero value of each field is useful, as a test's fixtures need: an
// empty Channel is [Other], and an empty Status is [Closed] when ClosedAt is
// set and [Open] otherwise. Only ID and CreatedAt are required, as nothing
// could stand in for them.
type Conversation struct {
	ID       string
	Channel  Channel // empty means Other
	Inbox    string
	Assignee string // the rep or owner; empty when unassigned
	Team     string
	Status   Status // empty means Closed when ClosedAt is set, else Open

	CreatedAt       time.Time
	FirstAssignedAt time.Time
	// FirstResponseAt is the first reply by an agent; replies by a bot or
	// automatic messages do not count.
	FirstResponseAt time.Time
	ClosedAt        time.Time // zero while open

	ClosedBy  string // who closed it: an agent, or a bot or rule by its name
	OriginURL string // the page where a chat began
	Chatflow  string // the chatflow (chat bot or welcome flow) a chat began in
	Source    string // how it arrived: a form, an email address, an integration
	ContactID string // the customer's ID, as the helpdesk knows them
	Subject   string // an email's subject, or a chat's first line

	IncomingMessages int
	OutgoingMessages int

	// Properties holds custom properties declared in the [Schema]: string,
	// float64, bool, time.Time or time.Duration values by property kind. An
	// absent key means unknown.
	Properties map[string]any
}

// AgentFirstResponseTime is how long the rep took to answer: from the first
// assignment to the first agent reply when the assignment came strictly
// before the reply, and from creation otherwise — never assigned, or a rep
// who answered an unassigned conversation and was assigned by or after the
// reply. So it is never negative. It reports false when the conversation
// has no agent reply.
func (c *Conversation) AgentFirstResponseTime() (time.Duration, bool) {
	if c.FirstResponseAt.IsZero() {
		return 0, false
	}
	start := c.CreatedAt
	if !c.FirstAssignedAt.IsZero() && c.FirstAssignedAt.Before(c.FirstResponseAt) {
		start = c.FirstAssignedAt
	}
	return c.FirstResponseAt.Sub(start), true
}

// CustomerWaitTime is how long the customer waited for the first agent
// reply, from creation. It reports false when no agent replied.
func (c *Conversation) CustomerWaitTime() (time.Duration, bool) {
	if c.FirstResponseAt.IsZero() {
		return 0, false
	}
	return c.FirstResponseAt.Sub(c.CreatedAt), true
}

// TimeToClose is the time from creation to close. It reports false while
// the conversation is open.
func (c *Conversation) TimeToClose() (time.Duration, bool) {
	if c.ClosedAt.IsZero() {
		return 0, false
	}
	return c.ClosedAt.Sub(c.CreatedAt), true
}

// ValidationError says which field of which conversation is invalid.
type ValidationError struct {
	ID     string // the conversation's ID (empty when the ID is what is missing)
	Index  int    // position in the input, from 0; -1 when unknown
	Field  string // property name, as in the JSON Lines format
	Reason string

	dup bool // a repeated ID: matches ErrDuplicateID
}

// ErrDuplicateID matches (with errors.Is) the *[ValidationError] of a
// conversation whose ID an earlier one of the same input holds, or (on an
// Add) one already held: every reader, memory.New and Add refuse it, and a
// caller that means the later one to replace the earlier (an upsert) can
// tell it from other errors.
var ErrDuplicateID = errors.New("convreport: a conversation ID repeated")

// DuplicateIDError returns the error of the conversation at index whose
// ID the one at first already holds; first says where, as the input
// counts ("line 2", "row 3", "conversation #1").
func DuplicateIDError(id string, index int, first string) *ValidationError {
	return &ValidationError{ID: id, Index: index, Field: "id", Reason: "duplicates " + first, dup: true}
}

// Is reports whether target is [ErrDuplicateID] and e is such an error.
func (e *ValidationError) Is(target error) bool { return target == ErrDuplicateID && e.dup }

func (e *ValidationError) Error() string {
	where := fmt.Sprintf("conversation %q", e.ID)
	switch {
	case e.ID == "" && e.Index >= 0:
		where = fmt.Sprintf("conversation #%d", e.Index)
	case e.ID == "":
		where = "conversation"
	}
	return fmt.Sprintf("convreport: %s: %s: %s", where, e.Field, e.Reason)
}

// channel is c's channel, Other when it is empty.
func (c *Conversation) channel() Channel {
	if c.Channel == "" {
		return Other
	}
	return c.Channel
}

// status is c's status; when it is empty, the one ClosedAt implies.
func (c *Conversation) status() Status {
	switch {
	case c.Status != "":
		return c.Status
	case c.ClosedAt.IsZero():
		return Open
	}
	return Closed
}

// Validate reports the first rule c breaks, as a *[ValidationError], or nil.
// A conversation is invalid when its ID is empty, its channel or status is
// unknown, ClosedAt is set while open or missing while closed, or any of
// FirstAssignedAt, FirstResponseAt, ClosedAt is before CreatedAt or more than
// 292 years after it (the longest [time.Duration], which every duration
// measured to it must fit), a time is outside the supported times (see
// [Conversation]), or a message count is negative. Validate never changes
// c; invalid data is rejected, not repaired.
func (c *Conversation) Validate() error {
	if c.valid() {
		return nil
	}
	return c.firstBroken()
}

// valid reports whether c breaks none of Validate's rules: their
// conjunction, in a few compares a rule. Every load asks it of every
// conversation; firstBroken finds which rule, for the few that break one.
// A large load's encoders check the same rules a field at a time as they
// read them (see encodeFields), asking valid only of a conversation they
// cannot vouch for: a rule changed here is to be changed there.
func (c *Conversation) valid() bool {
	// Every time is compared by its Unix second, inline: strictly
	// inside the supported range and after the creation, as nearly
	// every one is, or unknown. Anything else, a time in the range's
	// first or last second or in its creation's, is left to the exact
	// rules of firstBroken.
	cs := c.CreatedAt.Unix()
	if c.ID == "" || !c.channel().Valid() || cs <= civil.MinSec || cs >= civil.MaxSec ||
		c.IncomingMessages < 0 || c.OutgoingMessages < 0 {
		return c.firstBroken() == nil
	}
	switch c.Status {
	case "":
	case Open:
		if !c.ClosedAt.IsZero() {
			return false
		}
	case Closed:
		if c.ClosedAt.IsZero() {
			return false
		}
	default:
		return false
	}
	if !laterIn(c.FirstAssignedAt, cs) || !laterIn(c.FirstResponseAt, cs) || !laterIn(c.ClosedAt, cs) {
		return c.firstBroken() == nil
	}
	return true
}

// laterIn reports whether t is unknown, or in a second strictly after
// the creation's cs, before the last supported one and less than the
// longest duration after cs.
func laterIn(t time.Time, cs int64) bool {
	s := t.Unix()
	return s > cs && s < civil.MaxSec && s-cs < civil.MaxSpanSec || t.IsZero()
}

// firstBroken is Validate's error for a conversation that is not valid.
func (c *Conversation) firstBroken() error {
	bad := func(field, format string, args ...any) error {
		return &ValidationError{ID: c.ID, Index: -1, Field: field, Reason: fmt.Sprintf(format, args...)}
	}
	switch {
	case c.ID == "":
		return bad("id", "is empty")
	case !c.channel().Valid():
		return bad("channel", "%q is not a channel (want one of chat, email, form, messenger, whatsapp, phone, other)", string(c.Channel))
	case !c.status().Valid():
		return bad("status", "%q is not a status (want open or closed)", string(c.Status))
	case c.CreatedAt.IsZero():
		return bad("created_at", "is missing")
	case !civil.InRange(c.CreatedAt):
		return bad("created_at", "%s", civil.RangeReason(civil.FormatRFC3339(c.CreatedAt)))
	case c.status() == Open && !c.ClosedAt.IsZero():
		return bad("closed_at", "is set but the conversation is open")
	case c.status() == Closed && c.ClosedAt.IsZero():
		return bad("closed_at", "is missing but the conversation is closed")
	case c.IncomingMessages < 0:
		return bad("incoming_messages", "%d is negative", c.IncomingMessages)
	case c.OutgoingMessages < 0:
		return bad("outgoing_messages", "%d is negative", c.OutgoingMessages)
	}
	for _, t := range []struct {
		field string
		at    time.Time
	}{
		{"first_assigned_at", c.FirstAssignedAt},
		{"first_response_at", c.FirstResponseAt},
		{"closed_at", c.ClosedAt},
	} {
		if !t.at.IsZero() && !civil.InRange(t.at) {
			return bad(t.field, "%s", civil.RangeReason(civil.FormatRFC3339(t.at)))
		}
		if !t.at.IsZero() && t.at.Before(c.CreatedAt) {
			return bad(t.field, "%s is before created_at %s", civil.FormatRFC3339(t.at), civil.FormatRFC3339(c.CreatedAt))
		}
		if !t.at.IsZero() && !civil.SpanFits(c.CreatedAt, t.at) {
			return bad(t.field, "%s is more than 292 years after created_at %s, longer than any duration can be (%s)",
				civil.FormatRFC3339(t.at), civil.FormatRFC3339(c.CreatedAt), time.Duration(math.MaxInt64))
		}
	}
	return nil
}
