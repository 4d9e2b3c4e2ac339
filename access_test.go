package convreport_test

import (
	"errors"
	"testing"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/access"
	"github.com/stretchr/testify/require"
)

// The people of the access matrix.
var (
	ownerV  = access.Viewer{UserID: "olivia", Teams: []string{"Sales"}}
	adminV  = access.Viewer{UserID: "adam", Admin: true}
	memberV = access.Viewer{UserID: "tess", Teams: []string{"Support"}}
	otherV  = access.Viewer{UserID: "oscar", Teams: []string{"Billing"}}
)

// accessDashboard is owned by olivia; the Support team (tess) is the one
// grants name.
func accessDashboard(v access.Visibility, grants ...access.Grant) convreport.Dashboard {
	return convreport.Dashboard{ID: "d", Name: "Support", Owner: "olivia", Visibility: v, Grants: grants}
}

// TestAccessMatrix spells out, by hand, what each kind of person may do
// with each visibility: V view, E edit, D delete, S share, "." denied.
func TestAccessMatrix(t *testing.T) {
	teamView := access.Grant{Team: "Support"}
	teamEdit := access.Grant{Team: "Support", Allow: access.Edit}
	userEdit := access.Grant{User: "tess", Allow: access.Edit}
	cases := []struct {
		name                        string
		d                           convreport.Dashboard
		owner, admin, member, other string
	}{
		{"private", accessDashboard(access.Private), "VEDS", "V.DS", "....", "...."},
		{"zero visibility is private", accessDashboard(""), "VEDS", "V.DS", "....", "...."},
		{"admins and owner", accessDashboard(access.AdminsAndOwner), "VEDS", "VEDS", "....", "...."},
		{"everyone can view", accessDashboard(access.EveryoneCanView), "VEDS", "VEDS", "V...", "V..."},
		{"everyone can edit", accessDashboard(access.EveryoneCanEdit), "VEDS", "VEDS", "VE..", "VE.."},
		{"team may view", accessDashboard(access.SpecificUsersAndTeams, teamView), "VEDS", "VEDS", "V...", "...."},
		{"team may edit", accessDashboard(access.SpecificUsersAndTeams, teamEdit), "VEDS", "VEDS", "VE..", "...."},
		{"user grant widens team grant", accessDashboard(access.SpecificUsersAndTeams, teamView, userEdit), "VEDS", "VEDS", "VE..", "...."},
		{"specific with no grants", accessDashboard(access.SpecificUsersAndTeams), "VEDS", "VEDS", "....", "...."},
	}
	actions := []access.Action{access.View, access.Edit, access.Delete, access.Share}
	for _, tc := range cases {
		for _, who := range []struct {
			name string
			v    access.Viewer
			want string
		}{{"owner", ownerV, tc.owner}, {"admin", adminV, tc.admin}, {"team member", memberV, tc.member}, {"other user", otherV, tc.other}} {
			for i, a := range actions {
				allowed := who.want[i] != '.'
				t.Run(tc.name+"/"+who.name+"/"+string(a), func(t *testing.T) {
					require.Equal(t, allowed, tc.d.Can(who.v, a))
				})
			}
		}
	}
}

func TestAccessEdgeCases(t *testing.T) {
	everyone := accessDashboard(access.EveryoneCanEdit)
	t.Run("anonymous viewer may do nothing, even with everyone", func(t *testing.T) {
		for _, a := range []access.Action{access.View, access.Edit} {
			require.False(t, everyone.Can(access.Viewer{}, a))
			require.False(t, everyone.Can(access.Viewer{Teams: []string{"Support"}}, a))
		}
	})
	t.Run("anonymous viewer is not the owner of an ownerless dashboard", func(t *testing.T) {
		d := accessDashboard(access.Private)
		d.Owner = ""
		require.False(t, d.Can(access.Viewer{}, access.View))
	})
	t.Run("an admin process without a user id has admin rights", func(t *testing.T) {
		d := accessDashboard(access.Private)
		require.True(t, d.Can(access.Viewer{Admin: true}, access.View))
		require.False(t, d.Can(access.Viewer{Admin: true}, access.Edit))
	})
	t.Run("unknown action is denied even to the owner", func(t *testing.T) {
		require.False(t, everyone.Can(ownerV, "export"))
	})
	t.Run("a user grant names a user, not a team of that name", func(t *testing.T) {
		d := accessDashboard(access.SpecificUsersAndTeams, access.Grant{User: "Support"})
		require.False(t, d.Can(memberV, access.View))
	})
}

func TestCheckSave(t *testing.T) {
	rename := func(d convreport.Dashboard) convreport.Dashboard { d.Name = "Renamed"; return d }
	share := func(d convreport.Dashboard) convreport.Dashboard { d.Visibility = access.EveryoneCanView; return d }
	addReport := func(d convreport.Dashboard) convreport.Dashboard {
		d.Reports = append(d.Reports, convreport.Report{ID: "x", Name: "X"})
		return d
	}
	transfer := func(d convreport.Dashboard) convreport.Dashboard { d.Owner = "tess"; return d }
	same := func(d convreport.Dashboard) convreport.Dashboard { return d }
	filter := func(d convreport.Dashboard) convreport.Dashboard {
		d.Filters = []convreport.Condition{{Property: "Inbox", Op: convreport.IsAnyOf, Values: []string{"Nothing"}}}
		return d
	}
	calendar := func(d convreport.Dashboard) convreport.Dashboard { d.Calendar = "office"; return d }
	emptyFilters := func(d convreport.Dashboard) convreport.Dashboard { d.Filters = []convreport.Condition{}; return d }
	cases := []struct {
		name   string
		d      convreport.Dashboard
		v      access.Viewer
		change func(convreport.Dashboard) convreport.Dashboard
		denied access.Action // "" when allowed
	}{
		{"editor renames", accessDashboard(access.EveryoneCanEdit), memberV, rename, ""},
		{"editor adds a report", accessDashboard(access.EveryoneCanEdit), memberV, addReport, ""},
		{"editor may not share", accessDashboard(access.EveryoneCanEdit), memberV, share, access.Share},
		{"editor may not transfer", accessDashboard(access.EveryoneCanEdit), memberV, transfer, access.Share},
		{"viewer may not rename", accessDashboard(access.EveryoneCanView), memberV, rename, access.Edit},
		{"viewer may not save even unchanged", accessDashboard(access.EveryoneCanView), memberV, same, access.Edit},
		{"admin shares a private dashboard", accessDashboard(access.Private), adminV, share, ""},
		{"admin transfers a private dashboard", accessDashboard(access.Private), adminV, transfer, ""},
		{"admin may not edit a private dashboard", accessDashboard(access.Private), adminV, rename, access.Edit},
		// Filters and the calendar are content too: an admin could change
		// what a private dashboard shows without sharing it first.
		{"admin may not filter a private dashboard", accessDashboard(access.Private), adminV, filter, access.Edit},
		{"admin may not set a private dashboard's calendar", accessDashboard(access.Private), adminV, calendar, access.Edit},
		{"admin shares, filters given as an empty list", accessDashboard(access.Private), adminV, func(d convreport.Dashboard) convreport.Dashboard { return share(emptyFilters(d)) }, ""},
		{"viewer may not filter", accessDashboard(access.EveryoneCanView), memberV, filter, access.Edit},
		{"editor filters", accessDashboard(access.EveryoneCanEdit), memberV, filter, ""},
		{"admin edits an admins-and-owner dashboard", accessDashboard(access.AdminsAndOwner), adminV, rename, ""},
		{"owner shares", accessDashboard(access.Private), ownerV, share, ""},
		{"owner saves unchanged", accessDashboard(access.Private), ownerV, same, ""},
		{"grantee with edit may not change grants", accessDashboard(access.SpecificUsersAndTeams, access.Grant{Team: "Support", Allow: access.Edit}), memberV,
			func(d convreport.Dashboard) convreport.Dashboard {
				d.Grants = append(d.Grants, access.Grant{User: "oscar", Allow: access.Edit})
				return d
			}, access.Share},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := convreport.CheckSave(tc.v, tc.d, tc.change(tc.d.Clone()))
			if tc.denied == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, access.ErrForbidden)
			var ae *access.Error
			require.True(t, errors.As(err, &ae))
			require.Equal(t, access.Error{User: tc.v.UserID, Dashboard: "d", Action: tc.denied}, *ae)
		})
	}
}

func TestAccessErrorMessage(t *testing.T) {
	require.EqualError(t, &access.Error{User: "oscar", Dashboard: "chat-overview", Action: access.Edit},
		`convreport: user "oscar" may not edit dashboard "chat-overview"`)
	require.EqualError(t, &access.Error{Dashboard: "chat-overview", Action: access.View},
		`convreport: an anonymous viewer may not view dashboard "chat-overview"`)
}
