package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"

	"github.com/convreport/convreport"
)

// A report saved whole may still not run in the period a view asks for:
// a time series has more time buckets in it than the engine allows
// (Limits.MaxBuckets), or its series times its buckets come to more
// points (Limits.MaxPoints, known only from the data, as it runs). The
// period is what is wrong, not the report, and not the other reports:
// they run (Engine.RunDashboardEach), and it shows in its place as a card
// of the kind a stale report shows as (stale.go), with no numbers and so
// no drill-down, that names it, the limit it is over and the ways out (a
// shorter period, a wider time bucket, a smaller Top), in the words the
// period's own error has (tooManyBuckets). The dashboard page, its print
// and its live stream show that card; the JSON API's run lists it under
// "not_run", each as the API's error of the period for that report; the
// Vega-Lite spec has a text view in its place. The zip of every report's
// CSV is refused, with that error, as it is for a stale report: a zip
// without one of the reports would look whole.
//
// When the period leaves no report of the run with numbers, the run
// fails on the period, as it did before any report could be set aside.
// The period is then the one thing to change: the page shows the
// default period with the reason beside the date range form (runForPage),
// which says more than a page of cards each saying the same, and the API
// answers 400 invalid_query on the period's parameter.

// notRun is a report that cannot run in the period of its run, though
// the others can.
type notRun struct {
	id, name string
	// points is set when the report is over the engine's points (a line
	// per group times its time buckets), rather than its time buckets.
	points bool
	// msg says why, in terms of the period (tooManyBuckets).
	msg string
	// api is the JSON API's error of it: the period's, a 400
	// invalid_query on the parameter that chose it, with the report's ID.
	api *Error
}

// notRunIn sorts out the outcome of running d's reports in the period of
// q, chosen by p, each report's result or error at its index: it returns
// the reports that cannot run in this period, by ID, and the results of
// those that ran, in order. A report refused for another reason fails the
// run, as it did before (the first in d's order), and so does the period
// when it leaves no report of d with numbers (see above).
func notRunIn(d convreport.Dashboard, results []convreport.Result, errs []error, q convreport.Query, p period) (map[string]*notRun, []convreport.Result, error) {
	var out map[string]*notRun
	var first error
	ran := make([]convreport.Result, 0, len(results))
	for i, err := range errs {
		if err == nil {
			ran = append(ran, results[i])
			continue
		}
		msg, ok := tooManyBuckets(err, q)
		if !ok {
			return nil, nil, err
		}
		if first == nil {
			first = err
		}
		var le *convreport.LimitError
		errors.As(err, &le)
		rep := d.Reports[i]
		var api *Error
		if !errors.As(periodTooLong(err, q, p), &api) {
			return nil, nil, err
		}
		api.Report = rep.ID
		if out == nil {
			out = map[string]*notRun{}
		}
		out[rep.ID] = &notRun{id: rep.ID, name: rep.Name, points: le.Limit == pointsLimit, msg: msg, api: api}
	}
	if first != nil && len(ran) == 0 {
		return nil, nil, periodTooLong(first, q, p)
	}
	return out, ran, nil
}

// words are what the card and the print say of n.
func (n *notRun) words() staleWords {
	if n.points {
		return staleWords{Meta: "Not run for this period: too many points",
			Headline:  "This report is not run for this period: it would have more points than this server allows.",
			Why:       "This server draws only so many points for a report, so this one shows no numbers for this period; the other reports show theirs.",
			EditFix:   "to choose a wider time bucket or a smaller Top, or choose a shorter period above.",
			ViewerFix: "Choose a shorter period above to see its numbers; an editor of this dashboard can choose a wider time bucket or a smaller Top.",
			Print:     "This report is not run for this period: it would have more points than this server allows."}
	}
	return staleWords{Meta: "Not run for this period: too many time buckets",
		Headline:  "This report is not run for this period: it would have more time buckets than this server allows.",
		Why:       "This server counts only so many time buckets for a report, so this one shows no numbers for this period; the other reports show theirs.",
		EditFix:   "to choose a wider time bucket, or choose a shorter period above.",
		ViewerFix: "Choose a shorter period above to see its numbers; an editor of this dashboard can choose a wider time bucket.",
		Print:     "This report is not run for this period: it would have more time buckets than this server allows."}
}

// card is n's card: its title, why it does not run in this period, and
// what to do, with no numbers, as a stale report's card says its parts.
func (n *notRun) card(rep convreport.Report, editURL string) reportCard {
	w := n.words()
	problem := sentence(n.msg) + "."
	// The signature changes with what the card says, so that a live
	// stream redraws it only then.
	sum := sha256.Sum256([]byte("not run\x00" + problem))
	return reportCard{ID: rep.ID, Title: rep.Name, Description: rep.Description, Meta: w.Meta,
		Sig: "notrun-" + hex.EncodeToString(sum[:8]), EditURL: editURL,
		Stale: &staleCard{staleWords: w, Problems: []string{problem}}}
}

// notRunErrors are the JSON API's errors of the reports of run that did
// not run in its period, in the dashboard's order.
func notRunErrors(run *run) []*Error {
	var out []*Error
	for _, rep := range run.d.Reports {
		if n := run.notRun[rep.ID]; n != nil {
			out = append(out, n.api)
		}
	}
	return out
}

// firstNotRun is the error of the first report of run that did not run in
// its period, for what needs every report; nil when all ran.
func firstNotRun(run *run) error {
	if errs := notRunErrors(run); len(errs) > 0 {
		return errs[0]
	}
	return nil
}

// withNotRun is spec, the Vega-Lite spec of run's results, with a text
// view in the place of each report that did not run in its period: its
// title, and why in the lines of its card.
func withNotRun(spec []byte, run *run) ([]byte, error) {
	if len(run.notRun) == 0 {
		return spec, nil
	}
	var top map[string]any
	dec := json.NewDecoder(bytes.NewReader(spec))
	dec.UseNumber() // the numbers as they were written
	if err := dec.Decode(&top); err != nil {
		return nil, err
	}
	views, _ := top["vconcat"].([]any)
	var out []any
	j := 0
	for _, rep := range run.d.Reports {
		if run.stale[rep.ID] != nil {
			continue
		}
		n := run.notRun[rep.ID]
		if n == nil {
			if j < len(views) {
				out = append(out, views[j])
			}
			j++
			continue
		}
		lines := wrapText(sentence(n.msg)+".", 80)
		title := rep.Name
		if title == "" {
			title = rep.ID
		}
		out = append(out, map[string]any{
			"title":       map[string]any{"text": title, "subtitle": n.words().Meta},
			"description": n.words().Headline,
			"data":        map[string]any{"values": []any{map[string]any{"text": strings.Join(lines, "\n")}}},
			"mark":        map[string]any{"type": "text", "align": "left", "baseline": "top", "lineBreak": "\n", "fontSize": 12},
			"encoding": map[string]any{"text": map[string]any{"field": "text", "type": "nominal"},
				"x": map[string]any{"value": 0}, "y": map[string]any{"value": 0}},
			"width":  480,
			"height": 16 * len(lines),
		})
	}
	top["vconcat"] = out
	return json.MarshalIndent(top, "", "  ")
}

// wrapText cuts s into lines of at most width characters, between words
// (a longer word has a line of its own).
func wrapText(s string, width int) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(s) {
		switch {
		case line == "":
			line = w
		case len([]rune(line))+1+len([]rune(w)) <= width:
			line += " " + w
		default:
			lines = append(lines, line)
			line = w
		}
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}
