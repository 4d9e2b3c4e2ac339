package sample

import (
	"cmp"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the zones of the tests, and sample data built in Paris time, on any machine

	"github.com/convreport/convreport"
)

func TestSameSeedSameRows(t *testing.T) {
	cfg := Config{Seed: 42, N: 5_000}
	if a, b := Generate(cfg), Generate(cfg); !reflect.DeepEqual(a, b) {
		t.Fatalf("two runs of the same config differ at %s", firstDiff(a, b))
	}
}

func TestDifferentSeedDifferentRows(t *testing.T) {
	a := Generate(Config{Seed: 1, N: 2_000})
	b := Generate(Config{Seed: 2, N: 2_000})
	differ := 0
	for i := range a {
		if a[i].CreatedAt != b[i].CreatedAt || a[i].Assignee != b[i].Assignee {
			differ++
		}
	}
	if differ < len(a)/2 {
		t.Fatalf("seeds 1 and 2 differ in %d of %d rows, want most", differ, len(a))
	}
}

func TestAllYieldsWhatGenerateReturns(t *testing.T) {
	cfg := Config{Seed: 9, N: 3_000}
	want := Generate(cfg)
	seq := All(cfg)
	for _, pass := range []string{"first range", "second range starts over"} {
		if got := slices.Collect(seq); !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: All differs from Generate at %s", pass, firstDiff(got, want))
		}
	}
	var head []convreport.Conversation
	for c := range seq {
		head = append(head, c)
		if len(head) == 10 {
			break
		}
	}
	if !reflect.DeepEqual(head, want[:10]) {
		t.Fatalf("stopping early: got %s", firstDiff(head, want[:10]))
	}
}

func TestEveryRowIsValidSortedAndInRange(t *testing.T) {
	paris := mustZone(t, "Europe/Paris")
	tests := []struct {
		name     string
		cfg      Config
		from, to time.Time // the range the rows must fall in
		n        int
	}{
		{
			name: "zero config: 50,000 rows in the 90 days before June 2025",
			from: time.Date(2025, 3, 3, 0, 0, 0, 0, time.UTC),
			to:   time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC),
			n:    50_000,
		},
		{
			name: "explicit range across a DST change",
			cfg: Config{Seed: 3, N: 20_000, Zone: paris,
				From: time.Date(2024, 10, 1, 0, 0, 0, 0, paris), To: time.Date(2024, 11, 15, 0, 0, 0, 0, paris)},
			from: time.Date(2024, 10, 1, 0, 0, 0, 0, paris),
			to:   time.Date(2024, 11, 15, 0, 0, 0, 0, paris),
			n:    20_000,
		},
		{
			name: "only From: the 90 days after it",
			cfg:  Config{N: 1_000, From: time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)},
			from: time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC),
			to:   time.Date(2023, 4, 1, 0, 0, 0, 0, time.UTC),
			n:    1_000,
		},
		{
			name: "only To: the 90 days before it",
			cfg:  Config{N: 1_000, To: time.Date(2023, 4, 1, 0, 0, 0, 0, time.UTC)},
			from: time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC),
			to:   time.Date(2023, 4, 1, 0, 0, 0, 0, time.UTC),
			n:    1_000,
		},
		{
			name: "sub-second bounds: whole seconds inside them",
			cfg: Config{N: 500, From: time.Date(2025, 1, 6, 9, 0, 0, 500_000_000, time.UTC),
				To: time.Date(2025, 1, 6, 9, 0, 3, 250_000_000, time.UTC)},
			from: time.Date(2025, 1, 6, 9, 0, 1, 0, time.UTC),
			to:   time.Date(2025, 1, 6, 9, 0, 3, 250_000_000, time.UTC),
			n:    500,
		},
		{
			name: "one hour on a Sunday night",
			cfg:  Config{N: 300, From: time.Date(2025, 1, 5, 2, 0, 0, 0, time.UTC), To: time.Date(2025, 1, 5, 3, 0, 0, 0, time.UTC)},
			from: time.Date(2025, 1, 5, 2, 0, 0, 0, time.UTC),
			to:   time.Date(2025, 1, 5, 3, 0, 0, 0, time.UTC),
			n:    300,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Generate(tt.cfg)
			if len(got) != tt.n {
				t.Fatalf("got %d rows, want %d", len(got), tt.n)
			}
			ids := make(map[string]bool, len(got))
			for i := range got {
				c := &got[i]
				if err := c.Validate(); err != nil {
					t.Fatal(err)
				}
				if want := fmt.Sprintf("c-%07d", i+1); c.ID != want {
					t.Fatalf("row %d: ID %q, want %q", i, c.ID, want)
				}
				if ids[c.ID] {
					t.Fatalf("duplicate ID %s", c.ID)
				}
				ids[c.ID] = true
				if c.CreatedAt.Before(tt.from) || !c.CreatedAt.Before(tt.to) {
					t.Fatalf("%s created %s, outside [%s, %s)", c.ID, c.CreatedAt, tt.from, tt.to)
				}
				for _, at := range []time.Time{c.CreatedAt, c.FirstAssignedAt, c.FirstResponseAt, c.ClosedAt} {
					if at.Location() != time.UTC || at.Nanosecond() != 0 {
						t.Fatalf("%s: time %s is not a whole second in UTC", c.ID, at.Format(time.RFC3339Nano))
					}
					if at.After(tt.to) {
						t.Fatalf("%s: %s is after To %s: the data is a snapshot at To", c.ID, at, tt.to)
					}
				}
				if i > 0 {
					prev := &got[i-1]
					if cmp.Or(prev.CreatedAt.Compare(c.CreatedAt), strings.Compare(prev.ID, c.ID)) >= 0 {
						t.Fatalf("%s (%s) sorts before %s (%s)", c.ID, c.CreatedAt, prev.ID, prev.CreatedAt)
					}
				}
			}
		})
	}
}

func TestRowsAreConsistent(t *testing.T) {
	for _, c := range Generate(Config{Seed: 5, N: 20_000}) {
		var problems []string
		check := func(ok bool, what string) {
			if !ok {
				problems = append(problems, what)
			}
		}
		check(c.Team != "" && c.Inbox != "" && c.Source != "", "team, inbox and source are set")
		check(strings.HasPrefix(c.ContactID, "contact-"), "ContactID looks like contact-123")
		check((c.Assignee == "") == c.FirstAssignedAt.IsZero(), "an assignee iff an assignment time")
		check((c.Status == convreport.Closed) == (c.ClosedBy != ""), "ClosedBy iff closed")
		check(c.IncomingMessages >= 1, "at least one incoming message")
		if c.FirstResponseAt.IsZero() {
			check(c.OutgoingMessages == 0, "unanswered: no outgoing message")
		} else {
			check(c.OutgoingMessages >= 1, "answered: at least one outgoing message")
		}
		if !c.ClosedAt.IsZero() {
			check(!c.ClosedAt.Before(c.FirstResponseAt), "closed after the first reply")
			check(!c.ClosedAt.Before(c.FirstAssignedAt), "closed after the assignment")
		}
		if d, ok := c.AgentFirstResponseTime(); ok {
			check(d >= 0, "agent response time is not negative")
		}
		switch c.Channel {
		case convreport.Chat:
			check(c.Inbox == "Live chat", "chats land in Live chat")
			check(c.Chatflow != "", "a chat has a chatflow")
			check((c.Source == "mobile_app") == (c.OriginURL == ""), "only in-app chats lack a URL")
		case convreport.Email:
			check(slices.Contains([]string{"Support", "Sales", "Billing", "Partners"}, c.Inbox), "an email inbox")
			check(c.Subject != "", "an email has a subject")
			check(c.OriginURL == "" && c.Chatflow == "", "an email has no URL or chatflow")
		default:
			check(c.OriginURL == "" && c.Chatflow == "", "only chats have a URL or chatflow")
		}
		if problems != nil {
			t.Fatalf("%+v\nbreaks: %s", c, strings.Join(problems, "; "))
		}
	}
}

// TestDistributions checks the shape of the default data set with
// statistics computed here from the rows.
func TestDistributions(t *testing.T) {
	paris := mustZone(t, "Europe/Paris")
	rows := Generate(Config{})
	from := time.Date(2025, 3, 3, 0, 0, 0, 0, time.UTC)
	to := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	inOffice := func(t time.Time) bool {
		l := t.In(paris)
		wd := l.Weekday()
		return wd != time.Saturday && wd != time.Sunday && l.Hour() >= 9 && l.Hour() < 18
	}
	night := func(t time.Time) bool { return t.In(paris).Hour() < 6 }

	// A tally counts rows and how many of them have some property.
	type tally struct{ of, n int }
	add := func(tl *tally, yes bool) {
		tl.of++
		if yes {
			tl.n++
		}
	}
	rate := func(tl tally) float64 { return float64(tl.n) / float64(tl.of) }

	var chat, email, unassigned, open, unansweredAssigned, unansweredUnassigned tally
	var unansweredInOffice, unansweredAfterHours, openRecent, openEarly tally
	var dayRows, nightRows int
	var chatReply, emailReply []time.Duration
	assignees, urls := map[string]bool{}, map[string]bool{}
	for i := range rows {
		c := &rows[i]
		answered := !c.FirstResponseAt.IsZero()
		add(&chat, c.Channel == convreport.Chat)
		add(&email, c.Channel == convreport.Email)
		add(&unassigned, c.Assignee == "")
		add(&open, c.Status == convreport.Open)
		if c.Assignee == "" {
			add(&unansweredUnassigned, !answered)
		} else {
			add(&unansweredAssigned, !answered)
			assignees[c.Assignee] = true
		}
		if inOffice(c.CreatedAt) {
			add(&unansweredInOffice, !answered)
			dayRows++
		} else {
			add(&unansweredAfterHours, !answered)
		}
		if night(c.CreatedAt) {
			nightRows++
		}
		switch {
		case c.CreatedAt.After(to.AddDate(0, 0, -7)):
			add(&openRecent, c.Status == convreport.Open)
		case c.CreatedAt.Before(from.AddDate(0, 0, 30)):
			add(&openEarly, c.Status == convreport.Open)
		}
		d, ok := c.AgentFirstResponseTime()
		switch {
		case c.Channel == convreport.Chat && c.OriginURL != "":
			urls[c.OriginURL] = true
			fallthrough
		case c.Channel == convreport.Chat:
			if ok {
				chatReply = append(chatReply, d)
			}
		case c.Channel == convreport.Email:
			if ok {
				emailReply = append(emailReply, d)
			}
		}
	}

	// Arrivals per hour, weekday office hours against the night: count the
	// hours of each kind in the range.
	var dayHours, nightHours int
	for h := from; h.Before(to); h = h.Add(time.Hour) {
		if mid := h.Add(30 * time.Minute); inOffice(mid) {
			dayHours++
		} else if night(mid) {
			nightHours++
		}
	}
	dayRate := float64(dayRows) / float64(dayHours)
	nightRate := float64(nightRows) / float64(nightHours)
	median := func(d []time.Duration) time.Duration { slices.Sort(d); return d[len(d)/2] }

	tests := []struct {
		name string
		ok   bool
		got  any
	}{
		{"chat is 50–60% of conversations", between(rate(chat), 0.50, 0.60), rate(chat)},
		{"email is 30–40%", between(rate(email), 0.30, 0.40), rate(email)},
		{"3–10% are unassigned", between(rate(unassigned), 0.03, 0.10), rate(unassigned)},
		{"some assigned ones go unanswered", unansweredAssigned.n > 0, unansweredAssigned},
		{"unassigned ones go unanswered far more often",
			rate(unansweredUnassigned) > 3*rate(unansweredAssigned), []float64{rate(unansweredUnassigned), rate(unansweredAssigned)}},
		{"after hours, more go unanswered",
			rate(unansweredAfterHours) > 2*rate(unansweredInOffice), []float64{rate(unansweredAfterHours), rate(unansweredInOffice)}},
		{"some are open, most closed", open.n > 0 && rate(open) < 0.25, rate(open)},
		{"recent ones are open more often", rate(openRecent) > 3*rate(openEarly), []float64{rate(openRecent), rate(openEarly)}},
		{"office hours are much busier than the night", dayRate > 5*nightRate, []float64{dayRate, nightRate}},
		{"at least 15 reps", len(assignees) >= 15, len(assignees)},
		{"at least 20 page URLs among chats", len(urls) >= 20, len(urls)},
		{"chat is answered in minutes", median(chatReply) < 5*time.Minute, median(chatReply)},
		{"email in hours", between(median(emailReply).Hours(), 10.0/60, 24), median(emailReply)},
	}
	for _, tt := range tests {
		if !tt.ok {
			t.Errorf("%s: got %v", tt.name, tt.got)
		}
	}
}

func between(x, lo, hi float64) bool { return x >= lo && x <= hi }

func TestZoneMovesTheOfficeHours(t *testing.T) {
	for _, loc := range []*time.Location{mustZone(t, "America/New_York"), mustZone(t, "Asia/Tokyo"), time.UTC} {
		t.Run(loc.String(), func(t *testing.T) {
			var byHour [24]int
			for c := range All(Config{N: 20_000, Zone: loc}) {
				byHour[c.CreatedAt.In(loc).Hour()]++
			}
			if peak, trough := byHour[11]+byHour[14], byHour[2]+byHour[3]; peak < 8*trough {
				t.Fatalf("arrivals by local hour %v: 11:00 and 14:00 not much busier than 02:00 and 03:00", byHour)
			}
		})
	}
}

func TestIDsWidenForManyRows(t *testing.T) {
	for _, tt := range []struct{ n, digits int }{{1, 7}, {9_999_999, 7}, {10_000_000, 8}, {123_456_789, 9}} {
		if got := newPlan(Config{N: tt.n}).idLen; got != tt.digits {
			t.Errorf("N=%d: IDs have %d digits, want %d", tt.n, got, tt.digits)
		}
	}
	if got := string(appendPadded([]byte("c-"), 42, 8)); got != "c-00000042" {
		t.Errorf("appendPadded: got %q", got)
	}
}

func TestBadConfigPanics(t *testing.T) {
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		cfg  Config
	}{
		{"negative N", Config{N: -1}},
		{"To before From", Config{From: at, To: at.Add(-time.Hour)}},
		{"empty range", Config{From: at, To: at}},
		{"no whole second in the range", Config{From: at.Add(100 * time.Millisecond), To: at.Add(900 * time.Millisecond)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mustPanic(t, "Generate", func() { Generate(tt.cfg) })
			mustPanic(t, "All, when called rather than when ranged over", func() { All(tt.cfg) })
		})
	}
}

func mustPanic(t *testing.T, what string, f func()) {
	t.Helper()
	defer func() {
		if recover() == nil {
			t.Errorf("%s did not panic", what)
		}
	}()
	f()
}

func TestAllAllocatesOneStringPerRow(t *testing.T) {
	const n = 10_000
	seq := All(Config{N: n})
	allocs := testing.AllocsPerRun(3, func() {
		for c := range seq {
			_ = c
		}
	})
	if allocs > n+20 {
		t.Fatalf("%.0f allocations for %d rows, want about one per row", allocs, n)
	}
}

func BenchmarkAll(b *testing.B) {
	seq := All(Config{N: 100_000})
	b.ReportAllocs()
	for b.Loop() {
		for c := range seq {
			_ = c
		}
	}
}

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err) // time/tzdata is linked in: every zone loads
	}
	return loc
}

// firstDiff describes where two row slices first differ.
func firstDiff(a, b []convreport.Conversation) string {
	for i := range min(len(a), len(b)) {
		if !reflect.DeepEqual(a[i], b[i]) {
			return fmt.Sprintf("row %d:\n%+v\n%+v", i, a[i], b[i])
		}
	}
	return fmt.Sprintf("lengths %d and %d", len(a), len(b))
}
