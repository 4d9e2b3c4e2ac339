package ingest_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/ingest"
	"github.com/convreport/convreport/memory"
)

// A repeated ID is told from other errors by errors.Is, not by its text,
// from every reader and memory.New alike.
func TestErrDuplicateID(t *testing.T) {
	ctx := context.Background()
	in := `{"id": "a", "created_at": "2025-06-02T10:00:00Z"}` + "\n" +
		`{"id": "a", "created_at": "2025-06-02T11:00:00Z"}` + "\n"
	_, err := ingest.ReadAll(ctx, strings.NewReader(in), ingest.JSONL, ingest.Options{})
	require.ErrorIs(t, err, convreport.ErrDuplicateID)
	require.EqualError(t, err, `line 2: conversation "a": id: duplicates the conversation on line 1`)
	var ve *convreport.ValidationError
	require.ErrorAs(t, err, &ve)
	require.Equal(t, "id", ve.Field)

	csv := "id,created_at\na,2025-06-02T10:00:00Z\na,2025-06-02T11:00:00Z\n"
	_, err = ingest.ReadAll(ctx, strings.NewReader(csv), ingest.CSV, ingest.Options{})
	require.ErrorIs(t, err, convreport.ErrDuplicateID)

	at := time.Date(2025, 6, 2, 10, 0, 0, 0, time.UTC)
	_, err = memory.New([]convreport.Conversation{{ID: "a", CreatedAt: at}, {ID: "a", CreatedAt: at}})
	require.ErrorIs(t, err, convreport.ErrDuplicateID)

	// Other invalid records are not repeats, even on the id field.
	_, err = ingest.ReadAll(ctx, strings.NewReader(`{"id": "", "created_at": "2025-06-02T10:00:00Z"}`+"\n"), ingest.JSONL, ingest.Options{})
	require.Error(t, err)
	require.False(t, errors.Is(err, convreport.ErrDuplicateID))
	_, err = memory.New([]convreport.Conversation{{ID: "a", CreatedAt: at, ClosedAt: at.Add(-time.Hour)}})
	require.Error(t, err)
	require.False(t, errors.Is(err, convreport.ErrDuplicateID))
}

// Adding a conversation a source already holds is a repeat too.
func TestErrDuplicateIDOnAdd(t *testing.T) {
	at := time.Date(2025, 6, 2, 10, 0, 0, 0, time.UTC)
	src, err := memory.New([]convreport.Conversation{{ID: "a", CreatedAt: at}})
	require.NoError(t, err)
	err = src.Add(convreport.Conversation{ID: "a", CreatedAt: at})
	require.ErrorIs(t, err, convreport.ErrDuplicateID)
	require.ErrorContains(t, err, "already in the table")
}
