package convreport

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/convreport/convreport/internal/colstore"
	"github.com/convreport/convreport/internal/exec"
	"github.com/convreport/convreport/internal/filter"
)

// A costly residual expression (one the engine cannot evaluate on columns)
// can make one chunk of rows take long, and cancellation was checked only
// between chunks. The residual loop now checks the run's context before
// each row: with a context already done, the first row is not evaluated.
func TestResidualRowsCheckCancellation(t *testing.T) {
	var cs []Conversation
	created := time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)
	for i := range 500 {
		cs = append(cs, Conversation{ID: fmt.Sprint(i), Channel: Chat, Status: Open, CreatedAt: created, Subject: strings.Repeat("refund ", i%7)})
	}
	tab, err := buildTable(DefaultSchema(), cs)
	require.NoError(t, err)
	f, err := compileFilter(nil, `Subject matches "(?i)ref+und"`)
	require.NoError(t, err)
	require.Equal(t, filter.Expr, f.tree().Op, "the test needs a residual expression")

	eval := func(ctx context.Context) (int, error) {
		ec := exec.NewCtx(ctx, tab.x)
		cp := ec.Prepare(f.tree(), filter.Env{})
		lc := exec.NewLeafCache(ec)
		seg := tab.cols.Segments()[0]
		n := min(len(cs), colstore.ChunkRows)
		var in, out colstore.Mask
		for j := range n {
			in[j/64] |= 1 << (j % 64)
		}
		err := cp.Eval(ec, lc, seg, 0, n, &in, &out)
		kept := 0
		for _, w := range out {
			for ; w != 0; w &= w - 1 {
				kept++
			}
		}
		return kept, err
	}
	kept, err := eval(context.Background())
	require.NoError(t, err)
	want := 0
	for _, c := range cs {
		if c.Subject != "" {
			want++
		}
	}
	require.Equal(t, want, kept)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = eval(ctx)
	require.True(t, errors.Is(err, context.Canceled), "%v", err)
}

// Patterns whose compiled program is large are refused at compile time,
// with the position of the pattern; everyday patterns pass.
func TestCostlyPatternsAreRefused(t *testing.T) {
	costly := []string{
		`[a-z ]{1,1000}`,
		strings.Repeat(`[a-z ]{1,1000}`, 40), // the 600-byte pattern of the report
		`(refund|chargeback|dispute){300}`,
		`\pL{1,999}x`,
		`(?:a?){500}a{500}`,
	}
	for _, p := range costly {
		src := `Subject matches "` + strings.ReplaceAll(p, `\`, `\\`) + `"`
		_, err := compileFilter(nil, src)
		var fe *FilterError
		require.True(t, errors.As(err, &fe), "%s: %v", p, err)
		require.Equal(t, len(`Subject matches "`), fe.Column, p)
		require.Contains(t, fe.Msg, "too costly", p)
	}
	for _, p := range []string{`^(re|fwd):`, `(?i)refund|chargeback|money back`, `^.{0,255}$`, `\d{4}-\d{2}-\d{2}`, `^[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}$`} {
		_, err := compileFilter(nil, `Subject matches "`+strings.ReplaceAll(p, `\`, `\\`)+`"`)
		require.NoError(t, err, p)
	}
	// The limit is an engine setting.
	_, err := FilterOptions{MaxPatternSize: 5000}.Compile(nil, `Subject matches "[a-z ]{1,1000}"`)
	require.NoError(t, err)
}
