package calendar

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/convreport/convreport/internal/strictjson"
)

// Set holds named business-hours calendars and says which calendar
// each inbox keeps. A dashboard or a report that counts business hours
// names one of the calendars (convreport.Dashboard.Calendar, convreport.Report.Calendar);
// its durations then use, for each conversation, the calendar of the
// conversation's inbox if Inboxes gives one, and the named calendar
// otherwise.
//
// It reads and writes JSON as
//
//	{"calendars": [{"name": "paris", "zone": "Europe/Paris", "week": {…}},
//	               {"name": "new-york", "zone": "America/New_York", "week": {…}}],
//	 "default": "paris",
//	 "inboxes": {"US support": "new-york"}}
//
// [Parse] also reads a file holding a single calendar.
type Set struct {
	// Calendars each have a distinct, non-empty Name.
	Calendars []*Calendar
	// Default, when set, names the calendar of a run that counts business
	// hours without naming one: the command line's --calendar makes every
	// report count business hours with it.
	Default string
	// Inboxes maps an inbox (a conversation's Inbox) to the name of its
	// calendar.
	Inboxes map[string]string
}

// Lookup returns the calendar named name.
func (s *Set) Lookup(name string) (*Calendar, bool) {
	if s == nil {
		return nil, false
	}
	for _, c := range s.Calendars {
		if c != nil && c.Name == name {
			return c, true
		}
	}
	return nil, false
}

// Names returns the calendars' names, in order.
func (s *Set) Names() []string {
	if s == nil {
		return nil
	}
	out := make([]string, 0, len(s.Calendars))
	for _, c := range s.Calendars {
		if c != nil {
			out = append(out, c.Name)
		}
	}
	return out
}

// DefaultCalendar returns the calendar Default names; nil when Default is
// empty.
func (s *Set) DefaultCalendar() *Calendar {
	if s == nil || s.Default == "" {
		return nil
	}
	c, _ := s.Lookup(s.Default)
	return c
}

// Validate reports every problem of s, joined, each a *[Error]
// whose Field is the JSON path of the bad value: a calendar's own problems
// ("calendars[1].week.monday[0]"), a calendar without a name or with the
// name of another ("calendars[1].name"), and a default or an inbox that
// names no calendar ("default", `inboxes["US support"]`).
func (s *Set) Validate() error {
	var errs []error
	seen := map[string]bool{}
	for i, c := range s.Calendars {
		at := fmt.Sprintf("calendars[%d]", i)
		if c == nil {
			errs = append(errs, &Error{at, "is null"})
			continue
		}
		errs = append(errs, prefixErrors(at, c.Validate())...)
		switch {
		case c.Name == "":
			errs = append(errs, &Error{at + ".name", "is required: the set's dashboards, reports and inboxes refer to calendars by name"})
		case seen[c.Name]:
			errs = append(errs, &Error{at + ".name", fmt.Sprintf("%q names two calendars", c.Name)})
		}
		seen[c.Name] = true
	}
	if s.Default != "" && !seen[s.Default] {
		errs = append(errs, &Error{"default", s.unknown(s.Default)})
	}
	inboxes := make([]string, 0, len(s.Inboxes))
	for in := range s.Inboxes {
		inboxes = append(inboxes, in)
	}
	sort.Strings(inboxes)
	for _, in := range inboxes {
		if name := s.Inboxes[in]; !seen[name] {
			errs = append(errs, &Error{"inboxes[" + strconv.Quote(in) + "]", s.unknown(name)})
		}
	}
	return errors.Join(errs...)
}

// Get returns the calendar named name, or an error saying that s has
// none, and which calendars it has.
func (s *Set) Get(name string) (*Calendar, error) {
	if c, ok := s.Lookup(name); ok {
		return c, nil
	}
	return nil, errors.New(s.unknown(name))
}

// unknown says that name is no calendar of s, and which are. A calendar
// without a name, an error of its own, is left out of the list, which
// would otherwise read "(have )".
func (s *Set) unknown(name string) string {
	all := s.Names()
	if len(all) == 0 {
		return fmt.Sprintf("no calendar %q: there are no calendars", name)
	}
	var names []string
	for _, n := range all {
		if n != "" {
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		return fmt.Sprintf("no calendar %q: no calendar has a name", name)
	}
	return fmt.Sprintf("no calendar %q (have %s)", name, strings.Join(names, ", "))
}

// prefixErrors puts at before the Field of each *Error of
// err (one or joined).
func prefixErrors(at string, err error) []error {
	if err == nil {
		return nil
	}
	var list []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		list = j.Unwrap()
	} else {
		list = []error{err}
	}
	out := make([]error, 0, len(list))
	for _, e := range list {
		var ce *Error
		if errors.As(e, &ce) {
			f := at
			if ce.Field != "" {
				f += "." + ce.Field
			}
			out = append(out, &Error{f, ce.Reason})
			continue
		}
		out = append(out, fmt.Errorf("%s: %w", at, e))
	}
	return out
}

type calendarSetJSON struct {
	Calendars []json.RawMessage `json:"calendars"`
	Default   string            `json:"default,omitempty"`
	Inboxes   map[string]string `json:"inboxes,omitempty"`
}

// MarshalJSON writes the set as documented on [Set]; it fails on a
// set Validate rejects.
func (s Set) MarshalJSON() ([]byte, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	j := calendarSetJSON{Calendars: []json.RawMessage{}, Default: s.Default, Inboxes: s.Inboxes}
	for _, c := range s.Calendars {
		b, err := json.Marshal(c)
		if err != nil {
			return nil, err
		}
		j.Calendars = append(j.Calendars, b)
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads a set written as documented on [Set]. Bad
// values are *Error values naming the field from the set's root
// ("calendars[0].zone"); the receiver is unchanged on error.
func (s *Set) UnmarshalJSON(b []byte) error {
	var j calendarSetJSON
	if err := strictjson.Decode(b, &j); err != nil {
		return calendarJSONError(b, &j, err)
	}
	out := Set{Default: j.Default, Inboxes: j.Inboxes}
	for i, raw := range j.Calendars {
		c := new(Calendar)
		if err := c.UnmarshalJSON(raw); err != nil {
			return errors.Join(prefixErrors(fmt.Sprintf("calendars[%d]", i), err)...)
		}
		out.Calendars = append(out.Calendars, c)
	}
	if err := out.Validate(); err != nil {
		return err
	}
	*s = out
	return nil
}

// Parse reads a calendar file: a [Set] (an object with a
// "calendars" key), or a single [Calendar], which becomes a set of one
// that is also its Default (named "default" when it has no name). Errors
// are *[Error] values naming the field.
func Parse(b []byte) (*Set, error) {
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(b, &probe); err != nil {
		return nil, calendarJSONError(b, &probe, err)
	}
	if _, ok := probe["calendars"]; ok {
		s := new(Set)
		if err := s.UnmarshalJSON(b); err != nil {
			return nil, err
		}
		return s, nil
	}
	c := new(Calendar)
	if err := c.UnmarshalJSON(b); err != nil {
		return nil, err
	}
	if c.Name == "" {
		c.Name = "default"
	}
	return &Set{Calendars: []*Calendar{c}, Default: c.Name}, nil
}
