package convreport_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/memory"
)

// A nil engine, one over a nil source and a nil context are caller
// mistakes that every method returns as an error, not a panic.
func TestNilEngineSourceAndContextAreErrors(t *testing.T) {
	src, err := memory.New(fixture())
	require.NoError(t, err)
	q := fixtureQuery()
	r := convreport.Report{Name: "r", Dimensions: []string{"Assignee"}}
	d := convreport.Dashboard{Name: "d", Reports: []convreport.Report{r}}
	calls := func(e *convreport.Engine, ctx context.Context) map[string]error {
		errs := map[string]error{}
		_, errs["Run"] = e.Run(ctx, q, r)
		_, errs["RunDashboard"] = e.RunDashboard(ctx, q, d)
		_, errs["DrillDown"] = e.DrillDown(ctx, q, r, convreport.Point{})
		_, errs["DrillPage"] = e.DrillPage(ctx, q, r, convreport.Point{}, "", false, 0, 10)
		_, errs["DrillExcluded"] = e.DrillExcluded(ctx, q, r, convreport.Point{})
		_, errs["Watch"] = e.Watch(ctx)
		return errs
	}
	var none *convreport.Engine
	for name, e := range map[string]*convreport.Engine{"nil engine": none, "nil source": convreport.NewEngine(nil)} {
		for method, err := range calls(e, t.Context()) {
			require.EqualError(t, err, "convreport: the engine has no source (NewEngine was given nil)", "%s: %s", name, method)
		}
		require.EqualError(t, e.CheckReport(r), "convreport: the engine has no source (NewEngine was given nil)", name)
	}
	var nilCtx context.Context
	for method, err := range calls(convreport.NewEngine(src), nilCtx) {
		require.EqualError(t, err, "convreport: nil context.Context (pass context.Background() for none)", method)
	}
}
