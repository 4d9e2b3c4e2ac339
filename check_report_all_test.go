package convreport_test

import (
	"testing"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/memory"
	"github.com/stretchr/testify/require"
)

// checkAllEngine is an engine over a schema of a number seats, a text
// note and a time renewal, with limits low enough to go over by hand: a
// filter of at most 20 bytes, one grouping, a Top of at most 3.
func checkAllEngine(t *testing.T) *convreport.Engine {
	t.Helper()
	s, err := convreport.NewSchema(
		convreport.Property{Name: "seats", Kind: convreport.KindNumber},
		convreport.Property{Name: "note", Kind: convreport.KindString},
		convreport.Property{Name: "renewal", Kind: convreport.KindTime},
	)
	require.NoError(t, err)
	src, err := memory.New(nil, memory.WithSchema(s))
	require.NoError(t, err)
	return convreport.NewEngine(src, convreport.WithLimits(convreport.Limits{
		Filter: convreport.FilterOptions{MaxLength: 20}, MaxDimensions: 1, MaxGroups: 3}))
}

// part is what a test expects of one *ReportError: its field and its
// message.
type part struct{ field, msg string }

func partsOf(errs []*convreport.ReportError) []part {
	out := []part{}
	for _, e := range errs {
		out = append(out, part{e.Field, e.Error()})
	}
	return out
}

// CheckReport stops at the first part it refuses: a person who fixed it
// met the next one only at the next save. CheckReportAll lists every part,
// in the order a run meets them, the first being CheckReport's error, so
// that all are fixed in one go.
func TestCheckReportAllListsEveryPart(t *testing.T) {
	eng := checkAllEngine(t)
	r := convreport.Report{Name: "r",
		Filter:       "seats > 1 && seats < 1000", // 25 bytes
		DateProperty: "seats",
		Dimensions:   []string{"plan", "note"},
		Limit:        5,
		Properties:   []string{"gone", "note"},
	}
	errs, err := eng.CheckReportAll(r)
	require.NoError(t, err)
	require.Equal(t, []part{
		{"filter", `convreport: report "r": filter: expression is 25 bytes long, over the limit of 20 bytes`},
		{"date_property", `convreport: report "r": date_property: seats is a number, not a time`},
		{"dimensions", `convreport: report "r": dimensions: dimensions per report 2 is over the limit of 1`},
		{"dimensions", `convreport: report "r": dimensions: unknown property "plan"`},
		{"limit", `convreport: report "r": limit: groups per report 5 is over the limit of 3`},
		{"properties", `convreport: report "r": properties: unknown property "gone"`},
	}, partsOf(errs))
	require.Equal(t, eng.CheckReport(r), error(errs[0]), "the first is CheckReport's")

	// Each cause is there for a program, as CheckReport's is.
	var fle *convreport.FilterLimitError
	require.ErrorAs(t, errs[0], &fle)
	require.Equal(t, convreport.FilterLimitError{Limit: "length", Max: 20, Got: 25}, *fle)
	var ke *convreport.KindError
	require.ErrorAs(t, errs[1], &ke)
	require.Equal(t, "seats", ke.Name)
	var le *convreport.LimitError
	require.ErrorAs(t, errs[2], &le)
	require.Equal(t, 2, le.Got)
	var upe *convreport.UnknownPropertyError
	require.ErrorAs(t, errs[3], &upe)
	require.Equal(t, "plan", upe.Name)
	require.ErrorAs(t, errs[5], &upe)
	require.Equal(t, "gone", upe.Name)

	// Fixed, the report runs: nothing to list.
	r.Filter, r.DateProperty, r.Dimensions, r.Limit, r.Properties = "seats > 1", "renewal", []string{"note"}, 3, []string{"note"}
	errs, err = eng.CheckReportAll(r)
	require.NoError(t, err)
	require.Empty(t, errs)
	require.NoError(t, eng.CheckReport(r))
}

// The expression and the conditions are joined only when each compiles
// on its own: two that do not are two parts, and their join none; two
// within the filter limits alone that are over them together are one
// part, the filter.
func TestCheckReportAllJoinsTheFilterWhenBothCompile(t *testing.T) {
	eng := checkAllEngine(t)
	cond := []convreport.Condition{{Property: "plan", Op: convreport.IsAnyOf, Values: []string{"pro"}}}
	errs, err := eng.CheckReportAll(convreport.Report{Name: "r", Filter: "seats >", Conditions: cond})
	require.NoError(t, err)
	require.Len(t, errs, 2)
	require.Equal(t, []string{"filter", "conditions"}, []string{errs[0].Field, errs[1].Field})
	var fe *convreport.FilterError
	require.ErrorAs(t, errs[0], &fe)
	require.Equal(t, "seats >", fe.Expr)
	var ce *convreport.ConditionError
	require.ErrorAs(t, errs[1], &ce)
	require.Equal(t, 0, ce.Index)

	// "seats > 1" is 9 bytes, the condition "seats > 2" as many; joined,
	// "(seats > 1) && (seats > 2)" is 26.
	r := convreport.Report{Name: "r", Filter: "seats > 1", Conditions: []convreport.Condition{{Property: "seats", Op: convreport.GreaterThan, Values: []string{"2"}}}}
	errs, err = eng.CheckReportAll(r)
	require.NoError(t, err)
	require.Equal(t, []part{{"filter", `convreport: report "r": filter: expression is 26 bytes long, over the limit of 20 bytes`}}, partsOf(errs))
	require.Equal(t, eng.CheckReport(r), error(errs[0]))
}

// A name that is required and a calendar name that is no ID are parts
// too, said before the rest; an engine without a source is an error of
// its own, not a part of the report.
func TestCheckReportAllNameAndEngine(t *testing.T) {
	eng := checkAllEngine(t)
	errs, err := eng.CheckReportAll(convreport.Report{Calendar: "Not An ID", Dimensions: []string{"gone"}})
	require.NoError(t, err)
	require.Equal(t, []string{"name", "calendar", "dimensions"}, []string{errs[0].Field, errs[1].Field, errs[2].Field})
	require.Equal(t, eng.CheckReport(convreport.Report{Calendar: "Not An ID"}), error(errs[0]))

	var none *convreport.Engine
	errs, err = none.CheckReportAll(convreport.Report{Name: "r"})
	require.Error(t, err)
	require.Nil(t, errs)
	require.Equal(t, none.CheckReport(convreport.Report{Name: "r"}), err)
}
