package convreport

import "fmt"

// MaxDashboardFilters is the most filters a dashboard holds, saved or
// applied for one view: enough for any row of filters a person reads.
const MaxDashboardFilters = 20

// SetFilters returns d with its filters set to cs (nil removes them),
// after checking each against s (nil means [DefaultSchema]) as a report's
// conditions are checked: a bad condition is a *[ConditionError] whose
// Index is its position in cs (several are joined), and too many a
// *[DashboardError] on "filters", returned with d unchanged. The change is
// saved like any other: through [Store.Save], which keeps the version.
func (d Dashboard) SetFilters(s *Schema, cs []Condition) (Dashboard, error) {
	if err := checkFilters(s, cs); err != nil {
		return d, err
	}
	out := d.Clone()
	out.Filters = cloneConditions(cs)
	if len(out.Filters) == 0 {
		out.Filters = nil
	}
	return out, nil
}

// WithFilters returns d with cs applied after its own filters, for one
// view only: a filter chosen on the page (and kept in its URL) that is
// not saved. Run the result with [Engine.RunDashboard] and drill into its
// reports through [Dashboard.Runnable], and the counts reconcile. cs are
// checked as [Dashboard.SetFilters] checks them, together with d's; on an
// error d is returned unchanged.
func (d Dashboard) WithFilters(s *Schema, cs ...Condition) (Dashboard, error) {
	if len(cs) == 0 {
		return d, nil
	}
	all := append(cloneConditions(d.Filters), cloneConditions(cs)...)
	if err := checkFilters(s, all); err != nil {
		return d, err
	}
	out := d.Clone()
	out.Filters = all
	return out, nil
}

// checkFilters checks a dashboard's filters against s (nil means
// [DefaultSchema]); see [Dashboard.SetFilters].
func checkFilters(s *Schema, cs []Condition) error {
	if len(cs) > MaxDashboardFilters {
		return &DashboardError{Field: "filters", Reason: fmt.Sprintf("%d filters: a dashboard holds at most %d", len(cs), MaxDashboardFilters)}
	}
	_, err := ConditionsExpr(schemaOr(s), cs)
	return err
}

func cloneConditions(cs []Condition) []Condition {
	if cs == nil {
		return nil
	}
	out := make([]Condition, len(cs))
	for i, c := range cs {
		c.Values = append([]string(nil), c.Values...)
		out[i] = c
	}
	return out
}
