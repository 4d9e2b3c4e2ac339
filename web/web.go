package web

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/plan"
	"github.com/convreport/convreport/store"
)

// DefaultMaxBodyBytes is the largest request body the handler reads when
// [Config.MaxBodyBytes] is zero: 1 MiB, far more than any edit needs.
const DefaultMaxBodyBytes = 1 << 20

// DefaultRequestTimeout is how long a request may work when
// [Config.RequestTimeout] is zero: long enough for a dashboard over a
// large account, short enough that one costly filter cannot hold a CPU
// for minutes.
const DefaultRequestTimeout = 30 * time.Second

// Config is what [New] needs: where the data and the dashboards are, who
// is asking, and the account's plan. Engine, Store and Authenticate are
// required; every other field is useful at its zero value.
type Config struct {
	// Engine runs reports and drill-downs over the account's conversations.
	Engine *convreport.Engine
	// Store keeps the account's dashboards; it enforces access on every
	// call.
	Store store.Store
	// Schema is the schema report edits are checked against and the
	// editor offers; nil means the Engine's source's
	// ([convreport.Engine.Schema]).
	Schema *convreport.Schema
	// Authenticate says who sent a request. It is called for every request
	// except those for the static assets. An error answers 401, or 403
	// when it wraps [access.ErrForbidden]; its message is shown to the
	// client, so keep secrets out of it. The Viewer's Scope limits the
	// conversations of every run and drill-down.
	Authenticate func(*http.Request) (access.Viewer, error)
	// Plan caps every path that adds a report (create report, add from
	// the library, save as new) or a dashboard (create, save a copy as),
	// and the pages show the room left ("6 of 10 reports"); the zero value
	// caps nothing. Dashboards are counted when the Store implements
	// store.Counter. The Store may have its own caps too.
	Plan plan.Plan
	// Now is the clock presets resolve against when a request names no
	// "now"; nil means time.Now.
	Now func() time.Time
	// Zone is the time zone of a request that names no "tz"; nil means UTC.
	Zone *time.Location
	// Logger receives one line per server error and per refused write;
	// nil means slog.Default().
	Logger *slog.Logger
	// TrustedOrigins are origins ("https://app.example.com") allowed to
	// send writes from another site, for an embedder whose pages live
	// elsewhere. See [net/http.CrossOriginProtection.AddTrustedOrigin].
	TrustedOrigins []string
	// MaxBodyBytes caps a request body; 0 means [DefaultMaxBodyBytes].
	MaxBodyBytes int64
	// RequestTimeout bounds the work of one request: its context gets
	// this deadline, so a run, preview or drill-down still going when it
	// passes is canceled and answers 503 with the code "timeout". 0 means
	// [DefaultRequestTimeout]; a negative value sets no deadline of the
	// handler's own (the request's context, and any deadline the embedder
	// put on it, still apply).
	RequestTimeout time.Duration
	// Calendars keeps the business-hours calendars that dashboards and
	// reports name (see convreport.Report.Calendar) and each inbox's: every
	// run gets them, GET /api/calendars lists them and an admin replaces
	// them with PUT /api/calendars. nil means the Store's own when it has
	// them (store.Memory and store.Dir do), and otherwise none: every
	// duration is calendar time.
	Calendars CalendarStore
	// SLA keeps the SLA policies reports with an SLA measure name (see
	// convreport.Measure.SLA): every run gets them, GET /api/sla lists
	// them and an admin replaces them with PUT /api/sla. nil means the
	// Store's own when it has them (store.Memory and store.Dir do).
	SLA SLAStore
	// AllowedHosts are the names the handler answers for, besides the
	// loopback ones (localhost, names under .localhost, 127.0.0.1, [::1]),
	// which are always allowed. A request whose Host header is none of
	// them is refused with 421 Misdirected Request and the code
	// "host_not_allowed", before authentication: that is what stops DNS
	// rebinding, where another site's page reaches the handler under the
	// other site's name. The empty list allows the loopback names only, so
	// an embedder serving other names, or behind a proxy, lists those that
	// arrive in Host. An entry is a name or an IP address, compared
	// without regard to case or a trailing dot: without a port
	// ("reports.example.com", "10.0.0.7", "[2001:db8::1]") it matches on
	// any port, with one ("reports.example.com:8443") on that port only.
	// "*" allows every host, for an embedder that checks Host itself.
	AllowedHosts []string
}

// New returns the handler serving the reporting UI and its JSON API for
// cfg. Mount it under any prefix with [net/http.StripPrefix]: every link it
// writes is relative to the request path, so
//
//	mux.Handle("/reports/", http.StripPrefix("/reports", h))
//
// serves the dashboards at /reports/ and the API at /reports/api/. New
// returns an error when a required field is missing, or a trusted origin or
// an allowed host is malformed.
func New(cfg Config) (http.Handler, error) {
	var missing []string
	if cfg.Engine == nil {
		missing = append(missing, "Engine")
	}
	if cfg.Store == nil {
		missing = append(missing, "Store")
	}
	if cfg.Authenticate == nil {
		missing = append(missing, "Authenticate")
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("web: Config.%s is required", strings.Join(missing, ", Config."))
	}
	if cfg.MaxBodyBytes < 0 {
		return nil, fmt.Errorf("web: Config.MaxBodyBytes %d is negative", cfg.MaxBodyBytes)
	}
	h := &handler{cfg: cfg, mux: http.NewServeMux(), cop: http.NewCrossOriginProtection()}
	h.live.h = h
	if h.cfg.Schema == nil {
		h.cfg.Schema = h.cfg.Engine.Schema()
	}
	if h.cfg.Now == nil {
		h.cfg.Now = time.Now
	}
	if h.cfg.Zone == nil {
		h.cfg.Zone = time.UTC
	}
	if h.cfg.Calendars == nil {
		if cs, ok := cfg.Store.(CalendarStore); ok {
			h.cfg.Calendars = cs
		}
	}
	if h.cfg.SLA == nil {
		if ss, ok := cfg.Store.(SLAStore); ok {
			h.cfg.SLA = ss
		}
	}
	if h.cfg.Logger == nil {
		h.cfg.Logger = slog.Default()
	}
	if h.cfg.MaxBodyBytes == 0 {
		h.cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if h.cfg.RequestTimeout == 0 {
		h.cfg.RequestTimeout = DefaultRequestTimeout
	}
	for i, s := range cfg.AllowedHosts {
		rule, err := parseHostRule(s)
		if err != nil {
			return nil, fmt.Errorf("web: Config.AllowedHosts[%d] %w", i, err)
		}
		h.hosts = append(h.hosts, rule)
	}
	for _, o := range cfg.TrustedOrigins {
		if err := h.cop.AddTrustedOrigin(o); err != nil {
			return nil, fmt.Errorf("web: Config.TrustedOrigins: %w", err)
		}
	}
	h.cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.cfg.Logger.Warn("web: refused a cross-origin request", "method", r.Method, "path", r.URL.Path,
			"origin", r.Header.Get("Origin"), "sec_fetch_site", r.Header.Get("Sec-Fetch-Site"))
		writeError(w, &Error{Status: http.StatusForbidden, Code: "cross_origin",
			Message: "cross-origin request refused: writes must come from this site's own pages"})
	}))
	if err := h.loadAssets(); err != nil {
		return nil, err
	}
	h.routes()
	h.inner = h.cop.Handler(h.mux)
	return h, nil
}

type handler struct {
	cfg   Config
	mux   *http.ServeMux
	cop   *http.CrossOriginProtection
	inner http.Handler // mux behind the cross-origin check
	hosts []hostRule   // Config.AllowedHosts

	pages  map[string]*template.Template
	static http.Handler
	// assetTag is appended to asset links so a new build is fetched anew.
	assetTag string
	// live holds the feeds of the live dashboard streams.
	live liveHub
}

//go:embed assets
var assets embed.FS

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "same-origin")
	if !h.hostAllowed(r) {
		h.refuseHost(w, r)
		return
	}
	if !strings.HasPrefix(r.URL.Path, "/") {
		if r.URL.Path == "" && !strings.HasSuffix(originalPath(r), "/") {
			// Mounted with StripPrefix("/reports", h) and asked for
			// "/reports": relative links need the trailing slash.
			http.Redirect(w, r, originalPath(r)+"/", http.StatusMovedPermanently)
			return
		}
		// Mounted with StripPrefix("/reports/", h), the slash given
		// with the prefix: "/reports/api/me" arrives as "api/me", and
		// "/reports/" as "". They are the handler's "/api/me" and "/".
		r2 := new(http.Request)
		*r2 = *r
		u := *r.URL
		u.Path = "/" + u.Path
		if u.RawPath != "" {
			u.RawPath = "/" + u.RawPath
		}
		r2.URL = &u
		r = r2
	}
	if h.cfg.RequestTimeout > 0 && !isLiveStream(r) {
		// The cause tells a timeout from a client that went away. A live
		// stream lasts as long as its page; each of its runs is bounded.
		ctx, cancel := context.WithTimeoutCause(r.Context(), h.cfg.RequestTimeout, errRequestTimeout)
		defer cancel()
		r = r.WithContext(ctx)
	}
	h.inner.ServeHTTP(w, r)
}

// isLiveStream reports whether r asks for a stream: a live dashboard's,
// or a report editor's (editwatch.go).
func isLiveStream(r *http.Request) bool {
	p := r.URL.Path
	return r.Method == http.MethodGet && strings.HasPrefix(p, "/api/dashboards/") &&
		(strings.HasSuffix(p, "/live") || strings.HasSuffix(p, "/watch")) && strings.Count(p, "/") == 4
}

// errRequestTimeout is the cause of the context of a request that ran
// over Config.RequestTimeout.
var errRequestTimeout = errors.New("web: the request ran over Config.RequestTimeout")

// originalPath is the path the client asked for, before any StripPrefix.
func originalPath(r *http.Request) string {
	p := r.RequestURI
	if i := strings.IndexAny(p, "?#"); i >= 0 {
		p = p[:i]
	}
	// One leading slash: "//host/x" would send the browser to another site.
	return "/" + strings.TrimLeft(p, "/")
}

// base returns the relative path from r's directory up to the handler's
// root: "./" for "/", "../" for "/dashboards/x", "../../../" for
// "/dashboards/x/reports/y/edit". Every page sets it as <base href>, so
// its links and the script's fetches work under any prefix.
func base(r *http.Request) string {
	n := strings.Count(r.URL.Path, "/") - 1
	if n <= 0 {
		return "./"
	}
	return strings.Repeat("../", n)
}

func (h *handler) routes() {
	// The JSON API. Each path answers its own methods; anything else is a
	// 405 with an Allow header, and unknown paths a 404, both as JSON.
	h.api("/api/me", methods{http.MethodGet: {h.getMe, nil}})
	h.api("/api/schema", methods{http.MethodGet: {h.getSchema, nil}})
	h.api("/api/templates", methods{http.MethodGet: {h.listTemplates, []string{"q"}}})
	h.api("/api/filters/validate", methods{http.MethodPost: {h.validateFilter, nil}})
	h.api("/api/calendars", methods{http.MethodGet: {h.getCalendars, nil}, http.MethodPut: {h.putCalendars, nil}})
	h.api("/api/sla", methods{http.MethodGet: {h.getSLA, nil}, http.MethodPut: {h.putSLA, nil}})
	h.api("/api/dashboards", methods{http.MethodGet: {h.listDashboards, nil}, http.MethodPost: {h.createDashboard, nil}})
	h.api("/api/dashboards/{id}", methods{http.MethodGet: {h.getDashboard, nil}, http.MethodPatch: {h.patchDashboard, nil},
		http.MethodDelete: {h.deleteDashboard, changeParams}})
	h.api("/api/dashboards/{id}/copy", methods{http.MethodPost: {h.copyDashboard, nil}})
	h.api("/api/dashboards/{id}/filters", methods{http.MethodPut: {h.putFilters, nil}})
	h.api("/api/dashboards/{id}/run", methods{http.MethodGet: {h.runDashboard, runParams}})
	h.api("/api/dashboards/{id}/live", methods{http.MethodGet: {h.liveStream, liveParams}})
	h.api("/api/dashboards/{id}/watch", methods{http.MethodGet: {h.watchEdit, []string{"report", "def", "created"}}})
	h.api("/api/dashboards/{id}/preview", methods{http.MethodPost: {h.previewNew, periodParams}})
	h.api("/api/dashboards/{id}/reports", methods{http.MethodPost: {h.addReport, nil}})
	h.api("/api/dashboards/{id}/reports/{rid}", methods{http.MethodGet: {h.getReport, nil}, http.MethodPatch: {h.updateReport, nil},
		http.MethodDelete: {h.removeReport, changeParams}})
	h.api("/api/dashboards/{id}/reports/{rid}/save-as-new", methods{http.MethodPost: {h.saveReportAsNew, nil}})
	h.api("/api/dashboards/{id}/reports/{rid}/preview", methods{http.MethodPost: {h.previewReport, periodParams}})
	h.api("/api/dashboards/{id}/reports/{rid}/drill", methods{http.MethodGet: {h.drillAPI, drillParams}})
	h.mux.Handle("/api/", h.withViewer(func(w http.ResponseWriter, r *http.Request, _ access.Viewer) error {
		return &Error{Status: http.StatusNotFound, Code: "not_found", Message: "no API endpoint " + r.URL.Path}
	}))

	// The pages.
	h.mux.Handle("GET /static/", h.static)
	h.page("GET /{$}", h.listPage)
	h.page("GET /dashboards/{id}", h.dashboardPage)
	h.page("GET /dashboards/{id}/reports/{rid}/edit", h.editPage)
	h.page("GET /dashboards/{id}/reports/new", h.newReportPage)
	h.page("GET /dashboards/{id}/reports/{rid}/drill", h.drillPage)
	h.exportRoutes() // export.go
	h.page("/", func(w http.ResponseWriter, r *http.Request, _ access.Viewer) error {
		return &Error{Status: http.StatusNotFound, Code: "not_found", Message: "There is no page here."}
	})
}

// apiFunc serves one method of an API path; an error becomes the JSON
// error response.
type apiFunc func(w http.ResponseWriter, r *http.Request, v access.Viewer) error

// endpoint is one method of an API path: its handler and the query
// parameters it reads. Any other parameter is a 400 naming it: a
// misspelled one (rnage=today) would otherwise be ignored, and the answer
// be for the default period without a word. Pages are lenient (see page).
type endpoint struct {
	f      apiFunc
	params []string
}

type methods map[string]endpoint

func (h *handler) api(pattern string, ms methods) {
	allow := make([]string, 0, len(ms))
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPatch, http.MethodPut, http.MethodDelete} {
		if ms[m].f != nil {
			allow = append(allow, m)
		}
	}
	h.mux.Handle(pattern, h.withViewer(func(w http.ResponseWriter, r *http.Request, v access.Viewer) error {
		method := r.Method
		if method == http.MethodHead {
			method = http.MethodGet
		}
		ep := ms[method]
		if ep.f == nil {
			w.Header().Set("Allow", strings.Join(allow, ", "))
			return &Error{Status: http.StatusMethodNotAllowed, Code: "method_not_allowed",
				Message: fmt.Sprintf("%s does not answer %s; it answers %s", r.URL.Path, r.Method, strings.Join(allow, ", "))}
		}
		if err := knownParams(r.URL.RawQuery, ep.params); err != nil {
			return err
		}
		if err := queryUTF8(r.URL.RawQuery); err != nil {
			return err
		}
		return ep.f(w, r, v)
	}))
}

// withViewer authenticates the request, then runs f and writes its error
// as JSON.
func (h *handler) withViewer(f apiFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		v, err := h.authenticate(r)
		if err == nil {
			err = f(w, r, v)
		}
		if err != nil {
			h.fail(w, r, err)
		}
	})
}

func (h *handler) authenticate(r *http.Request) (access.Viewer, error) {
	v, err := h.cfg.Authenticate(r)
	if err == nil {
		return v, nil
	}
	status, code := http.StatusUnauthorized, "unauthenticated"
	if errors.Is(err, access.ErrForbidden) {
		status, code = http.StatusForbidden, "forbidden"
	}
	return access.Viewer{}, &Error{Status: status, Code: code, Message: cleanMessage(err.Error()), err: err}
}

// fail writes err as the JSON error response, logging server errors.
func (h *handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	e := h.toError(r, err)
	h.logError(r, e)
	writeError(w, e)
}

// toError is [toError] for r, in the words of the UI: a condition error
// names operators and properties by their labels, and a request that
// failed once its deadline passed failed because of it, whatever error the
// engine or the source made of the cancellation.
func (h *handler) toError(r *http.Request, err error) *Error {
	e := toError(err)
	// An *Error made on the way (filtersError's, say) has its message in
	// those words already, counted as its request counts.
	var made *Error
	if e.Code == "invalid_condition" && !errors.As(err, &made) {
		if msg, ok := h.conditionMessage(err); ok {
			c := *e
			c.Message = msg
			return &c
		}
	}
	if e.Status >= 500 && errors.Is(context.Cause(r.Context()), errRequestTimeout) {
		return &Error{Status: http.StatusServiceUnavailable, Code: "timeout",
			Message: sprintf("the request took longer than the limit of %v and was stopped; try a shorter period or a simpler filter",
				h.cfg.RequestTimeout), err: err}
	}
	return e
}

func (h *handler) logError(r *http.Request, e *Error) {
	switch {
	case e.Code == "timeout":
		h.cfg.Logger.Warn("web: request stopped at its deadline", "method", r.Method, "path", r.URL.Path,
			"timeout", h.cfg.RequestTimeout, "err", e.err)
	case e.Status >= 500:
		h.cfg.Logger.Error("web: request failed", "method", r.Method, "path", r.URL.Path, "err", e.err)
	case e.Status == http.StatusForbidden || e.Status == http.StatusUnauthorized || errors.Is(e.err, access.ErrForbidden):
		h.cfg.Logger.Info("web: request refused", "method", r.Method, "path", r.URL.Path, "status", e.Status, "code", e.Code)
	}
}

func (h *handler) loadAssets() error {
	static, err := fs.Sub(assets, "assets/static")
	if err != nil {
		return err
	}
	h.assetTag = assetTag(static)
	fileServer := http.FileServerFS(static)
	h.static = http.StripPrefix("/static", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/") {
			http.NotFound(w, r) // no directory listings
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=3600")
		fileServer.ServeHTTP(w, r)
	}))
	return h.parsePages()
}
