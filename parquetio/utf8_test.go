package parquetio

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/ingest"
	"github.com/convreport/convreport/internal/tables"
)

// A string that is not UTF-8 is a bad row, as JSON Lines and CSV refuse
// it ("invalid UTF-8"), in every string column and whichever way the
// column is encoded: Read, All and Load name the row and the column, and
// SkipInvalid keeps the other rows. (Read as it was, DuckDB refused the
// Parquet file import wrote from it.)
func TestInvalidUTF8IsTheRowsError(t *testing.T) {
	schema := testSchema(t)
	t0 := time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)
	rows := make([]convreport.Conversation, 10)
	for i := range rows {
		rows[i] = convreport.Conversation{ID: fmt.Sprintf("c%d", i+1), Channel: convreport.Chat, Status: convreport.Open,
			CreatedAt: t0.Add(time.Duration(i) * time.Minute), Inbox: "Sales", Subject: "hello", ContactID: fmt.Sprintf("k%d", i),
			Properties: map[string]any{"note": "fine", "tier": "pro"}}
	}
	rows[1].Subject = "bad\xff\xfe"        // dictionary-encoded by Write
	rows[3].ID = "c4\xff"                  // plain, kept as bytes and ends
	rows[4].Properties["note"] = "n\xc0"   // a custom string
	rows[5].Inbox = "Sales\xe2\x82"        // indexed, a rune cut short
	rows[6].ContactID = "x\xc3"            // these two are each invalid, but
	rows[7].ContactID = "\xa9y"            // "x\xc3\xa9y" together is not
	rows[8].Properties["tier"] = "pro\xff" // an enum
	wantErrs := []string{
		`x.parquet: row 2: conversation "c2": subject: invalid UTF-8`,
		`x.parquet: row 4: id: invalid UTF-8`,
		`x.parquet: row 5: conversation "c5": properties.note: invalid UTF-8`,
		`x.parquet: row 6: conversation "c6": inbox: invalid UTF-8`,
		`x.parquet: row 7: conversation "c7": contact_id: invalid UTF-8`,
		`x.parquet: row 8: conversation "c8": contact_id: invalid UTF-8`,
		`x.parquet: row 9: conversation "c9": properties.tier: invalid UTF-8`,
	}
	kept := []string{"c1", "c3", "c10"}
	for _, dict := range []bool{false, true} {
		t.Run(fmt.Sprintf("every string dictionary-encoded %v", dict), func(t *testing.T) {
			write := func(rows []convreport.Conversation) []byte {
				var buf bytes.Buffer
				was := make([]bool, len(builtins))
				for k := range builtins {
					was[k] = builtins[k].dict
					if dict && builtins[k].typ == tString {
						builtins[k].dict = true
					}
				}
				defer func() {
					for k := range builtins {
						builtins[k].dict = was[k]
					}
				}()
				if err := Write(&buf, schema, slices.Values(rows)); err != nil {
					t.Fatal(err)
				}
				return buf.Bytes()
			}
			data := write(rows)
			// The column-wise load declines the file for Read to name the
			// rows, and takes the same file with valid strings of several
			// bytes a rune.
			if _, err := loadColumns(context.Background(), bytes.NewReader(data), int64(len(data)), ingest.Options{}, schema); !errors.Is(err, tables.ErrNotClean) {
				t.Fatalf("loadColumns of invalid UTF-8: %v", err)
			}
			fixed := slices.Clone(rows)
			fixed[1].Subject, fixed[3].ID, fixed[5].Inbox, fixed[6].ContactID, fixed[7].ContactID = "h\u00e9", "c4\u00e9", "Sal\u00e9s", "x\u00e9", "\u00e9y"
			fixed[4].Properties = map[string]any{"note": "\u65e5\u672c", "tier": "pro"}
			fixed[8].Properties = map[string]any{"note": "\U0001F642", "tier": "pro"}
			good := write(fixed)
			if _, err := loadColumns(context.Background(), bytes.NewReader(good), int64(len(good)), ingest.Options{}, schema); err != nil {
				t.Fatalf("loadColumns of valid UTF-8: %v", err)
			}
			opt := func(skip bool) ingest.Options {
				return ingest.Options{File: "x.parquet", Schema: schema, SkipInvalid: skip}
			}
			check := func(t *testing.T, what string, ids []string, errs []error) {
				t.Helper()
				var msgs []string
				for _, e := range errs {
					var re *RowError
					if !errors.As(e, &re) {
						t.Fatalf("%s: %T is not a *RowError: %v", what, e, e)
					}
					msgs = append(msgs, e.Error())
				}
				if !slices.Equal(msgs, wantErrs) || !slices.Equal(ids, kept) {
					t.Fatalf("%s: kept %q, errors\n%s\nwant %q and\n%s", what, ids, strings.Join(msgs, "\n"), kept, strings.Join(wantErrs, "\n"))
				}
			}
			idsOf := func(cs []convreport.Conversation) []string {
				var ids []string
				for _, c := range cs {
					ids = append(ids, c.ID)
				}
				return ids
			}

			got, err := Read(context.Background(), bytes.NewReader(data), int64(len(data)), opt(true))
			check(t, "Read", idsOf(got), err.(interface{ Unwrap() []error }).Unwrap())

			var errs []error
			var ids []string
			for c, err := range All(context.Background(), bytes.NewReader(data), int64(len(data)), opt(true)) {
				if err != nil {
					errs = append(errs, err)
				} else {
					ids = append(ids, c.ID)
				}
			}
			check(t, "All", ids, errs)

			src, err := Load(context.Background(), bytes.NewReader(data), int64(len(data)), opt(true))
			if src == nil {
				t.Fatalf("Load: %v", err)
			}
			ids = nil
			for c := range src.All() {
				ids = append(ids, c.ID)
			}
			slices.SortFunc(ids, func(a, b string) int { return len(a) - len(b) }) // the source's order is by creation
			check(t, "Load", ids, err.(interface{ Unwrap() []error }).Unwrap())

			for _, strict := range []func() error{
				func() error {
					_, err := Read(context.Background(), bytes.NewReader(data), int64(len(data)), opt(false))
					return err
				},
				func() error {
					_, err := Load(context.Background(), bytes.NewReader(data), int64(len(data)), opt(false))
					return err
				},
			} {
				if err := strict(); err == nil || err.Error() != wantErrs[0] {
					t.Fatalf("strict: %v, want %s", err, wantErrs[0])
				}
			}
		})
	}
}

// validStrings checks a page's values in one pass over its bytes: it
// must refuse values that are each invalid though their bytes together
// are valid UTF-8.
func TestValidStrings(t *testing.T) {
	page := func(vals ...string) ([]byte, []uint32) {
		var buf []byte
		offs := []uint32{0}
		for _, v := range vals {
			buf = append(buf, v...)
			offs = append(offs, uint32(len(buf)))
		}
		return buf, offs
	}
	for _, tc := range []struct {
		vals []string
		want bool
	}{
		{nil, true},
		{[]string{"", "a", "", "é", "日本", "🙂"}, true},
		{[]string{"é", "", "é"}, true},
		{[]string{"bad\xff\xfe"}, false},
		{[]string{"x\xc3", "\xa9y"}, false},
		{[]string{"\xe6\x97", "\xa5"}, false},
		{[]string{"\xf0\x9f\x99", "\x82"}, false},
		{[]string{"ok", "\x80"}, false},
	} {
		buf, offs := page(tc.vals...)
		if got := validStrings(buf, offs); got != tc.want {
			t.Errorf("validStrings(%q) = %v, want %v", tc.vals, got, tc.want)
		}
	}
}
