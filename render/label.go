package render

import (
	"strings"

	"github.com/convreport/convreport"
)

// noValueLabel is how every output labels the group of conversations
// with no value of a dimension.
var noValueLabel = convreport.DimensionValue{}.Label()

// DimensionLabel is d's label for people, as every renderer shows it on
// axes, in legends, tooltips, tables, CSV and Vega-Lite, and as the
// command line names a point: the value itself; "(no value)" for the
// group with no value; and a value that reads "(no value)" once its
// surrounding quotes (“…” or "…", any number of layers) are taken off
// gets one more layer of curly quotes. So the group with none reads
// (no value), the value "(no value)" reads “(no value)”, the value
// “(no value)” reads ““(no value)”” and the value "(no value)" (ASCII
// quotes and all) reads “"(no value)"”: every group has a label of its
// own, and [ParseDimensionLabel] reads each back. Any other value is its
// own label.
func DimensionLabel(d convreport.DimensionValue) string {
	if !d.Known {
		return noValueLabel
	}
	if quotedNoValue(d.Value) {
		return "“" + d.Value + "”"
	}
	return d.Value
}

// ParseDimensionLabel reads a label made by [DimensionLabel] back into
// the value it names: known is false for "(no value)" (and for an empty
// label, which names no value either). A label that reads "(no value)"
// within quotes loses one layer of them, curly or ASCII, so that both
// “(no value)” and "(no value)" name the value "(no value)". Any other
// label is the value itself.
func ParseDimensionLabel(label string) (value string, known bool) {
	if label == "" || label == noValueLabel {
		return "", false
	}
	if inner, ok := unquoteOnce(label); ok && quotedNoValue(inner) {
		return inner, true
	}
	return label, true
}

// quotedNoValue reports whether s reads noValueLabel once every layer of
// surrounding quotes is taken off (none included).
func quotedNoValue(s string) bool {
	for s != noValueLabel {
		inner, ok := unquoteOnce(s)
		if !ok {
			return false
		}
		s = inner
	}
	return true
}

// unquoteOnce takes one layer of surrounding quotes, “…” or "…", off s.
func unquoteOnce(s string) (string, bool) {
	for _, q := range [...][2]string{{"“", "”"}, {`"`, `"`}} {
		if len(s) >= len(q[0])+len(q[1]) && strings.HasPrefix(s, q[0]) && strings.HasSuffix(s, q[1]) {
			return s[len(q[0]) : len(s)-len(q[1])], true
		}
	}
	return "", false
}
