package web

import (
	"errors"
	"net/http"
)

// periodError returns the message of err when it is a bad period
// parameter (range, from, to, tz, now, week_start): the dashboard page
// says it next to the date range form and shows the default period,
// instead of an error page that loses the dashboard.
func periodError(err error) (*Error, bool) {
	var e *Error
	if !errors.As(err, &e) || e.Status != http.StatusBadRequest || e.Code != "invalid_query" {
		return nil, false
	}
	return e, true
}

// withoutPeriod is r with no query parameters: the default period.
func withoutPeriod(r *http.Request) *http.Request {
	r2 := r.Clone(r.Context())
	r2.URL.RawQuery = ""
	return r2
}
