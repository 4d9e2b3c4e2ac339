package colstore

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

// Whole numbers are kept as codes at the narrowest width, anything else as
// float64s, and Number reads back what went in, unknowns included.
func TestNumbersKeepEveryValue(t *testing.T) {
	nan := math.NaN()
	for _, tc := range []struct {
		name string
		in   []float64
		form string
	}{
		{"counts", []float64{0, 1, 7, 254, nan}, "w8"},
		{"past a byte", []float64{0, 255, 1000, nan}, "w16"},
		{"past two bytes", []float64{70000, 3}, "w32"},
		{"a fraction", []float64{1, 2.5}, "floats"},
		{"negative", []float64{-1, 2}, "floats"},
		{"too large", []float64{math.MaxUint32, 2}, "floats"},
		{"unknown only", []float64{nan, nan}, "w8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := Numbers(append([]float64(nil), tc.in...))
			form := "floats"
			switch {
			case c.Codes.W8 != nil:
				form = "w8"
			case c.Codes.W16 != nil:
				form = "w16"
			case c.Codes.W32 != nil:
				form = "w32"
			}
			require.Equal(t, tc.form, form)
			for r, want := range tc.in {
				got := c.Number(r)
				if math.IsNaN(want) {
					require.True(t, math.IsNaN(got), "row %d", r)
					continue
				}
				require.Equal(t, want, got, "row %d", r)
			}
		})
	}
}
