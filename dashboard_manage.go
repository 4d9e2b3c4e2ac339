package convreport

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/convreport/convreport/access"
)

// This file holds the changes of the "manage dashboard" menu: rename,
// share, reorder, save a copy as. Each returns a new Dashboard and leaves
// the receiver as it was; a Store's Save then checks who may make it
// (see [CheckSave]): renaming and reordering need [access.Edit], sharing
// [access.Share].

// Rename returns d with a new name, checked as [Dashboard.Validate]
// checks names. The error is a *[DashboardError] for the field "name".
func (d Dashboard) Rename(name string) (Dashboard, error) {
	if reason := nameProblem(name); reason != "" {
		return Dashboard{}, &DashboardError{Dashboard: d.label(), Field: "name", Reason: reason}
	}
	out := d.Clone()
	out.Name = strings.TrimSpace(name)
	return out, nil
}

// Share returns d with a new visibility and grants, which apply to
// [access.SpecificUsersAndTeams] only; an empty visibility is [access.Private]. The
// error is a *[DashboardError] for "visibility" or "grants".
func (d Dashboard) Share(vis access.Visibility, grants []access.Grant) (Dashboard, error) {
	if vis == "" {
		vis = access.Private
	}
	out := d.Clone()
	out.Visibility, out.Grants = vis, slices.Clone(grants)
	if len(out.Grants) == 0 {
		out.Grants = nil
	}
	if err := out.Validate(); err != nil {
		return Dashboard{}, err
	}
	return out, nil
}

// OrderReports returns d with its reports in the order of ids, which must
// name each report of d exactly once. The error is a *[DashboardError] for
// "reports" that names the first ID missing, unknown or repeated.
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
			return Dashboard{}, bad("the order names %q, which is not a report of the dashboard", id)
		case seen[id]:
			return Dashboard{}, bad("the order names %q twice", id)
		}
		seen[id] = true
		out.Reports = append(out.Reports, d.Reports[i].Clone())
	}
	for _, r := range d.Reports {
		if !seen[r.ID] {
			return Dashboard{}, bad("the order leaves out %q; name every report once", r.ID)
		}
	}
	return out, nil
}

// MoveReport returns d with the report id at position to (from 0), the
// others keeping their order: what a drag or a "move up" does. A position
// past either end is an error, as is an unknown id (wrapping
// [ErrNotFound]).
func (d Dashboard) MoveReport(id string, to int) (Dashboard, error) {
	i := d.reportIndex(id)
	if i < 0 {
		return Dashboard{}, d.noReport(id)
	}
	if to < 0 || to >= len(d.Reports) {
		return Dashboard{}, &DashboardError{Dashboard: d.label(), Field: "reports",
			Reason: fmt.Sprintf("no position %d: want a position from 0 to %d", to, len(d.Reports)-1)}
	}
	out := d.Clone()
	r := out.Reports[i]
	out.Reports = slices.Insert(slices.Delete(out.Reports, i, i+1), to, r)
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
