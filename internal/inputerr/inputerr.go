// Package inputerr formats the errors of readers of conversation files
// (JSON Lines, CSV, Parquet) in one way, so that a line of a JSON Lines
// file and a row of a Parquet file read alike:
//
//	[file: ]line N: [conversation "id": ][field: ]problem
package inputerr

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/convreport/convreport"
)

// Format writes the message of an error about one record: unit is "line"
// or "row", n its number from 1, field the key or column at fault (may be
// empty). A *convreport.ValidationError in err gives the conversation's ID
// and field instead of its own message, whose "convreport:" prefix and
// batch index add nothing to a position in a file.
func Format(file, unit string, n int, field string, err error) string {
	var b strings.Builder
	if file != "" {
		b.WriteString(file)
		b.WriteString(": ")
	}
	b.WriteString(unit)
	b.WriteByte(' ')
	b.WriteString(strconv.Itoa(n))
	b.WriteString(": ")
	var ve *convreport.ValidationError
	if errors.As(err, &ve) {
		if ve.ID != "" {
			fmt.Fprintf(&b, "conversation %q: ", ve.ID)
		}
		b.WriteString(ve.Field)
		b.WriteString(": ")
		b.WriteString(ve.Reason)
		return b.String()
	}
	if field != "" {
		b.WriteString(field)
		b.WriteString(": ")
	}
	if err != nil {
		b.WriteString(err.Error())
	}
	return b.String()
}
