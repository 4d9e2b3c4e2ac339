// Package civil is convreport's arithmetic of civil time: calendar dates,
// the first instant of a date in a zone, the zone's periods of constant
// offset, and the time buckets (hour to year) that partition a zone's
// timeline. Every date becomes an instant by one rule, [StartOfDay], and
// every loop over time here moves strictly forward, so none can stand still
// on a zone's odd changes (see [OffsetPeriod]).
//
// It knows nothing of conversations or reports: the root package maps its
// public Bucket, Date and Range onto these functions.
package civil
