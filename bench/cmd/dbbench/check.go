package main

import (
	"context"
	"fmt"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/bench"
)

// drillReport is the report whose biggest point is drilled into: a rep's
// chats, the drill-down a support lead opens most.
const drillReport = "conversations-by-rep"

// baseline is what the memory engine answers at one size: every database
// must answer the same before it is timed.
type baseline struct {
	q       convreport.Query
	reports []convreport.Report
	results []convreport.Result
	figures bench.Figures
	// The drill-down: the biggest point of drillReport and its first
	// page in creation order.
	report convreport.Report
	point  convreport.Point
	page   *convreport.DrillPage
}

// newBaseline runs the dashboards and the drill-down on the memory
// engine.
func newBaseline(ctx context.Context, eng *convreport.Engine, d *bench.Data) (*baseline, error) {
	rs, figs, err := bench.RunEngine(ctx, eng, d.Window, d.Reports)
	if err != nil {
		return nil, err
	}
	b := &baseline{q: d.Window.Query(), reports: d.Reports, results: rs, figures: figs}
	if b.report, b.point, err = bench.BiggestPoint(rs, drillReport); err != nil {
		return nil, err
	}
	if b.page, err = b.drill(ctx, eng); err != nil {
		return nil, err
	}
	if int64(b.page.Total) != b.point.Count {
		return nil, fmt.Errorf("the memory engine's drill-down of %q %s holds %d conversations, the point counts %d", b.report.Name, b.point.Dimensions[0].Label(), b.page.Total, b.point.Count)
	}
	return b, nil
}

// run is one dashboard run: both overview dashboards in one Engine.Run.
func (b *baseline) run(ctx context.Context, eng *convreport.Engine) ([]convreport.Result, error) {
	return eng.Run(ctx, b.q, b.reports...)
}

// drill is one drill-down: the first page of the point, as the drill-down
// dialog opens it.
func (b *baseline) drill(ctx context.Context, eng *convreport.Engine) (*convreport.DrillPage, error) {
	return eng.DrillPage(ctx, b.q, b.report, b.point, "", false, 0, bench.DrillPage)
}

// check runs the dashboards and the drill-down on eng and returns an
// error saying where they differ from the memory engine's: a point's
// value, count or excluded count (decimal for decimal), a report's
// matched or excluded total, the drill-down's total or any row of its
// page.
func (b *baseline) check(ctx context.Context, name string, eng *convreport.Engine) error {
	rs, err := b.run(ctx, eng)
	if err != nil {
		return fmt.Errorf("%s: dashboards: %w", name, err)
	}
	figs, err := bench.EngineFigures(rs)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if err := bench.Compare("the memory engine", b.figures, name, figs); err != nil {
		return err
	}
	for i, r := range rs {
		w := b.results[i]
		if r.Matched != w.Matched || r.Excluded != w.Excluded {
			return fmt.Errorf("%s: report %q: %d matched, %d excluded; the memory engine: %d matched, %d excluded", name, w.Report.Name, r.Matched, r.Excluded, w.Matched, w.Excluded)
		}
	}
	page, err := b.drill(ctx, eng)
	if err != nil {
		return fmt.Errorf("%s: drill-down: %w", name, err)
	}
	what := fmt.Sprintf("drill-down of %q %s", b.report.Name, b.point.Dimensions[0].Label())
	if page.Total != b.page.Total {
		return fmt.Errorf("%s: %s: %d conversations, the memory engine finds %d", name, what, page.Total, b.page.Total)
	}
	if len(page.Rows) != len(b.page.Rows) {
		return fmt.Errorf("%s: %s: first page of %d rows, the memory engine's has %d", name, what, len(page.Rows), len(b.page.Rows))
	}
	for i := range page.Rows {
		if got, want := page.Rows[i].ID, b.page.Rows[i].ID; got != want {
			return fmt.Errorf("%s: %s: row %d of the first page is %q, the memory engine's is %q", name, what, i+1, got, want)
		}
	}
	return nil
}
