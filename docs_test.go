package convreport_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/calendar"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/ingest"
	"github.com/convreport/convreport/memory"
	"github.com/convreport/convreport/plan"
	"github.com/convreport/convreport/render"
	"github.com/convreport/convreport/store"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// docs/errors.md catalogues every class of bad input with the error it
// gets. Each example is marked
//
//	<!-- error: ID EXPECT... -->
//	```text
//	the exact message
//	```
//
// where ID names a producer below (or, prefixed cli-, one in
// cmd/convreport/errors_doc_test.go) and each EXPECT is a type that some
// error in the chain must have (*convreport.ReportError), is:ErrX for a
// sentinel errors.Is must find, or exit:N for the CLI. This test runs every
// producer and requires the message to be exactly the one in the
// catalogue, and every producer to be catalogued: the page stays true.

// DocExample is one catalogued example.
type docExample struct {
	id      string
	expect  []string
	message string
	command string // the "$ convreport …" line of a CLI example
}

var docExamplePattern = regexp.MustCompile("(?s)<!-- error: (\\S+)((?: \\S+)*) -->\n```(text|console)\n(.*?)\n```")

// parseErrorCatalogue reads the examples of docs/errors.md.
func parseErrorCatalogue(t *testing.T, path string) []docExample {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var out []docExample
	seen := map[string]bool{}
	for _, m := range docExamplePattern.FindAllStringSubmatch(string(b), -1) {
		ex := docExample{id: m[1], expect: strings.Fields(m[2]), message: m[4]}
		if m[3] == "console" {
			cmd, rest, _ := strings.Cut(ex.message, "\n")
			ex.command, ex.message = cmd, rest
		}
		require.False(t, seen[ex.id], "example %s appears twice", ex.id)
		seen[ex.id] = true
		out = append(out, ex)
	}
	require.Equal(t, strings.Count(string(b), "<!-- error: "), len(out), "a marker is not followed by a ```text block")
	return out
}

// errorTypes returns the %T of every error in err's tree.
func errorTypes(err error) []string {
	var out []string
	var walk func(error)
	walk = func(e error) {
		if e == nil {
			return
		}
		out = append(out, fmt.Sprintf("%T", e))
		switch u := e.(type) {
		case interface{ Unwrap() error }:
			walk(u.Unwrap())
		case interface{ Unwrap() []error }:
			for _, x := range u.Unwrap() {
				walk(x)
			}
		}
	}
	walk(err)
	return out
}

var docSentinels = map[string]error{
	"ErrConflict": store.ErrConflict, "ErrNotFound": convreport.ErrNotFound, "ErrForbidden": access.ErrForbidden,
	"ErrUnsupported": convreport.ErrUnsupported, "context.Canceled": context.Canceled,
}

func TestErrorCatalogue(t *testing.T) {
	examples := parseErrorCatalogue(t, "docs/errors.md")
	require.NotEmpty(t, examples)
	used := map[string]bool{}
	for _, ex := range examples {
		if strings.HasPrefix(ex.id, "cli-") || strings.HasPrefix(ex.id, "sql-") {
			continue // cmd/convreport and sqlsource check these
		}
		used[ex.id] = true
		t.Run(ex.id, func(t *testing.T) {
			produce, ok := errorProducers[ex.id]
			require.True(t, ok, "docs/errors.md shows %s, which no producer in docs_test.go makes", ex.id)
			err := produce(t)
			require.Error(t, err)
			require.Equal(t, ex.message, err.Error(), "the message of %s changed: update docs/errors.md", ex.id)
			types := errorTypes(err)
			for _, want := range ex.expect {
				if name, ok := strings.CutPrefix(want, "is:"); ok {
					sentinel, known := docSentinels[name]
					require.True(t, known, "unknown sentinel %s", name)
					require.ErrorIs(t, err, sentinel)
					continue
				}
				require.Contains(t, types, want, "%s: no %s among %v", ex.id, want, types)
			}
		})
	}
	for id := range errorProducers {
		require.True(t, used[id], "producer %s is not in docs/errors.md", id)
	}
}

// renamed shows a path that changes from run to run under a stable name.
type renamed struct {
	err      error
	old, new string
}

func (r renamed) Error() string { return strings.ReplaceAll(r.err.Error(), r.old, r.new) }
func (r renamed) Unwrap() error { return r.err }

var docT0 = time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)

// docConv is a valid open chat.
func docConv(id string) convreport.Conversation {
	return convreport.Conversation{ID: id, Channel: convreport.Chat, Status: convreport.Open, CreatedAt: docT0}
}

func newSource(cs ...convreport.Conversation) error {
	_, err := memory.New(cs)
	return err
}

func docSchema(t *testing.T) *convreport.Schema {
	s, err := convreport.NewSchema(
		convreport.Property{Name: "tier", Kind: convreport.KindEnum, Values: []string{"free", "pro"}},
		convreport.Property{Name: "score", Kind: convreport.KindNumber},
	)
	require.NoError(t, err)
	return s
}

// readAll reads input in format, strictly unless skip.
func readAll(format ingest.Format, input string, skip bool) error {
	_, err := ingest.ReadAll(context.Background(), strings.NewReader(input), format, ingest.Options{SkipInvalid: skip})
	return err
}

const (
	okLine  = `{"id":"c1","channel":"chat","status":"open","created_at":"2025-03-03T09:00:00Z"}`
	csvHead = "id,channel,status,created_at,subject\n"
)

func docEngine(t *testing.T) *convreport.Engine {
	src, err := memory.New(fixture())
	require.NoError(t, err)
	return convreport.NewEngine(src)
}

// runReport runs r over the fixture for the fixture's query.
func runReport(t *testing.T, r convreport.Report) error {
	_, err := docEngine(t).Run(context.Background(), fixtureQuery(), r)
	return err
}

func runQuery(t *testing.T, q convreport.Query) error {
	_, err := docEngine(t).Run(context.Background(), q, convreport.Report{Name: "r"})
	return err
}

func compile(src string) error {
	_, err := convreport.CompileFilter(nil, src)
	return err
}

func calendarJSON(s string) error {
	var c calendar.Calendar
	return json.Unmarshal([]byte(s), &c)
}

func validate(d convreport.Dashboard) error { return d.Validate() }

func okDash() convreport.Dashboard {
	return convreport.Dashboard{Name: "Support", Owner: "ana", Reports: []convreport.Report{{ID: "by-rep", Name: "By rep", Dimensions: []string{"Assignee"}}}}
}

// drillFixture runs the by-rep report over the fixture and returns the
// engine, the report, its result and a drill-down of the first point.
func drillFixture(t *testing.T) (*convreport.Engine, convreport.Report, convreport.Result, *convreport.Drill) {
	eng := docEngine(t)
	r := convreport.Report{Name: "By rep", Dimensions: []string{"Assignee"}}
	res, err := eng.Run(context.Background(), fixtureQuery(), r)
	require.NoError(t, err)
	d, err := eng.DrillDown(context.Background(), fixtureQuery(), r, res[0].Points[0])
	require.NoError(t, err)
	return eng, r, res[0], d
}

var (
	ana   = access.Viewer{UserID: "ana"}
	bruno = access.Viewer{UserID: "bruno"}
)

// storeWith returns a memory store holding one dashboard of ana's, under
// the ID "support" (one made from its name would carry a random suffix).
func storeWith(t *testing.T, v access.Visibility, opts ...store.Option) (store.Store, convreport.Dashboard) {
	s := store.NewMemory(opts...)
	d := okDash()
	d.ID, d.Visibility = "support", v
	d, err := s.Create(context.Background(), ana, d)
	require.NoError(t, err)
	return s, d
}

var errorProducers = map[string]func(t *testing.T) error{
	// Conversations.
	"conversation-empty-id": func(t *testing.T) error {
		c := docConv("")
		return newSource(c)
	},
	"conversation-bad-channel": func(t *testing.T) error {
		c := docConv("c1")
		c.Channel = "sms"
		return newSource(c)
	},
	"conversation-bad-status": func(t *testing.T) error {
		c := docConv("c1")
		c.Status = "pending"
		return newSource(c)
	},
	"conversation-missing-created": func(t *testing.T) error {
		c := docConv("c1")
		c.CreatedAt = time.Time{}
		return newSource(c)
	},
	"conversation-time-out-of-range": func(t *testing.T) error {
		c := docConv("c1")
		c.FirstResponseAt = time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC)
		return newSource(c)
	},
	"conversation-closed-while-open": func(t *testing.T) error {
		c := docConv("c1")
		c.ClosedAt = docT0.Add(time.Hour)
		return newSource(c)
	},
	"conversation-closed-without-time": func(t *testing.T) error {
		c := docConv("c1")
		c.Status = convreport.Closed
		return newSource(c)
	},
	"conversation-before-created": func(t *testing.T) error {
		c := docConv("c1")
		c.FirstResponseAt = docT0.Add(-time.Minute)
		return newSource(c)
	},
	"conversation-span-too-long": func(t *testing.T) error {
		c := docConv("c1")
		c.CreatedAt = time.Date(1700, 1, 1, 0, 0, 0, 0, time.UTC)
		c.FirstAssignedAt, c.FirstResponseAt = time.Time{}, time.Time{}
		c.Status, c.ClosedAt = convreport.Closed, time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)
		return newSource(c)
	},
	"conversation-negative-count": func(t *testing.T) error {
		c := docConv("c1")
		c.IncomingMessages = -2
		return newSource(c)
	},
	"conversation-undeclared-property": func(t *testing.T) error {
		c := docConv("c1")
		c.Properties = map[string]any{"tier": "pro"}
		return newSource(c)
	},
	"conversation-property-kind": func(t *testing.T) error {
		c := docConv("c1")
		c.Properties = map[string]any{"score": "high"}
		_, err := memory.New([]convreport.Conversation{c}, memory.WithSchema(docSchema(t)))
		return err
	},
	"conversation-property-enum": func(t *testing.T) error {
		c := docConv("c1")
		c.Properties = map[string]any{"tier": "gold"}
		_, err := memory.New([]convreport.Conversation{c}, memory.WithSchema(docSchema(t)))
		return err
	},
	"conversation-duplicate-id": func(t *testing.T) error {
		return newSource(docConv("c1"), docConv("c2"), docConv("c1"))
	},
	"conversation-duplicate-id-on-add": func(t *testing.T) error {
		src, err := memory.New([]convreport.Conversation{docConv("c1")})
		require.NoError(t, err)
		return src.Add(docConv("c2"), docConv("c1"))
	},
	"conversation-many-invalid": func(t *testing.T) error {
		cs := make([]convreport.Conversation, 23)
		for i := range cs {
			cs[i] = docConv(fmt.Sprintf("c%02d", i))
			cs[i].Channel = "fax"
		}
		return newSource(cs...)
	},

	// JSON Lines and CSV.
	"jsonl-syntax":        func(t *testing.T) error { return readAll(ingest.JSONL, `{"id":"c1","channel":"chat",`, false) },
	"jsonl-not-an-object": func(t *testing.T) error { return readAll(ingest.JSONL, `["c1","chat"]`, false) },
	"jsonl-bad-time": func(t *testing.T) error {
		return readAll(ingest.JSONL, strings.Replace(okLine, "09:00:00Z", "09:00:00", 1), false)
	},
	"jsonl-time-out-of-range": func(t *testing.T) error {
		return readAll(ingest.JSONL, strings.Replace(okLine, "2025-03-03T09:00:00Z", "0001-01-01T00:00:00Z", 1), false)
	},
	"jsonl-wrong-type": func(t *testing.T) error {
		return readAll(ingest.JSONL, strings.Replace(okLine, `}`, `,"incoming_messages":"three"}`, 1), false)
	},
	"jsonl-unknown-key": func(t *testing.T) error {
		return readAll(ingest.JSONL, strings.Replace(okLine, `}`, `,"asignee":"ana"}`, 1), false)
	},
	"jsonl-unknown-custom-property": func(t *testing.T) error {
		_, err := ingest.ReadAll(context.Background(), strings.NewReader(strings.Replace(okLine, `}`, `,"properties":{"teir":"pro"}}`, 1)),
			ingest.JSONL, ingest.Options{Schema: docSchema(t)})
		return err
	},
	"jsonl-record-rule": func(t *testing.T) error {
		return readAll(ingest.JSONL, strings.Replace(okLine, `"open"`, `"closed"`, 1), false)
	},
	"jsonl-duplicate-id": func(t *testing.T) error { return readAll(ingest.JSONL, okLine+"\n\n"+okLine, false) },
	"jsonl-line-too-long": func(t *testing.T) error {
		_, err := ingest.ReadAll(context.Background(), strings.NewReader(okLine), ingest.JSONL, ingest.Options{MaxLineBytes: 64})
		return err
	},
	"jsonl-invalid-utf8": func(t *testing.T) error {
		return readAll(ingest.JSONL, strings.Replace(okLine, `}`, `,"subject":"caf`+"\xe9"+`"}`, 1), false)
	},
	"ingest-skip-invalid": func(t *testing.T) error {
		in := okLine + "\n" + strings.Replace(okLine, `"c1"`, `"c2"`, 1)[:40] + "\n" + strings.Replace(okLine, `"c1"`, `""`, 1)
		cs, err := ingest.ReadAll(context.Background(), strings.NewReader(in), ingest.JSONL, ingest.Options{SkipInvalid: true, File: "export.jsonl"})
		require.Len(t, cs, 1, "the valid line is kept")
		return err
	},
	"ingest-unknown-extension": func(t *testing.T) error {
		_, err := ingest.ReadFile(context.Background(), "export.txt", ingest.Options{})
		return err
	},
	"csv-missing-column": func(t *testing.T) error { return readAll(ingest.CSV, "id,channel\nc1,chat\n", false) },
	"csv-unknown-column": func(t *testing.T) error {
		return readAll(ingest.CSV, "id,channel,status,created_at,assigne\nc1,chat,open,2025-03-03T09:00:00Z,ana\n", false)
	},
	"csv-repeated-column": func(t *testing.T) error {
		return readAll(ingest.CSV, "id,channel,status,created_at,id\n", false)
	},
	"csv-field-count": func(t *testing.T) error { return readAll(ingest.CSV, csvHead+"c1,chat,open\n", false) },
	"csv-bare-quote": func(t *testing.T) error {
		return readAll(ingest.CSV, csvHead+`c1,chat,open,2025-03-03T09:00:00Z,say "hi"`+"\n", false)
	},
	"csv-unclosed-quote": func(t *testing.T) error {
		return readAll(ingest.CSV, csvHead+`c1,chat,open,2025-03-03T09:00:00Z,"hi`+"\nthere\n", false)
	},
	"csv-record-too-long": func(t *testing.T) error {
		in := csvHead + `c1,chat,open,2025-03-03T09:00:00Z,"` + strings.Repeat("a short line\n", 10) + "\"\n"
		_, err := ingest.ReadAll(context.Background(), strings.NewReader(in), ingest.CSV, ingest.Options{MaxLineBytes: 64})
		return err
	},

	// Filters and conditions.
	"filter-expanded": func(t *testing.T) error {
		return compile(strings.Repeat("((IncomingMessages > ", 20) + "1" + strings.Repeat(") ? IncomingMessages : 1)", 20) + " > 0")
	},
	"filter-costly-pattern":   func(t *testing.T) error { return compile(`Subject matches "[a-z ]{1,1000}"`) },
	"filter-syntax":           func(t *testing.T) error { return compile(`Channel == "chat" &&`) },
	"filter-unknown-property": func(t *testing.T) error { return compile(`Channel == "chat" && Inboxx == "Sales"`) },
	"filter-type":             func(t *testing.T) error { return compile(`FirstResponseTime > 300`) },
	"filter-empty-string":     func(t *testing.T) error { return compile(`Assignee != ""`) },
	"filter-not-a-condition":  func(t *testing.T) error { return compile(`Subject`) },
	"filter-unknown-function": func(t *testing.T) error { return compile(`repeat(Subject, 2) == "xx"`) },
	"filter-invalid-utf8":     func(t *testing.T) error { return compile("Subject == \"caf\xe9\"") },
	"filter-too-long": func(t *testing.T) error {
		return compile(`Subject contains "` + strings.Repeat("x", 4096) + `"`)
	},
	"filter-too-many-nodes": func(t *testing.T) error { return compile(orChain(65)) },
	"condition-unknown-property": func(t *testing.T) error {
		_, err := convreport.ConditionsExpr(nil, []convreport.Condition{{Property: "Inboxx", Op: convreport.IsAnyOf, Values: []string{"Sales"}}})
		return err
	},
	"condition-bad-values": func(t *testing.T) error {
		_, err := convreport.ConditionsExpr(nil, []convreport.Condition{
			{Property: "IncomingMessages", Op: convreport.GreaterThan, Values: []string{"many"}},
			{Property: "CreatedAt", Op: convreport.Between, Values: []string{"2025-03-01"}},
		})
		return err
	},

	// Report definitions (Engine.Run, NewDashboard, AddReport, UpdateReport).
	"report-unknown-dimension": func(t *testing.T) error {
		return runReport(t, convreport.Report{Name: "r", Dimensions: []string{"Asignee"}})
	},
	"report-too-many-dimensions": func(t *testing.T) error {
		return runReport(t, convreport.Report{Name: "r", Dimensions: []string{"Channel", "Inbox", "Assignee", "Team", "Status"}})
	},
	"report-dimension-kind": func(t *testing.T) error {
		return runReport(t, convreport.Report{Name: "r", Dimensions: []string{"CreatedAt"}})
	},
	"report-group-by-id": func(t *testing.T) error {
		return runReport(t, convreport.Report{Name: "r", Dimensions: []string{"ID"}})
	},
	"report-dimension-twice": func(t *testing.T) error {
		return runReport(t, convreport.Report{Name: "r", Dimensions: []string{"Inbox", "Inbox"}})
	},
	"report-unknown-aggregation": func(t *testing.T) error {
		return runReport(t, convreport.Report{Name: "r", Measure: convreport.Measure{Agg: "sum", Metric: convreport.WaitTime}})
	},
	"report-missing-metric": func(t *testing.T) error {
		return runReport(t, convreport.Report{Name: "r", Measure: convreport.Measure{Agg: convreport.Average}})
	},
	"report-count-with-metric": func(t *testing.T) error {
		return runReport(t, convreport.Report{Name: "r", Measure: convreport.Measure{Metric: convreport.WaitTime}})
	},
	"report-percentile": func(t *testing.T) error {
		return runReport(t, convreport.Report{Name: "r", Measure: convreport.Measure{Agg: convreport.Percentile, Metric: convreport.WaitTime}})
	},
	"report-percentile-decimals": func(t *testing.T) error {
		return runReport(t, convreport.Report{Name: "r", Measure: convreport.Measure{Agg: convreport.Percentile, Metric: convreport.WaitTime, P: 99.9999999}})
	},
	"report-share-threshold": func(t *testing.T) error {
		return runReport(t, convreport.Report{Name: "r", Measure: convreport.Measure{Agg: convreport.ShareWithin, Metric: convreport.WaitTime}})
	},
	"report-bad-duration": func(t *testing.T) error {
		var r convreport.Report
		return json.Unmarshal([]byte(`{"name":"r","measure":{"agg":"share_within","metric":"wait_time","threshold":"5 minutes"}}`), &r)
	},
	"report-duration-too-long": func(t *testing.T) error {
		var r convreport.Report
		return json.Unmarshal([]byte(`{"name":"r","measure":{"agg":"share_within","metric":"wait_time","threshold":"3000000h"}}`), &r)
	},
	"report-unknown-bucket": func(t *testing.T) error { return runReport(t, convreport.Report{Name: "r", Bucket: "fortnight"}) },
	"report-snapshot-bucket": func(t *testing.T) error {
		return runReport(t, convreport.Report{Name: "r", Snapshot: true, Bucket: convreport.Day})
	},
	"report-too-many-buckets": func(t *testing.T) error {
		_, err := docEngine(t).Run(context.Background(), convreport.Query{From: at("2000-01-01T00:00:00Z"), To: at("2020-01-01T00:00:00Z")},
			convreport.Report{Name: "r", Bucket: convreport.Hour})
		return err
	},
	"report-too-many-points": func(t *testing.T) error {
		// 2000 contacts in 30 days of hours: the run stops at the 1389th
		// series, the first past 1 000 000 / 720.
		src, err := memory.New(byContact(2000, at("2025-03-01T00:00:00Z")))
		require.NoError(t, err)
		_, err = convreport.NewEngine(src).Run(context.Background(), convreport.Query{From: at("2025-03-01T00:00:00Z"), To: at("2025-03-31T00:00:00Z")},
			convreport.Report{Name: "r", Dimensions: []string{"ContactID"}, Bucket: convreport.Hour})
		return err
	},
	"report-too-many-points-compared": func(t *testing.T) error {
		// Three contacts on two channels the day before, three of the six
		// pairs now: the earlier period keeps the six, 6 × 24 points.
		var cs []convreport.Conversation
		for i, c := range []string{"c0", "c1", "c2"} {
			for _, ch := range []convreport.Channel{convreport.Chat, convreport.Email} {
				cs = append(cs, convreport.Conversation{ID: fmt.Sprint("p", i, ch), ContactID: c, Channel: ch, CreatedAt: at("2025-03-02T10:00:00Z")})
			}
			ch := []convreport.Channel{convreport.Chat, convreport.Email}[i%2]
			cs = append(cs, convreport.Conversation{ID: fmt.Sprint("n", i), ContactID: c, Channel: ch, CreatedAt: at("2025-03-03T10:00:00Z")})
		}
		src, err := memory.New(cs)
		require.NoError(t, err)
		q := convreport.Query{From: at("2025-03-03T00:00:00Z"), To: at("2025-03-04T00:00:00Z"), Now: at("2025-03-04T00:00:00Z"), Compare: convreport.ComparePrevious}
		_, err = convreport.NewEngine(src, convreport.WithLimits(convreport.Limits{MaxPoints: 100})).Run(context.Background(), q,
			convreport.Report{Name: "r", Dimensions: []string{"ContactID", "Channel"}, Bucket: convreport.Hour})
		return err
	},
	"report-date-property": func(t *testing.T) error { return runReport(t, convreport.Report{Name: "r", DateProperty: "Inbox"}) },
	"report-unknown-sort":  func(t *testing.T) error { return runReport(t, convreport.Report{Name: "r", Sort: "biggest"}) },
	"report-negative-limit": func(t *testing.T) error {
		return runReport(t, convreport.Report{Name: "r", Limit: -5})
	},
	"report-unknown-chart": func(t *testing.T) error {
		return runReport(t, convreport.Report{Name: "r", Chart: convreport.Chart{Type: "radar"}})
	},
	"report-unknown-display-property": func(t *testing.T) error {
		return runReport(t, convreport.Report{Name: "r", Properties: []string{"ID", "Colour"}})
	},
	"report-filter": func(t *testing.T) error {
		return runReport(t, convreport.Report{Name: "Chats", Filter: `Channel = "chat"`})
	},
	"report-conditions": func(t *testing.T) error {
		return runReport(t, convreport.Report{Name: "Chats", Conditions: []convreport.Condition{{Property: "Channel", Op: convreport.IsAnyOf, Values: []string{"sms"}}}})
	},
	"builder-pie-breakdown": func(t *testing.T) error {
		return convreport.Report{Name: "r", Dimensions: []string{"Inbox", "Assignee"}, Chart: convreport.Chart{Type: convreport.PieChart}}.Check(nil)
	},
	"builder-pie-average": func(t *testing.T) error {
		return convreport.Report{Name: "r", Dimensions: []string{"Inbox"},
			Measure: convreport.Measure{Agg: convreport.Average, Metric: convreport.WaitTime},
			Chart:   convreport.Chart{Type: convreport.DonutChart}}.Check(nil)
	},
	"builder-stacked-alone": func(t *testing.T) error {
		return convreport.Report{Name: "r", Dimensions: []string{"Inbox"}, Chart: convreport.Chart{Type: convreport.BarChart, Stacked: true}}.Check(nil)
	},
	"builder-summary-grouped": func(t *testing.T) error {
		return convreport.Report{Name: "r", Bucket: convreport.Day, Chart: convreport.Chart{Type: convreport.SummaryChart}}.Check(nil)
	},
	"builder-snapshot-date": func(t *testing.T) error {
		return convreport.Report{Name: "r", Snapshot: true, DateProperty: "ClosedAt"}.Check(nil)
	},
	"builder-sort-nothing": func(t *testing.T) error {
		return convreport.Report{Name: "r", Sort: convreport.ByLabelAsc}.Check(nil)
	},
	"manage-order": func(t *testing.T) error {
		_, err := okDash().OrderReports()
		return err
	},
	"report-name-required": func(t *testing.T) error {
		_, err := okDash().AddReport(nil, plan.Plan{}, convreport.Report{Dimensions: []string{"Inbox"}})
		return err
	},
	"report-name-control": func(t *testing.T) error {
		_, err := okDash().AddReport(nil, plan.Plan{}, convreport.Report{Name: "By rep\nand inbox", Dimensions: []string{"Inbox"}})
		return err
	},
	"report-not-found": func(t *testing.T) error {
		_, err := okDash().UpdateReport(nil, convreport.Report{ID: "by-owner", Name: "x"})
		return err
	},

	// Queries: range, zone, calendar.
	"query-one-bound": func(t *testing.T) error { return runQuery(t, convreport.Query{From: docT0}) },
	"query-from-after-to": func(t *testing.T) error {
		return runQuery(t, convreport.Query{From: docT0, To: docT0.Add(-24 * time.Hour)})
	},
	"query-bound-range": func(t *testing.T) error {
		return runQuery(t, convreport.Query{From: time.Date(1500, 1, 1, 0, 0, 0, 0, time.UTC), To: docT0})
	},
	"query-compare-range": func(t *testing.T) error {
		return runQuery(t, convreport.Query{From: time.Date(1678, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(1679, 1, 1, 0, 0, 0, 0, time.UTC), Compare: convreport.CompareYear})
	},
	"query-week-start":     func(t *testing.T) error { return runQuery(t, convreport.Query{WeekStart: 7}) },
	"query-unknown-preset": func(t *testing.T) error { return runQuery(t, convreport.Query{Range: "last_fortnight"}) },
	"query-preset-n": func(t *testing.T) error {
		_, err := convreport.ParseRange("last_0_days")
		return err
	},
	"query-calendar": func(t *testing.T) error {
		cal := calendar.OfficeHours(time.UTC, calendar.At(17, 0), calendar.At(9, 0), calendar.Monday)
		return runQuery(t, convreport.Query{Calendar: cal})
	},
	"calendar-unknown-zone": func(t *testing.T) error { return calendarJSON(`{"zone":"Europe/Pariss"}`) },
	"calendar-local-zone":   func(t *testing.T) error { return calendarJSON(`{"zone":"Local"}`) },
	"calendar-bad-clock":    func(t *testing.T) error { return calendarJSON(`{"week":{"monday":[{"start":"9am","end":"17:00"}]}}`) },
	"calendar-overnight":    func(t *testing.T) error { return calendarJSON(`{"week":{"friday":[{"start":"22:00","end":"06:00"}]}}`) },
	"calendar-overlap": func(t *testing.T) error {
		return calendarJSON(`{"week":{"monday":[{"start":"09:00","end":"13:00"},{"start":"12:00","end":"17:00"}]}}`)
	},
	"calendar-special-on-holiday": func(t *testing.T) error {
		return calendarJSON(`{"holidays":["2025-12-24"],"special":[{"date":"2025-12-24","hours":[]}]}`)
	},
	"calendar-bad-holiday":   func(t *testing.T) error { return calendarJSON(`{"holidays":["2025-02-29"]}`) },
	"calendar-key-case":      func(t *testing.T) error { return calendarJSON(`{"week":{"Monday":[]}}`) },
	"calendar-key-twice":     func(t *testing.T) error { return calendarJSON(`{"zone":"UTC","zone":"Europe/Paris"}`) },
	"calendar-unknown-field": func(t *testing.T) error { return calendarJSON(`{"zone":"UTC","hours":[]}`) },
	"calendar-wrong-type":    func(t *testing.T) error { return calendarJSON(`{"holidays":"2025-12-25"}`) },
	"calendar-every-problem": func(t *testing.T) error {
		c := calendar.Calendar{Holidays: []calendar.Date{{Year: 2025, Month: 2, Day: 30}}}
		c.Week.SetDay(calendar.Tuesday, []calendar.Hours{{Start: calendar.At(9, 0), End: calendar.At(25, 0)}})
		return c.Validate()
	},

	// Named calendars.
	"calendar-set-problems": func(t *testing.T) error {
		_, err := calendar.Parse([]byte(`{"calendars": [{"name": "office"}, {"name": "office"}], "inboxes": {"US support": "new-york"}}`))
		return err
	},
	"sla-target-zero": func(t *testing.T) error {
		_, err := convreport.ParseSLA([]byte(`{"name": "standard", "first_response": {"within": "0s"}}`))
		return err
	},
	"sla-unknown-key": func(t *testing.T) error {
		_, err := convreport.ParseSLA([]byte(`{"policies": [{"name": "a", "close": {"within": "1h"}}, {"name": "b", "close": {"withn": "1h"}}]}`))
		return err
	},
	"sla-check-problems": func(t *testing.T) error {
		set, err := convreport.ParseSLA([]byte(`{"policies": [{"name": "standard", "filter": "Chanel == \"chat\"", "close": {"within": "8h", "calendar": "paris"}}]}`))
		require.NoError(t, err)
		cals := &calendar.Set{Calendars: []*calendar.Calendar{{Name: "office"}}}
		return set.Check(convreport.DefaultSchema(), cals, convreport.FilterOptions{})
	},
	"report-sla-no-target": func(t *testing.T) error {
		set := &convreport.SLASet{Policies: []*convreport.SLAPolicy{{Name: "standard", FirstResponse: &convreport.SLATarget{Within: convreport.Duration(time.Hour)}}}}
		_, err := docEngine(t).Run(context.Background(), convreport.Query{SLA: set}, convreport.Report{Name: "Met",
			Measure: convreport.Measure{Agg: convreport.SLAMet, SLA: "standard", Target: convreport.CloseTarget}})
		return err
	},
	"report-sla-no-policies": func(t *testing.T) error {
		_, err := docEngine(t).Run(context.Background(), convreport.Query{},
			convreport.Report{Name: "Met", Measure: convreport.Measure{Agg: convreport.SLAMet, SLA: "standard", Target: convreport.CloseTarget}},
			convreport.Report{Name: "Gold", Measure: convreport.Measure{Agg: convreport.SLABreaches, SLA: "gold", Target: convreport.CloseTarget}})
		return err
	},
	"dashboard-sla-no-policy": func(t *testing.T) error {
		set := &convreport.SLASet{Policies: []*convreport.SLAPolicy{{Name: "standard", FirstResponse: &convreport.SLATarget{Within: convreport.Duration(time.Hour)}}}}
		return convreport.Dashboard{Name: "d", Reports: []convreport.Report{
			{Name: "Met", Measure: convreport.Measure{Agg: convreport.SLAMet, Target: convreport.FirstResponseTarget}}}}.CheckSLA(set)
	},
	"dashboard-sla-unknown-target": func(t *testing.T) error {
		set := &convreport.SLASet{Policies: []*convreport.SLAPolicy{{Name: "standard", FirstResponse: &convreport.SLATarget{Within: convreport.Duration(time.Hour)}}}}
		return convreport.Dashboard{Name: "d", Reports: []convreport.Report{
			{Name: "Met", Measure: convreport.Measure{Agg: convreport.SLAMet, SLA: "standard", Target: "closing"}}}}.CheckSLA(set)
	},
	"report-unknown-calendar": func(t *testing.T) error {
		office := &calendar.Calendar{Name: "office"}
		q := convreport.Query{Calendars: &calendar.Set{Calendars: []*calendar.Calendar{office}}}
		_, err := docEngine(t).Run(context.Background(), q, convreport.Report{Name: "Wait", Calendar: "ofice", Measure: convreport.Measure{Agg: convreport.Average, Metric: convreport.WaitTime}})
		return err
	},
	"dashboard-unknown-calendar": func(t *testing.T) error {
		set := &calendar.Set{Calendars: []*calendar.Calendar{{Name: "office"}}}
		d := okDash()
		d.ID, d.Calendar = "support", "paris"
		return d.CheckCalendars(set)
	},
	"store-calendar-sla-policy": func(t *testing.T) error {
		admin := access.Viewer{UserID: "admin", Admin: true}
		s := store.NewMemory()
		office, paris := &calendar.Calendar{Name: "office"}, &calendar.Calendar{Name: "paris"}
		require.NoError(t, s.SaveCalendars(context.Background(), admin, &calendar.Set{Calendars: []*calendar.Calendar{office, paris}}))
		pol := &convreport.SLAPolicy{Name: "standard", Close: &convreport.SLATarget{Within: convreport.Duration(8 * time.Hour), Calendar: "paris"}}
		require.NoError(t, s.SaveSLA(context.Background(), admin, &convreport.SLASet{Policies: []*convreport.SLAPolicy{pol}}))
		return s.SaveCalendars(context.Background(), admin, &calendar.Set{Calendars: []*calendar.Calendar{office}})
	},
	"dashboard-calendar-name": func(t *testing.T) error {
		d := okDash()
		d.ID, d.Calendar = "support", "Paris office"
		return d.Validate()
	},
	"schema-file-enum": func(t *testing.T) error {
		_, err := convreport.ParseSchema([]byte(`{"properties": [{"name": "plan", "kind": "enum"}]}`))
		return err
	},
	"schema-file-output-key": func(t *testing.T) error {
		_, err := convreport.ParseSchema([]byte(`{"properties": [{"name": "value", "kind": "number"}]}`))
		return err
	},
	"schema-file-kind": func(t *testing.T) error {
		_, err := convreport.ParseSchema([]byte(`{"properties": [{"name": "plan", "kind": "string"}, {"name": "seats", "kind": "integer"}]}`))
		return err
	},
	"schema-file-key": func(t *testing.T) error {
		_, err := convreport.ParseSchema([]byte(`[{"name": "seats", "key": "seats", "kind": "number", "custom": true}, {"name": "plan", "key": "tier", "kind": "string"}]`))
		return err
	},
	"infer-schema-mixed": func(t *testing.T) error {
		in := `{"id": "a", "properties": {"seats": 3}}` + "\n" + `{"id": "b", "properties": {"seats": "three"}}` + "\n"
		_, err := ingest.InferSchema(context.Background(), strings.NewReader(in), ingest.JSONL, ingest.Options{})
		return err
	},

	// Drill-downs.
	"drill-page-size": func(t *testing.T) error {
		_, _, _, d := drillFixture(t)
		_, err := d.Page(0, 5000)
		return err
	},
	"drill-page-negative": func(t *testing.T) error {
		_, _, _, d := drillFixture(t)
		_, err := d.Page(-20, 20)
		return err
	},
	"drill-sort": func(t *testing.T) error {
		_, _, _, d := drillFixture(t)
		return d.SortBy("Colour", false)
	},
	"drill-point-of-another-report": func(t *testing.T) error {
		eng, _, res, _ := drillFixture(t)
		_, err := eng.DrillDown(context.Background(), fixtureQuery(), convreport.Report{Name: "By inbox", Dimensions: []string{"Inbox"}}, res.Points[0])
		return err
	},
	"drill-point-mismatch": func(t *testing.T) error {
		eng, r, res, _ := drillFixture(t)
		r.Filter = `Channel == "email"`
		_, err := eng.DrillDown(context.Background(), fixtureQuery(), r, res.Points[0])
		return err
	},
	"drill-bucket-outside-range": func(t *testing.T) error {
		r := convreport.Report{Name: "Daily", Bucket: convreport.Day}
		p := convreport.Point{Bucket: at("2024-12-25T00:00:00Z")}
		_, err := docEngine(t).DrillDown(context.Background(), fixtureQuery(), r, p)
		return err
	},
	"drill-other-without-limit": func(t *testing.T) error {
		eng, r, _, _ := drillFixture(t)
		_, err := eng.DrillDown(context.Background(), fixtureQuery(), r, convreport.Point{Other: true})
		return err
	},

	// Sources.
	"source-failure": func(t *testing.T) error {
		src := &countingSource{rows: fixture(), failAfter: 2, failWith: errors.New("connection reset by peer")}
		_, err := convreport.NewEngine(src).Run(context.Background(), fixtureQuery(), convreport.Report{Name: "r"})
		return err
	},
	"source-aggregate-failure": func(t *testing.T) error {
		_, err := convreport.NewEngine(failingAggregator{&countingSource{rows: fixture()}}).Run(context.Background(), fixtureQuery(), convreport.Report{Name: "r"})
		return err
	},
	"render-repeated-group": func(t *testing.T) error {
		sales := []convreport.DimensionValue{{Property: "Inbox", Value: "Sales", Known: true}}
		r := convreport.Result{Report: convreport.Report{Name: "By inbox", Dimensions: []string{"Inbox"}}, Points: []convreport.Point{
			{Dimensions: sales, Value: decimal.NewNullDecimal(decimal.NewFromInt(1)), Count: 1},
			{Dimensions: []convreport.DimensionValue{{Property: "Inbox", Value: "Support", Known: true}}, Value: decimal.NewNullDecimal(decimal.NewFromInt(4)), Count: 4},
			{Dimensions: sales, Value: decimal.NewNullDecimal(decimal.NewFromInt(2)), Count: 2},
		}}
		return render.SVG(io.Discard, r, render.SVGOptions{})
	},
	"render-point-dimensions": func(t *testing.T) error {
		r := convreport.Result{Report: convreport.Report{Name: "By inbox", Dimensions: []string{"Inbox"}}, Points: []convreport.Point{
			{Dimensions: []convreport.DimensionValue{{Property: "Inbox", Value: "Sales", Known: true}}, Value: decimal.NewNullDecimal(decimal.NewFromInt(1)), Count: 1},
			{Value: decimal.NewNullDecimal(decimal.NewFromInt(4)), Count: 4},
		}}
		return render.Text(io.Discard, render.Dashboard{Results: []convreport.Result{r}}, render.TextOptions{})
	},
	"render-text-width": func(t *testing.T) error {
		return render.Text(io.Discard, render.Dashboard{}, render.TextOptions{Width: 100_000})
	},
	"canceled": func(t *testing.T) error {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		src, err := memory.New(fixture())
		require.NoError(t, err)
		_, err = convreport.NewEngine(src).Run(ctx, fixtureQuery(), convreport.Report{Name: "r"})
		return err
	},

	// Dashboards.
	"dashboard-name-required": func(t *testing.T) error {
		_, err := convreport.NewDashboard(convreport.DashboardOptions{Name: "  ", Owner: "ana"})
		return err
	},
	"dashboard-name-url": func(t *testing.T) error {
		d := okDash()
		d.Name = "Open www.example.com now"
		return validate(d)
	},
	"dashboard-name-period": func(t *testing.T) error {
		d := okDash()
		d.Name = "Q1. review"
		return validate(d)
	},
	"dashboard-name-too-long": func(t *testing.T) error {
		d := okDash()
		d.Name = strings.Repeat("n", 101)
		return validate(d)
	},
	"dashboard-name-control": func(t *testing.T) error {
		d := okDash()
		d.Name = "Support\tteam"
		return validate(d)
	},
	"dashboard-name-utf8": func(t *testing.T) error {
		d := okDash()
		d.Name = "Support \xff"
		return validate(d)
	},
	"dashboard-id": func(t *testing.T) error {
		d := okDash()
		d.ID = "../Support"
		return validate(d)
	},
	"dashboard-owner": func(t *testing.T) error {
		d := okDash()
		d.Owner = ""
		return validate(d)
	},
	"dashboard-time": func(t *testing.T) error {
		var d convreport.Dashboard
		require.NoError(t, json.Unmarshal([]byte(`{"name":"Support","owner":"ana","created_at":"2025-03-03T09:00:00+24:00","reports":[]}`), &d))
		return validate(d)
	},
	"dashboard-visibility": func(t *testing.T) error {
		d := okDash()
		d.Visibility = "public"
		return validate(d)
	},
	"dashboard-grants-visibility": func(t *testing.T) error {
		d := okDash()
		d.Grants = []access.Grant{{User: "bruno"}}
		return validate(d)
	},
	"dashboard-grant-user-and-team": func(t *testing.T) error {
		d := okDash()
		d.Visibility = access.SpecificUsersAndTeams
		d.Grants = []access.Grant{{User: "bruno", Team: "Sales"}}
		return validate(d)
	},
	"dashboard-grant-action": func(t *testing.T) error {
		d := okDash()
		d.Visibility = access.SpecificUsersAndTeams
		d.Grants = []access.Grant{{Team: "Sales", Allow: access.Delete}}
		return validate(d)
	},
	"dashboard-grant-twice": func(t *testing.T) error {
		d := okDash()
		d.Visibility = access.SpecificUsersAndTeams
		d.Grants = []access.Grant{{User: "bruno"}, {User: "bruno", Allow: access.Edit}}
		return validate(d)
	},
	"dashboard-grant-case": func(t *testing.T) error {
		d := okDash()
		d.Visibility = access.SpecificUsersAndTeams
		d.Grants = []access.Grant{{User: "bruno"}, {User: "Bruno"}}
		return validate(d)
	},
	"dashboard-grant-owner": func(t *testing.T) error {
		d := okDash()
		d.Visibility = access.SpecificUsersAndTeams
		d.Grants = []access.Grant{{User: "ana"}}
		return validate(d)
	},
	"dashboard-grant-space": func(t *testing.T) error {
		d := okDash()
		d.Visibility = access.SpecificUsersAndTeams
		d.Grants = []access.Grant{{Team: "Sales "}}
		return validate(d)
	},
	"dashboard-grant-control": func(t *testing.T) error {
		d := okDash()
		d.Visibility = access.SpecificUsersAndTeams
		d.Grants = []access.Grant{{Team: "Sales\nEurope"}}
		return validate(d)
	},
	"dashboard-report-id": func(t *testing.T) error {
		d := okDash()
		d.Reports[0].ID = "By rep"
		return validate(d)
	},
	"dashboard-report-id-twice": func(t *testing.T) error {
		d := okDash()
		d.Reports = append(d.Reports, convreport.Report{ID: "by-rep", Name: "By rep, again"})
		return validate(d)
	},
	"dashboard-report-name": func(t *testing.T) error {
		d := okDash()
		d.Reports[0].Name = ""
		return validate(d)
	},
	"dashboard-report-name-control": func(t *testing.T) error {
		d := okDash()
		d.Reports[0].Name = "By rep\x00"
		return validate(d)
	},
	"plan-reports-per-dashboard": func(t *testing.T) error {
		_, err := convreport.NewDashboard(convreport.DashboardOptions{Name: "Support", Owner: "ana", Plan: plan.Free, Reports: nReports(11)})
		return err
	},
	"plan-dashboards-per-account": func(t *testing.T) error {
		s := store.NewMemory(store.WithPlan(plan.Free))
		for i := range 4 {
			d := okDash()
			d.Name = fmt.Sprint("Support ", i+1)
			if _, err := s.Create(context.Background(), ana, d); err != nil {
				return err
			}
		}
		return nil
	},
	"store-conflict": func(t *testing.T) error {
		s, d := storeWith(t, access.EveryoneCanEdit)
		mine, theirs := d.Clone(), d.Clone()
		theirs.Name = "Support desk"
		_, err := s.Save(context.Background(), bruno, theirs)
		require.NoError(t, err)
		mine.Name = "Support team"
		_, err = s.Save(context.Background(), ana, mine)
		return err
	},
	"store-created-again": func(t *testing.T) error {
		tick := time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)
		s, d := storeWith(t, access.Private, store.WithClock(func() time.Time {
			tick = tick.Add(time.Second)
			return tick.Add(-time.Second)
		}))
		require.NoError(t, s.Delete(context.Background(), ana, d))
		again := okDash()
		again.ID = d.ID
		_, err := s.Create(context.Background(), ana, again)
		require.NoError(t, err)
		return s.Delete(context.Background(), ana, d)
	},
	"store-delete-no-creation": func(t *testing.T) error {
		s, d := storeWith(t, access.Private)
		return s.Delete(context.Background(), ana, convreport.Dashboard{ID: d.ID, Version: d.Version})
	},
	"store-id-taken": func(t *testing.T) error {
		s, d := storeWith(t, access.Private)
		again := okDash()
		again.ID = d.ID
		_, err := s.Create(context.Background(), ana, again)
		return err
	},
	"store-not-found": func(t *testing.T) error {
		_, err := store.NewMemory().Get(context.Background(), ana, "sales")
		return err
	},
	"store-forbidden-view": func(t *testing.T) error {
		s, d := storeWith(t, access.Private)
		_, err := s.Get(context.Background(), bruno, d.ID)
		return err
	},
	"store-forbidden-edit": func(t *testing.T) error {
		s, d := storeWith(t, access.EveryoneCanView)
		d.Name = "Mine now"
		_, err := s.Save(context.Background(), bruno, d)
		return err
	},
	"store-forbidden-share": func(t *testing.T) error {
		s, d := storeWith(t, access.EveryoneCanEdit)
		d.Visibility = access.Private
		_, err := s.Save(context.Background(), bruno, d)
		return err
	},
	"store-forbidden-create": func(t *testing.T) error {
		d := okDash()
		_, err := store.NewMemory().Create(context.Background(), bruno, d)
		return err
	},
	"store-unreadable-file": func(t *testing.T) error {
		dir := t.TempDir()
		require.NoError(t, os.WriteFile(filepath.Join(dir, "support.json"), []byte(`{"id":"support","name":`), 0o600))
		s, err := store.OpenDir(dir)
		require.NoError(t, err)
		_, err = s.List(context.Background(), ana)
		return renamed{err, dir, "dashboards/acme"}
	},
	"store-calendars-file": func(t *testing.T) error {
		dir := t.TempDir()
		file := "{\n  \"calendars\": [\n    {\"name\": \"paris\", \"zone\": \"Europe/Paris\"},\n    {\"name\": \"office\", \"timezon\": \"UTC\"}\n  ]\n}\n"
		require.NoError(t, os.WriteFile(filepath.Join(dir, "_calendars.json"), []byte(file), 0o600))
		s, err := store.OpenDir(dir)
		require.NoError(t, err)
		_, err = s.Calendars(context.Background())
		return renamed{err, dir, "dashboards/acme"}
	},
	"store-sla-file": func(t *testing.T) error {
		dir := t.TempDir()
		file := "{\n  \"policies\": [\n    {\"name\": \"standard\", \"first_response\": {\"within\": \"1 hour\"}}\n  ]\n}\n"
		require.NoError(t, os.WriteFile(filepath.Join(dir, "_sla.json"), []byte(file), 0o600))
		s, err := store.OpenDir(dir)
		require.NoError(t, err)
		_, err = s.SLA(context.Background())
		return renamed{err, dir, "dashboards/acme"}
	},
	"store-syntax-error": func(t *testing.T) error {
		dir := t.TempDir()
		file := "{\n  \"id\": \"support\",\n  \"name\": \"Support\"\n  \"reports\": []\n}\n"
		require.NoError(t, os.WriteFile(filepath.Join(dir, "support.json"), []byte(file), 0o600))
		s, err := store.OpenDir(dir)
		require.NoError(t, err)
		_, err = s.List(context.Background(), ana)
		return renamed{err, dir, "dashboards/acme"}
	},
	"store-unknown-key": func(t *testing.T) error {
		dir := t.TempDir()
		file := "{\n  \"id\": \"support\",\n  \"name\": \"Support\",\n  \"visibilty\": \"everyone_view\",\n  \"reports\": []\n}\n"
		require.NoError(t, os.WriteFile(filepath.Join(dir, "support.json"), []byte(file), 0o600))
		s, err := store.OpenDir(dir)
		require.NoError(t, err)
		_, err = s.Get(context.Background(), ana, "support")
		return renamed{err, dir, "dashboards/acme"}
	},
	"run-dashboard-forbidden": func(t *testing.T) error {
		d := okDash()
		d.ID = "support"
		q := fixtureQuery()
		q.Viewer = bruno
		_, err := docEngine(t).RunDashboard(context.Background(), q, d)
		return err
	},
}

// TestErrorCatalogueKeepsWhatItSays checks the "kept" claims of
// docs/errors.md that a message cannot show.
func TestErrorCatalogueKeepsWhatItSays(t *testing.T) {
	ctx := context.Background()
	// A rejected batch adds nothing: the source keeps its conversations.
	src, err := memory.New([]convreport.Conversation{docConv("c1")})
	require.NoError(t, err)
	require.Error(t, src.Add(docConv("c2"), docConv("c1")))
	require.Equal(t, 1, src.Len())
	require.NoError(t, src.Add(docConv("c2")), "c2 was not taken by the failed batch")

	// Strict reading returns no conversations; SkipInvalid every valid one.
	cs, err := ingest.ReadAll(ctx, strings.NewReader(okLine+"\n{"), ingest.JSONL, ingest.Options{})
	require.Error(t, err)
	require.Nil(t, cs)

	// Inference: under SkipInvalid, the schema of the valid lines.
	withSeats := strings.Replace(okLine, `}`, `,"properties":{"seats":3}}`, 1)
	schema, err := ingest.InferSchema(ctx, strings.NewReader(withSeats+"\n{\n"), ingest.JSONL, ingest.Options{SkipInvalid: true})
	require.EqualError(t, err, "line 2: unexpected end of JSON")
	require.Len(t, schema.Custom(), 1)
	require.Equal(t, "seats", schema.Custom()[0].Name)
	require.Equal(t, convreport.KindNumber, schema.Custom()[0].Kind)

	// A failed edit leaves the dashboard as it was.
	d := okDash()
	before := d.Clone()
	edited := d.Reports[0].Clone()
	edited.Name, edited.Filter = "Chats", "Inboxx == 1"
	_, err = d.UpdateReport(nil, edited)
	require.Error(t, err)
	require.Equal(t, before, d)

	// A conflicting save writes nothing.
	s, cur := storeWith(t, access.EveryoneCanEdit)
	stale := cur.Clone()
	cur.Name = "First"
	_, err = s.Save(ctx, ana, cur)
	require.NoError(t, err)
	stale.Name = "Second"
	_, err = s.Save(ctx, bruno, stale)
	require.ErrorIs(t, err, store.ErrConflict)
	got, err := s.Get(ctx, ana, cur.ID)
	require.NoError(t, err)
	require.Equal(t, "First", got.Name)

	// An unreadable dashboard file is left as it is.
	dir := t.TempDir()
	bad := []byte(`{"id":"support","name":`)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "support.json"), bad, 0o600))
	ds, err := store.OpenDir(dir)
	require.NoError(t, err)
	_, err = ds.Get(ctx, ana, "support")
	require.Error(t, err)
	after, err := os.ReadFile(filepath.Join(dir, "support.json"))
	require.NoError(t, err)
	require.True(t, bytes.Equal(bad, after))

}
