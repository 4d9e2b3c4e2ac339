package convreport_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/memory"
)

// The nearest rank is ⌈P/100 · n⌉ for every P the engine accepts, down to
// its sixth decimal: of two values, P 50 is the smaller and any P above
// it, however little, the larger.
func TestPercentileRankAtTheSixthDecimal(t *testing.T) {
	t0 := time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)
	src, err := memory.New([]convreport.Conversation{
		{ID: "a", CreatedAt: t0, FirstResponseAt: t0.Add(10 * time.Second)},
		{ID: "b", CreatedAt: t0, FirstResponseAt: t0.Add(20 * time.Second)},
	})
	require.NoError(t, err)
	q := convreport.Query{From: t0.Add(-time.Hour), To: t0.Add(time.Hour)}
	for _, tc := range []struct {
		p    float64
		want string
	}{{50, "10"}, {50.000001, "20"}, {0.000001, "10"}, {99.999999, "20"}, {100, "20"}} {
		res, err := convreport.NewEngine(src).Run(t.Context(), q, convreport.Report{Name: "p",
			Measure: convreport.Measure{Agg: convreport.Percentile, P: tc.p, Metric: convreport.WaitTime}})
		require.NoError(t, err)
		require.Equal(t, tc.want, res[0].Points[0].Value.Decimal.String(), "P %v", tc.p)
	}
}
