// Package sample generates realistic helpdesk conversations, deterministically:
// the default data set for demos, documentation and tests, and a load
// generator for millions of rows.
//
//	convs := sample.Generate(sample.Config{Seed: 7, N: 10_000})
//	for c := range sample.All(sample.Config{N: 5_000_000}) { … }
//
// The same [Config] always gives the same conversations, in the same order
// (sorted by CreatedAt, then ID); [All] streams exactly what [Generate]
// returns, in constant memory. The random numbers come from math/rand/v2's
// PCG seeded with Config.Seed, never from a global source. The sequence for a
// given Config may change between versions of this package; pin a version
// when a test depends on exact rows.
//
// # The data
//
// Every conversation passes [convreport.Conversation.Validate]. IDs are
// "c-0000001", "c-0000002", … in creation order, zero-padded to at least
// seven digits (more for more than 9,999,999 rows) so that they sort as their
// numbers do. Times are whole seconds in UTC; CreatedAt lies in
// [Config.From, Config.To). The data is a snapshot taken at Config.To: an
// assignment, reply or close that would come later has not happened, so the
// most recent conversations are the most often open, unassigned or
// unanswered. Properties is nil.
//
// The business is a software company in Config.Zone with office hours
// Monday to Friday, 09:00 to 18:00:
//
//   - Arrivals peak late morning and mid-afternoon on weekdays and drop at
//     night and on weekends (a weekend day sees about a quarter of a weekday);
//     volume grows about 20% over the range, swells and ebbs monthly, varies
//     day to day, and spikes on the odd busy day.
//   - Channels: about 55% chat, 34% email, then form, messenger, WhatsApp,
//     phone and other; email's share is larger outside office hours.
//   - Twenty reps with names in three teams (Sales, Support, Billing), each
//     with their own workload and speed; two join during the range and two
//     take a holiday. About 6% of conversations are never assigned, more
//     outside office hours.
//   - FirstAssignedAt follows creation by seconds (chat) to minutes (email),
//     and FirstResponseAt follows assignment, log-normally: a median of about
//     40 seconds for chat and 45 minutes for email, scaled by the rep's speed.
//     Outside office hours work waits for the office to open, and most email
//     replies that would land after hours are sent the next working morning.
//     About 2% are assigned by the reply itself (FirstAssignedAt equals
//     FirstResponseAt).
//   - Some conversations are never answered: few in office hours, many chats
//     at night, most of the unassigned ones.
//   - Most conversations close, after a log-normal time with a heavy tail
//     (chat: minutes to hours, email: hours to weeks; 10% wait days on the
//     customer), closed by the assignee, a teammate or "system" (idle chats,
//     stale unanswered emails).
//   - Chats start on one of forty pages of https://www.example.com with a
//     1/rank popularity (pricing first), each routed by a chatflow ("Pricing
//     questions", "Docs assistant", …) to a team; in-app chats (source
//     "mobile_app") have no OriginURL. Chats land in the "Live chat" inbox,
//     emails in Support, Sales, Billing or Partners with subject lines to
//     match (some "Re: " and "Fwd: ").
//   - Source is "website", "mobile_app", "email", "api", "import",
//     "facebook", "whatsapp" or "phone" by channel; ContactID
//     ("contact-123") repeats for returning customers; message counts grow
//     with the channel's chattiness, and an answered conversation has at
//     least one outgoing message, an unanswered one none.
package sample
