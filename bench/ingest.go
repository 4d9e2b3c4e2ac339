package bench

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"reflect"
	"slices"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/ingest"
	"github.com/convreport/convreport/parquetio"
)

// WriteJSONL writes cs to path with ingest.WriteJSONL and returns the
// file's size.
func WriteJSONL(path string, cs []convreport.Conversation) (int64, error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	if err := ingest.WriteJSONL(f, slices.Values(cs)); err != nil {
		f.Close()
		return 0, err
	}
	if err := f.Close(); err != nil {
		return 0, err
	}
	st, err := os.Stat(path)
	if err != nil {
		return 0, err
	}
	return st.Size(), nil
}

// WriteCSV writes cs to path with ingest.WriteCSV and returns the file's
// size.
func WriteCSV(path string, cs []convreport.Conversation) (int64, error) {
	return writeFile(path, func(w io.Writer) error { return ingest.WriteCSV(w, nil, slices.Values(cs)) })
}

// WriteParquet writes cs to path with parquetio.Write and returns the
// file's size.
func WriteParquet(path string, cs []convreport.Conversation) (int64, error) {
	return writeFile(path, func(w io.Writer) error { return parquetio.Write(w, nil, slices.Values(cs)) })
}

func writeFile(path string, write func(io.Writer) error) (int64, error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	if err := errors.Join(write(bw), bw.Flush()); err != nil {
		f.Close()
		return 0, err
	}
	if err := f.Close(); err != nil {
		return 0, err
	}
	st, err := os.Stat(path)
	if err != nil {
		return 0, err
	}
	return st.Size(), nil
}

// ReadJSONL reads path with ingest.ReadAll, strictly.
func ReadJSONL(ctx context.Context, path string) ([]convreport.Conversation, error) {
	return ReadFile(ctx, path, ingest.JSONL, 0)
}

// ReadFile reads path with ingest.ReadAll in format, strictly, on
// workers goroutines (0: GOMAXPROCS; 1: the sequential reader).
func ReadFile(ctx context.Context, path string, format ingest.Format, workers int) ([]convreport.Conversation, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ingest.ReadAll(ctx, f, format, ingest.Options{File: path, Workers: workers})
}

// ReadParquet reads path with parquetio.ReadFile, strictly.
func ReadParquet(ctx context.Context, path string) ([]convreport.Conversation, error) {
	return parquetio.ReadFile(ctx, path, ingest.Options{})
}

// SameConversations returns nil when got holds want's conversations in
// order, field for field (times as the same instants).
func SameConversations(want, got []convreport.Conversation) error {
	if len(want) != len(got) {
		return fmt.Errorf("bench: read %d conversations, wrote %d", len(got), len(want))
	}
	for i := range want {
		a, b := want[i], got[i]
		for _, t := range [][2]*time.Time{{&a.CreatedAt, &b.CreatedAt}, {&a.FirstAssignedAt, &b.FirstAssignedAt}, {&a.FirstResponseAt, &b.FirstResponseAt}, {&a.ClosedAt, &b.ClosedAt}} {
			if !t[0].Equal(*t[1]) {
				return fmt.Errorf("bench: conversation %d (%s): time %s read back as %s", i, a.ID, t[0], t[1])
			}
			*t[0], *t[1] = time.Time{}, time.Time{}
		}
		if len(a.Properties) == 0 && len(b.Properties) == 0 {
			a.Properties, b.Properties = nil, nil
		}
		if !reflect.DeepEqual(a, b) || !maps.EqualFunc(a.Properties, b.Properties, func(x, y any) bool { return reflect.DeepEqual(x, y) }) {
			return fmt.Errorf("bench: conversation %d (%s) read back differently:\n wrote %+v\n read  %+v", i, want[i].ID, want[i], got[i])
		}
	}
	return nil
}
