package convreport

import "fmt"

// PlanLimits caps what one account may build, like the reporting limits of
// a helpdesk's subscription tiers. A cap of zero (or less) means no cap, so
// the zero PlanLimits allows everything: what a self-hosted embedder or a
// test wants.
//
// The presets follow the limits HubSpot published for its tiers when this
// was written; they are defaults to start from, not a contract with
// HubSpot. An embedder with other tiers declares its own:
//
//	convreport.PlanLimits{Name: "team", ReportsPerDashboard: 20, DashboardsPerAccount: 40}
type PlanLimits struct {
	// Name is shown in errors: plan "starter" allows 10 reports per dashboard.
	Name string `json:"name,omitempty"`
	// ReportsPerDashboard caps the reports of one dashboard.
	ReportsPerDashboard int `json:"reports_per_dashboard,omitempty"`
	// DashboardsPerAccount caps the dashboards of one account (one Store).
	DashboardsPerAccount int `json:"dashboards_per_account,omitempty"`
}

// The preset plans: 3, 10, 25 and 50 dashboards per account, with 10
// reports per dashboard on the free and starter tiers and 30 above.
var (
	FreePlan         = PlanLimits{Name: "free", ReportsPerDashboard: 10, DashboardsPerAccount: 3}
	StarterPlan      = PlanLimits{Name: "starter", ReportsPerDashboard: 10, DashboardsPerAccount: 10}
	ProfessionalPlan = PlanLimits{Name: "professional", ReportsPerDashboard: 30, DashboardsPerAccount: 25}
	EnterprisePlan   = PlanLimits{Name: "enterprise", ReportsPerDashboard: 30, DashboardsPerAccount: 50}
)

// The caps a [PlanLimitError] names.
const (
	LimitReportsPerDashboard  = "reports per dashboard"
	LimitDashboardsPerAccount = "dashboards per account"
)

// PlanLimitError says which cap of the plan an operation would exceed. The
// operation did not happen.
type PlanLimitError struct {
	Plan  string // the plan's Name
	Limit string // LimitReportsPerDashboard or LimitDashboardsPerAccount
	Max   int    // the cap
}

func (e *PlanLimitError) Error() string {
	if e.Plan == "" {
		return fmt.Sprintf("convreport: the plan allows %d %s", e.Max, e.Limit)
	}
	return fmt.Sprintf("convreport: plan %q allows %d %s", e.Plan, e.Max, e.Limit)
}

// CheckReports returns a *[PlanLimitError] when a dashboard of n reports
// exceeds the plan, and nil otherwise. A UI calls it to disable "add
// report" before the user fills in a form for nothing.
func (p PlanLimits) CheckReports(n int) error {
	if p.ReportsPerDashboard > 0 && n > p.ReportsPerDashboard {
		return &PlanLimitError{Plan: p.Name, Limit: LimitReportsPerDashboard, Max: p.ReportsPerDashboard}
	}
	return nil
}

// CheckDashboards returns a *[PlanLimitError] when an account of n
// dashboards exceeds the plan, and nil otherwise.
func (p PlanLimits) CheckDashboards(n int) error {
	if p.DashboardsPerAccount > 0 && n > p.DashboardsPerAccount {
		return &PlanLimitError{Plan: p.Name, Limit: LimitDashboardsPerAccount, Max: p.DashboardsPerAccount}
	}
	return nil
}
