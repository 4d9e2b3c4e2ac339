package render_test

import (
	"testing"

	"github.com/convreport/convreport/render"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

func TestFormatValue(t *testing.T) {
	tests := []struct {
		name  string
		value decimal.NullDecimal
		unit  string
		want  string
	}{
		{"null", null, "seconds", "–"},
		{"zero seconds", num("0"), "seconds", "0s"},
		{"milliseconds keep one decimal", num("0.502"), "seconds", "0.5s"},
		// A nonzero duration never reads as zero: under 0.05 s, where one
		// decimal would show 0.0, it reads in whole milliseconds.
		{"one millisecond", num("0.001"), "seconds", "1ms"},
		{"under half a millisecond", num("0.000000001"), "seconds", "<1ms"},
		{"half a millisecond rounds up", num("0.0005"), "seconds", "1ms"},
		{"49 ms", num("0.049"), "seconds", "49ms"},
		{"49.5 ms rounds to 50", num("0.0495"), "seconds", "50ms"},
		{"50 ms reads in tenths of a second", num("0.05"), "seconds", "0.1s"},
		{"499 ms", num("0.499"), "seconds", "0.5s"},
		{"500 ms", num("0.5"), "seconds", "0.5s"},
		{"999 ms", num("0.999"), "seconds", "1s"},
		{"one second", num("1"), "seconds", "1s"},
		{"minus one millisecond", num("-0.001"), "seconds", "-1ms"},
		{"minus 499 ms", num("-0.499"), "seconds", "-0.5s"},
		{"zero written with decimals", num("0.000"), "seconds", "0s"},
		{"under ten seconds rounds half away from zero", num("4.25"), "seconds", "4.3s"},
		{"9.96 s reads as whole seconds", num("9.96"), "seconds", "10s"},
		{"whole seconds", num("45.4"), "seconds", "45s"},
		{"59.5 s is a minute", num("59.5"), "seconds", "1m 00s"},
		{"minutes and padded seconds", num("312.5"), "seconds", "5m 13s"},
		{"hours and padded minutes", num("3780"), "seconds", "1h 03m"},
		{"just under an hour", num("3599.6"), "seconds", "1h 00m"},
		{"days and hours", num("187200"), "seconds", "2d 04h"},
		{"negative durations", num("-90"), "seconds", "-1m 30s"},
		{"percent, one decimal", num("82.456"), "percent", "82.5 %"},
		{"whole percent", num("100"), "percent", "100 %"},
		{"counts with separators", num("1234567"), "conversations", "1,234,567"},
		{"small counts", num("999"), "conversations", "999"},
		{"negative numbers", num("-1234.5"), "", "-1,234.5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.want, render.FormatValue(tt.value, tt.unit))
		})
	}
}

func TestFormatCount(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 12: "12", 1000: "1,000", 12345: "12,345", -1000000: "-1,000,000"} {
		require.Equal(t, want, render.FormatCount(n))
	}
}
