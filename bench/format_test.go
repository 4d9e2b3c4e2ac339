package bench

import (
	"testing"
	"time"
)

func TestFormats(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{FormatDuration(2412 * time.Millisecond), "2.41 s"},
		{FormatDuration(13400 * time.Microsecond), "13.4 ms"},
		{FormatDuration(626 * time.Microsecond), "626 µs"},
		{FormatRatio(0.957), "0.96x"},
		{FormatRatio(26.14), "26.1x"},
		{FormatRatio(487.4), "487x"},
		{FormatN(100_000), "100k"},
		{FormatN(10_000_000), "10M"},
		{FormatN(1500), "1500"},
		{FormatN(1_500_000), "1500k"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}
