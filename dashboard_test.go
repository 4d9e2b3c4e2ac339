package convreport_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/memory"
	"github.com/convreport/convreport/plan"
	"github.com/stretchr/testify/require"
)

func byRepReport(name string) convreport.Report {
	return convreport.Report{Name: name, Dimensions: []string{"Assignee"}, Properties: []string{"ID", "Inbox"}}
}

func nReports(n int) []convreport.Report {
	rs := make([]convreport.Report, n)
	for i := range rs {
		rs[i] = byRepReport(fmt.Sprintf("Report %d", i+1))
	}
	return rs
}

func newDash(t *testing.T, reports ...convreport.Report) convreport.Dashboard {
	t.Helper()
	d, err := convreport.NewDashboard(convreport.DashboardOptions{Name: "Support", Owner: "olivia", Reports: reports})
	require.NoError(t, err)
	return d
}

func TestDashboardNames(t *testing.T) {
	cases := []struct {
		name, reason string // reason "" when the name is fine
	}{
		{"Support team", ""},
		{"  Équipe support — chat & e-mail  ", ""},
		{"Q1: open, closed", ""},
		{"", "is required"},
		{"   ", "is required"},
		{"Q1. review", `"Q1. review" holds a period; dashboard names hold no period`},
		{"v1.2", `"v1.2" holds a period; dashboard names hold no period`},
		{"evil\uff0ecom", "\"evil\uff0ecom\" holds a period; dashboard names hold no period"},
		{"evil\u3002com", "\"evil\u3002com\" holds a period; dashboard names hold no period"},
		{"evil\uff61com", "\"evil\uff61com\" holds a period; dashboard names hold no period"},
		{"see https://example.com", `"see https://example.com" holds a URL; dashboard names hold no URL`},
		{"http://localhost", `"http://localhost" holds a URL; dashboard names hold no URL`},
		{"WWW.example.com", `"WWW.example.com" holds a URL; dashboard names hold no URL`},
		{"mailto:ana@example", `"mailto:ana@example" holds a URL; dashboard names hold no URL`},
		{"line\nbreak", "holds a control character"},
		{"tab\there", "holds a control character"},
		{"nul\x00", "holds a control character"},
		{"x\xff\xfey", "is not valid UTF-8"},
		{strings.Repeat("é", 100), ""},
		{strings.Repeat("é", 101), "is longer than 100 characters"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d, err := convreport.NewDashboard(convreport.DashboardOptions{Name: tc.name, Owner: "olivia"})
			if tc.reason == "" {
				require.NoError(t, err)
				require.Equal(t, strings.TrimSpace(tc.name), d.Name)
				return
			}
			var de *convreport.DashboardError
			require.True(t, errors.As(err, &de), "got %v", err)
			require.Equal(t, "name", de.Field)
			require.Equal(t, tc.reason, de.Reason)
			require.Equal(t, convreport.Dashboard{}, d)
		})
	}
}

func TestDashboardNameErrorMessage(t *testing.T) {
	_, err := convreport.NewDashboard(convreport.DashboardOptions{Name: "Q1. review", Owner: "olivia"})
	require.EqualError(t, err, `convreport: dashboard: name: "Q1. review" holds a period; dashboard names hold no period`)
	_, err = convreport.NewDashboard(convreport.DashboardOptions{Owner: "olivia"})
	require.EqualError(t, err, `convreport: dashboard: name: is required`)
}

func TestDashboardValidate(t *testing.T) {
	ok := func() convreport.Dashboard {
		return convreport.Dashboard{ID: "support", Name: "Support", Owner: "olivia", Visibility: access.SpecificUsersAndTeams,
			Grants:  []access.Grant{{Team: "Support"}, {User: "oscar", Allow: access.Edit}},
			Reports: []convreport.Report{{ID: "a", Name: "A"}, {ID: "b_2", Name: "B"}}}
	}
	require.NoError(t, ok().Validate())
	cases := []struct {
		name   string
		change func(*convreport.Dashboard)
		field  string
	}{
		{"no owner", func(d *convreport.Dashboard) { d.Owner = "" }, "owner"},
		{"id with capitals", func(d *convreport.Dashboard) { d.ID = "Support" }, "id"},
		{"id with a slash", func(d *convreport.Dashboard) { d.ID = "../etc" }, "id"},
		{"id too long", func(d *convreport.Dashboard) { d.ID = strings.Repeat("a", 65) }, "id"},
		{"unknown visibility", func(d *convreport.Dashboard) { d.Visibility = "public" }, "visibility"},
		{"grants without specific visibility", func(d *convreport.Dashboard) { d.Visibility = access.EveryoneCanView }, "grants"},
		{"grant to user and team", func(d *convreport.Dashboard) { d.Grants[0].User = "tess" }, "grants"},
		{"grant to nobody", func(d *convreport.Dashboard) { d.Grants[0].Team = "" }, "grants"},
		{"grant allowing delete", func(d *convreport.Dashboard) { d.Grants[0].Allow = access.Delete }, "grants"},
		{"report without id", func(d *convreport.Dashboard) { d.Reports[0].ID = "" }, "reports"},
		{"report ids twice", func(d *convreport.Dashboard) { d.Reports[1].ID = "a" }, "reports"},
		{"report without name", func(d *convreport.Dashboard) { d.Reports[1].Name = " " }, "reports"},
		{"name ending in a line break", func(d *convreport.Dashboard) { d.Name = "Support\n" }, "name"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := ok()
			tc.change(&d)
			var de *convreport.DashboardError
			require.True(t, errors.As(d.Validate(), &de))
			require.Equal(t, tc.field, de.Field)
		})
	}
}

// A report's name is shown on its card and in messages as a dashboard's
// name is: Validate refuses one with a control character or bytes that are
// not UTF-8 (JSON would save them as U+FFFD), as it refuses such a
// dashboard name, so that a store, and a dashboards file the command line
// reads, never hold one.
func TestDashboardValidateReportNames(t *testing.T) {
	for _, tc := range []struct{ name, want string }{
		{"a\x00b", `convreport: dashboard "support": reports: report "b": name: holds a control character`},
		{"By rep\nand inbox", `convreport: dashboard "support": reports: report "b": name: holds a control character`},
		{"By\trep", `convreport: dashboard "support": reports: report "b": name: holds a control character`},
		{"x\xff\xfey", `convreport: dashboard "support": reports: report "b": name: is not valid UTF-8`},
	} {
		d := convreport.Dashboard{ID: "support", Name: "Support", Owner: "olivia",
			Reports: []convreport.Report{{ID: "a", Name: "A"}, {ID: "b", Name: tc.name}}}
		var de *convreport.DashboardError
		require.ErrorAs(t, d.Validate(), &de, "%q", tc.name)
		require.Equal(t, "reports", de.Field)
		require.EqualError(t, de, tc.want)
	}
	ok := convreport.Dashboard{ID: "support", Name: "Support", Owner: "olivia",
		Reports: []convreport.Report{{ID: "a", Name: "Délai de 1re réponse — chat. v2"}}}
	require.NoError(t, ok.Validate(), "a period and any printable character are fine in a report name")
}

// Grants are matched exactly, case included: a grant that names what
// another grant or the owner names, in the same case or in another, is
// refused with its position and its name, and so is one with white space
// around its name.
func TestDashboardValidateGrants(t *testing.T) {
	with := func(grants ...access.Grant) convreport.Dashboard {
		return convreport.Dashboard{ID: "support", Name: "Support", Owner: "olivia", Visibility: access.SpecificUsersAndTeams, Grants: grants}
	}
	ben, support := access.Grant{User: "ben"}, access.Grant{Team: "Support"}
	for _, tc := range []struct {
		name   string
		grants []access.Grant
		want   string
	}{
		{"a user twice", []access.Grant{ben, support, {User: "ben", Allow: access.Edit}},
			`grant 3 (user "ben"): grant 1 already names user "ben": give each user or team one grant`},
		{"a team twice", []access.Grant{support, ben, support},
			`grant 3 (team "Support"): grant 1 already names team "Support": give each user or team one grant`},
		{"a user in another case", []access.Grant{ben, {User: "Ben"}},
			`grant 2 (user "Ben"): differs only by case from grant 1 (user "ben"); names are matched exactly, case included: keep one grant, spelled as the user's ID is`},
		{"a team in another case", []access.Grant{support, {Team: "SUPPORT", Allow: access.Edit}},
			`grant 2 (team "SUPPORT"): differs only by case from grant 1 (team "Support"); names are matched exactly, case included: keep one grant, spelled as the team's name is`},
		{"the owner", []access.Grant{ben, {User: "olivia", Allow: access.Edit}},
			`grant 2 (user "olivia"): "olivia" owns the dashboard and may already do everything; remove the grant`},
		{"the owner in another case", []access.Grant{{User: "Olivia"}},
			`grant 1 (user "Olivia"): differs only by case from the owner "olivia", who needs no grant; names are matched exactly, case included`},
		{"space around a name", []access.Grant{{User: "ben "}},
			`grant 1 (user "ben "): the name has white space at an end; names are matched exactly, so it would match nobody`},
		{"space before a team", []access.Grant{{Team: "\tSupport"}},
			`grant 1 (team "\tSupport"): the name has white space at an end; names are matched exactly, so it would match nobody`},
		{"a control character", []access.Grant{ben, {Team: "Sup\x00port"}},
			`grant 2 (team "Sup\x00port"): the name holds a control character`},
		{"bytes that are not UTF-8", []access.Grant{{User: "b\xffn"}},
			`grant 1 (user "b\xffn"): the name is not valid UTF-8`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := with(tc.grants...).Validate()
			var de *convreport.DashboardError
			require.ErrorAs(t, err, &de)
			require.Equal(t, "grants", de.Field)
			require.Equal(t, len(tc.grants), de.Grant, "the last grant of each case is the one refused")
			require.EqualError(t, err, `convreport: dashboard "support": grants: `+tc.want)
		})
	}
	// A user and a team may share a name, and a team the owner's: they
	// are different principals. Names that differ by more than case are
	// different people.
	require.NoError(t, with(ben, access.Grant{Team: "ben"}, access.Grant{Team: "olivia"}, access.Grant{User: "Support"}, access.Grant{User: "bén"}).Validate())
}

// A save that leaves who may see the dashboard as it is does not check its
// grants again: a dashboard shared before a rule of grants existed is still
// edited. Changing its sharing checks them whole.
func TestValidateSaveKeepsGrantsAsTheyAre(t *testing.T) {
	// As stored before the rules: ben twice, and the owner.
	cur := convreport.Dashboard{ID: "support", Name: "Support", Owner: "olivia", Visibility: access.SpecificUsersAndTeams,
		Grants: []access.Grant{{User: "ben"}, {User: "Ben", Allow: access.Edit}, {User: "olivia"}}, Version: 3}
	require.Error(t, cur.Validate())

	renamed := cur.Clone()
	renamed.Name = "Support desk"
	require.NoError(t, convreport.ValidateSave(cur, renamed))
	renamed.Name = "Support. desk"
	require.ErrorContains(t, convreport.ValidateSave(cur, renamed), "name:", "the rest is checked as ever")

	for _, change := range []func(d *convreport.Dashboard){
		func(d *convreport.Dashboard) { d.Grants = append(d.Grants, access.Grant{Team: "Sales"}) },
		func(d *convreport.Dashboard) { d.Grants[0].Allow = access.Edit },
		func(d *convreport.Dashboard) { d.Owner = "oscar" },
		func(d *convreport.Dashboard) { d.Visibility = access.EveryoneCanView },
	} {
		next := cur.Clone()
		change(&next)
		var de *convreport.DashboardError
		require.ErrorAs(t, convreport.ValidateSave(cur, next), &de)
		require.Equal(t, "grants", de.Field)
	}
	fixed := cur.Clone()
	fixed.Grants = []access.Grant{{User: "ben", Allow: access.Edit}}
	require.NoError(t, convreport.ValidateSave(cur, fixed))
	// Over a dashboard as the rules have it, a save checks what it is given.
	bad := fixed.Clone()
	bad.Grants = append(bad.Grants, access.Grant{User: "BEN"})
	require.ErrorContains(t, convreport.ValidateSave(fixed, bad), `grant 2 (user "BEN"): differs only by case from grant 1 (user "ben")`)
}

func TestNewDashboard(t *testing.T) {
	t.Run("report ids come from names, kept when given and free", func(t *testing.T) {
		given := byRepReport("Given")
		given.ID = "mine"
		d := newDash(t, byRepReport("Conversations by rep"), byRepReport("Conversations by rep"), given,
			byRepReport("Temps de réponse à l’accueil"), byRepReport("!!!"))
		var ids []string
		for _, r := range d.Reports {
			ids = append(ids, r.ID)
		}
		require.Equal(t, []string{"conversations-by-rep", "conversations-by-rep-2", "mine", "temps-de-reponse-a-l-accueil", "report"}, ids)
		require.Equal(t, access.Private, d.Visibility)
		require.Zero(t, d.Version)
		require.NoError(t, d.Validate())
	})
	t.Run("a given id that is taken gets a new one", func(t *testing.T) {
		a, b := byRepReport("A"), byRepReport("B")
		a.ID, b.ID = "same", "same"
		d := newDash(t, a, b)
		require.Equal(t, "same", d.Reports[0].ID)
		require.Equal(t, "b", d.Reports[1].ID)
	})
	t.Run("a malformed given id is an error", func(t *testing.T) {
		r := byRepReport("A")
		r.ID = "Not an id"
		_, err := convreport.NewDashboard(convreport.DashboardOptions{Name: "Support", Owner: "olivia", Reports: []convreport.Report{r}})
		var re *convreport.ReportError
		require.True(t, errors.As(err, &re))
		require.Equal(t, "id", re.Field)
	})
	t.Run("reports are checked against the schema", func(t *testing.T) {
		r := byRepReport("By mood")
		r.Dimensions = []string{"Mood"}
		_, err := convreport.NewDashboard(convreport.DashboardOptions{Name: "Support", Owner: "olivia", Reports: []convreport.Report{r}})
		var re *convreport.ReportError
		require.True(t, errors.As(err, &re))
		require.Equal(t, "dimensions", re.Field)
	})
	t.Run("a custom schema is used when given", func(t *testing.T) {
		s, err := convreport.NewSchema(convreport.Property{Name: "Mood", Kind: convreport.KindString})
		require.NoError(t, err)
		r := byRepReport("By mood")
		r.Dimensions = []string{"Mood"}
		_, err = convreport.NewDashboard(convreport.DashboardOptions{Name: "Support", Owner: "olivia", Reports: []convreport.Report{r}, Schema: s})
		require.NoError(t, err)
	})
	t.Run("the options' slices are copied", func(t *testing.T) {
		rs := []convreport.Report{byRepReport("A")}
		d := newDash(t, rs...)
		rs[0].Dimensions[0] = "Team"
		require.Equal(t, []string{"Assignee"}, d.Reports[0].Dimensions)
	})
}

func TestPlanLimits(t *testing.T) {
	starter := plan.Starter
	wantStarter := &plan.Error{Plan: "starter", Limit: plan.ReportsPerDashboard, Max: 10}
	requireCap := func(t *testing.T, want *plan.Error, err error) {
		t.Helper()
		var pe *plan.Error
		require.True(t, errors.As(err, &pe), "got %v", err)
		require.Equal(t, want, pe)
	}

	t.Run("create at the cap", func(t *testing.T) {
		_, err := convreport.NewDashboard(convreport.DashboardOptions{Name: "Support", Owner: "olivia", Reports: nReports(10), Plan: starter})
		require.NoError(t, err)
	})
	t.Run("create over the cap", func(t *testing.T) {
		_, err := convreport.NewDashboard(convreport.DashboardOptions{Name: "Support", Owner: "olivia", Reports: nReports(11), Plan: starter})
		requireCap(t, wantStarter, err)
		require.EqualError(t, err, `convreport: plan "starter" allows 10 reports per dashboard`)
	})
	t.Run("add over the cap leaves the dashboard as it was", func(t *testing.T) {
		d := newDash(t, nReports(10)...)
		before := d.Clone()
		_, err := d.AddReport(nil, starter, byRepReport("Eleventh"))
		requireCap(t, wantStarter, err)
		require.Equal(t, before, d)
	})
	t.Run("add under the cap", func(t *testing.T) {
		d := newDash(t, nReports(9)...)
		d2, err := d.AddReport(nil, starter, byRepReport("Tenth"))
		require.NoError(t, err)
		require.Len(t, d2.Reports, 10)
		require.Equal(t, "tenth", d2.Reports[9].ID)
		require.Len(t, d.Reports, 9)
	})
	t.Run("save as new over the cap", func(t *testing.T) {
		d := newDash(t, nReports(10)...)
		before := d.Clone()
		copied := d.Reports[0]
		copied.ID, copied.Name = "", "Copy"
		_, err := d.AddReport(nil, starter, copied)
		requireCap(t, wantStarter, err)
		require.Equal(t, before, d)
	})
	t.Run("custom caps", func(t *testing.T) {
		custom := plan.Plan{Name: "team", ReportsPerDashboard: 2, DashboardsPerAccount: 5}
		d := newDash(t, nReports(2)...)
		_, err := d.AddReport(nil, custom, byRepReport("Third"))
		requireCap(t, &plan.Error{Plan: "team", Limit: plan.ReportsPerDashboard, Max: 2}, err)
		require.NoError(t, custom.CheckDashboards(5))
		err = custom.CheckDashboards(6)
		require.EqualError(t, err, `convreport: plan "team" allows 5 dashboards per account`)
	})
	t.Run("the zero plan caps nothing", func(t *testing.T) {
		_, err := convreport.NewDashboard(convreport.DashboardOptions{Name: "Support", Owner: "olivia", Reports: nReports(200)})
		require.NoError(t, err)
		require.NoError(t, plan.Plan{}.CheckDashboards(1_000_000))
	})
	t.Run("an unnamed plan still says its cap", func(t *testing.T) {
		require.EqualError(t, plan.Plan{ReportsPerDashboard: 3}.CheckReports(4), "convreport: the plan allows 3 reports per dashboard")
	})
	t.Run("presets", func(t *testing.T) {
		require.Equal(t, []plan.Plan{
			{Name: "free", ReportsPerDashboard: 10, DashboardsPerAccount: 3},
			{Name: "starter", ReportsPerDashboard: 10, DashboardsPerAccount: 10},
			{Name: "professional", ReportsPerDashboard: 30, DashboardsPerAccount: 25},
			{Name: "enterprise", ReportsPerDashboard: 30, DashboardsPerAccount: 50},
		}, []plan.Plan{plan.Free, plan.Starter, plan.Professional, plan.Enterprise})
	})
}

func TestUpdateReport(t *testing.T) {
	base := func(t *testing.T) convreport.Dashboard {
		return newDash(t, byRepReport("Conversations by rep"), byRepReport("Second"))
	}
	t.Run("the edited copy takes the report's place", func(t *testing.T) {
		d := base(t)
		before := d.Clone()
		r, ok := d.Report("conversations-by-rep")
		require.True(t, ok)
		r.Name = "Chats per rep"
		r.Chart = convreport.Chart{Type: convreport.ColumnChart, Stacked: true}
		r.Dimensions = []string{"Assignee", "Inbox"} // stacking needs a breakdown
		r.Properties = []string{"ID", "Subject", "Assignee"}
		// An automatic chart of two groupings and no bucket is a bar
		// chart, which stacks.
		auto := r
		auto.Chart = convreport.Chart{Stacked: true}
		require.Equal(t, convreport.BarChart, auto.ChartType())
		require.NoError(t, auto.Check(nil))
		d2, err := d.UpdateReport(nil, r)
		require.NoError(t, err)
		want := before.Clone()
		want.Reports[0] = r
		require.Equal(t, want, d2)
		require.Equal(t, before, d, "the receiver is unchanged")
		r.Properties[0] = "Team"
		require.Equal(t, "ID", d2.Reports[0].Properties[0], "the dashboard keeps its own copy")
	})
	bad := []struct {
		name  string
		edit  func(r *convreport.Report)
		field string
		msg   string
	}{
		{"unknown property, with a suggestion", func(r *convreport.Report) { r.Properties = append(r.Properties, "Subjet") }, "properties",
			`convreport: report "Second": properties: unknown property "Subjet" (did you mean "Subject"?)`},
		{"unknown chart", func(r *convreport.Report) { r.Chart = convreport.Chart{Type: "radar"} }, "chart",
			`convreport: report "Second": chart: unknown chart type "radar"`},
		{"stacked pie", func(r *convreport.Report) { r.Chart = convreport.Chart{Type: convreport.PieChart, Stacked: true} }, "chart",
			`convreport: report "Second": chart: a pie chart cannot be stacked; only bar and column charts can`},
		{"stacked automatic line", func(r *convreport.Report) {
			r.Bucket, r.Dimensions, r.Chart = convreport.Day, []string{"Inbox"}, convreport.Chart{Stacked: true}
		}, "chart",
			`convreport: report "Second": chart: the automatic chart of this report is a line chart, which cannot be stacked; choose a bar or column chart`},
		{"blank name", func(r *convreport.Report) { r.Name = "  " }, "name", `convreport: report "  ": name: is required`},
		{"name with NUL and a line break", func(r *convreport.Report) { r.Name = "a\x00b\nc" }, "name",
			`convreport: report "a\x00b\nc": name: holds a control character`},
		{"name not in UTF-8", func(r *convreport.Report) { r.Name = "x\xff\xfey" }, "name",
			`convreport: report "x\xff\xfey": name: is not valid UTF-8`},
		{"a time is no grouping", func(r *convreport.Report) { r.Dimensions = []string{"CreatedAt"} }, "dimensions",
			`convreport: report "Second": dimensions: CreatedAt is a time property; group by string, enum or bool properties, and by time with a bucket`},
	}
	// An ID that is not one: Check refuses it as AddReport does (Update
	// finds no report by it).
	t.Run("an ID that is not one", func(t *testing.T) {
		r, _ := base(t).Report("second")
		r.ID = "Bad ID"
		var re *convreport.ReportError
		for _, err := range []error{r.Check(nil), func() error { _, err := base(t).AddReport(nil, plan.Plan{}, r); return err }()} {
			require.True(t, errors.As(err, &re), "got %v", err)
			require.Equal(t, "id", re.Field)
			require.EqualError(t, err, `convreport: report "Second": id: "Bad ID" is not an ID: use 1 to 64 of a-z, 0-9, - and _`)
		}
	})
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			d := base(t)
			before := d.Clone()
			r, _ := d.Report("second")
			tc.edit(&r)
			for _, err := range []error{r.Check(nil), func() error { _, err := d.UpdateReport(nil, r); return err }()} {
				var re *convreport.ReportError
				require.True(t, errors.As(err, &re), "got %v", err)
				require.Equal(t, tc.field, re.Field)
				require.EqualError(t, err, tc.msg)
			}
			require.Equal(t, before, d)
		})
	}
	t.Run("unknown property error is an UnknownPropertyError", func(t *testing.T) {
		d := base(t)
		r, _ := d.Report("second")
		r.Properties = []string{"Subjet"}
		_, err := d.UpdateReport(nil, r)
		var ue *convreport.UnknownPropertyError
		require.True(t, errors.As(err, &ue))
		require.Equal(t, "Subject", ue.Suggest)
	})
	t.Run("unknown report", func(t *testing.T) {
		_, err := base(t).UpdateReport(nil, byRepReport("Nope"))
		require.ErrorIs(t, err, convreport.ErrNotFound)
		_, err = base(t).RemoveReport("nope")
		require.ErrorIs(t, err, convreport.ErrNotFound)
	})
}

// "Save as new report" is AddReport of the edited copy without its ID.
func TestSaveReportAsNew(t *testing.T) {
	d := newDash(t, byRepReport("Conversations by rep"), byRepReport("Second"))
	before := d.Clone()
	r, _ := d.Report("conversations-by-rep")
	r.ID, r.Name, r.Chart = "", "Conversations by rep, as a pie", convreport.Chart{Type: convreport.PieChart}
	d2, err := d.AddReport(nil, plan.Starter, r)
	require.NoError(t, err)
	require.Equal(t, before, d)
	require.Len(t, d2.Reports, 3)
	require.Equal(t, before.Reports, d2.Reports[:2], "the original is untouched")
	want := before.Reports[0]
	want.ID, want.Name, want.Chart = "conversations-by-rep-as-a-pie", "Conversations by rep, as a pie", convreport.Chart{Type: convreport.PieChart}
	require.Equal(t, want, d2.Reports[2])

	// Saved again under its own name, the copy gets a suffixed ID, and
	// the dashboard refuses two reports of one name.
	again, _ := d2.Report("conversations-by-rep")
	again.ID = ""
	again.Name = "Conversations by rep (copy)"
	d3, err := d2.AddReport(nil, plan.Starter, again)
	require.NoError(t, err)
	require.Equal(t, "conversations-by-rep-copy", d3.Reports[3].ID)
	require.NoError(t, d3.Validate())
	again.Name = "Conversations by rep"
	d3b, err := d2.AddReport(nil, plan.Starter, again)
	require.NoError(t, err)
	require.Equal(t, "conversations-by-rep-2", d3b.Reports[3].ID)

	// Removing a report keeps the others' IDs.
	d4, err := d3.RemoveReport("conversations-by-rep-as-a-pie")
	require.NoError(t, err)
	var ids []string
	for _, r := range d4.Reports {
		ids = append(ids, r.ID)
	}
	require.Equal(t, []string{"conversations-by-rep", "second", "conversations-by-rep-copy"}, ids)
	require.Len(t, d3.Reports, 4)
	r, ok := d4.Report("second")
	require.True(t, ok)
	require.Equal(t, "Second", r.Name)
}

// TestEditFilters needs the filter compiler (internal/filter): it edits a
// report's expression and structured conditions.
func TestEditFilters(t *testing.T) {
	d := newDash(t, byRepReport("Conversations by rep"))
	known := convreport.Condition{Property: "Assignee", Op: convreport.IsKnown}
	r, _ := d.Report("conversations-by-rep")
	r.Filter = `Channel == "chat"`
	r.Conditions = []convreport.Condition{{Property: "Inbox", Op: convreport.Equals, Values: []string{"Sales"}}, known}
	d2, err := d.UpdateReport(nil, r)
	require.NoError(t, err)
	require.Equal(t, `Channel == "chat"`, d2.Reports[0].Filter)
	require.Equal(t, []convreport.Condition{{Property: "Inbox", Op: convreport.Equals, Values: []string{"Sales"}}, known}, d2.Reports[0].Conditions)

	bad := r.Clone()
	bad.Filter = `Channel == `
	_, err = d2.UpdateReport(nil, bad)
	var re *convreport.ReportError
	require.True(t, errors.As(err, &re))
	require.Equal(t, "filter", re.Field)
	var fe *convreport.FilterError
	require.True(t, errors.As(err, &fe), "the error points into the expression")

	bad = r.Clone()
	bad.Conditions = append(bad.Conditions, convreport.Condition{Property: "Mood", Op: convreport.IsKnown})
	_, err = d2.UpdateReport(nil, bad)
	require.True(t, errors.As(err, &re))
	require.Equal(t, "conditions", re.Field)
	require.Len(t, d2.Reports[0].Conditions, 2, "a failed update changes nothing")
}

func TestDashboardJSONRoundTrip(t *testing.T) {
	d := convreport.Dashboard{
		ID: "support-week", Name: "Support week", Owner: "olivia", Visibility: access.SpecificUsersAndTeams,
		Grants: []access.Grant{{Team: "Support"}, {User: "oscar", Allow: access.Edit}},
		Reports: []convreport.Report{
			{
				ID: "by-rep", Name: "By rep", Description: "d",
				Dimensions: []string{"Assignee", "Inbox"},
				Measure:    convreport.Measure{Agg: convreport.ShareWithin, Metric: convreport.FirstResponseTime, Threshold: convreport.Duration(90 * time.Second)},
				Filter:     `Channel == "chat"`,
				Conditions: []convreport.Condition{{Property: "Inbox", Op: convreport.IsNoneOf, Values: []string{"Spam"}}, {Property: "Assignee", Op: convreport.IsKnown}},
				Sort:       convreport.ByLabelAsc,
				Limit:      5,
				Chart:      convreport.Chart{Type: convreport.BarChart, Stacked: true, Percent: true},
				Properties: []string{"ID"},
			},
			{ID: "over-time", Name: "Over time", Bucket: convreport.Day, DateProperty: "ClosedAt",
				Measure: convreport.Measure{Agg: convreport.Percentile, P: 99.9, Metric: convreport.TimeToClose}},
			{ID: "open", Name: "Open", Snapshot: true, Dimensions: []string{"Inbox"}},
		},
		Version:   7,
		CreatedAt: time.Date(2025, 3, 1, 9, 30, 0, 123456789, time.UTC),
		UpdatedAt: time.Now().UTC(),
	}
	b, err := json.Marshal(d)
	require.NoError(t, err)
	var back convreport.Dashboard
	require.NoError(t, json.Unmarshal(b, &back))
	require.Equal(t, d, back)
	b2, err := json.Marshal(back)
	require.NoError(t, err)
	require.Equal(t, string(b), string(b2))

	// A new dashboard has no timestamps and writes none.
	b, err = json.Marshal(newDash(t, byRepReport("A")))
	require.NoError(t, err)
	require.NotContains(t, string(b), "created_at")
	require.Contains(t, string(b), `"visibility":"private"`)
}

func TestDashboardClone(t *testing.T) {
	d := convreport.Dashboard{Name: "x", Grants: []access.Grant{{Team: "a"}},
		Reports: []convreport.Report{{Dimensions: []string{"Assignee"}, Properties: []string{"ID"}, Conditions: []convreport.Condition{{Values: []string{"v"}}}}}}
	c := d.Clone()
	c.Grants[0].Team = "b"
	c.Reports[0].Dimensions[0] = "Team"
	c.Reports[0].Properties[0] = "Inbox"
	c.Reports[0].Conditions[0].Values[0] = "w"
	require.Equal(t, "a", d.Grants[0].Team)
	require.Equal(t, "Assignee", d.Reports[0].Dimensions[0])
	require.Equal(t, "ID", d.Reports[0].Properties[0])
	require.Equal(t, "v", d.Reports[0].Conditions[0].Values[0])
}

func dashConversations() []convreport.Conversation {
	t0 := time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)
	return []convreport.Conversation{
		{ID: "c1", Channel: convreport.Chat, Assignee: "ana", Status: convreport.Open, CreatedAt: t0},
		{ID: "c2", Channel: convreport.Chat, Assignee: "ana", Status: convreport.Open, CreatedAt: t0.Add(time.Hour)},
		{ID: "c3", Channel: convreport.Email, Assignee: "ben", Status: convreport.Open, CreatedAt: t0.Add(25 * time.Hour)},
		{ID: "c4", Channel: convreport.Chat, Status: convreport.Open, CreatedAt: t0.Add(49 * time.Hour)},
	}
}

func TestRunDashboard(t *testing.T) {
	src, err := memory.New(dashConversations())
	require.NoError(t, err)
	eng := convreport.NewEngine(src)
	d := newDash(t, byRepReport("By rep"), convreport.Report{Name: "Daily", Bucket: convreport.Day})
	q := convreport.Query{From: time.Date(2025, 3, 3, 0, 0, 0, 0, time.UTC), To: time.Date(2025, 3, 6, 0, 0, 0, 0, time.UTC), Now: time.Date(2025, 3, 6, 0, 0, 0, 0, time.UTC)}

	q.Viewer = ownerV
	got, err := eng.RunDashboard(context.Background(), q, d)
	require.NoError(t, err)
	want, err := eng.Run(context.Background(), q, d.Reports...)
	require.NoError(t, err)
	require.Equal(t, want, got)
	require.Len(t, got, 2)
	require.Equal(t, "by-rep", got[0].Report.ID)
	require.Equal(t, []int64{2, 1, 1}, []int64{got[0].Points[0].Count, got[0].Points[1].Count, got[0].Points[2].Count})

	for _, v := range []access.Viewer{otherV, {}} {
		q.Viewer = v
		res, err := eng.RunDashboard(context.Background(), q, d)
		require.ErrorIs(t, err, access.ErrForbidden)
		var ae *access.Error
		require.True(t, errors.As(err, &ae))
		require.Equal(t, access.Error{User: v.UserID, Dashboard: "Support", Action: access.View}, *ae)
		require.Nil(t, res)
	}

	q.Viewer = adminV
	_, err = eng.RunDashboard(context.Background(), q, d)
	require.NoError(t, err, "admins view private dashboards")
}
