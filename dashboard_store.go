package convreport

import (
	"context"
	"errors"
)

// Errors a [Store] returns, wrapped with the dashboard they concern; match
// them with errors.Is.
var (
	// ErrNotFound: no dashboard (or report) has that ID.
	ErrNotFound = errors.New("convreport: not found")
	// ErrConflict: the save or delete names a version that is no longer
	// the current one (someone else saved in between), or Create names an
	// ID already in use. Nothing was written; reload and redo the change.
	ErrConflict = errors.New("convreport: conflict")
)

// Store keeps the dashboards of one account. The store package has a
// memory and a file implementation; this is the contract any other (a
// database table) must meet too.
//
// Every method checks access for the viewer it is given, with
// [Dashboard.Can] and [CheckSave], and refuses with an *[AccessError]
// (wrapping [ErrForbidden]) before it writes anything.
//
//   - Create stores a new dashboard as version 1. A viewer with no UserID
//     who is not an admin may not create; the Owner defaults to the
//     viewer, and only an admin creates for another owner. An empty ID is
//     assigned from the name, made unique; a given ID already in use is
//     an [ErrConflict]. The account's dashboard count is checked against
//     the plan ([plan.Plan.CheckDashboards]) and the dashboard against
//     [Dashboard.Validate] and the plan's reports per dashboard.
//   - Get returns a dashboard the viewer may view; [ErrNotFound] when there
//     is none with that ID.
//   - List returns the dashboards the viewer may view, by name then ID.
//   - Save replaces the dashboard with d.ID when d.Version is the stored
//     version, and returns what it stored: Version one more, UpdatedAt
//     now, ID and CreatedAt unchanged. A stale version fails with
//     [ErrConflict] and writes nothing. A save may not grow a dashboard
//     beyond the plan's reports per dashboard (one already beyond it, after
//     a downgrade, may still be saved as long as it does not grow).
//   - Delete removes the dashboard when version is the stored version
//     ([ErrConflict] otherwise) and the viewer may delete it.
//
// Dashboards go in and come out as copies: changing a value after Save or
// Get never changes the stored one. A Store is safe for concurrent use, and
// each method checks ctx before it starts.
type Store interface {
	Create(ctx context.Context, v Viewer, d Dashboard) (Dashboard, error)
	Get(ctx context.Context, v Viewer, id string) (Dashboard, error)
	List(ctx context.Context, v Viewer) ([]Dashboard, error)
	Save(ctx context.Context, v Viewer, d Dashboard) (Dashboard, error)
	Delete(ctx context.Context, v Viewer, id string, version int64) error
}
