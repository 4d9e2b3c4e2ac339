package web

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/calendar"

	"github.com/convreport/convreport"
)

// SLAStore keeps an account's SLA policies (see [convreport.SLASet]);
// store.Memory and store.Dir are ones.
type SLAStore interface {
	// SLA returns the policies; an empty set when there are none.
	SLA(ctx context.Context) (*convreport.SLASet, error)
	// SaveSLA replaces them, for an admin; an invalid set is a
	// *convreport.SLAError, and a set that drops a policy a dashboard
	// measures a *convreport.ReportError whose Field is "measure".
	SaveSLA(ctx context.Context, v access.Viewer, s *convreport.SLASet) error
}

// slaView is the answer of GET /api/sla: the set, and its policies'
// names for the editor's choice.
type slaView struct {
	Set   *convreport.SLASet `json:"set"`
	Names []string           `json:"names"`
	// Editable says whether this viewer may replace the set.
	Editable bool `json:"editable"`
}

// slaSet returns the stored policies; nil without an SLA store.
func (h *handler) slaSet(ctx context.Context) (*convreport.SLASet, error) {
	if h.cfg.SLA == nil {
		return nil, nil
	}
	return h.cfg.SLA.SLA(ctx)
}

// GET /api/sla
func (h *handler) getSLA(w http.ResponseWriter, r *http.Request, v access.Viewer) error {
	set, err := h.slaSet(r.Context())
	if err != nil {
		return err
	}
	if set == nil {
		set = &convreport.SLASet{}
	}
	names := set.Names()
	if names == nil {
		names = []string{}
	}
	writeJSON(w, http.StatusOK, slaView{Set: set, Names: names, Editable: v.Admin && h.cfg.SLA != nil})
	return nil
}

// PUT /api/sla replaces the SLA policies with the body, {"policies":
// [...]}; an admin only. A bad policy answers 422 with the field
// ("policies[0].first_response.within", "policies[1].filter"): its
// filters are compiled against the server's schema and its calendars
// looked up among the stored ones.
func (h *handler) putSLA(w http.ResponseWriter, r *http.Request, v access.Viewer) error {
	if h.cfg.SLA == nil {
		return &Error{Status: http.StatusNotImplemented, Code: "not_implemented", Message: "this server keeps no SLA policies"}
	}
	var raw json.RawMessage
	if err := h.decodeJSON(w, r, &raw); err != nil {
		return err
	}
	set := new(convreport.SLASet)
	if err := set.UnmarshalJSON(raw); err != nil {
		return err
	}
	var cals *calendar.Set
	if h.cfg.Calendars != nil {
		var err error
		if cals, err = h.cfg.Calendars.Calendars(r.Context()); err != nil {
			return err
		}
	}
	if err := set.Check(h.cfg.Schema, cals, convreport.FilterOptions{}); err != nil {
		return err
	}
	if err := h.cfg.SLA.SaveSLA(r.Context(), v, set); err != nil {
		return err
	}
	return h.getSLA(w, r, v)
}

var slaAggregationLabels = []option{
	{Value: string(convreport.SLAMet), Label: "SLA met (%)"},
	{Value: string(convreport.SLABreaches), Label: "SLA breaches"},
	{Value: string(convreport.SLAAvgOver), Label: "SLA average time over target"},
	{Value: string(convreport.SLATotalOver), Label: "SLA total time over target"},
}

// slaOptions offers the SLA measures in the report builder when there are
// policies to measure.
func slaOptions(p *editPage, set *convreport.SLASet) {
	names := set.Names()
	if len(names) == 0 {
		return
	}
	p.Aggregations = append(p.Aggregations, slaAggregationLabels...)
	for _, n := range names {
		p.SLAPolicies = append(p.SLAPolicies, option{Value: n, Label: n})
	}
	p.SLATargets = []option{{Value: string(convreport.FirstResponseTarget), Label: "First response"}, {Value: string(convreport.CloseTarget), Label: "Time to close"}}
}
