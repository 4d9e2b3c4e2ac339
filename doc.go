// Package convreport reports on customer conversations — live chat, email and
// any other channel — the way a helpdesk's reporting screen does: counts,
// response and close times, volumes over time, each data point drillable to the
// conversations behind it.
//
// # Using it
//
// Build a [Source] (the [github.com/convreport/convreport/memory] package holds
// one over a slice of [Conversation] values), wrap it in an [Engine], describe
// what to compute as [Report] values and run them for a [Query]:
//
//	src, _ := memory.New(conversations)
//	eng := convreport.NewEngine(src)
//	results, err := eng.Run(ctx, convreport.Query{Range: convreport.Last30Days, Zone: paris}, reports...)
//
// All reports given to one Run are computed in one scan of the source. Every
// [Point] carries the number of conversations behind it, and
// [Engine.DrillDown] returns exactly those conversations.
//
// # Meaning of the numbers
//
// Durations are exact: a [Result] holds decimal seconds, rounded half away
// from zero to milliseconds. Agent first response time starts when the
// conversation was first assigned (or created, if never assigned); customer
// wait time starts at creation; time to close counts closed conversations
// only. Conversations a metric does not apply to (never answered, still open)
// are excluded from the aggregate and counted in [Point.Excluded], never
// averaged as zero. With a [calendar.Calendar], only business hours count.
//
// Time buckets and date presets are computed in the query's time zone and are
// correct across daylight-saving changes; ranges are half-open [from, to).
//
// # Filters
//
// A report's Filter is an expr-lang expression (https://expr-lang.org) that is true
// for the conversations to keep. Identifiers are property names of the
// [Schema] (Channel, Inbox, FirstResponseTime, custom names); the JSON keys
// (origin_url) are accepted as aliases. Besides the operators of expr-lang
// (== != < <= > >= in, not in, contains, startsWith, endsWith, matches,
// && || !, and, or, not, arithmetic, ?: and ??), a filter can call:
//
//   - duration("5m"): a duration, in time.ParseDuration's format;
//   - date("2025-03-01"), date("2025-03-01T10:00"): the first instant the
//     query's zone's wall clock reads that date and time (for a date, the
//     day's start as [calendar.Date.Start] defines it: midnight, or the instant the
//     day began where a DST change skipped midnight);
//     date("2025-03-01T10:00:00Z"): an absolute instant (RFC 3339);
//   - now(): the query's Now; daysAgo(n): the start of the day n days
//     before today, in the query's zone;
//   - len, lower, upper, trim, trimPrefix, trimSuffix, indexOf,
//     lastIndexOf, abs, ceil, floor, round, min, max;
//   - all, any, none, one, count over a written-out list of constants, like
//     any(["refund", "chargeback"], Subject contains #); they do not nest.
//
// Nothing else: no fields or methods, no let, no maps, no ranges, no %. With the
// length and node limits of [FilterOptions], this bounds the work one
// evaluation does by the size of the expression and of the conversation.
//
// The helpers take constants only. Times compare with times, durations with
// durations, numbers with numbers and strings with strings; anything else is
// an error at compile time. Strings compare exactly (case-sensitive).
//
// A property may be unknown: an empty string, a zero time, a duration that
// does not apply (no agent reply, not closed), an absent custom property.
// A comparison that reads an unknown value (==, <, <=, >, >=, in, contains,
// startsWith, endsWith, matches) is false, and != and not in are true; this
// holds for computed operands too (lower(Subject) contains "x" is false when
// Subject is unknown). X == nil is true when X is unknown, X != nil when it
// is known; X ?? v reads v when X is unknown. A bool property that is
// unknown reads as false on its own: Vip is false and !Vip true.
//
// An empty filter matches every conversation. Structured conditions
// ([Condition]) compile to the same language, and [Schema.CheckFilter]
// checks an expression as it is typed.
//
// # Implementing a Source
//
// A [Source] needs two methods: its [Schema] and a Scan over conversations. A
// source that can compute reports itself (a SQL database) also implements
// [Aggregator]; it may decline any pushdown with [ErrUnsupported] and the engine
// scans instead. The sourcetest package checks an implementation against the
// reference semantics.
package convreport
