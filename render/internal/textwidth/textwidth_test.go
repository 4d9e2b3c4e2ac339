package textwidth

import "testing"

func TestString(t *testing.T) {
	tests := []struct {
		s    string
		want int
	}{
		{"abc", 3},
		{"Zoë", 3},
		{"Zoe\u0308", 3}, // combining diaeresis takes no column
		{"李小龙", 6},
		{"😀", 2},
		{"👩\u200d💻", 4}, // two emoji joined by ZWJ: counted apart, as most terminals do
		{"مرحبا", 5},
		{"ｈｉ", 4}, // fullwidth
		// Emoji outside the pictograph blocks, wide in terminals
		// (East_Asian_Width W); their neighbours without an emoji
		// presentation stay narrow.
		{"🚀", 2}, {"🛒", 2}, {"🟢", 2}, {"✅", 2}, {"❌", 2}, {"☕", 2}, {"⚡", 2}, {"⭐", 2}, {"⌚", 2},
		{"✓", 1}, {"☆", 1}, {"→", 1},
	}
	for _, tt := range tests {
		if got := String(tt.s); got != tt.want {
			t.Errorf("String(%q) = %d, want %d", tt.s, got, tt.want)
		}
	}
}

func TestTruncate(t *testing.T) {
	tests := []struct {
		s    string
		w    int
		want string
	}{
		{"rep-07", 10, "rep-07"},
		{"rep-07", 6, "rep-07"},
		{"rep-07", 5, "rep-…"},
		{"李小龙李小龙", 5, "李小…"},
		{"李小龙", 4, "李…"},
		{"abc", 0, ""},
	}
	for _, tt := range tests {
		got := Truncate(tt.s, tt.w)
		if got != tt.want {
			t.Errorf("Truncate(%q, %d) = %q, want %q", tt.s, tt.w, got, tt.want)
		}
		if String(got) > tt.w {
			t.Errorf("Truncate(%q, %d) = %q is wider than %d", tt.s, tt.w, got, tt.w)
		}
	}
}

func TestClean(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"evil\x1b[31mred", "evil\uFFFD[31mred"},
		{"two\nlines", "two\uFFFDlines"},
		{"abc\u202Eevil", "abcevil"},
		{"bad\xffutf8", "bad\uFFFDutf8"},
	}
	for _, tt := range tests {
		if got := Clean(tt.in); got != tt.want {
			t.Errorf("Clean(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := CleanMarkup("a\tb\nc\x00d\x1be"); got != "a\tb\nc\uFFFDd\uFFFDe" {
		t.Errorf("CleanMarkup kept %q", got)
	}
}

// In a page or a chart, a label ending in a right-to-left override would
// show what follows it reversed: CleanMarkup drops the bidirectional
// controls, and keeps right-to-left text itself.
func TestCleanMarkupDropsBidiControls(t *testing.T) {
	for in, want := range map[string]string{
		"Reps \u202e: 190":        "Reps : 190",
		"\u2067evil\u2069 \u200f": "evil ",
		"مرحبا 12":                "مرحبا 12",
		"tab\tok\x01":             "tab\tok\uFFFD",
	} {
		if got := CleanMarkup(in); got != want {
			t.Errorf("CleanMarkup(%q) = %q, want %q", in, got, want)
		}
	}
}
