package convreport

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
