package bench

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/convreport/convreport"
)

// NoValue keys the group of conversations without a value (unassigned, no
// page). It cannot be a real value: those never start with a NUL.
const NoValue = "\x00(no value)"

// Point is one data point as every way of computing reports can state it:
// its key (the dimension's value, NoValue, or the bucket's date), the
// conversations behind it, those the measure does not apply to, and its
// value as the engine prints it (a count, or seconds with at most three
// decimals; "null" for no value).
type Point struct {
	Key      string
	Count    int64
	Excluded int64
	Value    string
}

// Figure is one report's points, sorted by key.
type Figure struct {
	Report string // the report's ID
	Points []Point
}

// Figures are the twelve reports, in dashboard order.
type Figures []Figure

func countPoint(key string, n int64) Point {
	return Point{Key: key, Count: n, Value: strconv.FormatInt(n, 10)}
}

func avgPoint(key string, n, excluded int64, sum Sum) Point {
	return Point{Key: key, Count: n, Excluded: excluded, Value: AvgMillis(sum.Big(), n).String()}
}

func keyOf(s string) string {
	if s == "" {
		return NoValue
	}
	return s
}

// sortFigure orders the points by key.
func sortFigure(f *Figure) {
	slices.SortFunc(f.Points, func(a, b Point) int { return cmp.Compare(a.Key, b.Key) })
}

// EngineFigures states the engine's results as Figures. Points keep the
// engine's own gaps and fills: a missing day or an extra zero row shows in
// Compare.
func EngineFigures(rs []convreport.Result) (Figures, error) {
	out := make(Figures, len(rs))
	for i, r := range rs {
		f := Figure{Report: r.Report.ID}
		for _, p := range r.Points {
			var key string
			switch {
			case !p.Bucket.IsZero():
				key = p.Bucket.Format(time.DateOnly)
			case len(p.Dimensions) == 1:
				key = p.Dimensions[0].Value
				if !p.Dimensions[0].Known {
					key = NoValue
				}
			default:
				return nil, fmt.Errorf("bench: report %q: point without bucket or single dimension: %+v", r.Report.Name, p)
			}
			v := "null"
			if p.Value.Valid {
				v = p.Value.Decimal.String()
			}
			f.Points = append(f.Points, Point{Key: key, Count: p.Count, Excluded: p.Excluded, Value: v})
		}
		sortFigure(&f)
		out[i] = f
	}
	return out, nil
}

// String writes the figures as text, one point a line.
func (fs Figures) String() string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "%s\n", f.Report)
		for _, p := range f.Points {
			fmt.Fprintf(&b, "\t%q\t%d\t%d\t%s\n", p.Key, p.Count, p.Excluded, p.Value)
		}
	}
	return b.String()
}

// Digest is a hash of the figures: equal digests, equal figures.
func (fs Figures) Digest() string {
	h := sha256.Sum256([]byte(fs.String()))
	return hex.EncodeToString(h[:12])
}

// Points counts every point of every figure.
func (fs Figures) Points() int {
	n := 0
	for _, f := range fs {
		n += len(f.Points)
	}
	return n
}

// Compare returns nil when got equals want point for point, or an error
// listing the differences (at most 8 per report), naming both ways.
func Compare(wantName string, want Figures, gotName string, got Figures) error {
	var b strings.Builder
	if len(want) != len(got) {
		fmt.Fprintf(&b, "  %s has %d reports, %s has %d\n", wantName, len(want), gotName, len(got))
	}
	for i := range min(len(want), len(got)) {
		w, g := want[i], got[i]
		if w.Report != g.Report {
			fmt.Fprintf(&b, "  report %d: %s computed %q, %s computed %q\n", i+1, wantName, w.Report, gotName, g.Report)
			continue
		}
		var diffs []string
		wi, gi := 0, 0
		for wi < len(w.Points) || gi < len(g.Points) {
			var c int
			switch {
			case wi == len(w.Points):
				c = 1
			case gi == len(g.Points):
				c = -1
			default:
				c = cmp.Compare(w.Points[wi].Key, g.Points[gi].Key)
			}
			switch {
			case c < 0:
				diffs = append(diffs, fmt.Sprintf("%s: %s has %s, %s has no point", show(w.Points[wi].Key), wantName, showPoint(w.Points[wi]), gotName))
				wi++
			case c > 0:
				diffs = append(diffs, fmt.Sprintf("%s: %s has no point, %s has %s", show(g.Points[gi].Key), wantName, gotName, showPoint(g.Points[gi])))
				gi++
			default:
				if w.Points[wi] != g.Points[gi] {
					diffs = append(diffs, fmt.Sprintf("%s: %s has %s, %s has %s", show(w.Points[wi].Key), wantName, showPoint(w.Points[wi]), gotName, showPoint(g.Points[gi])))
				}
				wi++
				gi++
			}
		}
		if len(diffs) == 0 {
			continue
		}
		fmt.Fprintf(&b, "  %s: %d points differ\n", w.Report, len(diffs))
		for j, d := range diffs {
			if j == 8 {
				fmt.Fprintf(&b, "    … and %d more\n", len(diffs)-8)
				break
			}
			fmt.Fprintf(&b, "    %s\n", d)
		}
	}
	if b.Len() == 0 {
		return nil
	}
	return fmt.Errorf("bench: %s and %s disagree:\n%s", wantName, gotName, strings.TrimRight(b.String(), "\n"))
}

func show(key string) string {
	if key == NoValue {
		return "(no value)"
	}
	return strconv.Quote(key)
}

func showPoint(p Point) string {
	s := fmt.Sprintf("value %s over %d", p.Value, p.Count)
	if p.Excluded != 0 {
		s += fmt.Sprintf(" (%d excluded)", p.Excluded)
	}
	return s
}
