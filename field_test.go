package convreport_test

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/ingest"
	"github.com/convreport/convreport/memory"
)

// Every built-in field of the one table (convreport.Fields) flows through
// the JSON Lines and CSV formats, the column store and a report, with no
// list of fields here: a field added to the table is checked by this test
// as it stands.
func TestEveryFieldFlowsThroughIngestTableAndReports(t *testing.T) {
	ctx := context.Background()
	start := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	base := func(i int) convreport.Conversation {
		return convreport.Conversation{ID: fmt.Sprintf("c%d", i), Channel: convreport.Chat, Status: convreport.Open, CreatedAt: start}
	}
	for i, f := range convreport.Fields() {
		t.Run(f.Name, func(t *testing.T) {
			// Two conversations differing in this field alone (where
			// the field allows: an enum takes its own values).
			a, b := base(1), base(2)
			var want []any
			switch f.Kind {
			case convreport.KindString:
				f.SetString(&a, "a-"+f.Key)
				f.SetString(&b, "b-"+f.Key)
				if f.Required { // the ID: distinct already
					f.SetString(&a, "id-a")
					f.SetString(&b, "id-b")
				}
				want = []any{f.StringOf(&a), f.StringOf(&b)}
			case convreport.KindEnum:
				f.SetString(&a, f.Values[0])
				f.SetString(&b, f.Values[len(f.Values)-1])
				if f.Name == "Status" { // closed needs its closing time
					b.ClosedAt = start.Add(time.Hour)
				}
				want = []any{f.StringOf(&a), f.StringOf(&b)}
			case convreport.KindTime:
				f.SetTime(&a, start.Add(time.Duration(i+1)*time.Minute))
				f.SetTime(&b, start.Add(time.Duration(i+2)*time.Minute))
				if f.Name == "ClosedAt" {
					a.Status, b.Status = convreport.Closed, convreport.Closed
				}
				want = []any{f.TimeOf(&a), f.TimeOf(&b)}
			case convreport.KindNumber:
				f.SetCount(&a, 3)
				f.SetCount(&b, 11)
				want = []any{3, 11}
			default:
				t.Fatalf("a built-in field of kind %s: teach this test to set it", f.Kind)
			}
			cs := []convreport.Conversation{a, b}
			get := func(c *convreport.Conversation) any {
				switch f.Kind {
				case convreport.KindTime:
					return f.TimeOf(c)
				case convreport.KindNumber:
					return f.CountOf(c)
				}
				return f.StringOf(c)
			}

			// Through both file formats and back.
			var jl, csv bytes.Buffer
			require.NoError(t, ingest.WriteJSONL(&jl, slices.Values(cs)))
			require.NoError(t, ingest.WriteCSV(&csv, nil, slices.Values(cs)))
			require.Contains(t, jl.String(), `"`+f.Key+`"`)
			for name, file := range map[string]*bytes.Buffer{"jsonl": &jl, "csv": &csv} {
				format := ingest.Format(name)
				got, err := ingest.ReadAll(ctx, bytes.NewReader(file.Bytes()), format, ingest.Options{})
				require.NoError(t, err, name)
				require.Len(t, got, 2, name)
				for k := range got {
					require.Equal(t, want[k], get(&got[k]), "%s row %d", name, k)
				}
			}

			// Through the column store and back.
			src, err := memory.New(cs)
			require.NoError(t, err)
			var back []convreport.Conversation
			tab := convreport.TableOf(src)
			for c := range tab.All() {
				back = append(back, c)
			}
			require.Len(t, back, 2)
			for k := range back {
				require.Equal(t, want[k], get(&back[k]), "table row %d", k)
			}

			// Into a report: a filter on the field picks the first
			// conversation alone.
			var filter string
			switch v := want[0].(type) {
			case string:
				filter = fmt.Sprintf("%s == %q", f.Name, v)
			case time.Time:
				filter = fmt.Sprintf("%s < date(%q)", f.Name, v.Add(30*time.Second).Format(time.RFC3339))
			case int:
				filter = fmt.Sprintf("%s == %d", f.Name, v)
			}
			q := convreport.Query{From: start, To: start.Add(24 * time.Hour), Now: start.Add(48 * time.Hour)}
			res, err := convreport.NewEngine(src).Run(ctx, q, convreport.Report{Name: "one", Filter: filter})
			require.NoError(t, err, filter)
			require.EqualValues(t, 1, res[0].Points[0].Count, filter)
		})
	}
}

// A property added to a copy of the schema flows the same way: read from
// JSON Lines under that schema, kept by the column store, grouped by in a
// report, with counts checked by hand.
func TestAddedPropertyFlowsThroughIngestTableAndReports(t *testing.T) {
	ctx := context.Background()
	schema, err := convreport.NewSchema(convreport.Property{Name: "Tier", Kind: convreport.KindEnum, Values: []string{"free", "pro"}})
	require.NoError(t, err)
	lines := `{"id":"a","created_at":"2025-03-01T09:00:00Z","properties":{"Tier":"pro"}}
{"id":"b","created_at":"2025-03-01T10:00:00Z","properties":{"Tier":"free"}}
{"id":"c","created_at":"2025-03-01T11:00:00Z","properties":{"Tier":"pro"}}
{"id":"d","created_at":"2025-03-01T12:00:00Z"}
`
	cs, err := ingest.ReadAll(ctx, bytes.NewReader([]byte(lines)), ingest.JSONL, ingest.Options{Schema: schema})
	require.NoError(t, err)
	src, err := memory.New(cs, memory.WithSchema(schema))
	require.NoError(t, err)
	start := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	q := convreport.Query{From: start, To: start.Add(24 * time.Hour), Now: start.Add(48 * time.Hour)}
	res, err := convreport.NewEngine(src).Run(ctx, q, convreport.Report{Name: "by tier", Dimensions: []string{"Tier"}, Sort: convreport.ByLabelAsc})
	require.NoError(t, err)
	got := map[string]int64{}
	for _, p := range res[0].Points {
		got[p.Dimensions[0].Value] = p.Count
	}
	require.Equal(t, map[string]int64{"": 1, "free": 1, "pro": 2}, got)

	// And back out to CSV, in its own column.
	var out bytes.Buffer
	require.NoError(t, ingest.WriteCSV(&out, schema, slices.Values(cs)))
	require.Contains(t, out.String(), "properties.Tier")
}
