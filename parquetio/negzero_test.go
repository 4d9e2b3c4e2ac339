package parquetio

import (
	"bytes"
	"context"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/ingest"
)

type negZeroRow struct {
	ID      string        `parquet:"id"`
	Channel string        `parquet:"channel"`
	Status  string        `parquet:"status"`
	Created int64         `parquet:"created_at,timestamp(nanosecond)"`
	Props   negZeroFields `parquet:"properties"`
}

type negZeroFields struct {
	Seats *float64 `parquet:"seats"`
}

// Another writer's DOUBLE -0 is read as 0, by Read and by Load, after a
// 0.5 as before it; and Write writes a -0 as 0: every source shows a zero
// the same.
func TestNegativeZeroIsZero(t *testing.T) {
	schema, err := convreport.NewSchema(convreport.Property{Name: "seats", Kind: convreport.KindNumber})
	if err != nil {
		t.Fatal(err)
	}
	created := time.Date(2025, 3, 3, 10, 0, 0, 0, time.UTC)
	neg, half := math.Copysign(0, -1), 0.5
	rows := []negZeroRow{
		{ID: "a", Channel: "chat", Status: "open", Created: created.UnixNano(), Props: negZeroFields{&neg}},
		{ID: "b", Channel: "chat", Status: "open", Created: created.UnixNano(), Props: negZeroFields{&half}},
		{ID: "c", Channel: "chat", Status: "open", Created: created.UnixNano(), Props: negZeroFields{&neg}},
	}
	data := writeModel(t, rows)
	opt := ingest.Options{Schema: schema}
	check := func(how string, cs []convreport.Conversation) {
		t.Helper()
		if len(cs) != 3 {
			t.Fatalf("%s: %d rows", how, len(cs))
		}
		for _, c := range cs {
			f := c.Properties["seats"].(float64)
			if c.ID != "b" && (f != 0 || math.Signbit(f)) {
				t.Fatalf("%s: %s has seats %v, want 0", how, c.ID, f)
			}
		}
	}
	cs, err := Read(context.Background(), bytes.NewReader(data), int64(len(data)), opt)
	if err != nil {
		t.Fatal(err)
	}
	check("Read", cs)
	src, err := Load(context.Background(), bytes.NewReader(data), int64(len(data)), opt)
	if err != nil {
		t.Fatal(err)
	}
	var loaded []convreport.Conversation
	for c, err := range src.Scan(context.Background(), convreport.ScanHint{}) {
		if err != nil {
			t.Fatal(err)
		}
		loaded = append(loaded, *c)
	}
	check("Load", loaded)

	var buf bytes.Buffer
	cs[0].Properties["seats"] = neg
	if err := Write(&buf, schema, slices.Values(cs)); err != nil {
		t.Fatal(err)
	}
	back, err := Read(context.Background(), bytes.NewReader(buf.Bytes()), int64(buf.Len()), opt)
	if err != nil {
		t.Fatal(err)
	}
	check("Write", back)
}
