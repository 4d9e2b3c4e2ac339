package web

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/calendar"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/plan"
	"github.com/convreport/convreport/store"
)

// Error is the body of every error response of the API, under the key
// "error":
//
//	{"error": {"code": "invalid_filter",
//	  "message": "unknown property \"Inboxx\" (did you mean \"Inbox\"?) (line 1, column 22)",
//	  "field": "filter", "line": 1, "column": 22,
//	  "snippet": "Channel == \"chat\" && Inboxx == \"Sales\"\n                     ^"}}
//
// Code is stable and meant for programs; Message is for people. The
// codes, by status:
//
//	400 bad_request, invalid_json, invalid_query, invalid_point
//	401 unauthenticated
//	403 forbidden, cross_origin
//	404 not_found (also for a dashboard the viewer may not view), point_not_found
//	405 method_not_allowed
//	409 conflict (a stale version, or a dashboard deleted and created again
//	    since: reload and redo the change; a report changed elsewhere since
//	    its editor opened it, which Changed details)
//	413 body_too_large
//	415 unsupported_media_type
//	421 host_not_allowed (the Host header is not one of Config.AllowedHosts)
//	422 invalid_filter, invalid_condition, unknown_property, invalid_report,
//	    invalid_dashboard, invalid_request, plan_limit
//	500 internal
//	503 canceled (the client went away), timeout (the request ran over
//	    Config.RequestTimeout and was stopped)
//
// A filter validation (POST api/filters/validate) answers 200 with the
// same object under "error" when the filter does not compile.
type Error struct {
	// Status is the response's HTTP status; it is not in the body.
	Status  int    `json:"-"`
	Code    string `json:"code"`
	Message string `json:"message"`
	// Field names the offending input: a body key ("name", "filter",
	// "conditions", "version", "measure", "dimensions", "chart", …) or a
	// query parameter ("range", "tz"); for plan_limit, the cap: "reports"
	// (per dashboard) or "dashboards" (per account).
	Field string `json:"field,omitempty"`
	// Line and Column (1-based, in characters) locate a filter error in the
	// expression; Snippet is that line with a caret under the column.
	Line    int    `json:"line,omitempty"`
	Column  int    `json:"column,omitempty"`
	Snippet string `json:"snippet,omitempty"`
	// Index is the position (from 0) of the offending structured condition,
	// or of the offending grant of an invalid_dashboard on "grants".
	// The message of an invalid_condition speaks the editor's language: it
	// counts filters from 1 and names operators and properties by the
	// labels of GET api/schema ("filter 2, Inbox is greater than: …"); a
	// grant's counts grants from 1 too ("grant 2 (user …)").
	// For an unknown_property of a saved report, or an invalid_report of
	// one whose property has another kind now, it is the property's
	// position in its dimensions or properties.
	Index *int `json:"index,omitempty"`
	// Report is the ID of the dashboard's saved report the error is about,
	// when a run, export or drill-down refuses what that report holds (a
	// filter, a grouping, a date property or a display property naming a
	// property the schema no longer has, or one of a kind that no longer
	// fits there; a part over the engine's limits, its filters with the
	// dashboard's included; a calendar or an SLA policy the server no
	// longer keeps): Field and Index then point into that report (Field
	// "filters" to the dashboard's filters, when they alone are over the
	// limits). In a run's "not_run", and in the refusal of a zip of every
	// report, it is the report that cannot run in the period asked for
	// (too many time buckets or points in it): Field is then the period's
	// parameter.
	Report string `json:"report,omitempty"`
	// Changed lists, for a conflict over a report changed elsewhere since
	// its editor opened it (an update that sent "base"), the parts of it
	// that changed, as an edit's body names them: "name", "chart",
	// "conditions"…; Report is then its ID.
	Changed []string `json:"changed,omitempty"`
	// Problems lists, with Report, every part of that report that no
	// longer checks, each with the code, field, index and position it
	// would have alone and its message without the report's name; the
	// first is the one Code, Field and Index name. A person (or a
	// program) fixes them all in one go. An update, a save as new or a
	// report added that several parts of the edited report refuse lists
	// them the same way, without Report, in the editor's order (a
	// grouping's Index its position, a filter's its row from 0); a share
	// or a new dashboard that several grants refuse lists each grant.
	Problems []*Error `json:"problems,omitempty"`

	err error // the cause, for the log
}

// Error returns the code and the message: "conflict: dashboard …".
func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Unwrap returns the SDK error the response was made from, if any.
func (e *Error) Unwrap() error { return e.err }

func badRequest(code, field, format string, args ...any) *Error {
	return &Error{Status: http.StatusBadRequest, Code: code, Field: field, Message: sprintf(format, args...)}
}

func unprocessable(code, field, format string, args ...any) *Error {
	return &Error{Status: http.StatusUnprocessableEntity, Code: code, Field: field, Message: sprintf(format, args...)}
}

// toError maps an error of the SDK to its response.
func toError(err error) *Error {
	var (
		e        *Error
		mbe      *http.MaxBytesError
		fe       *convreport.FilterError
		fle      *convreport.FilterLimitError
		ce       *convreport.ConditionError
		upe      *convreport.UnknownPropertyError
		re       *convreport.ReportError
		de       *convreport.DashboardError
		ple      *plan.Error
		qe       *convreport.QueryError
		rge      *convreport.RangeError
		le       *convreport.LimitError
		cal      *calendar.Error
		slaErr   *convreport.SLAError
		reportOf string
	)
	if errors.As(err, &re) {
		reportOf = re.Field
	}
	msg := cleanMessage(err.Error())
	switch {
	case errors.As(err, &e):
		return e
	case errors.As(err, &mbe):
		return &Error{Status: http.StatusRequestEntityTooLarge, Code: "body_too_large",
			Message: sprintf("the request body is over the limit of %d bytes", mbe.Limit), err: err}
	case errors.Is(err, access.ErrForbidden):
		return &Error{Status: http.StatusForbidden, Code: "forbidden", Message: msg, err: err}
	case errors.Is(err, store.ErrConflict):
		return &Error{Status: http.StatusConflict, Code: "conflict",
			Message: msg + "; reload the dashboard and make the change again", err: err}
	case errors.Is(err, convreport.ErrNotFound):
		// The SDK names its sentinel first ("not found: no dashboard …");
		// the status says that, and the API's other 404s do not.
		return &Error{Status: http.StatusNotFound, Code: "not_found", Message: strings.TrimPrefix(msg, "not found: "), err: err}
	case errors.As(err, &fe):
		out := &Error{Status: http.StatusUnprocessableEntity, Code: "invalid_filter", Field: "filter",
			Message: fe.Msg, Line: fe.Line, Column: fe.Column, Snippet: snippet(fe), err: err}
		if out.Line > 0 {
			out.Message = sprintf("%s (line %d, column %d)", fe.Msg, fe.Line, fe.Column)
		}
		return out
	case errors.As(err, &fle):
		return &Error{Status: http.StatusUnprocessableEntity, Code: "invalid_filter", Field: "filter", Message: msg, err: err}
	case errors.As(err, &ce):
		out := &Error{Status: http.StatusUnprocessableEntity, Code: "invalid_condition", Field: "conditions", Message: msg, err: err}
		if ce.Index >= 0 {
			i := ce.Index
			out.Index = &i
		}
		return out
	case errors.As(err, &upe):
		return &Error{Status: http.StatusUnprocessableEntity, Code: "unknown_property", Field: orDefault(reportOf, "properties"), Message: msg, err: err}
	case re != nil:
		return &Error{Status: http.StatusUnprocessableEntity, Code: "invalid_report", Field: re.Field, Message: msg, err: err}
	case errors.As(err, &de):
		out := &Error{Status: http.StatusUnprocessableEntity, Code: "invalid_dashboard", Field: de.Field, Message: msg, err: err}
		if de.Grant > 0 {
			i := de.Grant - 1 // counted from 0, as a condition's index is
			out.Index = &i
		}
		return out
	case errors.As(err, &ple):
		field := "reports"
		if ple.Limit == plan.DashboardsPerAccount {
			field = "dashboards"
		}
		return &Error{Status: http.StatusUnprocessableEntity, Code: "plan_limit", Field: field, Message: msg, err: err}
	case errors.As(err, &cal):
		// Every problem of a calendar is listed; the field is the first's.
		return &Error{Status: http.StatusUnprocessableEntity, Code: "invalid_calendar", Field: cal.Field, Message: msg, err: err}
	case errors.As(err, &slaErr):
		// Every problem of a policy set is listed; the field is the first's.
		return &Error{Status: http.StatusUnprocessableEntity, Code: "invalid_sla", Field: slaErr.Field, Message: msg, err: err}
	case errors.As(err, &qe):
		return &Error{Status: http.StatusBadRequest, Code: "invalid_query", Field: queryField(qe.Field), Message: msg, err: err}
	case errors.As(err, &rge):
		return &Error{Status: http.StatusBadRequest, Code: "invalid_query", Field: "range", Message: msg, err: err}
	case errors.As(err, &le):
		return &Error{Status: http.StatusBadRequest, Code: "bad_request", Message: msg, err: err}
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return &Error{Status: http.StatusServiceUnavailable, Code: "canceled", Message: "the request was canceled or took too long", err: err}
	}
	return &Error{Status: http.StatusInternalServerError, Code: "internal", Message: "internal error; the server log has the details", err: err}
}

func queryField(f string) string {
	switch f {
	case "From/To":
		return "from"
	case "Calendar":
		return "calendar"
	}
	return strings.ToLower(f)
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// snippet is the expression's offending line with a caret under the
// column, as the FilterError message shows it, without its " | " margin.
func snippet(fe *convreport.FilterError) string {
	if fe.Line <= 0 {
		return ""
	}
	lines := strings.Split(fe.Expr, "\n")
	if fe.Line > len(lines) {
		return ""
	}
	line := strings.ReplaceAll(strings.TrimSuffix(lines[fe.Line-1], "\r"), "\t", " ")
	return line + "\n" + strings.Repeat(" ", max(fe.Column-1, 0)) + "^"
}

// cleanMessage drops the package prefixes the SDK's errors carry: a
// person reading the message in a form does not need them.
func cleanMessage(s string) string {
	for _, p := range []string{"convreport/store: ", "convreport: ", "library: "} {
		s = strings.ReplaceAll(s, p, "")
	}
	return s
}

// writeError writes e as {"error": e} with its status.
func writeError(w http.ResponseWriter, e *Error) {
	writeJSON(w, e.Status, map[string]*Error{"error": e})
}

// writeJSON writes v as JSON with status; HTML characters are left as
// they are since the content type is not HTML.
func writeJSON(w http.ResponseWriter, status int, v any) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v) // the client went away; nothing to do
}
