package sample

import (
	"math"
	"math/rand/v2"

	"github.com/convreport/convreport"
)

// The fixed world the conversations happen in: teams, reps, pages,
// chatflows, inboxes and subjects. Every string a row uses, except its ID
// and ContactID, comes from here.

const (
	sales = iota
	support
	billing
)

var teams = [...]string{sales: "Sales", support: "Support", billing: "Billing"}

// rep is one agent. Speed and closing multiply the channel's typical reply
// time and time to close; weight is the share of the team's work.
type rep struct {
	name             string
	team             int
	weight           float64
	speed, closing   float64
	joins            float64 // when the rep starts, as a fraction of the range
	awayFrom, awayTo float64 // a holiday, as fractions of the range
}

func (r *rep) working(progress float64) bool {
	return progress >= r.joins && (progress < r.awayFrom || progress >= r.awayTo)
}

var reps = [...]rep{
	{name: "Alice Martin", team: sales, weight: 1.4, speed: 0.7, closing: 0.9},
	{name: "Hugo Bernard", team: sales, weight: 1.0, speed: 1.0, closing: 1.1},
	{name: "Emma Laurent", team: sales, weight: 1.2, speed: 0.8, closing: 0.8},
	{name: "Noah Fischer", team: sales, weight: 0.7, speed: 1.6, closing: 1.3},
	{name: "Sofia Rossi", team: sales, weight: 1.0, speed: 1.1, closing: 1.0, awayFrom: 0.55, awayTo: 0.65},
	{name: "Liam Walsh", team: sales, weight: 0.5, speed: 2.2, closing: 1.5, joins: 0.4},
	{name: "Chloe Moreau", team: support, weight: 1.6, speed: 0.6, closing: 0.8},
	{name: "Lucas Petit", team: support, weight: 1.3, speed: 0.9, closing: 1.0},
	{name: "Ines Garcia", team: support, weight: 1.2, speed: 0.8, closing: 0.9},
	{name: "Jonas Weber", team: support, weight: 1.0, speed: 1.2, closing: 1.2},
	{name: "Mia Jensen", team: support, weight: 1.1, speed: 1.0, closing: 0.7},
	{name: "Leo Dupont", team: support, weight: 0.9, speed: 1.4, closing: 1.1},
	{name: "Sara Lindqvist", team: support, weight: 0.8, speed: 0.7, closing: 1.0, awayFrom: 0.2, awayTo: 0.3},
	{name: "Omar Haddad", team: support, weight: 1.0, speed: 1.9, closing: 1.4},
	{name: "Julia Novak", team: support, weight: 0.6, speed: 1.1, closing: 1.0},
	{name: "Tom Becker", team: support, weight: 0.4, speed: 2.5, closing: 1.8, joins: 0.6},
	{name: "Camille Roux", team: billing, weight: 1.3, speed: 0.9, closing: 0.9},
	{name: "Nina Kowalski", team: billing, weight: 1.0, speed: 1.1, closing: 1.2},
	{name: "Paul Lefebvre", team: billing, weight: 0.8, speed: 1.5, closing: 1.0},
	{name: "Eva Schmidt", team: billing, weight: 0.6, speed: 0.8, closing: 0.7},
}

// teamReps lists the indexes in reps of each team's members.
var teamReps = func() (m [len(teams)][]int) {
	for i, r := range reps {
		m[r.team] = append(m[r.team], i)
	}
	return m
}()

// A chatflow is the bot or greeting that starts a chat; it routes to a team.
type chatflow struct {
	name  string
	teamW weights // over teams
}

const (
	welcome = iota
	pricing
	docs
	billingHelp
	inApp
)

var chatflows = [...]chatflow{
	welcome:     {"Website welcome", cumulative(55, 45, 0)},
	pricing:     {"Pricing questions", cumulative(1, 0, 0)},
	docs:        {"Docs assistant", cumulative(0, 1, 0)},
	billingHelp: {"Billing help", cumulative(0, 0, 1)},
	inApp:       {"In-app messenger", cumulative(0, 85, 15)},
}

type page struct {
	url  string
	flow int
}

// pages are where chats start, most visited first; popularity falls off as
// 1/rank.
var pages = [...]page{
	{"https://www.example.com/pricing", pricing},
	{"https://www.example.com/", welcome},
	{"https://www.example.com/docs/getting-started", docs},
	{"https://www.example.com/features", welcome},
	{"https://www.example.com/demo", pricing},
	{"https://www.example.com/account/billing", billingHelp},
	{"https://www.example.com/docs/api/authentication", docs},
	{"https://www.example.com/help/reset-password", docs},
	{"https://www.example.com/integrations", welcome},
	{"https://www.example.com/blog/helpdesk-metrics-that-matter", welcome},
	{"https://www.example.com/signup", pricing},
	{"https://www.example.com/pricing/enterprise", pricing},
	{"https://www.example.com/features/reporting", welcome},
	{"https://www.example.com/docs/api/conversations", docs},
	{"https://www.example.com/login", docs},
	{"https://www.example.com/features/automation", welcome},
	{"https://www.example.com/docs/webhooks", docs},
	{"https://www.example.com/integrations/slack", welcome},
	{"https://www.example.com/customers", welcome},
	{"https://www.example.com/account/invoices", billingHelp},
	{"https://www.example.com/blog/live-chat-best-practices", welcome},
	{"https://www.example.com/docs/sdk/go", docs},
	{"https://www.example.com/compare/zendesk", pricing},
	{"https://www.example.com/integrations/salesforce", welcome},
	{"https://www.example.com/features/chatbots", welcome},
	{"https://www.example.com/status", docs},
	{"https://www.example.com/security", docs},
	{"https://www.example.com/blog/reduce-first-response-time", welcome},
	{"https://www.example.com/account/plan", billingHelp},
	{"https://www.example.com/docs/data-import", docs},
	{"https://www.example.com/about", welcome},
	{"https://www.example.com/changelog", welcome},
	{"https://www.example.com/compare/intercom", pricing},
	{"https://www.example.com/blog/email-vs-chat-support", welcome},
	{"https://www.example.com/careers", welcome},
	{"https://www.example.com/integrations/shopify", welcome},
	{"https://www.example.com/docs/sso", docs},
	{"https://www.example.com/partners", pricing},
	{"https://www.example.com/blog/customer-satisfaction-surveys", welcome},
	{"https://www.example.com/legal/privacy", welcome},
}

var pageWeights = func() weights {
	w := make([]float64, len(pages))
	for i := range w {
		w[i] = 1 / math.Pow(float64(i+1), 1.0)
	}
	return cumulative(w...)
}()

// subjects are the subject lines of one kind of request, with their reply
// and forward forms built once.
type subjects struct {
	plain, re, fwd []string
}

func newSubjects(plain ...string) *subjects {
	s := &subjects{plain: plain}
	for _, p := range plain {
		s.re = append(s.re, "Re: "+p)
		s.fwd = append(s.fwd, "Fwd: "+p)
	}
	return s
}

// pick returns a subject; an email is sometimes a reply or a forward.
func (s *subjects) pick(r *rand.Rand, email bool) string {
	i := r.IntN(len(s.plain))
	if email {
		switch x := r.Float64(); {
		case x < 0.25:
			return s.re[i]
		case x < 0.28:
			return s.fwd[i]
		}
	}
	return s.plain[i]
}

var (
	supportSubjects = newSubjects(
		"Can't log in to my account",
		"Password reset link not working",
		"Error when exporting reports",
		"How do I add a teammate?",
		"Slack integration stopped syncing",
		"Webhook deliveries failing",
		"Question about data import",
		"Dashboard not loading",
		"Feature request: dark mode",
		"API rate limit exceeded",
		"Emails not arriving in the shared inbox",
		"How to set up business hours",
	)
	salesSubjects = newSubjects(
		"Pricing for 50 seats",
		"Request a demo",
		"Question about the Enterprise plan",
		"Discount for nonprofits?",
		"Comparing plans",
		"Trial extension request",
		"Security questionnaire",
		"Volume pricing",
		"Upgrade from Starter to Pro",
	)
	billingSubjects = newSubjects(
		"Question about my invoice",
		"Refund request",
		"Update billing address",
		"Card declined",
		"VAT number on invoice",
		"Cancel my subscription",
		"Charged twice this month",
		"Change payment method",
	)
	partnerSubjects = newSubjects(
		"Partnership opportunity",
		"Reseller program",
		"Co-marketing proposal",
		"Integration partnership",
		"Agency partner application",
	)
)

// route is an inbox a channel delivers to and the team working it.
type route struct {
	inbox    string
	team     int
	subjects *subjects // nil: the channel has no subject line
	w        float64
}

// profile is how one channel behaves: where it lands and how fast it is
// handled. Durations are in seconds; medians of log-normal laws.
type profile struct {
	channel convreport.Channel
	routes  []route
	routeW  weights
	sources []string
	sourceW weights

	unassigned                               float64 // share never assigned, in office hours
	unansweredInOffice, unansweredAfterHours float64 // of assigned ones
	async                                    bool    // replies wait for office hours

	assignMedian            float64
	replyMedian, replySigma float64
	closeMedian, closeSigma float64 // after the first reply
	tailMedian              float64 // extra wait for the 10% left pending
	incomingMean            float64 // customer messages beyond the first
}

func newProfile(p profile, sources []string, sourceW ...float64) profile {
	w := make([]float64, len(p.routes))
	for i, r := range p.routes {
		w[i] = r.w
	}
	p.routeW = cumulative(w...)
	p.sources, p.sourceW = sources, cumulative(sourceW...)
	return p
}

// profiles are indexed like convreport.Channels().
var profiles = [...]profile{
	newProfile(profile{
		channel: convreport.Chat, unassigned: 0.03,
		unansweredInOffice: 0.03, unansweredAfterHours: 0.45,
		assignMedian: 10, replyMedian: 40, replySigma: 0.9,
		closeMedian: 15 * minute, closeSigma: 1.2, tailMedian: 2 * day, incomingMean: 3,
	}, []string{"website", "mobile_app"}, 96, 4),
	newProfile(profile{
		channel: convreport.Email, unassigned: 0.04, async: true,
		routes: []route{
			{"Support", support, supportSubjects, 48},
			{"Sales", sales, salesSubjects, 27},
			{"Billing", billing, billingSubjects, 18},
			{"Partners", sales, partnerSubjects, 7},
		},
		unansweredInOffice: 0.04, unansweredAfterHours: 0.07,
		assignMedian: 4 * minute, replyMedian: 45 * minute, replySigma: 1.2,
		closeMedian: 18 * hour, closeSigma: 1.2, tailMedian: 7 * day, incomingMean: 0.8,
	}, []string{"email", "api"}, 95, 5),
	newProfile(profile{
		channel: convreport.Form, unassigned: 0.08, async: true,
		routes: []route{
			{"Forms", sales, salesSubjects, 55},
			{"Forms", support, supportSubjects, 45},
		},
		unansweredInOffice: 0.08, unansweredAfterHours: 0.12,
		assignMedian: 5 * minute, replyMedian: 90 * minute, replySigma: 1.1,
		closeMedian: 1 * day, closeSigma: 1.2, tailMedian: 7 * day, incomingMean: 0.5,
	}, []string{"website"}, 1),
	newProfile(profile{
		channel: convreport.Messenger, unassigned: 0.08,
		routes: []route{
			{"Social", support, nil, 70},
			{"Social", sales, nil, 30},
		},
		unansweredInOffice: 0.06, unansweredAfterHours: 0.2,
		assignMedian: 1 * minute, replyMedian: 6 * minute, replySigma: 1.2,
		closeMedian: 2 * hour, closeSigma: 1.3, tailMedian: 3 * day, incomingMean: 2,
	}, []string{"facebook"}, 1),
	newProfile(profile{
		channel: convreport.WhatsApp, unassigned: 0.08,
		routes: []route{
			{"Social", support, nil, 75},
			{"Social", billing, nil, 25},
		},
		unansweredInOffice: 0.06, unansweredAfterHours: 0.2,
		assignMedian: 1 * minute, replyMedian: 6 * minute, replySigma: 1.2,
		closeMedian: 2 * hour, closeSigma: 1.3, tailMedian: 3 * day, incomingMean: 2.5,
	}, []string{"whatsapp"}, 1),
	newProfile(profile{
		channel: convreport.Phone, unassigned: 0.02,
		routes: []route{
			{"Phone", support, nil, 60},
			{"Phone", sales, nil, 25},
			{"Phone", billing, nil, 15},
		},
		unansweredInOffice: 0.05, unansweredAfterHours: 0.6,
		assignMedian: 5, replyMedian: 20, replySigma: 0.6,
		closeMedian: 10 * minute, closeSigma: 0.8, tailMedian: 1 * day, incomingMean: 0.3,
	}, []string{"phone"}, 1),
	newProfile(profile{
		channel: convreport.Other, unassigned: 0.1, async: true,
		routes: []route{
			{"Support", support, supportSubjects, 1},
		},
		unansweredInOffice: 0.1, unansweredAfterHours: 0.15,
		assignMedian: 10 * minute, replyMedian: 2 * hour, replySigma: 1.2,
		closeMedian: 12 * hour, closeSigma: 1.3, tailMedian: 7 * day, incomingMean: 1,
	}, []string{"api", "import"}, 60, 40),
}

// Channel mix, in convreport.Channels() order: chat leads in office hours,
// email catches up at night and on weekends.
var (
	channelsInOffice   = cumulative(60, 30, 4, 2.5, 2, 1, 0.5)
	channelsAfterHours = cumulative(45, 43, 5, 3, 3, 0.5, 0.5)
)
