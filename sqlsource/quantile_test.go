package sqlsource_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/memory"
	"github.com/convreport/convreport/sqlsource"
	"github.com/stretchr/testify/require"
)

// Percentiles use the engine's nearest rank, in integers on P × 10⁶, not
// PostgreSQL's percentile_disc, whose rank is ceil(P/100 × n) in floating
// point: for P = 99.9 and n = 1000, 0.999 × 1000 rounds up past 999 and
// percentile_disc would return the 1000th value where the engine returns
// the 999th.
func TestPercentileRankIsTheEngines(t *testing.T) {
	base := time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)
	var cs []convreport.Conversation
	for i := range 1000 {
		created := base.Add(time.Duration(i) * time.Minute)
		cs = append(cs, convreport.Conversation{
			ID: fmt.Sprintf("c%04d", i), Channel: convreport.Chat, Status: convreport.Closed,
			CreatedAt: created, ClosedAt: created.Add(time.Duration(i+1) * time.Second),
		})
	}
	q := convreport.Query{From: base, To: base.AddDate(0, 0, 7), Now: base}
	var reports []convreport.Report
	for _, p := range []float64{99.9, 50, 0.1, 0.05, 33.333333, 100} {
		reports = append(reports, convreport.Report{Name: fmt.Sprint("p", p), Measure: convreport.Measure{Agg: convreport.Percentile, P: p, Metric: convreport.TimeToClose}})
	}
	mem, err := memory.New(cs)
	require.NoError(t, err)
	ctx := context.Background()
	want, err := convreport.NewEngine(mem).Run(ctx, q, reports...)
	require.NoError(t, err)
	require.Equal(t, "999", want[0].Points[0].Value.Decimal.String(), "the engine's rank for P99.9 of 1000")
	for _, d := range dialects {
		t.Run(d.String(), func(t *testing.T) {
			db := openDB(t, d)
			src := load(t, db, d, sqlsource.Mapping{Table: tableName(t, db, d, "pct")}, nil, cs)
			got, err := convreport.NewEngine(src).Run(ctx, q, reports...)
			require.NoError(t, err)
			requireSameText(t, resultText(want), resultText(got), "percentiles")
			require.Equal(t, int64(1), src.Stats().Answered)
		})
	}
}
