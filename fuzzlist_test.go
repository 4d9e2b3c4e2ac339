package convreport_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestEveryFuzzTargetRunsInCI finds every fuzz target of the module and
// checks that .ci/run fuzzes it and that it has a seed corpus on disk, so
// that a new target is not forgotten.
func TestEveryFuzzTargetRunsInCI(t *testing.T) {
	script, err := os.ReadFile(".ci/run")
	require.NoError(t, err)
	listed := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^(\S+) (Fuzz\w+)$`).FindAllStringSubmatch(string(script), -1) {
		listed[m[1]+" "+m[2]] = true
	}
	decl := regexp.MustCompile(`(?m)^func (Fuzz\w+)\(f \*testing\.F\)`)
	found := 0
	err = filepath.WalkDir(".", func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() && (strings.HasPrefix(e.Name(), ".") && path != "." || e.Name() == "testdata") {
			return filepath.SkipDir
		}
		if e.IsDir() || !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		dir := filepath.Dir(path)
		pkg := "./" + filepath.ToSlash(dir)
		if dir == "." {
			pkg = "."
		}
		for _, m := range decl.FindAllStringSubmatch(string(src), -1) {
			found++
			name := m[1]
			require.True(t, listed[pkg+" "+name], ".ci/run does not fuzz %s in %s: add the line %q", name, pkg, pkg+" "+name)
			corpus, err := os.ReadDir(filepath.Join(dir, "testdata", "fuzz", name))
			require.NoError(t, err, "%s has no seed corpus directory", name)
			require.NotEmpty(t, corpus, "%s has an empty seed corpus", name)
		}
		return nil
	})
	require.NoError(t, err)
	require.Equal(t, len(listed), found, ".ci/run lists %d targets, the module has %d", len(listed), found)
}
