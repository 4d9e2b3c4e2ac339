package store

import (
	"context"
	"errors"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/access"
)

// ErrConflict says a save or delete names a version that is no longer the
// current one (someone else saved in between), or a Create names an ID
// already in use. Nothing was written; reload and redo the change. A
// store wraps it, like [convreport.ErrNotFound], with the dashboard it
// concerns; match them with errors.Is.
var ErrConflict = errors.New("convreport: conflict")

// Store keeps the dashboards of one account. [Memory] and [Dir] implement
// it; this is the contract any other (a database table) must meet too.
//
// Every method checks access for the viewer it is given, with
// [convreport.Dashboard.Can] and [convreport.CheckSave], and refuses with an *[access.Error]
// (wrapping [access.ErrForbidden]) before it writes anything.
//
//   - Create stores a new dashboard as version 1. A viewer with no UserID
//     who is not an admin may not create; the Owner defaults to the
//     viewer, and only an admin creates for another owner. An empty ID is
//     assigned: the name's slug, a hyphen and six random characters of
//     a-z0-9 ("chat-desk-k3v9x2"), so that it tells nothing of the
//     dashboards there are, not even of those the viewer may not see.
//     A given ID already in use is an [ErrConflict]. The account's
//     dashboard count is checked against the plan ([plan.Plan.CheckDashboards]) and the dashboard against
//     [convreport.Dashboard.Validate] and the plan's reports per dashboard.
//   - Get returns a dashboard the viewer may view; [convreport.ErrNotFound] when there
//     is none with that ID.
//   - List returns the dashboards the viewer may view, by name then ID.
//   - Save replaces the dashboard with d.ID when d.Version is the stored
//     version, and returns what it stored: Version one more, UpdatedAt
//     now, ID and CreatedAt unchanged. A stale version fails with
//     [ErrConflict] and writes nothing, as does a copy whose CreatedAt is
//     set and not the stored one's (a dashboard deleted and created again
//     under its ID). It validates with [convreport.ValidateSave]: grants
//     left as they are are not checked again. A save may not grow a dashboard
//     beyond the plan's reports per dashboard (one already beyond it, after
//     a downgrade, may still be saved as long as it does not grow).
//   - Delete removes the dashboard d is a copy of, as Create, Get, List or
//     Save returned it, when the viewer may delete it. It reads d.ID,
//     d.Version and d.CreatedAt only: a stale version fails with
//     [ErrConflict], as does a CreatedAt that is not the stored one's (the
//     dashboard was deleted and created again under its ID, at version 1
//     anew), and nothing is deleted. A d with no CreatedAt is refused with
//     a *[convreport.DashboardError] for "created_at": without it a delete
//     could remove a dashboard its caller never saw.
//
// Dashboards go in and come out as copies: changing a value after Save or
// Get never changes the stored one. A Store is safe for concurrent use, and
// each method checks ctx before it starts.
type Store interface {
	Create(ctx context.Context, v access.Viewer, d convreport.Dashboard) (convreport.Dashboard, error)
	Get(ctx context.Context, v access.Viewer, id string) (convreport.Dashboard, error)
	List(ctx context.Context, v access.Viewer) ([]convreport.Dashboard, error)
	Save(ctx context.Context, v access.Viewer, d convreport.Dashboard) (convreport.Dashboard, error)
	Delete(ctx context.Context, v access.Viewer, d convreport.Dashboard) error
}

// Counter is a [Store] that says how many dashboards its account
// holds, whoever can see them: what [plan.Plan.DashboardsPerAccount]
// counts, and what a UI shows against it ("2 of 3 dashboards"). The
// store package's stores implement it.
type Counter interface {
	Count(ctx context.Context) (int, error)
}

// Stamper is a [Store] that tells cheaply whether a dashboard changed,
// without reading it: what a page that follows a dashboard as others edit
// it (the web UI's live dashboards) asks every second, to read the
// dashboard itself, with Get, only once it changed. [Dir] implements it;
// a store whose Get is cheap need not.
//
// Stamp returns a value that differs whenever the dashboard id is saved,
// deleted, or created again, and "" when there is none: the same stamp
// means the same dashboard, as Get would return it. It checks no access
// and says nothing of the dashboard but whether it changed: the caller
// reads it, as its viewer, with Get.
type Stamper interface {
	Stamp(ctx context.Context, id string) (string, error)
}
