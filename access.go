package convreport

import (
	"slices"

	"github.com/convreport/convreport/access"
)

// Can reports whether v may do a to d, by the rules of [access.Allowed]
// applied to d's Owner, Visibility and Grants.
func (d Dashboard) Can(v access.Viewer, a access.Action) bool {
	return access.Allowed(v, a, d.Owner, d.Visibility, d.Grants)
}

func (d Dashboard) label() string {
	if d.ID != "" {
		return d.ID
	}
	return d.Name
}

func (d Dashboard) forbid(v access.Viewer, a access.Action) error {
	return &access.Error{User: v.UserID, Dashboard: d.label(), Action: a}
}

// CheckSave reports whether v may replace current with next, as an *[access.Error]
// (nil when allowed). Changing the owner, visibility or grants needs
// [access.Share] on current; changing the content needs [access.Edit];
// a save that changes neither needs one of the two. Permissions are those of
// current, so nobody grants themselves a right by saving it. Every dashboard store
// calls it; one that keeps dashboards elsewhere should too. The name, the
// reports, the filters and the calendar are all content: what every viewer
// of the dashboard sees.
func CheckSave(v access.Viewer, current, next Dashboard) error {
	shared := sharingChanged(current, next)
	content := current.Name != next.Name || !reportsEqual(current.Reports, next.Reports) ||
		current.Calendar != next.Calendar || !conditionsEqual(current.Filters, next.Filters)
	switch {
	case shared && !current.Can(v, access.Share):
		return current.forbid(v, access.Share)
	case content && !current.Can(v, access.Edit):
		return current.forbid(v, access.Edit)
	case !shared && !content && !current.Can(v, access.Edit) && !current.Can(v, access.Share):
		return current.forbid(v, access.Edit)
	}
	return nil
}

// conditionsEqual reports whether a and b are the same conditions; nil
// and empty are the same (JSON drops an empty list).
func conditionsEqual(a, b []Condition) bool {
	return slices.EqualFunc(a, b, func(x, y Condition) bool {
		return x.Property == y.Property && x.Op == y.Op && slices.Equal(x.Values, y.Values)
	})
}

// sharingChanged reports whether next has another owner, visibility or
// grants than current.
func sharingChanged(current, next Dashboard) bool {
	return current.Owner != next.Owner || current.Visibility.OrPrivate() != next.Visibility.OrPrivate() || !slices.Equal(current.Grants, next.Grants)
}

// ValidateSave is [Dashboard.Validate] for a save of next over current, as
// every dashboard store makes it: the same checks, except that a save
// which keeps the owner, visibility and grants as they are does not check
// the grants again. A dashboard shared before a rule of the grants existed
// can still be renamed and edited by those who may edit it but not share
// it; the next change of who may see it is checked whole.
func ValidateSave(current, next Dashboard) error {
	if !sharingChanged(current, next) {
		next.Grants = nil
	}
	return next.Validate()
}
