package store_test

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/plan"
	"github.com/convreport/convreport/store"
	"github.com/stretchr/testify/require"
)

// Create reads no dashboard: a file beside that does not read stops
// neither a create nor the count, and still holds its ID; under a cap it
// counts, as Count counts it.
func TestDirCreateReadsNoOtherDashboard(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "broken.json"), []byte(`{"id": "broken", "name": `), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "elsewhere.json"), []byte(`{"id": "other", "name": "Other", "owner": "olivia"}`), 0o600))
	s := reopen(t, dir, store.WithPlan(plan.Free))
	d, err := s.Create(ctx, olivia, dash("Support", access.Private))
	require.NoError(t, err)
	requireGenerated(t, "support", d.ID)
	got, err := s.Get(ctx, olivia, d.ID)
	require.NoError(t, err)
	require.Equal(t, d, got)
	n, err := s.Count(ctx)
	require.NoError(t, err)
	require.Equal(t, 3, n, "the files that do not read count")

	_, err = s.Create(ctx, olivia, dash("Sales", access.Private))
	var pe *plan.Error
	require.ErrorAs(t, err, &pe, "a free plan holds 3")

	uncapped := reopen(t, dir)
	_, err = uncapped.Create(ctx, olivia, convreport.Dashboard{ID: "broken", Name: "Broken"})
	require.ErrorIs(t, err, store.ErrConflict)
	require.EqualError(t, err, `convreport: conflict: dashboard "broken" already exists`)
	b, err := os.ReadFile(filepath.Join(dir, "broken.json"))
	require.NoError(t, err)
	require.Equal(t, `{"id": "broken", "name": `, string(b), "left as it was")
	again, err := uncapped.Create(ctx, olivia, dash("Broken", access.Private))
	require.NoError(t, err)
	requireGenerated(t, "broken", again.ID)
}

// Symbolic links to dashboard files count against the cap, and their IDs
// are taken; a link to a directory is no dashboard.
func TestDirCreateCountsLinkedFiles(t *testing.T) {
	dir, elsewhere := t.TempDir(), t.TempDir()
	file := `{"id": "b", "name": "B", "owner": "olivia", "visibility": "everyone_view", "reports": [],
		"version": 1, "created_at": "2025-01-01T00:00:00Z", "updated_at": "2025-01-01T00:00:00Z"}`
	require.NoError(t, os.WriteFile(filepath.Join(elsewhere, "b.json"), []byte(file), 0o600))
	if err := os.Symlink(filepath.Join(elsewhere, "b.json"), filepath.Join(dir, "b.json")); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
	require.NoError(t, os.Symlink(t.TempDir(), filepath.Join(dir, "sub.json")))
	s := reopen(t, dir, store.WithPlan(plan.Plan{Name: "two", DashboardsPerAccount: 2}))
	n, err := s.Count(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	_, err = s.Create(ctx, olivia, convreport.Dashboard{ID: "b", Name: "Another"})
	require.ErrorIs(t, err, store.ErrConflict)
	created, err := s.Create(ctx, olivia, convreport.Dashboard{Name: "B"})
	require.NoError(t, err)
	requireGenerated(t, "b", created.ID)
	_, err = s.Create(ctx, olivia, convreport.Dashboard{Name: "C"})
	require.EqualError(t, err, `convreport: plan "two" allows 2 dashboards per account`)
}

// Sixteen goroutines creating at once: every create of a name gets an ID
// of its own, and of sixteen creates of one ID exactly one is taken.
func TestDirSixteenCreatesAtOnce(t *testing.T) {
	dir, s := newDir(t)
	const n = 16
	ids := make([]string, n)
	errs := make([]error, 2*n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			d, err := s.Create(ctx, olivia, dash("Same name", access.Private))
			ids[i], errs[i] = d.ID, err
		})
		wg.Go(func() {
			// Through a Dir of its own, as a store opened per request is.
			own, err := store.OpenDir(dir)
			if err == nil {
				_, err = own.Create(ctx, olivia, convreport.Dashboard{ID: "same", Name: fmt.Sprint("Same ", i)})
			}
			errs[n+i] = err
		})
	}
	wg.Wait()
	seen := map[string]bool{}
	for i := range n {
		require.NoError(t, errs[i])
		require.False(t, seen[ids[i]], "%s given twice", ids[i])
		seen[ids[i]] = true
	}
	taken := 0
	for _, err := range errs[n:] {
		if err == nil {
			taken++
			continue
		}
		require.ErrorIs(t, err, store.ErrConflict)
	}
	require.Equal(t, 1, taken, "one create of the ID is taken")
	list, err := s.List(ctx, olivia)
	require.NoError(t, err)
	require.Len(t, list, n+1)
	requireNoTemporaryFiles(t, dir)
}

// createHelperEnv names the directory a helper process works in; the
// helper runs when the test binary is started with it set.
const createHelperEnv = "CONVREPORT_STORE_CREATE_HELPER"

// TestDirCreateHelperProcess is not a test: it is what the processes the
// tests below start run. "create" creates dashboards of one name and of
// shared IDs, printing each ID taken; "save" saves one dashboard without
// end, until killed.
func TestDirCreateHelperProcess(t *testing.T) {
	dir := os.Getenv(createHelperEnv)
	if dir == "" {
		t.Skip("run by the tests that start processes")
	}
	s, err := store.OpenDir(dir)
	require.NoError(t, err)
	switch os.Getenv(createHelperEnv + "_DO") {
	case "create":
		for i := range 25 {
			d, err := s.Create(ctx, olivia, dash("Shared", access.Private))
			require.NoError(t, err)
			fmt.Println("created", d.ID)
			d, err = s.Create(ctx, olivia, convreport.Dashboard{ID: fmt.Sprint("x-", i), Name: "X"})
			switch {
			case err == nil:
				fmt.Println("created", d.ID)
			case errors.Is(err, store.ErrConflict):
				fmt.Println("conflict", fmt.Sprint("x-", i))
			default:
				t.Fatal(err)
			}
		}
	case "save":
		d, err := s.Get(ctx, olivia, "big")
		require.NoError(t, err)
		fmt.Println("saving")
		for i := 0; ; i++ {
			d.Reports[0].Description = strings.Repeat(fmt.Sprint(i%10), 1000+i%5000)
			if d, err = s.Save(ctx, olivia, d); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func helperProcess(t *testing.T, dir, do string) *exec.Cmd {
	t.Helper()
	exe, err := os.Executable()
	require.NoError(t, err)
	cmd := exec.Command(exe, "-test.run=^TestDirCreateHelperProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), createHelperEnv+"="+dir, createHelperEnv+"_DO="+do)
	return cmd
}

// Two processes creating in one directory at once: no creation is lost
// and no ID is taken twice, of a name or given.
func TestDirTwoProcessesCreateAtOnce(t *testing.T) {
	dir := t.TempDir()
	var outs [2]bytes.Buffer
	var cmds [2]*exec.Cmd
	for i := range cmds {
		cmds[i] = helperProcess(t, dir, "create")
		cmds[i].Stdout = &outs[i]
		cmds[i].Stderr = &outs[i]
		require.NoError(t, cmds[i].Start())
	}
	for i, cmd := range cmds {
		require.NoError(t, cmd.Wait(), outs[i].String())
	}
	created := map[string]int{}
	conflicts := 0
	for _, out := range outs {
		sc := bufio.NewScanner(&out)
		for sc.Scan() {
			if id, ok := strings.CutPrefix(sc.Text(), "created "); ok {
				created[id]++
			}
			if strings.HasPrefix(sc.Text(), "conflict ") {
				conflicts++
			}
		}
	}
	for id, n := range created {
		require.Equal(t, 1, n, "%s created twice", id)
	}
	require.Len(t, created, 2*25+25, "every create of the name, and one of each given ID")
	require.Equal(t, 25, conflicts)
	list, err := reopen(t, dir).List(ctx, olivia)
	require.NoError(t, err)
	require.Len(t, list, len(created), "every creation reported is on disk")
	for _, d := range list {
		require.Equal(t, 1, created[d.ID], d.ID)
	}
}

// A process killed (SIGKILL) in the middle of saves leaves every
// dashboard file whole: the last version or the one before, never a mix;
// at worst a temporary file, which the store ignores.
func TestDirKilledMidSaveLeavesNoTornFile(t *testing.T) {
	dir, s := newDir(t)
	_, err := s.Create(ctx, olivia, convreport.Dashboard{ID: "big", Name: "Big", Reports: []convreport.Report{report("a", "A")}})
	require.NoError(t, err)
	for round := range 3 {
		cmd := helperProcess(t, dir, "save")
		out, err := cmd.StdoutPipe()
		require.NoError(t, err)
		require.NoError(t, cmd.Start())
		line, err := bufio.NewReader(out).ReadString('\n')
		require.NoError(t, err)
		require.Equal(t, "saving\n", line)
		time.Sleep(time.Duration(100+round*70) * time.Millisecond)
		require.NoError(t, cmd.Process.Kill()) // SIGKILL: no deferred cleanup runs
		_ = cmd.Wait()

		reopened := reopen(t, dir)
		d, err := reopened.Get(ctx, olivia, "big")
		require.NoError(t, err, "round %d", round)
		if desc := d.Reports[0].Description; desc != "" {
			require.Equal(t, strings.Repeat(desc[:1], len(desc)), desc, "one save's description, whole")
		}
		list, err := reopened.List(ctx, olivia)
		require.NoError(t, err)
		require.Len(t, list, 1)
		// The store carries on, and a create beside the leftovers works.
		_, err = reopened.Save(ctx, olivia, d)
		require.NoError(t, err)
	}
	_, err = s.Create(ctx, olivia, dash("After", access.Private))
	require.NoError(t, err)
}

// requireNoTemporaryFiles checks that only dashboard files are in dir.
func requireNoTemporaryFiles(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	for _, e := range entries {
		require.False(t, strings.HasSuffix(e.Name(), ".tmp"), "temporary file %s left behind", e.Name())
	}
}
