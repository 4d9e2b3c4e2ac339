package access_test

import (
	"fmt"

	"github.com/convreport/convreport/access"
)

// A dashboard shared with one team: its members view it, one of them may
// also edit it, and nobody but the owner and admins may share it.
func ExampleAllowed() {
	grants := []access.Grant{{Team: "Support"}, {User: "bea", Allow: access.Edit}}
	ana := access.Viewer{UserID: "ana", Teams: []string{"Support"}}
	bea := access.Viewer{UserID: "bea", Teams: []string{"Support"}}
	for _, c := range []struct {
		who string
		v   access.Viewer
		a   access.Action
	}{
		{"ana", ana, access.View}, {"ana", ana, access.Edit},
		{"bea", bea, access.Edit}, {"bea", bea, access.Share},
		{"admin", access.Viewer{Admin: true}, access.Share},
	} {
		fmt.Println(c.who, c.a, access.Allowed(c.v, c.a, "carl", access.SpecificUsersAndTeams, grants))
	}
	// Output:
	// ana view true
	// ana edit false
	// bea edit true
	// bea share false
	// admin share true
}
