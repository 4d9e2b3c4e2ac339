package sqlsource

import (
	"math"
	"strconv"
	"strings"
)

// pgNumeric reads PostgreSQL's "numeric(p,s)": its precision and scale;
// ok is false for any other type, a numeric without them included.
func pgNumeric(typ string) (precision, scale int, ok bool) {
	inner, found := strings.CutPrefix(typ, "numeric(")
	if !found {
		return 0, 0, false
	}
	inner, found = strings.CutSuffix(inner, ")")
	if !found {
		return 0, 0, false
	}
	p, sc, _ := strings.Cut(inner, ",")
	precision, err1 := strconv.Atoi(p)
	scale, err2 := strconv.Atoi(sc)
	if err1 != nil || err2 != nil {
		return 0, 0, false
	}
	return precision, scale, true
}

// pgNumericMax is the largest count a numeric(p,0) column holds, 0 when
// it holds every count (p ≥ 19) or typ is no such column.
func pgNumericMax(typ string) int64 {
	p, sc, ok := pgNumeric(typ)
	if !ok || sc != 0 || p >= 19 {
		return 0
	}
	return int64(math.Pow10(p)) - 1
}
