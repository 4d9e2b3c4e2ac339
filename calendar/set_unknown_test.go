package calendar

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// A set whose calendars have no name, which is an error of its own, does
// not list them as "(have )" when another name is not found.
func TestUnknownCalendarListsOnlyNamedCalendars(t *testing.T) {
	_, err := Parse([]byte(`{"calendars": [{"zone": "UTC", "week": {}}], "default": "a"}`))
	require.Error(t, err)
	require.Contains(t, err.Error(), `calendars[0].name: is required`)
	require.Contains(t, err.Error(), `default: no calendar "a": no calendar has a name`)
	require.NotContains(t, err.Error(), "(have")

	_, err = Parse([]byte(`{"calendars": [{"name": "office", "zone": "UTC", "week": {}}, {"zone": "UTC", "week": {}}], "default": "a"}`))
	require.Error(t, err)
	require.True(t, strings.HasSuffix(err.Error(), `default: no calendar "a" (have office)`), err.Error())

	var none *Set
	_, err = none.Get("a")
	require.EqualError(t, err, `no calendar "a": there are no calendars`)
}
