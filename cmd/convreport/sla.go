package main

import (
	"flag"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/library"
)

// templatePolicies are the policies the library's templates measure.
func templatePolicies() *convreport.SLASet {
	set := &convreport.SLASet{}
	for _, t := range library.All() {
		if t.SLA != nil {
			if _, ok := set.Lookup(t.SLA.Name); !ok {
				set.Policies = append(set.Policies, t.SLA)
			}
		}
	}
	return set
}

// slaFlag is --sla: SLA policies from a policy file.
type slaFlag struct{ path string }

func (f *slaFlag) register(fs *flag.FlagSet) {
	fs.StringVar(&f.path, "sla", "", "SLA policies: a .json file (one policy, or {\"policies\": [...]}) that reports with an sla_ measure name; a target's calendar is looked up in --calendar's file")
}

// load reads the policy file; nil without --sla.
func (f *slaFlag) load() (*convreport.SLASet, error) {
	if f.path == "" {
		return nil, nil
	}
	b, err := os.ReadFile(f.path)
	if err != nil {
		return nil, flagFileError("--sla", f.path, err)
	}
	set, err := convreport.ParseSLA(b)
	if err != nil {
		return nil, fmt.Errorf("--sla %s: %s", f.path, fileProblem(b, err))
	}
	return set, nil
}

// apply puts the policies on q, checked against the schema and q's
// calendars; a dashboard whose SLA measures name a policy the file lacks
// is an error, and so is one without --sla that measures a policy no
// template gives.
func (f *slaFlag) apply(q *convreport.Query, d convreport.Dashboard, schema *convreport.Schema) error {
	set, err := f.load()
	if err != nil {
		return err
	}
	if set == nil {
		if !d.UsesSLA() {
			return nil
		}
		// The templates' own policies (the SLA template's "standard"),
		// so that --dashboard sla runs as it comes.
		tpl := templatePolicies()
		if d.CheckSLA(tpl) != nil {
			return usageError("dashboard %q measures SLA targets: give --sla FILE.json holding %s", d.Name, measuredPolicies(d))
		}
		set = tpl
	}
	if err := set.Check(schema, q.Calendars, convreport.FilterOptions{}); err != nil {
		if q.Calendars == nil && countsInCalendar(set) {
			// Without --calendar there are no calendars at all: say
			// where they come from.
			return fmt.Errorf("--sla %s: %s: give --calendar FILE.json holding it", f.path, oneLine(err))
		}
		return fmt.Errorf("--sla %s: %s", f.path, oneLine(err))
	}
	if err := d.CheckSLA(set); err != nil {
		return fmt.Errorf("--sla %s: %s", f.path, oneLine(err))
	}
	q.SLA = set
	return nil
}

// measuredPolicies names the policies d's SLA measures name, as
// `policy "a"` or `policies "a", "b" and "c"`, as the engine's error for
// a query without policies does.
func measuredPolicies(d convreport.Dashboard) string {
	var q []string
	for _, r := range d.Reports {
		// Measure.SLA is valid on SLA measures only.
		if n := strconv.Quote(r.Measure.SLA); r.Measure.SLA != "" && !slices.Contains(q, n) {
			q = append(q, n)
		}
	}
	switch len(q) {
	case 0:
		// Its SLA measures name none (an error of their own, later).
		return "its policies"
	case 1:
		return "policy " + q[0]
	}
	return "policies " + strings.Join(q[:len(q)-1], ", ") + " and " + q[len(q)-1]
}

// countsInCalendar reports whether a target of a policy of set counts in
// a named calendar.
func countsInCalendar(set *convreport.SLASet) bool {
	for _, p := range set.Policies {
		if p == nil {
			continue
		}
		for _, t := range []*convreport.SLATarget{p.FirstResponse, p.Close} {
			if t != nil && t.Calendar != "" {
				return true
			}
		}
	}
	return false
}
