package memory_test

import (
	"testing"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/memory"
	"github.com/stretchr/testify/require"
)

// A memory source names itself too; a type that embeds one keeps its own
// Name.
func TestMemorySourceName(t *testing.T) {
	src, err := memory.New(nil)
	require.NoError(t, err)
	require.Equal(t, "memory", src.Name())
	var named convreport.Named = archive{src}
	require.Equal(t, "archive-2024", named.Name())
}

type archive struct{ *memory.Source }

func (archive) Name() string { return "archive-2024" }
