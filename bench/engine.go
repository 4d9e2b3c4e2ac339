package bench

import (
	"context"
	"fmt"
	"slices"

	"github.com/convreport/convreport"
)

// RunEngine runs the reports through eng for the window, both dashboards
// in one Run, and states the results as Figures.
func RunEngine(ctx context.Context, eng *convreport.Engine, w *Window, reports []convreport.Report) ([]convreport.Result, Figures, error) {
	rs, err := eng.Run(ctx, w.Query(), reports...)
	if err != nil {
		return nil, nil, err
	}
	fs, err := EngineFigures(rs)
	return rs, fs, err
}

// BiggestPoint returns the report with the given ID among rs and its point
// with the most conversations (the first such in the engine's order).
func BiggestPoint(rs []convreport.Result, id string) (convreport.Report, convreport.Point, error) {
	i := slices.IndexFunc(rs, func(r convreport.Result) bool { return r.Report.ID == id })
	if i < 0 {
		return convreport.Report{}, convreport.Point{}, fmt.Errorf("bench: no report %q in the results", id)
	}
	r := rs[i]
	if len(r.Points) == 0 {
		return r.Report, convreport.Point{}, fmt.Errorf("bench: report %q has no point", id)
	}
	best := r.Points[0]
	for _, p := range r.Points[1:] {
		if p.Count > best.Count {
			best = p
		}
	}
	return r.Report, best, nil
}

// DrillPage is how many rows of a drill-down DrillOnce reads: a first page.
const DrillPage = 50

// DrillOnce drills into p and reads its first page, as a person opening
// the point does; it returns the drill-down's length.
func DrillOnce(ctx context.Context, eng *convreport.Engine, w *Window, r convreport.Report, p convreport.Point) (int, error) {
	d, err := eng.DrillDown(ctx, w.Query(), r, p)
	if err != nil {
		return 0, err
	}
	rows, err := d.Page(0, DrillPage)
	if err != nil {
		return 0, err
	}
	for c := range rows {
		_ = c
	}
	return d.Len(), nil
}

// CheckDrill checks the drill-down of p, a point of "Conversations by rep"
// or another count of chats by assignee created in the window: as many
// rows as the point counts, each a chat of that assignee created in the
// window.
func CheckDrill(ctx context.Context, eng *convreport.Engine, w *Window, r convreport.Report, p convreport.Point) error {
	d, err := eng.DrillDown(ctx, w.Query(), r, p)
	if err != nil {
		return err
	}
	if int64(d.Len()) != p.Count {
		return fmt.Errorf("bench: drill-down of %q %s: %d rows, the point counts %d", r.Name, p.Dimensions[0].Label(), d.Len(), p.Count)
	}
	want := ""
	if p.Dimensions[0].Known {
		want = p.Dimensions[0].Value
	}
	n := 0
	for c := range d.All() {
		n++
		if c.Channel != convreport.Chat || c.Assignee != want || c.CreatedAt.Before(w.From) || !c.CreatedAt.Before(w.To) {
			return fmt.Errorf("bench: drill-down of %q %s holds %s (%s, %q, created %s), outside the point", r.Name, p.Dimensions[0].Label(), c.ID, c.Channel, c.Assignee, c.CreatedAt)
		}
	}
	if n != d.Len() {
		return fmt.Errorf("bench: drill-down of %q: All yields %d rows, Len says %d", r.Name, n, d.Len())
	}
	return nil
}
