package web_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/memory"
	"github.com/convreport/convreport/store"
	"github.com/convreport/convreport/web"
	"github.com/stretchr/testify/require"
)

// A Config without a Schema takes the engine's source's: a dashboard
// grouped by a custom property of the source runs and is edited as the
// source describes it. It took the default schema, so that the run of a
// report on a custom property was refused as naming an unknown property.
func TestConfigWithoutSchemaTakesTheSources(t *testing.T) {
	schema, err := convreport.NewSchema(convreport.Property{Name: "tier", Kind: convreport.KindString})
	require.NoError(t, err)
	at := time.Date(2025, 5, 20, 10, 0, 0, 0, time.UTC)
	src, err := memory.New([]convreport.Conversation{
		{ID: "a", Channel: convreport.Chat, CreatedAt: at, Properties: map[string]any{"tier": "gold"}},
		{ID: "b", Channel: convreport.Chat, CreatedAt: at, Properties: map[string]any{"tier": "gold"}},
		{ID: "c", Channel: convreport.Chat, CreatedAt: at},
	}, memory.WithSchema(schema))
	require.NoError(t, err)
	eng := convreport.NewEngine(src)
	require.Same(t, schema, eng.Schema())
	require.Equal(t, convreport.DefaultSchema(), (*convreport.Engine)(nil).Schema())

	st := store.NewMemory()
	_, err = st.Create(context.Background(), users["ana"], convreport.Dashboard{ID: "tiers", Name: "Tiers", Owner: "ana",
		Reports: []convreport.Report{{ID: "by-tier", Name: "By tier", Dimensions: []string{"tier"}, Sort: convreport.ByLabelAsc}}})
	require.NoError(t, err)
	h, err := web.New(web.Config{Engine: eng, Store: st, Now: func() time.Time { return at.Add(24 * time.Hour) }, AllowedHosts: []string{"reports.test"},
		Authenticate: func(r *http.Request) (access.Viewer, error) {
			if u := r.Header.Get("X-User"); u != "" {
				return users[u], nil
			}
			return access.Viewer{}, errors.New("sign in")
		}})
	require.NoError(t, err)
	f := &fixture{t: t, h: h, store: st}
	require.Equal(t, map[string][]int64{"by-tier": {2, 1}}, reportCounts(t, f, "tiers", "ana"), "gold, then (no value)")

	var sc struct {
		Properties []struct{ Name string } `json:"properties"`
	}
	okJSON(t, f.get("/api/schema", "ana"), http.StatusOK, &sc)
	var names []string
	for _, p := range sc.Properties {
		names = append(names, p.Name)
	}
	require.Contains(t, names, "tier", "the editor offers the source's properties")
}
