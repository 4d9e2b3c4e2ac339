package memory_test

import (
	"context"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/internal/conformance"
	"github.com/convreport/convreport/memory"
	"github.com/convreport/convreport/sourcetest"
	"github.com/stretchr/testify/require"
)

func TestConformance(t *testing.T) {
	sourcetest.Run(t, func(t *testing.T, cs []convreport.Conversation) convreport.Source {
		src, err := memory.New(cs, memory.WithSchema(sourcetest.Schema()))
		require.NoError(t, err)
		return src
	})
}

// Times in whole seconds are kept as 32-bit offsets from the creation
// time, which the scan reads without decoding: the corpus checks that form
// against the reference too.
func TestConformanceWholeSeconds(t *testing.T) {
	conformance.RunWholeSeconds(t, func(t *testing.T, cs []convreport.Conversation) convreport.Source {
		src, err := memory.New(cs, memory.WithSchema(sourcetest.Schema()))
		require.NoError(t, err)
		return src
	}, 3000, 1)
}

// A zero Source is an empty one: it runs, and takes conversations.
func TestZeroSource(t *testing.T) {
	var src memory.Source
	require.Equal(t, 0, src.Len())
	require.Equal(t, convreport.DefaultSchema().Properties(), src.Schema().Properties())
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	q := convreport.Query{From: now.Add(-24 * time.Hour), To: now, Now: now}
	eng := convreport.NewEngine(&src)
	res, err := eng.Run(context.Background(), q, convreport.Report{Name: "all"})
	require.NoError(t, err)
	empty, err := memory.New(nil)
	require.NoError(t, err)
	want, err := convreport.NewEngine(empty).Run(context.Background(), q, convreport.Report{Name: "all"})
	require.NoError(t, err)
	require.Equal(t, want, res, "as an empty source")

	require.NoError(t, src.Add(convreport.Conversation{ID: "a", CreatedAt: now.Add(-time.Hour)}, convreport.Conversation{ID: "b", CreatedAt: now.Add(-2 * time.Hour)}))
	require.Equal(t, 2, src.Len())
	res, err = eng.Run(context.Background(), q, convreport.Report{Name: "all"})
	require.NoError(t, err)
	require.Equal(t, int64(2), res[0].Points[0].Count)
	var ids []string
	for c := range src.All() {
		ids = append(ids, c.ID)
	}
	require.Equal(t, []string{"b", "a"}, ids, "creation order")
}
