package convreport_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/memory"
	"github.com/convreport/convreport/store"
	"github.com/convreport/convreport/web"
	"github.com/stretchr/testify/require"
)

// The web report editor's refusals of an update over an edit made
// elsewhere, as its JSON API answers them: docs/errors.md shows them.
func init() {
	errorProducers["web-report-changed"] = func(t *testing.T) error {
		return webEditElsewhere(t, func(d *convreport.Dashboard) {
			d.Reports[0].Name = "Chats per agent"
			d.Reports[0].Chart.Type = convreport.TableChart
		})
	}
	errorProducers["web-report-removed"] = func(t *testing.T) error {
		return webEditElsewhere(t, func(d *convreport.Dashboard) {
			d.Reports = append(d.Reports[1:], convreport.Report{ID: "by-inbox", Name: "By inbox", Dimensions: []string{"Inbox"}})
		})
	}
	errorProducers["web-report-not-run"] = webNotRun
}

// webNotRun runs, through the web API, a dashboard of a time series by
// contact each hour, beside a count, over March, when the engine allows
// 1000 points: 30 contacts' lines of 720 hours are more. It returns the
// error the run lists under "not_run".
func webNotRun(t *testing.T) error {
	src, err := memory.New(byContact(30, at("2025-03-01T00:00:00Z")))
	require.NoError(t, err)
	s := store.NewMemory()
	_, err = s.Create(context.Background(), ana, convreport.Dashboard{ID: "support", Name: "Support", Owner: "ana", Reports: []convreport.Report{
		{ID: "by-contact-hourly", Name: "By contact each hour", Dimensions: []string{"ContactID"}, Bucket: convreport.Hour},
		{ID: "all", Name: "All"},
	}})
	require.NoError(t, err)
	h, err := web.New(web.Config{Engine: convreport.NewEngine(src, convreport.WithLimits(convreport.Limits{MaxPoints: 1000})), Store: s,
		Authenticate: func(r *http.Request) (access.Viewer, error) { return ana, nil }})
	require.NoError(t, err)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "http://localhost/api/dashboards/support/run?from=2025-03-01&to=2025-03-31&tz=UTC", nil))
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	var body struct {
		ReportIDs []string     `json:"report_ids"`
		NotRun    []*web.Error `json:"not_run"`
	}
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &body), w.Body.String())
	require.Equal(t, []string{"all"}, body.ReportIDs, "the count runs")
	require.Len(t, body.NotRun, 1)
	require.Equal(t, "by-contact-hourly", body.NotRun[0].Report)
	require.Equal(t, "from", body.NotRun[0].Field)
	return body.NotRun[0]
}

// webEditElsewhere opens the editor of report "by-rep" as ana, has bruno
// change the dashboard with change and save it, then sends ana's update
// of the report, named "Mine", with the report as she opened it; it
// returns the API's refusal.
func webEditElsewhere(t *testing.T, change func(d *convreport.Dashboard)) error {
	s, d := storeWith(t, access.EveryoneCanEdit)
	h, err := web.New(web.Config{Engine: docEngine(t), Store: s,
		Authenticate: func(r *http.Request) (access.Viewer, error) { return ana, nil }})
	require.NoError(t, err)
	do := func(method, path, body string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(method, "http://localhost"+path, strings.NewReader(body))
		if body != "" {
			r.Header.Set("Content-Type", "application/json")
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	w := do(http.MethodGet, "/api/dashboards/"+d.ID+"/reports/by-rep", "")
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	var opened struct {
		Report json.RawMessage `json:"report"`
	}
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &opened))

	theirs := d.Clone()
	change(&theirs)
	_, err = s.Save(context.Background(), bruno, theirs)
	require.NoError(t, err)

	w = do(http.MethodPatch, "/api/dashboards/"+d.ID+"/reports/by-rep", `{"version": 1, "created": "`+d.CreatedAt.Format(time.RFC3339Nano)+
		`", "base": `+string(opened.Report)+`, "name": "Mine"}`)
	var body struct {
		Error *web.Error `json:"error"`
	}
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &body), w.Body.String())
	require.NotNil(t, body.Error, w.Body.String())
	return body.Error
}
