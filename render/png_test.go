package render_test

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/render"
)

// The PNG is the SVG's drawing: of its size times the scale, white around,
// and the bars, slices, lines and text drawn in the palette's colours.
func TestPNG(t *testing.T) {
	for _, tc := range []struct {
		name string
		r    convreport.Result
	}{
		{"bars", byRep},
		{"pie", withChart(byRep, convreport.Chart{Type: convreport.PieChart})},
		{"donut", withChart(byRep, convreport.Chart{Type: convreport.DonutChart})},
		{"area", waitOverTime},
		{"columns", byInboxChannel},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var svg, b bytes.Buffer
			require.NoError(t, render.SVG(&svg, tc.r, render.SVGOptions{}))
			require.NoError(t, render.PNG(&b, tc.r, render.PNGOptions{Scale: 2}))
			if dir := os.Getenv("CONVREPORT_SCREENSHOTS"); dir != "" {
				require.NoError(t, os.WriteFile(filepath.Join(dir, "png-"+tc.name+".png"), b.Bytes(), 0o644))
			}
			img, err := png.Decode(&b)
			require.NoError(t, err)
			w, h := svgSize(t, svg.String())
			require.Equal(t, image.Rect(0, 0, 2*w, 2*h), img.Bounds())
			// Not blank: the first palette colour covers a sizeable area
			// (a bar, a slice or a line), and dark text pixels exist.
			accent, dark := 0, 0
			for y := 0; y < img.Bounds().Dy(); y++ {
				for x := 0; x < img.Bounds().Dx(); x++ {
					c := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
					if near(c, color.NRGBA{0x00, 0xa4, 0xbd, 255}) {
						accent++
					}
					if int(c.R)+int(c.G)+int(c.B) < 3*0x60 {
						dark++
					}
				}
			}
			require.Greater(t, accent, 400, "palette pixels")
			require.Greater(t, dark, 200, "text pixels")
			require.Equal(t, color.NRGBA{255, 255, 255, 255}, color.NRGBAModel.Convert(img.At(1, 1)), "white background")
		})
	}
}

func near(a, b color.NRGBA) bool {
	d := func(x, y uint8) int {
		if x > y {
			return int(x - y)
		}
		return int(y - x)
	}
	return d(a.R, b.R)+d(a.G, b.G)+d(a.B, b.B) < 12
}

// svgSize reads the root's width and height.
func svgSize(t *testing.T, s string) (int, int) {
	t.Helper()
	var w, h float64
	_, err := fmtSscanRoot(s, &w, &h)
	require.NoError(t, err)
	return int(w + 0.999), int(h + 0.999)
}

// fmtSscanRoot reads width="W" height="H" of the first <svg> tag.
func fmtSscanRoot(s string, w, h *float64) (int, error) {
	m := regexp.MustCompile(`<svg[^>]* width="([0-9.]+)" height="([0-9.]+)"`).FindStringSubmatch(s)
	if m == nil {
		return 0, fmt.Errorf("no root size in %.80q", s)
	}
	var err error
	if *w, err = strconv.ParseFloat(m[1], 64); err != nil {
		return 0, err
	}
	*h, err = strconv.ParseFloat(m[2], 64)
	return 2, err
}
