package web_test

import (
	"context"
	"sync"
	"time"

	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// dialogs are the JavaScript dialogs a tab opened (an alert, a confirm,
// the browser's own prompt before it leaves a page), each answered at
// once: accepted, as a person who clicks Leave, unless the test chose to
// stay. Unanswered, a page that asks before it is left would hold a
// test's navigation until its deadline.
type dialogs struct {
	mu      sync.Mutex
	prompts int // the prompts before leaving a page, since last taken
	stay    bool
}

// answerDialogs answers the dialogs of tab until it closes.
func answerDialogs(tab context.Context) *dialogs {
	d := &dialogs{}
	events := chromedp.Events(tab, cdppage.JavascriptDialogOpening)
	go func() {
		for ev, err := range events {
			if err != nil {
				return
			}
			d.mu.Lock()
			if ev.Type == cdppage.DialogTypeBeforeunload {
				d.prompts++
			}
			accept := !d.stay
			d.mu.Unlock()
			// An error is the tab closed meanwhile: nothing waits on the answer.
			_, _ = chromedp.Call(tab, cdppage.HandleJavaScriptDialog, cdppage.HandleJavaScriptDialogParams{Accept: accept})
		}
	}()
	return d
}

// prompts is how many times the browser asked before leaving a page
// since the last call. A navigation the page let go is done after its
// prompt was counted: the prompt holds it until answered.
func (b *browser) prompts() int {
	b.dialogs.mu.Lock()
	defer b.dialogs.mu.Unlock()
	n := b.dialogs.prompts
	b.dialogs.prompts = 0
	return n
}

// answerStay has the browser's prompts before leaving answered Stay
// (true) or Leave.
func (b *browser) answerStay(stay bool) {
	b.dialogs.mu.Lock()
	defer b.dialogs.mu.Unlock()
	b.dialogs.stay = stay
}

// waitPrompt waits for the browser's prompt before leaving a page, and
// takes it.
func (b *browser) waitPrompt() {
	b.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		b.dialogs.mu.Lock()
		n := b.dialogs.prompts
		b.dialogs.prompts = 0
		b.dialogs.mu.Unlock()
		if n > 0 {
			require.Equal(b.t, 1, n, "one prompt")
			return
		}
		if time.Now().After(deadline) {
			b.t.Fatal("the browser asked nothing before leaving the page")
		}
		time.Sleep(50 * time.Millisecond)
	}
}
