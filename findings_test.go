package convreport_test

// Rules found by a reliability review, each pinned by a test.

import (
	"context"
	"errors"
	"github.com/convreport/convreport/calendar"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/memory"
	"github.com/stretchr/testify/require"
)

// TestCanceledRunWithNothingToScan: Run and DrillDown on a context
// already canceled return its error even when no chunk needs scanning (a
// range holding no rows, an empty source, a point whose value no row has):
// a canceled run never returns a result.
func TestCanceledRunWithNothingToScan(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	src, err := memory.New(fixture())
	require.NoError(t, err)
	eng := convreport.NewEngine(src)
	empty := convreport.Query{From: at("2020-01-01T00:00:00Z"), To: at("2020-02-01T00:00:00Z")}
	res, err := eng.Run(ctx, empty, convreport.Report{Name: "r"})
	require.ErrorIs(t, err, context.Canceled)
	require.Nil(t, res)

	none, err := memory.New(nil)
	require.NoError(t, err)
	res, err = convreport.NewEngine(none).Run(ctx, fixtureQuery(), convreport.Report{Name: "r"})
	require.ErrorIs(t, err, context.Canceled)
	require.Nil(t, res)

	r := convreport.Report{Name: "by inbox", Dimensions: []string{"Inbox"}}
	p := convreport.Point{Dimensions: []convreport.DimensionValue{{Property: "Inbox", Value: "Nowhere", Known: true}}}
	d, err := eng.DrillDown(ctx, fixtureQuery(), r, p)
	require.ErrorIs(t, err, context.Canceled)
	require.Nil(t, d)
}

// TestAggregatorFailureIsASourceError: a pushdown that fails (not
// with ErrUnsupported) is a failure of the source like a failed scan, and
// matches the same way: a *SourceError.
func TestAggregatorFailureIsASourceError(t *testing.T) {
	src := failingAggregator{&countingSource{rows: fixture()}}
	_, err := convreport.NewEngine(src).Run(context.Background(), fixtureQuery(), convreport.Report{Name: "r"})
	var se *convreport.SourceError
	require.ErrorAs(t, err, &se)
}

// namedSource is a Source that says what it is, as an embedder with
// several sources (a replica, an archive) would.
type namedSource struct{ *countingSource }

func (namedSource) Name() string { return "archive-2024" }

// TestSourceErrorNamesTheSource: a Source failing mid-scan yields a
// wrapped error naming the source, so that with several sources behind
// one service the message says which: its optional Name() string method,
// else its type.
func TestSourceErrorNamesTheSource(t *testing.T) {
	boom := errors.New("connection reset by peer")
	src := namedSource{&countingSource{rows: fixture(), failAfter: 2, failWith: boom}}
	_, err := convreport.NewEngine(src).Run(context.Background(), fixtureQuery(), convreport.Report{Name: "r"})
	require.EqualError(t, err, "convreport: reading source archive-2024: connection reset by peer")

	plain := &countingSource{rows: fixture(), failAfter: 2, failWith: boom}
	_, err = convreport.NewEngine(plain).Run(context.Background(), fixtureQuery(), convreport.Report{Name: "r"})
	require.EqualError(t, err, "convreport: reading source *convreport_test.countingSource: connection reset by peer")
}

// BenchmarkHolidays: Calendar.Between with 16 000 holidays. Holidays are
// sorted once and searched, so the cost grows with their logarithm; a check
// of each holiday against every other would cost hundreds of milliseconds.
func BenchmarkHolidays(b *testing.B) {
	c := calendar.OfficeHours(time.UTC, calendar.At(9, 0), calendar.At(17, 0),
		calendar.Monday, calendar.Tuesday, calendar.Wednesday, calendar.Thursday, calendar.Friday)
	day := time.Date(2000, 1, 3, 0, 0, 0, 0, time.UTC)
	for i := range 16_000 {
		d := day.AddDate(0, 0, i)
		c.Holidays = append(c.Holidays, calendar.Date{Year: d.Year(), Month: d.Month(), Day: d.Day()})
	}
	for b.Loop() {
		c.Between(time.Date(1999, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2060, 1, 1, 0, 0, 0, 0, time.UTC))
	}
}
