package web

import "net/http"

// LiveRuns returns how many dashboard runs the live streams of h have
// done: what tests of coalescing and sharing count.
func LiveRuns(h http.Handler) int64 { return h.(*handler).live.runs.Load() }

// LivePolls returns how many times the live feeds of h read a dashboard's
// version from the store.
func LivePolls(h http.Handler) int64 { return h.(*handler).live.polls.Load() }
