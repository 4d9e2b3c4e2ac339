package convreport

import (
	"errors"
	"fmt"
	"slices"
)

// ErrForbidden is what every access refusal wraps: match it with
// errors.Is, or get the details with errors.As and an *[AccessError].
var ErrForbidden = errors.New("convreport: forbidden")

// Visibility says who besides its owner may open and change a dashboard.
// The zero value is [Private]: a new dashboard is never public by accident.
type Visibility string

// The visibilities of the "manage access" dialog.
const (
	// Private: only the owner works on it. Admins may still view, delete
	// and share it (to clean up after someone who left), but not edit it
	// in place: changing a private dashboard takes a visible change of
	// access first.
	Private Visibility = "private"
	// AdminsAndOwner: the owner and every admin may view and edit it.
	AdminsAndOwner Visibility = "admins_and_owner"
	// EveryoneCanView: every user of the account may view it; the owner
	// and admins edit it.
	EveryoneCanView Visibility = "everyone_view"
	// EveryoneCanEdit: every user of the account may view and edit it.
	EveryoneCanEdit Visibility = "everyone_edit"
	// SpecificUsersAndTeams: the users and teams of the dashboard's Grants
	// may view it, or view and edit it.
	SpecificUsersAndTeams Visibility = "specific"
)

// visibilities is every visibility, in the order a dialog offers them; an
// array, so that no caller can change what validation accepts.
var visibilities = [...]Visibility{Private, AdminsAndOwner, EveryoneCanView, EveryoneCanEdit, SpecificUsersAndTeams}

// Visibilities returns every visibility, in the order a dialog offers them,
// as a new slice.
func Visibilities() []Visibility { return slices.Clone(visibilities[:]) }

func (v Visibility) valid() bool { return v == "" || slices.Contains(visibilities[:], v) }

// Action is something a viewer does to a dashboard.
type Action string

// The actions access is checked for.
const (
	ActionView   Action = "view"   // open it, run its reports, drill down
	ActionEdit   Action = "edit"   // rename it, add, change or remove reports
	ActionDelete Action = "delete" // remove it from the store
	ActionShare  Action = "share"  // change its visibility, grants or owner
)

// Grant gives one user or one team access to a dashboard whose visibility
// is [SpecificUsersAndTeams].
type Grant struct {
	// Exactly one of User and Team is set: a Viewer's UserID or one of its
	// Teams.
	User string `json:"user,omitempty"`
	Team string `json:"team,omitempty"`
	// Allow is ActionView or ActionEdit (which includes view); empty means
	// view.
	Allow Action `json:"allow,omitempty"`
}

func (g Grant) edit() bool { return g.Allow == ActionEdit }

// Can reports whether v may do a to d. The rules, in order:
//
//   - The owner may do everything.
//   - An admin may view, delete and share every dashboard, and edit every
//     one except a [Private] one (an admin who must change it shares it
//     first, which its owner can see). Admins are the account's super
//     admins; an embedder with finer roles maps them before asking.
//   - A viewer with no UserID who is not an admin may do nothing: "everyone"
//     means every signed-in user of the account, not anyone at all.
//   - Only the owner and admins delete and share.
//   - Otherwise the visibility decides: EveryoneCanView lets everyone view,
//     EveryoneCanEdit everyone view and edit, SpecificUsersAndTeams the
//     grantees view or edit (a user matched by several grants gets the
//     widest), Private and AdminsAndOwner nobody else anything.
//
// An unknown action is never allowed.
func (d Dashboard) Can(v Viewer, a Action) bool {
	switch a {
	case ActionView, ActionEdit, ActionDelete, ActionShare:
	default:
		return false
	}
	if v.UserID != "" && v.UserID == d.Owner {
		return true
	}
	if v.Admin {
		return a != ActionEdit || d.visibility() != Private
	}
	if v.UserID == "" || a == ActionDelete || a == ActionShare {
		return false
	}
	switch d.visibility() {
	case EveryoneCanView:
		return a == ActionView
	case EveryoneCanEdit:
		return true
	case SpecificUsersAndTeams:
		for _, g := range d.Grants {
			matches := (g.User != "" && g.User == v.UserID) || (g.Team != "" && slices.Contains(v.Teams, g.Team))
			if matches && (a == ActionView || g.edit()) {
				return true
			}
		}
	}
	return false
}

func (d Dashboard) visibility() Visibility {
	if d.Visibility == "" {
		return Private
	}
	return d.Visibility
}

// AccessError says who may not do what to which dashboard. It wraps
// [ErrForbidden].
type AccessError struct {
	User      string // the viewer's UserID; empty for an anonymous viewer
	Dashboard string // the dashboard's ID, or its name before it has one
	// Action is one of the four actions, or "create" when a non-admin
	// creates a dashboard for another owner.
	Action Action
}

func (e *AccessError) Error() string {
	who := fmt.Sprintf("user %q", e.User)
	if e.User == "" {
		who = "an anonymous viewer"
	}
	return fmt.Sprintf("convreport: %s may not %s dashboard %q", who, e.Action, e.Dashboard)
}

func (e *AccessError) Unwrap() error { return ErrForbidden }

func (d Dashboard) label() string {
	if d.ID != "" {
		return d.ID
	}
	return d.Name
}

func (d Dashboard) forbid(v Viewer, a Action) error {
	return &AccessError{User: v.UserID, Dashboard: d.label(), Action: a}
}

// CheckSave reports whether v may replace current with next, as a *[AccessError]
// (nil when allowed). Changing the owner, visibility or grants needs
// [ActionShare] on current; changing the name or reports needs [ActionEdit];
// a save that changes neither needs one of the two. Permissions are those of
// current, so nobody grants themselves a right by saving it. Every dashboard store
// calls it; one that keeps dashboards elsewhere should too.
func CheckSave(v Viewer, current, next Dashboard) error {
	access := current.Owner != next.Owner || current.visibility() != next.visibility() || !slices.Equal(current.Grants, next.Grants)
	content := current.Name != next.Name || !reportsEqual(current.Reports, next.Reports)
	switch {
	case access && !current.Can(v, ActionShare):
		return current.forbid(v, ActionShare)
	case content && !current.Can(v, ActionEdit):
		return current.forbid(v, ActionEdit)
	case !access && !content && !current.Can(v, ActionEdit) && !current.Can(v, ActionShare):
		return current.forbid(v, ActionEdit)
	}
	return nil
}
