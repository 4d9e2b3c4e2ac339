package ingest

import (
	"math"
	"strconv"
	"time"

	"github.com/convreport/convreport/internal/civil"
)

// parseTime reads an RFC 3339 date-time with a UTC offset:
// YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM), T and Z in either case.
// It is time.Parse's RFC 3339 grammar, but the result's location is
// always UTC or a fixed zone of the written offset, never time.Local.
func (d *decoder) parseTime(b []byte) (time.Time, bool) {
	if len(b) < 20 || b[4] != '-' || b[7] != '-' || (b[10] != 'T' && b[10] != 't') || b[13] != ':' || b[16] != ':' {
		return time.Time{}, false
	}
	year, ok1 := digits(b[0:4])
	month, ok2 := two(b[5], b[6])
	day, ok3 := two(b[8], b[9])
	hour, ok4 := two(b[11], b[12])
	minute, ok5 := two(b[14], b[15])
	sec, ok6 := two(b[17], b[18])
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) ||
		month < 1 || month > 12 || day < 1 || day > daysIn(month, year) ||
		hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}
	i, ns := 19, 0
	if b[i] == '.' {
		i++
		start := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			if i-start < 9 {
				ns = ns*10 + int(b[i]-'0')
			}
			i++
		}
		n := i - start
		if n == 0 {
			return time.Time{}, false
		}
		for ; n < 9; n++ {
			ns *= 10
		}
	}
	if i >= len(b) {
		return time.Time{}, false
	}
	off := 0
	switch b[i] {
	case 'Z', 'z':
		i++
	case '+', '-':
		if len(b)-i != 6 || b[i+3] != ':' {
			return time.Time{}, false
		}
		oh, okh := digits(b[i+1 : i+3])
		om, okm := digits(b[i+4 : i+6])
		if !okh || !okm || oh > 23 || om > 59 {
			return time.Time{}, false
		}
		off = (oh*60 + om) * 60
		if b[i] == '-' {
			off = -off
		}
		i += 6
	default:
		return time.Time{}, false
	}
	if i != len(b) {
		return time.Time{}, false
	}
	// The instant from the civil fields directly: time.Date would
	// normalise fields already checked, and costs as much as the rest.
	unix := int64(daysFromCivil(year, month, day))*86400 + int64(hour*3600+minute*60+sec)
	if off == 0 {
		return time.Unix(unix, int64(ns)).UTC(), true
	}
	return time.Unix(unix-int64(off), int64(ns)).In(d.zone(off)), true
}

// daysFromCivil is the number of days from 1970-01-01 to a date of the
// proleptic Gregorian calendar: whole 400-year eras of 146,097 days, then
// the day within the era, counted from March so that a leap day ends a
// year.
func daysFromCivil(year, month, day int) int {
	if month <= 2 {
		year--
	}
	era := year / 400
	if year < 0 {
		era = (year - 399) / 400
	}
	yoe := year - era*400         // [0, 399]
	mp := (month + 9) % 12        // March is 0
	doy := (153*mp+2)/5 + day - 1 // [0, 365]
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468 // 719,468 days from 0000-03-01 to 1970-01-01
}

// two reads two decimal digits.
func two(a, b byte) (int, bool) {
	a, b = a-'0', b-'0'
	return int(a)*10 + int(b), a <= 9 && b <= 9
}

// timeValue reads a time value of field, as parseTime, and refuses one
// outside the times conversations can hold with the library's message, so
// that a time given (even 0001-01-01T00:00:00Z, the zero time.Time) is
// never taken for a missing one.
func (d *decoder) timeValue(field string, b []byte) (time.Time, error) {
	t, ok := d.parseTime(b)
	if !ok {
		return t, fieldErr(field, "%s is not an RFC 3339 time with offset", quote(string(b)))
	}
	if !civil.InRange(t) {
		return t, fieldErr(field, "%s", civil.RangeReason(string(b)))
	}
	return t, nil
}

// zone returns a shared fixed zone for an offset in seconds.
func (d *decoder) zone(off int) *time.Location {
	if loc, ok := d.zones[off]; ok {
		return loc
	}
	loc := time.FixedZone("", off)
	if d.zones == nil {
		d.zones = map[int]*time.Location{}
	}
	d.zones[off] = loc
	return loc
}

func digits(b []byte) (int, bool) {
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

func daysIn(month, year int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// appendTime writes t in RFC 3339 with as many fraction digits as needed,
// in t's own offset when RFC 3339 can carry it (whole minutes, under a
// day) and in UTC otherwise, so that the instant always survives. It
// reports false for a year outside 0000–9999.
func appendTime(b []byte, t time.Time) ([]byte, bool) {
	t = civil.Writable(t)
	if y := t.Year(); y < 0 || y > 9999 {
		return b, false
	}
	return t.AppendFormat(b, time.RFC3339Nano), true
}

// numberEnd scans a JSON number in b from i. It returns the end of the
// number, and the position of the first byte that is wrong (len(b) when
// the number is cut short), or -1 when there is none.
func numberEnd(b []byte, i int) (end, bad int) {
	n := len(b)
	if i < n && b[i] == '-' {
		i++
	}
	switch {
	case i >= n:
		return i, n
	case b[i] == '0':
		i++
	case b[i] >= '1' && b[i] <= '9':
		for i < n && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	default:
		return i, i
	}
	if i < n && b[i] == '.' {
		i++
		if i >= n {
			return i, n
		}
		if b[i] < '0' || b[i] > '9' {
			return i, i
		}
		for i < n && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	}
	if i < n && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < n && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i >= n {
			return i, n
		}
		if b[i] < '0' || b[i] > '9' {
			return i, i
		}
		for i < n && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	}
	return i, -1
}

// isNumber reports whether all of b is a JSON number.
func isNumber(b []byte) bool {
	end, bad := numberEnd(b, 0)
	return bad < 0 && end == len(b) && len(b) > 0
}

// maxCount is the largest message count read, as in a Parquet file:
// 2^53, up to which every whole number is exact in a float64.
const maxCount = 1 << 53

// parseCount reads a message count: a JSON number (valid syntax) whose
// value is a whole number from 0 to maxCount. The value is taken exactly
// from the digits, never rounded: 9007199254740993 is above maxCount, not
// 2^53, and 1.0000000000000001 is not whole, though a float64 reads
// both so.
func parseCount(num []byte) (int, bool) {
	if len(num) <= 15 {
		n, ok := digits(num)
		if ok && len(num) > 0 {
			return n, true
		}
	}
	neg := len(num) > 0 && num[0] == '-'
	if neg {
		num = num[1:]
	}
	// The value is the digits of the mantissa, without its point, times
	// 10^exp.
	var mant []byte
	exp, i := 0, 0
	for ; i < len(num) && num[i] >= '0' && num[i] <= '9'; i++ {
		mant = append(mant, num[i])
	}
	if i < len(num) && num[i] == '.' {
		for i++; i < len(num) && num[i] >= '0' && num[i] <= '9'; i++ {
			mant = append(mant, num[i])
			exp--
		}
	}
	if i < len(num) && (num[i] == 'e' || num[i] == 'E') {
		i++
		sign := 1
		if i < len(num) && (num[i] == '+' || num[i] == '-') {
			if num[i] == '-' {
				sign = -1
			}
			i++
		}
		e := 0
		for ; i < len(num) && num[i] >= '0' && num[i] <= '9'; i++ {
			// Past a billion, the exponent's size alone decides: the
			// mantissa of a line has fewer digits.
			e = min(e*10+int(num[i]-'0'), 1e9)
		}
		exp += sign * e
	}
	if i != len(num) || len(mant) == 0 {
		return 0, false
	}
	for len(mant) > 0 && mant[0] == '0' {
		mant = mant[1:]
	}
	for len(mant) > 0 && mant[len(mant)-1] == '0' {
		mant = mant[:len(mant)-1]
		exp++
	}
	switch {
	case len(mant) == 0:
		return 0, true // zero, however written
	case neg || exp < 0 || len(mant)+exp > 16: // 2^53 has 16 digits
		return 0, false
	}
	n, _ := digits(mant)
	for range exp {
		n *= 10
	}
	return n, n <= maxCount
}

// parseDuration reads a Go duration ("5m30s") or a number of seconds.
func parseDuration(s string) (time.Duration, bool) {
	if isNumber([]byte(s)) {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return 0, false
		}
		return seconds(f)
	}
	d, err := time.ParseDuration(s)
	return d, err == nil
}

// seconds converts a number of seconds to a Duration, rounding to the
// nearest nanosecond.
func seconds(f float64) (time.Duration, bool) {
	ns := math.Round(f * 1e9)
	if math.IsNaN(ns) || ns >= 1<<63 || ns < -(1<<63) {
		return 0, false
	}
	return time.Duration(ns), true
}

// appendNumber writes f as JSON does: plain digits in [1e-6, 1e21),
// exponent form outside.
func appendNumber(b []byte, f float64) []byte {
	if f == 0 {
		f = 0 // -0 is 0, as every source reads it
	}
	abs := math.Abs(f)
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		return strconv.AppendFloat(b, f, 'e', -1, 64)
	}
	return strconv.AppendFloat(b, f, 'f', -1, 64)
}
