package sqlsource

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/convreport/convreport"
)

// TestRowValuesAgreeWithTheSchema holds the parameters an import writes,
// and its check's errors, to what looking each property up by name
// through Schema.Value gives, on random rows full of values a database
// refuses, under every dialect and time storage.
func TestRowValuesAgreeWithTheSchema(t *testing.T) {
	schema, err := convreport.NewSchema(
		convreport.Property{Name: "tier", Kind: convreport.KindEnum, Values: []string{"free", "pro"}},
		convreport.Property{Name: "score", Kind: convreport.KindNumber},
		convreport.Property{Name: "vip", Kind: convreport.KindBool},
		convreport.Property{Name: "due", Kind: convreport.KindTime},
		convreport.Property{Name: "sla", Kind: convreport.KindDuration},
		convreport.Property{Name: "note", Kind: convreport.KindString},
	)
	if err != nil {
		t.Fatal(err)
	}
	mappings := []struct {
		d Dialect
		m Mapping
	}{
		{SQLite, Mapping{}},
		{SQLite, Mapping{Columns: map[string]string{"Channel": "chan", "score": "score"}, JSONKeys: map[string]string{"note": "n"}}},
		{PostgreSQL, Mapping{}},
		{PostgreSQL, Mapping{Times: Timestamp, Columns: map[string]string{"due": "due"}}},
		{ClickHouse, Mapping{}},
	}
	rows := oddConversations(3000)
	for _, mc := range mappings {
		l, err := newLayout(mc.d, schema, mc.m)
		if err != nil {
			t.Fatal(err)
		}
		refused := 0
		for i := range rows {
			c := &rows[i]
			tenant := []any{nil, "acme", int64(7)}[i%3]
			want, werr := referenceRow(l, c, tenant)
			got, gerr := l.appendRow([]any{"before"}, c, tenant)
			cerr := l.checkRow(c)
			if fmt.Sprint(werr) != fmt.Sprint(gerr) || fmt.Sprint(werr) != fmt.Sprint(cerr) {
				t.Fatalf("%v %+v, row %d: errors %v (check %v), want %v", mc.d, mc.m, i, gerr, cerr, werr)
			}
			if werr != nil {
				refused++
				continue
			}
			if !reflect.DeepEqual(append([]any{"before"}, want...), got) {
				t.Fatalf("%v %+v, row %d:\ngot  %#v\nwant %#v", mc.d, mc.m, i, got, want)
			}
		}
		// Most rows store, and every way of refusing one is met.
		if refused == 0 || refused > len(rows)/2 {
			t.Errorf("%v %+v: %d of %d rows refused", mc.d, mc.m, refused, len(rows))
		}
	}
}

// referenceRow is a row's parameters as the schema gives each property by
// name: the stored columns, the JSON column, the tenant. The columns of
// their own are checked first.
func referenceRow(l *layout, c *convreport.Conversation, tenant any) ([]any, error) {
	var out []any
	obj := map[string]any{}
	var cols []*column
	for _, col := range l.cols {
		if col.key == "" {
			cols = append(cols, col)
		}
	}
	for _, col := range l.cols {
		if col.key != "" {
			cols = append(cols, col)
		}
	}
	for _, col := range cols {
		var v any
		var known bool
		if col.prop.Custom {
			v, known = c.Properties[col.prop.Name]
			switch x := v.(type) {
			case nil:
				known = false
			case string:
				known = x != ""
			case time.Time:
				known = !x.IsZero()
			}
		} else {
			v, known = convreport.DefaultSchema().Value(c, col.prop.Name)
		}
		if col.key == "" {
			if !known {
				out = append(out, nil)
				continue
			}
			x, err := referenceEncode(l, col.prop, v)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", col.prop.Key, err)
			}
			out = append(out, x)
			continue
		}
		if !known {
			continue
		}
		switch x := v.(type) {
		case time.Time:
			if x.Before(time.Unix(0, math.MinInt64)) || x.After(time.Unix(0, math.MaxInt64)) {
				return nil, fmt.Errorf("properties.%s: %s is outside the years 1678 to 2262 that int64 nanoseconds hold", col.prop.Name, x.Format(time.RFC3339))
			}
			v = x.UnixNano()
		case time.Duration:
			v = int64(x)
		case float64:
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return nil, fmt.Errorf("properties.%s: JSON cannot hold %v", col.prop.Name, x)
			}
		case string:
			if !utf8.ValidString(x) {
				return nil, fmt.Errorf("properties.%s: JSON cannot hold invalid UTF-8", col.prop.Name)
			}
			if l.d == PostgreSQL && strings.Contains(x, "\x00") {
				return nil, fmt.Errorf("properties.%s: PostgreSQL cannot hold a NUL byte", col.prop.Name)
			}
		}
		obj[col.key] = v
	}
	if l.json != "" {
		if len(obj) == 0 {
			out = append(out, nil)
		} else {
			b, err := json.Marshal(obj)
			if err != nil {
				return nil, err
			}
			out = append(out, string(b))
		}
	}
	if tenant == nil {
		return out, nil
	}
	return append(out, tenant), nil
}

// referenceEncode is a known value as its column's parameter, written
// out on its own: the code under test shares its encoding of times.
func referenceEncode(l *layout, p convreport.Property, v any) (any, error) {
	switch x := v.(type) {
	case string:
		if l.d == PostgreSQL && (!utf8.ValidString(x) || strings.Contains(x, "\x00")) {
			return nil, fmt.Errorf("PostgreSQL text cannot hold a NUL byte or invalid UTF-8")
		}
		return x, nil
	case float64:
		if !p.Custom {
			return int64(x), nil
		}
		if math.IsNaN(x) {
			return nil, fmt.Errorf("NaN cannot be stored: it would compare unlike the engine")
		}
		return x, nil
	case bool:
		switch {
		case l.d == SQLite && x:
			return int64(1), nil
		case l.d == SQLite:
			return int64(0), nil
		case l.d == ClickHouse && x:
			return uint8(1), nil
		case l.d == ClickHouse:
			return uint8(0), nil
		}
		return x, nil
	case time.Time:
		if l.times == Timestamp {
			if x.Nanosecond()%1000 != 0 {
				return nil, fmt.Errorf("%s is finer than the microsecond a timestamptz holds", x.Format(time.RFC3339Nano))
			}
			return x.In(time.UTC), nil
		}
		if x.Before(time.Unix(0, math.MinInt64)) || x.After(time.Unix(0, math.MaxInt64)) {
			return nil, fmt.Errorf("%s is outside the years 1678 to 2262 that int64 nanoseconds hold", x.Format(time.RFC3339))
		}
		return x.UnixNano(), nil
	case time.Duration:
		return int64(x), nil
	}
	return nil, fmt.Errorf("unsupported value %T", v)
}

// oddConversations are conversations, valid or not, whose values are now
// and then ones a database refuses or stores in a way of its own: empty
// channels and statuses, NUL bytes and invalid UTF-8, times finer than a
// microsecond or outside int64 nanoseconds, NaN and infinite numbers.
func oddConversations(n int) []convreport.Conversation {
	r := rand.New(rand.NewPCG(5, 6))
	base := time.Date(2025, 3, 1, 0, 0, 0, 0, time.FixedZone("", 3600))
	oneIn := func(k int) bool { return r.IntN(k) == 0 }
	text := func(plain string) string {
		switch r.IntN(500) {
		case 0:
			return plain + "\x00"
		case 1:
			return plain + "\xff"
		}
		if oneIn(10) {
			return ""
		}
		return plain
	}
	when := func() time.Time {
		t := base.Add(time.Duration(r.Int64N(int64(1000 * time.Hour))))
		switch r.IntN(300) {
		case 0:
			return time.Date(1500, 1, 1, 0, 0, 0, 0, time.UTC)
		case 1:
			return time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC)
		case 2:
			return t // finer than a microsecond
		}
		if oneIn(8) {
			return time.Time{}
		}
		return t.Truncate(time.Microsecond)
	}
	out := make([]convreport.Conversation, n)
	for i := range out {
		c := convreport.Conversation{
			ID:               text(fmt.Sprintf("c%d", i)),
			Channel:          convreport.Channel(text(string(convreport.Channels()[r.IntN(len(convreport.Channels()))]))),
			Inbox:            text("Support"),
			Assignee:         text("rep-1"),
			Team:             text("Équipe"),
			Status:           convreport.Status(text(string(convreport.Open))),
			CreatedAt:        when(),
			FirstAssignedAt:  when(),
			FirstResponseAt:  when(),
			ClosedAt:         when(),
			ClosedBy:         text("rep-2"),
			OriginURL:        text("https://example.com/p"),
			Chatflow:         text("Welcome"),
			Source:           text("widget"),
			ContactID:        text("contact-7"),
			Subject:          text("日本語"),
			IncomingMessages: r.IntN(300),
			OutgoingMessages: r.IntN(3),
		}
		if oneIn(2) {
			c.Status = convreport.Status(text(string(convreport.Closed)))
		}
		props := map[string]any{}
		if oneIn(2) {
			props["tier"] = text("pro")
		}
		if oneIn(2) {
			props["score"] = []float64{1.5, -2, math.NaN(), math.Inf(1), 0}[r.IntN(5)]
		}
		if oneIn(2) {
			props["vip"] = oneIn(2)
		}
		if oneIn(2) {
			props["due"] = when()
		}
		if oneIn(2) {
			props["sla"] = time.Duration(r.Int64N(1 << 40))
		}
		if oneIn(2) {
			props["note"] = text("a note")
		}
		if oneIn(8) {
			props["tier"] = nil
		}
		if len(props) > 0 {
			c.Properties = props
		}
		out[i] = c
	}
	return out
}
