// Package calendar holds business hours: the opening hours of each
// weekday in a time zone, holidays and special days ([Calendar]), named
// calendars and which inbox keeps which ([Set]), and the civil values they
// are written in: times of day ([Clock]), dates ([Date]) and days of the
// week ([Weekday]).
//
// [Calendar.Between] counts the business time between two instants,
// exactly across daylight-saving changes; a convreport Query, dashboard or
// report that names a calendar makes its durations count business hours
// with it. [Date.Start] is the one rule by which a date becomes an
// instant, everywhere in convreport.
//
// Calendars and sets read and write JSON; every bad value is an *[Error]
// naming its field by JSON path ("week.monday[1]", "calendars[0].zone").
//
// The package knows nothing of conversations or reports: the convreport
// package imports it, not the other way round.
package calendar
