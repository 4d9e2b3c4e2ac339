package convreport

import (
	"slices"
	"strings"
)

// plans is every preset plan, cheapest first.
var plans = [...]PlanLimits{FreePlan, StarterPlan, ProfessionalPlan, EnterprisePlan}

// Plans returns the preset plans, cheapest first, as a new slice.
func Plans() []PlanLimits { return slices.Clone(plans[:]) }

// LookupPlan returns the preset plan with the given name ("free",
// "starter", "professional" or "enterprise"), ignoring case: what a
// command-line flag or a configuration file names.
func LookupPlan(name string) (PlanLimits, bool) {
	for _, p := range plans {
		if strings.EqualFold(p.Name, strings.TrimSpace(name)) {
			return p, true
		}
	}
	return PlanLimits{}, false
}
