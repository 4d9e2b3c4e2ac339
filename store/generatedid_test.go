package store

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/access"
	"github.com/stretchr/testify/require"
)

// memoryDrawing is a Memory whose IDs' suffixes are read from random.
func memoryDrawing(random io.Reader) *Memory {
	m := NewMemory()
	m.c.cfg.random = random
	return m
}

// Each draw reads 12 bytes and keeps the first six below 252, as
// alphabet[b%36]: 0 is "a", 25 "z", 26 "0", 35 "9", 36 "a" again.
func TestGeneratedIDSuffix(t *testing.T) {
	ctx := context.Background()
	ana := access.Viewer{UserID: "ana"}
	draws := bytes.Join([][]byte{
		{0, 0, 0, 0, 0, 0, 9, 9, 9, 9, 9, 9},              // "aaaaaa", taken below
		{252, 253, 254, 255, 0, 25, 26, 35, 36, 71, 1, 1}, // "az09a9", the four from 252 up left out
	}, nil)
	s := memoryDrawing(bytes.NewReader(draws))
	_, err := s.Create(ctx, ana, convreport.Dashboard{ID: "q3-plan-aaaaaa", Name: "Taken"})
	require.NoError(t, err)
	d, err := s.Create(ctx, ana, convreport.Dashboard{Name: "Q3 plan"})
	require.NoError(t, err)
	require.Equal(t, "q3-plan-az09a9", d.ID, "a suffix taken is drawn again")
}

// The slug is cut so that the ID fits in 64 bytes, with no hyphen left
// before the suffix's; a name with no letter or digit is "dashboard".
func TestGeneratedIDLength(t *testing.T) {
	zeros := func() io.Reader { return bytes.NewReader(make([]byte, 12)) }
	for _, tc := range []struct{ name, want string }{
		{strings.Repeat("b", 100), strings.Repeat("b", 57) + "-aaaaaa"},
		{strings.Repeat("b", 56) + " cd", strings.Repeat("b", 56) + "-aaaaaa"},
		{strings.Repeat("b", 55) + " cd", strings.Repeat("b", 55) + "-c-aaaaaa"},
		{"¿?", "dashboard-aaaaaa"},
	} {
		d, err := memoryDrawing(zeros()).Create(context.Background(), access.Viewer{UserID: "ana"}, convreport.Dashboard{Name: tc.name})
		require.NoError(t, err, tc.name)
		require.Equal(t, tc.want, d.ID)
		require.Regexp(t, validID, d.ID)
	}
}

// A random source that fails, or that gives taken suffixes only, is an
// error, not a loop without end.
func TestGeneratedIDGivesUp(t *testing.T) {
	ctx := context.Background()
	ana := access.Viewer{UserID: "ana"}
	_, err := memoryDrawing(bytes.NewReader(nil)).Create(ctx, ana, convreport.Dashboard{Name: "Q3 plan"})
	require.ErrorIs(t, err, io.EOF)
	require.EqualError(t, err, "convreport/store: drawing an ID for a dashboard: EOF")

	s := memoryDrawing(bytes.NewReader(make([]byte, 12*maxDraws)))
	_, err = s.Create(ctx, ana, convreport.Dashboard{ID: "q3-plan-aaaaaa", Name: "Taken"})
	require.NoError(t, err)
	_, err = s.Create(ctx, ana, convreport.Dashboard{Name: "Q3 plan"})
	require.True(t, errors.Is(err, ErrConflict), "got %v", err)
	require.EqualError(t, err, `convreport: conflict: no free ID for a dashboard named "Q3 plan" after 16 random ones`)
}
