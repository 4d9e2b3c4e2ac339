package convreport

import (
	"time"

	"github.com/shopspring/decimal"
)

// Result is one report computed for one query.
type Result struct {
	// Report is the report as run, the one to drill its points with
	// ([Engine.DrillDown]): for a dashboard's report, with the
	// dashboard's filters and calendar ([Dashboard.Runnable]).
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
	// BusinessHours is true when the report's measure is a duration, or an
	// SLA target, that counted business hours only; Calendar is then the
	// name of the calendar it counted by (empty for an unnamed
	// Query.Calendar), before any inbox's own calendar.
	BusinessHours bool
	Calendar      string
	// Compare is the query's [Query.Compare]; PreviousFrom and
	// PreviousTo are then the period the points' Previous values come
	// from, in the query's zone ([Query.Previous] gives its query). They
	// are zero when the query compares nothing, and for a snapshot
	// report, which has no period to compare.
	Compare                  Compare
	PreviousFrom, PreviousTo time.Time
	// Schema is the schema the report ran against, its source's: it names
	// the report's properties for people ([Property.Label]), as the
	// render package titles axes, legends and tables with them. The
	// engine sets it on every result; a Result made by hand may leave it
	// nil, which reads as [DefaultSchema] (a custom property then goes by
	// its name).
	Schema *Schema

	// leftOut holds, when the run asked for them (resolved.leftOut), the
	// points of the groups with no point whose conversations the measure
	// all leaves out.
	leftOut []Point
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
	// pending conversations. [Engine.DrillExcluded] lists them.
	Excluded int64
	// Breaches is, for an SLA measure, the number of conversations of
	// Count that breached the target: what DrillDown returns.
	Breaches int64
	// Previous is the same point in the compared period when the query
	// sets [Query.Compare]: the group with the same dimension values in
	// the bucket at the same position (the first day against the first
	// day), whether or not the earlier period ranks it within the
	// report's Limit. A group the earlier period lacks gives a Previous
	// with Count 0 (and Value 0 for a count, no value otherwise).
	// Previous is nil when the query compares nothing, on the Other point
	// (which folds other groups in each period), for a bucket past the end
	// of a shorter earlier period, for snapshot reports, and for a group
	// absent from an earlier period whose groups the engine's MaxGroups
	// folded (it may be among them). DrillDown with [Query.Previous] lists
	// its conversations.
	Previous *Point
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
