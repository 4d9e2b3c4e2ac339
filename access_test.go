package convreport_test

import (
	"errors"
	"testing"

	"github.com/convreport/convreport"
	"github.com/stretchr/testify/require"
)

// The people of the access matrix.
var (
	ownerV  = convreport.Viewer{UserID: "olivia", Teams: []string{"Sales"}}
	adminV  = convreport.Viewer{UserID: "adam", Admin: true}
	memberV = convreport.Viewer{UserID: "tess", Teams: []string{"Support"}}
	otherV  = convreport.Viewer{UserID: "oscar", Teams: []string{"Billing"}}
)

// accessDashboard is owned by olivia; the Support team (tess) is the one
// grants name.
func accessDashboard(v convreport.Visibility, grants ...convreport.Grant) convreport.Dashboard {
	return convreport.Dashboard{ID: "d", Name: "Support", Owner: "olivia", Visibility: v, Grants: grants}
}

// TestAccessMatrix spells out, by hand, what each kind of person may do
// with each visibility: V view, E edit, D delete, S share, "." denied.
func TestAccessMatrix(t *testing.T) {
	teamView := convreport.Grant{Team: "Support"}
	teamEdit := convreport.Grant{Team: "Support", Allow: convreport.ActionEdit}
	userEdit := convreport.Grant{User: "tess", Allow: convreport.ActionEdit}
	cases := []struct {
		name                        string
		d                           convreport.Dashboard
		owner, admin, member, other string
	}{
		{"private", accessDashboard(convreport.Private), "VEDS", "V.DS", "....", "...."},
		{"zero visibility is private", accessDashboard(""), "VEDS", "V.DS", "....", "...."},
		{"admins and owner", accessDashboard(convreport.AdminsAndOwner), "VEDS", "VEDS", "....", "...."},
		{"everyone can view", accessDashboard(convreport.EveryoneCanView), "VEDS", "VEDS", "V...", "V..."},
		{"everyone can edit", accessDashboard(convreport.EveryoneCanEdit), "VEDS", "VEDS", "VE..", "VE.."},
		{"team may view", accessDashboard(convreport.SpecificUsersAndTeams, teamView), "VEDS", "VEDS", "V...", "...."},
		{"team may edit", accessDashboard(convreport.SpecificUsersAndTeams, teamEdit), "VEDS", "VEDS", "VE..", "...."},
		{"user grant widens team grant", accessDashboard(convreport.SpecificUsersAndTeams, teamView, userEdit), "VEDS", "VEDS", "VE..", "...."},
		{"specific with no grants", accessDashboard(convreport.SpecificUsersAndTeams), "VEDS", "VEDS", "....", "...."},
	}
	actions := []convreport.Action{convreport.ActionView, convreport.ActionEdit, convreport.ActionDelete, convreport.ActionShare}
	for _, tc := range cases {
		for _, who := range []struct {
			name string
			v    convreport.Viewer
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
	everyone := accessDashboard(convreport.EveryoneCanEdit)
	t.Run("anonymous viewer may do nothing, even with everyone", func(t *testing.T) {
		for _, a := range []convreport.Action{convreport.ActionView, convreport.ActionEdit} {
			require.False(t, everyone.Can(convreport.Viewer{}, a))
			require.False(t, everyone.Can(convreport.Viewer{Teams: []string{"Support"}}, a))
		}
	})
	t.Run("anonymous viewer is not the owner of an ownerless dashboard", func(t *testing.T) {
		d := accessDashboard(convreport.Private)
		d.Owner = ""
		require.False(t, d.Can(convreport.Viewer{}, convreport.ActionView))
	})
	t.Run("an admin process without a user id has admin rights", func(t *testing.T) {
		d := accessDashboard(convreport.Private)
		require.True(t, d.Can(convreport.Viewer{Admin: true}, convreport.ActionView))
		require.False(t, d.Can(convreport.Viewer{Admin: true}, convreport.ActionEdit))
	})
	t.Run("unknown action is denied even to the owner", func(t *testing.T) {
		require.False(t, everyone.Can(ownerV, "export"))
	})
	t.Run("a user grant names a user, not a team of that name", func(t *testing.T) {
		d := accessDashboard(convreport.SpecificUsersAndTeams, convreport.Grant{User: "Support"})
		require.False(t, d.Can(memberV, convreport.ActionView))
	})
}

func TestCheckSave(t *testing.T) {
	rename := func(d convreport.Dashboard) convreport.Dashboard { d.Name = "Renamed"; return d }
	share := func(d convreport.Dashboard) convreport.Dashboard { d.Visibility = convreport.EveryoneCanView; return d }
	addReport := func(d convreport.Dashboard) convreport.Dashboard {
		d.Reports = append(d.Reports, convreport.Report{ID: "x", Name: "X"})
		return d
	}
	transfer := func(d convreport.Dashboard) convreport.Dashboard { d.Owner = "tess"; return d }
	same := func(d convreport.Dashboard) convreport.Dashboard { return d }
	cases := []struct {
		name   string
		d      convreport.Dashboard
		v      convreport.Viewer
		change func(convreport.Dashboard) convreport.Dashboard
		denied convreport.Action // "" when allowed
	}{
		{"editor renames", accessDashboard(convreport.EveryoneCanEdit), memberV, rename, ""},
		{"editor adds a report", accessDashboard(convreport.EveryoneCanEdit), memberV, addReport, ""},
		{"editor may not share", accessDashboard(convreport.EveryoneCanEdit), memberV, share, convreport.ActionShare},
		{"editor may not transfer", accessDashboard(convreport.EveryoneCanEdit), memberV, transfer, convreport.ActionShare},
		{"viewer may not rename", accessDashboard(convreport.EveryoneCanView), memberV, rename, convreport.ActionEdit},
		{"viewer may not save even unchanged", accessDashboard(convreport.EveryoneCanView), memberV, same, convreport.ActionEdit},
		{"admin shares a private dashboard", accessDashboard(convreport.Private), adminV, share, ""},
		{"admin transfers a private dashboard", accessDashboard(convreport.Private), adminV, transfer, ""},
		{"admin may not edit a private dashboard", accessDashboard(convreport.Private), adminV, rename, convreport.ActionEdit},
		{"admin edits an admins-and-owner dashboard", accessDashboard(convreport.AdminsAndOwner), adminV, rename, ""},
		{"owner shares", accessDashboard(convreport.Private), ownerV, share, ""},
		{"owner saves unchanged", accessDashboard(convreport.Private), ownerV, same, ""},
		{"grantee with edit may not change grants", accessDashboard(convreport.SpecificUsersAndTeams, convreport.Grant{Team: "Support", Allow: convreport.ActionEdit}), memberV,
			func(d convreport.Dashboard) convreport.Dashboard {
				d.Grants = append(d.Grants, convreport.Grant{User: "oscar", Allow: convreport.ActionEdit})
				return d
			}, convreport.ActionShare},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := convreport.CheckSave(tc.v, tc.d, tc.change(tc.d.Clone()))
			if tc.denied == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, convreport.ErrForbidden)
			var ae *convreport.AccessError
			require.True(t, errors.As(err, &ae))
			require.Equal(t, convreport.AccessError{User: tc.v.UserID, Dashboard: "d", Action: tc.denied}, *ae)
		})
	}
}

func TestAccessErrorMessage(t *testing.T) {
	require.EqualError(t, &convreport.AccessError{User: "oscar", Dashboard: "chat-overview", Action: convreport.ActionEdit},
		`convreport: user "oscar" may not edit dashboard "chat-overview"`)
	require.EqualError(t, &convreport.AccessError{Dashboard: "chat-overview", Action: convreport.ActionView},
		`convreport: an anonymous viewer may not view dashboard "chat-overview"`)
}
