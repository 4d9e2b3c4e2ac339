package convreport

import (
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/calendar"
)

// leafChange changes one leaf field of a value, found by its path.
type leafChange struct {
	path   string
	change func(root reflect.Value)
}

// leaves returns a change for each leaf field of typ, reached through
// structs and the first element of slices; a field of a kind the memo's
// comparison does not know fails the test, so that a field added to
// Report or Query is not silently left out of it.
func leaves(t *testing.T, typ reflect.Type, path string, at func(root reflect.Value) reflect.Value) []leafChange {
	t.Helper()
	set := func(v reflect.Value) []leafChange {
		return []leafChange{{path, func(root reflect.Value) { at(root).Set(v) }}}
	}
	switch {
	case typ == reflect.TypeFor[time.Time]():
		return set(reflect.ValueOf(time.Unix(12345, 0)))
	case typ == reflect.TypeFor[*time.Location]():
		return set(reflect.ValueOf(time.FixedZone("changed", 3600)))
	}
	switch typ.Kind() {
	case reflect.String:
		return []leafChange{{path, func(root reflect.Value) { at(root).SetString("changed") }}}
	case reflect.Bool:
		return []leafChange{{path, func(root reflect.Value) { at(root).SetBool(true) }}}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return []leafChange{{path, func(root reflect.Value) { at(root).SetInt(7) }}}
	case reflect.Float64:
		return []leafChange{{path, func(root reflect.Value) { at(root).SetFloat(1.5) }}}
	case reflect.Pointer:
		return set(reflect.New(typ.Elem()))
	case reflect.Struct:
		var out []leafChange
		for i := range typ.NumField() {
			f := typ.Field(i)
			require.Truef(t, f.IsExported(), "%s.%s is unexported", path, f.Name)
			out = append(out, leaves(t, f.Type, path+"."+f.Name, func(root reflect.Value) reflect.Value { return at(root).Field(i) })...)
		}
		return out
	case reflect.Slice:
		// Another element, and each leaf of the first one changed in place.
		out := []leafChange{{path + " (length)", func(root reflect.Value) {
			s := at(root)
			s.Set(reflect.Append(s, reflect.Zero(typ.Elem())))
		}}}
		return append(out, leaves(t, typ.Elem(), path+"[0]", func(root reflect.Value) reflect.Value { return at(root).Index(0) })...)
	}
	t.Fatalf("%s is a %s: teach sameReport, sameQuery and their clones to compare it", path, typ)
	return nil
}

// withOneOfEach returns a zero value of typ, whose slices hold one zero
// element each, recursively.
func withOneOfEach(typ reflect.Type) reflect.Value {
	v := reflect.New(typ).Elem()
	fill(v)
	return v
}

func fill(v reflect.Value) {
	switch v.Kind() {
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			return
		}
		for i := range v.NumField() {
			fill(v.Field(i))
		}
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		fill(v.Index(0))
	}
}

// TestPlanMemoSeesEveryField changes each field of a report and of a query,
// one at a time and in place, after a copy was taken as the memo takes it:
// the copy must no longer be the same report or query. A memo that missed
// a change would drill with another report's plan.
func TestPlanMemoSeesEveryField(t *testing.T) {
	t.Run("Report", func(t *testing.T) { seesEveryField(t, 15, cloneReport, sameReport) })
	t.Run("Query", func(t *testing.T) { seesEveryField(t, 12, cloneQuery, sameQuery) })
}

// seesEveryField changes each of T's more than least leaf fields in turn,
// in place, after clone took a copy, and checks that same tells the two
// apart.
func seesEveryField[T any](t *testing.T, least int, clone func(T) T, same func(a, b *T) bool) {
	typ := reflect.TypeFor[T]()
	cs := leaves(t, typ, typ.Name(), func(v reflect.Value) reflect.Value { return v })
	require.Greater(t, len(cs), least)
	for _, c := range cs {
		base := withOneOfEach(typ)
		v := base.Addr().Interface().(*T)
		kept := clone(*v)
		require.True(t, same(&kept, v), c.path)
		c.change(base)
		require.False(t, same(&kept, v), "a change of %s goes unseen", c.path)
	}
}

// TestPlanMemoKeepsWhatMayBeKept checks which drill-down plans the memo
// serves again: the same report and query, built anew, hit; a query
// without Now, or with calendars or SLA policies, is compiled each time.
func TestPlanMemoKeepsWhatMayBeKept(t *testing.T) {
	at := func(s string) time.Time { return rfc(t, s) }
	e := NewEngine(rowsSource{rows: []Conversation{{ID: "a", Channel: Chat, Status: Open, Assignee: "A", CreatedAt: at("2025-03-02T10:00:00Z")}}})
	report := func() Report {
		return Report{ID: "by-rep", Name: "By rep", Dimensions: []string{"Assignee"},
			Conditions: []Condition{{Property: "Channel", Op: IsAnyOf, Values: []string{"chat"}}}}
	}
	query := func() Query {
		return Query{From: at("2025-03-01T00:00:00Z"), To: at("2025-03-08T00:00:00Z"), Now: at("2025-03-05T00:00:00Z"),
			Viewer: access.Viewer{Scope: access.Scope{Inboxes: []string{"Chat"}}}}
	}
	plan := func(q Query, r Report) *compiled {
		t.Helper()
		_, plans, err := e.plans.plan(e, &q, &r)
		require.NoError(t, err)
		require.Len(t, plans, 1)
		return plans[0]
	}
	first := plan(query(), report())
	require.Same(t, first, plan(query(), report()), "the same report and query, built anew")

	r := report()
	r.Conditions[0].Values = []string{"email"}
	other := plan(query(), r)
	require.NotSame(t, first, other, "another filter under the same ID and name")
	require.Same(t, other, plan(query(), r))

	q := query()
	q.Now = time.Time{}
	require.NotSame(t, plan(q, report()), plan(q, report()), "a query resolved against the clock")
	q = query()
	q.Calendar = calendar.OfficeHours(time.UTC, calendar.At(9, 0), calendar.At(17, 0), calendar.Monday)
	require.NotSame(t, plan(q, report()), plan(q, report()), "a query with a calendar")
	q = query()
	q.SLA = &SLASet{}
	require.NotSame(t, plan(q, report()), plan(q, report()), "a query with SLA policies")
}
