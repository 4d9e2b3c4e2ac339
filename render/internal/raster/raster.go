// Package raster draws the SVG that package render writes as an image. It
// is not an SVG renderer: it reads the few elements and attributes render
// emits (svg, g, a, rect, line, circle, path with M, L, A and Z, text with
// text-anchor, dy in em and a rotate transform) and ignores the rest, so a
// chart is the same drawing in SVG and PNG without a browser on the
// server. Shapes are filled by golang.org/x/image/vector (anti-aliased),
// strokes are turned into polygons first, and text is drawn from the glyph
// outlines of the Go fonts, which are embedded, so the output does not
// depend on the machine's fonts.
package raster

import (
	"encoding/xml"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"io"
	"math"
	"strconv"
	"strings"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"
)

var regular, bold = mustFont(goregular.TTF), mustFont(gobold.TTF)

func mustFont(b []byte) *sfnt.Font {
	f, err := sfnt.Parse(b)
	if err != nil {
		panic(err)
	}
	return f
}

// MaxPixels bounds the image: a drawing that would be larger at the
// scale asked for is drawn at the scale that fits.
const MaxPixels = 16 << 20

// style is what an element inherits from its ancestors.
type style struct {
	fill       string
	fontSize   float64
	fontWeight string
	anchor     string
	dy         float64 // the enclosing svg's y offset
}

// Draw reads an SVG document written by package render and draws it at
// scale (1 is one pixel per SVG unit; lower when MaxPixels requires) on a
// white background.
func Draw(r io.Reader, scale float64) (*image.RGBA, error) {
	if scale <= 0 || scale > 8 {
		return nil, fmt.Errorf("raster: scale %v: want more than 0 and at most 8", scale)
	}
	dec := xml.NewDecoder(r)
	var (
		img   *image.RGBA
		z     *vector.Rasterizer
		stack []style
		text  *xml.StartElement // the open <text>
		buf   strings.Builder
	)
	cur := style{fill: "#000000", fontSize: 16, fontWeight: "normal", anchor: "start"}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("raster: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			stack = append(stack, cur)
			attr := attrs(t)
			if v, ok := attr["fill"]; ok {
				cur.fill = v
			}
			if v, ok := attr["font-size"]; ok {
				cur.fontSize = num(v)
			}
			if v, ok := attr["font-weight"]; ok {
				cur.fontWeight = v
			}
			if v, ok := attr["text-anchor"]; ok {
				cur.anchor = v
			}
			switch t.Name.Local {
			case "svg":
				if img == nil {
					w, h := num(attr["width"])*scale, num(attr["height"])*scale
					if w < 1 || h < 1 {
						return nil, fmt.Errorf("raster: a drawing of %v×%v pixels", w, h)
					}
					if w*h > MaxPixels {
						// A long table: smaller rather than refused.
						f := math.Sqrt(MaxPixels / (w * h))
						scale, w, h = scale*f, w*f, h*f
					}
					img = image.NewRGBA(image.Rect(0, 0, int(math.Ceil(w)), int(math.Ceil(h))))
					draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
					z = vector.NewRasterizer(img.Bounds().Dx(), img.Bounds().Dy())
				} else {
					cur.dy += num(attr["y"])
				}
			case "text":
				text = &t
				buf.Reset()
			default:
				if img != nil {
					p := painter{img: img, z: z, s: scale, dy: cur.dy}
					p.shape(t.Name.Local, attr, cur)
				}
			}
		case xml.CharData:
			if text != nil {
				buf.Write(t)
			}
		case xml.EndElement:
			if t.Name.Local == "text" && text != nil && img != nil {
				p := painter{img: img, z: z, s: scale, dy: cur.dy}
				p.text(attrs(*text), cur, buf.String())
				text = nil
			}
			if len(stack) > 0 {
				cur, stack = stack[len(stack)-1], stack[:len(stack)-1]
			}
		}
	}
	if img == nil {
		return nil, errors.New("raster: no svg element")
	}
	return img, nil
}

func attrs(t xml.StartElement) map[string]string {
	m := make(map[string]string, len(t.Attr))
	for _, a := range t.Attr {
		m[a.Name.Local] = a.Value
	}
	return m
}

func num(s string) float64 {
	f, _ := strconv.ParseFloat(strings.TrimSpace(s), 64)
	return f
}

// paint parses a fill or stroke: #rrggbb, or none (ok false).
func paint(s string, opacity float64) (color.Color, bool) {
	if len(s) != 7 || s[0] != '#' {
		return nil, false
	}
	v, err := strconv.ParseUint(s[1:], 16, 32)
	if err != nil {
		return nil, false
	}
	a := math.Max(0, math.Min(1, opacity))
	return color.NRGBA{R: uint8(v >> 16), G: uint8(v >> 8), B: uint8(v), A: uint8(a*255 + 0.5)}, true
}

type pt struct{ x, y float64 }

type painter struct {
	img *image.RGBA
	z   *vector.Rasterizer
	s   float64 // scale
	dy  float64 // the enclosing svg's offset
}

// at maps SVG units to pixels.
func (p painter) at(x, y float64) (float32, float32) {
	return float32(x * p.s), float32((y + p.dy) * p.s)
}

// fill draws the polygons (each closed) in c, non-zero winding. Only
// their bounding box is rasterised: clearing an accumulator the size of
// the image for every glyph run would cost more than the drawing.
func (p painter) fill(polys [][]pt, c color.Color) {
	minX, minY, maxX, maxY := float32(math.MaxFloat32), float32(math.MaxFloat32), float32(-math.MaxFloat32), float32(-math.MaxFloat32)
	for _, poly := range polys {
		for _, q := range poly {
			x, y := p.at(q.x, q.y)
			minX, minY, maxX, maxY = min(minX, x), min(minY, y), max(maxX, x), max(maxY, y)
		}
	}
	r := image.Rect(int(math.Floor(float64(minX))), int(math.Floor(float64(minY))),
		int(math.Ceil(float64(maxX)))+1, int(math.Ceil(float64(maxY)))+1).Intersect(p.img.Bounds())
	if r.Empty() {
		return
	}
	z := p.z
	z.Reset(r.Dx(), r.Dy())
	z.DrawOp = draw.Over
	ox, oy := float32(r.Min.X), float32(r.Min.Y)
	for _, poly := range polys {
		if len(poly) < 3 {
			continue
		}
		x, y := p.at(poly[0].x, poly[0].y)
		z.MoveTo(x-ox, y-oy)
		for _, q := range poly[1:] {
			x, y := p.at(q.x, q.y)
			z.LineTo(x-ox, y-oy)
		}
		z.ClosePath()
	}
	z.Draw(p.img, r, image.NewUniform(c), image.Point{})
}

func (p painter) shape(name string, a map[string]string, st style) {
	opacity := 1.0
	if v, ok := a["fill-opacity"]; ok {
		opacity = num(v)
	}
	fillC, hasFill := paint(st.fill, opacity)
	strokeC, hasStroke := paint(a["stroke"], 1)
	sw := 1.0
	if v, ok := a["stroke-width"]; ok {
		sw = num(v)
	}
	switch name {
	case "rect":
		x, y, w, h := num(a["x"]), num(a["y"]), num(a["width"]), num(a["height"])
		if w <= 0 || h <= 0 || !hasFill {
			return
		}
		p.fill([][]pt{{{x, y}, {x + w, y}, {x + w, y + h}, {x, y + h}}}, fillC)
	case "line":
		if hasStroke {
			p.fill([][]pt{segment(pt{num(a["x1"]), num(a["y1"])}, pt{num(a["x2"]), num(a["y2"])}, sw)}, strokeC)
		}
	case "circle":
		c, r := pt{num(a["cx"]), num(a["cy"])}, num(a["r"])
		if hasStroke {
			p.fill([][]pt{circle(c, r+sw/2)}, strokeC)
			r -= sw / 2
		}
		if hasFill && r > 0 {
			p.fill([][]pt{circle(c, r)}, fillC)
		}
	case "path":
		subs := parsePath(a["d"])
		if hasFill {
			p.fill(subs, fillC)
		}
		if hasStroke {
			var polys [][]pt
			for _, sp := range subs {
				for i := 1; i < len(sp); i++ {
					polys = append(polys, segment(sp[i-1], sp[i], sw))
				}
				for _, q := range sp {
					polys = append(polys, circle(q, sw/2)) // round joins
				}
			}
			p.fill(polys, strokeC)
		}
	}
}

// segment is the rectangle of a stroke of width w from a to b, wound
// clockwise like circle, so overlapping pieces of a stroke add up.
func segment(a, b pt, w float64) []pt {
	dx, dy := b.x-a.x, b.y-a.y
	l := math.Hypot(dx, dy)
	if l == 0 {
		return nil
	}
	nx, ny := -dy/l*w/2, dx/l*w/2
	poly := []pt{{a.x + nx, a.y + ny}, {b.x + nx, b.y + ny}, {b.x - nx, b.y - ny}, {a.x - nx, a.y - ny}}
	if area(poly) < 0 {
		poly[1], poly[3] = poly[3], poly[1]
	}
	return poly
}

func area(poly []pt) float64 {
	var s float64
	for i, a := range poly {
		b := poly[(i+1)%len(poly)]
		s += a.x*b.y - b.x*a.y
	}
	return s / 2
}

func circle(c pt, r float64) []pt {
	n := max(12, int(r*2))
	out := make([]pt, n)
	for i := range out {
		a := 2 * math.Pi * float64(i) / float64(n)
		out[i] = pt{c.x + r*math.Cos(a), c.y + r*math.Sin(a)}
	}
	return out
}

// parsePath reads M, L, A and Z commands with absolute coordinates, the
// ones render writes, into polylines (arcs flattened).
func parsePath(d string) [][]pt {
	f := strings.FieldsFunc(d, func(r rune) bool { return r == ' ' || r == ',' })
	var out [][]pt
	var cur []pt
	var cmd byte
	i := 0
	next := func() float64 {
		if i >= len(f) {
			return 0
		}
		v := num(f[i])
		i++
		return v
	}
	for i < len(f) {
		tok := f[i]
		if c := tok[0]; c >= 'A' && c <= 'Z' {
			cmd = c
			if len(tok) == 1 {
				i++
			} else {
				f[i] = tok[1:]
			}
		}
		switch cmd {
		case 'M':
			if len(cur) > 0 {
				out = append(out, cur)
			}
			cur = []pt{{next(), next()}}
			cmd = 'L'
		case 'L':
			cur = append(cur, pt{next(), next()})
		case 'A':
			rx, ry := next(), next()
			next() // x-axis rotation: render writes 0
			large, sweep := next() != 0, next() != 0
			to := pt{next(), next()}
			if len(cur) == 0 {
				cur = []pt{to}
				continue
			}
			cur = append(cur, arc(cur[len(cur)-1], to, (rx+ry)/2, large, sweep)...)
		case 'Z':
			if len(cur) > 0 {
				out = append(out, cur)
			}
			cur = nil
		default:
			i++ // an unknown command: skip its token
		}
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// arc flattens a circular arc of radius r from a to b (SVG's endpoint
// parameters, section F.6.5 of SVG 1.1 for a circle), without a.
func arc(a, b pt, r float64, large, sweep bool) []pt {
	dx, dy := (a.x-b.x)/2, (a.y-b.y)/2
	d2 := dx*dx + dy*dy
	if d2 == 0 || r == 0 {
		return []pt{b}
	}
	r = math.Max(r, math.Sqrt(d2))
	k := math.Sqrt(math.Max(0, (r*r-d2)/d2))
	if large == sweep {
		k = -k
	}
	cx := (a.x+b.x)/2 + k*dy
	cy := (a.y+b.y)/2 - k*dx
	t0 := math.Atan2(a.y-cy, a.x-cx)
	t1 := math.Atan2(b.y-cy, b.x-cx)
	dt := t1 - t0
	if sweep && dt < 0 {
		dt += 2 * math.Pi
	} else if !sweep && dt > 0 {
		dt -= 2 * math.Pi
	}
	n := max(2, int(math.Abs(dt)*r/2))
	out := make([]pt, 0, n)
	for i := 1; i <= n; i++ {
		t := t0 + dt*float64(i)/float64(n)
		out = append(out, pt{cx + r*math.Cos(t), cy + r*math.Sin(t)})
	}
	return out
}

// text draws s from its glyph outlines: anchored at x, on the baseline y
// (moved by dy in em), rotated by a "rotate(deg x y)" transform.
func (p painter) text(a map[string]string, st style, s string) {
	c, ok := paint(st.fill, 1)
	if !ok || strings.TrimSpace(s) == "" {
		return
	}
	f := regular
	if w := st.fontWeight; w == "bold" || w == "600" || w == "700" {
		f = bold
	}
	size := st.fontSize
	if v, ok := a["font-size"]; ok {
		size = num(v)
	}
	x, y := num(a["x"]), num(a["y"])
	if dy := a["dy"]; strings.HasSuffix(dy, "em") {
		y += num(strings.TrimSuffix(dy, "em")) * size
	} else if dy != "" {
		y += num(dy)
	}
	var sb sfnt.Buffer
	ppem := fixed.I(int(math.Round(size * 64)))
	// Glyph outlines at 64× the size, scaled back, keep sub-pixel detail.
	const up = 64.0
	type glyph struct {
		idx sfnt.GlyphIndex
		x   float64
	}
	var gs []glyph
	adv := 0.0
	prev := sfnt.GlyphIndex(0)
	for _, r := range s {
		idx, err := f.GlyphIndex(&sb, r)
		if err != nil || idx == 0 {
			idx, _ = f.GlyphIndex(&sb, '?')
		}
		if prev != 0 {
			if k, err := f.Kern(&sb, prev, idx, ppem, font.HintingNone); err == nil {
				adv += float64(k) / 64 / up
			}
		}
		gs = append(gs, glyph{idx, adv})
		a, err := f.GlyphAdvance(&sb, idx, ppem, font.HintingNone)
		if err == nil {
			adv += float64(a) / 64 / up
		}
		prev = idx
	}
	switch st.anchor {
	case "middle":
		x -= adv / 2
	case "end":
		x -= adv
	}
	rot, ox, oy := 0.0, 0.0, 0.0
	if t := a["transform"]; strings.HasPrefix(t, "rotate(") {
		parts := strings.Fields(strings.TrimSuffix(strings.TrimPrefix(t, "rotate("), ")"))
		if len(parts) == 3 {
			rot, ox, oy = num(parts[0])*math.Pi/180, num(parts[1]), num(parts[2])
		}
	}
	tr := func(q pt) pt {
		if rot == 0 {
			return q
		}
		dx, dy := q.x-ox, q.y-oy
		return pt{ox + dx*math.Cos(rot) - dy*math.Sin(rot), oy + dx*math.Sin(rot) + dy*math.Cos(rot)}
	}
	var polys [][]pt
	for _, g := range gs {
		segs, err := f.LoadGlyph(&sb, g.idx, ppem, nil)
		if err != nil {
			continue
		}
		at := func(v fixed.Point26_6) pt {
			return tr(pt{x + g.x + float64(v.X)/64/up, y + float64(v.Y)/64/up})
		}
		var cur []pt
		var last pt
		for _, sg := range segs {
			switch sg.Op {
			case sfnt.SegmentOpMoveTo:
				if len(cur) > 0 {
					polys = append(polys, cur)
				}
				last = at(sg.Args[0])
				cur = []pt{last}
			case sfnt.SegmentOpLineTo:
				last = at(sg.Args[0])
				cur = append(cur, last)
			case sfnt.SegmentOpQuadTo:
				c1, e := at(sg.Args[0]), at(sg.Args[1])
				for i := 1; i <= 6; i++ {
					t := float64(i) / 6
					u := 1 - t
					cur = append(cur, pt{u*u*last.x + 2*u*t*c1.x + t*t*e.x, u*u*last.y + 2*u*t*c1.y + t*t*e.y})
				}
				last = e
			case sfnt.SegmentOpCubeTo:
				c1, c2, e := at(sg.Args[0]), at(sg.Args[1]), at(sg.Args[2])
				for i := 1; i <= 8; i++ {
					t := float64(i) / 8
					u := 1 - t
					cur = append(cur, pt{
						u*u*u*last.x + 3*u*u*t*c1.x + 3*u*t*t*c2.x + t*t*t*e.x,
						u*u*u*last.y + 3*u*u*t*c1.y + 3*u*t*t*c2.y + t*t*t*e.y})
				}
				last = e
			}
		}
		if len(cur) > 0 {
			polys = append(polys, cur)
		}
	}
	p.fill(polys, c)
}
