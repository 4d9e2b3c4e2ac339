package convreport

import "errors"

// ErrNotFound says no dashboard (or report of a dashboard) has the ID
// asked for; a dashboard store returns it too, wrapped with the ID.
var ErrNotFound = errors.New("convreport: not found")
