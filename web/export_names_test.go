package web

import (
	"strings"
	"testing"
)

// File names from report names: nothing that climbs out of a folder,
// hides the file, names a device or is empty; the same name twice (in any
// case) gets a number.
func TestFileNames(t *testing.T) {
	for in, want := range map[string]string{
		"Conversations by rep":     "Conversations by rep",
		"../../etc/passwd":         "etc-passwd",
		`a\b:c*d?"e<f>g|h`:         "a-b-c-d-e-f-g-h",
		".hidden":                  "hidden",
		"Temps de réponse (moyen)": "Temps de réponse (moyen)",
		"":                         "report",
		"///":                      "report",
		"nul":                      "_nul",
		"CON.txt":                  "_CON.txt",
		"tab\there":                "tab-here",
	} {
		if got := fileName(in, "report"); got != want {
			t.Errorf("fileName(%q) = %q, want %q", in, got, want)
		}
	}
	if got := len([]rune(fileName(strings.Repeat("é", 200), "x"))); got != 80 {
		t.Errorf("a long name keeps %d runes, want 80", got)
	}
	s := newNameSet()
	var got []string
	for _, n := range []string{"Chats", "chats", "Chats", "Other"} {
		got = append(got, s.add(n, ".csv"))
	}
	want := []string{"Chats.csv", "chats (2).csv", "Chats (3).csv", "Other.csv"}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("names %q, want %q", got, want)
		}
	}
}
