package store_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/plan"
	"github.com/convreport/convreport/store"
)

func ExampleOpenDir() {
	dir, _ := os.MkdirTemp("", "dashboards")
	defer os.RemoveAll(dir)
	s, err := store.OpenDir(dir, store.WithPlan(plan.Starter))
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	ana := access.Viewer{UserID: "ana"}
	ben := access.Viewer{UserID: "ben"}

	d, _ := convreport.NewDashboard(convreport.DashboardOptions{Name: "Support team", Owner: "ana", Visibility: access.EveryoneCanEdit})
	d, err = s.Create(ctx, ana, d)
	if err != nil {
		panic(err)
	}
	// The ID is the name's slug and a random suffix: support-team-k3v9x2.
	fmt.Println(strings.HasPrefix(d.ID, "support-team-"), d.Version)

	// Ana and Ben both edit version 1; Ana saves first.
	anas, bens := d, d.Clone()
	anas.Name = "Support"
	if _, err := s.Save(ctx, ana, anas); err != nil {
		panic(err)
	}
	bens.Name = "Support desk"
	_, err = s.Save(ctx, ben, bens)
	fmt.Println(errors.Is(err, store.ErrConflict))

	current, _ := s.Get(ctx, ben, d.ID)
	fmt.Println(current.Name, current.Version)
	// Output:
	// true 1
	// true
	// Support 2
}
