package convreport

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/convreport/convreport/calendar"
	"github.com/convreport/convreport/internal/exec"
	"github.com/convreport/convreport/internal/filter"
	"github.com/convreport/convreport/internal/strictjson"
)

// SLAPolicy is a service-level agreement: which conversations it covers
// and how fast they must be answered and closed. Reports measure it with
// the SLA aggregations ([SLAMet], [SLABreaches], [SLAAvgOver],
// [SLATotalOver]) naming the policy in [Measure.SLA].
//
// It reads and writes JSON as
//
//	{"name": "standard", "filter": "Channel == \"chat\"",
//	 "first_response": {"within": "5m"},
//	 "close": {"within": "8h", "calendar": "paris"}}
type SLAPolicy struct {
	// Name identifies the policy: 1 to 64 of a–z, 0–9, "-" and "_".
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	// Filter and Conditions select the conversations the policy covers,
	// as a report's do; both empty covers every conversation. A report
	// measuring the policy counts the conversations that pass both the
	// policy's filters and its own.
	Filter     string      `json:"filter,omitempty"`
	Conditions []Condition `json:"conditions,omitempty"`
	// FirstResponse is the target for the first agent reply, counted from
	// creation (the customer's wait); Close the target for closing,
	// counted from creation. A policy sets at least one.
	FirstResponse *SLATarget `json:"first_response,omitempty"`
	Close         *SLATarget `json:"close,omitempty"`
}

// SLATarget is one target of a policy: a limit, in calendar time or in
// the business hours of a calendar.
type SLATarget struct {
	// Within is the limit; a conversation exactly at it met the target.
	Within Duration `json:"within"`
	// Calendar, when set, names a calendar of the query's Calendars: the
	// target counts its business hours only, and a conversation whose
	// inbox has its own calendar there ([calendar.Set.Inboxes]) counts by
	// that one. Empty counts calendar time.
	Calendar string `json:"calendar,omitempty"`
}

// SLATargetKind names a target of a policy in a [Measure].
type SLATargetKind string

// The targets of a policy.
const (
	// FirstResponseTarget is [SLAPolicy.FirstResponse]: its clock runs
	// from creation to the first agent reply, or to the close of a
	// conversation closed without one.
	FirstResponseTarget SLATargetKind = "first_response"
	// CloseTarget is [SLAPolicy.Close]: its clock runs from creation to
	// the close.
	CloseTarget SLATargetKind = "close"
)

// The SLA aggregations. Each measures one target ([Measure.Target]) of
// one policy ([Measure.SLA]) over the conversations the policy and the
// report both cover. A conversation has met the target when its clock
// stopped at or before the query's Now within the target; it breached it
// when its clock ran past the target, stopped or still running at Now;
// otherwise (running at Now but not yet past the target, or created after
// Now) it is pending, and counts in no SLA measure but the point's
// Excluded. See docs/semantics.md.
const (
	// SLAMet is the percentage (0–100) of decided conversations (met or
	// breached) that met the target.
	SLAMet Aggregation = "sla_met"
	// SLABreaches is the number of conversations that breached the
	// target; no value without a decided conversation.
	SLABreaches Aggregation = "sla_breaches"
	// SLAAvgOver is the average time over the target of the breaches, in
	// seconds; no value without breaches.
	SLAAvgOver Aggregation = "sla_avg_over"
	// SLATotalOver is the total time over the target of the breaches, in
	// seconds; 0 without breaches, and no value without a decided
	// conversation.
	SLATotalOver Aggregation = "sla_total_over"
)

// isSLA reports whether a is an SLA aggregation.
func (a Aggregation) isSLA() bool {
	switch a {
	case SLAMet, SLABreaches, SLAAvgOver, SLATotalOver:
		return true
	}
	return false
}

// validateSLA checks an SLA measure without its policy, which the run's
// Query holds.
func (m Measure) validateSLA() error {
	if m.Metric != "" {
		return fmt.Errorf("%s measures a policy's target, not a metric (got metric %q): set sla and target", m.Agg, m.Metric)
	}
	if m.SLA == "" {
		return fmt.Errorf("%s needs sla, the name of a policy", m.Agg)
	}
	switch m.Target {
	case FirstResponseTarget, CloseTarget:
	case "":
		return fmt.Errorf("%s needs target first_response or close", m.Agg)
	default:
		return fmt.Errorf("%s: unknown target %q (want first_response or close)", m.Agg, m.Target)
	}
	return nil
}

// SLAError reports an invalid SLA policy. Field is the JSON path of the
// bad value ("policies[0].first_response.within", "filter").
type SLAError struct {
	Field  string
	Reason string
}

// Error returns "convreport: sla: field: reason".
func (e *SLAError) Error() string {
	if e.Field == "" {
		return "convreport: sla: " + e.Reason
	}
	return "convreport: sla: " + e.Field + ": " + e.Reason
}

// Validate reports every problem of p that needs no schema, joined, each
// a *[SLAError]: a name that is not an ID, no target, a target that is
// not positive, a calendar name that is not an ID. [SLASet.Check] also
// compiles the filter and looks the calendars up.
func (p *SLAPolicy) Validate() error {
	var errs []error
	switch {
	case p.Name == "":
		errs = append(errs, &SLAError{"name", "is required: reports name the policy they measure"})
	case !idPattern.MatchString(p.Name):
		errs = append(errs, &SLAError{"name", fmt.Sprintf("%q is not a policy name: use 1 to 64 of a-z, 0-9, - and _", p.Name)})
	}
	if p.FirstResponse == nil && p.Close == nil {
		errs = append(errs, &SLAError{"", "set first_response, close or both: a policy without a target measures nothing"})
	}
	for _, t := range []struct {
		field string
		t     *SLATarget
	}{{"first_response", p.FirstResponse}, {"close", p.Close}} {
		if t.t == nil {
			continue
		}
		if t.t.Within <= 0 {
			errs = append(errs, &SLAError{t.field + ".within", fmt.Sprintf("%s is not a target: want a positive duration, like 5m or 8h", t.t.Within.D())})
		}
		if err := checkCalendarName(t.t.Calendar); err != nil {
			errs = append(errs, &SLAError{t.field + ".calendar", err.Error()})
		}
	}
	return errors.Join(errs...)
}

// target returns the policy's target of kind k; nil when it sets none.
func (p *SLAPolicy) target(k SLATargetKind) *SLATarget {
	switch k {
	case FirstResponseTarget:
		return p.FirstResponse
	case CloseTarget:
		return p.Close
	}
	return nil
}

// SLASet is the SLA policies a query's reports may measure.
//
// It reads and writes JSON as {"policies": [{…}, {…}]}; [ParseSLA] also
// reads a file holding a single policy, and the errors of the set it
// returns (Validate, Check, CheckCalendars) name paths as that file has
// them ("close.calendar", not "policies[0].close.calendar") while the set
// holds that one policy.
type SLASet struct {
	Policies []*SLAPolicy

	// single is set by ParseSLA for a file of one policy, which has no
	// "policies[0]" in it.
	single bool
}

// at returns the path of policy i in the JSON s was read from: none in a
// file of one policy.
func (s *SLASet) at(i int) string {
	if s.single && len(s.Policies) == 1 {
		return ""
	}
	return fmt.Sprintf("policies[%d]", i)
}

// Lookup returns the policy named name.
func (s *SLASet) Lookup(name string) (*SLAPolicy, bool) {
	if s == nil {
		return nil, false
	}
	for _, p := range s.Policies {
		if p != nil && p.Name == name {
			return p, true
		}
	}
	return nil, false
}

// Names returns the policies' names, in order.
func (s *SLASet) Names() []string {
	if s == nil {
		return nil
	}
	out := make([]string, 0, len(s.Policies))
	for _, p := range s.Policies {
		if p != nil {
			out = append(out, p.Name)
		}
	}
	return out
}

// named returns the names of s's policies that have one. A policy without
// a name, an error of its own, is left out of the lists below, which would
// otherwise read "(have )".
func (s *SLASet) named() []string {
	return slices.DeleteFunc(s.Names(), func(n string) bool { return n == "" })
}

// unknown says that name is no policy of s, and which are.
func (s *SLASet) unknown(name string) string {
	if len(s.Names()) == 0 {
		return fmt.Sprintf("no SLA policy %q: there are no policies", name)
	}
	names := s.named()
	if len(names) == 0 {
		return fmt.Sprintf("no SLA policy %q: no policy has a name", name)
	}
	return fmt.Sprintf("no SLA policy %q (have %s)", name, strings.Join(names, ", "))
}

// choices says which policy names a measure may give: "one of a, b", or
// that there are none.
func (s *SLASet) choices() string {
	names := s.named()
	if len(names) == 0 {
		return "a policy's name (there are no policies)"
	}
	return "one of " + strings.Join(names, ", ")
}

// Validate reports every problem of s that needs no schema, joined, each a
// *[SLAError] whose Field starts with the policy's path
// ("policies[1].close.within"; none for a file of one policy, see
// [SLASet]); two policies of one name are an error.
func (s *SLASet) Validate() error {
	var errs []error
	seen := map[string]bool{}
	for i, p := range s.Policies {
		at := s.at(i)
		if p == nil {
			errs = append(errs, &SLAError{at, "is null"})
			continue
		}
		errs = append(errs, prefixSLAErrors(at, p.Validate())...)
		if p.Name != "" && seen[p.Name] {
			errs = append(errs, &SLAError{joinField(at, "name"), fmt.Sprintf("%q names two policies", p.Name)})
		}
		seen[p.Name] = true
	}
	return errors.Join(errs...)
}

// Check reports whether s fits a schema and calendars, beyond Validate:
// each filter and conditions compile against s ("policies[0].filter",
// "policies[0].conditions"), and each target's calendar is one of cals
// ("policies[0].close.calendar"; "close.calendar" for a file of one
// policy, see [SLASet]). The errors are *[SLAError] values, joined. The
// CLI and the server check a policy file with it before any report runs,
// so a bad policy is refused where it is written.
func (s *SLASet) Check(schema *Schema, cals *calendar.Set, opts FilterOptions) error {
	if err := s.Validate(); err != nil {
		return err
	}
	var errs []error
	for i, p := range s.Policies {
		at := s.at(i)
		if strings.TrimSpace(p.Filter) != "" {
			if _, err := opts.compile(schema, p.Filter); err != nil {
				reason := strings.TrimPrefix(err.Error(), "convreport: ")
				var fe *FilterError
				if errors.As(err, &fe) && fe.Line > 0 {
					// One line: the position instead of the caret
					// drawing.
					reason = fmt.Sprintf("%s at line %d, column %d", fe.Msg, fe.Line, fe.Column)
				}
				errs = append(errs, &SLAError{joinField(at, "filter"), reason})
			}
		}
		if len(p.Conditions) > 0 {
			if _, err := ConditionsExpr(schema, p.Conditions); err != nil {
				errs = append(errs, &SLAError{joinField(at, "conditions"), strings.TrimPrefix(err.Error(), "convreport: ")})
			}
		}
		errs = append(errs, prefixSLAErrors(at, p.CheckCalendars(cals))...)
	}
	return errors.Join(errs...)
}

// CheckCalendars reports each target of p whose calendar cals lacks, as a
// *[SLAError] whose Field is the target's ("close.calendar"), joined. A
// store that keeps policies and calendars together calls it before it
// saves either, so that no policy counts in a calendar its runs would
// not find.
func (p *SLAPolicy) CheckCalendars(cals *calendar.Set) error {
	var errs []error
	for _, t := range []struct {
		field string
		t     *SLATarget
	}{{"first_response", p.FirstResponse}, {"close", p.Close}} {
		if t.t == nil || t.t.Calendar == "" {
			continue
		}
		if _, err := cals.Get(t.t.Calendar); err != nil {
			reason := err.Error()
			if cals == nil {
				reason = fmt.Sprintf("no calendar %q: there are no calendars", t.t.Calendar)
			}
			errs = append(errs, &SLAError{t.field + ".calendar", reason})
		}
	}
	return errors.Join(errs...)
}

// CheckCalendars is [SLAPolicy.CheckCalendars] for every policy of s, the
// fields starting with the policy's path ("policies[0].close.calendar";
// none for a file of one policy, see [SLASet]).
func (s *SLASet) CheckCalendars(cals *calendar.Set) error {
	if s == nil {
		return nil
	}
	var errs []error
	for i, p := range s.Policies {
		if p != nil {
			errs = append(errs, prefixSLAErrors(s.at(i), p.CheckCalendars(cals))...)
		}
	}
	return errors.Join(errs...)
}

// prefixSLAErrors puts at before the Field of each *SLAError of err.
func prefixSLAErrors(at string, err error) []error {
	if err == nil {
		return nil
	}
	list := []error{err}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		list = j.Unwrap()
	}
	if at == "" {
		return list
	}
	out := make([]error, 0, len(list))
	for _, e := range list {
		var se *SLAError
		if errors.As(e, &se) {
			f := at
			if se.Field != "" {
				f += "." + se.Field
			}
			out = append(out, &SLAError{f, se.Reason})
			continue
		}
		out = append(out, fmt.Errorf("%s: %w", at, e))
	}
	return out
}

type slaSetJSON struct {
	Policies []*SLAPolicy `json:"policies"`
}

// MarshalJSON writes the set as documented on [SLASet]; it fails on a set
// Validate rejects.
func (s SLASet) MarshalJSON() ([]byte, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	j := slaSetJSON{Policies: s.Policies}
	if j.Policies == nil {
		j.Policies = []*SLAPolicy{}
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads a set written as documented on [SLASet], and
// validates it; errors are *[SLAError] values naming the field
// ("policies[1].close.within"). The receiver is unchanged on error.
func (s *SLASet) UnmarshalJSON(b []byte) error {
	var j struct {
		Policies []json.RawMessage `json:"policies"`
	}
	if err := strictjson.Decode(b, &j); err != nil {
		return slaJSONError(b, &j, err, "")
	}
	out := SLASet{Policies: make([]*SLAPolicy, 0, len(j.Policies))}
	for i, raw := range j.Policies {
		p, err := decodePolicy(raw, fmt.Sprintf("policies[%d]", i))
		if err != nil {
			return err
		}
		out.Policies = append(out.Policies, p)
	}
	if err := out.Validate(); err != nil {
		return err
	}
	*s = out
	return nil
}

// ParseSLA reads an SLA file: a set ({"policies": […]}) or a single
// policy, a set of one. Errors are *[SLAError] values naming the field
// as the file has it; the schema-dependent checks are [SLASet.Check]'s,
// which name a single policy's fields as its file does too
// ("close.calendar").
func ParseSLA(b []byte) (*SLASet, error) {
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(b, &probe); err != nil {
		return nil, slaJSONError(b, &probe, err, "")
	}
	s := new(SLASet)
	for k := range probe {
		if k != "policies" && strings.EqualFold(k, "policies") {
			return nil, &SLAError{k, `keys are case-sensitive: want "policies"`}
		}
	}
	if _, ok := probe["policies"]; ok {
		if err := s.UnmarshalJSON(b); err != nil {
			return nil, err
		}
		return s, nil
	}
	p, err := decodePolicy(b, "")
	if err != nil {
		return nil, err
	}
	s.Policies, s.single = []*SLAPolicy{p}, true
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return s, nil
}

// policyJSON and targetJSON are a policy as read: each part apart, so
// that an error of encoding/json, which knows no array index and no
// field of a value that decodes itself, is named where it is.
type policyJSON struct {
	Name          string            `json:"name"`
	Description   string            `json:"description"`
	Filter        string            `json:"filter"`
	Conditions    []json.RawMessage `json:"conditions"`
	FirstResponse json.RawMessage   `json:"first_response"`
	Close         json.RawMessage   `json:"close"`
}

type targetJSON struct {
	Within   json.RawMessage `json:"within"`
	Calendar string          `json:"calendar"`
}

// decodePolicy reads the policy b, at the path at of the file.
func decodePolicy(b []byte, at string) (*SLAPolicy, error) {
	var j policyJSON
	if err := strictjson.Decode(b, &j); err != nil {
		return nil, slaJSONError(b, &j, err, at)
	}
	p := &SLAPolicy{Name: j.Name, Description: j.Description, Filter: j.Filter}
	for i, raw := range j.Conditions {
		var c Condition
		if err := strictjson.Decode(raw, &c); err != nil {
			return nil, slaJSONError(raw, &c, err, fmt.Sprintf("%s[%d]", joinField(at, "conditions"), i))
		}
		p.Conditions = append(p.Conditions, c)
	}
	for _, t := range []struct {
		key string
		raw json.RawMessage
		dst **SLATarget
	}{{"first_response", j.FirstResponse, &p.FirstResponse}, {"close", j.Close, &p.Close}} {
		if len(t.raw) == 0 || string(t.raw) == "null" {
			continue
		}
		field := joinField(at, t.key)
		var tj targetJSON
		if err := strictjson.Decode(t.raw, &tj); err != nil {
			return nil, slaJSONError(t.raw, &tj, err, field)
		}
		target := &SLATarget{Calendar: tj.Calendar}
		if len(tj.Within) > 0 && string(tj.Within) != "null" {
			var text string
			if err := json.Unmarshal(tj.Within, &text); err != nil {
				return nil, &SLAError{joinField(field, "within"), fmt.Sprintf("want a duration written as text, like \"5m\" or \"1h30m\", got %s", tj.Within)}
			}
			if err := target.Within.UnmarshalText([]byte(text)); err != nil {
				return nil, &SLAError{joinField(field, "within"), strings.TrimPrefix(err.Error(), "convreport: ")}
			}
		}
		*t.dst = target
	}
	return p, nil
}

func joinField(at, key string) string {
	if at == "" {
		return key
	}
	return at + "." + key
}

// slaJSONError names what err, an error of decoding the object b at
// the path at of the file into v, is about by its key's path, array
// indexes included ("policies[1].close.within"), as the set's own errors
// do, instead of Go's types.
func slaJSONError(b []byte, v any, err error, at string) error {
	err = strictjson.Locate(b, v, err)
	var se *strictjson.Error
	if errors.As(err, &se) {
		return &SLAError{joinField(at, se.Field()), se.Reason}
	}
	return &SLAError{at, err.Error()}
}

// slaPlan is an SLA measure compiled for a run: one target of one policy.
type slaPlan struct {
	policy *SLAPolicy
	kind   SLATargetKind
	target int64     // nanoseconds
	biz    *bizHours // nil counts calendar time
	now    int64
}

// attachSLA prepares plan p's SLA measure, if it has one: the policy's
// filter joins the report's, and the target's calendar is looked up.
// need is the policies the run's reports measure, which a query without
// policies is told to hold.
func attachSLA(s *Schema, p *compiled, rq resolved, fc *filterCache, memo map[string]*bizHours, need []string) error {
	m := p.measure
	if !m.agg().isSLA() {
		return nil
	}
	bad := func(field string, err error) error { return &ReportError{Report: p.r.Name, Field: field, Err: err} }
	pol, ok := rq.sla.Lookup(m.SLA)
	if !ok {
		reason := rq.sla.unknown(m.SLA)
		if rq.sla == nil || len(rq.sla.Policies) == 0 {
			reason = fmt.Sprintf("no SLA policy %q: the query has no SLA policies: set Query.SLA to an SLASet holding %s", m.SLA, policyList(need))
		}
		return bad("measure", errors.New(reason))
	}
	t := pol.target(m.Target)
	if t == nil {
		return bad("measure", fmt.Errorf("policy %q sets no %s target", pol.Name, m.Target))
	}
	sp := &slaPlan{policy: pol, kind: m.Target, target: int64(t.Within), now: rq.now.UnixNano()}
	if t.Calendar != "" {
		// The target's own clock: the report's calendar does not apply.
		b, err := rq.bizFor(Report{Name: p.r.Name, Calendar: t.Calendar}, memo)
		if err != nil {
			return err
		}
		sp.biz = b
	}
	text, err := filterText(s, &Report{Filter: pol.Filter, Conditions: pol.Conditions})
	if err != nil {
		return bad("measure", fmt.Errorf("policy %q: conditions: %w", pol.Name, err))
	}
	if text != "" {
		f, err := fc.compile(s, text)
		if err != nil {
			return bad("measure", fmt.Errorf("policy %q: filter: %w", pol.Name, err))
		}
		pp := bindPred(f.tree(), filterEnv{Now: rq.now, Zone: rq.loc})
		p.Pred = &filter.Pred{Op: filter.And, Kids: []*filter.Pred{pp, p.Pred}}
		p.PredKey = p.Pred.Key()
	}
	p.sla = sp
	p.SLA = &exec.SLA{FirstResponse: sp.kind == FirstResponseTarget, Target: sp.target, Now: sp.now}
	if sp.biz != nil { // a nil *bizHours would be a non-nil exec.Hours
		p.SLA.Hours = sp.biz
	}
	// Durations of an SLA measure follow its target's clock.
	p.biz, p.Hours = nil, nil
	return nil
}

// over returns how far c's clock ran past the target, and true when c
// breached it, by the rules the scan applies to a row (exec.SLA): what a
// drill-down of the breaches lists.
func (sp *slaPlan) over(c *Conversation) (time.Duration, bool) {
	now := time.Unix(0, sp.now)
	if c.CreatedAt.After(now) {
		return 0, false
	}
	var stop time.Time
	if !c.ClosedAt.IsZero() && !c.ClosedAt.After(now) {
		stop = c.ClosedAt
	}
	if sp.kind == FirstResponseTarget {
		if at := c.FirstResponseAt; !at.IsZero() && !at.After(now) && (stop.IsZero() || at.Before(stop)) {
			stop = at
		}
	}
	end := stop
	if end.IsZero() {
		end = now
	}
	elapsed := time.Duration(end.UnixNano() - c.CreatedAt.UnixNano())
	if sp.biz != nil {
		elapsed = sp.biz.calendarOf(c.Inbox).Between(c.CreatedAt, end)
	}
	if elapsed <= time.Duration(sp.target) {
		return 0, false
	}
	return elapsed - time.Duration(sp.target), true
}

// slaValue computes an SLA measure from a point's decided conversations n,
// those that met the target, and the total time over it (nanoseconds);
// false for other measures. Rounding is the other measures': half away
// from zero, to thousandths.
func slaValue(m Measure, n, met int64, over exec.Sum128) (decimal.NullDecimal, bool) {
	if !m.agg().isSLA() {
		return decimal.NullDecimal{}, false
	}
	if n == 0 {
		// Nothing decided, nothing measured: no value, as a group with no
		// decided conversation has no point, and a time series keeps its
		// bucket without one.
		return decimal.NullDecimal{}, true
	}
	breaches := n - met
	switch m.agg() {
	case SLAMet:
		return valid(divRound(new(big.Int).Mul(big.NewInt(met), big.NewInt(100_000)), big.NewInt(n))), true
	case SLABreaches:
		return valid(decimal.NewFromInt(breaches)), true
	case SLATotalOver:
		return valid(divRound(over.Big(), big1e6)), true
	case SLAAvgOver:
		if breaches == 0 {
			return decimal.NullDecimal{}, true
		}
		return valid(divRound(over.Big(), new(big.Int).Mul(big.NewInt(breaches), big1e6))), true
	}
	return decimal.NullDecimal{}, false
}

// CheckSLA reports whether every SLA measure of d's reports names a
// policy of s and a target that policy sets: a *[ReportError] with Field
// "measure" otherwise. A store that keeps policies calls it before
// saving, as [Dashboard.CheckCalendars] for calendars.
func (d Dashboard) CheckSLA(s *SLASet) error {
	for _, r := range d.Reports {
		if err := s.CheckReport(r); err != nil {
			return err
		}
	}
	return nil
}

// CheckReport is [Dashboard.CheckSLA] for one report.
func (s *SLASet) CheckReport(r Report) error {
	m := r.Measure
	if !m.agg().isSLA() {
		return nil
	}
	if m.SLA == "" && m.Metric == "" {
		// Not "no SLA policy \"\"": the measure names none, and the
		// set's names are what it may name.
		return &ReportError{Report: r.Name, Field: "measure", Err: fmt.Errorf("%s names no policy: set sla to %s", m.Agg, s.choices())}
	}
	// An unknown target is the measure's error, not the policy's: not
	// "policy \"p\" sets no closing target".
	if err := m.validateSLA(); err != nil {
		return &ReportError{Report: r.Name, Field: "measure", Err: err}
	}
	pol, ok := s.Lookup(m.SLA)
	if !ok {
		reason := s.unknown(m.SLA)
		if s == nil {
			reason = fmt.Sprintf("no SLA policy %q: there are no policies", m.SLA)
		}
		return &ReportError{Report: r.Name, Field: "measure", Err: errors.New(reason)}
	}
	if pol.target(m.Target) == nil {
		return &ReportError{Report: r.Name, Field: "measure", Err: fmt.Errorf("policy %q sets no %s target", pol.Name, m.Target)}
	}
	return nil
}

// slaPolicies returns the policies the SLA measures of reports name, each
// once, in the reports' order.
func slaPolicies(reports []Report) []string {
	var out []string
	for _, r := range reports {
		if n := r.Measure.SLA; r.Measure.agg().isSLA() && n != "" && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

// policyList writes names as `policy "a"` or `policies "a", "b" and "c"`.
func policyList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	if len(q) == 1 {
		return "policy " + q[0]
	}
	return "policies " + strings.Join(q[:len(q)-1], ", ") + " and " + q[len(q)-1]
}

// UsesSLA reports whether a report of d has an SLA measure.
func (d Dashboard) UsesSLA() bool {
	for _, r := range d.Reports {
		if r.Measure.agg().isSLA() {
			return true
		}
	}
	return false
}
