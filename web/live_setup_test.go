package web_test

import (
	"context"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/memory"
	"github.com/convreport/convreport/web"
	"github.com/stretchr/testify/require"
)

// unsetWatch is a source whose change feed needs setting up (a table
// without its notify trigger) until set is.
type unsetWatch struct {
	*memory.Source
	set atomic.Bool
}

func (s *unsetWatch) Watch(ctx context.Context) (<-chan convreport.Change, error) {
	if !s.set.Load() {
		return nil, &convreport.WatchSetupError{Missing: `table "conversations" has no convreport_notify trigger`, Fix: "run convreport notify once"}
	}
	return s.Source.Watch(ctx)
}

// A change feed that needs setting up says, on the page, what is missing
// and what to do, not "reload the page to try again", which never helps;
// once set up, the next stream is live without a restart.
func TestLiveStreamSaysWhatSetupIsMissing(t *testing.T) {
	f := newFixture(t)
	src := &unsetWatch{Source: f.src}
	g := newFixture(t, func(c *web.Config) { c.Engine = convreport.NewEngine(src) })
	srv := httptest.NewServer(g.h)
	t.Cleanup(srv.Close)
	ch, stop := g.stream(srv, "ana", livePath)
	name, ev := next(t, ch, 5*time.Second)
	require.Equal(t, "status", name)
	require.False(t, ev.Live)
	require.Equal(t, `The data source is not set up to tell of its changes (table "conversations" has no convreport_notify trigger): run convreport notify once, then reload the page.`, ev.Reason)
	stop()

	src.set.Store(true)
	ch, _ = g.stream(srv, "ana", livePath)
	name, ev = next(t, ch, 5*time.Second)
	require.Equal(t, "status", name)
	require.True(t, ev.Live, ev.Reason)
}
