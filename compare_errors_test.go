package convreport_test

import (
	"testing"

	"github.com/convreport/convreport"
)

// The errors of comparisons and dashboard filters, for docs/errors.md.
func init() {
	errorProducers["query-compare-unknown"] = func(t *testing.T) error {
		_, err := convreport.ParseCompare("lastweek")
		return err
	}
	errorProducers["query-previous-none"] = func(t *testing.T) error {
		_, err := convreport.Query{}.Previous()
		return err
	}
	errorProducers["dashboard-filters-condition"] = func(t *testing.T) error {
		_, err := convreport.Dashboard{Name: "d", Owner: "ana"}.SetFilters(nil, []convreport.Condition{
			{Property: "Inbox", Op: convreport.IsKnown}, {Property: "Nope", Op: convreport.IsKnown}})
		return err
	}
	errorProducers["dashboard-filters-too-many"] = func(t *testing.T) error {
		cs := make([]convreport.Condition, convreport.MaxDashboardFilters+1)
		for i := range cs {
			cs[i] = convreport.Condition{Property: "Inbox", Op: convreport.IsKnown}
		}
		_, err := convreport.Dashboard{Name: "d", Owner: "ana"}.SetFilters(nil, cs)
		return err
	}
}
