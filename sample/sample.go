package sample

import (
	"fmt"
	"iter"
	"math"
	"math/rand/v2"
	"strconv"
	"sync"
	"time"
	_ "time/tzdata" // the sample zone loads everywhere: same data on every machine

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/internal/prefault"
)

// Config says what to generate. Its zero value is useful: 50,000
// conversations created in the 90 days before 2025-06-01 UTC by a business
// in Paris, from seed 0.
type Config struct {
	// Seed selects the data set: the same Seed and the same other fields
	// give the same conversations.
	Seed uint64
	// N is the number of conversations; zero means 50,000. Negative N
	// panics.
	N int
	// From and To bound the creation times, half-open [From, To). Zero To
	// means 2025-06-01 00:00 UTC, or From plus 90 days when only From is
	// set; zero From means 90 days before To. To is also the moment the
	// data is a snapshot of: nothing happens after it. A range that does
	// not hold a whole second panics. The generator keeps a table of a few
	// bytes per hour of the range.
	From, To time.Time
	// Zone is where the business is: arrivals follow its weekdays and
	// office hours (Monday to Friday, 09:00 to 18:00). Nil means
	// Europe/Paris (a fixed UTC+1 if the system has no time zone data).
	Zone *time.Location
}

const (
	defaultN    = 50_000
	defaultSpan = 90 * 24 * time.Hour
	minute      = 60 // seconds
	hour        = 3600
	day         = 86400
	// marginHours is how far past To the office-hours table reaches, for
	// replies that wait over a long weekend.
	marginHours = 21 * 24
)

var defaultTo = time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)

// paris is the sample's zone. time/tzdata is linked in, so it loads on
// every machine and the data is the same everywhere.
var paris = sync.OnceValue(func() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		panic("sample: Europe/Paris does not load despite time/tzdata: " + err.Error())
	}
	return loc
})

// Stream constants for rand.NewPCG: each random stream has its own, so that
// changing how one attribute is drawn does not move the arrival times.
const (
	streamArrivals = 0x636f6e7672657031 // "convrep1"
	streamRows     = 0x636f6e7672657032 // "convrep2"
	streamDays     = 0x636f6e7672657033 // "convrep3"
)

// Generate returns cfg.N conversations sorted by CreatedAt, then ID. It is
// [All] collected into a slice.
func Generate(cfg Config) []convreport.Conversation {
	p := newPlan(cfg)
	out := make([]convreport.Conversation, p.n)
	prefault.Fresh(out) // a fault a page, or two while the collector runs, otherwise
	g := p.gen()
	for i := range out {
		g.fill(&out[i], i)
	}
	return out
}

// All yields the same conversations as [Generate], in the same order, one at
// a time and in constant memory: each row allocates only its own ID and
// ContactID (one string shared by both); every other string comes from
// fixed tables. The sequence may be ranged over many times. All panics at
// once, not when ranged over, on a Config that [Generate] rejects.
func All(cfg Config) iter.Seq[convreport.Conversation] {
	p := newPlan(cfg)
	return func(yield func(convreport.Conversation) bool) {
		g := p.gen()
		for i := range p.n {
			var c convreport.Conversation
			g.fill(&c, i)
			if !yield(c) {
				return
			}
		}
	}
}

// plan is everything a generation needs that does not change row to row.
// It is read-only once built.
type plan struct {
	seed  uint64
	n     int
	idLen int // digits in an ID, so that IDs sort as their numbers do

	lo, hi int64 // CreatedAt lies in [lo, hi), whole Unix seconds
	now    int64 // the snapshot instant: events after it have not happened
	base   int64 // start of hour segment 0: a local hour boundary ≤ lo

	// Arrival intensity, per hour segment k = [base+k·hour, base+(k+1)·hour)
	// clipped to [lo, hi): rate[k] per second, cum[k] the weight of the
	// segments before k, total the weight of all.
	rate  []float64
	cum   []float64
	total float64

	// Office hours over the segments from base to past hi: nextOpen[k] is
	// the first segment at or after k inside office hours, -1 if none is in
	// the table.
	nextOpen []int32

	contacts float64 // size of the contact pool
}

func newPlan(cfg Config) *plan {
	if cfg.N < 0 {
		panic(fmt.Sprintf("sample: N is %d, want ≥ 0", cfg.N))
	}
	n := cfg.N
	if n == 0 {
		n = defaultN
	}
	from, to := cfg.From, cfg.To
	switch {
	case from.IsZero() && to.IsZero():
		to = defaultTo
		from = to.Add(-defaultSpan)
	case from.IsZero():
		from = to.Add(-defaultSpan)
	case to.IsZero():
		to = from.Add(defaultSpan)
	}
	loc := cfg.Zone
	if loc == nil {
		loc = paris()
	}
	// Whole seconds inside [from, to).
	lo := from.Unix()
	if from.Nanosecond() != 0 {
		lo++
	}
	hi := to.Unix()
	if to.Nanosecond() != 0 {
		hi++
	}
	if hi <= lo {
		panic(fmt.Sprintf("sample: range [%s, %s) holds no whole second", from.Format(time.RFC3339Nano), to.Format(time.RFC3339Nano)))
	}

	p := &plan{seed: cfg.Seed, n: n, lo: lo, hi: hi, now: to.Unix(), contacts: float64(max(200, n*3/5))}
	p.idLen = max(7, len(strconv.Itoa(n)))
	_, off := time.Unix(lo, 0).In(loc).Zone()
	p.base = floorDiv(lo+int64(off), hour)*hour - int64(off)

	segs := int((hi - p.base + hour - 1) / hour)
	p.rate = make([]float64, segs)
	p.cum = make([]float64, segs)
	open := make([]bool, segs+marginHours)
	days := map[int64]float64{}
	for k := range open {
		start := p.base + int64(k)*hour
		mid := time.Unix(start+hour/2, 0).In(loc)
		h, wd := mid.Hour(), mid.Weekday()
		open[k] = wd != time.Saturday && wd != time.Sunday && h >= 9 && h < 18
		if k >= segs {
			continue
		}
		y, m, d := mid.Date()
		date := time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / day
		f, ok := days[date]
		if !ok {
			f = dayFactor(cfg.Seed, date)
			days[date] = f
		}
		progress := float64(start-lo) / float64(hi-lo)
		p.rate[k] = hourWeight[h] * weekdayWeight[wd] * f * (0.9 + 0.2*progress) / hour
		a, b := max(start, lo), min(start+hour, hi)
		p.cum[k] = p.total
		p.total += p.rate[k] * float64(b-a)
	}
	p.nextOpen = make([]int32, len(open))
	next := int32(-1)
	for k := len(open) - 1; k >= 0; k-- {
		if open[k] {
			next = int32(k)
		}
		p.nextOpen[k] = next
	}
	return p
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// dayFactor is the volume of one calendar day relative to a typical one: a
// monthly swell, day-to-day noise and now and then a busy day (a launch, an
// outage). It depends only on the seed and the date, so a day keeps its
// character whatever range it is generated in.
func dayFactor(seed uint64, day int64) float64 {
	r := rand.New(rand.NewPCG(seed^uint64(day)*0x9e3779b97f4a7c15, streamDays))
	f := 1 + 0.1*math.Sin(2*math.Pi*float64(day)/29.5)
	f *= math.Exp(0.12 * r.NormFloat64())
	if r.Float64() < 0.03 {
		f *= 1.6 + 0.6*r.Float64()
	}
	return f
}

// Relative arrival rate by local hour of the day.
var hourWeight = [24]float64{
	0.15, 0.1, 0.08, 0.07, 0.07, 0.1, 0.2, 0.45, 0.9, 1.5, 1.9, 2.0,
	1.6, 1.7, 1.95, 1.9, 1.7, 1.3, 0.9, 0.65, 0.5, 0.4, 0.3, 0.2,
}

// Relative arrival rate by local weekday, Sunday first.
var weekdayWeight = [7]float64{0.25, 1.1, 1.05, 1.0, 1.0, 0.85, 0.3}

// segment returns the hour segment holding Unix second t.
func (p *plan) segment(t int64) int { return int(floorDiv(t-p.base, hour)) }

// inOffice reports whether Unix second t falls in office hours. Past the
// table, every hour counts as open.
func (p *plan) inOffice(t int64) bool {
	k := p.segment(t)
	return k >= len(p.nextOpen) || int(p.nextOpen[k]) == k
}

// opens returns when office hours next begin at or after t (t itself when
// open).
func (p *plan) opens(t int64) int64 {
	k := p.segment(t)
	if k >= len(p.nextOpen) || p.nextOpen[k] < 0 {
		return t
	}
	if j := int(p.nextOpen[k]); j != k {
		return p.base + int64(j)*hour
	}
	return t
}

// gen produces rows one after the other.
type gen struct {
	*plan
	arr *rand.Rand // arrival times
	r   *rand.Rand // everything else
	// rest is 1 − U(i), U(i) the i-th smallest of n uniform variates: the
	// arrival times are drawn already sorted, in constant memory.
	rest float64
	seg  int // the arrival segment of the last row
	buf  []byte
}

func (p *plan) gen() *gen {
	return &gen{
		plan: p,
		arr:  rand.New(rand.NewPCG(p.seed, streamArrivals)),
		r:    rand.New(rand.NewPCG(p.seed, streamRows)),
		rest: 1,
		buf:  make([]byte, 0, 64),
	}
}

// arrival returns the creation time of row i, in Unix seconds, and its
// hour segment. Rows must come in order.
func (g *gen) arrival(i int) (int64, int) {
	// Order statistics of uniforms, ascending: 1−U(i+1) = (1−U(i))·V^(1/(n−i)).
	g.rest *= math.Exp(-g.arr.ExpFloat64() / float64(g.n-i))
	target := (1 - g.rest) * g.total
	for g.seg+1 < len(g.cum) && g.cum[g.seg+1] <= target {
		g.seg++
	}
	start := max(g.base+int64(g.seg)*hour, g.lo)
	t := start + int64((target-g.cum[g.seg])/g.rate[g.seg])
	return min(max(t, g.lo), g.hi-1), g.seg
}

func (g *gen) logNormal(median, sigma float64) float64 {
	return median * math.Exp(sigma*g.r.NormFloat64())
}

// secs rounds a positive duration in seconds up to whole seconds.
func secs(d float64) int64 { return int64(math.Ceil(d)) }

func (g *gen) chance(p float64) bool { return g.r.Float64() < p }

func utc(t int64) time.Time { return time.Unix(t, 0).UTC() }

// fill writes row i into c, overwriting every field.
func (g *gen) fill(c *convreport.Conversation, i int) {
	created, seg := g.arrival(i)
	office := int(g.nextOpen[seg]) == seg
	progress := float64(created-g.lo) / float64(g.hi-g.lo)
	r := g.r

	// What came in, where, for which team.
	var ch *profile
	if office {
		ch = &profiles[channelsInOffice.pick(r)]
	} else {
		ch = &profiles[channelsAfterHours.pick(r)]
	}
	*c = convreport.Conversation{Channel: ch.channel, Status: convreport.Open}
	c.Source = ch.sources[ch.sourceW.pick(r)]
	var team int
	if ch.channel == convreport.Chat {
		c.Inbox = "Live chat"
		flow := inApp
		if c.Source == "website" {
			pg := &pages[pageWeights.pick(r)]
			c.OriginURL, flow = pg.url, pg.flow
		}
		c.Chatflow = chatflows[flow].name
		team = chatflows[flow].teamW.pick(r)
	} else {
		rt := &ch.routes[ch.routeW.pick(r)]
		c.Inbox, team = rt.inbox, rt.team
		if rt.subjects != nil {
			c.Subject = rt.subjects.pick(r, ch.channel == convreport.Email)
		}
	}
	c.Team = teams[team]

	// Who owns it, and how fast they are.
	assignee := -1
	unassigned := ch.unassigned
	if !office {
		unassigned += 0.06
	}
	if !g.chance(unassigned) {
		assignee = pickRep(r, team, progress)
	}
	speed, closing := 1.3, 1.2 // a shared queue nobody owns is slower
	if assignee >= 0 {
		speed, closing = reps[assignee].speed, reps[assignee].closing
	}

	// Timeline, in Unix seconds. Outside office hours work starts when the
	// office opens.
	start := created
	if !office {
		start = g.opens(created) + secs(g.r.Float64()*40*minute)
	}
	assigned := int64(-1)
	if assignee >= 0 {
		assigned = start + secs(g.logNormal(ch.assignMedian, 1.0))
	}
	unanswered := ch.unansweredInOffice
	switch {
	case assignee < 0:
		unanswered = 0.6
	case !office:
		unanswered = ch.unansweredAfterHours
	}
	responded := int64(-1)
	if !g.chance(unanswered) {
		from := start
		if assigned >= 0 {
			from = assigned
		}
		responded = from + secs(g.logNormal(ch.replyMedian*speed, ch.replySigma))
		if ch.async && !g.inOffice(responded) && g.chance(0.85) {
			responded = g.opens(responded) + secs(g.logNormal(20*minute, 0.8))
		}
		if assigned >= 0 && g.chance(0.02) {
			assigned = responded // assigned by replying
		}
	}

	closed, closer := int64(-1), ""
	if responded >= 0 {
		if !g.chance(0.02) { // a few are forgotten and stay open
			d := g.logNormal(ch.closeMedian*closing, ch.closeSigma)
			if g.chance(0.1) { // waiting on the customer
				d += g.logNormal(ch.tailMedian, 0.9)
			}
			closed = responded + secs(d)
			switch x := r.Float64(); {
			case x < 0.07:
				closer = "system"
			case x < 0.16 || assignee < 0:
				closer = reps[pickTeammate(r, team, assignee)].name
			default:
				closer = reps[assignee].name
			}
		}
	} else {
		switch x := r.Float64(); {
		case ch.channel == convreport.Chat && x < 0.75:
			closed, closer = max(created, assigned)+secs(g.logNormal(hour, 0.8)), "system" // idle timeout
		case ch.channel != convreport.Chat && x < 0.35: // spam, or solved on their own
			closed = max(start, assigned) + secs(g.logNormal(6*hour, 1.0))
			if assignee >= 0 {
				closer = reps[assignee].name
			} else {
				closer = reps[pickTeammate(r, team, -1)].name
			}
		case ch.channel != convreport.Chat && x < 0.5:
			closed, closer = created+14*day+secs(g.logNormal(2*hour, 0.5)), "system"
		}
	}

	// The data is a snapshot taken at To: later events have not happened.
	if assigned > g.now {
		assigned, assignee = -1, -1
	}
	if responded > g.now {
		responded = -1
	}
	if closed > g.now {
		closed, closer = -1, ""
	}

	c.CreatedAt = utc(created)
	if assignee >= 0 {
		c.Assignee = reps[assignee].name
		c.FirstAssignedAt = utc(assigned)
	}
	if responded >= 0 {
		c.FirstResponseAt = utc(responded)
	}
	if closed >= 0 {
		c.Status, c.ClosedAt, c.ClosedBy = convreport.Closed, utc(closed), closer
	}

	c.IncomingMessages = 1 + int(r.ExpFloat64()*ch.incomingMean)
	if responded >= 0 {
		c.OutgoingMessages = max(1, c.IncomingMessages+r.IntN(3)-1)
	}

	// One allocation holds both per-row strings.
	u := r.Float64()
	b := append(g.buf[:0], "c-"...)
	b = appendPadded(b, i+1, g.idLen)
	k := len(b)
	b = append(b, "contact-"...)
	b = strconv.AppendInt(b, 1+int64(u*u*g.contacts), 10)
	g.buf = b
	s := string(b)
	c.ID, c.ContactID = s[:k], s[k:]
}

func appendPadded(b []byte, v, width int) []byte {
	var d [20]byte
	digits := strconv.AppendInt(d[:0], int64(v), 10)
	for range width - len(digits) {
		b = append(b, '0')
	}
	return append(b, digits...)
}

// weights are cumulative weights for a weighted choice.
type weights []float64

func cumulative(w ...float64) weights {
	c := make(weights, len(w))
	s := 0.0
	for i, x := range w {
		s += x
		c[i] = s
	}
	return c
}

// pick returns index i with probability proportional to its weight.
func (w weights) pick(r *rand.Rand) int {
	x := r.Float64() * w[len(w)-1]
	for i, v := range w {
		if x < v {
			return i
		}
	}
	return len(w) - 1
}

// pickRep chooses a rep of team, by workload, among those working at this
// point of the range.
func pickRep(r *rand.Rand, team int, progress float64) int {
	members := teamReps[team]
	total := 0.0
	for _, i := range members {
		if reps[i].working(progress) {
			total += reps[i].weight
		}
	}
	x := r.Float64() * total
	last := members[0]
	for _, i := range members {
		if !reps[i].working(progress) {
			continue
		}
		last = i
		if x -= reps[i].weight; x < 0 {
			return i
		}
	}
	return last
}

// pickTeammate chooses a rep of team other than not, uniformly.
func pickTeammate(r *rand.Rand, team, not int) int {
	members := teamReps[team]
	i := members[r.IntN(len(members))]
	if i == not {
		i = members[(indexOf(members, i)+1)%len(members)]
	}
	return i
}

func indexOf(s []int, v int) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	return -1
}
