// Package fold normalizes text for comparison and for identifiers: lower
// case, Latin accents removed, typographic apostrophes made plain. It is a
// small table, not Unicode normalization, so that the module needs no
// dependency for what search boxes and IDs need: "Élan" and "elan" compare
// equal, "Vue d’ensemble" and "vue d'ensemble" too.
package fold

import (
	"strings"
	"unicode"
)

// bases maps each accented Latin letter to its unaccented form.
var bases = func() map[rune]string {
	m := map[rune]string{}
	for base, accented := range map[string]string{
		"a": "àáâãäåāăą", "c": "çćĉċč", "d": "ďđ", "e": "èéêëēĕėęě",
		"g": "ĝğġģ", "h": "ĥħ", "i": "ìíîïĩīĭįı", "j": "ĵ", "k": "ķ",
		"l": "ĺļľŀł", "n": "ñńņňŉ", "o": "òóôõöøōŏő", "r": "ŕŗř",
		"s": "śŝşšș", "t": "ţťŧț", "u": "ùúûüũūŭůűų", "w": "ŵ",
		"y": "ýÿŷ", "z": "źżž", "ae": "æ", "oe": "œ", "ss": "ß", "th": "þ",
		"'": "’‘‛ʼ`´",
	} {
		for _, r := range accented {
			m[r] = base
		}
	}
	return m
}()

// String returns s in lower case with accents removed.
func String(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		r = unicode.ToLower(r)
		if base, ok := bases[r]; ok {
			b.WriteString(base)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Words returns the folded s with every run of characters other than
// letters and digits turned into one space, hyphens removed first so that
// "e-mail" and "email" read the same, and no leading or trailing space.
func Words(s string) string {
	s = strings.ReplaceAll(String(s), "-", "")
	var b strings.Builder
	space := false
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
			continue
		}
		space = true
	}
	return b.String()
}

// MaxSlug is the longest slug [Slug] returns.
const MaxSlug = 64

// Slug returns an identifier made of s: folded, only a–z and 0–9 kept,
// every other run turned into one hyphen, at most MaxSlug bytes, with no
// hyphen at either end. It returns "" when s has no letter or digit it can
// keep.
func Slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range String(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
			continue
		}
		dash = true
	}
	out := b.String()
	if len(out) > MaxSlug {
		out = strings.TrimRight(out[:MaxSlug], "-")
	}
	return out
}
