package ingest_test

import (
	"bytes"
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/ingest"
	"github.com/stretchr/testify/require"
)

// A custom number written -0 is read as 0, and a -0 given to the writers
// is written 0: every source shows a zero the same, and jsonb, one of
// them, drops the sign.
func TestNegativeZeroReadsAndWritesAsZero(t *testing.T) {
	schema, err := convreport.NewSchema(convreport.Property{Name: "seats", Kind: convreport.KindNumber})
	require.NoError(t, err)
	opt := ingest.Options{Schema: schema}
	jsonl := `{"id":"a","channel":"chat","created_at":"2025-03-03T10:00:00Z","properties":{"seats":0.5}}` + "\n" +
		`{"id":"b","channel":"chat","created_at":"2025-03-03T10:00:00Z","properties":{"seats":-0.0}}` + "\n" +
		`{"id":"c","channel":"chat","created_at":"2025-03-03T10:00:00Z","properties":{"seats":-0}}` + "\n"
	csv := "id,channel,created_at,properties.seats\na,chat,2025-03-03T10:00:00Z,0.5\nb,chat,2025-03-03T10:00:00Z,-0.0\nc,chat,2025-03-03T10:00:00Z,-0e3\n"
	for name, seq := range map[string]func() func(func(convreport.Conversation, error) bool){
		"jsonl": func() func(func(convreport.Conversation, error) bool) {
			return ingest.ReadJSONL(context.Background(), strings.NewReader(jsonl), opt)
		},
		"csv": func() func(func(convreport.Conversation, error) bool) {
			return ingest.ReadCSV(context.Background(), strings.NewReader(csv), opt)
		},
	} {
		n := 0
		for c, err := range seq() {
			require.NoError(t, err, name)
			f := c.Properties["seats"].(float64)
			if c.ID != "a" {
				require.Equal(t, 0.0, f, "%s: %s", name, c.ID)
				require.False(t, math.Signbit(f), "%s: %s is 0, not -0", name, c.ID)
			}
			n++
		}
		require.Equal(t, 3, n, name)
	}
	c := convreport.Conversation{ID: "z", Channel: convreport.Chat, CreatedAt: time.Date(2025, 3, 3, 10, 0, 0, 0, time.UTC),
		Properties: map[string]any{"seats": math.Copysign(0, -1)}}
	var b bytes.Buffer
	require.NoError(t, ingest.WriteJSONL(&b, func(yield func(convreport.Conversation) bool) { yield(c) }))
	require.Contains(t, b.String(), `"seats":0}`)
	b.Reset()
	require.NoError(t, ingest.WriteCSV(&b, schema, func(yield func(convreport.Conversation) bool) { yield(c) }))
	require.True(t, strings.HasSuffix(b.String(), ",0\n"), b.String())
	require.NotContains(t, b.String(), ",-0")
}
