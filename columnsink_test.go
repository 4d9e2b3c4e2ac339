package convreport

import (
	"fmt"
	"testing"
)

// TestColumnSinkRepeats decides once, on the first chunk that has
// values: an empty chunk decides nothing.
func TestColumnSinkRepeats(t *testing.T) {
	distinct := make([]string, 100)
	for i := range distinct {
		distinct[i] = fmt.Sprint("contact-", i)
	}
	few := make([]string, 100)
	for i := range few {
		few[i] = fmt.Sprint("subject ", i%3)
	}
	sk := &columnSink{}
	if sk.repeats(nil) || sk.repeat != 0 {
		t.Fatalf("an empty chunk decided %d", sk.repeat)
	}
	if !sk.repeats(few) || sk.cache == nil {
		t.Fatal("repeating values: not found to repeat")
	}
	if !sk.repeats(distinct) {
		t.Fatal("the decision changed on a later chunk")
	}
	sk = &columnSink{}
	if sk.repeats(distinct) || sk.repeats(few) {
		t.Fatal("distinct values found to repeat, or the decision changed")
	}
}
