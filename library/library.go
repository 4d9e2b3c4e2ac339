// Package library holds the dashboard templates a helpdesk offers when a
// user creates a dashboard: [ChatOverview], [EmailOverview],
// [ChatflowPerformance] and [SLA], each a few ordinary [convreport.Report]
// values built from the same parts the report editor shows (filter,
// dimensions, measure, date property, bucket, chart, display properties). Nothing in the engine knows a template by name: a
// template is data, and a dashboard made from it is an ordinary dashboard.
//
//	t, _ := library.Lookup("chat-overview")
//	d, err := t.NewDashboard(convreport.DashboardOptions{Name: "Chat team", Owner: "ana"})
//
// [Search] finds templates the way a search box does: by name (English or
// French) or keyword, ignoring case and accents.
package library

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/internal/fold"
)

// Template is a ready-made dashboard: a name to search by and the reports
// to start from.
type Template struct {
	ID          string // "chat-overview"
	Name        string // "Chat overview"
	FrenchName  string // "Vue d'ensemble du chat"
	Description string
	// Keywords are other words people search with, in English and French.
	Keywords []string
	// Reports in display order. Each has an ID, unique in the template,
	// that a dashboard made from it keeps.
	Reports []convreport.Report
	// Extra are reports the library offers to add to a dashboard
	// ([Template.Report]) that a new dashboard does not start with.
	Extra []convreport.Report
	// SLA is the policy the template's SLA measures name, for a user
	// who has none yet; nil when no report measures one.
	SLA *convreport.SLAPolicy
}

// All returns every template: Chat overview, Email overview, Chatflow
// performance, then SLA. Each call returns fresh copies, so changing one
// changes no one else's.
func All() []Template {
	return []Template{ChatOverview(), EmailOverview(), ChatflowPerformance(), SLA()}
}

// Lookup returns the template with the given ID.
func Lookup(id string) (Template, bool) {
	for _, t := range All() {
		if t.ID == id {
			return t, true
		}
	}
	return Template{}, false
}

// Search returns the templates whose name, French name, ID or keywords hold
// every word of query, ignoring case, accents and punctuation ("e-mail"
// finds "email"; "vue d’ensemble" finds "Vue d'ensemble du chat"), in the
// order of [All]. An empty query returns them all.
func Search(query string) []Template {
	words := strings.Fields(fold.Words(query))
	var out []Template
	for _, t := range All() {
		text := strings.Join([]string{
			fold.Words(t.Name), fold.Words(t.FrenchName), fold.Words(t.ID), fold.Words(strings.Join(t.Keywords, " ")),
		}, " ")
		if containsAll(text, words) {
			out = append(out, t)
		}
	}
	return out
}

func containsAll(text string, words []string) bool {
	for _, w := range words {
		if !strings.Contains(text, w) {
			return false
		}
	}
	return true
}

// NewDashboard creates a dashboard from the template, like the "create
// from template" dialog: o gives its name (required), owner, visibility,
// plan and schema as for [convreport.NewDashboard], and deselect lists the
// IDs of the template's reports to leave out. The template supplies the
// reports, so o.Reports must be empty.
func (t Template) NewDashboard(o convreport.DashboardOptions, deselect ...string) (convreport.Dashboard, error) {
	if len(o.Reports) > 0 {
		return convreport.Dashboard{}, errors.New("library: the template supplies the reports; leave DashboardOptions.Reports empty and add reports to the dashboard afterwards")
	}
	ids := make([]string, len(t.Reports))
	for i, r := range t.Reports {
		ids[i] = r.ID
	}
	for _, id := range deselect {
		if !slices.Contains(ids, id) {
			return convreport.Dashboard{}, fmt.Errorf("library: template %q has no report %q (its reports: %s)", t.ID, id, strings.Join(ids, ", "))
		}
	}
	o.Reports = nil // never append into the caller's array
	for _, r := range t.Reports {
		if !slices.Contains(deselect, r.ID) {
			o.Reports = append(o.Reports, r)
		}
	}
	return convreport.NewDashboard(o)
}

// Report returns a copy of the template's report with the given ID, to add
// to an existing dashboard ("add a report from the library") with
// [convreport.Dashboard.AddReport]. It keeps its ID there when that is
// free.
func (t Template) Report(id string) (convreport.Report, error) {
	all := append(t.Reports[:len(t.Reports):len(t.Reports)], t.Extra...)
	for _, r := range all {
		if r.ID == id {
			if err := r.Check(nil); err != nil {
				return convreport.Report{}, err
			}
			return r.Clone(), nil
		}
	}
	ids := make([]string, len(all))
	for i, r := range all {
		ids[i] = r.ID
	}
	return convreport.Report{}, fmt.Errorf("library: template %q has no report %q (its reports: %s)", t.ID, id, strings.Join(ids, ", "))
}

func avg(m convreport.Metric) convreport.Measure {
	return convreport.Measure{Agg: convreport.Average, Metric: m}
}

// ChatOverview is the "Chat overview" dashboard: live chat volume, speed
// and outcome per rep, where chats start, and the daily volume. Every
// report keeps to chat conversations; "by rep" groups by the current
// assignee, with unassigned chats as their own group.
func ChatOverview() Template {
	const chat = `Channel == "chat"`
	return Template{
		ID:          "chat-overview",
		Name:        "Chat overview",
		FrenchName:  "Vue d'ensemble du chat",
		Description: "How live chat is going: how many chats each rep handles, on which pages chats start, how fast reps answer and close them, and the daily volume.",
		Keywords: []string{
			"chat", "live chat", "conversations", "rep", "agent", "response time", "first response",
			"time to close", "page URL", "website", "volume", "messaging",
			"discussion", "clavardage", "représentant", "temps de réponse", "délai de clôture",
		},
		Reports: []convreport.Report{
			{
				ID:          "conversations-by-rep",
				Name:        "Conversations by rep",
				Description: "Chat conversations created in the period, per assigned rep.",
				Filter:      chat,
				Dimensions:  []string{"Assignee"},
				Chart:       convreport.Chart{Type: convreport.BarChart},
				Properties:  []string{"ID", "CreatedAt", "Assignee", "OriginURL", "Chatflow", "Status"},
			},
			{
				ID:          "chat-conversations-by-page-url",
				Name:        "Chat conversations by page URL",
				Description: "Chat conversations created in the period, per page where the visitor started them; in-app chats have no page.",
				Filter:      chat,
				Dimensions:  []string{"OriginURL"},
				Chart:       convreport.Chart{Type: convreport.TableChart},
				Properties:  []string{"ID", "CreatedAt", "OriginURL", "Chatflow", "Assignee", "Status"},
			},
			{
				ID:          "average-chat-first-response-time-by-rep",
				Name:        "Average chat first response time by rep",
				Description: "How long each rep took to send the first reply, from when the chat reached them; chats without an agent reply are left out of the average.",
				Filter:      chat,
				Dimensions:  []string{"Assignee"},
				Measure:     avg(convreport.FirstResponseTime),
				Chart:       convreport.Chart{Type: convreport.BarChart},
				Properties:  []string{"ID", "CreatedAt", "Assignee", "FirstAssignedAt", "FirstResponseAt", "FirstResponseTime"},
			},
			{
				ID:           "average-chat-time-to-close-by-rep",
				Name:         "Average chat time to close by rep",
				Description:  "Average time from start to close of the chats each rep closed in the period.",
				Filter:       chat,
				Dimensions:   []string{"Assignee"},
				Measure:      avg(convreport.TimeToClose),
				DateProperty: "ClosedAt",
				Chart:        convreport.Chart{Type: convreport.BarChart},
				Properties:   []string{"ID", "CreatedAt", "ClosedAt", "Assignee", "ClosedBy", "TimeToClose"},
			},
			{
				ID:           "closed-conversations-by-rep",
				Name:         "Closed conversations by rep",
				Description:  "Chat conversations closed in the period, per assigned rep.",
				Filter:       chat,
				Dimensions:   []string{"Assignee"},
				DateProperty: "ClosedAt",
				Chart:        convreport.Chart{Type: convreport.ColumnChart},
				Properties:   []string{"ID", "ClosedAt", "Assignee", "ClosedBy", "OriginURL"},
			},
			{
				ID:          "chat-conversations-over-time",
				Name:        "Chat conversations over time",
				Description: "Chat conversations created each day of the period, days without any shown as zero.",
				Filter:      chat,
				Bucket:      convreport.Day,
				Chart:       convreport.Chart{Type: convreport.LineChart},
				Properties:  []string{"ID", "CreatedAt", "Assignee", "OriginURL", "Status"},
			},
		},
		Extra: []convreport.Report{
			{
				ID:          "chat-customer-wait-time",
				Name:        "Customer wait time",
				Description: "How long visitors waited for the first reply from a person, on average, each day: from the start of the chat, bots and automatic messages aside; chats nobody answered are left out.",
				Filter:      chat,
				Measure:     avg(convreport.WaitTime),
				Bucket:      convreport.Day,
				Chart:       convreport.Chart{Type: convreport.LineChart},
				Properties:  []string{"ID", "CreatedAt", "OriginURL", "Chatflow", "FirstResponseAt", "WaitTime"},
			},
		},
	}
}

// EmailOverview is the "Email overview" dashboard: email volume, response
// time and time to close per owner, the daily volume, and the emails open
// in each inbox now. Every report keeps to email conversations; "by owner"
// groups by the current assignee, with unassigned emails as their own
// group.
func EmailOverview() Template {
	const email = `Channel == "email"`
	return Template{
		ID:          "email-overview",
		Name:        "Email overview",
		FrenchName:  "Vue d'ensemble des e-mails",
		Description: "The shared inboxes at a glance: email volume, agent response time and time to close per owner, the daily volume, and what is open in each inbox now.",
		Keywords: []string{
			"email", "e-mail", "mail", "inbox", "owner", "response time", "time to close",
			"open emails", "backlog", "volume",
			"courriel", "boîte de réception", "propriétaire", "temps de réponse", "délai de clôture",
		},
		Reports: []convreport.Report{
			{
				ID:          "email-volume-by-owner",
				Name:        "Email volume by owner",
				Description: "Email conversations created in the period, per owner.",
				Filter:      email,
				Dimensions:  []string{"Assignee"},
				Chart:       convreport.Chart{Type: convreport.BarChart},
				Properties:  []string{"ID", "CreatedAt", "Inbox", "Subject", "Assignee", "Status"},
			},
			{
				ID:          "email-response-time-by-owner",
				Name:        "Email response time by owner",
				Description: "Average time each owner took to send the first reply, from when the email reached them; emails without an agent reply are left out of the average.",
				Filter:      email,
				Dimensions:  []string{"Assignee"},
				Measure:     avg(convreport.FirstResponseTime),
				Chart:       convreport.Chart{Type: convreport.BarChart},
				Properties:  []string{"ID", "CreatedAt", "Inbox", "Subject", "Assignee", "FirstResponseAt", "FirstResponseTime"},
			},
			{
				ID:           "closed-emails-by-owner",
				Name:         "Closed emails by owner",
				Description:  "Email conversations closed in the period, per owner.",
				Filter:       email,
				Dimensions:   []string{"Assignee"},
				DateProperty: "ClosedAt",
				Chart:        convreport.Chart{Type: convreport.ColumnChart},
				Properties:   []string{"ID", "ClosedAt", "Inbox", "Subject", "Assignee", "ClosedBy"},
			},
			{
				ID:           "email-time-to-close-by-owner",
				Name:         "Email time to close by owner",
				Description:  "Average time from arrival to close of the emails each owner closed in the period.",
				Filter:       email,
				Dimensions:   []string{"Assignee"},
				Measure:      avg(convreport.TimeToClose),
				DateProperty: "ClosedAt",
				Chart:        convreport.Chart{Type: convreport.BarChart},
				Properties:   []string{"ID", "CreatedAt", "ClosedAt", "Inbox", "Assignee", "TimeToClose"},
			},
			{
				ID:          "email-volume-over-time",
				Name:        "Email volume over time",
				Description: "Email conversations created each day of the period, days without any shown as zero.",
				Filter:      email,
				Bucket:      convreport.Day,
				Chart:       convreport.Chart{Type: convreport.LineChart},
				Properties:  []string{"ID", "CreatedAt", "Inbox", "Subject", "Assignee"},
			},
			{
				ID:          "open-emails-by-inbox",
				Name:        "Open emails by inbox",
				Description: "Email conversations open now, per inbox, whatever the period: those received and not closed at the query's Now.",
				Filter:      email,
				Dimensions:  []string{"Inbox"},
				Snapshot:    true,
				Chart:       convreport.Chart{Type: convreport.DonutChart},
				Properties:  []string{"ID", "CreatedAt", "Inbox", "Subject", "Assignee", "FirstResponseAt"},
			},
		},
	}
}
