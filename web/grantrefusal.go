package web

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/access"
)

// grantsRefused is err, the refusal to save d, with every grant of d
// that is refused listed in its problems when there are several: the
// share dialog marks each row, and a person fixes them all in one go
// instead of meeting them one save at a time. Each problem has the code,
// field, index and message the grant would have alone; the first is the
// one Code, Field and Index name, and the message says them all. Any
// other refusal, or one grant refused, is err as it was.
func grantsRefused(d convreport.Dashboard, err error) error {
	var de *convreport.DashboardError
	if !errors.As(err, &de) || de.Grant == 0 {
		return err
	}
	// Each grant is checked after those before it, as Validate checks
	// them, one refused before it standing in for itself under a name no
	// grant has: the numbers of the messages stay those of the rows.
	check := d.Clone()
	var problems []*Error
	var reasons []string
	for i := range d.Grants {
		check.Grants = slices.Clone(d.Grants[:i+1])
		for _, p := range problems {
			check.Grants[*p.Index] = access.Grant{Team: "\uFFFDrefused " + strconv.Itoa(*p.Index)}
		}
		var ge *convreport.DashboardError
		if !errors.As(check.Validate(), &ge) || ge.Grant != i+1 {
			continue
		}
		// Without the dashboard's name, as a report's problems are.
		e := toError(ge)
		problems = append(problems, &Error{Code: e.Code, Field: e.Field, Index: e.Index, Message: ge.Field + ": " + ge.Reason})
		reasons = append(reasons, ge.Reason)
	}
	if len(problems) < 2 || *problems[0].Index != de.Grant-1 {
		return err
	}
	first := toError(de)
	msg := strings.Replace(first.Message, de.Reason, strings.Join(reasons, "; "), 1)
	return &Error{Status: http.StatusUnprocessableEntity, Code: first.Code, Field: first.Field, Index: first.Index,
		Message: msg, Problems: problems, err: err}
}
