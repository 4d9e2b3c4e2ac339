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
