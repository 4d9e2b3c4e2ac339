// Package suggest finds the name a typo most likely meant, the one rule
// behind every "did you mean" of convreport: filters, report properties,
// the JSON Lines and CSV readers, the CLI and the web API suggest the same
// fix for the same typo.
package suggest

import "strings"

// A Candidate is text a typo is compared against and the suggestion it
// makes: a property's key may suggest the property's name.
type Candidate struct{ Text, Suggest string }

// Closest returns the suggestion of the candidate closest to name, case
// aside, or "" when none is close: an exact match (case aside) wins;
// otherwise the distance must be under a third of name's length (at least
// 2 typos allowed) and under half of it.
func Closest(name string, cands []Candidate) string {
	low := strings.ToLower(name)
	best, bestD := "", max(2, len(name)/3)+1
	for _, c := range cands {
		cl := strings.ToLower(c.Text)
		if cl == low {
			return c.Suggest
		}
		if d := Distance(low, cl); d < bestD && d*2 < len(name) {
			best, bestD = c.Suggest, d
		}
	}
	return best
}

// Distance counts the insertions, deletions, substitutions and swaps of
// adjacent bytes that turn a into b (optimal string alignment): "teir" is
// one typo away from "tier".
func Distance(a, b string) int {
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := prev[j-1]
			if a[i-1] != b[j-1] {
				c++
			}
			c = min(c, prev[j]+1, cur[j-1]+1)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				c = min(c, prev2[j-2]+1)
			}
			cur[j] = c
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}
