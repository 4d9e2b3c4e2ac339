package bench

import (
	"iter"
	"time"

	"github.com/convreport/convreport"
)

// acc is one group of an average: answered, excluded, exact sum.
type acc struct {
	n, excluded int64
	sum         Sum
}

func bump(m map[string]*acc, k string) *acc {
	a := m[k]
	if a == nil {
		a = &acc{}
		m[k] = a
	}
	return a
}

func countFigure(id string, m map[string]int64) Figure {
	f := Figure{Report: id}
	for k, n := range m {
		f.Points = append(f.Points, countPoint(keyOf(k), n))
	}
	sortFigure(&f)
	return f
}

func avgFigure(id string, m map[string]*acc) Figure {
	f := Figure{Report: id}
	for k, a := range m {
		if a.n > 0 {
			f.Points = append(f.Points, avgPoint(keyOf(k), a.n, a.excluded, a.sum))
		}
	}
	sortFigure(&f)
	return f
}

// seriesFigure fills every day of the window from counts keyed by day.
func seriesFigure(id string, w *Window, m map[string]int64) Figure {
	f := Figure{Report: id}
	for i := range w.Days {
		k := w.DayKey(i)
		f.Points = append(f.Points, countPoint(k, m[k]))
	}
	return f
}

func nanosOrNull(t time.Time) int64 {
	if t.IsZero() {
		return NullTime
	}
	return t.UnixNano()
}

// MapSinglePass computes the twelve reports in one pass over cs, with
// map[string] accumulators: the usual first hand-written attempt.
func MapSinglePass(cs []convreport.Conversation, w *Window) Figures {
	return MapSinglePassOf(func(yield func(*convreport.Conversation) bool) {
		for i := range cs {
			if !yield(&cs[i]) {
				return
			}
		}
	}, w)
}

// MapSinglePassOf is MapSinglePass over conversations that come one at a
// time: at sizes no slice holds, straight from the generator.
func MapSinglePassOf(all iter.Seq[*convreport.Conversation], w *Window) Figures {
	from, to, now := w.from, w.to, w.now
	dayKeys := make([]string, len(w.Days))
	for i := range dayKeys {
		dayKeys[i] = w.DayKey(i)
	}
	var (
		chatByRep, chatByURL, chatClosed = map[string]int64{}, map[string]int64{}, map[string]int64{}
		emailByRep, emailClosed, open    = map[string]int64{}, map[string]int64{}, map[string]int64{}
		chatFR, chatTTC                  = map[string]*acc{}, map[string]*acc{}
		emailFR, emailTTC                = map[string]*acc{}, map[string]*acc{}
		chatDays, emailDays              = map[string]int64{}, map[string]int64{}
	)
	for c := range all {
		chat := c.Channel == convreport.Chat
		if !chat && c.Channel != convreport.Email {
			continue
		}
		cr, cl := c.CreatedAt.UnixNano(), nanosOrNull(c.ClosedAt)
		in := cr >= from && cr < to
		closedIn := cl >= from && cl < to
		byRep, fr, ttc, closedBy, days := chatByRep, chatFR, chatTTC, chatClosed, chatDays
		if !chat {
			byRep, fr, ttc, closedBy, days = emailByRep, emailFR, emailTTC, emailClosed, emailDays
		}
		if in {
			byRep[c.Assignee]++
			if chat {
				chatByURL[c.OriginURL]++
			}
			days[dayKeys[w.day(cr)]]++
			a := bump(fr, c.Assignee)
			if !c.FirstResponseAt.IsZero() {
				st := c.CreatedAt
				if !c.FirstAssignedAt.IsZero() && c.FirstAssignedAt.Before(c.FirstResponseAt) {
					st = c.FirstAssignedAt
				}
				a.n++
				a.sum.Add(c.FirstResponseAt.UnixNano() - st.UnixNano())
			} else {
				a.excluded++
			}
		}
		if closedIn {
			closedBy[c.Assignee]++
			a := bump(ttc, c.Assignee)
			a.n++
			a.sum.Add(cl - cr)
		}
		if !chat && cr <= now && (cl == NullTime || cl > now) {
			open[c.Inbox]++
		}
	}
	return Figures{
		countFigure(reportSpecs[0].id, chatByRep),
		countFigure(reportSpecs[1].id, chatByURL),
		avgFigure(reportSpecs[2].id, chatFR),
		avgFigure(reportSpecs[3].id, chatTTC),
		countFigure(reportSpecs[4].id, chatClosed),
		seriesFigure(reportSpecs[5].id, w, chatDays),
		countFigure(reportSpecs[6].id, emailByRep),
		avgFigure(reportSpecs[7].id, emailFR),
		countFigure(reportSpecs[8].id, emailClosed),
		avgFigure(reportSpecs[9].id, emailTTC),
		seriesFigure(reportSpecs[10].id, w, emailDays),
		countFigure(reportSpecs[11].id, open),
	}
}

// Naive computes each report with its own pass over cs, the way one
// writes a report at a time: time.Time comparisons, map[string]
// accumulators, days named by formatting the time in the zone.
func Naive(cs []convreport.Conversation, w *Window) Figures {
	fs := make(Figures, len(reportSpecs))
	for i, s := range reportSpecs {
		fs[i] = naiveReport(cs, w, i, convreport.Channel(s.channel))
	}
	return fs
}

func naiveReport(cs []convreport.Conversation, w *Window, i int, ch convreport.Channel) Figure {
	s := reportSpecs[i]
	inRange := func(t time.Time) bool { return !t.IsZero() && !t.Before(w.From) && t.Before(w.To) }
	counts := map[string]int64{}
	avgs := map[string]*acc{}
	for j := range cs {
		c := &cs[j]
		if c.Channel != ch {
			continue
		}
		switch {
		case s.snapshot:
			if !c.CreatedAt.After(w.Now) && (c.ClosedAt.IsZero() || c.ClosedAt.After(w.Now)) {
				counts[c.Inbox]++
			}
		case s.bucket == convreport.Day:
			if inRange(c.CreatedAt) {
				counts[c.CreatedAt.In(w.Zone).Format(time.DateOnly)]++
			}
		case s.metric == convreport.FirstResponseTime:
			if !inRange(c.CreatedAt) {
				continue
			}
			a := bump(avgs, c.Assignee)
			if c.FirstResponseAt.IsZero() {
				a.excluded++
				continue
			}
			st := c.CreatedAt
			if !c.FirstAssignedAt.IsZero() && c.FirstAssignedAt.Before(c.FirstResponseAt) {
				st = c.FirstAssignedAt
			}
			a.n++
			a.sum.Add(int64(c.FirstResponseAt.Sub(st)))
		case s.metric == convreport.TimeToClose:
			if inRange(c.ClosedAt) {
				a := bump(avgs, c.Assignee)
				a.n++
				a.sum.Add(int64(c.ClosedAt.Sub(c.CreatedAt)))
			}
		case s.date == "ClosedAt":
			if inRange(c.ClosedAt) {
				counts[c.Assignee]++
			}
		case s.dim == "OriginURL":
			if inRange(c.CreatedAt) {
				counts[c.OriginURL]++
			}
		default:
			if inRange(c.CreatedAt) {
				counts[c.Assignee]++
			}
		}
	}
	switch {
	case s.bucket == convreport.Day:
		return seriesFigure(s.id, w, counts)
	case s.metric != "":
		return avgFigure(s.id, avgs)
	}
	return countFigure(s.id, counts)
}
