package render

import (
	"io"
	"slices"
	"strconv"

	"github.com/convreport/convreport"
)

// CSV writes one row per point of every report, after a header:
//
//	report,measure,unit,<dimension keys…>,bucket,value,count,other[,previous_value,previous_count]
//
// The dimension columns are the keys of every report's dimensions, in
// order of first use; a report leaves the others empty. bucket is the
// time bucket's start as in result JSON; value the exact decimal, empty
// when null (as is a dimension with no value); other is "true" on the point
// that folds the tail beyond a report's limit, whose dimensions read
// "Other". When a report is compared with an earlier period, previous_value
// and previous_count are the same point's there (empty where the earlier
// period has no such point, as for Other). Cells are written by
// [CSVWriter], so a label that would start a spreadsheet formula is
// neutralised; numbers stay numbers.
func CSV(w io.Writer, d Dashboard) error {
	if err := checkResults(d.Results); err != nil {
		return err
	}
	j := NewJSON(d)
	var keys []string
	for _, r := range d.Results {
		for _, name := range r.Report.Dimensions {
			if k := propertyKey(name); !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
	}
	compared := false
	for _, r := range j.Reports {
		compared = compared || r.Compare != ""
	}
	cw := NewCSVWriter(w)
	header := append(append([]string{"report", "measure", "unit"}, keys...), "bucket", "value", "count", "other")
	if compared {
		header = append(header, "previous_value", "previous_count")
	}
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
			if compared {
				pv, pc := "", ""
				if p.PreviousValue != nil {
					pv = *p.PreviousValue
				}
				if p.PreviousCount != nil {
					pc = strconv.FormatInt(*p.PreviousCount, 10)
				}
				row = append(row, pv, pc)
			}
			if err := cw.Write(row); err != nil {
				return err
			}
		}
	}
	return cw.Flush()
}

// ReportCSV writes one report as the web UI's table shows it, one row per
// point: the point's label (its dimension labels joined by " / ", then
// its bucket; "Other", then its bucket, for the folded tail) under the X axis's title, the
// exact value (decimal seconds for durations, empty when null) under the
// measure's title and unit, and, when the value is not itself a count,
// the number of conversations behind it. A compared report adds the same
// point's value and conversations in the earlier period, empty where it
// has none. Cells go through [CSVWriter].
func ReportCSV(w io.Writer, r convreport.Result) error {
	if err := checkResult(r); err != nil {
		return err
	}
	spec := NewChartSpec(r)
	head := spec.X.Title
	if head == "" {
		head = "Point"
	}
	if spec.Legend != "" {
		head += " / " + spec.Legend
	}
	showCount := spec.Y.Unit != "conversations"
	header := []string{head, spec.Y.Title + unitSuffix(spec.Y.Unit)}
	if showCount {
		header = append(header, "Conversations")
	}
	if compared(r) {
		label := capitalize(CompareLabel(r))
		header = append(header, label+unitSuffix(spec.Y.Unit))
		if showCount {
			header = append(header, "Conversations, "+CompareLabel(r))
		}
	}
	cw := NewCSVWriter(w)
	if err := cw.Write(header); err != nil {
		return err
	}
	for i, p := range r.Points {
		label := spec.Labels[i]
		if label == "" {
			label = spec.Y.Title
		}
		row := []string{label, ""}
		if p.Value.Valid {
			row[1] = p.Value.Decimal.String()
		}
		if showCount {
			row = append(row, strconv.FormatInt(p.Count, 10))
		}
		if compared(r) {
			pv, pc := "", ""
			if pp := p.Previous; pp != nil {
				if pp.Value.Valid {
					pv = pp.Value.Decimal.String()
				}
				pc = strconv.FormatInt(pp.Count, 10)
			}
			row = append(row, pv)
			if showCount {
				row = append(row, pc)
			}
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	return cw.Flush()
}
