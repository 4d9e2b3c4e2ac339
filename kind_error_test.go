package convreport_test

import (
	"context"
	"testing"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/memory"
	"github.com/stretchr/testify/require"
)

// A report saved under one schema may meet another that gives a property
// it names another kind: a choice it groups by is now a time, a time it
// is dated by is now text. The engine refuses it as before, with the same
// words, and the cause is now a *KindError, for a program (a dashboard
// page) to tell this from a report that is wrong whatever the schema.
func TestKindErrorSaysWhichPropertyAndKind(t *testing.T) {
	s, err := convreport.NewSchema(
		convreport.Property{Name: "plan", Kind: convreport.KindTime},
		convreport.Property{Name: "renewal", Kind: convreport.KindString},
	)
	require.NoError(t, err)
	src, err := memory.New(nil, memory.WithSchema(s))
	require.NoError(t, err)
	eng := convreport.NewEngine(src)
	for _, c := range []struct {
		r     convreport.Report
		field string
		want  convreport.KindError
		msg   string
	}{
		{convreport.Report{Name: "r", Dimensions: []string{"Channel", "plan"}}, "dimensions",
			convreport.KindError{Name: "plan", Kind: convreport.KindTime, Want: []convreport.Kind{convreport.KindString, convreport.KindEnum, convreport.KindBool}},
			`convreport: report "r": dimensions: plan is a time property; group by string, enum or bool properties, and by time with a bucket`},
		{convreport.Report{Name: "r", DateProperty: "renewal"}, "date_property",
			convreport.KindError{Name: "renewal", Kind: convreport.KindString, Want: []convreport.Kind{convreport.KindTime}},
			`convreport: report "r": date_property: renewal is a string, not a time`},
	} {
		for _, err := range []error{eng.CheckReport(c.r), c.r.Check(s), func() error {
			_, err := eng.Run(context.Background(), fixtureQuery(), c.r)
			return err
		}()} {
			require.EqualError(t, err, c.msg)
			var re *convreport.ReportError
			require.ErrorAs(t, err, &re)
			require.Equal(t, c.field, re.Field)
			var ke *convreport.KindError
			require.ErrorAs(t, err, &ke)
			require.Equal(t, c.want.Name, ke.Name)
			require.Equal(t, c.want.Kind, ke.Kind)
			require.Equal(t, c.want.Want, ke.Want)
		}
	}
	// One made by a program says what is wanted.
	require.EqualError(t, &convreport.KindError{Name: "seats", Kind: convreport.KindString, Want: []convreport.Kind{convreport.KindNumber, convreport.KindDuration}},
		"seats is a string, not a number or duration")
}
