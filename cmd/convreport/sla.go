package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/convreport/convreport"
)

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
		return nil, err
	}
	set, err := convreport.ParseSLA(b)
	if err != nil {
		return nil, fmt.Errorf("--sla %s: %s", f.path, oneLine(err))
	}
	return set, nil
}

// apply puts the policies on q, checked against the schema and q's
// calendars; a dashboard whose SLA measures name a policy the file lacks,
// or that has SLA measures without --sla, is an error.
func (f *slaFlag) apply(q *convreport.Query, d convreport.Dashboard, schema *convreport.Schema) error {
	set, err := f.load()
	if err != nil {
		return err
	}
	if set == nil {
		if d.UsesSLA() {
			return usageError("dashboard %q measures SLA targets: give --sla FILE.json holding its policies", d.Name)
		}
		return nil
	}
	if err := set.Check(schema, q.Calendars, convreport.FilterOptions{}); err != nil {
		return fmt.Errorf("--sla %s: %s", f.path, oneLine(err))
	}
	if err := set.CheckDashboard(d); err != nil {
		return fmt.Errorf("--sla %s: %s", f.path, oneLine(err))
	}
	q.SLA = set
	return nil
}
