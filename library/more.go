package library

import (
	"time"

	"github.com/convreport/convreport"
)

// ChatflowPerformance is the "Chatflow performance" dashboard: for each
// chatflow (the bot or routing flow a chat began in), how many chats it
// brings, how long their visitors wait for a person, how many are
// answered within a minute, how many end without any agent reply, and the
// volume over time. Every report keeps to chat conversations.
func ChatflowPerformance() Template {
	const chat = `Channel == "chat"`
	flow := []string{"Chatflow"}
	wait := func(agg convreport.Aggregation, p float64) convreport.Measure {
		return convreport.Measure{Agg: agg, Metric: convreport.WaitTime, P: p}
	}
	props := []string{"ID", "CreatedAt", "Chatflow", "OriginURL", "Assignee", "FirstResponseAt", "WaitTime"}
	return Template{
		ID:          "chatflow-performance",
		Name:        "Chatflow performance",
		FrenchName:  "Performance des chatflows",
		Description: "Which chatflows bring chats and how well they are served: volume per chatflow, how long visitors wait for a person (median and 90th percentile), the share answered within a minute, the chats that ended without an agent reply, and the volume over time.",
		Keywords: []string{
			"chatflow", "chat flow", "bot", "flow", "wait time", "customer wait", "answered", "missed chats",
			"performance", "best performing", "percentile",
			"parcours", "robot", "temps d'attente", "attente client", "chats manqués",
		},
		Reports: []convreport.Report{
			{
				ID:          "chats-by-chatflow",
				Name:        "Chats by chatflow",
				Description: "Chat conversations created in the period, per chatflow they began in; chats begun outside any chatflow form their own group.",
				Filter:      chat,
				Dimensions:  flow,
				Chart:       convreport.Chart{Type: convreport.BarChart},
				Properties:  props,
			},
			{
				ID:          "median-customer-wait-time-by-chatflow",
				Name:        "Median customer wait time by chatflow",
				Description: "The typical wait, from the start of the chat to the first reply from a person, per chatflow; chats nobody answered are left out.",
				Filter:      chat,
				Dimensions:  flow,
				Measure:     wait(convreport.Median, 0),
				Chart:       convreport.Chart{Type: convreport.BarChart},
				Properties:  props,
			},
			{
				ID:          "p90-customer-wait-time-by-chatflow",
				Name:        "90th percentile customer wait time by chatflow",
				Description: "The wait nine chats in ten stay within, per chatflow: the long waits the median hides; chats nobody answered are left out.",
				Filter:      chat,
				Dimensions:  flow,
				Measure:     wait(convreport.Percentile, 90),
				Chart:       convreport.Chart{Type: convreport.BarChart},
				Properties:  props,
			},
			{
				ID:          "answered-within-a-minute-by-chatflow",
				Name:        "Chats answered within a minute by chatflow",
				Description: "Of the chats a person answered, the percentage answered within one minute of their start, per chatflow; chats without an agent reply are counted in the next report.",
				Filter:      chat,
				Dimensions:  flow,
				Measure:     convreport.Measure{Agg: convreport.ShareWithin, Metric: convreport.WaitTime, Threshold: convreport.Duration(time.Minute)},
				Chart:       convreport.Chart{Type: convreport.BarChart},
				Properties:  props,
			},
			{
				ID:          "chats-without-agent-reply-by-chatflow",
				Name:        "Chats left without an agent reply by chatflow",
				Description: "Chats that were closed without any reply from a person (bot answers do not count), per chatflow.",
				Filter:      chat + ` && FirstResponseAt == nil && ClosedAt != nil`,
				Dimensions:  flow,
				Chart:       convreport.Chart{Type: convreport.BarChart},
				Properties:  []string{"ID", "CreatedAt", "ClosedAt", "Chatflow", "OriginURL", "ClosedBy"},
			},
			{
				ID:          "chatflow-volume-over-time",
				Name:        "Chatflow volume over time",
				Description: "Chat conversations created each day of the period, one line per chatflow, days without any shown as zero.",
				Filter:      chat,
				Dimensions:  flow,
				Bucket:      convreport.Day,
				Chart:       convreport.Chart{Type: convreport.LineChart},
				Properties:  props,
			},
		},
	}
}

// StandardSLA is the policy the [SLA] template's reports measure until a
// user writes their own: every conversation, a first agent reply within
// an hour and a close within a day, in calendar time. Saving a policy of
// the same name ("standard") with other targets, a filter or a calendar
// changes what the template's reports measure.
func StandardSLA() *convreport.SLAPolicy {
	return &convreport.SLAPolicy{
		Name:          "standard",
		Description:   "First agent reply within 1 hour, close within 24 hours, calendar time.",
		FirstResponse: &convreport.SLATarget{Within: convreport.Duration(time.Hour)},
		Close:         &convreport.SLATarget{Within: convreport.Duration(24 * time.Hour)},
	}
}

// SLA is the "SLA" dashboard: how often the "standard" policy's targets
// are met per inbox and over time, who breaches them, and which open
// conversations are past their close target now. See [StandardSLA] and
// [convreport.SLAPolicy] for what met and breached mean.
func SLA() Template {
	m := func(agg convreport.Aggregation, t convreport.SLATargetKind) convreport.Measure {
		return convreport.Measure{Agg: agg, SLA: "standard", Target: t}
	}
	fr, cl := convreport.FirstResponseTarget, convreport.CloseTarget
	props := []string{"ID", "CreatedAt", "Inbox", "Assignee", "FirstResponseAt", "ClosedAt", "Status"}
	return Template{
		ID:          "sla",
		Name:        "SLA",
		FrenchName:  "Niveaux de service (SLA)",
		Description: "Service-level targets: the share of conversations answered and closed within target per inbox, the breaches per rep, the daily share met, and the open conversations past their target now.",
		Keywords: []string{
			"sla", "service level", "target", "breach", "breaches", "met", "compliance", "first response", "time to close",
			"niveau de service", "objectif", "dépassement", "respect", "première réponse", "délai de clôture",
		},
		SLA: StandardSLA(),
		Reports: []convreport.Report{
			{
				ID:          "first-response-sla-met-by-inbox",
				Name:        "First response SLA met by inbox",
				Description: "Of the conversations whose first-response target is decided (answered, or past the target unanswered), the percentage answered within it, per inbox.",
				Dimensions:  []string{"Inbox"},
				Measure:     m(convreport.SLAMet, fr),
				Chart:       convreport.Chart{Type: convreport.BarChart},
				Properties:  props,
			},
			{
				ID:          "close-sla-met-by-inbox",
				Name:        "Time to close SLA met by inbox",
				Description: "Of the conversations whose close target is decided (closed, or open past the target), the percentage closed within it, per inbox.",
				Dimensions:  []string{"Inbox"},
				Measure:     m(convreport.SLAMet, cl),
				Chart:       convreport.Chart{Type: convreport.BarChart},
				Properties:  props,
			},
			{
				ID:          "first-response-sla-breaches-by-rep",
				Name:        "First response SLA breaches by rep",
				Description: "Conversations answered late, or still unanswered past the target, per assigned rep; unassigned ones form their own group.",
				Dimensions:  []string{"Assignee"},
				Measure:     m(convreport.SLABreaches, fr),
				Chart:       convreport.Chart{Type: convreport.BarChart},
				Properties:  props,
			},
			{
				ID:          "first-response-sla-met-over-time",
				Name:        "First response SLA met over time",
				Description: "The percentage of the conversations created each day that were answered within target; days with nothing decided have no value.",
				Bucket:      convreport.Day,
				Measure:     m(convreport.SLAMet, fr),
				Chart:       convreport.Chart{Type: convreport.LineChart},
				Properties:  props,
			},
			{
				ID:          "current-close-sla-breaches-by-inbox",
				Name:        "Open conversations past their close target",
				Description: "Conversations open now, whatever the period, that have run past their close target, per inbox.",
				Dimensions:  []string{"Inbox"},
				Snapshot:    true,
				Measure:     m(convreport.SLABreaches, cl),
				Chart:       convreport.Chart{Type: convreport.TableChart},
				Properties:  props,
			},
		},
	}
}
