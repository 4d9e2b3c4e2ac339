package ingest

import (
	"time"

	"github.com/convreport/convreport"
)

// field is a built-in key of the interchange format, in the order of
// the interchange format's documentation (docs/semantics.md), which is also
// the order the writers use.
type field uint8

const (
	fID field = iota
	fChannel
	fInbox
	fAssignee
	fTeam
	fStatus
	fCreatedAt
	fFirstAssignedAt
	fFirstResponseAt
	fClosedAt
	fClosedBy
	fOriginURL
	fChatflow
	fSource
	fContactID
	fSubject
	fIncomingMessages
	fOutgoingMessages
	fProperties
	numFields
)

var fieldKeys = [numFields]string{
	"id", "channel", "inbox", "assignee", "team", "status",
	"created_at", "first_assigned_at", "first_response_at", "closed_at",
	"closed_by", "origin_url", "chatflow", "source", "contact_id", "subject",
	"incoming_messages", "outgoing_messages", "properties",
}

// lookupField finds a built-in key. A switch beats a map here: it is
// the hottest lookup of a read.
func lookupField(key string) (field, bool) {
	switch key {
	case "id":
		return fID, true
	case "channel":
		return fChannel, true
	case "inbox":
		return fInbox, true
	case "assignee":
		return fAssignee, true
	case "team":
		return fTeam, true
	case "status":
		return fStatus, true
	case "created_at":
		return fCreatedAt, true
	case "first_assigned_at":
		return fFirstAssignedAt, true
	case "first_response_at":
		return fFirstResponseAt, true
	case "closed_at":
		return fClosedAt, true
	case "closed_by":
		return fClosedBy, true
	case "origin_url":
		return fOriginURL, true
	case "chatflow":
		return fChatflow, true
	case "source":
		return fSource, true
	case "contact_id":
		return fContactID, true
	case "subject":
		return fSubject, true
	case "incoming_messages":
		return fIncomingMessages, true
	case "outgoing_messages":
		return fOutgoingMessages, true
	case "properties":
		return fProperties, true
	}
	return 0, false
}

// requiredColumns must appear in a CSV header: a row cannot be valid
// without them.
var requiredColumns = []field{fID, fChannel, fStatus, fCreatedAt}

type fieldType uint8

const (
	tString fieldType = iota
	tTime
	tCount
	tObject
)

func (f field) typ() fieldType {
	switch f {
	case fCreatedAt, fFirstAssignedAt, fFirstResponseAt, fClosedAt:
		return tTime
	case fIncomingMessages, fOutgoingMessages:
		return tCount
	case fProperties:
		return tObject
	}
	return tString
}

// interned reports whether the field's values repeat across rows enough to
// share one string per distinct value.
func (f field) interned() bool {
	switch f {
	case fChannel, fInbox, fAssignee, fTeam, fStatus, fClosedBy, fChatflow, fSource:
		return true
	}
	return false
}

func (f field) key() string { return fieldKeys[f] }

func setString(c *convreport.Conversation, f field, s string) {
	switch f {
	case fID:
		c.ID = s
	case fChannel:
		c.Channel = convreport.Channel(s)
	case fInbox:
		c.Inbox = s
	case fAssignee:
		c.Assignee = s
	case fTeam:
		c.Team = s
	case fStatus:
		c.Status = convreport.Status(s)
	case fClosedBy:
		c.ClosedBy = s
	case fOriginURL:
		c.OriginURL = s
	case fChatflow:
		c.Chatflow = s
	case fSource:
		c.Source = s
	case fContactID:
		c.ContactID = s
	case fSubject:
		c.Subject = s
	}
}

func getString(c *convreport.Conversation, f field) string {
	switch f {
	case fID:
		return c.ID
	case fChannel:
		return string(c.Channel)
	case fInbox:
		return c.Inbox
	case fAssignee:
		return c.Assignee
	case fTeam:
		return c.Team
	case fStatus:
		return string(c.Status)
	case fClosedBy:
		return c.ClosedBy
	case fOriginURL:
		return c.OriginURL
	case fChatflow:
		return c.Chatflow
	case fSource:
		return c.Source
	case fContactID:
		return c.ContactID
	case fSubject:
		return c.Subject
	}
	return ""
}

func timeField(c *convreport.Conversation, f field) *time.Time {
	switch f {
	case fCreatedAt:
		return &c.CreatedAt
	case fFirstAssignedAt:
		return &c.FirstAssignedAt
	case fFirstResponseAt:
		return &c.FirstResponseAt
	case fClosedAt:
		return &c.ClosedAt
	}
	return nil
}

func countField(c *convreport.Conversation, f field) *int {
	if f == fIncomingMessages {
		return &c.IncomingMessages
	}
	return &c.OutgoingMessages
}
