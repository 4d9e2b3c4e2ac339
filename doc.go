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
// # Implementing a Source
//
// A [Source] needs two methods: its [Schema] and a Scan over conversations. A
// source that can compute reports itself (a SQL database) also implements
// [Aggregator]; it may decline any pushdown with [ErrUnsupported] and the engine
// scans instead. The sourcetest package checks an implementation against the
// reference semantics.
package convreport
