package convreport

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/convreport/convreport/internal/colstore"
	"github.com/stretchr/testify/require"
)

// A codeCache codes every string as the dictionary does: values shared
// row after row, copies of them at other addresses, prefixes of one
// string (the same bytes, other lengths), the empty string, and more
// shared values than it has slots.
func TestCodeCacheCodesAsTheDictionaryDoes(t *testing.T) {
	base := "support-inbox-of-the-night-team"
	var pool []string
	for i := range 2 << codeCacheBits {
		pool = append(pool, fmt.Sprintf("team-%d", i)) // shared: more than the cache's slots
	}
	pool = append(pool, base[:5], base[:7], base, "", strings.Clone(base[:7]))
	rng := rand.New(rand.NewPCG(1, 2))
	vals := make([]string, 50_000)
	for i := range vals {
		v := pool[rng.IntN(len(pool))]
		if rng.IntN(10) == 0 {
			v = strings.Clone(v) // the same value at another address
		}
		vals[i] = v
	}
	tab := colstore.New([]colstore.Kind{colstore.Ints, colstore.Strings, colstore.Strings}, 0)
	tab.Change(nil, func(d *colstore.Dicts) *colstore.Segment {
		var cache codeCache
		for i, v := range vals {
			// Both columns see the values in the same order, so equal
			// coding gives equal codes.
			require.Equal(t, d.Code(2, v), cache.code(d, 1, v), "value %d, %q", i, v)
		}
		return nil
	})
}
