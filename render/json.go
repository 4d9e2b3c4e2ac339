package render

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/internal/civil"
	"github.com/shopspring/decimal"
)

// JSONDashboard is the result JSON (docs/semantics.md), the format tools outside
// Go read: [JSON] writes it, [ParseJSON] reads it back.
//
//	{"dashboard": "Chat overview", "from": "2025-03-01T00:00:00+01:00",
//	 "to": "2025-04-01T00:00:00+02:00", "time_zone": "Europe/Paris",
//	 "reports": [{"id": "avg-first-response-by-rep", "name": "…", "measure": "avg_first_response_time",
//	   "unit": "seconds", "chart": "bar",
//	   "points": [{"dimensions": {"assignee": "rep-07"}, "value": "312.5", "count": 8}]}]}
type JSONDashboard struct {
	Dashboard string `json:"dashboard"`
	// From and To are RFC 3339 instants written in the query's zone, or
	// in UTC when the zone's offset then had seconds (Africa/Monrovia
	// before 1972, -0:44:30), which RFC 3339 cannot write: an offset cut
	// to minutes would name another instant.
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
	// TimeZone is the zone's name as time.Location.String gives it: an IANA
	// name for a zone loaded with time.LoadLocation, "UTC" by default.
	TimeZone string       `json:"time_zone"`
	Reports  []JSONReport `json:"reports"`
}

// JSONReport is one report's result.
type JSONReport struct {
	// ID is the report's ID in its dashboard; absent for a report run
	// alone without one.
	ID      string `json:"id,omitempty"`
	Name    string `json:"name"`
	Measure string `json:"measure"` // [convreport.Measure.Key]
	Unit    string `json:"unit"`    // [convreport.Measure.Unit]
	// Chart is the chart type the report is drawn as, its default resolved
	// (see [NewChartSpec]).
	Chart  convreport.ChartType `json:"chart"`
	Points []JSONPoint          `json:"points"`
	// Compare is the query's comparison ("previous" or "year"), set when
	// the points carry previous_value and previous_count; PreviousFrom
	// and PreviousTo are then the compared period, in the query's zone
	// (in UTC where From and To are).
	Compare      convreport.Compare `json:"compare,omitempty"`
	PreviousFrom *time.Time         `json:"previous_from,omitempty"`
	PreviousTo   *time.Time         `json:"previous_to,omitempty"`
}

// JSONPoint is one data point.
type JSONPoint struct {
	// Dimensions holds the point's value of each dimension under the
	// property's key, null for the group with no value, then, for a time
	// series, "bucket": the bucket's start in the query's zone
	// ("2025-03-30", or "2025-03-30T14:00+02:00" for hour buckets, with the offset so a repeated hour stays distinct).
	Dimensions JSONDimensions `json:"dimensions"`
	// Value is the exact decimal, seconds for durations; nil (JSON null)
	// when the point has no value, like an average over an empty bucket.
	Value *string `json:"value"`
	// Count is the number of conversations behind the point: what its
	// drill-down returns.
	Count int64 `json:"count"`
	// Other is true for the point that folds the groups beyond the report's
	// limit; its dimension values read "Other". The key is left out on
	// every other point.
	Other bool `json:"other,omitempty"`
	// PreviousCount and PreviousValue are the same point in the compared
	// period ([convreport.Point.Previous]) when the report was compared:
	// previous_count is then present (0 for a group the earlier period
	// lacks), and previous_value is the exact decimal, absent when that
	// point has no value. Both are absent on the Other point and on a
	// bucket past the end of a shorter earlier period.
	PreviousCount *int64  `json:"previous_count,omitempty"`
	PreviousValue *string `json:"previous_value,omitempty"`
}

// Decimal returns the point's value as a decimal, invalid when null.
func (p JSONPoint) Decimal() (decimal.NullDecimal, error) {
	if p.Value == nil {
		return decimal.NullDecimal{}, nil
	}
	d, err := decimal.NewFromString(*p.Value)
	if err != nil {
		return decimal.NullDecimal{}, fmt.Errorf("render: point value %q: %w", *p.Value, err)
	}
	return decimal.NewNullDecimal(d), nil
}

// JSONDimension is one key of a point's "dimensions" object.
type JSONDimension struct {
	Key   string
	Value *string // nil for JSON null: no value
}

// JSONDimensions is a point's "dimensions" object with its keys in order:
// the report's dimensions, then "bucket".
type JSONDimensions []JSONDimension

// Get returns the value of key; known is false for null, ok false when the
// key is absent.
func (ds JSONDimensions) Get(key string) (value string, known, ok bool) {
	for _, d := range ds {
		if d.Key == key {
			if d.Value == nil {
				return "", false, true
			}
			return *d.Value, true, true
		}
	}
	return "", false, false
}

// MarshalJSON writes the dimensions as one object, keys in order.
func (ds JSONDimensions) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, d := range ds {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := marshalNoHTML(d.Key)
		if err != nil {
			return nil, err
		}
		v, err := marshalNoHTML(d.Value)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

func marshalNoHTML(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

// UnmarshalJSON reads an object of strings and nulls, keeping its key order.
func (ds *JSONDimensions) UnmarshalJSON(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if tok == nil {
		*ds = nil
		return nil
	}
	if tok != json.Delim('{') {
		return errors.New("render: dimensions: want an object")
	}
	out := JSONDimensions{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key := tok.(string) // object keys are strings
		var v *string
		if err := dec.Decode(&v); err != nil {
			return fmt.Errorf("render: dimension %q: want a string or null: %w", key, err)
		}
		out = append(out, JSONDimension{Key: key, Value: v})
	}
	if _, err := dec.Token(); err != nil {
		return err
	}
	*ds = out
	return nil
}

// NewJSON builds the result JSON of d, as [JSON] writes it.
func NewJSON(d Dashboard) JSONDashboard {
	d = d.resolved()
	out := JSONDashboard{
		Dashboard: d.Name,
		From:      civil.Writable(d.From.In(d.Zone)),
		To:        civil.Writable(d.To.In(d.Zone)),
		TimeZone:  d.Zone.String(),
		Reports:   make([]JSONReport, len(d.Results)),
	}
	for i, r := range d.Results {
		out.Reports[i] = jsonReport(r, d.Zone)
	}
	return out
}

func jsonReport(r convreport.Result, zone *time.Location) JSONReport {
	if r.Zone != nil {
		zone = r.Zone
	}
	rep := r.Report
	out := JSONReport{
		ID:      rep.ID,
		Name:    rep.Name,
		Measure: rep.Measure.Key(),
		Unit:    rep.Measure.Unit(),
		Chart:   NewChartSpec(r).Type,
		Points:  make([]JSONPoint, len(r.Points)),
	}
	if r.Compare != convreport.NoCompare {
		out.Compare = r.Compare
		pf, pt := civil.Writable(r.PreviousFrom.In(zone)), civil.Writable(r.PreviousTo.In(zone))
		out.PreviousFrom, out.PreviousTo = &pf, &pt
	}
	for i, p := range r.Points {
		jp := JSONPoint{Count: p.Count, Other: p.Other, Dimensions: JSONDimensions{}}
		if pp := p.Previous; pp != nil {
			n := pp.Count
			jp.PreviousCount = &n
			if pp.Value.Valid {
				s := pp.Value.Decimal.String()
				jp.PreviousValue = &s
			}
		}
		for j, dv := range p.Dimensions {
			name := dv.Property
			if name == "" && j < len(rep.Dimensions) {
				name = rep.Dimensions[j]
			}
			jd := JSONDimension{Key: propertyKey(name)}
			if dv.Known {
				jd.Value = &dv.Value
			}
			jp.Dimensions = append(jp.Dimensions, jd)
		}
		if rep.Bucket != convreport.NoBucket {
			b := rep.Bucket.Key(p.Bucket.In(zone))
			jp.Dimensions = append(jp.Dimensions, JSONDimension{Key: "bucket", Value: &b})
		}
		if p.Value.Valid {
			s := p.Value.Decimal.String()
			jp.Value = &s
		}
		out.Points[i] = jp
	}
	return out
}

// propertyKey maps a property name to its key in result JSON; a custom
// property's key is its name.
func propertyKey(name string) string {
	if p, ok := convreport.DefaultSchema().Lookup(name); ok {
		return p.Key
	}
	return name
}

// JSON writes d as result JSON (see [JSONDashboard]), indented, with
// HTML characters left unescaped.
func JSON(w io.Writer, d Dashboard) error {
	if err := checkResults(d.Results); err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(NewJSON(d))
}

// ParseJSON reads result JSON. Unknown keys are ignored, so readers keep
// working when the format gains a field.
func ParseJSON(r io.Reader) (JSONDashboard, error) {
	var d JSONDashboard
	if err := json.NewDecoder(r).Decode(&d); err != nil {
		return JSONDashboard{}, fmt.Errorf("render: reading result JSON: %w", err)
	}
	return d, nil
}
