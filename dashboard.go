package convreport

import (
	"context"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/internal/fold"
	"github.com/convreport/convreport/plan"
)

// Dashboard is an ordered list of reports with a name, an owner and an
// access setting, saved as JSON in a dashboard store (package store). It is a plain value: the
// methods that change it return a new Dashboard and leave the receiver
// as it was, so a failed change is never half-applied.
type Dashboard struct {
	// ID identifies the dashboard in its store; a Store assigns one on
	// Create when it is empty. See [Dashboard.Validate] for its form.
	ID    string `json:"id,omitempty"`
	Name  string `json:"name"`
	Owner string `json:"owner"` // a Viewer's UserID
	// Visibility and Grants say who else may view, edit, delete and share
	// it; see [Dashboard.Can]. Grants apply to
	// [access.SpecificUsersAndTeams] only.
	Visibility access.Visibility `json:"visibility,omitempty"`
	Grants     []access.Grant    `json:"grants,omitempty"`
	// Reports in display order. Each has an ID unique in the dashboard
	// that stays the same when the report is renamed, edited or moved.
	Reports []Report `json:"reports"`
	// Calendar, when set, makes the durations of every report that names
	// no calendar of its own count business hours, by the calendar of this
	// name in the query's [Query.Calendars]: "business hours only" for the
	// whole dashboard. See [Report.Calendar].
	Calendar string `json:"calendar,omitempty"`
	// Filters apply to every report of the dashboard on top of its own
	// filters and conditions: the row of filters above the reports. Set
	// them with [Dashboard.SetFilters], which checks them; see
	// [Dashboard.Runnable].
	Filters []Condition `json:"filters,omitempty"`
	// Version is the revision a Store holds: 1 after Create, one more
	// after each Save. A Save names the version it edited.
	Version int64 `json:"version,omitempty"`
	// CreatedAt and UpdatedAt are set by the Store.
	CreatedAt time.Time `json:"created_at,omitzero"`
	UpdatedAt time.Time `json:"updated_at,omitzero"`
}

// DashboardOptions are the choices of the "create dashboard" dialog.
type DashboardOptions struct {
	// ID is optional: a Store assigns one on Create, the name's slug and
	// a random suffix (see the store package).
	ID string
	// Name is required; it holds no URL and no period.
	Name string
	// Owner is the creating user's UserID.
	Owner      string
	Visibility access.Visibility
	Grants     []access.Grant
	// Reports in display order. A report keeps its ID when it has one
	// that is free; otherwise it gets one made from its name.
	Reports []Report
	// Plan caps the number of reports; the zero value caps nothing.
	Plan plan.Plan
	// Schema is what the reports are checked against; default
	// [DefaultSchema].
	Schema *Schema
}

// NewDashboard returns a new, unsaved dashboard (Version 0) built from o,
// after checking the name, the access setting, every report against the
// schema and the number of reports against the plan. An empty Visibility
// becomes [access.Private].
func NewDashboard(o DashboardOptions) (Dashboard, error) {
	d := Dashboard{
		ID:         o.ID,
		Name:       strings.TrimSpace(o.Name),
		Owner:      o.Owner,
		Visibility: o.Visibility,
		Grants:     slices.Clone(o.Grants),
	}
	if d.Visibility == "" {
		d.Visibility = access.Private
	}
	if err := d.Validate(); err != nil {
		return Dashboard{}, err
	}
	if err := o.Plan.CheckReports(len(o.Reports)); err != nil {
		return Dashboard{}, err
	}
	s := schemaOr(o.Schema)
	for _, r := range o.Reports {
		if err := checkReport(s, r); err != nil {
			return Dashboard{}, err
		}
		r = r.Clone()
		id, err := d.reportID(r)
		if err != nil {
			return Dashboard{}, err
		}
		r.ID = id
		d.Reports = append(d.Reports, r)
	}
	return d, nil
}

func schemaOr(s *Schema) *Schema {
	if s == nil {
		return DefaultSchema()
	}
	return s
}

// DashboardError says what is wrong with a dashboard's own fields.
type DashboardError struct {
	Dashboard string // its ID, or its name before it has one
	Field     string // "name", "id", "owner", "created_at", "updated_at", "visibility", "grants", "reports", "filters", "calendar"
	Reason    string
	// Grant is the number of the grant the problem is in, counted from 1
	// as the message counts the grants ("grant 2 (user …)"): Grants[Grant-1].
	// It is 0 when the problem is not one grant's.
	Grant int
}

func (e *DashboardError) Error() string {
	if e.Dashboard == "" {
		return "convreport: dashboard: " + e.Field + ": " + e.Reason
	}
	return fmt.Sprintf("convreport: dashboard %q: %s: %s", e.Dashboard, e.Field, e.Reason)
}

// MaxNameLength is the longest dashboard name, in characters.
const MaxNameLength = 100

var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)

// Validate checks the dashboard's own fields, as every Store does before
// it writes: a name that is set, at most [MaxNameLength] characters, with
// no control character, no URL and no period (names are shown in links and
// notifications, where a period or a URL could pass for a link), in valid
// UTF-8 (JSON would save anything else changed); an owner;
// a known visibility; grants only with access.SpecificUsersAndTeams, each naming
// one user or one team, allowing view or edit; and reports with distinct
// IDs, each with a name in valid UTF-8 and with no control character, as
// [Report.Check] wants it (two reports may share a name, as when one is
// added twice: the ID tells them apart). No two grants name the same user
// or team, and none names the owner, who needs none. [access.Allowed]
// matches names exactly, case included, so a grant whose name differs
// only by case from another grant's of its kind or from the owner's, or
// has white space at an end, is refused too: it would most likely match
// nobody. An ID, of the dashboard or of a report, is 1 to 64 of
// a–z, 0–9, "-" and "_", starting with a letter or digit, so that it is
// safe in a file name and a URL. The dashboard's ID may be empty before
// its first save. CreatedAt and UpdatedAt must be writable as RFC 3339
// (years 0 to 9999, offsets within ±23:59), so that what Validate accepts
// saves as JSON and reads back the same. It returns a *[DashboardError].
func (d Dashboard) Validate() error {
	bad := func(field, format string, args ...any) error {
		return &DashboardError{Dashboard: d.label(), Field: field, Reason: fmt.Sprintf(format, args...)}
	}
	if reason := nameProblem(d.Name); reason != "" {
		return &DashboardError{Dashboard: d.ID, Field: "name", Reason: reason}
	}
	if d.ID != "" && !idPattern.MatchString(d.ID) {
		return bad("id", "%q is not an ID: use 1 to 64 of a-z, 0-9, - and _", d.ID)
	}
	if d.Owner == "" {
		return bad("owner", "is required")
	}
	// JSON decodes offsets up to ±99:59 but encodes only up to ±23:59: a
	// dashboard that reads must also write back.
	for _, t := range []struct {
		field string
		at    time.Time
	}{{"created_at", d.CreatedAt}, {"updated_at", d.UpdatedAt}} {
		if _, err := t.at.MarshalText(); err != nil {
			return bad(t.field, "%s is not an RFC 3339 time: want a year from 0 to 9999 and an offset within ±23:59", t.at.Format(time.RFC3339Nano))
		}
	}
	if err := checkCalendarName(d.Calendar); err != nil {
		return bad("calendar", "%s", err.Error())
	}
	if !d.Visibility.Valid() {
		return bad("visibility", "unknown visibility %q (want private, admins_and_owner, everyone_view, everyone_edit or specific)", d.Visibility)
	}
	if len(d.Grants) > 0 && d.Visibility.OrPrivate() != access.SpecificUsersAndTeams {
		return bad("grants", "grants apply to visibility %q only, this dashboard is %q", access.SpecificUsersAndTeams, d.Visibility.OrPrivate())
	}
	// Grants are counted from 1, as the share dialog lists them; Grant
	// says which for a program.
	badGrant := func(i int, reason string) error {
		return &DashboardError{Dashboard: d.label(), Field: "grants", Grant: i + 1, Reason: fmt.Sprintf("grant %d%s", i+1, reason)}
	}
	for i, g := range d.Grants {
		switch {
		case (g.User == "") == (g.Team == ""):
			return badGrant(i, ": set exactly one of user and team")
		case g.Allow != "" && g.Allow != access.View && g.Allow != access.Edit:
			return badGrant(i, fmt.Sprintf(": allow %q: want view or edit", g.Allow))
		}
		if reason := grantProblem(d.Owner, d.Grants[:i], g); reason != "" {
			return badGrant(i, fmt.Sprintf(" (%s %q): %s", grantKind(g), grantName(g), reason))
		}
	}
	if len(d.Filters) > MaxDashboardFilters {
		// The properties are checked against a schema by SetFilters and at
		// every run; the count needs none.
		return bad("filters", "%d filters: a dashboard holds at most %d", len(d.Filters), MaxDashboardFilters)
	}
	seen := map[string]bool{}
	for i, r := range d.Reports {
		switch {
		case !idPattern.MatchString(r.ID):
			return bad("reports", "report #%d (%q): %q is not an ID: use 1 to 64 of a-z, 0-9, - and _", i, r.Name, r.ID)
		case seen[r.ID]:
			return bad("reports", "report #%d (%q): ID %q is used twice", i, r.Name, r.ID)
		case strings.TrimSpace(r.Name) == "":
			return bad("reports", "report %q has no name", r.ID)
		}
		if reason := textProblem(r.Name); reason != "" {
			return bad("reports", "report %q: name: %s", r.ID, reason)
		}
		seen[r.ID] = true
	}
	return nil
}

func grantKind(g access.Grant) string {
	if g.Team != "" {
		return "team"
	}
	return "user"
}

func grantName(g access.Grant) string { return g.User + g.Team }

// grantProblem says why g, after the grants before it, would give no
// right or an unclear one, or "". Two grants of one name say two rights
// where one applies.
func grantProblem(owner string, before []access.Grant, g access.Grant) string {
	kind, name := grantKind(g), grantName(g)
	if strings.TrimSpace(name) != name {
		return "the name has white space at an end; names are matched exactly, so it would match nobody"
	}
	if reason := textProblem(name); reason != "" {
		return "the name " + reason
	}
	if kind == "user" {
		switch {
		case name == owner:
			return fmt.Sprintf("%q owns the dashboard and may already do everything; remove the grant", name)
		case strings.EqualFold(name, owner):
			return fmt.Sprintf("differs only by case from the owner %q, who needs no grant; names are matched exactly, case included", owner)
		}
	}
	for j, o := range before {
		if grantKind(o) != kind {
			continue // a user and a team may have one name
		}
		switch other := grantName(o); {
		case other == name:
			return fmt.Sprintf("grant %d already names %s %q: give each user or team one grant", j+1, kind, name)
		case strings.EqualFold(other, name):
			spelled := "the user's ID"
			if kind == "team" {
				spelled = "the team's name"
			}
			return fmt.Sprintf("differs only by case from grant %d (%s %q); names are matched exactly, case included: keep one grant, spelled as %s is", j+1, kind, other, spelled)
		}
	}
	return ""
}

// nameProblem says what is wrong with a dashboard name, or "".
func nameProblem(name string) string {
	// The control characters of the whole name: a line break at an end
	// would be saved with it.
	whole := name
	name = strings.TrimSpace(name)
	low := strings.ToLower(name)
	switch {
	case name == "":
		return "is required"
	case utf8.RuneCountInString(name) > MaxNameLength:
		return fmt.Sprintf("is longer than %d characters", MaxNameLength)
	}
	if reason := textProblem(whole); reason != "" {
		return reason
	}
	for _, u := range []string{"://", "www.", "http:", "https:", "mailto:", "javascript:"} {
		if strings.Contains(low, u) {
			return fmt.Sprintf("%q holds a URL; dashboard names hold no URL", name)
		}
	}
	// The full stops that domain names read as a dot (IDNA): ASCII,
	// fullwidth, ideographic and halfwidth ideographic.
	if strings.ContainsAny(name, ".\uff0e\u3002\uff61") {
		return fmt.Sprintf("%q holds a period; dashboard names hold no period", name)
	}
	return ""
}

// textProblem says what is wrong with a name a person reads (of a
// dashboard, a report, a grant's user or team), or "": bytes that are not
// UTF-8, which JSON would save as U+FFFD, or a control character (a line
// break, a tab, NUL), which would break the line it is shown on or hide in
// it.
func textProblem(s string) string {
	switch {
	case !utf8.ValidString(s):
		return "is not valid UTF-8"
	case strings.ContainsFunc(s, unicode.IsControl):
		return "holds a control character"
	}
	return ""
}

// Clone returns a deep copy of d: changing one never changes the other.
func (d Dashboard) Clone() Dashboard {
	d.Grants = slices.Clone(d.Grants)
	d.Filters = cloneConditions(d.Filters)
	if d.Reports != nil {
		rs := make([]Report, len(d.Reports))
		for i, r := range d.Reports {
			rs[i] = r.Clone()
		}
		d.Reports = rs
	}
	return d
}

// Clone returns a deep copy of r: changing one never changes the other.
func (r Report) Clone() Report {
	r.Dimensions = slices.Clone(r.Dimensions)
	r.Properties = slices.Clone(r.Properties)
	if r.Conditions != nil {
		cs := make([]Condition, len(r.Conditions))
		for i, c := range r.Conditions {
			c.Values = slices.Clone(c.Values)
			cs[i] = c
		}
		r.Conditions = cs
	}
	return r
}

func reportsEqual(a, b []Report) bool { return reflect.DeepEqual(a, b) }

// Report returns the report with the given ID.
func (d Dashboard) Report(id string) (Report, bool) {
	i := d.reportIndex(id)
	if i < 0 {
		return Report{}, false
	}
	return d.Reports[i].Clone(), true
}

func (d Dashboard) reportIndex(id string) int {
	return slices.IndexFunc(d.Reports, func(r Report) bool { return r.ID == id })
}

func (d Dashboard) noReport(id string) error {
	return fmt.Errorf("%w: dashboard %q has no report %q", ErrNotFound, d.label(), id)
}

// reportID returns r's ID when it has a free one, else a new one made from
// its name: "closed-conversations-by-rep", then "…-2", "…-3". An ID freed
// by removing a report may be given again, to a report of the same name.
func (d Dashboard) reportID(r Report) (string, error) {
	taken := func(id string) bool { return d.reportIndex(id) >= 0 }
	if r.ID != "" {
		if !idPattern.MatchString(r.ID) {
			return "", &ReportError{Report: r.Name, Field: "id", Err: fmt.Errorf("%q is not an ID: use 1 to 64 of a-z, 0-9, - and _", r.ID)}
		}
		if !taken(r.ID) {
			return r.ID, nil
		}
	}
	base := fold.Slug(r.Name)
	if base == "" {
		base = "report"
	}
	if !taken(base) {
		return base, nil
	}
	for n := 2; ; n++ {
		suffix := "-" + strconv.Itoa(n)
		id := strings.TrimRight(base[:min(len(base), fold.MaxSlug-len(suffix))], "-") + suffix
		if !taken(id) {
			return id, nil
		}
	}
}

// AddReport returns d with r appended, after checking r as [Report.Check]
// does and the number of reports against pl. r keeps its ID when that is
// free and gets one made from its name otherwise: the report editor's "save
// as new report" is AddReport of the edited report with its ID cleared.
// On any error it returns d unchanged.
func (d Dashboard) AddReport(s *Schema, pl plan.Plan, r Report) (Dashboard, error) {
	if err := pl.CheckReports(len(d.Reports) + 1); err != nil {
		return d, err
	}
	if err := checkReport(schemaOr(s), r); err != nil {
		return d, err
	}
	r = r.Clone()
	id, err := d.reportID(r)
	if err != nil {
		return d, err
	}
	r.ID = id
	out := d.Clone()
	out.Reports = append(out.Reports, r)
	return out, nil
}

// RemoveReport returns d without the report id. An unknown id is an error
// wrapping [ErrNotFound], returned with d unchanged.
func (d Dashboard) RemoveReport(id string) (Dashboard, error) {
	i := d.reportIndex(id)
	if i < 0 {
		return d, d.noReport(id)
	}
	out := d.Clone()
	out.Reports = slices.Delete(out.Reports, i, i+1)
	return out, nil
}

// UpdateReport is the report editor's "update existing report": it
// returns d with r in place of the report of r's ID, keeping its position,
// after checking r as [Report.Check] does. An unknown ID is an error
// wrapping [ErrNotFound]; on any error d is returned unchanged.
func (d Dashboard) UpdateReport(s *Schema, r Report) (Dashboard, error) {
	i := d.reportIndex(r.ID)
	if i < 0 {
		return d, d.noReport(r.ID)
	}
	if err := checkReport(schemaOr(s), r); err != nil {
		return d, err
	}
	out := d.Clone()
	out.Reports[i] = r.Clone()
	return out, nil
}

// RunDashboard runs every report of d for q in one scan, like [Engine.Run],
// and returns one Result per report in d's order. A report that names no
// calendar runs with the dashboard's Calendar. q.Viewer must be allowed
// to view d; otherwise RunDashboard reads nothing and returns an
// *[access.Error] wrapping [access.ErrForbidden].
func (e *Engine) RunDashboard(ctx context.Context, q Query, d Dashboard) ([]Result, error) {
	if err := e.ready(ctx); err != nil {
		return nil, err
	}
	if !d.Can(q.Viewer, access.View) {
		return nil, d.forbid(q.Viewer, access.View)
	}
	if d.Calendar == "" && len(d.Filters) == 0 {
		return e.Run(ctx, q, d.Reports...)
	}
	// Checked here, or the first report to inherit it would take the
	// blame; a calendar no report inherits is not looked up.
	inherits := slices.ContainsFunc(d.Reports, func(r Report) bool { return r.Calendar == "" })
	if d.Calendar != "" && inherits {
		if _, err := lookupCalendar(q.Calendars, d.Calendar); err != nil {
			return nil, &DashboardError{Dashboard: d.label(), Field: "calendar", Reason: err.Error()}
		}
	}
	// The results carry the reports as they ran.
	rs := make([]Report, len(d.Reports))
	for i, r := range d.Reports {
		rs[i] = d.Runnable(r)
	}
	return e.Run(ctx, q, rs...)
}

// Runnable returns r as [Engine.RunDashboard] runs it in d: with d's
// Calendar when r names none, and d's Filters after r's own Conditions
// (a conversation counts when it passes both). Run one report of a dashboard on its own
// ([Engine.Run], [Engine.DrillDown]) through it, so that its numbers are
// the dashboard's; save the report itself, not what Runnable returns.
func (d Dashboard) Runnable(r Report) Report {
	if r.Calendar == "" {
		r.Calendar = d.Calendar
	}
	if len(d.Filters) > 0 {
		r.Conditions = append(cloneConditions(r.Conditions), cloneConditions(d.Filters)...)
	}
	return r
}
