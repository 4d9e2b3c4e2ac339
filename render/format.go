package render

import (
	"fmt"
	"github.com/convreport/convreport/calendar"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// nullValue is how a point without a value reads.
const nullValue = "–"

// FormatValue writes a value of the given unit (see
// [convreport.Measure.Unit]) for people: "seconds" humanised ("45s",
// "5m 12s", "1h 03m", "2d 04h"), "percent" with one decimal ("82.5 %"),
// anything else with thousands separators ("12,345"). A null value reads
// "–".
func FormatValue(v decimal.NullDecimal, unit string) string {
	if !v.Valid {
		return nullValue
	}
	switch unit {
	case "seconds":
		return FormatDuration(v.Decimal)
	case "percent":
		return FormatPercent(v.Decimal)
	}
	return groupThousands(v.Decimal.String())
}

// FormatPercent writes a percentage for people, rounded half away from
// zero to one decimal: "82.5 %", "100 %". Percent values are written with
// it everywhere, and pie shares through [FormatShare].
func FormatPercent(pct decimal.Decimal) string {
	return pct.Round(1).String() + " %"
}

// FormatShare writes part's share of total as a percentage, as every
// output writes a pie's slice: the exact quotient rounded half away from
// zero to one decimal, as [FormatPercent] rounds ("28.8 %" for 23 of 80,
// which a float share, 0.2875 × 100 = 28.749999…, would write 28.7 %).
// A part or total that is not positive has a share of "0 %".
func FormatShare(part, total decimal.Decimal) string {
	if !part.IsPositive() || !total.IsPositive() {
		return "0 %"
	}
	if outOfScale(part) || outOfScale(total) {
		// Past any real value (only a Result made by hand has one), where
		// an exact quotient would take unbounded digits.
		return FormatPercent(decimal.NewFromFloat(part.InexactFloat64() / total.InexactFloat64() * 100))
	}
	// q is the share in tenths of a percent, cut; r what the cut left,
	// in [0, total/10).
	q, r := part.Shift(2).QuoRem(total, 1)
	if r.Shift(1).Mul(decimal.NewFromInt(2)).Cmp(total) >= 0 {
		q = q.Add(decimal.New(1, -1))
	}
	return FormatPercent(q)
}

// outOfScale reports whether d's exponent is past any value a report
// holds.
func outOfScale(d decimal.Decimal) bool {
	e := d.Exponent()
	return e > 400 || e < -400
}

// FormatCount writes n with thousands separators: "12,345".
func FormatCount(n int64) string {
	return groupThousands(strconv.FormatInt(n, 10))
}

// FormatDuration writes a number of seconds for people, the one rule of
// every output (text, drill-downs, SVG, HTML, the web UI, whose script
// shows the text the server formats with it), rounded half away
// from zero to the precision shown: whole milliseconds under 0.05 s
// ("1ms", "49ms"), one decimal under 10 s ("0.5s", "4.2s"), whole
// seconds under a minute ("45s"), then two units: "5m 03s", "1h 03m",
// "2d 04h". Only zero reads "0s": a duration under half a millisecond
// reads "<1ms", so that a breach of a millisecond never shows as none.
func FormatDuration(sec decimal.Decimal) string {
	if sec.IsNegative() {
		return "-" + FormatDuration(sec.Neg())
	}
	if sec.IsZero() {
		return "0s"
	}
	if r := sec.Round(1); r.IsZero() {
		ms := sec.Shift(3).Round(0)
		if ms.IsZero() {
			return "<1ms"
		}
		return ms.String() + "ms"
	} else if r.LessThan(decimal.NewFromInt(10)) {
		return r.String() + "s"
	}
	s := sec.Round(0).IntPart()
	switch {
	case s < 60:
		return fmt.Sprintf("%ds", s)
	case s < 3600:
		return fmt.Sprintf("%dm %02ds", s/60, s%60)
	}
	m := sec.Div(decimal.NewFromInt(60)).Round(0).IntPart()
	if m < 24*60 {
		return fmt.Sprintf("%dh %02dm", m/60, m%60)
	}
	h := sec.Div(decimal.NewFromInt(3600)).Round(0).IntPart()
	return fmt.Sprintf("%dd %02dh", h/24, h%24)
}

// shortDuration writes an axis tick of whole seconds, leaving out zero
// units: "0", "30s", "1m 30s", "5m", "1h", "1h 30m", "2d".
func shortDuration(sec float64) string {
	s := int64(sec + 0.5)
	if sec < 0 {
		return "-" + shortDuration(-sec)
	}
	if s == 0 {
		if sec > 0 {
			return strconv.FormatFloat(sec, 'f', -1, 64) + "s"
		}
		return "0"
	}
	units := []struct {
		n    int64
		name string
	}{{86400, "d"}, {3600, "h"}, {60, "m"}, {1, "s"}}
	var parts []string
	for _, u := range units {
		if s >= u.n {
			parts = append(parts, strconv.FormatInt(s/u.n, 10)+u.name)
			s %= u.n
		}
		if len(parts) == 2 {
			break
		}
	}
	return strings.Join(parts, " ")
}

// groupThousands puts a comma every three digits of a decimal's integer
// part.
func groupThousands(s string) string {
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	intPart, frac, hasFrac := strings.Cut(s, ".")
	var b strings.Builder
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if hasFrac {
		b.WriteString("." + frac)
	}
	return sign + b.String()
}

// conversations writes "1 conversation", "12 conversations".
func conversations(n int64) string {
	if n == 1 {
		return "1 conversation"
	}
	return FormatCount(n) + " conversations"
}

// FormatRange writes a half-open range [from, to) for people, as every
// rendered dashboard heads itself (a nil zone is UTC): the first
// and last day ("2025-03-01 – 2025-03-31") when both bounds start a day in
// zone (midnight, or the instant the day began where a DST change skipped
// midnight, as calendar.Date.Start defines it), otherwise both instants
// to the minute.
func FormatRange(from, to time.Time, zone *time.Location) string {
	if zone == nil {
		zone = time.UTC
	}
	from, to = from.In(zone), to.In(zone)
	dayStart := func(t time.Time) bool {
		y, m, d := t.Date()
		return t.Equal(calendar.Date{Year: y, Month: m, Day: d}.Start(zone))
	}
	if dayStart(from) && dayStart(to) {
		last := to.Add(-time.Nanosecond) // the last day is the one before to's
		if last.Format(time.DateOnly) == from.Format(time.DateOnly) {
			return from.Format("2006-01-02")
		}
		return from.Format("2006-01-02") + " – " + last.Format("2006-01-02")
	}
	return from.Format("2006-01-02 15:04") + " – " + to.Format("2006-01-02 15:04")
}

// decimalSeconds returns d in seconds, exactly.
func decimalSeconds(d time.Duration) decimal.Decimal {
	return decimal.New(int64(d), -9)
}

// ExactSeconds writes d as an exact decimal number of seconds, for
// programs: "0.001", "3673230.5", never an exponent or a rounding, as
// every machine-readable output (JSON, CSV) writes a duration.
func ExactSeconds(d time.Duration) string {
	return decimalSeconds(d).String()
}

// ExactNumber writes f in plain decimal notation, for programs: the
// shortest digits that read back as f, never an exponent ("3673230",
// not "3.67323e+06").
func ExactNumber(f float64) string {
	return strconv.FormatFloat(f, 'f', -1, 64)
}
