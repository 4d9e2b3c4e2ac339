package memory_test

import (
	"testing"

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
