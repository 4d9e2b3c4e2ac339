package suggest

import "testing"

func TestClosest(t *testing.T) {
	cands := []Candidate{{"assignee", "assignee"}, {"channel", "channel"}, {"id", "id"}, {"ContactID", "contact_id"}}
	for name, want := range map[string]string{
		"asignee": "assignee", "assigne": "assignee", "chanel": "channel", "chnanel": "channel",
		"ID": "id", "contactid": "contact_id", "xy": "", "owner": "", "idd": "id", "a": "",
	} {
		if got := Closest(name, cands); got != want {
			t.Errorf("Closest(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"tier", "tier", 0}, {"teir", "tier", 1}, {"tier", "tie", 1},
		{"kitten", "sitting", 3}, {"", "abc", 3}, {"ca", "abc", 3},
	} {
		if got := Distance(c.a, c.b); got != c.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}
