package fold

import (
	"strings"
	"testing"
)

func TestString(t *testing.T) {
	for in, want := range map[string]string{
		"Vue d’ensemble":     "vue d'ensemble",
		"ÉLAN Œuvre Straße":  "elan oeuvre strasse",
		"Łódź, Çà, Ñandú":    "lodz, ca, nandu",
		"plain ascii 123":    "plain ascii 123",
		"日本語":                "日本語",
		"Boîte de réception": "boite de reception",
	} {
		if got := String(in); got != want {
			t.Errorf("String(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWords(t *testing.T) {
	for in, want := range map[string]string{
		"Vue d'ensemble des e-mails": "vue d ensemble des emails",
		"  E-Mail!!  ":               "email",
		"Chat -- overview":           "chat overview",
		"":                           "",
		"...":                        "",
	} {
		if got := Words(in); got != want {
			t.Errorf("Words(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSlug(t *testing.T) {
	for in, want := range map[string]string{
		"Conversations by rep":          "conversations-by-rep",
		"Temps de réponse à l’accueil":  "temps-de-reponse-a-l-accueil",
		"  --Chat overview (v2)--  ":    "chat-overview-v2",
		"!!!":                           "",
		"日本語":                           "",
		strings.Repeat("ab ", 40):       strings.TrimRight(strings.Repeat("ab-", 22)[:64], "-"),
		"Chats per rep, as a pie chart": "chats-per-rep-as-a-pie-chart",
	} {
		got := Slug(in)
		if got != want {
			t.Errorf("Slug(%q) = %q, want %q", in, got, want)
		}
		if len(got) > MaxSlug {
			t.Errorf("Slug(%q) is %d bytes", in, len(got))
		}
	}
}
