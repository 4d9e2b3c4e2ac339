package raster

import (
	"image/color"
	"strings"
	"testing"
)

// A drawing too large for MaxPixels at the scale asked for is drawn
// smaller, whole; bad scales and documents without svg are refused.
func TestDrawBounds(t *testing.T) {
	doc := `<svg xmlns="http://www.w3.org/2000/svg" width="1000" height="30000" viewBox="0 0 1000 30000">` +
		`<rect width="1000" height="30000" fill="#ffffff"/><rect x="0" y="29000" width="1000" height="1000" fill="#ff0000"/></svg>`
	img, err := Draw(strings.NewReader(doc), 2)
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	if n := b.Dx() * b.Dy(); n > MaxPixels+b.Dx()+b.Dy() {
		t.Fatalf("%v: %d pixels, over %d", b, n, MaxPixels)
	}
	if got := b.Dy() * 1000 / b.Dx(); got < 29900 || got > 30100 {
		t.Fatalf("%v: the aspect ratio changed", b)
	}
	// The red band at the bottom is still there: the whole drawing.
	if c := color.NRGBAModel.Convert(img.At(b.Dx()/2, b.Dy()-2)).(color.NRGBA); c.R != 255 || c.G != 0 {
		t.Fatalf("bottom pixel %v, want red", c)
	}
	for _, s := range []float64{0, -1, 9} {
		if _, err := Draw(strings.NewReader(doc), s); err == nil {
			t.Errorf("scale %v accepted", s)
		}
	}
	if _, err := Draw(strings.NewReader(`<g/>`), 1); err == nil {
		t.Error("no svg element accepted")
	}
	// Arcs: a full donut ring leaves its hole white.
	ring := `<svg width="100" height="100"><path d="M50 10 A40 40 0 1 1 50 90 A40 40 0 1 1 50 10 Z M50 30 A20 20 0 1 0 50 70 A20 20 0 1 0 50 30 Z" fill="#0000ff" fill-rule="evenodd"/></svg>`
	img, err = Draw(strings.NewReader(ring), 1)
	if err != nil {
		t.Fatal(err)
	}
	if c := color.NRGBAModel.Convert(img.At(50, 50)).(color.NRGBA); c != (color.NRGBA{255, 255, 255, 255}) {
		t.Errorf("the hole is %v, want white", c)
	}
	if c := color.NRGBAModel.Convert(img.At(50, 20)).(color.NRGBA); c.B != 255 || c.R != 0 {
		t.Errorf("the ring is %v, want blue", c)
	}
}
