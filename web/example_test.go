package web_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/library"
	"github.com/convreport/convreport/memory"
	"github.com/convreport/convreport/store"
	"github.com/convreport/convreport/web"
)

// An embedder mounts the handler under its own prefix and tells it who the
// viewer of each request is; here a header stands in for a session.
func ExampleNew() {
	at := func(s string) time.Time { t, _ := time.Parse(time.RFC3339, s); return t }
	src, err := memory.New([]convreport.Conversation{
		{ID: "c1", Channel: convreport.Chat, Assignee: "Ana", Status: convreport.Open, CreatedAt: at("2025-05-05T10:00:00Z")},
		{ID: "c2", Channel: convreport.Chat, Assignee: "Ana", Status: convreport.Open, CreatedAt: at("2025-05-06T11:00:00Z")},
		{ID: "c3", Channel: convreport.Chat, Assignee: "Ben", Status: convreport.Open, CreatedAt: at("2025-05-07T12:00:00Z")},
		{ID: "c4", Channel: convreport.Email, Assignee: "Ben", Status: convreport.Open, CreatedAt: at("2025-05-07T12:00:00Z")},
	})
	if err != nil {
		panic(err)
	}
	dashboards := store.NewMemory()
	chat, _ := library.Lookup("chat-overview")
	d, err := chat.NewDashboard(convreport.DashboardOptions{ID: "chat", Name: "Chat", Owner: "ana", Visibility: access.EveryoneCanView})
	if err != nil {
		panic(err)
	}
	if _, err := dashboards.Create(context.Background(), access.Viewer{UserID: "ana"}, d); err != nil {
		panic(err)
	}

	h, err := web.New(web.Config{
		Engine: convreport.NewEngine(src),
		Store:  dashboards,
		Authenticate: func(r *http.Request) (access.Viewer, error) {
			if user := r.Header.Get("X-Demo-User"); user != "" {
				return access.Viewer{UserID: user}, nil
			}
			return access.Viewer{}, errors.New("sign in first")
		},
		Now: func() time.Time { return at("2025-06-01T00:00:00Z") },
	})
	if err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/reports/", http.StripPrefix("/reports", h))
	srv := httptest.NewServer(mux)
	defer srv.Close()

	// The dashboard pages are at /reports/, the JSON API under /reports/api/.
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/reports/api/dashboards/chat/run?range=last_30_days", nil)
	req.Header.Set("X-Demo-User", "ben")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	defer res.Body.Close()
	var run struct {
		Reports []struct {
			Name   string
			Points []struct {
				Dimensions map[string]string
				Count      int64
			}
		}
	}
	if err := json.NewDecoder(res.Body).Decode(&run); err != nil {
		panic(err)
	}
	fmt.Println(run.Reports[0].Name)
	for _, p := range run.Reports[0].Points {
		fmt.Println(p.Dimensions["assignee"], p.Count)
	}
	// Output:
	// Conversations by rep
	// Ana 2
	// Ben 1
}
