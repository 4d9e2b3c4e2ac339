package convreport

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/convreport/convreport/access"
)

// This file holds the changes of the "manage dashboard" menu that are more
// than setting a field (a new name, visibility or grants is set on a copy
// and checked by Validate): reorder and save a copy as. Each returns a new
// Dashboard and leaves the receiver as it was; a Store's Save then checks
// who may make it (see [CheckSave]): renaming and reordering need
// [access.Edit], sharing [access.Share].

// OrderReports returns d with its reports in the order of ids, which must
// name each report of d exactly once. The error is a *[DashboardError] for
// "reports" that names the first ID missing, unknown or repeated, returned
// with d unchanged.
func (d Dashboard) OrderReports(ids ...string) (Dashboard, error) {
	bad := func(format string, args ...any) error {
		return &DashboardError{Dashboard: d.label(), Field: "reports", Reason: fmt.Sprintf(format, args...)}
	}
	out := d.Clone()
	out.Reports = out.Reports[:0:0]
	seen := map[string]bool{}
	for _, id := range ids {
		i := d.reportIndex(id)
		switch {
		case i < 0:
			return d, bad("the order names %q, which is not a report of the dashboard", id)
		case seen[id]:
			return d, bad("the order names %q twice", id)
		}
		seen[id] = true
		out.Reports = append(out.Reports, d.Reports[i].Clone())
	}
	for _, r := range d.Reports {
		if !seen[r.ID] {
			return d, bad("the order leaves out %q; name every report once", r.ID)
		}
	}
	return out, nil
}

// CopyAs is "save a copy as": a new, unsaved dashboard (no ID, version 0)
// with d's reports, IDs included, and o's name, owner, visibility and
// grants; o.Reports must be empty. The copy is checked like
// [NewDashboard] (its name, its access setting, its reports against
// o.Plan), except that its reports, already saved once, are not checked
// again: a dashboard saved before a rule of the report builder existed can
// still be copied. Anyone who may view d may copy it; a dashboard store's Create
// then counts the copy against the plan's dashboards.
func (d Dashboard) CopyAs(o DashboardOptions) (Dashboard, error) {
	if len(o.Reports) > 0 {
		return Dashboard{}, &DashboardError{Dashboard: o.Name, Field: "reports", Reason: "a copy has the reports of the dashboard it copies; leave DashboardOptions.Reports empty"}
	}
	if err := o.Plan.CheckReports(len(d.Reports)); err != nil {
		return Dashboard{}, err
	}
	out := d.Clone()
	out.ID, out.Name, out.Owner = o.ID, strings.TrimSpace(o.Name), o.Owner
	out.Visibility, out.Grants = o.Visibility, slices.Clone(o.Grants)
	if out.Visibility == "" {
		out.Visibility = access.Private
	}
	out.Version, out.CreatedAt, out.UpdatedAt = 0, time.Time{}, time.Time{} // the Store sets them
	if err := out.Validate(); err != nil {
		return Dashboard{}, err
	}
	return out, nil
}
