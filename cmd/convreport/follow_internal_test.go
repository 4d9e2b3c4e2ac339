package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
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
