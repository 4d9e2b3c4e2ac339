package convreport

import "slices"

// Op is the operator of a structured filter [Condition].
type Op string

// The operators of the report editor's advanced filters.
const (
	IsAnyOf     Op = "is_any_of"    // value is one of Values
	IsNoneOf    Op = "is_none_of"   // value is none of Values (unknown passes)
	IsKnown     Op = "is_known"     // value is set
	IsUnknown   Op = "is_unknown"   // value is not set
	Equals      Op = "equals"       // value equals Values[0]
	NotEquals   Op = "not_equals"   // value differs from Values[0] (unknown passes)
	Contains    Op = "contains"     // string contains Values[0]
	StartsWith  Op = "starts_with"  // string starts with Values[0]
	GreaterThan Op = "greater_than" // number, duration or time > Values[0]
	LessThan    Op = "less_than"    // number, duration or time < Values[0]
	Between     Op = "between"      // Values[0] <= value < Values[1]
	InLastDays  Op = "in_last_days" // time within the last Values[0] days before the query's Now
	Before      Op = "before"       // time < Values[0]
	After       Op = "after"        // time >= Values[0]
)

// OperatorInfo describes an operator as a report editor offers it: the
// one table that condition checks and the editor's menus both read.
type OperatorInfo struct {
	Op    Op     `json:"op"`
	Label string `json:"label"` // as the editor shows it: "is greater than"
	// Kinds lists the property kinds the operator applies to; empty means
	// every kind.
	Kinds []Kind `json:"kinds,omitempty"`
	// Values is how many values it takes: 0, 1, 2, or -1 for one or more.
	Values int `json:"values"`
}

var (
	listable   = []Kind{KindString, KindEnum, KindNumber, KindBool}
	comparable = []Kind{KindNumber, KindDuration, KindTime}
	timeOnly   = []Kind{KindTime}

	// operatorTable is every operator, in the order an editor lists them.
	operatorTable = [...]OperatorInfo{
		{IsAnyOf, "is any of", listable, -1},
		{IsNoneOf, "is none of", listable, -1},
		{IsKnown, "is known", nil, 0},
		{IsUnknown, "is unknown", nil, 0},
		{Equals, "is equal to", nil, 1},
		{NotEquals, "is not equal to", nil, 1},
		{Contains, "contains", []Kind{KindString}, 1},
		{StartsWith, "starts with", []Kind{KindString}, 1},
		{GreaterThan, "is greater than", comparable, 1},
		{LessThan, "is less than", comparable, 1},
		{Between, "is between", comparable, 2},
		{InLastDays, "is in the last N days", timeOnly, 1},
		{Before, "is before", timeOnly, 1},
		{After, "is after", timeOnly, 1},
	}
)

// Operators returns every operator with its label, the kinds it applies to
// and how many values it takes, in the order an editor lists them; the
// slice and its Kinds are the caller's.
func Operators() []OperatorInfo {
	out := make([]OperatorInfo, len(operatorTable))
	for i, o := range operatorTable {
		o.Kinds = slices.Clone(o.Kinds)
		out[i] = o
	}
	return out
}

// info returns o's entry of the table, and false for an unknown operator.
func (o Op) info() (OperatorInfo, bool) {
	for _, e := range operatorTable {
		if e.Op == o {
			return e, true
		}
	}
	return OperatorInfo{}, false
}

// Condition is one structured filter: a property, an operator and its
// operands written as text in the property's format (numbers as decimals,
// durations as "5m", times as RFC 3339 or a date "2025-03-01" read in the
// query's zone). Conditions compile to the same expression text as
// [Report.Filter], so a saved report is readable and one path runs both.
type Condition struct {
	Property string   `json:"property"`
	Op       Op       `json:"op"`
	Values   []string `json:"values,omitempty"`
}
