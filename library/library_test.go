package library_test

import (
	"cmp"
	"context"
	"errors"
	"math/big"
	"slices"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // Europe/Paris without relying on the machine's zone files

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/library"
	"github.com/convreport/convreport/memory"
	"github.com/convreport/convreport/plan"
	"github.com/convreport/convreport/sample"
	"github.com/stretchr/testify/require"
)

// TestTemplateShapes pins what each template is made of: the DESIGN's six
// reports in its order, each built from editor parts.
func TestTemplateShapes(t *testing.T) {
	type shape struct {
		id, name    string
		dims        []string
		measure     convreport.Measure
		dateProp    string
		bucket      convreport.Bucket
		snapshot    bool
		chart       convreport.ChartType
		filterWords string
	}
	avg := func(m convreport.Metric) convreport.Measure {
		return convreport.Measure{Agg: convreport.Average, Metric: m}
	}
	rep := []string{"Assignee"}
	want := map[string][]shape{
		"chat-overview": {
			{"conversations-by-rep", "Conversations by rep", rep, convreport.Measure{}, "", "", false, convreport.BarChart, "chat"},
			{"chat-conversations-by-page-url", "Chat conversations by page URL", []string{"OriginURL"}, convreport.Measure{}, "", "", false, convreport.TableChart, "chat"},
			{"average-chat-first-response-time-by-rep", "Average chat first response time by rep", rep, avg(convreport.FirstResponseTime), "", "", false, convreport.BarChart, "chat"},
			{"average-chat-time-to-close-by-rep", "Average chat time to close by rep", rep, avg(convreport.TimeToClose), "ClosedAt", "", false, convreport.BarChart, "chat"},
			{"closed-conversations-by-rep", "Closed conversations by rep", rep, convreport.Measure{}, "ClosedAt", "", false, convreport.ColumnChart, "chat"},
			{"chat-conversations-over-time", "Chat conversations over time", nil, convreport.Measure{}, "", convreport.Day, false, convreport.LineChart, "chat"},
		},
		"email-overview": {
			{"email-volume-by-owner", "Email volume by owner", rep, convreport.Measure{}, "", "", false, convreport.BarChart, "email"},
			{"email-response-time-by-owner", "Email response time by owner", rep, avg(convreport.FirstResponseTime), "", "", false, convreport.BarChart, "email"},
			{"closed-emails-by-owner", "Closed emails by owner", rep, convreport.Measure{}, "ClosedAt", "", false, convreport.ColumnChart, "email"},
			{"email-time-to-close-by-owner", "Email time to close by owner", rep, avg(convreport.TimeToClose), "ClosedAt", "", false, convreport.BarChart, "email"},
			{"email-volume-over-time", "Email volume over time", nil, convreport.Measure{}, "", convreport.Day, false, convreport.LineChart, "email"},
			{"open-emails-by-inbox", "Open emails by inbox", []string{"Inbox"}, convreport.Measure{}, "", "", true, convreport.DonutChart, "email"},
		},
	}
	s := convreport.DefaultSchema()
	templates := library.All()
	require.Len(t, templates, 4)
	for _, tpl := range templates[:2] { // the others: more_test.go
		t.Run(tpl.ID, func(t *testing.T) {
			require.NotEmpty(t, tpl.Name)
			require.NotEmpty(t, tpl.FrenchName)
			require.NotEmpty(t, tpl.Description)
			require.NotEmpty(t, tpl.Keywords)
			shapes := want[tpl.ID]
			require.Len(t, tpl.Reports, len(shapes))
			for i, w := range shapes {
				r := tpl.Reports[i]
				require.Equal(t, w.id, r.ID)
				require.Equal(t, w.name, r.Name)
				require.Equal(t, w.dims, r.Dimensions)
				require.Equal(t, w.measure, r.Measure)
				require.Equal(t, w.dateProp, r.DateProperty)
				require.Equal(t, w.bucket, r.Bucket)
				require.Equal(t, w.snapshot, r.Snapshot)
				require.Equal(t, w.chart, r.Chart.Type)
				require.Equal(t, `Channel == "`+w.filterWords+`"`, r.Filter)
				require.Empty(t, r.Conditions)
				require.Zero(t, r.Limit, "templates set no top-N limit")
				require.NotEmpty(t, r.Description)
				require.NotEmpty(t, r.Properties)
				for _, p := range r.Properties {
					_, ok := s.Lookup(p)
					require.True(t, ok, "display property %q", p)
				}
			}
		})
	}
}

func TestAllReturnsCopies(t *testing.T) {
	a := library.All()
	a[0].Reports[0].Dimensions[0] = "Team"
	a[0].Keywords[0] = "x"
	a[1].Reports = nil
	require.Equal(t, []string{"Assignee"}, library.ChatOverview().Reports[0].Dimensions)
	require.Equal(t, library.ChatOverview(), library.All()[0])
	require.Len(t, library.All()[1].Reports, 6)
}

func TestLookup(t *testing.T) {
	chat, ok := library.Lookup("chat-overview")
	require.True(t, ok)
	require.Equal(t, "Chat overview", chat.Name)
	email, ok := library.Lookup("email-overview")
	require.True(t, ok)
	require.Equal(t, "Email overview", email.Name)
	_, ok = library.Lookup("Chat overview")
	require.False(t, ok)
}

func TestSearch(t *testing.T) {
	cases := []struct {
		query string
		want  []string
	}{
		{"", []string{"chat-overview", "email-overview", "chatflow-performance", "sla"}},
		{"   ", []string{"chat-overview", "email-overview", "chatflow-performance", "sla"}},
		{"chat", []string{"chat-overview", "chatflow-performance"}},
		{"CHAT OVERVIEW", []string{"chat-overview"}},
		{"  overview ", []string{"chat-overview", "email-overview"}},
		{"email", []string{"email-overview"}},
		{"E-mail", []string{"email-overview"}},
		{"e-mails", []string{"email-overview"}},
		{"Vue d'ensemble du chat", []string{"chat-overview"}},
		{"vue d’ensemble du CHAT", []string{"chat-overview"}},
		{"Vue d'ensemble des e-mails", []string{"email-overview"}},
		{"vue d'ensemble des emails", []string{"email-overview"}},
		{"VUE D ENSEMBLE", []string{"chat-overview", "email-overview"}},
		{"ensemble", []string{"chat-overview", "email-overview"}},
		{"courriel", []string{"email-overview"}},
		{"boîte de réception", []string{"email-overview"}},
		{"BOITE DE RECEPTION", []string{"email-overview"}},
		{"représentant", []string{"chat-overview"}},
		{"representant", []string{"chat-overview"}},
		{"inbox", []string{"email-overview"}},
		{"live chat", []string{"chat-overview"}},
		{"page url", []string{"chat-overview"}},
		{"response time", []string{"chat-overview", "email-overview", "sla"}},
		{"délai de clôture", []string{"chat-overview", "email-overview", "sla"}},
		{"chat-overview", []string{"chat-overview"}},
		{"chat email", nil},
		{"pricing", nil},
		{"d'", []string{"chat-overview", "email-overview", "chatflow-performance", "sla"}},
		{"chatflow", []string{"chatflow-performance"}},
		{"performance des chatflows", []string{"chatflow-performance"}},
		{"temps d'attente", []string{"chatflow-performance"}},
		{"SLA", []string{"sla"}},
		{"niveaux de service", []string{"sla"}},
		{"breaches", []string{"sla"}},
	}
	for _, tc := range cases {
		t.Run(tc.query, func(t *testing.T) {
			var got []string
			for _, tpl := range library.Search(tc.query) {
				got = append(got, tpl.ID)
			}
			require.Equal(t, tc.want, got)
		})
	}
}

func TestNewDashboardErrors(t *testing.T) {
	chat := library.ChatOverview()
	_, err := chat.NewDashboard(convreport.DashboardOptions{Name: "Chat", Owner: "ana"}, "chat-conversations-by-url")
	require.EqualError(t, err, `library: template "chat-overview" has no report "chat-conversations-by-url" (its reports: conversations-by-rep, chat-conversations-by-page-url, average-chat-first-response-time-by-rep, average-chat-time-to-close-by-rep, closed-conversations-by-rep, chat-conversations-over-time)`)

	_, err = chat.NewDashboard(convreport.DashboardOptions{Owner: "ana"})
	var de *convreport.DashboardError
	require.True(t, errors.As(err, &de))
	require.Equal(t, "name", de.Field)
	_, err = chat.NewDashboard(convreport.DashboardOptions{Name: "chat.example.com", Owner: "ana"})
	require.True(t, errors.As(err, &de))

	_, err = chat.NewDashboard(convreport.DashboardOptions{Name: "Chat", Owner: "ana", Reports: []convreport.Report{{Name: "x"}}})
	require.ErrorContains(t, err, "the template supplies the reports")

	_, err = chat.NewDashboard(convreport.DashboardOptions{Name: "Chat", Owner: "ana", Plan: plan.Plan{Name: "mini", ReportsPerDashboard: 4}}, "conversations-by-rep")
	var pe *plan.Error
	require.True(t, errors.As(err, &pe))
	require.Equal(t, plan.Error{Plan: "mini", Limit: plan.ReportsPerDashboard, Max: 4}, *pe)
}

// TestNewDashboard needs the filter compiler (internal/filter): a dashboard
// checks its reports, and every template report filters on Channel.
func TestNewDashboard(t *testing.T) {
	chat := library.ChatOverview()
	d, err := chat.NewDashboard(convreport.DashboardOptions{
		Name: "Chat team", Owner: "ana", Visibility: access.EveryoneCanView, Plan: plan.Free,
	}, "chat-conversations-by-page-url", "closed-conversations-by-rep")
	require.NoError(t, err)
	require.Equal(t, "Chat team", d.Name)
	require.Equal(t, access.EveryoneCanView, d.Visibility)
	want := slices.Clone(chat.Reports)
	want = slices.Delete(want, 4, 5)
	want = slices.Delete(want, 1, 2)
	require.Equal(t, want, d.Reports, "the template's reports, in order, with their IDs")

	all, err := library.EmailOverview().NewDashboard(convreport.DashboardOptions{Name: "Email", Owner: "ana"})
	require.NoError(t, err)
	require.Equal(t, library.EmailOverview().Reports, all.Reports)
}

// pt is a point as the tests compare it.
type pt struct {
	Label    string // the dimension's label, or the bucket's date
	Value    string
	Count    int64
	Excluded int64
}

type summary struct {
	Points            []pt
	Matched, Excluded int64
}

func summarize(r convreport.Result) summary {
	s := summary{Matched: r.Matched, Excluded: r.Excluded}
	for _, p := range r.Points {
		x := pt{Count: p.Count, Excluded: p.Excluded}
		if len(p.Dimensions) > 0 {
			x.Label = p.Dimensions[0].Label()
		} else {
			x.Label = p.Bucket.In(r.Zone).Format("2006-01-02")
		}
		if p.Value.Valid {
			x.Value = p.Value.Decimal.String()
		}
		s.Points = append(s.Points, x)
	}
	return s
}

// The reference: plain loops over the conversations, exact integer
// arithmetic, no code shared with the engine.

const noValue = "(no value)"

// group is one group of a grouped report.
type group struct {
	label    string
	count    int64    // conversations in the measure
	excluded int64    // conversations the measure does not apply to
	sumNs    *big.Int // sum of the durations, for averages
}

// refGrouped groups the conversations keep selects by key ("" is the
// group with no value) and measures each group: a count when dur is nil,
// else the average of dur over those it applies to.
func refGrouped(cs []convreport.Conversation, keep func(*convreport.Conversation) bool, key func(*convreport.Conversation) string,
	dur func(*convreport.Conversation) (time.Duration, bool)) summary {
	groups := map[string]*group{}
	var out summary
	for i := range cs {
		c := &cs[i]
		if !keep(c) {
			continue
		}
		out.Matched++
		k := key(c)
		g := groups[k]
		if g == nil {
			g = &group{label: k, sumNs: new(big.Int)}
			if k == "" {
				g.label = noValue
			}
			groups[k] = g
		}
		if dur == nil {
			g.count++
			continue
		}
		d, ok := dur(c)
		if !ok {
			g.excluded++
			out.Excluded++
			continue
		}
		g.count++
		g.sumNs.Add(g.sumNs, big.NewInt(int64(d)))
	}
	type row struct {
		pt
		known bool
		num   *big.Int // the value in its unit: conversations, or milliseconds
	}
	var rows []row
	for k, g := range groups {
		if g.count == 0 {
			continue // no point for a group with nothing in its measure
		}
		r := row{pt: pt{Label: g.label, Count: g.count, Excluded: g.excluded}, known: k != ""}
		if dur == nil {
			r.num = big.NewInt(g.count)
			r.Value = r.num.String()
		} else {
			r.num = roundHalfAway(g.sumNs, new(big.Int).Mul(big.NewInt(g.count), big.NewInt(1e6)))
			r.Value = millis(r.num)
		}
		rows = append(rows, r)
	}
	// Value descending, then label, the group with no value after the
	// named ones.
	slices.SortFunc(rows, func(a, b row) int {
		if c := b.num.Cmp(a.num); c != 0 {
			return c
		}
		if a.known != b.known {
			if a.known {
				return -1
			}
			return 1
		}
		return cmp.Compare(a.Label, b.Label)
	})
	for _, r := range rows {
		out.Points = append(out.Points, r.pt)
	}
	return out
}

// refDaily counts the conversations keep selects per local day of
// CreatedAt, every day of [from, to) present.
func refDaily(cs []convreport.Conversation, keep func(*convreport.Conversation) bool, from, to time.Time, loc *time.Location) summary {
	var out summary
	index := map[string]int{}
	for d := from.In(loc); d.Before(to); d = time.Date(d.Year(), d.Month(), d.Day()+1, 0, 0, 0, 0, loc) {
		index[d.Format("2006-01-02")] = len(out.Points)
		out.Points = append(out.Points, pt{Label: d.Format("2006-01-02")})
	}
	for i := range cs {
		c := &cs[i]
		if !keep(c) {
			continue
		}
		j, ok := index[c.CreatedAt.In(loc).Format("2006-01-02")]
		if !ok {
			panic("reference: a kept conversation outside the days of the range")
		}
		out.Points[j].Count++
		out.Matched++
	}
	for i := range out.Points {
		out.Points[i].Value = big.NewInt(out.Points[i].Count).String()
	}
	return out
}

// roundHalfAway returns num/den rounded half away from zero.
func roundHalfAway(num, den *big.Int) *big.Int {
	r := new(big.Rat).SetFrac(num, den)
	neg := r.Sign() < 0
	r.Abs(r)
	r.Add(r, big.NewRat(1, 2))
	q := new(big.Int).Quo(r.Num(), r.Denom()) // floor of |x| + 1/2
	if neg {
		q.Neg(q)
	}
	return q
}

// millis writes a number of milliseconds as decimal seconds, without
// trailing zeros: 312500 → "312.5", 75000 → "75", 502 → "0.502".
func millis(ms *big.Int) string {
	neg := ms.Sign() < 0
	s := new(big.Int).Abs(ms).String()
	for len(s) < 4 {
		s = "0" + s
	}
	whole, frac := s[:len(s)-3], strings.TrimRight(s[len(s)-3:], "0")
	out := whole
	if frac != "" {
		out += "." + frac
	}
	if neg {
		out = "-" + out
	}
	return out
}

func TestReferenceHelpers(t *testing.T) {
	for _, tc := range []struct {
		num, den int64
		want     string
	}{
		{312_500_000_000, 1e6, "312500"}, {1_500_000, 1e6 * 2, "1"}, {1_500_000, 1e6, "2"}, {2_499_999, 1e6, "2"},
		{-1_500_000, 1e6, "-2"}, {1, 3, "0"}, {2, 3, "1"},
	} {
		require.Equal(t, tc.want, roundHalfAway(big.NewInt(tc.num), big.NewInt(tc.den)).String(), "%d/%d", tc.num, tc.den)
	}
	for ms, want := range map[int64]string{312500: "312.5", 75000: "75", 502: "0.502", 0: "0", 7: "0.007", 1010: "1.01", -1500: "-1.5"} {
		require.Equal(t, want, millis(big.NewInt(ms)))
	}
}

// TestTemplatesMatchReference runs both templates on generated data and
// compares every report with the reference loops. It needs the filter
// compiler (internal/filter): every template report filters on Channel.
func TestTemplatesMatchReference(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	require.NoError(t, err)
	// Two weeks across the change to summer time (a 23-hour day), with Now
	// inside the range so that the open-emails snapshot differs from "open
	// at the end of the data".
	from := time.Date(2025, 3, 24, 0, 0, 0, 0, paris)
	to := time.Date(2025, 4, 7, 0, 0, 0, 0, paris)
	now := time.Date(2025, 4, 2, 15, 30, 0, 0, paris)
	cs := sample.Generate(sample.Config{Seed: 11, N: 8000})
	src, err := memory.New(cs)
	require.NoError(t, err)
	eng := convreport.NewEngine(src)
	q := convreport.Query{From: from, To: to, Zone: paris, Now: now, Viewer: access.Viewer{UserID: "ana"}}

	type C = *convreport.Conversation
	created := func(c C) bool { return !c.CreatedAt.Before(from) && c.CreatedAt.Before(to) }
	closed := func(c C) bool { return !c.ClosedAt.IsZero() && !c.ClosedAt.Before(from) && c.ClosedAt.Before(to) }
	openAtNow := func(c C) bool {
		return !c.CreatedAt.After(now) && !(!c.ClosedAt.IsZero() && !c.ClosedAt.After(now))
	}
	isChat := func(c C) bool { return c.Channel == convreport.Chat }
	isEmail := func(c C) bool { return c.Channel == convreport.Email }
	and := func(fs ...func(C) bool) func(C) bool {
		return func(c C) bool {
			for _, f := range fs {
				if !f(c) {
					return false
				}
			}
			return true
		}
	}
	assignee := func(c C) string { return c.Assignee }
	frt := func(c C) (time.Duration, bool) {
		if c.FirstResponseAt.IsZero() {
			return 0, false
		}
		start := c.CreatedAt
		if !c.FirstAssignedAt.IsZero() && c.FirstAssignedAt.Before(c.FirstResponseAt) {
			start = c.FirstAssignedAt
		}
		return c.FirstResponseAt.Sub(start), true
	}
	ttc := func(c C) (time.Duration, bool) {
		if c.ClosedAt.IsZero() {
			return 0, false
		}
		return c.ClosedAt.Sub(c.CreatedAt), true
	}
	want := map[string]summary{
		"conversations-by-rep":                    refGrouped(cs, and(isChat, created), assignee, nil),
		"chat-conversations-by-page-url":          refGrouped(cs, and(isChat, created), func(c C) string { return c.OriginURL }, nil),
		"average-chat-first-response-time-by-rep": refGrouped(cs, and(isChat, created), assignee, frt),
		"average-chat-time-to-close-by-rep":       refGrouped(cs, and(isChat, closed), assignee, ttc),
		"closed-conversations-by-rep":             refGrouped(cs, and(isChat, closed), assignee, nil),
		"chat-conversations-over-time":            refDaily(cs, and(isChat, created), from, to, paris),
		"email-volume-by-owner":                   refGrouped(cs, and(isEmail, created), assignee, nil),
		"email-response-time-by-owner":            refGrouped(cs, and(isEmail, created), assignee, frt),
		"closed-emails-by-owner":                  refGrouped(cs, and(isEmail, closed), assignee, nil),
		"email-time-to-close-by-owner":            refGrouped(cs, and(isEmail, closed), assignee, ttc),
		"email-volume-over-time":                  refDaily(cs, and(isEmail, created), from, to, paris),
		"open-emails-by-inbox":                    refGrouped(cs, and(isEmail, openAtNow), func(c C) string { return c.Inbox }, nil),
	}

	// The data must exercise what the reports are about.
	require.Len(t, want["chat-conversations-over-time"].Points, 14)
	require.Greater(t, want["conversations-by-rep"].Matched, int64(300))
	require.Contains(t, want["conversations-by-rep"].Points, pt{Label: noValue, Value: big.NewInt(countOf(want["conversations-by-rep"], noValue)).String(), Count: countOf(want["conversations-by-rep"], noValue)})
	require.NotZero(t, countOf(want["chat-conversations-by-page-url"], noValue), "in-app chats have no page")
	require.NotZero(t, want["average-chat-first-response-time-by-rep"].Excluded, "some chats are unanswered")
	require.NotZero(t, want["email-response-time-by-owner"].Excluded, "some emails are unanswered")
	require.GreaterOrEqual(t, len(want["open-emails-by-inbox"].Points), 3)

	for _, tpl := range []library.Template{library.ChatOverview(), library.EmailOverview()} {
		d, err := tpl.NewDashboard(convreport.DashboardOptions{Name: tpl.Name, Owner: "ana"})
		require.NoError(t, err)
		res, err := eng.RunDashboard(context.Background(), q, d)
		require.NoError(t, err)
		require.Len(t, res, len(d.Reports))
		for i, r := range res {
			id := d.Reports[i].ID
			t.Run(id, func(t *testing.T) {
				w, ok := want[id]
				require.True(t, ok, "no reference for %s", id)
				require.Equal(t, id, r.Report.ID)
				require.Equal(t, w, summarize(r))
			})
		}
	}
}

func countOf(s summary, label string) int64 {
	for _, p := range s.Points {
		if p.Label == label {
			return p.Count
		}
	}
	return 0
}

func TestTemplateReportJoinsAnExistingDashboard(t *testing.T) {
	email, _ := library.Lookup("email-overview")
	r, err := email.Report("open-emails-by-inbox")
	require.NoError(t, err)
	require.Equal(t, email.Reports[5], r)
	r.Dimensions[0] = "Team"
	require.Equal(t, "Inbox", library.EmailOverview().Reports[5].Dimensions[0], "a copy")

	chat, _ := library.Lookup("chat-overview")
	d, err := chat.NewDashboard(convreport.DashboardOptions{Name: "Chat", Owner: "ana"})
	require.NoError(t, err)
	r, _ = email.Report("open-emails-by-inbox")
	d, err = d.AddReport(nil, plan.Plan{}, r)
	require.NoError(t, err)
	require.Equal(t, "open-emails-by-inbox", d.Reports[6].ID, "it keeps its ID")
	_, err = d.AddReport(nil, plan.Plan{Name: "free", ReportsPerDashboard: 7}, r)
	var ple *plan.Error
	require.ErrorAs(t, err, &ple)

	_, err = email.Report("nope")
	require.EqualError(t, err, `library: template "email-overview" has no report "nope" (its reports: email-volume-by-owner, email-response-time-by-owner, closed-emails-by-owner, email-time-to-close-by-owner, email-volume-over-time, open-emails-by-inbox)`)
}
