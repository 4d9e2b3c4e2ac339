package svg

import "testing"

func TestNum(t *testing.T) {
	for x, want := range map[float64]string{0: "0", 1.5: "1.5", 2.005: "2", 2.006: "2.01", -0.001: "0", -3.25: "-3.25", 100: "100"} {
		if got := Num(x); got != want {
			t.Errorf("Num(%v) = %q, want %q", x, got, want)
		}
	}
}

func TestWriterEscapes(t *testing.T) {
	var w Writer
	w.Open("svg", A("xmlns", "http://www.w3.org/2000/svg"))
	w.Open("a", A("href", `/x?a=1&b="2"`))
	w.Text("text", "<b>'&'</b>\x1b", A("x", 1.25), A("y", 3))
	w.Empty("rect", A("width", 10))
	got := string(w.Bytes())
	want := `<svg xmlns="http://www.w3.org/2000/svg">
  <a href="/x?a=1&amp;b=&#34;2&#34;">
    <text x="1.25" y="3">&lt;b&gt;&#39;&amp;&#39;&lt;/b&gt;` + "\uFFFD" + `</text>
    <rect width="10"/>
  </a>
</svg>
`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
