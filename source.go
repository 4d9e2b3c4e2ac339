package convreport

import (
	"context"
	"errors"
	"iter"
	"time"
)

// ErrUnsupported is returned by an [Aggregator] for a pushdown it cannot compute
// exactly; the engine then scans the source instead.
var ErrUnsupported = errors.New("convreport: not supported by this source")

// Source is where conversations come from. It needs only to list them.
//
// Scan yields the source's conversations; the hint says which the engine
// needs, and a source may use it to skip the others (it may also ignore it:
// the engine applies every condition itself). Scan must stop when ctx is
// done or when the consumer stops, and report a failure as a non-nil error,
// after which the engine stops. Conversations yielded must stay unchanged
// after Scan returns. A Source must be safe for concurrent Scans.
type Source interface {
	Schema() *Schema
	Scan(ctx context.Context, hint ScanHint) iter.Seq2[*Conversation, error]
}

// ScanHint describes the conversations a scan needs. It is advisory.
type ScanHint struct {
	// CreatedFrom and CreatedTo bound CreatedAt, half-open; zero means
	// unbounded on that side.
	CreatedFrom, CreatedTo time.Time
}

// Aggregator is a [Source] that can compute reports itself, such as a SQL
// database answering with GROUP BY. Aggregate returns one Result per report
// in the order of the pushdown's reports, equal to what the engine would compute by scanning, or
// ErrUnsupported (possibly wrapped) to let the engine scan.
type Aggregator interface {
	Source
	Aggregate(ctx context.Context, p *Pushdown) ([]Result, error)
}
