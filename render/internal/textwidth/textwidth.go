// Package textwidth measures and cleans labels for fixed-width terminals
// and for estimating text extents in SVG.
package textwidth

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Rune returns the number of terminal cells r takes: 0 for combining marks
// and format characters (zero-width joiner, variation selectors), 2 for
// East Asian wide and fullwidth characters and emoji, 1 otherwise.
func Rune(r rune) int {
	switch {
	case r == 0:
		return 0
	case unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf), r >= 0xFE00 && r <= 0xFE0F:
		return 0
	case wide(r):
		return 2
	}
	return 1
}

// wide covers the main East Asian wide ranges and the emoji blocks; it is
// an approximation of UAX #11 good enough for labels.
func wide(r rune) bool {
	switch {
	case r >= 0x1100 && r <= 0x115F, // Hangul Jamo
		r >= 0x2E80 && r <= 0x303E, // CJK radicals, punctuation
		r >= 0x3041 && r <= 0x33FF, // kana, CJK symbols
		r >= 0x3400 && r <= 0x4DBF, // CJK extension A
		r >= 0x4E00 && r <= 0x9FFF, // CJK unified ideographs
		r >= 0xA000 && r <= 0xA4CF, // Yi
		r >= 0xAC00 && r <= 0xD7A3, // Hangul syllables
		r >= 0xF900 && r <= 0xFAFF, // CJK compatibility ideographs
		r >= 0xFE30 && r <= 0xFE4F, // CJK compatibility forms
		r >= 0xFF00 && r <= 0xFF60, // fullwidth forms
		r >= 0xFFE0 && r <= 0xFFE6,
		r >= 0x1F300 && r <= 0x1F64F, // pictographs, emoticons
		r >= 0x1F680 && r <= 0x1F6FF, // transport and map symbols
		r >= 0x1F7E0 && r <= 0x1F7EB, // coloured circles and squares
		r >= 0x1F900 && r <= 0x1F9FF, // supplemental symbols and pictographs
		r >= 0x1FA70 && r <= 0x1FAFF,
		r >= 0x20000 && r <= 0x3FFFD: // CJK extensions B…
		return true
	case r >= 0x2300 && r <= 0x2BFF:
		return wideSymbol[r]
	}
	return false
}

// wideSymbol holds the symbols of U+2300 to U+2BFF that Unicode gives an
// emoji presentation and a wide cell (East_Asian_Width W): ⌚ ☕ ⚡ ✅ ❌ ⭐…
var wideSymbol = func() map[rune]bool {
	m := map[rune]bool{}
	for _, r := range [][2]rune{
		{0x231A, 0x231B}, {0x23E9, 0x23EC}, {0x23F0, 0x23F0}, {0x23F3, 0x23F3}, {0x25FD, 0x25FE},
		{0x2614, 0x2615}, {0x2648, 0x2653}, {0x267F, 0x267F}, {0x2693, 0x2693}, {0x26A1, 0x26A1},
		{0x26AA, 0x26AB}, {0x26BD, 0x26BE}, {0x26C4, 0x26C5}, {0x26CE, 0x26CE}, {0x26D4, 0x26D4},
		{0x26EA, 0x26EA}, {0x26F2, 0x26F3}, {0x26F5, 0x26F5}, {0x26FA, 0x26FA}, {0x26FD, 0x26FD},
		{0x2705, 0x2705}, {0x270A, 0x270B}, {0x2728, 0x2728}, {0x274C, 0x274C}, {0x274E, 0x274E},
		{0x2753, 0x2755}, {0x2757, 0x2757}, {0x2795, 0x2797}, {0x27B0, 0x27B0}, {0x27BF, 0x27BF},
		{0x2B1B, 0x2B1C}, {0x2B50, 0x2B50}, {0x2B55, 0x2B55},
	} {
		for c := r[0]; c <= r[1]; c++ {
			m[c] = true
		}
	}
	return m
}()

// String returns the number of terminal cells s takes.
func String(s string) int {
	n := 0
	for _, r := range s {
		n += Rune(r)
	}
	return n
}

// Truncate shortens s to at most w cells, ending it with "…" when cut.
func Truncate(s string, w int) string {
	if String(s) <= w {
		return s
	}
	if w <= 0 {
		return ""
	}
	var b strings.Builder
	n := 0
	for _, r := range s {
		rw := Rune(r)
		if n+rw > w-1 {
			break
		}
		b.WriteRune(r)
		n += rw
	}
	return b.String() + "…"
}

// Pad adds spaces to s up to w cells, on the right, or on the left when
// right is set.
func Pad(s string, w int, right bool) string {
	n := w - String(s)
	if n <= 0 {
		return s
	}
	if right {
		return strings.Repeat(" ", n) + s
	}
	return s + strings.Repeat(" ", n)
}

// Clean makes s safe to print on one terminal line: control characters
// (which could move the cursor or start an escape sequence) and invalid
// UTF-8 become U+FFFD, and bidirectional override and isolate controls are
// dropped so a label cannot reorder the text after it.
func Clean(s string) string {
	ok := true
	for _, r := range s {
		if r == utf8.RuneError || unicode.IsControl(r) || bidiControl(r) {
			ok = false
			break
		}
	}
	if ok {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case bidiControl(r):
		case r == utf8.RuneError, unicode.IsControl(r):
			b.WriteRune('\uFFFD')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func bidiControl(r rune) bool {
	return r >= 0x202A && r <= 0x202E || r >= 0x2066 && r <= 0x2069 || r == 0x200E || r == 0x200F || r == 0x061C
}

// CleanMarkup replaces the characters HTML and XML documents may not hold
// (control characters other than tab, newline and carriage return, and
// invalid UTF-8) with U+FFFD, and drops bidirectional override and isolate
// controls, as Clean does: in a page or a chart, a label ending in U+202E
// would show the number after it reversed.
func CleanMarkup(s string) string {
	bad := func(r rune) bool {
		return r == utf8.RuneError || unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r' || bidiControl(r)
	}
	if strings.IndexFunc(s, bad) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch {
		case bidiControl(r):
			return -1
		case bad(r):
			return '\uFFFD'
		}
		return r
	}, s)
}
