package render_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/png"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/convreport/convreport"
	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/internal/browsertest"
	"github.com/convreport/convreport/library"
	"github.com/convreport/convreport/memory"
	"github.com/convreport/convreport/render"
	"github.com/convreport/convreport/sample"
	"github.com/stretchr/testify/require"
)

// The browser test opens the HTML dashboard in a real headless Chromium.
//
// Environment:
//   - CONVREPORT_CHROMIUM: the browser binary, and
//     CONVREPORT_REQUIRE_BROWSER=1 to fail rather than skip without one
//     (CI sets it): see internal/browsertest.
//   - CONVREPORT_SCREENSHOTS=DIR: write the screenshot to DIR/demo.png
//     (default: the test's temporary directory), from the page of
//     `convreport demo` (50 000 conversations) rather than a small sample;
//     a relative DIR is taken from the module's root, so
//     CONVREPORT_SCREENSHOTS=docs retakes the README's docs/demo.png.
//
// The timeouts are hang guards, not bounds on how fast the page is: each is
// far above what a step takes, and only keeps a browser that stopped
// answering from hanging the suite.
const (
	browserTimeout = 90 * time.Second // the whole test, browser start included
	pollTimeout    = 20 * time.Second // for the page to react to a click, on a busy machine
	viewportW      = 1400
	viewportH      = 2200
)

// browserPage is the demo page built as `convreport demo` builds it: both
// overview dashboards over sample data, every point with its drill table.
type browserPage struct {
	file    string                 // the .html file
	name    string                 // the page's dashboard name
	titles  []string               // the report titles, in page order
	results []convreport.Result    // in page order
	drills  [][]*render.DrillTable // [report][point], as the Drill hook returned them
	rows    int                    // the most conversations a drill table lists
}

func buildBrowserPage(t *testing.T, n, drillRows int) browserPage {
	t.Helper()
	ctx := t.Context()
	loc, err := time.LoadLocation("Europe/Paris")
	require.NoError(t, err)
	end := time.Date(2025, 6, 1, 0, 0, 0, 0, loc)
	cs := sample.Generate(sample.Config{Seed: 1, N: n, From: end.AddDate(0, 0, -90), To: end, Zone: loc})
	src, err := memory.New(cs)
	require.NoError(t, err)
	eng := convreport.NewEngine(src)
	q := convreport.Query{Range: convreport.Last30Days, Zone: loc, Now: end, Viewer: access.Viewer{UserID: "demo"},
		SLA: &convreport.SLASet{Policies: []*convreport.SLAPolicy{library.StandardSLA()}}}

	p := browserPage{name: "Conversations overview (sample data)", rows: drillRows}
	for _, tpl := range library.All() {
		d, err := tpl.NewDashboard(convreport.DashboardOptions{Name: tpl.Name, Owner: "demo"})
		require.NoError(t, err)
		results, err := eng.RunDashboard(ctx, q, d)
		require.NoError(t, err)
		require.Len(t, results, len(d.Reports))
		for i, r := range results {
			p.titles = append(p.titles, d.Reports[i].Name)
			p.results = append(p.results, r)
		}
	}
	p.drills = make([][]*render.DrillTable, len(p.results))
	var drillErr error
	drill := func(ref render.PointRef) *render.DrillTable {
		dr, err := eng.DrillDown(ctx, q, p.results[ref.Report].Report, ref.Point)
		if err != nil {
			drillErr = errors.Join(drillErr, fmt.Errorf("report %d point %d: %w", ref.Report, ref.Index, err))
			return nil
		}
		tab := render.NewDrillTable(dr, loc, drillRows)
		if p.drills[ref.Report] == nil {
			p.drills[ref.Report] = make([]*render.DrillTable, len(p.results[ref.Report].Points))
		}
		p.drills[ref.Report][ref.Index] = &tab
		return &tab
	}
	var buf bytes.Buffer
	require.NoError(t, render.HTML(&buf, render.Dashboard{Name: p.name, Results: p.results}, render.HTMLOptions{Drill: drill}))
	require.NoError(t, drillErr)
	p.file = filepath.Join(t.TempDir(), "dashboard.html")
	require.NoError(t, os.WriteFile(p.file, buf.Bytes(), 0o644))
	return p
}

// screenshotDir is where the screenshot goes: dir, relative to the
// module's root, or a temporary directory when dir is empty.
func screenshotDir(t *testing.T, dir string) string {
	t.Helper()
	if dir == "" {
		return t.TempDir()
	}
	if !filepath.IsAbs(dir) {
		root, err := os.Getwd() // the package's directory
		require.NoError(t, err)
		for {
			if _, err := os.Stat(filepath.Join(root, "go.mod")); err == nil {
				break
			}
			parent := filepath.Dir(root)
			require.NotEqual(t, root, parent, "no go.mod above the test's directory")
			root = parent
		}
		dir = filepath.Join(root, dir)
	}
	require.NoError(t, os.MkdirAll(dir, 0o755))
	return dir
}

// syncBuffer collects the browser's output, written from its own goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// newBrowser starts a headless Chromium with a fresh profile (chromedp
// makes a temporary --user-data-dir and removes it) and returns the context
// of its first tab. Everything is bound by browserTimeout; the browser is
// closed, and waited for, when the test ends.
func newBrowser(t *testing.T, bin string) context.Context {
	t.Helper()
	ctx, cancelTimeout := context.WithTimeout(context.Background(), browserTimeout)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin),
		chromedp.Headless,
		chromedp.Flag("hide-scrollbars", false), // show what a person sees: tables scroll
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(viewportW, viewportH),
		// A loaded CI machine can take longer than the default 20 s to
		// print the DevTools address.
		chromedp.WSURLReadTimeout(90*time.Second),
	)
	t.Cleanup(cancelTimeout)
	var tabCtx context.Context
	browsertest.Start(t, func() (func(), error) {
		out := &syncBuffer{}
		allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, append(opts, chromedp.CombinedOutput(out))...)
		tab, cancelTab := chromedp.NewContext(allocCtx)
		stop := func() {
			if t.Failed() {
				if s := strings.TrimSpace(out.String()); s != "" {
					t.Logf("browser output:\n%s", s)
				}
			}
			// Close the browser gracefully (bounded), then kill what is
			// left and wait for the process, so nothing outlives the test.
			closeCtx, cancelClose := context.WithTimeout(tab, 10*time.Second)
			_ = chromedp.Cancel(closeCtx)
			cancelClose()
			cancelTab()
			cancelAlloc()
		}
		// Start the browser and open the tab.
		if err := chromedp.Do(tab); err != nil {
			return stop, fmt.Errorf("starting %s: %w; browser output: %s", bin, err, strings.TrimSpace(out.String()))
		}
		tabCtx = tab
		return stop, nil
	})
	return tabCtx
}

// requestLog records every request a tab makes: from the Network domain
// (what the page asked for) and from the Fetch domain, which pauses every
// request before it is sent; file: and data: ones go on, any other is
// failed there, so it never leaves the machine, and is reported.
type requestLog struct {
	mu      sync.Mutex
	network []string // Network.requestWillBeSent and Network.webSocketCreated URLs
	paused  []string // Fetch.requestPaused URLs
	blocked []string // the paused requests failed for their scheme
	errs    []error
}

func (l *requestLog) add(list *[]string, u string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	*list = append(*list, u)
}

func (l *requestLog) snapshot() (network, paused, blocked []string, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.network...), append([]string(nil), l.paused...),
		append([]string(nil), l.blocked...), errors.Join(l.errs...)
}

func localURL(u string) bool {
	return strings.HasPrefix(u, "file:") || strings.HasPrefix(u, "data:")
}

// recordRequests starts recording the requests of the tab of ctx; call it
// before navigating.
func recordRequests(t *testing.T, ctx context.Context) *requestLog {
	t.Helper()
	l := &requestLog{}
	require.NoError(t, chromedp.Listen(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *network.EventRequestWillBeSent:
			l.add(&l.network, ev.Request.URL)
		case *network.EventWebSocketCreated:
			l.add(&l.network, ev.URL)
		}
	}))
	paused := chromedp.Events(ctx, fetch.RequestPaused)
	go func() {
		for ev, err := range paused {
			if err != nil {
				return // the tab or the test ended
			}
			u := ev.Request.URL
			l.add(&l.paused, u)
			if localURL(u) {
				_, err = chromedp.Call(ctx, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: ev.RequestID})
			} else {
				l.add(&l.blocked, u)
				_, err = chromedp.Call(ctx, fetch.FailRequest, fetch.FailRequestParams{RequestID: ev.RequestID, ErrorReason: network.ErrorReasonBlockedByClient})
			}
			if err != nil && ctx.Err() == nil {
				l.mu.Lock()
				l.errs = append(l.errs, fmt.Errorf("answering the paused request %s: %w", u, err))
				l.mu.Unlock()
			}
		}
	}()
	_, err := chromedp.Call(ctx, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: "*"}}})
	require.NoError(t, err)
	return l
}

// pageDrill is one drill section as the DOM shows it.
type pageDrill struct {
	ID      string `json:"id"`
	Heading string `json:"heading"`
	Columns int    `json:"columns"`
	Rows    int    `json:"rows"`
	Shown   string `json:"shown"`
	Back    string `json:"back"`
}

const readDrills = `Array.from(document.querySelectorAll("section.drill")).map(s => ({
	id: s.id,
	heading: (s.querySelector("h3")?.textContent ?? "").trim(),
	columns: s.querySelectorAll("thead th").length,
	rows: s.querySelectorAll("tbody tr").length,
	shown: (s.querySelector("p.meta")?.textContent ?? "").trim(),
	back: s.querySelector("p.back a")?.getAttribute("href") ?? "",
}))`

// targetState is what a click on a point's link leads to.
type targetState struct {
	Hash    string  `json:"hash"`
	Target  string  `json:"target"`  // the id of the :target element
	Rows    int     `json:"rows"`    // its table's body rows
	Top     float64 `json:"top"`     // its top, relative to the viewport
	Visible bool    `json:"visible"` // rendered, with a size
	Height  float64 `json:"height"`  // the viewport's
}

const readTarget = `(() => {
	const s = document.querySelector(":target");
	if (!s) return {hash: location.hash, target: "", rows: 0, top: 0, visible: false};
	const r = s.getBoundingClientRect();
	return {hash: location.hash, target: s.id, rows: s.querySelectorAll("tbody tr").length,
		top: r.top, height: innerHeight, visible: r.width > 0 && r.height > 0 && getComputedStyle(s).visibility === "visible"};
})()`

func TestBrowserDashboard(t *testing.T) {
	bin := browsertest.Chromium(t)
	// A small sample keeps the page light (the browser's first layout is
	// most of the test's time); 20 rows a point still cuts the busiest.
	n, drillRows := 2000, 20
	shots := os.Getenv("CONVREPORT_SCREENSHOTS")
	if shots != "" {
		n, drillRows = 50_000, 50 // the page of `convreport demo`, for the README's picture
	}
	page := buildBrowserPage(t, n, drillRows)
	ctx := newBrowser(t, bin)
	reqs := recordRequests(t, ctx)

	pageURL := (&url.URL{Scheme: "file", Path: filepath.ToSlash(page.file)}).String()
	require.NoError(t, chromedp.Do(ctx,
		chromedp.EmulateViewport(viewportW, viewportH),
		chromedp.Navigate(pageURL),
		chromedp.WaitReady(chromedp.CSS("section.drills")),
	))

	t.Run("screenshot", func(t *testing.T) {
		buf, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		require.NoError(t, err)
		dir := screenshotDir(t, shots)
		file := filepath.Join(dir, "demo.png")
		require.NoError(t, os.WriteFile(file, buf, 0o644))
		t.Logf("screenshot: %s", file)
		img, err := png.Decode(bytes.NewReader(buf))
		require.NoError(t, err, "the screenshot is not a PNG")
		b := img.Bounds()
		require.Equal(t, image.Rect(0, 0, viewportW, viewportH), b, "screenshot size")
		// A page that drew nothing is one or two colours; cards, bars,
		// text and links are many.
		colors := map[[3]uint32]bool{}
		for y := b.Min.Y; y < b.Max.Y; y += 3 {
			for x := b.Min.X; x < b.Max.X; x += 3 {
				r, g, bb, _ := img.At(x, y).RGBA()
				colors[[3]uint32{r >> 8, g >> 8, bb >> 8}] = true
			}
		}
		require.Greater(t, len(colors), 50, "the screenshot looks blank")
	})

	// The checks below click and scroll; a smaller viewport renders faster.
	require.NoError(t, chromedp.Do(ctx, chromedp.EmulateViewport(1280, 800)))

	t.Run("headings", func(t *testing.T) {
		h1, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("h1")?.textContent.trim() ?? ""`))
		require.NoError(t, err)
		require.Equal(t, page.name, h1)
		// Every report of the dashboard, in order, is a card headed by its
		// title.
		cards, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](
			`Array.from(document.querySelectorAll("article.card")).map(a => (a.querySelector("h2")?.textContent ?? "").trim())`))
		require.NoError(t, err)
		require.Equal(t, page.titles, cards)
		// And each is a heading of the document's outline.
		headings, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](
			`Array.from(document.querySelectorAll("h1,h2,h3,h4,h5,h6")).map(h => h.textContent.trim())`))
		require.NoError(t, err)
		for _, title := range page.titles {
			require.Contains(t, headings, title)
		}
	})

	t.Run("drill sections", func(t *testing.T) {
		drills, err := chromedp.Run(ctx, chromedp.Evaluate[[]pageDrill](readDrills))
		require.NoError(t, err)
		byID := map[string]pageDrill{}
		for _, d := range drills {
			byID[d.ID] = d
		}
		points, cut, whole := 0, 0, 0
		for ri, r := range page.results {
			for pi, pt := range r.Points {
				points++
				id := fmt.Sprintf("drill-%d-%d", ri, pi)
				d, ok := byID[id]
				require.True(t, ok, "%s: no drill section for point %d of %q", id, pi, page.titles[ri])
				tab := page.drills[ri][pi]
				require.NotNil(t, tab, id)
				// An SLA point lists its breaches.
				listed := pt.Count
				if strings.HasPrefix(string(r.Report.Measure.Agg), "sla_") {
					listed = pt.Breaches
				}
				require.Equal(t, int(listed), tab.Total, "%s: drill total vs the point's count", id)
				want := min(int(listed), page.rows)
				require.Len(t, tab.Rows, want, id)
				if want == 0 {
					require.Zero(t, d.Rows, "%s: rows", id)
				} else {
					require.Equal(t, want, d.Rows, "%s: rows shown", id)
					require.Equal(t, len(tab.Columns), d.Columns, "%s: columns", id)
				}
				require.Contains(t, d.Heading, page.titles[ri], id)
				require.Contains(t, d.Heading, "("+conversationCount(listed)+")", id)
				if int(listed) > page.rows {
					cut++
					require.Equal(t, fmt.Sprintf("The first %d of %s conversations.", page.rows, render.FormatCount(listed)), d.Shown, id)
				} else {
					require.Empty(t, d.Shown, id)
					if listed > 0 {
						whole++
					}
				}
				require.Equal(t, fmt.Sprintf("#point-%d-%d", ri, pi), d.Back, id)
			}
		}
		t.Logf("%d points: %d list all their conversations, %d the first %d", points, whole, cut, page.rows)
		require.Len(t, drills, points, "one drill section per point")
		require.Positive(t, cut, "no point has more than %d conversations: the sample is too small to check the cut", page.rows)
		require.Positive(t, whole, "no point lists all its conversations")
	})

	t.Run("clicks", func(t *testing.T) {
		for ri, r := range page.results {
			// The busiest point of each report: most likely more rows than
			// the section lists.
			pi := -1
			for i, pt := range r.Points {
				if pt.Count > 0 && (pi < 0 || pt.Count > r.Points[pi].Count) {
					pi = i
				}
			}
			if pi < 0 {
				continue
			}
			want := len(page.drills[ri][pi].Rows)
			id := fmt.Sprintf("drill-%d-%d", ri, pi)
			// From the report's table…
			clickTo(t, ctx, fmt.Sprintf("#point-%d-%d a", ri, pi), id, want)
			// …and from the chart, when the report has one.
			mark := fmt.Sprintf(`#chart-%d a[href="#%s"]`, ri, id)
			has, err := chromedp.Run(ctx, chromedp.Evaluate[bool](fmt.Sprintf("document.querySelector(%q) !== null", mark)))
			require.NoError(t, err)
			if has {
				// Start elsewhere, so the click has to move the target.
				require.NoError(t, chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`location.hash = "#report-0"`)))
				clickTo(t, ctx, mark, id, want)
			}
			// The section's way back leads to the point's row.
			click(t, ctx, "#"+id+" p.back a")
			back := fmt.Sprintf("point-%d-%d", ri, pi)
			got, err := chromedp.Run(ctx, chromedp.Poll[targetState](
				fmt.Sprintf(`location.hash === "#%s" && (%s)`, back, readTarget), chromedp.WithPollingTimeout(pollTimeout)))
			require.NoError(t, err, "back link of %s", id)
			require.Equal(t, back, got.Target)
		}
	})

	t.Run("no network", func(t *testing.T) {
		// Let anything the page would still start (it has no script, so
		// nothing should) reach the recorder.
		require.NoError(t, chromedp.Do(ctx, chromedp.Sleep(200*time.Millisecond)))
		seen, paused, blocked, err := reqs.snapshot()
		require.NoError(t, err)
		require.Contains(t, seen, pageURL, "the recorder missed the page itself")
		for _, u := range append(seen, paused...) {
			require.True(t, localURL(u), "the page requested %s", u)
		}
		t.Logf("requests: %q", seen)
		require.Empty(t, blocked)
	})

	t.Run("recorder catches a remote request", func(t *testing.T) {
		// The same recorder on a page that does fetch something: it must see
		// the request and stop it (192.0.2.1 is TEST-NET-1, never routed).
		tab, cancel := chromedp.NewContext(ctx)
		defer cancel()
		require.NoError(t, chromedp.Do(tab))
		l := recordRequests(t, tab)
		require.NoError(t, chromedp.Do(tab, chromedp.Navigate(`data:text/html,<img src="http://192.0.2.1/x.png">`)))
		_, err := chromedp.Run(tab, chromedp.Poll[bool](`document.images[0].complete`, chromedp.WithPollingTimeout(pollTimeout)))
		require.NoError(t, err)
		seen, _, blocked, err := l.snapshot()
		require.NoError(t, err)
		require.Contains(t, seen, "http://192.0.2.1/x.png")
		require.Equal(t, []string{"http://192.0.2.1/x.png"}, blocked)
	})
}

// clickTo clicks sel and checks that the page then shows the drill section
// id, scrolled into view, with want rows.
func clickTo(t *testing.T, ctx context.Context, sel, id string, want int) {
	t.Helper()
	click(t, ctx, sel)
	got, err := chromedp.Run(ctx, chromedp.Poll[targetState](
		fmt.Sprintf(`location.hash === "#%s" && (%s)`, id, readTarget), chromedp.WithPollingTimeout(pollTimeout)))
	require.NoError(t, err, "after clicking %s the page does not show #%s", sel, id)
	require.Equal(t, id, got.Target, "click %s", sel)
	require.True(t, got.Visible, "click %s: %s not visible", sel, id)
	require.GreaterOrEqual(t, got.Top, -1.0, "click %s: %s scrolled past", sel, id)
	require.Less(t, got.Top, got.Height, "click %s: %s not scrolled into view", sel, id)
	require.Equal(t, want, got.Rows, "click %s: rows in %s", sel, id)
}

// click scrolls the first element matching the CSS selector sel to the
// middle of the viewport and clicks its centre with the mouse, as a person
// would. It fails when something else (a sticky table header, say) covers
// that spot. chromedp.Click scrolls only "if needed", which can leave a row
// under its table's sticky header.
func click(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	type spot struct {
		X, Y    float64
		Found   bool
		Covered string // what the mouse would hit instead
	}
	p, err := chromedp.Run(ctx, chromedp.Evaluate[spot](fmt.Sprintf(`(() => {
		const e = document.querySelector(%q);
		if (!e) return {Found: false};
		e.scrollIntoView({block: "center", inline: "center"});
		// A link whose label wraps has a line box per line: the centre of
		// its bounding box can fall between them, so aim at the first.
		const r = e.getClientRects()[0] || e.getBoundingClientRect();
		const x = r.left + r.width / 2, y = r.top + r.height / 2;
		const hit = document.elementFromPoint(x, y);
		return {X: x, Y: y, Found: true, Covered: hit && e.contains(hit) ? "" : (hit ? hit.outerHTML.slice(0, 80) : "nothing")};
	})()`, sel)))
	require.NoError(t, err, "finding %s", sel)
	require.True(t, p.Found, "no %s in the page", sel)
	require.Empty(t, p.Covered, "%s is covered", sel)
	require.NoError(t, chromedp.Do(ctx, chromedp.MouseClickXY(p.X, p.Y)), "clicking %s", sel)
}

// conversationCount is how the page counts conversations: "1
// conversation", "1,234 conversations".
func conversationCount(n int64) string {
	if n == 1 {
		return "1 conversation"
	}
	return render.FormatCount(n) + " conversations"
}
