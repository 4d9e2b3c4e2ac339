package convreport_test

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/ingest"
)

// A typo gets the same suggestion wherever it is made: the report editor
// and the web API (a report's properties), and the CLI's data files (an
// unknown key). Two edit distances with two thresholds used to disagree:
// "te" suggested Team in a report and nothing in a file.
func TestOneSuggestionPerTypo(t *testing.T) {
	s := convreport.DefaultSchema()
	hint := regexp.MustCompile(`did you mean "([^"]*)"`)
	for _, typo := range []string{"asignee", "Asigne", "chanel", "te", "inbx", "closedat", "origin_ur", "subjet", "xyz", "creatd_at"} {
		// In a report.
		r := convreport.Report{Name: "r", Dimensions: []string{typo}}
		_, err := convreport.NewDashboard(convreport.DashboardOptions{Name: "D", Owner: "ana", Reports: []convreport.Report{r}})
		var ue *convreport.UnknownPropertyError
		require.True(t, errors.As(err, &ue), "%s: %v", typo, err)
		fromReport := ""
		if ue.Suggest != "" {
			p, ok := s.Lookup(ue.Suggest)
			require.True(t, ok)
			fromReport = p.Key
		}
		// In a JSON Lines file, as a key.
		line := `{"id":"c","created_at":"2025-03-03T09:00:00Z","` + typo + `":"x"}`
		_, err = ingest.ReadAll(context.Background(), strings.NewReader(line), ingest.JSONL, ingest.Options{})
		require.Error(t, err, typo)
		fromFile := ""
		if m := hint.FindStringSubmatch(err.Error()); m != nil {
			fromFile = m[1]
		}
		require.Equal(t, fromFile, fromReport, "%q: the file and the report suggest differently", typo)
	}
}
