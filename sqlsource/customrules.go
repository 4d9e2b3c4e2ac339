package sqlsource

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"

	"github.com/convreport/convreport"
)

// A custom property's value can break the rules a scan holds a row to as
// a built-in field's can: an enum's value none of its values, text in a
// SQLite number column, a JSON column that is not an object, a time at
// int64's first nanosecond. A scan refuses such a row; a pushed-down
// report would group or filter by the value as it is stored. The probe
// looks for them too (customMayBeInvalid), and CreateTable gives each
// custom column it makes, and the JSON column, a CHECK constraint of its
// own for the rules that never change with the schema (customRules). An
// enum's values can grow with the schema, so no constraint holds them:
// the probe looks for values outside them on every plan.

// customRule is the CHECK constraint CreateTable gives one custom column
// or the JSON column, named by a hash of its text.
type customRule struct {
	name, expr string
}

// customRules returns the constraints of l's custom columns and of its
// JSON column whose rules do not change with the schema: the storage
// class a SQLite value is stored as, a time after int64's first
// nanosecond, a JSON object. Like rowRules, only for SQLite and
// PostgreSQL tables whose times are integer nanoseconds.
func (l *layout) customRules() []customRule {
	if l.d == ClickHouse || l.times != UnixNanos {
		return nil
	}
	var out []customRule
	add := func(expr string) {
		sum := sha256.Sum256([]byte(l.d.String() + "\x00" + expr))
		out = append(out, customRule{"convreport_col_" + hex.EncodeToString(sum[:8]), expr})
	}
	for _, c := range l.stored() {
		if !c.prop.Custom || c.key != "" {
			continue
		}
		if expr := l.ownRule(l.d.quote(c.name), c.prop.Kind); expr != "" {
			add(expr)
		}
	}
	if expr := l.jsonRule(); expr != "" {
		add(expr)
	}
	return out
}

// jsonRule is the rule the JSON column keeps, "" where l has none: an
// object, or null, which a scan reads as no properties.
func (l *layout) jsonRule() string {
	if l.json == "" {
		return ""
	}
	j := l.d.quote(l.json)
	if l.d == SQLite {
		// json_valid takes JSON alone, not the JSON5 json_type reads
		// ({a: 1}), which a scan refuses.
		return j + " IS NULL OR " + j + " = '' OR (json_valid(" + j + ") AND json_type(" + j + ") IN ('object', 'null'))"
	}
	// Cast through text, so that the column may become json or text and
	// keep its rule: PostgreSQL drops a cast to the column's own type,
	// and would keep jsonb_typeof(j), which takes no json.
	return "json_typeof(" + j + "::text::json) IN ('object', 'null')"
}

// ownRule is the rule a custom column c of kind k keeps, "" for none.
func (l *layout) ownRule(c string, k convreport.Kind) string {
	switch {
	case k == convreport.KindTime && l.d == SQLite:
		return c + " IS NULL OR (typeof(" + c + ") = 'integer' AND " + c + " >= -9223372036854775807)"
	case k == convreport.KindTime:
		return c + " IS NULL OR " + c + " >= -9223372036854775807"
	case l.d != SQLite:
		return "" // PostgreSQL's column types hold the others
	case k == convreport.KindNumber:
		return "typeof(" + c + ") IN ('integer', 'real', 'null')"
	case k == convreport.KindBool:
		return c + " IS NULL OR (typeof(" + c + ") = 'integer' AND " + c + " IN (0, 1))"
	case k == convreport.KindDuration:
		return "typeof(" + c + ") IN ('integer', 'null')"
	}
	return "" // text: a SQLite TEXT column stores numbers as text, and a scan reads either
}

// customMayBeInvalid writes alternatives true of every row whose custom
// property values a scan cannot decode or the schema refuses, and of few
// others, leaving out the rules kept holds.
func (s *Source) customMayBeInvalid(o *orWriter, kept keptRules) {
	l := s.l
	isKept := func(expr string) bool { return expr != "" && kept.custom[expr] }
	q := o.q
	for _, c := range l.stored() {
		if !c.prop.Custom || c.key != "" {
			continue
		}
		col := q.d.quote(c.name)
		if c.prop.Kind == convreport.KindEnum {
			o.start(col, " IS NOT NULL AND (")
			q.text(c.name) // compared as the statements compare it
			q.w(collateBytes[q.d], ")")
			notListed(q, c.prop.Values)
			q.w(")")
			continue
		}
		if isKept(l.ownRule(col, c.prop.Kind)) {
			continue
		}
		switch k := c.prop.Kind; {
		case k == convreport.KindBool && s.d == ClickHouse:
			o.cond(col, " NOT IN (0, 1)") // UInt8
		case k == convreport.KindNumber && s.d == PostgreSQL && strings.HasPrefix(s.types[s.d.fold(c.name)], "numeric"):
			// A numeric beyond float64, which a scan cannot read.
			o.cond(col, " <> 'NaN' AND abs(", col, ") >= 1.7976931348623157e308")
		case k == convreport.KindTime && l.times == Timestamp:
			s.outsideNanos(o, col)
		case k == convreport.KindTime:
			o.cond(col, " < -9223372036854775807")
			if s.d == SQLite {
				o.cond("typeof(", col, ") NOT IN ('integer', 'null')")
			}
		case s.d != SQLite:
		case k == convreport.KindNumber:
			o.cond("typeof(", col, ") NOT IN ('integer', 'real', 'null')")
		case k == convreport.KindBool:
			o.cond("typeof(", col, ") NOT IN ('integer', 'null') OR ", col, " NOT IN (0, 1)")
		case k == convreport.KindDuration:
			o.cond("typeof(", col, ") NOT IN ('integer', 'null')")
		}
	}
	in := l.inJSON()
	if len(in) == 0 || l.json == "" {
		return
	}
	j := q.d.quote(l.json)
	// A json column is read as it is: a cast to jsonb fails on some
	// text a scan reads (a \u0000 escape).
	typeOf := "jsonb_typeof("
	if l.jsonCast {
		typeOf = "json_typeof("
	}
	objects := isKept(l.jsonRule()) // every value JSON: no guard needed
	if !objects {
		if s.d == SQLite {
			o.cond(j, " IS NOT NULL AND ", j, " <> '' AND CASE WHEN json_valid(", j, ") THEN json_type(", j, ") NOT IN ('object', 'null') ELSE 1 END")
		} else {
			o.cond(typeOf, j, ") NOT IN ('object', 'null')")
		}
	}
	for _, c := range in {
		if c.prop.Kind != convreport.KindEnum {
			continue // a value of another JSON type is unknown, to the scan as to the statements
		}
		if s.d == SQLite && objects {
			// One parse a row; a number read back is unknown to the scan.
			o.start("json_extract(NULLIF(", j, ", ''), ")
			q.param(`$."`+c.key+`"`, "text")
			q.w(")")
			notListed(q, c.prop.Values)
			q.w(")")
			continue
		}
		if s.d == SQLite {
			path := `$."` + c.key + `"`
			// json_type fails on text that is not JSON, which the
			// alternative above reads.
			o.start("CASE WHEN json_valid(", j, ") THEN json_type(", j, ", ")
			q.param(path, "text")
			q.w(") = 'text' AND json_extract(", j, ", ")
			q.param(path, "text")
			q.w(")")
			notListed(q, c.prop.Values)
			q.w(" ELSE 0 END)")
			continue
		}
		o.start(typeOf, j, " -> ")
		q.param(c.key, "text")
		q.w(") = 'string' AND (", j, " ->> ")
		q.param(c.key, "text")
		q.w(collateBytes[q.d], ")")
		notListed(q, c.prop.Values)
		q.w(")")
	}
}

// notListed writes a NOT IN list of the empty string, which is unknown,
// and an enum's values: true of a value a scan refuses.
func notListed(q *sqlBuf, values []string) {
	q.w(" NOT IN (''")
	for _, v := range values {
		q.w(", ")
		q.param(v, "text")
	}
	q.w(")")
}

// outsideNanos writes an alternative true of every timestamptz value of
// column c outside int64 nanoseconds, which a scan refuses: those before
// or after a day inside them.
func (s *Source) outsideNanos(o *orWriter, c string) {
	o.start(c, " < ")
	o.q.param(time.Date(1677, 9, 22, 0, 0, 0, 0, time.UTC), "timestamptz")
	o.q.w(" OR ", c, " > ")
	o.q.param(time.Date(2262, 4, 11, 0, 0, 0, 0, time.UTC), "timestamptz")
	o.q.w(")")
}
