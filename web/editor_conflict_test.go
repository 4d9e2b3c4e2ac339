package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/access"
	"github.com/stretchr/testify/require"
)

// conflictError is an error answer with the parts of a report changed
// elsewhere, which the tests' own apiError does not read.
type conflictError struct {
	Code    string   `json:"code"`
	Message string   `json:"message"`
	Field   string   `json:"field"`
	Report  string   `json:"report"`
	Changed []string `json:"changed"`
}

func conflictOf(t *testing.T, status int, code string, body []byte, got int) conflictError {
	t.Helper()
	require.Equal(t, status, got, string(body))
	var e struct {
		Error conflictError `json:"error"`
	}
	require.NoError(t, json.Unmarshal(body, &e), string(body))
	require.Equal(t, code, e.Error.Code, string(body))
	return e.Error
}

// opened is what a report editor opened on: the dashboard's version and
// creation, and the report, as the API returned them.
type opened struct {
	version int64
	created string
	report  json.RawMessage
}

func openEditor(t *testing.T, f *fixture, user, dash, rid string) opened {
	t.Helper()
	var got struct {
		Dashboard struct {
			Version   int64  `json:"version"`
			CreatedAt string `json:"created_at"`
		} `json:"dashboard"`
		Report json.RawMessage `json:"report"`
	}
	okJSON(t, f.get("/api/dashboards/"+dash+"/reports/"+rid, user), http.StatusOK, &got)
	return opened{version: got.Dashboard.Version, created: got.Dashboard.CreatedAt, report: got.Report}
}

// body is an edit as the editor sends it: its fields, the version and
// creation it started from, and the report as it opened it.
func (o opened) body(fields string) string {
	return `{"version": ` + strconv.FormatInt(o.version, 10) + `, "created": "` + o.created + `", "base": ` + string(o.report) + `, ` + fields + `}`
}

// saveAs saves the dashboard's report rid changed by edit, as another
// person's session would, straight into the store.
func saveAs(t *testing.T, f *fixture, user, dash string, edit func(d *convreport.Dashboard)) convreport.Dashboard {
	t.Helper()
	d := mustGet(t, f, dash)
	edit(&d)
	saved, err := f.store.Save(context.Background(), users[user], d)
	require.NoError(t, err)
	return saved
}

func reportOf(t *testing.T, d convreport.Dashboard, rid string) convreport.Report {
	t.Helper()
	r, ok := d.Report(rid)
	require.True(t, ok, "dashboard %s has no report %s", d.ID, rid)
	return r
}

// An editor updates a report that another person changed and saved since
// it opened: the update is refused with what changed, and their version
// stays as they saved it. Saved as new, the person's version goes
// through, as they see it: from the report they opened, with their edits.
func TestEditorUpdateRefusedOverAChangeElsewhere(t *testing.T) {
	f := newFixture(t)
	const rid = "conversations-by-rep"
	path := "/api/dashboards/shared/reports/" + rid
	o := openEditor(t, f, "ana", "shared", rid)
	require.EqualValues(t, 1, o.version)

	theirs := saveAs(t, f, "carl", "shared", func(d *convreport.Dashboard) {
		d.Reports[0].Name = "Chats per agent"
		d.Reports[0].Chart.Type = convreport.TableChart
	})
	require.EqualValues(t, 2, theirs.Version)

	w := f.do(req{method: http.MethodPatch, path: path, user: "ana", body: o.body(`"name": "Mine", "limit": 5`)})
	e := conflictOf(t, http.StatusConflict, "conflict", w.Body.Bytes(), w.Code)
	require.Equal(t, []string{"name", "chart"}, e.Changed)
	require.Equal(t, rid, e.Report)
	require.Equal(t, `report "Conversations by rep" was changed elsewhere since you opened it: its name (now "Chats per agent") and its visualization; `+
		`nothing was saved: save your changes as a new report, or load the saved report and make them again (dashboard "Shared" is at version 2, you started from version 1)`,
		e.Message)
	d := mustGet(t, f, "shared")
	require.EqualValues(t, 2, d.Version, "nothing saved")
	require.Equal(t, reportOf(t, theirs, rid), reportOf(t, d, rid))

	// Every part the editor has, said in its words and order.
	saveAs(t, f, "carl", "shared", func(d *convreport.Dashboard) {
		r := &d.Reports[0]
		r.Measure = convreport.Measure{Agg: convreport.Average, Metric: convreport.FirstResponseTime}
		r.Dimensions = []string{"Inbox"}
		r.Properties = r.Properties[:2]
		r.Conditions = []convreport.Condition{{Property: "Inbox", Op: convreport.IsKnown}}
		r.Limit = 3
	})
	w = f.do(req{method: http.MethodPatch, path: path, user: "ana", body: o.body(`"name": "Mine"`)})
	e = conflictOf(t, http.StatusConflict, "conflict", w.Body.Bytes(), w.Code)
	require.Equal(t, []string{"name", "measure", "dimensions", "limit", "chart", "properties", "conditions"}, e.Changed)
	require.Contains(t, e.Message, `: its name (now "Chats per agent"), its measure, the properties in its chart, its top, its visualization, its display properties and its filters; nothing was saved`)
	require.Contains(t, e.Message, `(dashboard "Shared" is at version 3, you started from version 1)`)

	// Saved as new: the report opened, with the edits; theirs untouched.
	theirs = mustGet(t, f, "shared")
	var got editResult
	okJSON(t, f.do(req{method: http.MethodPost, path: path + "/save-as-new", user: "ana", body: o.body(`"name": "Mine", "limit": 5`)}), http.StatusCreated, &got)
	require.EqualValues(t, 4, got.Dashboard.Version)
	var base convreport.Report
	require.NoError(t, json.Unmarshal(o.report, &base))
	want := base
	want.ID, want.Name, want.Limit = "mine", "Mine", 5
	require.Equal(t, want, got.Report)
	d = mustGet(t, f, "shared")
	require.Equal(t, reportOf(t, theirs, rid), reportOf(t, d, rid), "theirs as they saved it")
	require.Equal(t, want, reportOf(t, d, "mine"))
}

// A change to the rest of the dashboard (another report renamed, the
// reports moved) does not refuse the update of a report still as the
// editor opened it: it is saved on the dashboard as it is now, and the
// other change is kept. Without the report it started from, an edit must
// name the current version, as before.
func TestEditorUpdateOverAnotherReportsChange(t *testing.T) {
	f := newFixture(t)
	const rid, other = "conversations-by-rep", "chat-conversations-by-page-url"
	path := "/api/dashboards/shared/reports/" + rid
	o := openEditor(t, f, "carl", "shared", rid)
	saveAs(t, f, "ana", "shared", func(d *convreport.Dashboard) {
		d.Reports[1].Name = "Chats by page"
		d.Reports[0], d.Reports[1] = d.Reports[1], d.Reports[0]
	})

	// Without base: the old rule.
	e := failure(t, f.edit(http.MethodPatch, path, "carl", `{"version": 1, "name": "Mine"}`), http.StatusConflict, "conflict")
	require.Equal(t, `dashboard "Shared" changed since you opened it (you edited version 1, it is now at version 2); reload it and make the change again`, e.Message)

	var got editResult
	okJSON(t, f.do(req{method: http.MethodPatch, path: path, user: "carl", body: o.body(`"name": "Mine"`)}), http.StatusOK, &got)
	require.EqualValues(t, 3, got.Dashboard.Version)
	require.Equal(t, "Mine", got.Report.Name)
	d := mustGet(t, f, "shared")
	require.Equal(t, []string{other, rid}, reportIDs(d.Reports)[:2], "the move kept")
	require.Equal(t, "Chats by page", reportOf(t, d, other).Name, "the other's rename kept")
	require.Equal(t, "Mine", reportOf(t, d, rid).Name)

	// The same editor again, which has not seen its own save: its report
	// is no longer the one it opened.
	w := f.do(req{method: http.MethodPatch, path: path, user: "carl", body: o.body(`"name": "Mine again"`)})
	ce := conflictOf(t, http.StatusConflict, "conflict", w.Body.Bytes(), w.Code)
	require.Equal(t, []string{"name"}, ce.Changed)
}

// A report removed since its editor opened: an update says so (404), and
// saved as new the report comes back, as the editor had it.
func TestEditorReportRemovedElsewhere(t *testing.T) {
	f := newFixture(t)
	const rid = "average-chat-time-to-close-by-rep"
	path := "/api/dashboards/shared/reports/" + rid
	o := openEditor(t, f, "carl", "shared", rid)
	before := mustGet(t, f, "shared")
	q := url.Values{"version": {"1"}, "created": {before.CreatedAt.Format(time.RFC3339Nano)}}
	require.Equal(t, http.StatusOK, f.do(req{method: http.MethodDelete, path: path + "?" + q.Encode(), user: "ana"}).Code)

	w := f.do(req{method: http.MethodPatch, path: path, user: "carl", body: o.body(`"name": "Mine"`)})
	e := conflictOf(t, http.StatusNotFound, "not_found", w.Body.Bytes(), w.Code)
	require.Equal(t, `report "Average chat time to close by rep" is no longer in dashboard "Shared": it was removed since you opened it; nothing was saved: save your changes as a new report`, e.Message)
	require.Equal(t, rid, e.Report)
	// Without base, as before.
	failure(t, f.edit(http.MethodPatch, path, "carl", `{"version": 2, "name": "Mine"}`), http.StatusNotFound, "not_found")

	var got editResult
	okJSON(t, f.do(req{method: http.MethodPost, path: path + "/save-as-new", user: "carl", body: o.body(`"sort": "label_asc"`)}), http.StatusCreated, &got)
	want := reportOf(t, before, rid)
	want.Sort = convreport.ByLabelAsc
	require.Equal(t, want, got.Report, "its ID made from its name again: the old one is free")
	d := mustGet(t, f, "shared")
	require.Len(t, d.Reports, len(before.Reports))
	require.Equal(t, rid, d.Reports[len(d.Reports)-1].ID)
}

// What an editor that names the report it started from is still refused:
// a dashboard deleted and created again, a base of another report, no
// right to edit, a dashboard gone.
func TestEditorBaseRefusals(t *testing.T) {
	f := newFixture(t)
	const rid = "conversations-by-rep"
	path := "/api/dashboards/shared/reports/" + rid
	o := openEditor(t, f, "carl", "shared", rid)

	// A base of another report.
	other := openEditor(t, f, "carl", "shared", "chat-conversations-over-time")
	o2 := o
	o2.report = other.report
	e := failure(t, f.do(req{method: http.MethodPatch, path: path, user: "carl", body: o2.body(`"name": "Mine"`)}), http.StatusUnprocessableEntity, "invalid_request")
	require.Equal(t, "base", e.Field)
	require.Equal(t, `base is report "chat-conversations-over-time", and the path names report "conversations-by-rep": send the report the edit started from`, e.Message)

	// A base that is not a report.
	failure(t, f.do(req{method: http.MethodPatch, path: path, user: "carl",
		body: `{"version": 1, "created": "` + o.created + `", "base": {"nmae": "x"}, "name": "Mine"}`}), http.StatusBadRequest, "invalid_json")

	// No creation.
	e = failure(t, f.do(req{method: http.MethodPatch, path: path, user: "carl", body: `{"version": 1, "base": ` + string(o.report) + `, "name": "Mine"}`}),
		http.StatusUnprocessableEntity, "invalid_request")
	require.Equal(t, "created", e.Field)

	// No right to edit any more.
	saveAs(t, f, "ana", "shared", func(d *convreport.Dashboard) { d.Visibility = access.EveryoneCanView })
	e = failure(t, f.do(req{method: http.MethodPatch, path: path, user: "carl", body: o.body(`"name": "Mine"`)}), http.StatusForbidden, "forbidden")
	require.Equal(t, `you may view dashboard "Shared" but not edit it`, e.Message)
	failure(t, f.do(req{method: http.MethodPost, path: path + "/save-as-new", user: "carl", body: o.body(`"name": "Mine"`)}), http.StatusForbidden, "forbidden")

	// Deleted and created again under its ID: neither an update nor a
	// save as new lands in the new one.
	d := mustGet(t, f, "shared")
	require.NoError(t, f.store.Delete(context.Background(), users["ana"], d))
	d.Version, d.CreatedAt, d.UpdatedAt, d.Visibility = 0, time.Time{}, time.Time{}, access.EveryoneCanEdit
	again, err := f.store.Create(context.Background(), users["ana"], d)
	require.NoError(t, err)
	for _, r := range []req{
		{method: http.MethodPatch, path: path, user: "carl", body: o.body(`"name": "Mine"`)},
		{method: http.MethodPost, path: path + "/save-as-new", user: "carl", body: o.body(`"name": "Mine"`)},
	} {
		e = failure(t, f.do(r), http.StatusConflict, "conflict")
		require.Equal(t, `dashboard "Shared" was deleted and created again since you opened it (the one you opened was created `+o.created+
			`, this one `+again.CreatedAt.UTC().Format(time.RFC3339Nano)+`); nothing was saved: save your changes in a dashboard you may edit, or copy them`, e.Message)
	}
	require.EqualValues(t, 1, mustGet(t, f, "shared").Version, "nothing saved in the new one")

	// Gone.
	require.NoError(t, f.store.Delete(context.Background(), users["ana"], again))
	failure(t, f.do(req{method: http.MethodPatch, path: path, user: "carl", body: o.body(`"name": "Mine"`)}), http.StatusNotFound, "not_found")
	failure(t, f.do(req{method: http.MethodPost, path: path + "/save-as-new", user: "carl", body: o.body(`"name": "Mine"`)}), http.StatusNotFound, "not_found")
}
