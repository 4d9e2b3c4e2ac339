package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/convreport/convreport/ingest"
	"github.com/convreport/convreport/memory"
)

// A file rotated while serve loaded it is still the one the follower
// starts in: the lines written to it after the load are read, then the
// new file under the name. The follower used to open the name afresh and
// go on in the new file from the old file's offset.
func TestFollowerStartsInTheFileLoaded(t *testing.T) {
	line := func(id string) string {
		return fmt.Sprintf(`{"id":%q,"channel":"chat","status":"open","created_at":"2025-05-20T10:00:00Z"}`+"\n", id)
	}
	path := filepath.Join(t.TempDir(), "c.jsonl")
	loaded := line("a") + line("b")
	require.NoError(t, os.WriteFile(path, []byte(loaded), 0o644))
	fh, err := os.Open(path) // as loadFollowed opens it, before the load
	require.NoError(t, err)
	src, err := memory.New(nil)
	require.NoError(t, err)

	// While the load ran: a line appended, then the file rotated, and a
	// longer one put under the name.
	old, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = old.WriteString(line("late"))
	require.NoError(t, err)
	require.NoError(t, old.Close())
	require.NoError(t, os.Rename(path, path+".1"))
	require.NoError(t, os.WriteFile(path, []byte(line("n1")+line("n2")+line("n3")), 0o644))

	f, err := newFollower(path, fh, int64(len(loaded)), src, ingest.Options{Schema: src.Schema()}, io.Discard)
	require.NoError(t, err)
	defer f.close()
	for range 3 {
		require.NoError(t, f.poll(context.Background()))
	}
	var ids []string
	for c := range src.All() {
		ids = append(ids, c.ID)
	}
	require.ElementsMatch(t, []string{"late", "n1", "n2", "n3"}, ids)
}

// A line longer than a read's chunk is reported once and passed over,
// and the lines after it apply. The follower used to wait for its end,
// which no chunk held, and so stopped following for good.
func TestFollowerSkipsALineLongerThanAChunk(t *testing.T) {
	defer func(n int64) { followChunk = n }(followChunk)
	followChunk = 2 << 20 // over the reader's 1 MiB line limit
	line := func(id string) string {
		return fmt.Sprintf(`{"id":%q,"channel":"chat","status":"open","created_at":"2025-05-20T10:00:00Z"}`+"\n", id)
	}
	path := filepath.Join(t.TempDir(), "c.jsonl")
	require.NoError(t, os.WriteFile(path, []byte(line("a")), 0o644))
	fh, err := os.Open(path)
	require.NoError(t, err)
	src, err := memory.New(nil)
	require.NoError(t, err)
	var out strings.Builder
	f, err := newFollower(path, fh, 0, src, ingest.Options{Schema: src.Schema()}, &out)
	require.NoError(t, err)
	defer f.close()
	ctx := context.Background()
	require.NoError(t, f.poll(ctx))
	require.Equal(t, 1, src.Len())

	add := func(text string) {
		w, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
		require.NoError(t, err)
		_, err = w.WriteString(text)
		require.NoError(t, err)
		require.NoError(t, w.Close())
	}
	// Line 2: 5 MiB, written without its end yet: two full chunks and a
	// part of one.
	add(`{"id":"big","channel":"chat","created_at":"2025-05-20T10:00:00Z","subject":"` + strings.Repeat("x", 5<<20))
	for range 4 {
		require.NoError(t, f.poll(ctx))
	}
	require.Equal(t, "convreport: c.jsonl: line 2: line is longer than 1048576 bytes (Options.MaxLineBytes) (skipped)\n", out.String())
	add(`"}` + "\n" + line("b"))
	require.NoError(t, f.poll(ctx))
	var ids []string
	for c := range src.All() {
		ids = append(ids, c.ID)
	}
	require.ElementsMatch(t, []string{"a", "b"}, ids)
	require.Equal(t, 3, f.line, "b is the file's line 3")
	require.Equal(t, 1, strings.Count(out.String(), "skipped"), out.String())

	// A bad line after it is numbered as the file counts.
	add("{\n")
	require.NoError(t, f.poll(ctx))
	require.Contains(t, out.String(), "c.jsonl: line 4:")
}
