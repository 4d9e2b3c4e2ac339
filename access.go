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
// [access.Share] on current; changing the name or reports needs [access.Edit];
// a save that changes neither needs one of the two. Permissions are those of
// current, so nobody grants themselves a right by saving it. Every dashboard store
// calls it; one that keeps dashboards elsewhere should too.
func CheckSave(v access.Viewer, current, next Dashboard) error {
	shared := current.Owner != next.Owner || current.Visibility.OrPrivate() != next.Visibility.OrPrivate() || !slices.Equal(current.Grants, next.Grants)
	content := current.Name != next.Name || !reportsEqual(current.Reports, next.Reports)
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
