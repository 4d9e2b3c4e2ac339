package convreport

import (
	"time"

	"github.com/shopspring/decimal"
)

// Result is one report computed for one query.
type Result struct {
	Report Report
	// From and To are the resolved date range, in the query's zone.
	From, To time.Time
	Zone     *time.Location
	// Points in the report's sort order; time series in bucket order.
	Points []Point
	// Matched is the number of conversations that passed the report's
	// filters and date range; Excluded those among them the measure does not
	// apply to (never answered, still open).
	Matched  int64
	Excluded int64
	// Folded is the number of groups (or series) folded into the "Other"
	// point (or series), by the report's Limit or the engine's MaxGroups.
	Folded int
	// BusinessHours is true when the report's measure is a duration that
	// counted business hours only; Calendar is then the name of the
	// calendar it counted by (empty for an unnamed Query.Calendar), before
	// any inbox's own calendar.
	BusinessHours bool
	Calendar      string
}

// Point is one data point: a group of conversations and its value.
type Point struct {
	// Dimensions holds the group's value of each of the report's
	// dimensions, in order.
	Dimensions []DimensionValue
	// Bucket is the start of the point's time bucket in the query's zone;
	// zero when the report has no Bucket.
	Bucket time.Time
	// Other marks the point that folds every group beyond the report's
	// Limit.
	Other bool
	// Value is the measure: a count, decimal seconds rounded half away from
	// zero to milliseconds, or a percentage. It is not Valid for a duration
	// aggregate of an empty time bucket.
	Value decimal.NullDecimal
	// Count is the number of conversations behind the value: what
	// DrillDown returns.
	Count int64
	// Excluded is the number of conversations of the group the measure does
	// not apply to (no agent reply, not closed); for an SLA measure, the
	// pending conversations.
	Excluded int64
	// Breaches is, for an SLA measure, the number of conversations of
	// Count that breached the target: what DrillDown returns.
	Breaches int64
}

// DimensionValue is a point's value of one dimension.
type DimensionValue struct {
	Property string // the property's Name
	Value    string // the value as text
	Known    bool   // false for the group of conversations with no value
}

// Label is the value, or "(no value)" for unknown ones.
func (d DimensionValue) Label() string {
	if !d.Known {
		return "(no value)"
	}
	return d.Value
}
