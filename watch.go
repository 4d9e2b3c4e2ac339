package convreport

import (
	"context"
	"fmt"
)

// Watcher is a [Source] that says when its conversations change, so that
// a live dashboard reruns its reports only then.
//
// Watch returns a channel that receives a [Change] after the source's
// conversations may have changed. Signals coalesce: a receiver that is
// slow gets one Change for several writes, never none for one, so a run
// started after a receive sees every change up to that signal. The
// channel is closed when ctx is done, or after a Change whose Err says
// the watch failed (a lost database connection).
type Watcher interface {
	Source
	Watch(ctx context.Context) (<-chan Change, error)
}

// Change is a signal from a [Watcher]: the conversations may have
// changed. Err is set, on the channel's last value, when watching failed.
type Change struct {
	Err error
}

// Watch returns the change feed of the engine's source when it is a
// [Watcher], and an error wrapping [ErrUnsupported] when it is not: a
// caller that keeps dashboards live reruns them on each [Change].
func (e *Engine) Watch(ctx context.Context) (<-chan Change, error) {
	if err := e.ready(ctx); err != nil {
		return nil, err
	}
	w, ok := e.src.(Watcher)
	if !ok {
		return nil, fmt.Errorf("convreport: %s does not tell of its changes: %w", sourceName(e.src), ErrUnsupported)
	}
	return w.Watch(ctx)
}

// WatchSetupError is the error of a [Watcher] that cannot tell of changes
// until its data is set up to (a database table without the trigger that
// signals its writes). Unlike a watch that failed, retrying does not help
// until someone acts: Missing says what the data lacks, for the person
// running the server, and Fix what to do. A live page shows both; a Watch
// after the fix succeeds.
type WatchSetupError struct {
	Missing, Fix string
}

func (e *WatchSetupError) Error() string { return e.Missing + ": " + e.Fix }
