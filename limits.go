package convreport

// Limits bounds what one run or drill-down may ask for, so a hostile or
// careless report cannot exhaust the machine. A zero field means its
// default (see [DefaultLimits]); a field above its ceiling (see
// [MaxLimits]) means the ceiling.
//
// Limits belong to the engine that runs a report. Saving a report in a
// dashboard, which no engine may be at hand for, checks the report against
// the ceilings, so that a report any engine accepts can be saved; each
// engine then refuses at run time what exceeds its own limits, and
// [Engine.CheckReport] tells in advance.
type Limits struct {
	// Filter bounds each report's filter (expression and conditions).
	Filter FilterOptions
	// MaxDimensions caps a report's dimensions; default 4.
	MaxDimensions int
	// MaxBuckets caps a report's time buckets; default 100 000.
	MaxBuckets int
	// MaxGroups caps the points (or, for a time series, the series) of a
	// report; default 10 000. Groups beyond it are not an error: they fold
	// into one "Other" point (or series) as [Report.Limit] does, and
	// [Result.Folded] says how many.
	MaxGroups int
	// MaxPoints caps the points of a time series: the series it shows
	// (those its Limit or MaxGroups keeps apart from Other, and Other)
	// times its buckets; default 1 000 000. MaxGroups and MaxBuckets
	// alone allow 10^9 points, tens of gigabytes; hours by contact over
	// a month pass a million with some 1 400 contacts. A report past it
	// fails with a *[LimitError] ("points per report") in a
	// *[ReportError] on its bucket, without building its points: the
	// scan stops as soon as it has met one series too many, and Got
	// counts the points of those. A report over no time has at most
	// MaxGroups points.
	MaxPoints int
	// MaxPageSize caps the rows of one [Drill.Page]; default [MaxPageSize].
	MaxPageSize int
}

// DefaultLimits returns the limits an engine has unless told otherwise.
func DefaultLimits() Limits {
	return Limits{
		Filter:        FilterOptions{MaxLength: DefaultMaxFilterLength, MaxNodes: DefaultMaxFilterNodes, MaxPatternSize: DefaultMaxPatternSize},
		MaxDimensions: 4, MaxBuckets: 100_000, MaxGroups: 10_000, MaxPoints: 1_000_000, MaxPageSize: MaxPageSize,
	}
}

// MaxLimits returns the ceilings of [Limits]: the widest limits any engine
// may have, and what saving a report checks against. The filter ceilings
// keep compiling a filter cheap whatever it is.
func MaxLimits() Limits {
	return Limits{
		Filter:        FilterOptions{MaxLength: 64 << 10, MaxNodes: 4096, MaxPatternSize: 10_000},
		MaxDimensions: 16, MaxBuckets: 10_000_000, MaxGroups: 1_000_000, MaxPoints: 10_000_000, MaxPageSize: 100_000,
	}
}

// withDefaults fills the zero fields of l and lowers those over a ceiling.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.Filter.MaxLength <= 0 {
		l.Filter.MaxLength = d.Filter.MaxLength
	}
	if l.Filter.MaxNodes <= 0 {
		l.Filter.MaxNodes = d.Filter.MaxNodes
	}
	if l.Filter.MaxPatternSize <= 0 {
		l.Filter.MaxPatternSize = d.Filter.MaxPatternSize
	}
	if l.MaxDimensions <= 0 {
		l.MaxDimensions = d.MaxDimensions
	}
	if l.MaxBuckets <= 0 {
		l.MaxBuckets = d.MaxBuckets
	}
	if l.MaxGroups <= 0 {
		l.MaxGroups = d.MaxGroups
	}
	if l.MaxPoints <= 0 {
		l.MaxPoints = d.MaxPoints
	}
	if l.MaxPageSize <= 0 {
		l.MaxPageSize = d.MaxPageSize
	}
	c := MaxLimits()
	l.Filter.MaxLength = min(l.Filter.MaxLength, c.Filter.MaxLength)
	l.Filter.MaxNodes = min(l.Filter.MaxNodes, c.Filter.MaxNodes)
	l.Filter.MaxPatternSize = min(l.Filter.MaxPatternSize, c.Filter.MaxPatternSize)
	l.MaxDimensions = min(l.MaxDimensions, c.MaxDimensions)
	l.MaxBuckets = min(l.MaxBuckets, c.MaxBuckets)
	l.MaxGroups = min(l.MaxGroups, c.MaxGroups)
	l.MaxPoints = min(l.MaxPoints, c.MaxPoints)
	l.MaxPageSize = min(l.MaxPageSize, c.MaxPageSize)
	return l
}

// WithLimits sets the engine's limits; zero fields keep their defaults.
func WithLimits(l Limits) Option {
	return func(e *Engine) { e.limits = l.withDefaults() }
}
