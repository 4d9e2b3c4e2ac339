package textwidth

// Middle shortens s to at most w cells with "…" in its middle: about head
// cells of its start, and as much of its end as the rest of w holds.
func Middle(s string, w, head int) string {
	if String(s) <= w {
		return s
	}
	if w <= 0 {
		return ""
	}
	start := prefix(s, min(max(head, 0), w-1))
	return start + "…" + suffix(s, w-1-String(start))
}

// prefix is the longest start of s at most w cells wide.
func prefix(s string, w int) string {
	n := 0
	for i, r := range s {
		if n+Rune(r) > w {
			return s[:i]
		}
		n += Rune(r)
	}
	return s
}

// suffix is the longest end of s at most w cells wide.
func suffix(s string, w int) string {
	rs := []rune(s)
	n, i := 0, len(rs)
	for i > 0 && n+Rune(rs[i-1]) <= w {
		n += Rune(rs[i-1])
		i--
	}
	return string(rs[i:])
}

// Distinct shortens each label to at most its width in cells, as Truncate
// does, but keeps labels that differ apart: labels that Truncate would cut
// to one text (page URLs of one site, which differ only at their end) are
// cut in their middle instead, keeping as much of their end as it takes,
// or, when they differ only in their middle, to a window around where
// they differ ("…/2024/q1-re…"). Labels alike stay alike; a label too
// narrow to tell apart keeps its cut.
func Distinct(labels []string, widths []int) []string {
	out := make([]string, len(labels))
	for i, s := range labels {
		out[i] = Truncate(s, widths[i])
	}
	// A recut can meet another label's cut: a few passes settle it.
	for pass := 0; pass < 3; pass++ {
		groups := collisions(labels, out)
		if len(groups) == 0 {
			break
		}
		for _, g := range groups {
			recut(labels, widths, out, g)
		}
	}
	return out
}

// collisions returns the indices of the labels that share their cut with
// a different label, grouped by cut, in order of first appearance.
func collisions(labels, cut []string) [][]int {
	byCut := map[string][]int{}
	var order []string
	for i, c := range cut {
		if _, ok := byCut[c]; !ok {
			order = append(order, c)
		}
		byCut[c] = append(byCut[c], i)
	}
	var out [][]int
	for _, c := range order {
		g := byCut[c]
		for _, i := range g[1:] {
			if labels[i] != labels[g[0]] {
				out = append(out, g)
				break
			}
		}
	}
	return out
}

// recut cuts the labels of group g so that they differ, trying the
// middle of each, keeping less and less of its start, then a window
// around where the labels begin to differ.
func recut(labels []string, widths []int, out []string, g []int) {
	try := func(cut func(i int) string) bool {
		next := make([]string, len(g))
		seen := map[string]string{}
		for k, i := range g {
			next[k] = cut(i)
			if other, ok := seen[next[k]]; ok && other != labels[i] {
				return false
			}
			seen[next[k]] = labels[i]
		}
		for k, i := range g {
			out[i] = next[k]
		}
		return true
	}
	for _, share := range []float64{0.4, 0.25, 0.1, 0} {
		if try(func(i int) string { return Middle(labels[i], widths[i], int(share*float64(widths[i]-1))) }) {
			return
		}
	}
	common := []rune(labels[g[0]])
	for _, i := range g[1:] {
		rs := []rune(labels[i])
		n := 0
		for n < len(common) && n < len(rs) && common[n] == rs[n] {
			n++
		}
		common = common[:n]
	}
	try(func(i int) string { return window(labels[i], len(common), widths[i]) })
}

// window shortens s to at most w cells around its rune at index at: "…"
// before, what fits from a little before at on, and "…" when cut there.
func window(s string, at, w int) string {
	if String(s) <= w {
		return s
	}
	if w < 3 {
		return Truncate(s, w)
	}
	rs := []rune(s)
	// A third of the room before the difference, for context.
	start := at
	for n := 0; start > 0 && n+Rune(rs[start-1]) <= (w-2)/3; start-- {
		n += Rune(rs[start-1])
	}
	rest := string(rs[start:])
	if start == 0 {
		return Truncate(rest, w)
	}
	if String(rest) <= w-1 {
		return "…" + rest
	}
	return "…" + Truncate(rest, w-1)
}
