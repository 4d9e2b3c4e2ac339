// Package web serves convreport dashboards to browsers and programs: an
// [net/http.Handler] with an HTML UI (a dashboard list, dashboard pages of
// report cards whose every data point opens the conversations behind it,
// a report editor) and the JSON API that UI uses. A helpdesk mounts it in
// its own application and says who the viewer is; the handler enforces the
// rest.
//
//	h, err := web.New(web.Config{
//		Engine:       convreport.NewEngine(src),
//		Store:        dashboards, // store.NewMemory(), store.OpenDir(…), or your own
//		Authenticate: viewerFromSession,
//	})
//	mux.Handle("/reports/", http.StripPrefix("/reports", h))
//
// The prefix may be stripped with its trailing slash too
// (StripPrefix("/reports/", h)): the handler takes "api/me" as "/api/me".
//
// # Access and data scope
//
// Config.Authenticate turns each request into a [access.Viewer]; an
// error answers 401. Every dashboard is read through the Store, which
// checks [convreport.Dashboard.Can] for that viewer. A dashboard the
// viewer may not view answers 404 on every route that names it, with the
// body of a dashboard that does not exist, so its existence stays secret;
// a write to one the viewer may view but not edit answers 403. Every
// run, preview and drill-down carries the viewer in its [convreport.Query],
// so the viewer's Scope limits the conversations of every number and every
// listed row. A data point that exists only outside
// the viewer's scope is not found (404).
//
// # JSON API
//
// Paths are relative to where the handler is mounted. Bodies are JSON;
// errors are {"error": {...}} as described by [Error].
//
//	GET    api/me                                       the viewer
//	GET    api/schema                                   properties, chart types, filter operators, plan
//	GET    api/templates?q=                             dashboard templates, searched by name or keyword
//	POST   api/filters/validate                         check a filter expression and conditions: {"valid": …, "error"?: …}
//	GET    api/dashboards                               the dashboards the viewer may view
//	POST   api/dashboards                               create one from a template (201)
//	GET    api/dashboards/{id}                          one dashboard, with the viewer's permissions
//	PATCH  api/dashboards/{id}                          rename, reorder its reports, share it
//	DELETE api/dashboards/{id}?version=&created=        delete it (owner and admins)
//	POST   api/dashboards/{id}/copy                     "save a copy as" (201)
//	PUT    api/dashboards/{id}/filters                  save the dashboard's filters
//	GET    api/dashboards/{id}/run?range=&tz=           run it: the result JSON (docs/semantics.md), plus chart specs
//	GET    api/dashboards/{id}/live?range=&tz=&sigs=    follow it: Server-Sent Events with the charts that change
//	GET    api/dashboards/{id}/watch?report=&def=       a report editor's stream: the report changed or removed elsewhere
//	POST   api/dashboards/{id}/preview                  run a report being built, without saving it
//	POST   api/dashboards/{id}/reports                  "add to dashboard" (201)
//	GET    api/dashboards/{id}/reports/{rid}            one report's definition
//	PATCH  api/dashboards/{id}/reports/{rid}            "update existing report"
//	DELETE api/dashboards/{id}/reports/{rid}?version=&created=  remove it
//	POST   api/dashboards/{id}/reports/{rid}/save-as-new  "save as new report" (201)
//	POST   api/dashboards/{id}/reports/{rid}/preview    run an edited report without saving it
//	GET    api/dashboards/{id}/reports/{rid}/drill?point=  the conversations behind a point, paged and sorted
//	GET    api/dashboards/{id}/reports/{rid}/export?format=csv|svg|png  one report as a file
//	GET    api/dashboards/{id}/export?format=zip        every report's CSV in a zip
//	GET    api/dashboards/{id}/reports/{rid}/drill/export?format=csv&point=  all of a point's conversations, streamed
//	GET    api/calendars                                the business-hours calendars dashboards and reports may name
//	PUT    api/calendars                                replace them (an admin; a bad calendar is 422 with its field)
//	GET    api/sla                                      the SLA policies
//	PUT    api/sla                                      replace them (an admin; a bad policy is 422 with its field)
//
// The period of a run, preview or drill-down is chosen by the query
// parameters range (a preset such as last_30_days), or from and to (dates
// or RFC 3339 times, to exclusive), with tz (an IANA zone), now and
// week_start. A run answers with the resolved period in "period", ready to
// be appended to a drill-down URL so that it lists exactly the
// conversations the run counted. A report that cannot run in that period
// while the others can (a time series with more time buckets, or lines
// times buckets, than the engine's Limits allow) is left out of the
// run's reports and listed in "not_run" with its error, its ID in
// "report"; the dashboard page shows it as a card that says why and what
// to do. When no report fits the period, the run is refused on it (400
// invalid_query).
//
// A drill-down names its point by the point's "dimensions" object of the
// result JSON, passed as JSON in the point parameter
// (point={"assignee":"Alice Martin"}, {"assignee":null} for the group
// with no value, {"bucket":"2025-03-30"} for a time series, {} for a
// single-point report), or other=true for the point folding a report's
// tail (with point={"bucket":"2025-03-30"} in a time series, which has an
// Other point per bucket). sort (a property name, default CreatedAt), desc, offset and limit
// (at most [convreport.MaxPageSize]) page through the rows.
//
// Edits (PATCH and save-as-new) carry "version" and "created", the
// version and the created_at of the dashboard the edit started from: a
// stale version, or a dashboard deleted and created again under its ID
// since (at version 1 anew), is refused with 409 and nothing is written;
// so are the dashboard's PATCH, its filters' PUT and the DELETEs, which
// name both too. The other fields are each optional: name, chart {type, stacked,
// percent}, measure, dimensions (what the chart groups by), date_property,
// bucket, sort, limit (the Top), snapshot, calendar, properties (replacing
// the drill-down's columns), add_properties, remove_properties, filter (an
// expression; "" removes it), conditions (replacing the structured
// filters) and add_conditions. An update may carry base, the report as
// the editor opened it: a report changed since is refused with 409
// "conflict" naming what changed. A save refused for several parts lists
// each in the error's problems.
//
// # Requests that change something
//
// Every POST and PATCH must send Content-Type: application/json (415
// otherwise) and a body of at most Config.MaxBodyBytes (413); unknown keys
// and malformed JSON are 400, values that fail validation 422 with the
// offending field (and, for a filter, the line, column and a caret
// snippet). Cross-origin writes are refused with 403 by
// [net/http.CrossOriginProtection], which reads the browser's
// Sec-Fetch-Site and Origin headers; Config.TrustedOrigins lets other
// origins in. Reads never change anything.
//
// # Host names
//
// The handler answers only for the loopback names and
// Config.AllowedHosts; any other Host header is refused with 421 before
// authentication, so that a page of another site cannot reach it under
// that site's name (DNS rebinding). An embedder serving other names, or
// behind a proxy, lists the names that arrive in Host.
//
// # Time limit
//
// Each request's context gets a deadline, Config.RequestTimeout (default
// [DefaultRequestTimeout]): a run, preview or drill-down still working
// when it passes is canceled and answers 503 with the code "timeout".
//
// # Pages
//
// The UI is server-rendered HTML with the charts as inline SVG drawn by the
// render package, one small script and one style sheet, all embedded: the
// pages fetch nothing from another origin and work offline. Every chart
// point links to a drill-down page, which the script opens as a dialog
// instead. Pages carry a strict Content-Security-Policy and use relative
// links under a <base> computed from the request path.
package web
