// Package ingest reads and writes conversations in convreport's interchange
// formats, JSON Lines and CSV, with errors that say which line, which field
// and what is wrong.
//
// [ReadJSONL] and [ReadCSV] stream: they yield one [convreport.Conversation]
// at a time and hold a few chunks of about 1 MiB in memory, so a file of a
// million lines costs no more than the conversations kept. [ReadAll] and
// [ReadFile] collect.
//
// Reading uses every core ([Options.Workers]): one goroutine splits the
// input into lines or CSV records as the sequential reader does, workers
// decode and validate chunks of them, and the calling goroutine takes the
// chunks back in order to check IDs for duplicates and yield. Rows, errors
// (with their line numbers) and progress calls come in the same order, and
// are the same, as with one worker.
// [WriteJSONL] and [WriteCSV] write the same formats: what they write reads
// back equal.
//
// # JSON Lines
//
// One JSON object a line; blank lines are skipped, and so is a UTF-8 byte
// order mark at the start. The keys, all optional but a valid conversation
// needs id, channel, status and created_at:
//
//	id, channel, inbox, assignee, team, status, closed_by, origin_url,
//	chatflow, source, contact_id, subject          strings
//	created_at, first_assigned_at,
//	first_response_at, closed_at                   times
//	incoming_messages, outgoing_messages           whole numbers from 0 to 2^53
//	properties                                     an object of custom properties
//
// A key that is absent or null is unknown: the zero value of the field (an
// empty string, a zero time, a count of 0). channel is one of chat, email,
// form, messenger, whatsapp, phone, other; status is open or closed.
//
// A time is an RFC 3339 date-time with a UTC offset:
// "2025-03-01T09:30:00+01:00", "2025-03-01T08:30:00.25Z". A time without
// an offset is an error, never read as UTC or local time. The reader keeps
// the written offset (as a fixed zone, UTC for Z and ±00:00); times compare
// as instants, so this matters only for writing them back.
//
// The properties object holds the custom properties the [convreport.Schema]
// declares, by name, each a value of its kind or null (unknown):
//
//	string, enum   a JSON string ("" is unknown); an enum's among its values
//	number         a JSON number
//	bool           true or false
//	time           a string, as any time above
//	duration       a Go duration string ("5m30s", "1h", "-250ms") or a number
//	               of seconds, a JSON number or a string holding one (330, 1.5)
//
// A key the format does not have, at the top or in properties, is an error
// unless [Options.IgnoreUnknown] is set; so is a key given twice.
//
// # CSV
//
// RFC 4180: fields separated by commas, records by "\n" or "\r\n"; a field
// in double quotes may hold commas, quotes (doubled) and line breaks, which
// are kept as written. A UTF-8 byte order mark at the start is skipped, and
// so are empty lines between records.
//
// The first record is the header. Its columns are the JSON Lines keys
// above, in any order; id and created_at are required (the fields every
// conversation has, convreport.Field.Required), the others may be left
// out. A custom property is a column named
// "properties.NAME", as the property's errors name it, never plain NAME.
// Values are written as in JSON Lines without JSON's quoting: strings as
// they are, numbers in JSON number syntax, times in RFC 3339, durations as
// above, bools as true or false in any case. An empty cell is unknown. A
// column the format does not have is an error unless
// [Options.IgnoreUnknown] is set, and every record has as many fields as
// the header.
//
// # Validation and errors
//
// Every conversation read is checked with the schema's Validate (the record
// rules of [convreport.Conversation.Validate], and custom property kinds
// and enum values), and its ID against the IDs before it: a second
// conversation with an ID is an error naming the first one's line. A bad
// line is a *[LineError]:
//
//	line 3: incoming_messages: want a number, got string "three"
//	line 5: unknown key "asignee" (did you mean "assignee"?)
//	line 17: created_at: "2025-03-01T10:00:00" is not an RFC 3339 time with offset
//	line 42: unexpected end of JSON
//	line 9: conversation "c-1": id: duplicates the conversation on line 2
//
// By default reading stops at the first; with [Options.SkipInvalid] every
// valid conversation is kept and every bad line reported.
//
// # Writing
//
// Keys and columns are written in the order of [convreport.Schema]'s
// built-in properties: id, channel, inbox, assignee, team, status,
// created_at, first_assigned_at, first_response_at, closed_at, closed_by,
// origin_url, chatflow, source, contact_id, subject, incoming_messages,
// outgoing_messages, then the custom properties. Times are written in RFC 3339 with as many fraction digits as they need
// (none for whole seconds), in their own UTC offset, or in UTC when RFC
// 3339 cannot express that offset (seconds in it, as in some historical
// zones); the instant is always the one given. Durations are written as Go
// duration strings, numbers in the shortest form that reads back exactly.
package ingest
