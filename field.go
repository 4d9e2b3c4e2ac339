package convreport

import (
	"time"
	"unsafe"

	"github.com/convreport/convreport/internal/exec"
)

// Field gives typed access to one stored built-in property of a
// [Conversation]: what a file reader or writer, a database mapping or a
// column store uses to move many conversations without boxing each value.
// [Fields] lists them; it is the one description of the built-in fields
// that the schema, the column store, the JSON Lines, CSV and Parquet
// formats and the SQL mapping all derive from, so a built-in property is
// added in one place.
//
// Each Field reads and writes by its Kind: StringOf and SetString for
// KindString and KindEnum, TimeOf and SetTime for KindTime, CountOf and
// SetCount for the message counts (KindNumber). The other methods of a
// Field return the zero value and set nothing. Values are the stored
// ones: an empty Channel stays empty (reports show it as "other").
type Field struct {
	Property
	// Required is set for the fields every conversation has (ID and
	// CreatedAt): a file without their column holds no valid
	// conversation.
	Required bool
	// Repeats is set where values recur across conversations (a channel,
	// an inbox, a rep): readers share one string per distinct value and
	// columnar formats keep a dictionary.
	Repeats bool

	str   func(*Conversation) *string
	time  func(*Conversation) *time.Time
	count func(*Conversation) *int
	// shown is the value reports see, where it differs from the stored
	// one (a default channel, a status implied by ClosedAt); it differs
	// only where the stored value is empty.
	shown func(*Conversation) string
	// off is where the field is in a Conversation, taken from its
	// accessor: a loop over many conversations reads the field at
	// off without calling the accessor per row.
	off uintptr
}

// freeText reports whether any value of the field is valid (an inbox, a
// rep, a subject): neither Conversation.Validate nor a shown value reads
// it, so a loader that validates rows from columns need not fill it in.
func (f *Field) freeText() bool { return f.str != nil && f.shown == nil && !f.Required }

// StringOf returns a string field of c.
func (f Field) StringOf(c *Conversation) string {
	if f.str == nil {
		return ""
	}
	return *f.str(c)
}

// SetString sets a string field of c.
func (f Field) SetString(c *Conversation, s string) {
	if f.str != nil {
		*f.str(c) = s
	}
}

// TimeOf returns a time field of c; the zero time is unknown.
func (f Field) TimeOf(c *Conversation) time.Time {
	if f.time == nil {
		return time.Time{}
	}
	return *f.time(c)
}

// SetTime sets a time field of c.
func (f Field) SetTime(c *Conversation, t time.Time) {
	if f.time != nil {
		*f.time(c) = t
	}
}

// CountOf returns a message count of c.
func (f Field) CountOf(c *Conversation) int {
	if f.count == nil {
		return 0
	}
	return *f.count(c)
}

// SetCount sets a message count of c.
func (f Field) SetCount(c *Conversation, n int) {
	if f.count != nil {
		*f.count(c) = n
	}
}

// AlwaysKnown reports whether every valid conversation has a value of the
// field as reports see it: the required ID and CreatedAt, the Channel and
// Status that have defaults, and the message counts. A database keeps
// such a column NOT NULL.
func (f Field) AlwaysKnown() bool { return f.Required || f.shown != nil || f.count != nil }

// reported returns a string field as reports see it.
func (f Field) reported(c *Conversation) string {
	if f.shown != nil {
		return f.shown(c)
	}
	return *f.str(c)
}

// Fields returns the stored built-in fields of a conversation, in the order
// of the interchange formats (docs/semantics.md), as a new slice.
func Fields() []Field { return append([]Field(nil), fields...) }

// fields is the one table of built-in fields.
var fields = []Field{
	{Property: Property{Name: "ID", Key: "id", Label: "Conversation ID", Kind: KindString}, Required: true,
		str: func(c *Conversation) *string { return &c.ID }},
	{Property: Property{Name: "Channel", Key: "channel", Label: "Channel", Kind: KindEnum, Values: channelNames()}, Repeats: true,
		str:   func(c *Conversation) *string { return (*string)(&c.Channel) },
		shown: func(c *Conversation) string { return string(c.channel()) }},
	{Property: Property{Name: "Inbox", Key: "inbox", Label: "Inbox", Kind: KindString}, Repeats: true,
		str: func(c *Conversation) *string { return &c.Inbox }},
	{Property: Property{Name: "Assignee", Key: "assignee", Label: "Assignee", Kind: KindString}, Repeats: true,
		str: func(c *Conversation) *string { return &c.Assignee }},
	{Property: Property{Name: "Team", Key: "team", Label: "Team", Kind: KindString}, Repeats: true,
		str: func(c *Conversation) *string { return &c.Team }},
	{Property: Property{Name: "Status", Key: "status", Label: "Status", Kind: KindEnum, Values: []string{string(Open), string(Closed)}}, Repeats: true,
		str:   func(c *Conversation) *string { return (*string)(&c.Status) },
		shown: func(c *Conversation) string { return string(c.status()) }},
	{Property: Property{Name: "CreatedAt", Key: "created_at", Label: "Created", Kind: KindTime}, Required: true,
		time: func(c *Conversation) *time.Time { return &c.CreatedAt }},
	{Property: Property{Name: "FirstAssignedAt", Key: "first_assigned_at", Label: "First assigned", Kind: KindTime},
		time: func(c *Conversation) *time.Time { return &c.FirstAssignedAt }},
	{Property: Property{Name: "FirstResponseAt", Key: "first_response_at", Label: "First agent reply", Kind: KindTime},
		time: func(c *Conversation) *time.Time { return &c.FirstResponseAt }},
	{Property: Property{Name: "ClosedAt", Key: "closed_at", Label: "Closed", Kind: KindTime},
		time: func(c *Conversation) *time.Time { return &c.ClosedAt }},
	{Property: Property{Name: "ClosedBy", Key: "closed_by", Label: "Closed by", Kind: KindString}, Repeats: true,
		str: func(c *Conversation) *string { return &c.ClosedBy }},
	{Property: Property{Name: "OriginURL", Key: "origin_url", Label: "Page URL", Kind: KindString}, Repeats: true,
		str: func(c *Conversation) *string { return &c.OriginURL }},
	{Property: Property{Name: "Chatflow", Key: "chatflow", Label: "Chatflow", Kind: KindString}, Repeats: true,
		str: func(c *Conversation) *string { return &c.Chatflow }},
	{Property: Property{Name: "Source", Key: "source", Label: "Source", Kind: KindString}, Repeats: true,
		str: func(c *Conversation) *string { return &c.Source }},
	{Property: Property{Name: "ContactID", Key: "contact_id", Label: "Contact", Kind: KindString},
		str: func(c *Conversation) *string { return &c.ContactID }},
	{Property: Property{Name: "Subject", Key: "subject", Label: "Subject", Kind: KindString},
		str: func(c *Conversation) *string { return &c.Subject }},
	{Property: Property{Name: "IncomingMessages", Key: "incoming_messages", Label: "Incoming messages", Kind: KindNumber},
		count: func(c *Conversation) *int { return &c.IncomingMessages }},
	{Property: Property{Name: "OutgoingMessages", Key: "outgoing_messages", Label: "Outgoing messages", Kind: KindNumber},
		count: func(c *Conversation) *int { return &c.OutgoingMessages }},
}

// derived is a duration computed from a conversation's times: how a
// Conversation computes it, and which metric the executor counts it as.
type derived struct {
	Property
	of     func(*Conversation) (time.Duration, bool)
	metric exec.Metric
}

// derivedProperties are the derived durations.
var derivedProperties = []derived{
	{Property{Name: "FirstResponseTime", Key: "first_response_time", Label: "Agent first response time", Kind: KindDuration, Derived: true}, (*Conversation).AgentFirstResponseTime, exec.FirstResponse},
	{Property{Name: "WaitTime", Key: "wait_time", Label: "Customer wait time", Kind: KindDuration, Derived: true}, (*Conversation).CustomerWaitTime, exec.Wait},
	{Property{Name: "TimeToClose", Key: "time_to_close", Label: "Time to close", Kind: KindDuration, Derived: true}, (*Conversation).TimeToClose, exec.Close},
}

// storedField returns the built-in field p is, or nil for a custom or
// derived property.
func storedField(p Property) *Field {
	if i, ok := fieldByName[p.Name]; ok && !p.Custom {
		return &fields[i]
	}
	return nil
}

// derivedOf returns the derived duration p is, or nil.
func derivedOf(p Property) *derived {
	if i, ok := derivedByName[p.Name]; ok && p.Derived {
		return &derivedProperties[i]
	}
	return nil
}

var fieldByName, derivedByName = func() (map[string]int, map[string]int) {
	fs, ds := map[string]int{}, map[string]int{}
	for i, f := range fields {
		fs[f.Name] = i
		fields[i].off = offsetOf(f)
	}
	for i, d := range derivedProperties {
		ds[d.Name] = i
	}
	return fs, ds
}()

// offsetOf returns where f's accessor finds it in a Conversation.
func offsetOf(f Field) uintptr {
	var c Conversation
	var p unsafe.Pointer
	switch {
	case f.str != nil:
		p = unsafe.Pointer(f.str(&c))
	case f.time != nil:
		p = unsafe.Pointer(f.time(&c))
	default:
		p = unsafe.Pointer(f.count(&c))
	}
	return uintptr(p) - uintptr(unsafe.Pointer(&c))
}

func channelNames() []string {
	names := make([]string, len(channels))
	for i, c := range channels {
		names[i] = string(c)
	}
	return names
}
