package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/bench"
	"github.com/convreport/convreport/memory"
	"github.com/stretchr/testify/require"
)

// The SQLite file goes in the -sqlite-dir named, whatever its name: in a
// plain "file:" DSN a '?' starts the parameters, a '#' ends the name and
// "%25" is decoded to '%', each naming another file or none.
func TestSQLiteFileInAnyDirectory(t *testing.T) {
	ctx := context.Background()
	d, err := bench.NewData(bench.SampleConfig(tinyN, 3))
	require.NoError(t, err)
	mem, err := memory.New(d.Convs)
	require.NoError(t, err)
	b, err := newBaseline(ctx, convreport.NewEngine(mem), d)
	require.NoError(t, err)

	for _, name := range []string{"help?desk", "help#desk", "50%25", "a b"} {
		t.Run(name, func(t *testing.T) {
			parent := t.TempDir()
			dir := filepath.Join(parent, name)
			require.NoError(t, os.Mkdir(dir, 0o755))
			l, err := sqliteDatabase(dir).load(ctx, len(d.Convs), d.Convs, 100)
			require.NoError(t, err)
			path := filepath.Join(dir, tableName(len(d.Convs))+".db")
			_, err = os.Stat(path)
			require.NoError(t, err, "the file is in the directory named")
			size, err := l.stored(ctx)
			require.NoError(t, err)
			require.Positive(t, size)
			require.NoError(t, b.check(ctx, "SQLite", convreport.NewEngine(l.src)), "the file read holds the conversations")
			require.NoError(t, l.drop(ctx))
			entries, err := os.ReadDir(parent)
			require.NoError(t, err)
			require.Len(t, entries, 1, "no other file beside the directory")
			entries, err = os.ReadDir(dir)
			require.NoError(t, err)
			require.Empty(t, entries, "drop removed the file")
		})
	}
}
