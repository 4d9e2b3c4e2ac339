package convreport

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

// IDs read back as they went in, empty ones and long ones included, in the
// narrow form, in the wide form, and across the switch from one to the
// other when the size guess was short.
func TestIDColumn(t *testing.T) {
	ids := []string{"c-1", "", "conversation-with-a-long-identifier-0000000002", "x", "", "ü-4"}
	for i := range 200 {
		ids = append(ids, fmt.Sprintf("c-%06d", i))
	}
	bytes := 0
	for _, id := range ids {
		bytes += len(id)
	}
	check := func(t *testing.T, c idColumn, wide bool) {
		require.Equal(t, len(ids), c.len())
		require.Equal(t, wide, c.end64 != nil)
		for r, id := range ids {
			require.Equal(t, id, c.at(r), "row %d", r)
		}
	}
	build := func(guess int) idColumn {
		b := newIDBuilder(len(ids), guess)
		for _, id := range ids {
			b.add(id)
		}
		return b.done()
	}
	t.Run("narrow", func(t *testing.T) { check(t, build(bytes), false) })
	defer func(old int) { narrowIDBytes = old }(narrowIDBytes)
	narrowIDBytes = 100
	t.Run("wide from the start", func(t *testing.T) { check(t, build(bytes), true) })
	t.Run("widened on the way", func(t *testing.T) { check(t, build(10), true) })
}
