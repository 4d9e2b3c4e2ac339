package render

import (
	"bytes"
	"image/png"
	"io"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/render/internal/raster"
)

// PNGOptions configures [PNG]: the drawing's options, as for [SVG], and
// its scale (pixels per SVG unit; 0 means 2, sharp on high-density
// screens and in documents; at most 8).
type PNGOptions struct {
	SVGOptions
	Scale float64
}

// PNG writes r's chart as a PNG image: the very drawing [SVG] writes,
// rasterised in Go (no browser, no C library) with the Go fonts, which
// are embedded, so it looks the same on every machine. Text in scripts
// those fonts lack (Arabic, Chinese, emoji) shows as "?" in the PNG; the
// SVG keeps it.
func PNG(w io.Writer, r convreport.Result, opts PNGOptions) error {
	if err := checkResult(r); err != nil {
		return err
	}
	scale := opts.Scale
	if scale == 0 {
		scale = 2
	}
	img, err := raster.Draw(bytes.NewReader(drawSVG(r, opts.SVGOptions)), scale)
	if err != nil {
		return err
	}
	return (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(w, img)
}

// PNGDashboard writes every report of d as one PNG image: the drawing
// [SVGDashboard] makes, rasterised as [PNG] rasterises a chart.
func PNGDashboard(w io.Writer, d Dashboard, opts PNGOptions) error {
	scale := opts.Scale
	if scale == 0 {
		scale = 2
	}
	var svg bytes.Buffer
	if err := SVGDashboard(&svg, d, opts.SVGOptions); err != nil {
		return err
	}
	img, err := raster.Draw(&svg, scale)
	if err != nil {
		return err
	}
	return (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(w, img)
}
