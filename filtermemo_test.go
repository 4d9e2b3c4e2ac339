package convreport

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestFilterMemoCompilesEachFilterOnce checks that an engine's memo hands
// back the filter it compiled, keys it by schema as well as text, keeps no
// error, and stays within its bound.
func TestFilterMemoCompilesEachFilterOnce(t *testing.T) {
	var fm filterMemo
	s := DefaultSchema()
	a, err := fm.compile(FilterOptions{}, s, `Channel == "chat"`)
	require.NoError(t, err)
	b, err := fm.compile(FilterOptions{}, s, `Channel == "chat"`)
	require.NoError(t, err)
	require.Same(t, a, b, "the second run reuses the compiled filter")

	other, err := ParseSchema([]byte(`{"properties": [{"name": "Tier", "kind": "string"}]}`))
	require.NoError(t, err)
	c, err := fm.compile(FilterOptions{}, other, `Channel == "chat"`)
	require.NoError(t, err)
	require.NotSame(t, a, c, "another schema compiles its own")

	for range 2 {
		_, err = fm.compile(FilterOptions{}, s, `Inboxx == "x"`)
		require.ErrorContains(t, err, `unknown property "Inboxx"`)
	}
	require.Len(t, fm.m, 2, "errors are not kept")

	for i := range maxMemoFilters + 10 {
		_, err := fm.compile(FilterOptions{}, s, fmt.Sprintf("IncomingMessages == %d", i))
		require.NoError(t, err)
		require.LessOrEqual(t, len(fm.m), maxMemoFilters)
	}

	var none *filterMemo
	d, err := none.compile(FilterOptions{}, s, `Channel == "chat"`)
	require.NoError(t, err)
	require.Equal(t, a.String(), d.String(), "a nil memo compiles")
}
