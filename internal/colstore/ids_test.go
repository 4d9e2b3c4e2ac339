package colstore

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
	check := func(t *testing.T, c IDs, wide bool) {
		require.Equal(t, len(ids), c.Len())
		require.Equal(t, wide, c.end64 != nil)
		for r, id := range ids {
			require.Equal(t, id, c.At(r), "row %d", r)
		}
	}
	build := func(guess int) IDs {
		b := NewIDBuilder(len(ids), guess)
		for _, id := range ids {
			b.Add(id)
		}
		return b.Done()
	}
	t.Run("narrow", func(t *testing.T) { check(t, build(bytes), false) })
	defer func(old int) { NarrowIDBytes = old }(NarrowIDBytes)
	NarrowIDBytes = 100
	t.Run("wide from the start", func(t *testing.T) { check(t, build(bytes), true) })
	t.Run("widened on the way", func(t *testing.T) { check(t, build(10), true) })
}
