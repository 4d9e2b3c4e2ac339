package duckdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"iter"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/ingest"
	"github.com/convreport/convreport/memory"
	"github.com/convreport/convreport/parquetio"
	"github.com/convreport/convreport/sample"
	duckdb "github.com/duckdb/duckdb-go/v2"
)

// DuckDB's own Parquet reader, which shares no code with parquetio, reads
// a file parquetio wrote and finds every field of every conversation:
// strings (null when unknown), counts, times, and the custom properties in
// the "properties" group. DuckDB holds a TIMESTAMP adjusted to UTC as a
// TIMESTAMP WITH TIME ZONE, in microseconds: it reads the times to the
// microsecond (parquetio's own reader, tested in its package, to the
// nanosecond), durations (INT64 nanoseconds) to the nanosecond.
func TestDuckDBReadsParquetioFiles(t *testing.T) {
	schema := propertySchema(t)
	cs := sample.Generate(sample.Config{Seed: 5, N: 3000})
	for i := range cs {
		c := &cs[i]
		// Times at odd nanoseconds, in an offset other than UTC.
		c.CreatedAt = c.CreatedAt.Add(time.Duration(i%1000) + 1).In(time.FixedZone("", -3*3600))
		switch i % 3 {
		case 0:
			c.Properties = map[string]any{"tier": "pro", "score": float64(i) / 7, "vip": i%2 == 0,
				"due": c.CreatedAt.Add(time.Duration(i) * 1001), "sla": time.Duration(i)*time.Second + 7}
		case 1:
			c.Properties = map[string]any{"tier": "free"}
		}
	}
	path := filepath.Join(t.TempDir(), "conversations.parquet")
	if err := parquetio.WriteFile(path, schema, cs); err != nil {
		t.Fatal(err)
	}

	connector, err := duckdb.NewConnector("", nil)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(connector)
	defer db.Close()
	rows, err := db.QueryContext(context.Background(), `
		SELECT id, channel, inbox, assignee, team, status,
		       epoch_us(created_at), epoch_us(first_assigned_at), epoch_us(first_response_at), epoch_us(closed_at),
		       closed_by, origin_url, chatflow, source, contact_id, subject,
		       incoming_messages, outgoing_messages,
		       properties.tier, properties.score, properties.vip, epoch_us(properties.due), properties.sla,
		       typeof(created_at)
		FROM read_parquet(?, file_row_number = true) ORDER BY file_row_number`, path)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	str := func(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }
	us := func(t time.Time) sql.NullInt64 { // the data's times are after 1970: no rounding down to do
		if t.IsZero() {
			return sql.NullInt64{}
		}
		return sql.NullInt64{Int64: t.UnixNano() / 1000, Valid: true}
	}
	i := 0
	for rows.Next() {
		var (
			s               [12]sql.NullString
			times           [4]sql.NullInt64
			in, out         int64
			tier            sql.NullString
			score           sql.NullFloat64
			vip             sql.NullBool
			due, sla        sql.NullInt64
			createdAtTypeOf string
		)
		if err := rows.Scan(&s[0], &s[1], &s[2], &s[3], &s[4], &s[5], &times[0], &times[1], &times[2], &times[3],
			&s[6], &s[7], &s[8], &s[9], &s[10], &s[11], &in, &out, &tier, &score, &vip, &due, &sla, &createdAtTypeOf); err != nil {
			t.Fatal(err)
		}
		if i >= len(cs) {
			t.Fatalf("DuckDB reads more than %d rows", len(cs))
		}
		c := cs[i]
		wantS := [12]sql.NullString{str(c.ID), str(string(c.Channel)), str(c.Inbox), str(c.Assignee), str(c.Team), str(string(c.Status)),
			str(c.ClosedBy), str(c.OriginURL), str(c.Chatflow), str(c.Source), str(c.ContactID), str(c.Subject)}
		wantT := [4]sql.NullInt64{us(c.CreatedAt), us(c.FirstAssignedAt), us(c.FirstResponseAt), us(c.ClosedAt)}
		if s != wantS || times != wantT || in != int64(c.IncomingMessages) || out != int64(c.OutgoingMessages) {
			t.Fatalf("row %d: DuckDB reads %v %v %d %d, want %v %v %d %d", i, s, times, in, out, wantS, wantT, c.IncomingMessages, c.OutgoingMessages)
		}
		var wantTier sql.NullString
		var wantScore sql.NullFloat64
		var wantVip sql.NullBool
		var wantDue, wantSLA sql.NullInt64
		if v, ok := c.Properties["tier"]; ok {
			wantTier = sql.NullString{String: v.(string), Valid: true}
		}
		if v, ok := c.Properties["score"]; ok {
			wantScore = sql.NullFloat64{Float64: v.(float64), Valid: true}
		}
		if v, ok := c.Properties["vip"]; ok {
			wantVip = sql.NullBool{Bool: v.(bool), Valid: true}
		}
		if v, ok := c.Properties["due"]; ok {
			wantDue = us(v.(time.Time))
		}
		if v, ok := c.Properties["sla"]; ok {
			wantSLA = sql.NullInt64{Int64: int64(v.(time.Duration)), Valid: true}
		}
		if tier != wantTier || score != wantScore || vip != wantVip || due != wantDue || sla != wantSLA {
			t.Fatalf("row %d: properties %v %v %v %v %v, want %v %v %v %v %v", i, tier, score, vip, due, sla, wantTier, wantScore, wantVip, wantDue, wantSLA)
		}
		if createdAtTypeOf != "TIMESTAMP WITH TIME ZONE" {
			t.Fatalf("DuckDB reads created_at as %s, want a TIMESTAMP WITH TIME ZONE", createdAtTypeOf)
		}
		i++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if i != len(cs) {
		t.Fatalf("DuckDB read %d rows, want %d", i, len(cs))
	}
}

// parquetio reads the files DuckDB writes: with every compression codec
// DuckDB offers, DuckDB's own layout (data pages v1, dictionary-encoded
// integers and times, row groups of its size), times in microseconds,
// counts as DuckDB's INTEGER (32 bits) or BIGINT, and custom properties
// in the "properties" group. Read gives the conversations written, and
// Load a source holding what memory.New of them holds. A TIMESTAMP
// without a zone is refused, naming the column.
func TestParquetioReadsDuckDBFiles(t *testing.T) {
	schema := propertySchema(t)
	cs := sample.Generate(sample.Config{Seed: 6, N: 20_000})
	for i := range cs {
		c := &cs[i]
		if i%3 == 0 { // times to the microsecond: what DuckDB holds
			c.Properties = map[string]any{"tier": "pro", "score": float64(i) / 7, "vip": i%2 == 0,
				"due": c.CreatedAt.Add(time.Duration(i) * time.Microsecond), "sla": time.Duration(i)*time.Second + 7}
		} else if i%3 == 1 {
			c.Properties = map[string]any{"tier": "free"}
		}
	}
	dir := t.TempDir()
	ours := filepath.Join(dir, "ours.parquet")
	if err := parquetio.WriteFile(ours, schema, cs); err != nil {
		t.Fatal(err)
	}
	ref, err := memory.New(cs, memory.WithSchema(schema))
	if err != nil {
		t.Fatal(err)
	}
	connector, err := duckdb.NewConnector("", nil)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(connector)
	defer db.Close()
	ctx := context.Background()
	write := func(t *testing.T, name, query, options string) string {
		t.Helper()
		out := filepath.Join(dir, name+".parquet")
		// COPY takes no parameters; the paths are the test's own.
		stmt := fmt.Sprintf(`COPY (%s) TO '%s' (FORMAT parquet, ROW_GROUP_SIZE 4096%s)`, fmt.Sprintf(query, "'"+ours+"'"), out, options)
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
		return out
	}
	opt := ingest.Options{Schema: schema}
	for _, tc := range []struct{ name, query, options string }{
		{"uncompressed", "SELECT * FROM read_parquet(%s)", ", COMPRESSION uncompressed"},
		{"snappy", "SELECT * FROM read_parquet(%s)", ", COMPRESSION snappy"},
		{"gzip", "SELECT * FROM read_parquet(%s)", ", COMPRESSION gzip"},
		{"zstd", "SELECT * FROM read_parquet(%s)", ", COMPRESSION zstd"},
		{"lz4_raw", "SELECT * FROM read_parquet(%s)", ", COMPRESSION lz4_raw"},
		{"brotli", "SELECT * FROM read_parquet(%s)", ", COMPRESSION brotli"},
		{"integer counts", "SELECT * REPLACE (incoming_messages::INTEGER AS incoming_messages, outgoing_messages::INTEGER AS outgoing_messages) FROM read_parquet(%s)", ""},
		{"unsigned counts", "SELECT * REPLACE (incoming_messages::UINTEGER AS incoming_messages, outgoing_messages::UBIGINT AS outgoing_messages) FROM read_parquet(%s)", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := write(t, tc.name, tc.query, tc.options)
			got, err := parquetio.ReadFile(ctx, path, opt)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(cs) {
				t.Fatalf("read %d rows, want %d", len(got), len(cs))
			}
			for i := range cs {
				if !reflect.DeepEqual(got[i], cs[i]) {
					t.Fatalf("row %d:\n got %+v\nwant %+v", i+1, got[i], cs[i])
				}
			}
			loadsAs(t, path, opt, ref)
		})
	}
	// Custom properties in DuckDB's own types, made in SQL from the
	// built-in fields, and typed by their columns (DuckDB keeps no
	// declaration): the values each should hold are computed here.
	t.Run("properties typed by their columns", func(t *testing.T) {
		path := write(t, "typed", `SELECT * EXCLUDE (properties), struct_pack(
			seats := incoming_messages * 2,
			ratio := (outgoing_messages / 4)::FLOAT,
			vip := incoming_messages > 3,
			due := created_at + INTERVAL 90 MINUTE,
			plan := channel) AS properties FROM read_parquet(%s)`, "")
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		st, err := f.Stat()
		if err != nil {
			t.Fatal(err)
		}
		typed, err := parquetio.FileSchema(f, st.Size())
		if err != nil {
			t.Fatal(err)
		}
		want := slices.Clone(cs)
		for i := range want {
			c := &want[i]
			c.Properties = map[string]any{"seats": float64(2 * c.IncomingMessages), "ratio": float64(float32(float64(c.OutgoingMessages) / 4)),
				"vip": c.IncomingMessages > 3, "due": c.CreatedAt.Add(90 * time.Minute), "plan": string(c.Channel)}
		}
		opt := ingest.Options{Schema: typed}
		got, err := parquetio.ReadFile(ctx, path, opt)
		if err != nil {
			t.Fatal(err)
		}
		for i := range want {
			if !reflect.DeepEqual(got[i], want[i]) {
				t.Fatalf("row %d:\n got %+v\nwant %+v", i+1, got[i], want[i])
			}
		}
		ref, err := memory.New(want, memory.WithSchema(typed))
		if err != nil {
			t.Fatal(err)
		}
		loadsAs(t, path, opt, ref)
	})
	t.Run("times without a zone", func(t *testing.T) {
		path := write(t, "local", "SELECT * REPLACE (created_at::TIMESTAMP AS created_at) FROM read_parquet(%s)", "")
		for name, read := range map[string]func() error{
			"Read": func() error { _, err := parquetio.ReadFile(ctx, path, opt); return err },
			"Load": func() error { _, err := parquetio.LoadFile(ctx, path, opt); return err },
		} {
			err := read()
			var fe *parquetio.FileError
			if !errors.As(err, &fe) || fe.Column != "created_at" || !strings.Contains(err.Error(), "times without a zone") {
				t.Errorf("%s: %v, want a *parquetio.FileError on created_at", name, err)
			}
		}
	})
}

// loadsAs requires parquetio.LoadFile of path to give a source holding
// what ref holds, in the same order.
func loadsAs(t *testing.T, path string, opt ingest.Options, ref *memory.Source) {
	t.Helper()
	src, err := parquetio.LoadFile(context.Background(), path, opt)
	if err != nil {
		t.Fatal(err)
	}
	next, stop := iter.Pull(src.All())
	defer stop()
	i := 0
	for want := range ref.All() {
		c, ok := next()
		if !ok || !reflect.DeepEqual(c, want) {
			t.Fatalf("Load: conversation %d:\n got %+v\nwant %+v", i, c, want)
		}
		i++
	}
	if _, ok := next(); ok {
		t.Fatalf("Load: more than %d conversations", i)
	}
}

// propertySchema declares a custom property of each kind a file holds.
func propertySchema(t *testing.T) *convreport.Schema {
	t.Helper()
	schema, err := convreport.NewSchema(
		convreport.Property{Name: "tier", Kind: convreport.KindEnum, Values: []string{"free", "pro"}},
		convreport.Property{Name: "score", Kind: convreport.KindNumber},
		convreport.Property{Name: "vip", Kind: convreport.KindBool},
		convreport.Property{Name: "due", Kind: convreport.KindTime},
		convreport.Property{Name: "sla", Kind: convreport.KindDuration},
	)
	if err != nil {
		t.Fatal(err)
	}
	return schema
}
