package bench

import (
	"fmt"
	"math"
	"slices"

	"github.com/convreport/convreport"
)

// NullTime marks an unknown time in [Columns].
const NullTime = math.MinInt64

// Columns is the struct of arrays the hand-written passes read: the fields
// the twelve reports need, strings as dictionary codes (0 = no value),
// times as Unix nanoseconds. It is built once, outside any timing.
type Columns struct {
	N int
	// Channel is the index in convreport.Channels: 0 chat, 1 email, …
	Channel                 []uint8
	Assignee, Inbox, URL    []uint16
	Created, FirstAssigned  []int64
	FirstResponse, ClosedAt []int64
	// Dictionaries, value [0] is "" (no value).
	Assignees, Inboxes, URLs []string
	// Sorted is true when Created never decreases.
	Sorted bool
}

const (
	chatCode  = 0
	emailCode = 1
)

type dict struct {
	vals []string
	idx  map[string]uint16
	name string
}

func newDict(name string) *dict {
	return &dict{vals: []string{""}, idx: map[string]uint16{"": 0}, name: name}
}

func (d *dict) code(s string) (uint16, error) {
	if k, ok := d.idx[s]; ok {
		return k, nil
	}
	if len(d.vals) > math.MaxUint16 {
		return 0, fmt.Errorf("bench: more than %d distinct %s values", math.MaxUint16, d.name)
	}
	k := uint16(len(d.vals))
	d.vals = append(d.vals, s)
	d.idx[s] = k
	return k, nil
}

func unixOrNull(c *convreport.Conversation, f int) int64 {
	var t = c.FirstAssignedAt
	switch f {
	case 1:
		t = c.FirstResponseAt
	case 2:
		t = c.ClosedAt
	}
	if t.IsZero() {
		return NullTime
	}
	return t.UnixNano()
}

// Encode builds the columns of cs, in cs's order.
func Encode(cs []convreport.Conversation) (*Columns, error) {
	n := len(cs)
	c := &Columns{
		N: n, Channel: make([]uint8, n), Assignee: make([]uint16, n), Inbox: make([]uint16, n), URL: make([]uint16, n),
		Created: make([]int64, n), FirstAssigned: make([]int64, n), FirstResponse: make([]int64, n), ClosedAt: make([]int64, n),
		Sorted: true,
	}
	as, ins, urls := newDict("assignee"), newDict("inbox"), newDict("origin URL")
	channelOrder := convreport.Channels()
	var err error
	for i := range cs {
		cv := &cs[i]
		ch := slices.Index(channelOrder, cv.Channel)
		if ch < 0 {
			return nil, fmt.Errorf("bench: conversation %q: unknown channel %q", cv.ID, cv.Channel)
		}
		c.Channel[i] = uint8(ch)
		if c.Assignee[i], err = as.code(cv.Assignee); err != nil {
			return nil, err
		}
		if c.Inbox[i], err = ins.code(cv.Inbox); err != nil {
			return nil, err
		}
		if c.URL[i], err = urls.code(cv.OriginURL); err != nil {
			return nil, err
		}
		c.Created[i] = cv.CreatedAt.UnixNano()
		c.FirstAssigned[i] = unixOrNull(cv, 0)
		c.FirstResponse[i] = unixOrNull(cv, 1)
		c.ClosedAt[i] = unixOrNull(cv, 2)
		if i > 0 && c.Created[i] < c.Created[i-1] {
			c.Sorted = false
		}
	}
	c.Assignees, c.Inboxes, c.URLs = as.vals, ins.vals, urls.vals
	return c, nil
}

// repAcc is everything the pass counts per assignee, side by side.
type repAcc struct {
	chat, chatFR, chatFRExcluded, chatClosed       int64
	email, emailFR, emailFRExcluded, emailClosed   int64
	chatFRSum, chatTTCSum, emailFRSum, emailTTCSum Sum
}

// dense holds the accumulators: arrays indexed by dictionary code or day.
type dense struct {
	reps                []repAcc
	urls, openByInbox   []int64
	chatDays, emailDays []int64
}

func (c *Columns) newDense(w *Window) *dense {
	return &dense{
		reps: make([]repAcc, len(c.Assignees)), urls: make([]int64, len(c.URLs)), openByInbox: make([]int64, len(c.Inboxes)),
		chatDays: make([]int64, len(w.starts)), emailDays: make([]int64, len(w.starts)),
	}
}

// HandWritten computes the twelve reports in one pass over every row:
// the practical limit every engine figure is read against. It reads no
// order.
func (c *Columns) HandWritten(w *Window) Figures {
	d := c.newDense(w)
	c.pass(w, d, 0, c.N, passAll)
	return c.figures(w, d)
}

// HandWrittenSorted is HandWritten on rows in creation order: rows
// created before the window are only checked for a close in it and for
// being open at Now, rows after it only for being open. It needs Sorted.
func (c *Columns) HandWrittenSorted(w *Window) Figures {
	if !c.Sorted {
		panic("bench: HandWrittenSorted needs rows in creation order")
	}
	d := c.newDense(w)
	i0, _ := slices.BinarySearch(c.Created, w.from)
	i1, _ := slices.BinarySearch(c.Created, w.to)
	i2, _ := slices.BinarySearch(c.Created, w.now+1)
	i1 = max(i0, i1)
	i2 = max(i1, i2)
	c.pass(w, d, 0, i0, passBefore)
	c.pass(w, d, i0, i1, passAll)
	c.pass(w, d, i1, i2, passAfter)
	return c.figures(w, d)
}

const (
	passAll    = iota // any row
	passBefore        // rows created before the window
	passAfter         // rows created after the window, at or before Now
)

func (c *Columns) pass(w *Window, d *dense, lo, hi int, kind int) {
	from, to, now := w.from, w.to, w.now
	channel := c.Channel[lo:hi]
	assignee := c.Assignee[lo:hi]
	inbox := c.Inbox[lo:hi]
	url := c.URL[lo:hi]
	created := c.Created[lo:hi]
	assigned := c.FirstAssigned[lo:hi]
	response := c.FirstResponse[lo:hi]
	closed := c.ClosedAt[lo:hi]
	reps, urls, open := d.reps, d.urls, d.openByInbox
	chatDays, emailDays := d.chatDays, d.emailDays
	for i, ch := range channel {
		if ch > emailCode {
			continue
		}
		cr, cl := created[i], closed[i]
		r := &reps[assignee[i]]
		in := kind == passAll && cr >= from && cr < to
		closedIn := kind != passAfter && cl >= from && cl < to
		if ch == chatCode {
			if in {
				r.chat++
				urls[url[i]]++
				chatDays[w.day(cr)]++
				if fr := response[i]; fr != NullTime {
					st := assigned[i]
					if st == NullTime || st >= fr {
						st = cr
					}
					r.chatFR++
					r.chatFRSum.Add(fr - st)
				} else {
					r.chatFRExcluded++
				}
			}
			if closedIn {
				r.chatClosed++
				r.chatTTCSum.Add(cl - cr)
			}
			continue
		}
		if in {
			r.email++
			emailDays[w.day(cr)]++
			if fr := response[i]; fr != NullTime {
				st := assigned[i]
				if st == NullTime || st >= fr {
					st = cr
				}
				r.emailFR++
				r.emailFRSum.Add(fr - st)
			} else {
				r.emailFRExcluded++
			}
		}
		if closedIn {
			r.emailClosed++
			r.emailTTCSum.Add(cl - cr)
		}
		if cr <= now && (cl == NullTime || cl > now) {
			open[inbox[i]]++
		}
	}
}

// figures turns the accumulators into the twelve figures.
func (c *Columns) figures(w *Window, d *dense) Figures {
	fs := make(Figures, len(reportSpecs))
	for i := range fs {
		fs[i].Report = reportSpecs[i].id
	}
	for code, r := range d.reps {
		key := keyOf(c.Assignees[code])
		if r.chat > 0 {
			fs[0].Points = append(fs[0].Points, countPoint(key, r.chat))
		}
		if r.chatFR > 0 {
			fs[2].Points = append(fs[2].Points, avgPoint(key, r.chatFR, r.chatFRExcluded, r.chatFRSum))
		}
		if r.chatClosed > 0 {
			fs[3].Points = append(fs[3].Points, avgPoint(key, r.chatClosed, 0, r.chatTTCSum))
			fs[4].Points = append(fs[4].Points, countPoint(key, r.chatClosed))
		}
		if r.email > 0 {
			fs[6].Points = append(fs[6].Points, countPoint(key, r.email))
		}
		if r.emailFR > 0 {
			fs[7].Points = append(fs[7].Points, avgPoint(key, r.emailFR, r.emailFRExcluded, r.emailFRSum))
		}
		if r.emailClosed > 0 {
			fs[8].Points = append(fs[8].Points, countPoint(key, r.emailClosed))
			fs[9].Points = append(fs[9].Points, avgPoint(key, r.emailClosed, 0, r.emailTTCSum))
		}
	}
	for code, n := range d.urls {
		if n > 0 {
			fs[1].Points = append(fs[1].Points, countPoint(keyOf(c.URLs[code]), n))
		}
	}
	for code, n := range d.openByInbox {
		if n > 0 {
			fs[11].Points = append(fs[11].Points, countPoint(keyOf(c.Inboxes[code]), n))
		}
	}
	for i := range w.starts {
		fs[5].Points = append(fs[5].Points, countPoint(w.DayKey(i), d.chatDays[i]))
		fs[10].Points = append(fs[10].Points, countPoint(w.DayKey(i), d.emailDays[i]))
	}
	for i := range fs {
		sortFigure(&fs[i])
	}
	return fs
}
