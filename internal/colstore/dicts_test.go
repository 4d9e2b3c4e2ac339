package colstore

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"sync/atomic"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"
)

// The dictionary index finds every value it was given, across its growth
// and across snapshots, and no value it was not; a snapshot does not see
// codes a later change added.
func TestDictionaryIndex(t *testing.T) {
	tab := New([]Kind{Strings, Ints}, 1)
	var snaps []*Table
	next := 0
	for batch := range 5 {
		n := 1 << (batch + 8) // 256 … 4096 rows, several growths of the index
		tab = tab.Change(nil, func(d *Dicts) *Segment {
			seg := NewSegment(n, 2)
			seg.Created = make([]int64, n)
			codes := make([]uint32, n)
			b := NewStrs(n, 0)
			for r := range n {
				// Each value twice, so half the lookups find one made
				// earlier in the batch.
				codes[r] = d.Code(0, fmt.Sprintf("v%d", next+r/2))
				b.Add(fmt.Sprintf("id%d", next+r))
				seg.Created[r] = int64(next + r)
			}
			next += n
			seg.Cols[0].Codes = Narrow(codes)
			seg.Cols[1].Ints = seg.Created
			seg.IDs = b
			seg.Seal()
			seg.IndexIDs(d.Seed())
			return seg
		})
		snaps = append(snaps, tab)
	}
	dict := tab.Dict(0)
	require.Equal(t, "", dict.At(0))
	for code := 1; code < dict.Len(); code++ {
		v := dict.At(code)
		k, ok := tab.Lookup(0, v)
		require.True(t, ok, v)
		require.Equal(t, uint32(code), k, v)
	}
	for _, v := range []string{"", "v-1", "nope", "v99999"} {
		_, ok := tab.Lookup(0, v)
		require.False(t, ok, v)
	}
	// The first snapshot knows its own values and not the later ones.
	first := snaps[0]
	_, ok := first.Lookup(0, "v0")
	require.True(t, ok)
	_, ok = first.Lookup(0, dict.At(dict.Len()-1))
	require.False(t, ok)
	// Rows read back their values through the codes: row r of a batch
	// holds the value made for r/2.
	rows := 0
	for seg, r := range tab.Rows() {
		v := dict.At(int(seg.Cols[0].Codes.At(r)))
		require.NotEmpty(t, v)
		rows++
	}
	require.Equal(t, next, rows)
	require.Equal(t, next/2+1, dict.Len())
}

// Find locates every ID of a segment whose index keeps 32 bits of each
// ID's hash: among 300,000 IDs some share them (about ten pairs are
// expected), and the IDs themselves tell those apart.
func TestFindEveryIDDespiteSharedHashBits(t *testing.T) {
	const n = 300_000
	tab := New([]Kind{Ints}, 0).Change(nil, func(d *Dicts) *Segment {
		seg := NewSegment(n, 1)
		seg.Created = make([]int64, n)
		b := NewStrs(n, 0)
		for r := range n {
			b.Add(fmt.Sprintf("conv-%07d", r))
			seg.Created[r] = int64(r)
		}
		seg.Cols[0].Ints = seg.Created
		seg.IDs = b
		seg.Seal()
		seg.IndexIDs(d.Seed())
		return seg
	})
	shared := map[uint32]int{}
	seg := tab.Segments()[0]
	for r := range seg.N {
		shared[idHash(tab.dicts.seed, seg.IDs.At(r))]++
	}
	t.Logf("%d IDs share their 32 hash bits with another", n-len(shared))
	for r := range n {
		si, got, ok := tab.Find(fmt.Sprintf("conv-%07d", r))
		if !ok || si != 0 || got != r {
			t.Fatalf("Find(conv-%07d) = %d, %d, %v", r, si, got, ok)
		}
	}
	if _, _, ok := tab.Find("conv-x"); ok {
		t.Fatal("found an ID that is not there")
	}
}

// CodeAll gives each value the code Code gives it, one at a time, whether
// it was in the dictionary before, came earlier in the batch (new to the
// dictionary or not), or is new, and whether it is short enough for
// CodeAll to carry or not; "" is 0; and the index finds every value
// afterwards. The batches grow from a few hundred values (sorted by 11
// bits of their hashes) to 24,000 (by 22).
func TestCodeAllAgreesWithCode(t *testing.T) {
	tab := New([]Kind{Strings, Ints}, 1)
	var want map[string]uint32
	for batch, n := range []int{400, 3000, 6000, 12000, 24000} {
		tab = tab.Change(nil, func(d *Dicts) *Segment {
			vals := make([]string, n)
			for i := range vals {
				switch i % 9 {
				case 0:
					vals[i] = ""
				case 1:
					vals[i] = fmt.Sprintf("old%d", i%500) // in earlier batches, or repeated
				case 2:
					vals[i] = fmt.Sprintf("b%d-twice%d", batch, i%(n/20)) // new, and repeated in the batch
				case 3:
					// Longer than a codeRec holds, some repeated.
					vals[i] = fmt.Sprintf("someone.%d@example.com", i%(n/4))
				case 4:
					// Either side of what a codeRec holds.
					vals[i] = fmt.Sprintf("%0*d", codeRecHead+i%2, i%(n/3))
				default:
					vals[i] = fmt.Sprintf("b%d-%d", batch, i)
				}
			}
			out := make([]uint32, n)
			d.CodeAll(0, vals, out, 0)
			if want == nil {
				want = map[string]uint32{"": 0}
			}
			for i, v := range vals {
				if k, ok := want[v]; ok && k != out[i] {
					t.Fatalf("batch %d: %q has code %d, before %d", batch, v, out[i], k)
				}
				want[v] = out[i]
				if got := d.Code(0, v); got != out[i] {
					t.Fatalf("batch %d: Code(%q) = %d, CodeAll gave %d", batch, v, got, out[i])
				}
				if v != "" && d.vals[0].At(int(out[i])) != v {
					t.Fatalf("batch %d: code %d is %q, want %q", batch, out[i], d.vals[0].At(int(out[i])), v)
				}
			}
			return nil
		})
	}
	codes := map[uint32]bool{}
	for v, k := range want {
		if codes[k] {
			t.Fatalf("code %d given twice (%q)", k, v)
		}
		codes[k] = true
	}
	require.Equal(t, len(want), tab.Dict(0).Len(), "one code a distinct value, and 0 for none")
}

// A slot of the dictionary index holds its code in the bits below the
// number of slots and, above them, the hash bits that follow those of the
// first slot; values that share a first slot and a tag are told apart by
// their strings.
func TestCodeIndexSlotsHoldTags(t *testing.T) {
	vals := NewStrs(4, 0)
	for _, v := range []string{"", "a", "b", "c"} {
		vals.Add(v)
	}
	x := codeIndex{slots: make([]uint32, 16), shift: 60} // 16 slots: 4 bits of code
	h := uint64(3)<<60 | uint64(0xabc)<<32               // first slot 3
	hs := []uint64{h, h, h ^ 1<<40}                      // "a" and "b" share a tag; "c" does not
	for k, hk := range hs {
		x.put(hk, uint32(k+1))
	}
	for k, v := range []string{"a", "b", "c"} {
		got, ok := x.find(&vals, hs[k], v)
		require.True(t, ok, v)
		require.Equal(t, uint32(k+1), got, v)
	}
	_, ok := x.find(&vals, h, "c") // c's string, a's tag
	require.False(t, ok)
	for i, want := range []uint64{hs[0], hs[1], hs[2]} {
		e := x.slots[3+i]
		require.Equal(t, uint32(i+1), e&15, "code of slot %d", 3+i)
		for j := range 28 { // bit 4+j of the slot is bit 32+j of the hash
			require.Equal(t, want>>(32+j)&1, uint64(e>>(4+j)&1), "slot %d bit %d", 3+i, 4+j)
		}
	}
}

// Columns of one change are coded concurrently, each with its own
// buffers: the race detector watches this, and each column's codes are
// the ones its values get alone.
func TestCodeAllColumnsConcurrently(t *testing.T) {
	for range 8 {
		codeColumnsConcurrently(t)
	}
}

func codeColumnsConcurrently(t *testing.T) {
	tab := New([]Kind{Strings, Strings, Strings, Ints}, 3)
	const n = 20000
	outs := make([][]uint32, 3)
	vals := make([][]string, 3)
	for c := range vals {
		vals[c] = make([]string, n)
		for i := range vals[c] {
			vals[c][i] = fmt.Sprintf("col%d-%d", c, i*(c+1)%(n-c))
		}
		outs[c] = make([]uint32, n)
	}
	tab.Change(nil, func(d *Dicts) *Segment {
		jobs := make([]func(), 3)
		for c := range jobs {
			jobs[c] = func() { d.CodeAll(c, vals[c], outs[c], 0) }
		}
		Parallel(jobs)
		for c := range 3 {
			for i, v := range vals[c] {
				if got := d.vals[c].At(int(outs[c][i])); got != v {
					t.Fatalf("column %d row %d: code %d is %q, want %q", c, i, outs[c][i], got, v)
				}
			}
		}
		return nil
	})
}

// A load coded in parts takes room ahead for the values of the parts to
// come, in proportion; its last change gives back what they did not need:
// room for bytes where the values are text, for numbers where they are
// one prefix and digits.
func TestLastChangeGivesBackRoomTakenAhead(t *testing.T) {
	for form, format := range map[string]string{"text": "contact-%06d@example.com", "numbers": "contact-%06d"} {
		t.Run(form, func(t *testing.T) { lastChangeGivesBackRoom(t, format, form == "numbers") })
	}
}

func lastChangeGivesBackRoom(t *testing.T, format string, numbers bool) {
	code := func(tab *Table, from, to, rest int, last bool) *Table {
		return tab.Change(nil, func(d *Dicts) *Segment {
			var vals []string
			for i := from; i < to; i++ {
				vals = append(vals, fmt.Sprintf(format, i))
			}
			d.CodeAll(0, vals, make([]uint32, len(vals)), rest)
			if last {
				d.Last()
			}
			return nil
		})
	}
	// room returns the length and capacity of what holds the values, its
	// first element, and how many elements a value takes.
	room := func(c *Strs) (n, capacity int, first any, size int) {
		if c.inBuf {
			return len(c.buf), cap(c.buf), &c.buf[0], len(fmt.Sprintf(format, 0))
		}
		require.Nil(t, c.num.w64)
		// One number a value, "" included.
		return len(c.num.w32) - 1, cap(c.num.w32), &c.num.w32[0], 1
	}
	for _, last := range []bool{false, true} {
		tab := New([]Kind{Strings, Ints}, 1)
		tab = code(tab, 0, 1000, 0, false)
		// The load's next part: 100 rows, and 9,000 more said to come
		// that never do.
		tab = code(tab, 1000, 1100, 9000, last)
		n, capacity, first, size := room(&tab.dicts.vals[0])
		require.Equal(t, numbers, !tab.dicts.vals[0].inBuf, "form")
		require.Equal(t, 1100*size, n)
		if last {
			// Up to the allocator's size class, at most an eighth more.
			require.LessOrEqual(t, 8*(capacity-n), n+8, "room given back")
			_, _, viewFirst, _ := room(tab.Dict(0))
			require.Same(t, first, viewFirst, "in the snapshot's view too")
		} else {
			require.GreaterOrEqual(t, capacity, 9000*size, "room for the rows to come")
		}
		for i := range 1100 {
			k, ok := tab.Lookup(0, fmt.Sprintf(format, i))
			require.True(t, ok)
			require.Equal(t, fmt.Sprintf(format, i), tab.Dict(0).At(int(k)))
		}
	}
}

// BenchmarkCodeAll codes a million contact IDs, 430,000 of them distinct
// and skewed as a helpdesk's are, into a new dictionary: kept as numbers
// ("contact-4711") and as text ("contact-4711x").
func BenchmarkCodeAll(b *testing.B) {
	for name, suffix := range map[string]string{"numbers": "", "text": "x"} {
		r := rand.New(rand.NewPCG(3, 4))
		vals := make([]string, 1<<20)
		for i := range vals {
			u := r.Float64()
			vals[i] = "contact-" + strconv.Itoa(1+int(u*u*430_000)) + suffix
		}
		out := make([]uint32, len(vals))
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				New([]Kind{Strings, Ints}, 1).Change(nil, func(d *Dicts) *Segment {
					d.CodeAll(0, vals, out, 0)
					return nil
				})
			}
		})
	}
}

// A dictionary of numbers close together is indexed directly by number;
// it turns to hashing, once, on the first value that is not one of its
// numbers or lies too far from the others. Through every turn, CodeAll
// and Code give each value one code, distinct values distinct codes, and
// Lookup finds every value given and none other: checked against a map
// on random values of each shape.
func TestDirectIndex(t *testing.T) {
	type step struct {
		vals   func(r *rand.Rand, i int) string
		direct bool // the index after the step
	}
	num := func(format string, lo, n int) func(r *rand.Rand, i int) string {
		return func(r *rand.Rand, i int) string { return fmt.Sprintf(format, lo+r.IntN(n)) }
	}
	down := func(r *rand.Rand, i int) string { return fmt.Sprintf("contact-%d", 50_000-i) } // reached from above
	amid := func(r *rand.Rand, i int) string {
		if i%500 == 250 {
			return fmt.Sprintf("contact-%dx", r.IntN(1500))
		}
		return fmt.Sprintf("contact-%d", 1+r.IntN(1500))
	}
	cases := map[string][]step{
		"dense":     {{num("contact-%d", 1, 1500), true}, {num("contact-%d", 1, 3000), true}},
		"downwards": {{down, true}, {num("contact-%d", 44_000, 8000), true}},
		// Batches of a few hundred numbers over ten thousand: sorted
		// by number before their slots are read (codeSpread).
		"spread": {{num("contact-%d", 1, 3000), true}, {num("contact-%d", 1, 10_000), true}},
		"wide":   {{num("n-%d", 9_000_000_000, 3000), true}}, // numbers past 32 bits
		// Six digits, then five: written without leading zeros from then on.
		"fewer digits": {{num("c-%06d", 100_000, 1500), true}, {num("c-%d", 99_000, 1000), true}},
		"far":          {{num("contact-%d", 1, 1500), true}, {num("contact-%d", 1, 1_000_000_000), false}, {num("contact-%d", 1, 1500), false}},
		"text":         {{num("contact-%d", 1, 1500), true}, {num("contact-%dx", 1, 300), false}, {num("contact-%d", 1, 3000), false}},
		// Numbers, then a value that is not one amid a batch of them.
		"text amid numbers": {{num("contact-%d", 1, 1500), true}, {amid, false}, {num("contact-%d", 1, 3000), false}},
		"zeros":             {{num("c-%d", 10, 80), true}, {num("c-%03d", 1, 9), false}},
		// The same numbers written another way: other values.
		"two ways": {{num("c-%d", 1000, 1500), true}, {num("c-%06d", 1000, 1500), false}},
		// Another prefix of the same length, then a shorter one.
		"other prefixes": {{num("contact-%d", 1, 1500), true}, {num("contakt-%d", 1, 1500), false}, {num("client-%d", 1, 1500), false}},
		// Too far apart from the start: hashed at once.
		"sparse":     {{num("contact-%d", 1, 1_000_000), false}},
		"texts only": {{num("%d@example.com", 1, 500), false}},
	}
	for name, steps := range cases {
		t.Run(name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(uint64(len(name)), 1))
			tab := New([]Kind{Strings, Ints}, 1)
			want := map[string]uint32{"": 0}
			for s, st := range steps {
				tab = tab.Change(nil, func(d *Dicts) *Segment {
					for part := range 3 {
						n := 500 + r.IntN(2000)
						vals := make([]string, n)
						for i := range vals {
							if r.IntN(20) > 0 {
								vals[i] = st.vals(r, part*n+i)
							}
						}
						out := make([]uint32, n)
						switch part {
						case 0:
							d.CodeAll(0, vals, out, 2)
						case 1:
							for i, v := range vals {
								out[i] = d.Code(0, v)
							}
						default:
							// A value a row given, as memory.New gives
							// them.
							b := d.Batch(0, n)
							for i, v := range vals {
								b.Set(i, v)
							}
							b.Code(out, 0, func(i int) string { return vals[i] })
						}
						for i, v := range vals {
							if k, ok := want[v]; ok && k != out[i] {
								t.Fatalf("step %d: %q has code %d, before %d", s, v, out[i], k)
							}
							want[v] = out[i]
							if v != "" && d.vals[0].At(int(out[i])) != v {
								t.Fatalf("step %d: code %d is %q, want %q", s, out[i], d.vals[0].At(int(out[i])), v)
							}
						}
					}
					return nil
				})
				require.Equal(t, st.direct, tab.dicts.idx[0].direct, "step %d: direct index", s)
				require.Equal(t, len(want), tab.Dict(0).Len(), "step %d: one code a distinct value", s)
				for v, k := range want {
					got, ok := tab.Lookup(0, v)
					require.Equal(t, v != "", ok, "step %d: Lookup(%q)", s, v)
					require.Equal(t, k, got, "step %d: Lookup(%q)", s, v)
				}
				// Values never given: numbers between and beyond the
				// given ones, written as given ones are and otherwise.
				for _, v := range []string{"contact-0", "contact-77777777777", "contact-01", "c-1000000", "c-0000005", "n-8999999999", "contact-", "x"} {
					if _, ok := want[v]; !ok {
						_, found := tab.Lookup(0, v)
						require.False(t, found, "step %d: Lookup(%q) found a value never given", s, v)
					}
				}
			}
		})
	}
}

// A batch given a value every row, a row at a time or in runs (SetRun, as
// memory.New gives contact IDs, a block at a time), codes them as Code does
// one at a time: numbers of one width, of many widths, with a leading zero,
// past eight digits, rows with no value, and a value that is no number
// amid them. Codes, which codes them in the buffer of their numbers, does
// too, even after a batch before it in the change left its numbers there.
func TestBatchSetAgreesWithCode(t *testing.T) {
	var inPlace atomic.Int64
	for name, gen := range map[string]func(i int) string{
		"one width":     func(i int) string { return fmt.Sprintf("contact-%06d", 100_000+i%3000) },
		"many widths":   func(i int) string { return fmt.Sprintf("contact-%d", 1+i*7%5000) },
		"short prefix":  func(i int) string { return fmt.Sprintf("c-%d", 10_000_000+i%900) },
		"leading zeros": func(i int) string { return fmt.Sprintf("c-%04d", 1+i%900) },
		"nine digits":   func(i int) string { return fmt.Sprintf("contact-%d", 100_000_000+i%700) },
		// Numbers past 2^32, kept by their low 32 bits.
		"past 2^32": func(i int) string { return fmt.Sprintf("contact-%d", 9_999_999_000+i%700) },
		"text amid": func(i int) string {
			return map[bool]string{true: "someone", false: fmt.Sprintf("contact-%d", 1+i%800)}[i == 1500]
		},
		"zero-led amid": func(i int) string {
			return map[bool]string{true: "contact-007", false: fmt.Sprintf("contact-%d", 1+i%800)}[i == 1500]
		},
		"prefix longer 8": func(i int) string { return fmt.Sprintf("customer-%d", 1+i%800) },
		// Rows with no value from the middle of each half on: in runs,
		// past the first.
		"gaps": func(i int) string {
			return map[bool]string{true: "", false: fmt.Sprintf("c-%d", 10_000_000+i%900)}[i%1500 > 800 && i%37 == 5]
		},
		// No value in the first and the last rows of each half.
		"empty ends": func(i int) string {
			return map[bool]string{true: "", false: fmt.Sprintf("c-%d", 10_000_000+i%900)}[i%1500 < 10 || i%1500 >= 1490]
		},
		// Now and then a number past eight digits, which the loop of a
		// run stops at, and rows with no value, some of them at a run's
		// end: the next run must not take its rows for the ones after.
		"long and gaps": func(i int) string {
			switch {
			case i%1500 > 300 && i%13 == 3:
				return ""
			case i%50 == 7:
				return fmt.Sprintf("c-%d", 100_000_000+i)
			}
			return fmt.Sprintf("c-%d", 10_000_000+i%900)
		},
	} {
		for _, runs := range []bool{false, true} {
			for _, how := range []string{"Code", "Codes", "Codes after a batch"} {
				t.Run(fmt.Sprintf("%s/runs=%v/%s", name, runs, how), func(t *testing.T) {
					vals := make([]string, 3000)
					for i := range vals {
						vals[i] = gen(i)
					}
					want := map[string]uint32{}
					ref := New([]Kind{Strings, Ints}, 1)
					ref.Change(nil, func(d *Dicts) *Segment {
						for _, v := range vals {
							want[v] = d.Code(0, v)
						}
						return nil
					})
					tab := New([]Kind{Strings, Ints}, 1)
					r := rand.New(rand.NewPCG(uint64(len(name)), 2))
					for half := range 2 { // a first batch into an empty dictionary, a second into a full one
						tab = tab.Change(nil, func(d *Dicts) *Segment {
							part := vals[half*1500 : (half+1)*1500]
							batchOf := func(part []string) *CodeBatch {
								b := d.Batch(0, len(part))
								for lo := 0; lo < len(part); {
									if !runs {
										b.Set(lo, part[lo])
										lo++
										continue
									}
									hi := min(len(part), lo+1+r.IntN(700))
									b.SetRun(lo, part[lo:hi])
									lo = hi
								}
								return b
							}
							batch := func() *CodeBatch { return batchOf(part) }
							value := func(i int) string { return part[i] }
							out := make([]uint32, len(part))
							switch how {
							case "Code":
								batch().Code(out, 0, value)
							case "Codes after a batch":
								// A batch of the same values first, but a
								// value in every row, whose numbers stay
								// in the buffer the next batch takes.
								full := slices.Clone(part)
								for i, v := range full {
									if v == "" {
										full[i] = part[len(part)/2]
									}
								}
								batchOf(full).Code(out, 0, func(i int) string { return full[i] })
								fallthrough
							case "Codes":
								b := batch()
								nums := unsafe.SliceData(b.nums)
								out = b.Codes(len(part), 0, value)
								if unsafe.SliceData(out) == nums {
									inPlace.Add(1)
								}
							}
							for i, v := range part {
								require.Equal(t, v, d.vals[0].At(int(out[i])), "half %d, row %d", half, i)
							}
							return nil
						})
					}
					delete(want, "")
					require.Equal(t, len(want)+1, tab.Dict(0).Len(), "one code a distinct value, and 0 for none")
					for v := range want {
						_, ok := tab.Lookup(0, v)
						require.True(t, ok, "Lookup(%q)", v)
					}
				})
			}
		}
	}
	// Codes took the buffer of the numbers in most of the cases where
	// every value was a number (the first batch of "text amid" was not).
	require.GreaterOrEqual(t, inPlace.Load(), int64(30), "batches coded in place")
}

// A run that ends in rows with no value, after a value its loop stopped
// at, leaves a gap: the next run's values are of its own rows.
func TestSetRunAfterAGap(t *testing.T) {
	runs := [][]string{
		{"c-10000001", "c-10000002"},
		{"c-10000003", "c-100000004", "c-10000005", "", ""}, // stops at nine digits
		{"c-10000006", "c-10000007"},
		{"", "c-10000008"},
	}
	var vals []string
	for _, run := range runs {
		vals = append(vals, run...)
	}
	New([]Kind{Strings, Ints}, 1).Change(nil, func(d *Dicts) *Segment {
		b := d.Batch(0, len(vals))
		at := 0
		for _, run := range runs {
			b.SetRun(at, run)
			at += len(run)
		}
		out := make([]uint32, len(vals))
		b.Code(out, 0, func(i int) string { return vals[i] })
		for i, v := range vals {
			require.Equal(t, v, d.vals[0].At(int(out[i])), "row %d", i)
		}
		return nil
	})
}
