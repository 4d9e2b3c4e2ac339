package parquetio

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/ingest"
	"github.com/convreport/convreport/memory"
)

// stringForms are forms of the values of an ID or a contact ID, each
// aimed at a path of the column store: numbered values are kept and
// coded as numbers when they can be, and everything else as strings.
// Each returns a value for row i.
var stringForms = []struct {
	name string
	make func(r *rand.Rand, i int) string
}{
	{"numbered, rising, fixed width", func(r *rand.Rand, i int) string { return fmt.Sprintf("c-%07d", i+1) }},
	{"numbered, rising, any width", func(r *rand.Rand, i int) string { return fmt.Sprintf("c-%d", i+1) }},
	{"numbered, sparse", func(r *rand.Rand, i int) string { return fmt.Sprintf("c-%d", 1+i*97) }},
	{"digits alone, past 2^32", func(r *rand.Rand, i int) string { return fmt.Sprint(r.Uint64N(1e12)) }},
	{"numbers more than 2^32 apart", func(r *rand.Rand, i int) string { return fmt.Sprintf("x-%d", 5_000_000_000+r.Uint64N(1e10)) }},
	{"numbers across 2^32", func(r *rand.Rand, i int) string { return fmt.Sprintf("c-%d", 1<<32-100+r.IntN(200)) }},
	// The same low 32 bits, numbers 2^32 apart: a code by those bits
	// alone would give them one value.
	{"numbers 2^32 apart", func(r *rand.Rand, i int) string { return fmt.Sprintf("c-%d", r.IntN(3)<<32+r.IntN(100)) }},
	{"numbers past 2^63", func(r *rand.Rand, i int) string { return fmt.Sprintf("k-%d", uint64(1)<<63+r.Uint64N(1e6)) }},
	{"numbers about 2^64", func(r *rand.Rand, i int) string { return fmt.Sprintf("k-1844674407370955%04d", r.IntN(10000)) }},
	{"nines, up to 25 digits", func(r *rand.Rand, i int) string { return strings.Repeat("9", 1+r.IntN(25)) }},
	// c-01 and c-1 are two values of one number.
	{"leading zeros", func(r *rand.Rand, i int) string { return fmt.Sprintf("c-%0*d", 1+r.IntN(6), r.IntN(2000)) }},
	{"digits with leading zeros", func(r *rand.Rand, i int) string { return fmt.Sprintf("%03d", r.IntN(3000)) }},
	{"a sign", func(r *rand.Rand, i int) string { return fmt.Sprintf("-%d", r.IntN(300)) }},
	{"a number, then a letter", func(r *rand.Rand, i int) string { return fmt.Sprintf("c-%da", r.IntN(3000)) }},
	{"text", func(r *rand.Rand, i int) string { return fmt.Sprintf("user%d@example.com", r.IntN(5000)) }},
	{"numbered, then text", func(r *rand.Rand, i int) string {
		if r.IntN(2) == 0 {
			return fmt.Sprintf("c-%07d", i+1)
		}
		return fmt.Sprintf("u%x", r.Uint32())
	}},
}

// TestEveryPathKeepsIDAndContactForms builds sources of IDs and contact
// IDs in each form of stringForms (contacts repeating, some unknown, rows
// in creation order or not) by memory.New, by upserts in batches of
// several sizes (then again, a third of the contacts changed to another
// form), and by Load of the file Write makes. Each source must give back
// every conversation's contact under its ID, count the conversations of
// each contact as a loop over the rows does, and find a contact by a
// filter, which codes the filter's value as the column's.
func TestEveryPathKeepsIDAndContactForms(t *testing.T) {
	seed := uint64(0)
	for _, n := range []int{300, 5000} {
		for idForm := range stringForms {
			for _, step := range []int{0, 5} {
				seed++
				ctForm := (idForm + step + int(seed)%3) % len(stringForms)
				name := fmt.Sprintf("%d rows, IDs %s, contacts %s", n, stringForms[idForm].name, stringForms[ctForm].name)
				t.Run(name, func(t *testing.T) {
					r := rand.New(rand.NewPCG(seed, 3))
					cs := formConversations(r, n, idForm, ctForm, seed%2 == 0)
					src, err := memory.New(cs)
					if err != nil {
						t.Fatal(err)
					}
					checkContacts(t, "memory.New", src, cs, r)

					up, err := memory.New(nil)
					if err != nil {
						t.Fatal(err)
					}
					for lo := 0; lo < n; {
						hi := min(n, lo+1+r.IntN(n/2))
						if err := up.Upsert(cs[lo:hi]...); err != nil {
							t.Fatal(err)
						}
						lo = hi
					}
					checkContacts(t, "Upsert", up, cs, r)
					changed := slices.Clone(cs)
					other := stringForms[(ctForm+1)%len(stringForms)].make
					for i := range changed[:n/3] {
						changed[i].ContactID = other(r, i)
					}
					if err := up.Upsert(changed[:n/3]...); err != nil {
						t.Fatal(err)
					}
					checkContacts(t, "Upsert of other contacts", up, changed, r)

					var buf bytes.Buffer
					if err := Write(&buf, nil, slices.Values(cs)); err != nil {
						t.Fatal(err)
					}
					loaded, err := load(buf.Bytes(), ingest.Options{})
					if err != nil {
						t.Fatal(err)
					}
					checkContacts(t, "Load", loaded, cs, r)
				})
			}
		}
	}
}

// formConversations returns n conversations a minute apart with IDs of
// form idForm (made distinct where the form repeats) and contacts drawn
// from a pool of form ctForm, a fifth of them unknown; shuffled unless
// ordered.
func formConversations(r *rand.Rand, n, idForm, ctForm int, ordered bool) []convreport.Conversation {
	base := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	pool := make([]string, 1+r.IntN(n))
	for k := range pool {
		pool[k] = stringForms[ctForm].make(r, k)
	}
	seen := map[string]bool{}
	cs := make([]convreport.Conversation, n)
	for i := range cs {
		id := stringForms[idForm].make(r, i)
		if seen[id] {
			id = fmt.Sprint(id, "-", i)
		}
		seen[id] = true
		contact := pool[r.IntN(len(pool))]
		if r.IntN(5) == 0 {
			contact = ""
		}
		cs[i] = convreport.Conversation{ID: id, Channel: convreport.Chat, ContactID: contact, CreatedAt: base.Add(time.Duration(i) * time.Minute)}
	}
	if !ordered {
		r.Shuffle(n, func(i, j int) { cs[i], cs[j] = cs[j], cs[i] })
	}
	return cs
}

// checkContacts requires src to hold exactly the IDs of cs, each with its
// contact; a report by contact to count each contact's conversations as a
// loop over cs does; and a filter on a contact, for a few taken at random
// and one no conversation has, to count that contact's.
func checkContacts(t *testing.T, how string, src *memory.Source, cs []convreport.Conversation, r *rand.Rand) {
	t.Helper()
	want := map[string]string{}
	counts := map[string]int64{}
	for _, c := range cs {
		want[c.ID] = c.ContactID
		counts[c.ContactID]++
	}
	got := 0
	for c := range src.All() {
		got++
		w, ok := want[c.ID]
		if !ok {
			t.Fatalf("%s: ID %q, which no conversation has", how, c.ID)
		}
		if c.ContactID != w {
			t.Fatalf("%s: ID %q has contact %q, want %q", how, c.ID, c.ContactID, w)
		}
	}
	if got != len(cs) {
		t.Fatalf("%s: %d conversations, want %d", how, got, len(cs))
	}
	eng := convreport.NewEngine(src)
	q := convreport.Query{From: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	res, err := eng.Run(context.Background(), q, convreport.Report{Name: "by contact", Dimensions: []string{"ContactID"}})
	if err != nil {
		t.Fatal(err)
	}
	gotCounts := map[string]int64{}
	for _, p := range res[0].Points {
		if p.Other || p.Dimensions[0].Known != (p.Dimensions[0].Value != "") {
			t.Fatalf("%s: point %+v", how, p)
		}
		gotCounts[p.Dimensions[0].Value] += p.Count
	}
	if len(gotCounts) != len(counts) {
		t.Errorf("%s: %d contacts counted, want %d", how, len(gotCounts), len(counts))
	}
	for v, n := range counts {
		if gotCounts[v] != n {
			t.Fatalf("%s: contact %q counted %d times, want %d", how, v, gotCounts[v], n)
		}
	}
	probes := []string{cs[r.IntN(len(cs))].ContactID, cs[r.IntN(len(cs))].ContactID, cs[len(cs)-1].ContactID + "0"}
	for _, v := range probes {
		if v == "" {
			continue
		}
		res, err := eng.Run(context.Background(), q, convreport.Report{Name: "one contact", Filter: fmt.Sprintf("ContactID == %q", v)})
		if err != nil {
			t.Fatal(err)
		}
		var n int64
		for _, p := range res[0].Points {
			n += p.Count
		}
		if n != counts[v] {
			t.Fatalf("%s: the filter on contact %q counts %d, want %d", how, v, n, counts[v])
		}
	}
}
