// Package plan holds the subscription tiers of a product that embeds
// convreport: how many dashboards an account may keep and how many
// reports a dashboard may hold. Every path that adds a report or a
// dashboard (convreport.NewDashboard, Dashboard.AddReport, the store
// package, the web UI) checks the Plan it is given, and a refusal is an
// *[Error] naming the cap.
//
// In this project "plan" means a subscription tier and nothing else.
package plan

import (
	"fmt"
	"slices"
	"strings"
)

// Plan caps what one account may build, like the reporting limits of a
// helpdesk's subscription tiers. A cap of zero (or less) means no cap, so
// the zero Plan allows everything: what a self-hosted embedder or a test
// wants.
//
// The presets follow the limits HubSpot published for its tiers when this
// was written; they are defaults to start from, not a contract with
// HubSpot. An embedder with other tiers declares its own:
//
//	plan.Plan{Name: "team", ReportsPerDashboard: 20, DashboardsPerAccount: 40}
type Plan struct {
	// Name is shown in errors: plan "starter" allows 10 reports per dashboard.
	Name string `json:"name,omitempty"`
	// ReportsPerDashboard caps the reports of one dashboard.
	ReportsPerDashboard int `json:"reports_per_dashboard,omitempty"`
	// DashboardsPerAccount caps the dashboards of one account (one store).
	DashboardsPerAccount int `json:"dashboards_per_account,omitempty"`
}

// The preset plans: 3, 10, 25 and 50 dashboards per account, with 10
// reports per dashboard on the free and starter tiers and 30 above.
var (
	Free         = Plan{Name: "free", ReportsPerDashboard: 10, DashboardsPerAccount: 3}
	Starter      = Plan{Name: "starter", ReportsPerDashboard: 10, DashboardsPerAccount: 10}
	Professional = Plan{Name: "professional", ReportsPerDashboard: 30, DashboardsPerAccount: 25}
	Enterprise   = Plan{Name: "enterprise", ReportsPerDashboard: 30, DashboardsPerAccount: 50}
)

// presets is every preset plan, cheapest first. It is copied from the
// variables at init, so a caller that changes Free cannot change what
// Lookup answers.
var presets = [...]Plan{Free, Starter, Professional, Enterprise}

// Presets returns the preset plans, cheapest first, as a new slice.
func Presets() []Plan { return slices.Clone(presets[:]) }

// Lookup returns the preset plan with the given name ("free", "starter",
// "professional" or "enterprise"), ignoring case and surrounding spaces:
// what a command-line flag or a configuration file names.
func Lookup(name string) (Plan, bool) {
	for _, p := range presets {
		if strings.EqualFold(p.Name, strings.TrimSpace(name)) {
			return p, true
		}
	}
	return Plan{}, false
}

// The caps an [Error] names.
const (
	ReportsPerDashboard  = "reports per dashboard"
	DashboardsPerAccount = "dashboards per account"
)

// Error says which cap of the plan an operation would exceed. The
// operation did not happen. Its fields are named as in the engine's
// limit errors: Limit is what is capped, Max the cap.
type Error struct {
	Plan  string // the plan's Name
	Limit string // ReportsPerDashboard or DashboardsPerAccount
	Max   int    // the cap
}

func (e *Error) Error() string {
	if e.Plan == "" {
		return fmt.Sprintf("convreport: the plan allows %d %s", e.Max, e.Limit)
	}
	return fmt.Sprintf("convreport: plan %q allows %d %s", e.Plan, e.Max, e.Limit)
}

// CheckReports returns an *[Error] when a dashboard of n reports exceeds
// the plan, and nil otherwise. A UI calls it to disable "add report"
// before the user fills in a form for nothing.
func (p Plan) CheckReports(n int) error {
	if p.ReportsPerDashboard > 0 && n > p.ReportsPerDashboard {
		return &Error{Plan: p.Name, Limit: ReportsPerDashboard, Max: p.ReportsPerDashboard}
	}
	return nil
}

// CheckDashboards returns an *[Error] when an account of n dashboards
// exceeds the plan, and nil otherwise.
func (p Plan) CheckDashboards(n int) error {
	if p.DashboardsPerAccount > 0 && n > p.DashboardsPerAccount {
		return &Error{Plan: p.Name, Limit: DashboardsPerAccount, Max: p.DashboardsPerAccount}
	}
	return nil
}
