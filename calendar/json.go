package calendar

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/convreport/convreport/internal/strictjson"
)

type calendarJSON struct {
	Name     string           `json:"name,omitempty"`
	Zone     string           `json:"zone"`
	Week     weekJSON         `json:"week"`
	Holidays []string         `json:"holidays,omitempty"`
	Special  []specialDayJSON `json:"special,omitempty"`
}

type specialDayJSON struct {
	Date  string      `json:"date"`
	Hours []hoursJSON `json:"hours"`
}

type weekJSON struct {
	Monday    []hoursJSON `json:"monday,omitempty"`
	Tuesday   []hoursJSON `json:"tuesday,omitempty"`
	Wednesday []hoursJSON `json:"wednesday,omitempty"`
	Thursday  []hoursJSON `json:"thursday,omitempty"`
	Friday    []hoursJSON `json:"friday,omitempty"`
	Saturday  []hoursJSON `json:"saturday,omitempty"`
	Sunday    []hoursJSON `json:"sunday,omitempty"`
}

// days returns the week's fields indexed by Weekday.
func (w *weekJSON) days() [7]*[]hoursJSON {
	return [7]*[]hoursJSON{&w.Monday, &w.Tuesday, &w.Wednesday, &w.Thursday, &w.Friday, &w.Saturday, &w.Sunday}
}

type hoursJSON struct {
	Start string `json:"start"`
	End   string `json:"end"`
}

// MarshalJSON writes the calendar as documented on [Calendar]. It fails on
// a calendar that Validate rejects, and on a zone that is not an IANA name
// (time.Local, a time.FixedZone), which would not read back.
func (c Calendar) MarshalJSON() ([]byte, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	j := calendarJSON{Name: c.Name, Zone: "UTC"}
	if c.Zone != nil {
		j.Zone = c.Zone.String()
		if err := checkZoneName(j.Zone); err != nil {
			return nil, err
		}
	}
	days := j.Week.days()
	for wd := Monday; wd <= Sunday; wd++ {
		for _, h := range c.Week.Day(wd) {
			*days[wd] = append(*days[wd], hoursJSON{h.Start.String(), h.End.String()})
		}
	}
	for _, d := range c.Holidays {
		j.Holidays = append(j.Holidays, d.String())
	}
	for _, s := range c.Special {
		sj := specialDayJSON{Date: s.Date.String(), Hours: []hoursJSON{}}
		for _, h := range s.Hours {
			sj.Hours = append(sj.Hours, hoursJSON{h.Start.String(), h.End.String()})
		}
		j.Special = append(j.Special, sj)
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads a calendar written as documented on [Calendar]. A
// missing or empty zone means UTC. Unknown keys, keys in another case or
// given twice, bad values and a calendar that Validate rejects are errors
// naming the field.
func (c *Calendar) UnmarshalJSON(b []byte) error {
	var j calendarJSON
	if err := strictjson.Decode(b, &j); err != nil {
		return calendarJSONError(b, &j, err)
	}
	out := Calendar{Name: j.Name}
	if j.Zone != "" {
		if err := checkZoneName(j.Zone); err != nil {
			return err
		}
		out.Zone, _ = time.LoadLocation(j.Zone)
	}
	for wd, hours := range j.Week.days() {
		for i, h := range *hours {
			field := fmt.Sprintf("week.%s[%d]", Weekday(wd).key(), i)
			start, ok := parseClock(h.Start)
			if !ok {
				return &Error{field + ".start", badClock(h.Start)}
			}
			end, ok := parseClock(h.End)
			if !ok {
				return &Error{field + ".end", badClock(h.End)}
			}
			day := Weekday(wd)
			out.Week.SetDay(day, append(out.Week.Day(day), Hours{start, end}))
		}
	}
	for i, s := range j.Holidays {
		d, ok := parseDate(s)
		if !ok {
			return &Error{fmt.Sprintf("holidays[%d]", i), badDate(s)}
		}
		out.Holidays = append(out.Holidays, d)
	}
	for i, sj := range j.Special {
		field := fmt.Sprintf("special[%d]", i)
		d, ok := parseDate(sj.Date)
		if !ok {
			return &Error{field + ".date", badDate(sj.Date)}
		}
		s := SpecialDay{Date: d, Hours: []Hours{}}
		for k, h := range sj.Hours {
			hf := fmt.Sprintf("%s.hours[%d]", field, k)
			start, ok := parseClock(h.Start)
			if !ok {
				return &Error{hf + ".start", badClock(h.Start)}
			}
			end, ok := parseClock(h.End)
			if !ok {
				return &Error{hf + ".end", badClock(h.End)}
			}
			s.Hours = append(s.Hours, Hours{start, end})
		}
		out.Special = append(out.Special, s)
	}
	if err := out.Validate(); err != nil {
		return err
	}
	*c = out
	return nil
}

// checkZoneName reports whether name loads as an IANA zone; "Local" does,
// but means a different zone on each machine.
func checkZoneName(name string) error {
	if name == "Local" {
		return &Error{"zone", `"Local" differs from machine to machine: name an IANA time zone such as "Europe/Paris"`}
	}
	if _, err := time.LoadLocation(name); err != nil {
		return &Error{"zone", fmt.Sprintf("unknown time zone %q: want an IANA name such as \"Europe/Paris\"", name)}
	}
	return nil
}

// calendarJSONError names what err, an error of decoding b into v, is
// about by its key's path, array indexes included ("week.monday[0].start"),
// as the package's other errors do, instead of Go's types.
func calendarJSONError(b []byte, v any, err error) error {
	err = strictjson.Locate(b, v, err)
	var se *strictjson.Error
	if errors.As(err, &se) {
		return &Error{se.Field(), se.Reason}
	}
	return &Error{"", strings.TrimPrefix(err.Error(), "json: ")}
}
