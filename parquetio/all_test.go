package parquetio

import (
	"bytes"
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/ingest"
)

// collect ranges over seq: the conversations, and each error's message in
// order.
func collect(seq func(func(convreport.Conversation, error) bool)) ([]convreport.Conversation, []string) {
	var rows []convreport.Conversation
	var errs []string
	for c, err := range seq {
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		rows = append(rows, c)
	}
	return rows, errs
}

// All yields what Read returns, a row group at a time, with the progress
// of each group.
func TestAllYieldsWhatReadReturns(t *testing.T) {
	schema := testSchema(t)
	old := rowsPerGroup
	rowsPerGroup = 1000 // several row groups, the last one short
	defer func() { rowsPerGroup = old }()
	for _, n := range []int{0, 1, 999, 5432} {
		want := randomConversations(n, uint64(n)+3)
		var buf bytes.Buffer
		if err := Write(&buf, schema, slices.Values(want)); err != nil {
			t.Fatal(err)
		}
		var calls [][2]int64
		opt := ingest.Options{Schema: schema, Progress: func(b int64, rows int) { calls = append(calls, [2]int64{b, int64(rows)}) }}
		got, errs := collect(All(context.Background(), bytes.NewReader(buf.Bytes()), int64(buf.Len()), opt))
		if len(errs) > 0 {
			t.Fatalf("%d rows: %v", n, errs)
		}
		same(t, want, got)
		groups := (n + 999) / 1000
		if len(calls) != groups {
			t.Fatalf("%d rows: %d progress calls, want one a row group (%d)", n, len(calls), groups)
		}
		for k, c := range calls {
			if c[1] != int64(min(n, (k+1)*1000)) || (k > 0 && c[0] <= calls[k-1][0]) || c[0] > int64(buf.Len()) {
				t.Fatalf("%d rows: progress %v", n, calls)
			}
		}
	}
}

// A bad row's error comes in its place, as Read words it; the rows go on
// with SkipInvalid, else end. Repeated IDs are not All's to find.
func TestAllRowErrors(t *testing.T) {
	rows := randomConversations(3000, 5)
	rows[1200].Status = convreport.Closed
	rows[1200].ClosedAt = time.Time{}
	rows[2500].ID = ""
	rows[2900].ID = rows[10].ID
	old := rowsPerGroup
	rowsPerGroup = 1000
	defer func() { rowsPerGroup = old }()
	var buf bytes.Buffer
	if err := Write(&buf, testSchema(t), slices.Values(rows)); err != nil {
		t.Fatal(err)
	}
	all := func(opt ingest.Options) ([]convreport.Conversation, []string) {
		opt.File, opt.Schema = "x.parquet", testSchema(t)
		return collect(All(context.Background(), bytes.NewReader(buf.Bytes()), int64(buf.Len()), opt))
	}
	closedAt := `x.parquet: row 1201: conversation "` + rows[1200].ID + `": closed_at: is missing but the conversation is closed`
	got, errs := all(ingest.Options{})
	if len(got) != 1200 || !slices.Equal(errs, []string{closedAt}) {
		t.Fatalf("strict: %d rows, %v", len(got), errs)
	}
	got, errs = all(ingest.Options{SkipInvalid: true})
	if len(got) != 2998 || !slices.Equal(errs, []string{closedAt, `x.parquet: row 2501: id: is empty`}) {
		t.Fatalf("skipping: %d rows, %v", len(got), errs)
	}
	// Read, which checks repeats, agrees on the rest.
	_, rerr := Read(context.Background(), bytes.NewReader(buf.Bytes()), int64(buf.Len()), ingest.Options{File: "x.parquet", Schema: testSchema(t)})
	if rerr == nil || rerr.Error() != closedAt {
		t.Fatalf("Read: %v", rerr)
	}
}

// A caller that stops early stops the read; a file that is no Parquet,
// damaged or missing is an error, never a panic.
func TestAllStopsAndFails(t *testing.T) {
	schema := testSchema(t)
	var buf bytes.Buffer
	if err := Write(&buf, schema, slices.Values(randomConversations(3000, 2))); err != nil {
		t.Fatal(err)
	}
	good := buf.Bytes()
	n := 0
	for _, err := range All(context.Background(), bytes.NewReader(good), int64(len(good)), ingest.Options{Schema: schema}) {
		if err != nil {
			t.Fatal(err)
		}
		if n++; n == 10 {
			break
		}
	}
	if n != 10 {
		t.Fatalf("took %d", n)
	}
	r := rand.New(rand.NewPCG(3, 4))
	for i := range 200 {
		data := damaged(good, r, i)
		rows, errs := collect(All(context.Background(), bytes.NewReader(data), int64(len(data)), ingest.Options{Schema: schema, SkipInvalid: true}))
		for j := range rows {
			if verr := schema.Validate(&rows[j]); verr != nil {
				t.Fatalf("damage %d: an invalid row is yielded: %v", i, verr)
			}
		}
		if len(errs) == 0 && len(rows) == 0 {
			t.Fatalf("damage %d: no rows and no error", i)
		}
	}
	data, err := os.ReadFile(filepath.Join("testdata", "damaged-footer.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	if _, errs := collect(All(context.Background(), bytes.NewReader(data), int64(len(data)), ingest.Options{})); len(errs) != 1 || !strings.Contains(errs[0], "cannot be decoded") {
		t.Fatalf("a damaged footer: %v", errs)
	}
	var missing []error
	for _, err := range AllFile(context.Background(), filepath.Join(t.TempDir(), "none.parquet"), ingest.Options{}) {
		missing = append(missing, err)
	}
	if len(missing) != 1 || !errors.Is(missing[0], os.ErrNotExist) {
		t.Fatalf("a missing file: %v", missing)
	}
	// A file on disk, named in the errors; a context that ends stops it.
	path := filepath.Join(t.TempDir(), "x.parquet")
	if err := os.WriteFile(path, good, 0o644); err != nil {
		t.Fatal(err)
	}
	want, err := Read(context.Background(), bytes.NewReader(good), int64(len(good)), ingest.Options{Schema: schema})
	if err != nil {
		t.Fatal(err)
	}
	got, errs := collect(AllFile(context.Background(), path, ingest.Options{Schema: schema}))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	same(t, want, got)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, errs := collect(AllFile(ctx, path, ingest.Options{Schema: schema})); !slices.Equal(errs, []string{context.Canceled.Error()}) {
		t.Fatalf("a context that ended: %v", errs)
	}
}

// A task that panics does not end the program from another goroutine: the
// panic comes back on the caller's, once every worker has stopped (the
// one that panicked goes on taking the tasks handed out, so that handing
// them out does not wait for ever).
func TestEachTaskRaisesAPanicOnTheCaller(t *testing.T) {
	tasks := make([]int, 100)
	for i := range tasks {
		tasks[i] = i
	}
	for _, workers := range []int{1, 2, 5} {
		p := func() (p any) {
			defer func() { p = recover() }()
			eachTask(context.Background(), workers, tasks, func() struct{} { return struct{}{} }, func(_ struct{}, i int) error {
				if i == 7 {
					panic("task 7")
				}
				return nil
			})
			return nil
		}()
		if p != "task 7" {
			t.Fatalf("%d workers: recovered %v, want the task's panic", workers, p)
		}
	}
}
