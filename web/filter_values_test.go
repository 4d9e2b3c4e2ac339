package web_test

import (
	"context"
	"errors"
	"html"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/memory"
	"github.com/convreport/convreport/store"
	"github.com/convreport/convreport/web"
	"github.com/stretchr/testify/require"
)

// valuesFixture is a dashboard "tiers" owned by ana, everyone may view,
// with one report "volume" (a count), over six conversations of May 20
// whose values hold commas and quotes:
//
//	a  plan "Enterprise, EU"  region "Paris, France"  vip true
//	b  plan "pro"             region "Lyon"           vip false
//	c  plan "Enterprise, EU"  region "Lyon"
//	d  plan "free"            region "Paris, France"  vip true
//	e  plan "free"            region "Paris"
//	f  plan `say "hi"`        region `5" screen`
func valuesFixture(t *testing.T) *fixture {
	t.Helper()
	schema, err := convreport.ParseSchema([]byte(`{"properties": [
		{"name": "plan", "kind": "enum", "values": ["free", "pro", "Enterprise, EU", "say \"hi\""], "label": "Plan tier"},
		{"name": "region", "kind": "string", "label": "Region"},
		{"name": "vip", "kind": "bool", "label": "VIP"}]}`))
	require.NoError(t, err)
	day := time.Date(2025, 5, 20, 10, 0, 0, 0, paris)
	conv := func(id, plan, region string, vip *bool) convreport.Conversation {
		c := convreport.Conversation{ID: id, Channel: convreport.Chat, Status: convreport.Open, CreatedAt: day, Inbox: "Sales",
			Properties: map[string]any{"plan": plan, "region": region}}
		if vip != nil {
			c.Properties["vip"] = *vip
		}
		return c
	}
	yes, no := true, false
	cs := []convreport.Conversation{
		conv("a", "Enterprise, EU", "Paris, France", &yes), conv("b", "pro", "Lyon", &no), conv("c", "Enterprise, EU", "Lyon", nil),
		conv("d", "free", "Paris, France", &yes), conv("e", "free", "Paris", nil), conv("f", `say "hi"`, `5" screen`, nil),
	}
	src, err := memory.New(cs, memory.WithSchema(schema))
	require.NoError(t, err)
	st := store.NewMemory()
	d, err := convreport.NewDashboard(convreport.DashboardOptions{ID: "tiers", Name: "Tiers", Owner: "ana", Schema: schema,
		Visibility: access.EveryoneCanView,
		Reports:    []convreport.Report{{ID: "volume", Name: "Volume", Measure: convreport.Measure{Agg: convreport.Count}}}})
	require.NoError(t, err)
	_, err = st.Create(context.Background(), users["ana"], d)
	require.NoError(t, err)
	eng := convreport.NewEngine(src)
	cfg := web.Config{Engine: eng, Store: st, Schema: schema, Now: func() time.Time { return now }, Zone: paris, Logger: discard(),
		AllowedHosts: []string{"reports.test"},
		Authenticate: func(r *http.Request) (access.Viewer, error) {
			if v, ok := users[r.Header.Get("X-User")]; ok {
				return v, nil
			}
			return access.Viewer{}, errors.New("sign in first")
		}}
	h, err := web.New(cfg)
	require.NoError(t, err)
	return &fixture{t: t, h: h, store: st, cs: cs, eng: eng, src: src, conf: cfg}
}

// A value that is not one of an enum's is refused with the list of its
// values, each quoted: "Enterprise, EU" reads as one of them, and
// "Enterprise" does not seem allowed. Quoted values are not relabelled.
func TestEnumRefusalQuotesEachValue(t *testing.T) {
	f := valuesFixture(t)
	var v struct {
		Valid bool `json:"valid"`
		Error struct {
			Message string `json:"message"`
		} `json:"error"`
	}
	okJSON(t, f.edit(http.MethodPost, "/api/filters/validate", "ana", `{"conditions": [{"property": "plan", "op": "is_any_of", "values": ["Enterprise"]}]}`),
		http.StatusOK, &v)
	require.False(t, v.Valid)
	require.Equal(t, `filter 1, Plan tier is any of "Enterprise": not a value of plan (want one of "free", "pro", "Enterprise, EU", "say \"hi\"")`, v.Error.Message)

	okJSON(t, f.edit(http.MethodPost, "/api/filters/validate", "ana", `{"conditions": [{"property": "plan", "op": "is_any_of", "values": ["Enterprise, EU"]}]}`),
		http.StatusOK, &v)
	require.True(t, v.Valid, v.Error.Message)
}

// The dashboard's chips write the values as the row of filters reads
// them: a value with a comma or a quote is quoted, so that
// "Enterprise, EU" is one value, not two.
func TestFilterChipsQuoteValuesWithCommas(t *testing.T) {
	f := valuesFixture(t)
	filters := `[{"property": "plan", "op": "is_any_of", "values": ["pro", "Enterprise, EU", "say \"hi\""]}]`
	body := page(t, f, "/dashboards/tiers?filters="+url.QueryEscape(filters), "ana", http.StatusOK)
	require.Contains(t, html.UnescapeString(body), `Plan tier is any of pro, "Enterprise, EU", "say ""hi"""`)
	// b, a, c and f.
	run := f.run("tiers", "ana", "range=last_30_days&filters="+url.QueryEscape(filters))
	require.Equal(t, int64(4), run.Reports[0].Points[0].Count)
}
