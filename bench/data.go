package bench

import (
	"fmt"
	"slices"
	"time"
	_ "time/tzdata" // Europe/Paris even where the system has no zone data

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/calendar"
	"github.com/convreport/convreport/library"
	"github.com/convreport/convreport/sample"
)

// The data sets: SampleConfig(n, seed) spans the 90 days before DataEnd;
// the window is the 30 complete days before DataEnd in Europe/Paris, about
// a third of the rows.
var (
	DataEnd  = time.Date(2025, time.June, 1, 0, 0, 0, 0, time.UTC)
	DataSpan = 90 * 24 * time.Hour
)

// Paris is the query's zone.
func Paris() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		panic(err) // time/tzdata is linked in
	}
	return loc
}

// SampleConfig is the data set of n rows for a seed: 90 days of
// conversations ending at DataEnd, for a business in Europe/Paris.
func SampleConfig(n int, seed uint64) sample.Config {
	return sample.Config{Seed: seed, N: n, From: DataEnd.Add(-DataSpan), To: DataEnd, Zone: Paris()}
}

// Data is one data set with the query every way of computing runs.
type Data struct {
	Sample  sample.Config
	Convs   []convreport.Conversation
	Window  *Window
	Reports []convreport.Report
}

// NewData generates cfg's conversations; the query is the last 30 days in
// cfg.Zone (Europe/Paris when nil) at the end of the data (cfg.To).
func NewData(cfg sample.Config) (*Data, error) {
	zone := cfg.Zone
	if zone == nil {
		zone = Paris()
	}
	now := cfg.To
	if now.IsZero() {
		now = DataEnd
	}
	w, err := NewWindow(now, zone)
	if err != nil {
		return nil, err
	}
	rs := Reports()
	if err := CheckReports(rs); err != nil {
		return nil, err
	}
	return &Data{Sample: cfg, Convs: sample.Generate(cfg), Window: w, Reports: rs}, nil
}

// Reports returns the twelve reports: Chat overview's six, then Email
// overview's six.
func Reports() []convreport.Report {
	return slices.Concat(library.ChatOverview().Reports, library.EmailOverview().Reports)
}

// The reports every baseline computes, in order: what each one assumes of
// the library's definition.
var reportSpecs = [12]struct {
	id, channel, dim, date string
	metric                 convreport.Metric
	bucket                 convreport.Bucket
	snapshot               bool
}{
	{"conversations-by-rep", "chat", "Assignee", "", "", "", false},
	{"chat-conversations-by-page-url", "chat", "OriginURL", "", "", "", false},
	{"average-chat-first-response-time-by-rep", "chat", "Assignee", "", convreport.FirstResponseTime, "", false},
	{"average-chat-time-to-close-by-rep", "chat", "Assignee", "ClosedAt", convreport.TimeToClose, "", false},
	{"closed-conversations-by-rep", "chat", "Assignee", "ClosedAt", "", "", false},
	{"chat-conversations-over-time", "chat", "", "", "", convreport.Day, false},
	{"email-volume-by-owner", "email", "Assignee", "", "", "", false},
	{"email-response-time-by-owner", "email", "Assignee", "", convreport.FirstResponseTime, "", false},
	{"closed-emails-by-owner", "email", "Assignee", "ClosedAt", "", "", false},
	{"email-time-to-close-by-owner", "email", "Assignee", "ClosedAt", convreport.TimeToClose, "", false},
	{"email-volume-over-time", "email", "", "", "", convreport.Day, false},
	{"open-emails-by-inbox", "email", "Inbox", "", "", "", true},
}

// CheckReports checks that rs are the twelve reports the baselines
// hand-code, defined as they assume; a change in the library must be
// followed here.
func CheckReports(rs []convreport.Report) error {
	if len(rs) != len(reportSpecs) {
		return fmt.Errorf("bench: %d reports in the overview dashboards, the baselines compute %d", len(rs), len(reportSpecs))
	}
	for i, r := range rs {
		s := reportSpecs[i]
		var dim string
		if len(r.Dimensions) == 1 {
			dim = r.Dimensions[0]
		}
		wantAgg := convreport.Aggregation("")
		if s.metric != "" {
			wantAgg = convreport.Average
		}
		date := r.DateProperty
		if date == "CreatedAt" {
			date = ""
		}
		ok := r.ID == s.id && r.Filter == fmt.Sprintf("Channel == %q", s.channel) && len(r.Conditions) == 0 &&
			len(r.Dimensions) <= 1 && dim == s.dim && date == s.date && r.Measure.Metric == s.metric &&
			(r.Measure.Agg == wantAgg || (wantAgg == "" && r.Measure.Agg == convreport.Count)) &&
			r.Bucket == s.bucket && r.Snapshot == s.snapshot && r.Limit == 0
		if !ok {
			return fmt.Errorf("bench: report %d %q (%s) is not defined as the baselines assume (%+v): update bench", i, r.Name, r.ID, s)
		}
	}
	return nil
}

// Window is the resolved query: the last 30 complete days before Now in
// Zone, and its day buckets.
type Window struct {
	Now      time.Time
	Zone     *time.Location
	From, To time.Time
	Days     []time.Time // start of each day bucket, in Zone

	from, to, now int64
	starts        []int64
	// uniform: every day of the window lasts 24 hours, so a day's index is
	// (t − from) / 24 h, exactly.
	uniform bool
}

const dayNs = int64(24 * time.Hour)

// NewWindow resolves the last 30 days at now in zone, as the engine does.
func NewWindow(now time.Time, zone *time.Location) (*Window, error) {
	from, to, err := convreport.Last30Days.Resolve(now, zone, calendar.Monday)
	if err != nil {
		return nil, err
	}
	w := &Window{Now: now, Zone: zone, From: from, To: to, from: from.UnixNano(), to: to.UnixNano(), now: now.UnixNano()}
	for d := from; d.Before(to); {
		w.Days = append(w.Days, d)
		w.starts = append(w.starts, d.UnixNano())
		y, m, dd := d.Date()
		d = time.Date(y, m, dd+1, 0, 0, 0, 0, zone)
	}
	w.uniform = (w.to-w.from)%dayNs == 0 && int((w.to-w.from)/dayNs) == len(w.starts)
	for i, s := range w.starts {
		w.uniform = w.uniform && s == w.from+int64(i)*dayNs
	}
	return w, nil
}

// Query is the engine's query for the window.
func (w *Window) Query() convreport.Query {
	return convreport.Query{Range: convreport.Last30Days, Zone: w.Zone, Now: w.Now}
}

// Uniform reports whether every day of the window lasts 24 hours.
func (w *Window) Uniform() bool { return w.uniform }

// day returns the index of the day holding t, from ≤ t < to.
func (w *Window) day(t int64) int {
	if w.uniform {
		return int((t - w.from) / dayNs)
	}
	return w.search(t)
}

func (w *Window) search(t int64) int {
	lo, hi := 0, len(w.starts) // starts[lo] <= t < starts[hi]
	for hi-lo > 1 {
		m := int(uint(lo+hi) >> 1)
		if w.starts[m] <= t {
			lo = m
		} else {
			hi = m
		}
	}
	return lo
}

// DayKey labels day bucket i.
func (w *Window) DayKey(i int) string { return w.Days[i].Format(time.DateOnly) }
