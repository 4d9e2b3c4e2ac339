package web

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	"github.com/convreport/convreport"
)

// Edits made elsewhere while a report is being edited. An edit names the
// dashboard version it started from, and the store refuses to save over a
// newer one; but a dashboard's version moves with every change of any of
// its reports, its name, its order or its sharing, and an editor refused
// for a change to another report loses nothing but time. So the report
// editor sends, beside the version, the report as it opened it (base):
//
//   - an update goes through when the report is still as it was, whatever
//     else of the dashboard changed: it is saved on the dashboard as it is
//     now, and the other changes are kept;
//   - an update of a report changed since is a 409 conflict that names
//     what changed (Error.Changed), and nothing is saved;
//   - an update of a report removed since is a 404 that says so;
//   - a save as new overwrites nothing: it goes through whatever changed,
//     even the report removed, and starts from base, the report the
//     person was editing, with their edits.
//
// Without base, an edit names the current version or is refused, as every
// other change of a dashboard is. A dashboard deleted and created again
// under its ID is a conflict either way (checkCreated).

// checkBase checks an edit of report rep of d that names the report it
// started from (req.Base), and returns the report to apply the edits to;
// found says whether d still has the report, asNew that the edit saves
// as new.
func checkBase(d convreport.Dashboard, rep convreport.Report, found bool, req editRequest, asNew bool) (convreport.Report, error) {
	base := *req.Base
	if req.Created == nil {
		return rep, unprocessable("invalid_request", "created",
			"created is required: the created_at of the dashboard the edit started from, as the API returned it")
	}
	t, err := parseCreated(*req.Created)
	if err != nil {
		return rep, err
	}
	if err := checkCreated(d, t, "nothing was saved: save your changes in a dashboard you may edit, or copy them"); err != nil {
		return rep, err
	}
	if found && base.ID != rep.ID {
		return rep, unprocessable("invalid_request", "base", "base is report %q, and the path names report %q: send the report the edit started from", base.ID, rep.ID)
	}
	switch {
	case asNew:
		// What the person sees, with their edits: not what another made
		// of the report since.
		return base, nil
	case !found:
		return rep, &Error{Status: http.StatusNotFound, Code: "not_found", Report: base.ID,
			Message: sprintf("report %q is no longer in dashboard %q: it was removed since you opened it; nothing was saved: save your changes as a new report", base.Name, d.Name)}
	case *req.Version == d.Version:
		return rep, nil
	}
	if changed := reportChanges(base, rep); len(changed) > 0 {
		return rep, reportConflict(d, base, rep, changed, *req.Version)
	}
	return rep, nil
}

// reportConflict is the refusal of an update of rep, changed elsewhere
// since the editor opened it as base: which parts changed, and what the
// person can do.
func reportConflict(d convreport.Dashboard, base, rep convreport.Report, changed []string, from int64) *Error {
	return &Error{Status: http.StatusConflict, Code: "conflict", Report: rep.ID, Changed: changed,
		Message: sprintf("report %q was changed elsewhere since you opened it: %s; nothing was saved: "+
			"save your changes as a new report, or load the saved report and make them again (dashboard %q is at version %d, you started from version %d)",
			base.Name, sayChanges(changed, rep), d.Name, d.Version, from)}
}

// reportParts are a report's parts as an edit's body names them, in the
// editor's order, with the words that say one changed.
var reportParts = []struct{ key, words string }{
	{"name", "its name"},
	{"description", "its description"},
	{"measure", "its measure"},
	{"dimensions", "the properties in its chart"},
	{"date_property", "the date its range applies to"},
	{"bucket", "its frequency"},
	{"snapshot", "whether it is a snapshot"},
	{"sort", "its sort"},
	{"limit", "its top"},
	{"chart", "its visualization"},
	{"properties", "its display properties"},
	{"calendar", "its business hours"},
	{"conditions", "its filters"},
	{"filter", "its filter expression"},
}

// reportChanges lists the parts of rep that differ from base, by their
// keys in reportParts' order; a part the list does not know (a field of a
// later version) comes after, by its JSON key. None when they are the
// same report.
func reportChanges(base, rep convreport.Report) []string {
	a, b := reportFields(base), reportFields(rep)
	var out []string
	seen := map[string]bool{"id": true}
	for _, p := range reportParts {
		seen[p.key] = true
		if string(a[p.key]) != string(b[p.key]) {
			out = append(out, p.key)
		}
	}
	var rest []string
	for k := range a {
		rest = append(rest, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			rest = append(rest, k)
		}
	}
	slices.Sort(rest)
	for _, k := range rest {
		if !seen[k] && string(a[k]) != string(b[k]) {
			out = append(out, k)
		}
	}
	return out
}

// reportFields is rep as JSON, by key: two reports that write the same
// value of a key have the same part, whatever their Go values (nil and
// empty lists alike).
func reportFields(rep convreport.Report) map[string]json.RawMessage {
	b, err := json.Marshal(rep)
	if err != nil {
		return nil
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(b, &m) != nil {
		return nil
	}
	return m
}

// sayChanges says the parts changed, rep being the report now: `its name
// (now "Chats per agent"), its visualization and its filters`.
func sayChanges(changed []string, rep convreport.Report) string {
	words := make([]string, len(changed))
	for i, k := range changed {
		words[i] = "its " + strings.ReplaceAll(k, "_", " ")
		for _, p := range reportParts {
			if p.key == k {
				words[i] = p.words
			}
		}
		if k == "name" {
			words[i] += sprintf(" (now %q)", rep.Name)
		}
	}
	return joinAnd(words)
}

// joinAnd joins words as a sentence lists them: "a", "a and b", "a, b
// and c".
func joinAnd(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}
