package memory_test

import (
	"testing"

	"github.com/convreport/convreport"
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
