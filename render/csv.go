package render

import (
	"io"
	"slices"
	"strconv"
)

// CSV writes one row per point of every report, after a header:
//
//	report,measure,unit,<dimension keys…>,bucket,value,count,other
//
// The dimension columns are the keys of every report's dimensions, in
// order of first use; a report leaves the others empty. bucket is the
// time bucket's start as in result JSON; value the exact decimal, empty
// when null (as is a dimension with no value); other is "true" on the point
// that folds the tail beyond a report's limit, whose dimensions read
// "Other". Cells are written by [CSVWriter], so a label that would start a
// spreadsheet formula is neutralised; numbers stay numbers.
func CSV(w io.Writer, d Dashboard) error {
	j := NewJSON(d)
	var keys []string
	for _, r := range d.Results {
		for _, name := range r.Report.Dimensions {
			if k := propertyKey(name); !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
	}
	cw := NewCSVWriter(w)
	header := append(append([]string{"report", "measure", "unit"}, keys...), "bucket", "value", "count", "other")
	if err := cw.Write(header); err != nil {
		return err
	}
	for _, r := range j.Reports {
		for _, p := range r.Points {
			row := make([]string, 0, len(header))
			row = append(row, r.Name, r.Measure, r.Unit)
			for _, k := range keys {
				v, _, _ := p.Dimensions.Get(k)
				row = append(row, v)
			}
			b, _, _ := p.Dimensions.Get("bucket")
			row = append(row, b, "", strconv.FormatInt(p.Count, 10), "")
			if p.Value != nil {
				row[len(row)-3] = *p.Value
			}
			if p.Other {
				row[len(row)-1] = "true"
			}
			if err := cw.Write(row); err != nil {
				return err
			}
		}
	}
	return cw.Flush()
}
