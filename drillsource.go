package convreport

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/convreport/convreport/internal/civil"
	"github.com/convreport/convreport/internal/exec"
	"github.com/convreport/convreport/internal/filter"
)

// DrillRequest is what the engine hands a [DrillSource]: the conditions
// that select one point's conversations, and the order and page wanted.
type DrillRequest struct {
	// Where selects the point's conversations: the report's filter and
	// conditions, the viewer's scope, its dates, the point's dimension
	// values and bucket, and "the metric applies" for a metric report.
	Where Cond
	// CreatedFrom and CreatedTo bound CreatedAt, half-open (zero: open),
	// for an index; Where holds the exact conditions.
	CreatedFrom, CreatedTo time.Time
	// Sort is the property the rows are ordered by, unknown values last
	// and ties by ID; nil orders them by creation (CreatedAt, then ID).
	Sort *Property
	// Desc reverses the order of the known values of Sort (not of the
	// ties, nor of the unknown values).
	Desc bool
	// Offset and Limit select the page: at most Limit rows from Offset.
	Offset, Limit int
}

// DrillSource is a [Source] that lists the conversations behind one point
// itself, sorted and paged, so the engine need not read the report's whole
// range. DrillPage returns how many conversations match Where and the
// page's rows; ErrUnsupported (possibly wrapped) lets the engine scan.
type DrillSource interface {
	Source
	DrillPage(ctx context.Context, req *DrillRequest) (total int, rows []Conversation, err error)
}

// DrillPage is one page of the conversations behind a point, as
// [Engine.DrillPage] returns it.
type DrillPage struct {
	// Columns are the report's display properties (or a default set).
	Columns []Property
	// Total is the number of conversations behind the point: the point's
	// Count.
	Total int
	// Rows are the page's conversations, in the order asked for.
	Rows []Conversation
	// columns gives a row's values, as the drill-down of the point does.
	columns drillValues
}

// Values returns c's value of each of the page's Columns (nil when
// unknown), as [Drill.Values] does: when the report counts business
// hours, its derived durations are business time, as the report's number
// counted them, and an SLA point's [OverTarget] is a time.Duration.
func (pg *DrillPage) Values(c *Conversation) []any {
	return pg.columns.values(pg.Columns, c)
}

// DrillPage returns at most limit of the conversations behind point p of
// report r run for q, from offset, ordered by property sort (creation
// order when ""; unknown values last, ties by ID; desc reverses the known
// values). A [DrillSource] computes the page itself; otherwise, or when it
// declines (an Other point always is), it is [Engine.DrillDown] sorted and
// paged. A limit over [Limits.MaxPageSize] is a *[LimitError]; a point
// that carries its numbers is checked as DrillDown checks it
// (*[PointMismatchError]). [DrillPage.Values] gives each row's columns.
func (e *Engine) DrillPage(ctx context.Context, q Query, r Report, p Point, sort string, desc bool, offset, limit int) (*DrillPage, error) {
	if err := e.ready(ctx); err != nil {
		return nil, err
	}
	if offset < 0 || limit < 0 {
		return nil, fmt.Errorf("convreport: drill-down page: offset %d and limit %d must not be negative", offset, limit)
	}
	if limit > e.limits.MaxPageSize {
		return nil, &LimitError{Limit: "drill-down page size", Max: e.limits.MaxPageSize, Got: limit}
	}
	if ds, ok := e.src.(DrillSource); ok && !p.Other {
		req, page, err := e.drillRequest(q, r, p, sort, desc, offset, limit)
		switch {
		case errors.Is(err, errBusinessSort):
			// The scan below sorts as the report counts.
		case err != nil:
			return nil, err
		case req == nil: // a value no conversation has
			return page, nil
		default:
			total, rows, err := ds.DrillPage(ctx, req)
			if err == nil {
				if err := p.check(r.Name, r.Measure.agg().isSLA(), total); err != nil {
					return nil, err
				}
				page.Total, page.Rows = total, rows
				return page, nil
			}
			if !errors.Is(err, ErrUnsupported) {
				return nil, fmt.Errorf("convreport: drill-down: %w", err)
			}
		}
	}
	d, err := e.DrillDown(ctx, q, r, p)
	if err != nil {
		return nil, err
	}
	if sort != "" {
		if err := d.SortBy(sort, desc); err != nil {
			return nil, err
		}
	}
	page, err := d.Page(offset, limit)
	if err != nil {
		return nil, err
	}
	out := &DrillPage{Columns: d.Columns, Total: d.Len(), columns: d.valuer()}
	for c := range page {
		out.Rows = append(out.Rows, c)
	}
	return out, nil
}

// errBusinessSort says a drill-down page sorts by a duration that its
// report counts in business hours, which a source cannot order by, or
// lists the breaches of an SLA measure, which a source does not select.
var errBusinessSort = errors.New("convreport: drill-down sorted by a business-hours duration")

// drillRequest states point p's selection as a [Cond], as
// [Engine.DrillDown] selects its rows (nil when a dimension value is one
// no conversation can have), with the page to fill, its columns set.
func (e *Engine) drillRequest(q Query, r Report, p Point, sort string, desc bool, offset, limit int) (*DrillRequest, *DrillPage, error) {
	rq, err := q.resolve()
	if err != nil {
		return nil, nil, err
	}
	s := e.src.Schema()
	plans, err := e.compileAll([]Report{r}, rq)
	if err != nil {
		return nil, nil, err
	}
	pl := plans[0]
	page := &DrillPage{Columns: drillColumns(s, &r), columns: drillValues{biz: pl.biz}}
	if pl.sla != nil {
		// Which conversations breached depends on Now and maybe on
		// business hours: the scan decides, as the report counts.
		return nil, nil, errBusinessSort
	}
	if len(p.Dimensions) != len(pl.Dims) {
		return nil, nil, fmt.Errorf("convreport: drill-down: point has %d dimensions, report %q has %d", len(p.Dimensions), r.Name, len(pl.Dims))
	}
	req := &DrillRequest{Desc: desc, Offset: offset, Limit: limit}
	if sort != "" {
		sp, err := s.resolve(sort)
		if err != nil {
			return nil, nil, fmt.Errorf("convreport: drill-down sort: %w", err)
		}
		req.Sort = &sp
		if sp.Derived && pl.biz != nil {
			// A source sorts by calendar time; this report counts
			// business hours, and its drill-down sorts by them.
			return nil, nil, errBusinessSort
		}
	}
	h := hintFor(plans)
	req.CreatedFrom, req.CreatedTo = h.CreatedFrom, h.CreatedTo
	created := mustProp(s, "CreatedAt")
	where := []*filter.Pred{pl.Pred}
	// As newPushdown: the engine prunes CreatedAt by the rows' order; a
	// source needs the condition spelled out.
	switch {
	case pl.Snapshot:
		where = append(where, &filter.Pred{Op: filter.Le, Field: created.field(), Vals: []any{rq.now}})
	case pl.DateCreated:
		where = append(where, &filter.Pred{Op: filter.Range, Field: created.field(), Vals: []any{rq.from, rq.to}})
	}
	for j, dp := range pl.dimProps {
		d := p.Dimensions[j]
		if d.Property != dp.Name {
			return nil, nil, fmt.Errorf("convreport: drill-down: point dimension %d is %q, report %q groups by %q", j, d.Property, r.Name, dp.Name)
		}
		if !d.Known {
			where = append(where, &filter.Pred{Op: filter.Unknown, Field: dp.field()})
			continue
		}
		var v any = d.Value
		if dp.Kind == KindBool {
			if d.Value != "true" && d.Value != "false" {
				return nil, page, nil
			}
			v = d.Value == "true"
		}
		where = append(where, &filter.Pred{Op: filter.Eq, Field: dp.field(), Vals: []any{v}})
	}
	if pl.bucket != NoBucket {
		i := slices.IndexFunc(pl.starts, p.Bucket.Equal)
		if i < 0 {
			return nil, nil, fmt.Errorf("convreport: drill-down: bucket %s is not a %s bucket of the query's range", civil.FormatRFC3339(p.Bucket), pl.bucket)
		}
		end := rq.to
		if i+1 < len(pl.starts) {
			end = pl.starts[i+1]
		}
		where = append(where, &filter.Pred{Op: filter.Range, Field: pl.dateProp.field(), Vals: []any{pl.starts[i], end}})
	}
	if pl.Metric != exec.NoMetric {
		where = append(where, &filter.Pred{Op: filter.Known, Field: mustProp(s, pl.measure.Metric.property()).field()})
	}
	req.Where = condOf(s, &filter.Pred{Op: filter.And, Kids: where})
	return req, page, nil
}
