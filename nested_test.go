package convreport_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/convreport/convreport"
)

// Comparisons of nested conditionals: the guards for unknown values repeat
// each conditional's condition, so the compiled program doubled at each
// level — 20 levels (485 bytes) compiled for about a minute, and the node
// limit allowed 40. Compilation now stops at a budget and says why; a few
// levels still compile and evaluate as written.
func TestNestedConditionalsAreBounded(t *testing.T) {
	schema := convreport.DefaultSchema()
	nested := func(levels int) string {
		return strings.Repeat("((IncomingMessages > ", levels) + "1" + strings.Repeat(") ? IncomingMessages : 1)", levels) + " > 0"
	}
	for _, levels := range []int{20, 40} {
		_, err := convreport.CompileFilter(schema, nested(levels))
		var le *convreport.FilterLimitError
		require.True(t, errors.As(err, &le), "%d levels: %v", levels, err)
		require.Equal(t, "expanded nodes", le.Limit)
	}
	f, err := convreport.CompileFilter(schema, nested(3))
	require.NoError(t, err)
	// IncomingMessages 5: each level's condition holds and yields 5 > 0.
	ok, err := f.Match(&convreport.Conversation{ID: "c", Channel: convreport.Chat, Status: convreport.Open, CreatedAt: at("2025-03-03T09:00:00Z"), IncomingMessages: 5}, convreport.FilterEnv{})
	require.NoError(t, err)
	require.True(t, ok)
}
