package web_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

type slaResult struct {
	Names    []string `json:"names"`
	Editable bool     `json:"editable"`
}

const standardSLA = `{"policies": [{"name": "standard", "first_response": {"within": "1h"}, "close": {"within": "24h"}}]}`

func TestSLAAPI(t *testing.T) {
	f := newFixture(t)
	var out slaResult
	okJSON(t, f.get("/api/sla", "ana"), http.StatusOK, &out)
	require.Equal(t, []string{}, out.Names)
	require.False(t, out.Editable)

	failure(t, f.do(req{method: http.MethodPut, path: "/api/sla", user: "ana", body: standardSLA}), http.StatusForbidden, "forbidden")
	for body, field := range map[string]string{
		`{"policies": [{"name": "standard", "first_response": {"within": "0s"}}]}`:                              "policies[0].first_response.within",
		`{"policies": [{"name": "standard", "close": {"within": "-1h"}}]}`:                                      "policies[0].close.within",
		`{"policies": [{"name": "standard", "filter": "Chanel == 1", "close": {"within": "1h"}}]}`:              "policies[0].filter",
		`{"policies": [{"name": "standard", "close": {"within": "1h", "calendar": "office"}}]}`:                 "policies[0].close.calendar",
		`{"policies": [{"name": "a", "close": {"within": "1h"}}, {"name": "a", "close": {"within": "2h"}}]}`:    "policies[1].name",
		`{"policies": [{"name": "standard", "conditions": [{"property": "Nope"}], "close": {"within": "1h"}}]}`: "policies[0].conditions",
	} {
		e := failure(t, f.do(req{method: http.MethodPut, path: "/api/sla", user: "admin", body: body}), http.StatusUnprocessableEntity, "invalid_sla")
		require.Equal(t, field, e.Field, body)
	}

	// The SLA template's reports measure "standard": without it the
	// dashboard is refused, naming the report's measure.
	body := `{"template": "sla", "name": "Service levels"}`
	e := failure(t, f.do(req{method: http.MethodPost, path: "/api/dashboards", user: "ana", body: body}), http.StatusUnprocessableEntity, "invalid_report")
	require.Equal(t, "measure", e.Field)
	require.Contains(t, e.Message, `no SLA policy "standard"`)

	okJSON(t, f.do(req{method: http.MethodPut, path: "/api/sla", user: "admin", body: standardSLA}), http.StatusOK, &out)
	require.Equal(t, []string{"standard"}, out.Names)
	require.True(t, out.Editable)
	var created struct {
		ID string `json:"id"`
	}
	okJSON(t, f.do(req{method: http.MethodPost, path: "/api/dashboards", user: "ana", body: body}), http.StatusCreated, &created)
	w := f.get("/api/dashboards/"+created.ID+"/run?range=last_30_days", "ana")
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	require.Contains(t, w.Body.String(), "First response SLA met by inbox")

	// A policy a dashboard measures cannot be dropped.
	e = failure(t, f.do(req{method: http.MethodPut, path: "/api/sla", user: "admin", body: `{"policies": []}`}), http.StatusUnprocessableEntity, "invalid_report")
	require.Equal(t, "measure", e.Field)
}

// The chat overview's customer wait time report is in the library, to
// add to a dashboard, though a new chat overview does not start with it.
func TestLibraryOffersTheWaitTimeReport(t *testing.T) {
	f := newFixture(t)
	var all struct {
		Templates []struct {
			ID    string `json:"id"`
			Extra []struct {
				ID string `json:"id"`
			} `json:"extra"`
		} `json:"templates"`
	}
	okJSON(t, f.get("/api/templates", "ana"), http.StatusOK, &all)
	require.Equal(t, "chat-overview", all.Templates[0].ID)
	require.Len(t, all.Templates[0].Extra, 1)
	require.Equal(t, "chat-customer-wait-time", all.Templates[0].Extra[0].ID)
	w := f.get("/dashboards/chat", "ana")
	require.Equal(t, http.StatusOK, w.Code)
	require.Contains(t, w.Body.String(), `data-add-template="chat-overview" data-add-report="chat-customer-wait-time"`)
}

// Dropping a calendar a stored policy counts in is refused, naming the
// policy's target, as dropping one a dashboard names is: the dashboards
// measuring the policy keep running, and the policies can be saved back.
func TestDroppingACalendarAnSLAPolicyCountsIn(t *testing.T) {
	f := newFixture(t)
	okJSON(t, f.do(req{method: http.MethodPut, path: "/api/calendars", user: "admin", body: officeSet}), http.StatusOK, &calendarsResult{})
	inHours := `{"policies": [{"name": "standard", "first_response": {"within": "1h"}, "close": {"within": "24h", "calendar": "office"}}]}`
	okJSON(t, f.do(req{method: http.MethodPut, path: "/api/sla", user: "admin", body: inHours}), http.StatusOK, &slaResult{})
	var created struct {
		ID string `json:"id"`
	}
	okJSON(t, f.do(req{method: http.MethodPost, path: "/api/dashboards", user: "ana", body: `{"template": "sla", "name": "Service levels"}`}), http.StatusCreated, &created)

	e := failure(t, f.do(req{method: http.MethodPut, path: "/api/calendars", user: "admin", body: `{"calendars": []}`}), http.StatusUnprocessableEntity, "invalid_sla")
	require.Equal(t, "policies[0].close.calendar", e.Field)
	require.Equal(t, `sla: policies[0].close.calendar: no calendar "office": there are no calendars (SLA policy "standard" still counts in it)`, e.Message)

	w := f.get("/api/dashboards/"+created.ID+"/run?range=last_30_days", "ana")
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	okJSON(t, f.do(req{method: http.MethodPut, path: "/api/sla", user: "admin", body: inHours}), http.StatusOK, &slaResult{})
}
