package web_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/store"
	"github.com/convreport/convreport/web"
)

// deletingStore deletes a dashboard just before saving it: another
// person's delete landing while an edit is on its way.
type deletingStore struct{ store.Store }

func (s deletingStore) Save(ctx context.Context, v access.Viewer, d convreport.Dashboard) (convreport.Dashboard, error) {
	cur, err := s.Store.Get(ctx, users["admin"], d.ID)
	if err != nil {
		return convreport.Dashboard{}, err
	}
	if err := s.Store.Delete(ctx, users["admin"], cur); err != nil {
		return convreport.Dashboard{}, err
	}
	return s.Store.Save(ctx, v, d)
}

// An edit of a dashboard deleted meanwhile is a 404 worded as any other:
// `no dashboard "chat"`, not the SDK's `not found: no dashboard "chat"`.
func TestEditOfDashboardDeletedMeanwhile(t *testing.T) {
	for _, tc := range []struct{ name, method, path, body string }{
		{"rename", http.MethodPatch, "/api/dashboards/chat", `{"version": 1, "name": "Chats"}`},
		{"report", http.MethodPatch, "/api/dashboards/chat/reports/conversations-by-rep", `{"version": 1, "name": "Chats per rep"}`},
		{"filters", http.MethodPut, "/api/dashboards/chat/filters", `{"version": 1, "filters": []}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			h, err := web.New(f.cfg(func(c *web.Config) { c.Store = deletingStore{f.store} }))
			require.NoError(t, err)
			f.h = h
			body := f.withCreated(tc.path, tc.body) // before the store deletes it
			e := failure(t, f.do(req{method: tc.method, path: tc.path, user: "ana", body: body}), http.StatusNotFound, "not_found")
			require.Equal(t, `no dashboard "chat"`, e.Message)
			// As a load of it says, now.
			e = failure(t, f.get("/api/dashboards/chat", "ana"), http.StatusNotFound, "not_found")
			require.Equal(t, `no dashboard "chat"`, e.Message)
		})
	}
}
