package textwidth

import (
	"fmt"
	"testing"
)

func TestMiddle(t *testing.T) {
	tests := []struct {
		s       string
		w, head int
		want    string
	}{
		{"rep-07", 6, 2, "rep-07"},
		{"https://shop.example.com/item-01", 16, 6, "https:…m/item-01"},
		{"https://shop.example.com/item-01", 16, 0, "…ple.com/item-01"},
		{"李小龙李小龙", 5, 2, "李…龙"},
		{"abcdef", 1, 0, "…"},
		{"abcdef", 0, 0, ""},
	}
	for _, tt := range tests {
		got := Middle(tt.s, tt.w, tt.head)
		if got != tt.want {
			t.Errorf("Middle(%q, %d, %d) = %q, want %q", tt.s, tt.w, tt.head, got, tt.want)
		}
		if String(got) > tt.w {
			t.Errorf("Middle(%q, %d, %d) = %q is wider than %d", tt.s, tt.w, tt.head, got, tt.w)
		}
	}
}

func distinctOf(labels []string, w int) []string {
	widths := make([]int, len(labels))
	for i := range widths {
		widths[i] = w
	}
	return Distinct(labels, widths)
}

func TestDistinctKeepsLabelsApart(t *testing.T) {
	// Cut at the end as before when that tells them apart.
	got := distinctOf([]string{"Support team Paris", "Sales team Lyon", "short"}, 10)
	want := []string{"Support t…", "Sales tea…", "short"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got %q, want %q", got, want)
	}
	// URLs that differ at their end keep their start and end.
	got = distinctOf([]string{"https://shop.example.com/products/category/item-01", "https://shop.example.com/products/category/item-02", "https://shop.example.com/about"}, 20)
	// The third shares their first 19 characters: cut alike, as a group.
	want = []string{"https:/…gory/item-01", "https:/…gory/item-02", "https:/…le.com/about"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got %q, want %q", got, want)
	}
	// Labels that differ only in their middle: a window around it.
	got = distinctOf([]string{"quarterly report for 2024 q1 on revenue by region and product line", "quarterly report for 2024 q2 on revenue by region and product line"}, 16)
	want = []string{"…24 q1 on reven…", "…24 q2 on reven…"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got %q, want %q", got, want)
	}
	// Identical labels stay identical; every cut fits its width.
	labels := []string{"same label that is long", "same label that is long", "李小龙李小龙李小龙 A", "李小龙李小龙李小龙 B"}
	got = distinctOf(labels, 9)
	if got[0] != got[1] || got[2] == got[3] {
		t.Errorf("got %q", got)
	}
	for i, g := range got {
		if String(g) > 9 {
			t.Errorf("%q cut to %q, wider than 9", labels[i], g)
		}
	}
}
