package civil

import "time"

// Writable returns t, or the same instant in UTC when RFC 3339 cannot
// write t's offset: an offset with seconds, as historic zones had
// (Africa/Monrovia -0:44:30 until 1972, Europe/Paris +0:09:21 until 1911,
// Europe/Amsterdam +0:19:32 until 1937), which time.Format and
// time.Time.MarshalJSON cut to whole minutes, naming another instant; or
// an offset of a day or more, which MarshalJSON refuses. Every time
// convreport writes with an offset (result JSON, drill-down cells, links)
// goes through it, so that a reader parses back the instant it was given.
func Writable(t time.Time) time.Time {
	if _, off := t.Zone(); off%60 != 0 || off <= -24*3600 || off >= 24*3600 {
		return t.UTC()
	}
	return t
}

// FormatRFC3339 writes t as time.RFC3339Nano does, in t's offset when RFC
// 3339 can carry it and in UTC otherwise (see [Writable]).
func FormatRFC3339(t time.Time) string {
	return Writable(t).Format(time.RFC3339Nano)
}
