package parquetio

import (
	"bytes"
	"context"
	"errors"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/ingest"
)

// twos is n as size bytes of big-endian two's complement, as a DECIMAL's
// byte array holds its unscaled value.
func twos(n *big.Int, size int) []byte {
	m := new(big.Int).Set(n)
	if m.Sign() < 0 {
		m.Add(m, new(big.Int).Lsh(big.NewInt(1), uint(8*size)))
	}
	return m.FillBytes(make([]byte, size))
}

func bigOf(t *testing.T, s string) *big.Int {
	t.Helper()
	n, ok := new(big.Int).SetString(s, 10)
	if !ok {
		t.Fatalf("not an integer: %s", s)
	}
	return n
}

// decimalRow is a row of the file decimalFile writes: the unscaled
// values of its properties a to d, "" for none.
type decimalRow struct {
	id         string
	a, b, c, d string
}

// decimalFile writes, as another writer would, a file whose custom
// numbers are DECIMALs held in each of the ways Parquet allows: a is
// DECIMAL(4,1) in INT32, b DECIMAL(18,3) in INT64, c DECIMAL(38,10) in a
// FIXED_LEN_BYTE_ARRAY(16), d DECIMAL(400,2) in a BYTE_ARRAY.
func decimalFile(t *testing.T, rows []decimalRow) []byte {
	t.Helper()
	schema := parquet.NewSchema("conversations", parquet.Group{
		"id":         parquet.String(),
		"channel":    parquet.String(),
		"status":     parquet.String(),
		"created_at": parquet.Timestamp(parquet.Microsecond),
		"properties": parquet.Group{
			"a": parquet.Optional(parquet.Decimal(1, 4, parquet.Int32Type)),
			"b": parquet.Optional(parquet.Decimal(3, 18, parquet.Int64Type)),
			"c": parquet.Optional(parquet.Decimal(10, 38, parquet.FixedLenByteArrayType(16))),
			"d": parquet.Optional(parquet.Decimal(2, 400, parquet.ByteArrayType)),
		},
	})
	// Columns in the schema's order: channel, created_at, id, properties
	// a to d, status.
	var prows []parquet.Row
	for i, r := range rows {
		row := parquet.Row{
			parquet.ByteArrayValue([]byte("chat")).Level(0, 0, 0),
			parquet.Int64Value(1740000000_000000+int64(i)).Level(0, 0, 1),
			parquet.ByteArrayValue([]byte(r.id)).Level(0, 0, 2),
		}
		for k, v := range []string{r.a, r.b, r.c, r.d} {
			col := 3 + k
			switch {
			case v == "":
				row = append(row, parquet.NullValue().Level(0, 0, col))
			case k == 0:
				n, _ := strconv.ParseInt(v, 10, 32)
				row = append(row, parquet.Int32Value(int32(n)).Level(0, 1, col))
			case k == 1:
				n, _ := strconv.ParseInt(v, 10, 64)
				row = append(row, parquet.Int64Value(n).Level(0, 1, col))
			case k == 2:
				row = append(row, parquet.FixedLenByteArrayValue(twos(bigOf(t, v), 16)).Level(0, 1, col))
			default:
				n := bigOf(t, v)
				row = append(row, parquet.ByteArrayValue(twos(n, (n.BitLen()+8)/8)).Level(0, 1, col))
			}
		}
		row = append(row, parquet.ByteArrayValue([]byte("open")).Level(0, 0, 7))
		prows = append(prows, row)
	}
	var buf bytes.Buffer
	w := parquet.NewWriter(&buf, schema)
	if _, err := w.WriteRows(prows); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// A custom number another writer keeps as a DECIMAL (DuckDB writes
// every decimal literal so) is a number: FileSchema says so, and Read,
// All and Load give the nearest float64, as JSON Lines reads the same
// digits, whatever holds them.
func TestDecimalProperties(t *testing.T) {
	rows := []decimalRow{
		{"c1", "15", "123456789012345678", "-12345678901234567890123", "1000000000000000000000000000001"},
		{"c2", "", "", "", ""},
		{"c3", "-5", "1", "0", "-7"},
		{"c4", "9999", "-999999999999999999", "99999999999999999999999999999999999999", "1"},
	}
	// The numbers as JSON Lines would give them, by hand.
	want := []map[string]any{
		{"a": 1.5, "b": lit(t, "123456789012345.678"), "c": lit(t, "-1234567890123.4567890123"), "d": lit(t, "10000000000000000000000000000.01")},
		nil,
		{"a": -0.5, "b": 0.001, "c": 0.0, "d": -0.07},
		{"a": 999.9, "b": lit(t, "-999999999999999.999"), "c": lit(t, "9999999999999999999999999999.9999999999"), "d": 0.01},
	}
	data := decimalFile(t, rows)
	schema, err := FileSchema(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"a", "b", "c", "d"} {
		if p, ok := schema.Lookup(name); !ok || p.Kind != convreport.KindNumber {
			t.Fatalf("FileSchema: %s is %+v (found %v), want a number", name, p, ok)
		}
	}
	opt := ingest.Options{Schema: schema}
	check := func(t *testing.T, what string, got []convreport.Conversation) {
		t.Helper()
		if len(got) != len(want) {
			t.Fatalf("%s: %d rows, want %d", what, len(got), len(want))
		}
		for i, c := range got {
			if len(c.Properties) != len(want[i]) {
				t.Errorf("%s: row %d: properties %v, want %v", what, i+1, c.Properties, want[i])
			}
			for k, v := range want[i] {
				if c.Properties[k] != v {
					t.Errorf("%s: row %d: %s = %v, want %v", what, i+1, k, c.Properties[k], v)
				}
			}
		}
	}
	got, err := Read(context.Background(), bytes.NewReader(data), int64(len(data)), opt)
	if err != nil {
		t.Fatal(err)
	}
	check(t, "Read", got)

	var all []convreport.Conversation
	for c, err := range All(context.Background(), bytes.NewReader(data), int64(len(data)), opt) {
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, c)
	}
	check(t, "All", all)

	// The column-wise load takes the file, and gives the same numbers.
	src, err := loadColumns(context.Background(), bytes.NewReader(data), int64(len(data)), opt, schema)
	if err != nil {
		t.Fatalf("loadColumns: %v", err)
	}
	check(t, "Load", slices.Collect(src.All()))
}

// lit is a JSON number's float64.
func lit(t *testing.T, s string) float64 {
	t.Helper()
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// A DECIMAL beyond a float64's range is its row's error, as a JSON number
// beyond it is; SkipInvalid keeps the other rows.
func TestDecimalOutOfRange(t *testing.T) {
	huge := "1" + strings.Repeat("0", 320) // 1e318 at scale 2
	data := decimalFile(t, []decimalRow{{"c1", "1", "", "", "5"}, {"c2", "", "", "", huge}, {"c3", "", "", "", "-" + huge}})
	schema, err := FileSchema(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	text := "1" + strings.Repeat("0", 318) + ".00"
	wantErrs := []string{
		`x.parquet: row 2: conversation "c2": properties.d: ` + text + ` is out of range`,
		`x.parquet: row 3: conversation "c3": properties.d: -` + text + ` is out of range`,
	}
	opt := func(skip bool) ingest.Options {
		return ingest.Options{File: "x.parquet", Schema: schema, SkipInvalid: skip}
	}
	if _, err := Read(context.Background(), bytes.NewReader(data), int64(len(data)), opt(false)); err == nil || err.Error() != wantErrs[0] {
		t.Fatalf("strict Read: %v", err)
	}
	var re *RowError
	if _, err := Load(context.Background(), bytes.NewReader(data), int64(len(data)), opt(false)); !errors.As(err, &re) || err.Error() != wantErrs[0] {
		t.Fatalf("strict Load: %v", err)
	}
	src, err := Load(context.Background(), bytes.NewReader(data), int64(len(data)), opt(true))
	var msgs []string
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		msgs = append(msgs, e.Error())
	}
	if src == nil || src.Len() != 1 || !slices.Equal(msgs, wantErrs) {
		t.Fatalf("Load kept %v, errors\n%s\nwant 1 and\n%s", src, strings.Join(msgs, "\n"), strings.Join(wantErrs, "\n"))
	}
	for c := range src.All() {
		if c.ID != "c1" || c.Properties["d"] != 0.05 || c.Properties["a"] != 0.1 {
			t.Fatalf("kept %+v", c)
		}
	}
}

// The DECIMAL texts of messages put the point where the scale says.
func TestDecimalText(t *testing.T) {
	for _, tc := range []struct {
		digits string
		scale  int32
		want   string
	}{
		{"15", 1, "1.5"}, {"-15", 1, "-1.5"}, {"5", 3, "0.005"}, {"-7", 2, "-0.07"}, {"123", 0, "123"}, {"100", 2, "1.00"},
	} {
		if got := decimalText(tc.digits, tc.scale); got != tc.want {
			t.Errorf("decimalText(%s, %d) = %s, want %s", tc.digits, tc.scale, got, tc.want)
		}
	}
}
