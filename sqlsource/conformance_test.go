package sqlsource_test

import (
	"strings"
	"sync"
	"testing"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/internal/conformance"
	"github.com/convreport/convreport/sourcetest"
	"github.com/convreport/convreport/sqlsource"
	"github.com/stretchr/testify/require"
)

// conformanceRows is the size of the generated data. Every drill-down of
// the corpus re-reads its range through Scan, which the race detector makes
// slow (pure-Go SQLite most of all): fewer rows then.
func conformanceRows() int {
	if raceEnabled {
		return 250
	}
	return 1000
}

// The corpus tests (these, TestTenantConformance and
// TestClickHouseDistributedConformance) and the other tests of whole
// dashboards and tenants run in parallel with one another, each dialect
// and mode in a subtest of its own: each loads its own table (a temporary
// file for SQLite), and while one waits on its server, another decodes
// rows. They spend most of the package's time.

// ClickHouse runs the corpus on a Distributed table instead
// (TestClickHouseDistributedConformance): the same statements, sharded, at
// half the CI time of running it on a plain table too.
var conformanceDialects = []sqlsource.Dialect{sqlsource.SQLite, sqlsource.PostgreSQL}

func TestConformancePushdown(t *testing.T) {
	t.Parallel()
	for _, d := range conformanceDialects {
		t.Run(d.String(), func(t *testing.T) {
			t.Parallel()
			db := openDB(t, d)
			var src *sqlsource.Source
			var mu sync.Mutex
			var reasons []error
			sourcetest.RunN(t, func(t *testing.T, cs []convreport.Conversation) convreport.Source {
				m := sqlsource.Mapping{Table: tableName(t, db, d, "conf_push")}
				src = load(t, db, d, m, sourcetest.Schema(), cs, sqlsource.WithDeclineHook(func(err error) {
					mu.Lock()
					defer mu.Unlock()
					reasons = append(reasons, err)
				}))
				return src
			}, conformanceRows(), 11)
			// Every plan is answered in SQL but those whose filter holds an
			// expression the engine runs itself (lower(Subject), a
			// comparison of two properties), and the durations of the query
			// that counts business hours (its counts stay in SQL).
			st := src.Stats()
			total := int64(len(conformance.Cases()) * len(conformance.Queries()))
			var business int64
			for _, c := range conformance.Cases() {
				if c.Report.Measure.Metric != "" {
					business++
				}
			}
			require.Equal(t, total, st.Answered+st.Declined)
			require.Positive(t, st.Declined, "the corpus has expression filters")
			require.GreaterOrEqual(t, st.Answered, (total-business)*9/10, "declined: %v", reasons)
			// Drill-down pages are SQL too, but for the expression filters.
			require.Positive(t, st.DrillsAnswered)
			require.Positive(t, st.DrillsDeclined, "the corpus has expression filters")
			var businessDeclines int64
			for _, err := range reasons {
				require.ErrorIs(t, err, convreport.ErrUnsupported)
				if strings.Contains(err.Error(), "business hours") {
					businessDeclines++
					continue
				}
				require.True(t, strings.Contains(err.Error(), "no SQL equivalent"), "declined for another reason: %v", err)
			}
			require.Equal(t, business, businessDeclines, "each duration of the business-hours query, and only those")
		})
	}
}

func TestConformanceFallbackScan(t *testing.T) {
	t.Parallel()
	for _, d := range conformanceDialects {
		t.Run(d.String(), func(t *testing.T) {
			t.Parallel()
			db := openDB(t, d)
			var src *sqlsource.Source
			sourcetest.RunN(t, func(t *testing.T, cs []convreport.Conversation) convreport.Source {
				m := sqlsource.Mapping{Table: tableName(t, db, d, "conf_scan")}
				src = load(t, db, d, m, sourcetest.Schema(), cs, sqlsource.WithoutPushdown())
				return src
			}, conformanceRows(), 12)
			require.Zero(t, src.Stats().Answered)
			require.Positive(t, src.Stats().Declined)
			require.Zero(t, src.Stats().DrillsAnswered)
		})
	}
}
