package store_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/store"
	"github.com/stretchr/testify/require"
)

// newDir opens a Dir with opts over a new temporary directory, and
// returns the directory too, for the files a test reads or writes there.
func newDir(t *testing.T, opts ...store.Option) (string, *store.Dir) {
	t.Helper()
	dir := t.TempDir()
	return dir, reopen(t, dir, opts...)
}

// newDirWith is newDir holding d, created by olivia: it returns d as
// created.
func newDirWith(t *testing.T, d convreport.Dashboard, opts ...store.Option) (string, *store.Dir, convreport.Dashboard) {
	t.Helper()
	dir, s := newDir(t, opts...)
	created, err := s.Create(ctx, olivia, d)
	require.NoError(t, err)
	return dir, s, created
}

// reopen opens another Dir with opts over dir, as another process, or
// the next start of the server, does.
func reopen(t *testing.T, dir string, opts ...store.Option) *store.Dir {
	t.Helper()
	s, err := store.OpenDir(dir, opts...)
	require.NoError(t, err)
	return s
}

// symlink makes link a symbolic link to target, or skips the test on a
// system without them.
func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
}

func TestDirReopen(t *testing.T) {
	d := dash("Support", access.SpecificUsersAndTeams,
		convreport.Report{ID: "by-rep", Name: "By rep", Dimensions: []string{"Assignee"}, Filter: `Channel == "chat"`,
			Measure:    convreport.Measure{Agg: convreport.ShareWithin, Metric: convreport.WaitTime, Threshold: convreport.Duration(5 * time.Minute)},
			Conditions: []convreport.Condition{{Property: "Inbox", Op: convreport.IsAnyOf, Values: []string{"Sales"}}}})
	d.Grants = []access.Grant{{Team: "Support", Allow: access.Edit}}
	dir, _, created := newDirWith(t, d, store.WithClock(clock()))

	got, err := reopen(t, dir).Get(ctx, olivia, created.ID)
	require.NoError(t, err)
	require.Equal(t, created, got, "what was saved is what is read, unchanged")

	b, err := os.ReadFile(filepath.Join(dir, created.ID+".json"))
	require.NoError(t, err)
	var onDisk convreport.Dashboard
	require.NoError(t, json.Unmarshal(b, &onDisk))
	require.Equal(t, created, onDisk, "one plain JSON file per dashboard")

	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1, "no temporary file left behind")
}

// TestDirCrashMidWrite leaves what a crash during a save leaves: a partial
// temporary file next to the last good version.
func TestDirCrashMidWrite(t *testing.T) {
	dir, _, v1 := newDirWith(t, withID("support", dash("Support", access.Private, report("a", "A"))))

	v2 := v1.Clone()
	v2.Name, v2.Version = "Support, edited", 2
	b, err := json.Marshal(v2)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, ".support.json.123456.tmp"), b[:len(b)/2], 0o600))

	reopened := reopen(t, dir)
	got, err := reopened.Get(ctx, olivia, "support")
	require.NoError(t, err)
	require.Equal(t, v1, got)
	all, err := reopened.List(ctx, olivia)
	require.NoError(t, err)
	require.Equal(t, []convreport.Dashboard{v1}, all)

	// The store carries on: the next save is version 2 as usual.
	got.Name = "Support, edited"
	saved, err := reopened.Save(ctx, olivia, got)
	require.NoError(t, err)
	require.Equal(t, int64(2), saved.Version)
}

func TestDirCorruptFile(t *testing.T) {
	dir, s, _ := newDirWith(t, withID("support", dash("Support", access.Private)))
	path := filepath.Join(dir, "support.json")
	require.NoError(t, os.WriteFile(path, []byte(`{"id": "support", "name": "Supp`), 0o600))

	_, err := s.Get(ctx, olivia, "support")
	var fe *store.FileError
	require.True(t, errors.As(err, &fe), "got %v", err)
	require.Equal(t, path, fe.Path)
	require.Contains(t, err.Error(), path)
	require.Contains(t, err.Error(), "unexpected end of JSON input")

	_, err = s.List(ctx, olivia)
	require.True(t, errors.As(err, &fe))
	require.Equal(t, path, fe.Path)

	// A file that holds another dashboard is as wrong.
	require.NoError(t, os.WriteFile(path, []byte(`{"id": "other", "name": "Other", "owner": "olivia", "reports": null}`), 0o600))
	_, err = s.Get(ctx, olivia, "support")
	require.True(t, errors.As(err, &fe))
	require.True(t, strings.HasSuffix(err.Error(), `it holds dashboard "other" (restore it from a backup or remove it)`), err.Error())

	// A key in another case beside its own would be read as the owner,
	// silently: it is refused, naming the key.
	require.NoError(t, os.WriteFile(path, []byte(`{"id": "support", "name": "Support", "owner": "olivia", "visibility": "private", "reports": [], "OWNER": "eve"}`), 0o600))
	_, err = s.Get(ctx, access.Viewer{UserID: "eve"}, "support")
	require.True(t, errors.As(err, &fe), "got %v", err)
	require.Contains(t, err.Error(), `OWNER: keys are case-sensitive: want "owner"`)
}

// A value of a dashboard file edited by hand that does not read is named
// by its key's path, as the command line names it, with one prefix.
func TestDirFileErrorNamesTheKey(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "slow.json")
	for body, want := range map[string]string{
		`{"id":"slow","name":"Slow","owner":"olivia","reports":[{"id":"a","name":"A"},{"id":"b","name":"B","measure":{"agg":"share_within","metric":"first_response_time","threshold":"5 minutes"}}]}`: `line 1, column 162: reports[1].measure.threshold: bad duration "5 minutes": want a number and a unit, like 90s, 5m or 1h30m`,
		`{"id":"slow","name":"Slow","owner":"olivia","reports":[{"id":"a","name":"A","measure":{"agg":"percentile","metric":"wait_time","p":"90"}}]}`:                                                  "line 1, column 128: reports[0].measure.p: want a number, got a JSON string",
	} {
		require.NoError(t, os.WriteFile(path, []byte(body), 0o600))
		_, err := reopen(t, dir).Get(ctx, olivia, "slow")
		var fe *store.FileError
		require.ErrorAs(t, err, &fe)
		require.Equal(t, "convreport/store: dashboard file "+path+" is unreadable: "+want+" (correct the file there, or restore it from a backup)", err.Error())
	}
}

func TestDirIgnoresForeignFiles(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "README.txt"), []byte("notes"), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Not An ID.json"), []byte("{"), 0o600))
	require.NoError(t, os.Mkdir(filepath.Join(dir, "sub.json"), 0o700))
	all, err := reopen(t, dir).List(ctx, adam)
	require.NoError(t, err)
	require.Empty(t, all)
}

func TestOpenDirOnAFile(t *testing.T) {
	f := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(f, nil, 0o600))
	_, err := store.OpenDir(f)
	require.Error(t, err)
}

// Two Dir values over one directory (a store opened per request, say, or
// under another path to it) check and write one at a time, as one Dir
// does: of two saves of the same version, one is a conflict.
func TestTwoDirsOverOneDirectoryLoseNoEdit(t *testing.T) {
	dir, s1, d := newDirWith(t, dash("Shared", access.EveryoneCanEdit, report("r1", "R")))
	s2 := reopen(t, filepath.Join(dir, ".", "..", filepath.Base(dir)))
	for i := range 100 {
		cur, err := s1.Get(ctx, olivia, d.ID)
		require.NoError(t, err)
		a, b := cur.Clone(), cur.Clone()
		a.Name, b.Name = fmt.Sprint("A", i), fmt.Sprint("B", i)
		var wg sync.WaitGroup
		var ea, eb error
		wg.Go(func() { _, ea = s1.Save(ctx, olivia, a) })
		wg.Go(func() { _, eb = s2.Save(ctx, olivia, b) })
		wg.Wait()
		require.False(t, ea == nil && eb == nil, "round %d: both saves of version %d were taken", i, cur.Version)
		require.True(t, ea == nil || eb == nil, "round %d: %v, %v", i, ea, eb)
	}
}

// The calendars and SLA policies kept beside the dashboards are files
// too: an empty one (no write of the store leaves one) is damage, said so
// and named as what it holds, not an empty set.
func TestEmptyCalendarsFileIsAnError(t *testing.T) {
	dir, s := newDir(t)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "_calendars.json"), nil, 0o600))
	_, err := s.Calendars(ctx)
	var fe *store.FileError
	require.ErrorAs(t, err, &fe)
	require.Contains(t, err.Error(), "calendars file "+filepath.Join(dir, "_calendars.json")+" is unreadable: the file is empty")
	require.NoError(t, os.WriteFile(filepath.Join(dir, "_sla.json"), []byte(`{"policies": [{"name": "x", "first_response": {"within": "-1h"}}]}`), 0o600))
	_, err = s.SLA(ctx)
	require.ErrorContains(t, err, "SLA policies file "+filepath.Join(dir, "_sla.json")+" is unreadable")
}

// Grants saved before the rules of grants existed (a user twice in two
// cases, the owner) do not stop an edit by someone who may edit but not
// share; the next change of the grants is checked whole.
func TestGrantsSavedBeforeTheRules(t *testing.T) {
	dir := t.TempDir()
	file := `{"id": "support", "name": "Support", "owner": "olivia", "visibility": "specific",
		"grants": [{"user": "tess", "allow": "edit"}, {"user": "Tess"}, {"user": "olivia"}],
		"reports": [], "version": 4, "created_at": "2025-03-01T12:00:00Z", "updated_at": "2025-03-01T12:00:00Z"}`
	require.NoError(t, os.WriteFile(filepath.Join(dir, "support.json"), []byte(file), 0o600))
	s := reopen(t, dir, store.WithClock(clock()))

	d, err := s.Get(ctx, tess, "support")
	require.NoError(t, err)
	d.Name = "Support desk"
	d, err = s.Save(ctx, tess, d)
	require.NoError(t, err)
	require.Equal(t, int64(5), d.Version)
	require.Len(t, d.Grants, 3, "the grants stay as they were")

	d.Grants = append(d.Grants, access.Grant{Team: "Sales"})
	_, err = s.Save(ctx, olivia, d)
	require.EqualError(t, err, `convreport: dashboard "support": grants: grant 2 (user "Tess"): differs only by case from grant 1 (user "tess"); names are matched exactly, case included: keep one grant, spelled as the user's ID is`)
	d.Grants = []access.Grant{{User: "tess", Allow: access.Edit}, {Team: "Sales"}}
	d, err = s.Save(ctx, olivia, d)
	require.NoError(t, err)
	require.Equal(t, int64(6), d.Version)
}

// A dashboard file that is a symbolic link (a directory mounted from a
// Kubernetes ConfigMap holds nothing else) is a dashboard to every call:
// Get, List and Count see it, and Create does not take its ID.
func TestSymlinkedDashboardFile(t *testing.T) {
	dir, elsewhere := t.TempDir(), t.TempDir()
	file := `{"id": "b", "name": "B", "owner": "olivia", "visibility": "everyone_view", "reports": [],
		"version": 1, "created_at": "2025-01-01T00:00:00Z", "updated_at": "2025-01-01T00:00:00Z"}`
	target := filepath.Join(elsewhere, "b.json")
	require.NoError(t, os.WriteFile(target, []byte(file), 0o600))
	symlink(t, target, filepath.Join(dir, "b.json"))
	s := reopen(t, dir)

	got, err := s.Get(ctx, olivia, "b")
	require.NoError(t, err)
	require.Equal(t, "B", got.Name)
	all, err := s.List(ctx, olivia)
	require.NoError(t, err)
	require.Len(t, all, 1)
	require.Equal(t, got, all[0])
	n, err := s.Count(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	_, err = s.Create(ctx, olivia, convreport.Dashboard{ID: "b", Name: "Another"})
	require.ErrorIs(t, err, store.ErrConflict)
	created, err := s.Create(ctx, olivia, convreport.Dashboard{Name: "B"})
	require.NoError(t, err)
	requireGenerated(t, "b", created.ID)

	// A save writes a file of its own in place of the link; the file it
	// linked to is left as it was.
	got.Name = "B, edited"
	_, err = s.Save(ctx, olivia, got)
	require.NoError(t, err)
	b, err := os.ReadFile(target)
	require.NoError(t, err)
	require.Equal(t, file, string(b))
	fi, err := os.Lstat(filepath.Join(dir, "b.json"))
	require.NoError(t, err)
	require.True(t, fi.Mode().IsRegular())
}

// A link to nothing named <id>.json is an error naming it and its target
// in every call that reads it, not a dashboard gone quiet from the list
// while its ID stays taken; a directory, or a link to one, is no
// dashboard anywhere.
func TestBrokenOrDirectoryLinkedDashboardFile(t *testing.T) {
	dir := t.TempDir()
	gone := filepath.Join(t.TempDir(), "gone.json")
	link := filepath.Join(dir, "b.json")
	symlink(t, gone, link)
	symlink(t, t.TempDir(), filepath.Join(dir, "sub.json"))
	s := reopen(t, dir)

	want := "convreport/store: dashboard file " + link + " is unreadable: it is a symbolic link to " + gone + ", which does not exist (restore it from a backup or remove it)"
	_, err := s.Get(ctx, olivia, "b")
	var fe *store.FileError
	require.ErrorAs(t, err, &fe)
	require.Equal(t, link, fe.Path)
	require.EqualError(t, err, want)
	_, err = s.List(ctx, olivia)
	require.EqualError(t, err, want)
	_, err = s.Count(ctx)
	require.EqualError(t, err, want)
	_, err = s.Create(ctx, olivia, convreport.Dashboard{ID: "b", Name: "Another"})
	require.EqualError(t, err, want)

	require.NoError(t, os.Remove(link))
	all, err := s.List(ctx, olivia)
	require.NoError(t, err)
	require.Empty(t, all, "a link to a directory is no dashboard")
	_, err = s.Get(ctx, olivia, "sub")
	require.ErrorIs(t, err, convreport.ErrNotFound)
}

// A key a dashboard does not have, in a file edited by hand, is refused
// naming the file, the key and where it is, as the JSON API and the
// command line's dashboard files refuse it: a misspelt "visibilty" would
// otherwise silently leave the dashboard private, and the next save drop
// the key.
func TestUnknownKeyInADashboardFile(t *testing.T) {
	dir, s := newDir(t)
	path := filepath.Join(dir, "x.json")
	for _, c := range []struct{ file, want string }{
		{`{"id": "x", "name": "X", "owner": "olivia", "visibilty": "everyone_view", "reports": []}`,
			`line 1, column 45: visibilty: unknown key (want id, name, owner, visibility, grants, reports, calendar, filters, version, created_at, updated_at)`},
		{"{\"id\": \"x\", \"name\": \"X\", \"owner\": \"olivia\", \"reports\": [\n  {\"name\": \"R\", \"measure\": {\"agg\": \"count\", \"metrc\": \"wait_time\"}}]}",
			`line 2, column 45: reports[0].measure.metrc: unknown key (want agg, metric, p, threshold, sla, target)`},
	} {
		require.NoError(t, os.WriteFile(path, []byte(c.file), 0o600))
		want := "convreport/store: dashboard file " + path + " is unreadable: " + c.want + " (correct the file there, or restore it from a backup)"
		_, err := s.Get(ctx, adam, "x")
		var fe *store.FileError
		require.ErrorAs(t, err, &fe)
		require.Equal(t, path, fe.Path)
		require.EqualError(t, err, want)
		_, err = s.List(ctx, adam)
		require.EqualError(t, err, want)
	}
}

// Every key a store ever wrote is one a dashboard has still: a file the
// first version of the store wrote, every field it knew set, reads as it
// did, and saves again.
func TestDashboardFileOfTheFirstStore(t *testing.T) {
	dir := t.TempDir()
	b, err := os.ReadFile(filepath.Join("testdata", "first-store-version.json"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "support.json"), b, 0o600))
	s := reopen(t, dir, store.WithClock(clock()))
	d, err := s.Get(ctx, olivia, "support")
	require.NoError(t, err)
	require.Equal(t, access.SpecificUsersAndTeams, d.Visibility)
	require.Equal(t, []access.Grant{{User: "tess", Allow: access.Edit}, {Team: "Sales"}}, d.Grants)
	require.Len(t, d.Reports, 2)
	require.Equal(t, convreport.Measure{Agg: convreport.ShareWithin, Metric: convreport.WaitTime, Threshold: convreport.Duration(5 * time.Minute)}, d.Reports[0].Measure)
	require.Equal(t, []convreport.Condition{{Property: "Inbox", Op: convreport.IsAnyOf, Values: []string{"Sales"}}}, d.Reports[0].Conditions)
	require.Equal(t, convreport.Chart{Type: "bar", Stacked: true}, d.Reports[0].Chart)
	require.Equal(t, 90.0, d.Reports[1].Measure.P)
	require.Equal(t, convreport.Chart{Type: "column", Percent: true}, d.Reports[1].Chart)
	all, err := s.List(ctx, olivia)
	require.NoError(t, err)
	require.Equal(t, []convreport.Dashboard{d}, all)
	d.Name = "Support desk"
	saved, err := s.Save(ctx, olivia, d)
	require.NoError(t, err)
	require.Equal(t, int64(2), saved.Version)
}

// A save the directory refuses names the dashboard and the directory, not
// only the temporary file it could not create, and leaves no temporary
// file behind.
func TestSaveErrorNamesTheDashboardAndTheDirectory(t *testing.T) {
	t.Run("read-only directory", func(t *testing.T) {
		dir, s := newDir(t)
		require.NoError(t, os.Chmod(dir, 0o500))
		t.Cleanup(func() { os.Chmod(dir, 0o700) })
		probe, err := os.CreateTemp(dir, "probe")
		if err == nil {
			probe.Close()
			os.Remove(probe.Name())
			t.Skip("this user writes into a read-only directory (root)")
		}
		_, err = s.Create(ctx, olivia, withID("c", dash("C", access.Private)))
		require.EqualError(t, err, `convreport/store: saving dashboard "c": cannot create a file in directory `+dir+`: permission denied`)
		require.ErrorIs(t, err, os.ErrPermission)

		admin := access.Viewer{UserID: "admin", Admin: true}
		err = s.SaveSLA(ctx, admin, &convreport.SLASet{})
		require.EqualError(t, err, `convreport/store: saving SLA policies: cannot create a file in directory `+dir+`: permission denied`)
	})
	t.Run("a directory in the file's place", func(t *testing.T) {
		dir := t.TempDir()
		require.NoError(t, os.MkdirAll(filepath.Join(dir, "c.json", "inside"), 0o700))
		_, err := reopen(t, dir).Create(ctx, olivia, withID("c", dash("C", access.Private)))
		require.Error(t, err)
		prefix := `convreport/store: saving dashboard "c" to ` + filepath.Join(dir, "c.json") + `: rename `
		require.True(t, strings.HasPrefix(err.Error(), prefix), err.Error())
		entries, err := os.ReadDir(dir)
		require.NoError(t, err)
		require.Len(t, entries, 1, "no temporary file left behind")
	})
}

// A Dir's stamp of a dashboard changes with each save, with a delete (to
// none), and with a creation again under its ID; it stays while nothing
// is written, and reading the dashboard does not change it.
func TestDirStamp(t *testing.T) {
	dir, s := newDir(t, store.WithClock(clock()))
	stamp := func() string {
		t.Helper()
		st, err := s.Stamp(ctx, "support")
		require.NoError(t, err)
		return st
	}
	require.Equal(t, "", stamp(), "no dashboard yet")
	d, err := s.Create(ctx, olivia, withID("support", dash("Support", access.EveryoneCanView)))
	require.NoError(t, err)
	first := stamp()
	require.NotEmpty(t, first)
	_, err = s.Get(ctx, tess, "support")
	require.NoError(t, err)
	require.Equal(t, first, stamp(), "a read changes nothing")

	d.Name = "Support desk"
	d, err = s.Save(ctx, olivia, d)
	require.NoError(t, err)
	saved := stamp()
	require.NotEqual(t, first, saved)

	// Another Dir over the directory, as another process, sees the same.
	st, err := reopen(t, dir).Stamp(ctx, "support")
	require.NoError(t, err)
	require.Equal(t, saved, st)

	require.NoError(t, s.Delete(ctx, olivia, d))
	require.Equal(t, "", stamp(), "deleted")
	re := dash("Support desk", access.EveryoneCanView)
	re.ID = "support"
	_, err = s.Create(ctx, olivia, re)
	require.NoError(t, err)
	again := stamp()
	require.NotEmpty(t, again)
	require.NotEqual(t, first, again, "created again, at version 1 anew")
	require.NotEqual(t, saved, again)

	st, err = s.Stamp(ctx, "../support")
	require.NoError(t, err)
	require.Equal(t, "", st, "an ID that names no dashboard")
}
