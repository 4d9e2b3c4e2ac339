// Package access decides who may see what: the [Viewer] a query runs for,
// the conversations its [Scope] lets it see, and who may view, edit, delete
// and share a dashboard, by the dashboard's owner, [Visibility] and
// [Grant] list ([Allowed]).
//
// A Viewer is what an embedder builds from its own sign-in: the user, their
// teams, whether they are an admin of the account, and the inboxes and teams
// whose conversations they may see. The engine applies the Scope to every
// run and drill-down; dashboards and dashboard stores apply the rules of
// Allowed to every open, save, delete and share.
package access

import (
	"errors"
	"fmt"
	"slices"
)

// ErrForbidden is what every access refusal wraps: match it with
// errors.Is, or get the details with errors.As and an *[Error].
var ErrForbidden = errors.New("convreport: forbidden")

// Viewer is the person a query runs for.
type Viewer struct {
	UserID string `json:"user_id,omitempty"`
	// Teams are the viewer's teams, for dashboard access (a dashboard
	// shared with a team). They do not limit which conversations the
	// viewer sees: Scope does, and an embedder that restricts a user to
	// their team's conversations sets Scope.Teams too.
	Teams []string `json:"teams,omitempty"`
	// Admin sees and edits every dashboard; Scope still applies.
	Admin bool `json:"admin,omitempty"`
	// Scope limits the conversations this viewer may see, in every run
	// and drill-down, whatever the report's filters say.
	Scope Scope `json:"scope,omitzero"`
}

// Scope restricts a viewer to some inboxes and teams. Each non-empty list
// must contain the conversation's value; the zero Scope allows everything.
// It is applied on top of every report's filter, so no filter can widen it.
type Scope struct {
	Inboxes []string `json:"inboxes,omitempty"`
	Teams   []string `json:"teams,omitempty"`
}

// IsZero reports whether s allows every conversation.
func (s Scope) IsZero() bool { return len(s.Inboxes) == 0 && len(s.Teams) == 0 }

// Visibility says who besides its owner may open and change a dashboard.
// The zero value means [Private]: a new dashboard is never public by
// accident.
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
	// SpecificUsersAndTeams: the users and teams of the dashboard's grants
	// may view it, or view and edit it.
	SpecificUsersAndTeams Visibility = "specific"
)

// visibilities is every visibility, in the order a dialog offers them; an
// array, so that no caller can change what validation accepts.
var visibilities = [...]Visibility{Private, AdminsAndOwner, EveryoneCanView, EveryoneCanEdit, SpecificUsersAndTeams}

// Visibilities returns every visibility, in the order a dialog offers them,
// as a new slice.
func Visibilities() []Visibility { return slices.Clone(visibilities[:]) }

// Valid reports whether v is empty (Private) or one of Visibilities.
func (v Visibility) Valid() bool { return v == "" || slices.Contains(visibilities[:], v) }

// OrPrivate returns v, or Private when v is empty.
func (v Visibility) OrPrivate() Visibility {
	if v == "" {
		return Private
	}
	return v
}

// Action is something a viewer does to a dashboard.
type Action string

// The actions access is checked for.
const (
	View   Action = "view"   // open it, run its reports, drill down
	Edit   Action = "edit"   // rename it, add, change or remove reports
	Delete Action = "delete" // remove it from the store
	Share  Action = "share"  // change its visibility, grants or owner
)

// Grant gives one user or one team access to a dashboard whose visibility
// is [SpecificUsersAndTeams].
type Grant struct {
	// Exactly one of User and Team is set: a Viewer's UserID or one of its
	// Teams, matched exactly, case included ("Ben" is not "ben").
	User string `json:"user,omitempty"`
	Team string `json:"team,omitempty"`
	// Allow is View or Edit (which includes view); empty means view.
	Allow Action `json:"allow,omitempty"`
}

// Allowed reports whether v may do a to a dashboard that owner owns, with
// visibility vis and grants. The rules, in order:
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
func Allowed(v Viewer, a Action, owner string, vis Visibility, grants []Grant) bool {
	switch a {
	case View, Edit, Delete, Share:
	default:
		return false
	}
	if v.UserID != "" && v.UserID == owner {
		return true
	}
	vis = vis.OrPrivate()
	if v.Admin {
		return a != Edit || vis != Private
	}
	if v.UserID == "" || a == Delete || a == Share {
		return false
	}
	switch vis {
	case EveryoneCanView:
		return a == View
	case EveryoneCanEdit:
		return true
	case SpecificUsersAndTeams:
		for _, g := range grants {
			matches := (g.User != "" && g.User == v.UserID) || (g.Team != "" && slices.Contains(v.Teams, g.Team))
			if matches && (a == View || g.Allow == Edit) {
				return true
			}
		}
	}
	return false
}

// Error says who may not do what to which dashboard. It wraps
// [ErrForbidden].
type Error struct {
	User      string // the viewer's UserID; empty for an anonymous viewer
	Dashboard string // the dashboard's ID, or its name before it has one
	// Action is one of the four actions, or "create" when a non-admin
	// creates a dashboard for another owner.
	Action Action
}

func (e *Error) Error() string {
	who := fmt.Sprintf("user %q", e.User)
	if e.User == "" {
		who = "an anonymous viewer"
	}
	return fmt.Sprintf("convreport: %s may not %s dashboard %q", who, e.Action, e.Dashboard)
}

// Unwrap returns ErrForbidden.
func (e *Error) Unwrap() error { return ErrForbidden }
