package colstore

import (
	"fmt"
	"hash/maphash"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Values that are one prefix and digits are held as numbers, the others as
// text, and either way every value reads back as it went in.
func TestStrsNumbers(t *testing.T) {
	for name, c := range map[string]struct {
		vals    []string
		numbers bool
	}{
		"padded":                   {[]string{"c-000001", "c-000002", "", "c-123456"}, true},
		"without leading zeros":    {[]string{"contact-1", "contact-22", "contact-0", "contact-333"}, true},
		"padded, then not":         {[]string{"c-100", "c-200", "c-5", "c-12345"}, true},
		"unpadded, then padded":    {[]string{"c-100", "c-012", "c-999"}, true},
		"both ways":                {[]string{"c-100", "c-012", "c-5"}, false},
		"digits alone":             {[]string{"12345678901", "98765432109876543", "7"}, true},
		"past 32 bits":             {[]string{"n-4294967294", "n-4294967295", "n-1"}, true},
		"19 digits":                {[]string{"c-9999999999999999999", "c-1"}, true},
		"20 digits":                {[]string{"c-1", "c-12345678901234567890"}, false},
		"another prefix":           {[]string{"c-1", "d-2"}, false},
		"a longer prefix":          {[]string{"c-1", "cc-2"}, false},
		"no digits":                {[]string{"", "alice"}, false},
		"digits inside":            {[]string{"c-1", "c-1x"}, false},
		"a zero, then two":         {[]string{"c-0", "c-00"}, false},
		"empty only":               {[]string{"", ""}, true},
		"empty, then digits":       {[]string{"", "c-7", "", "c-8"}, true},
		"a prefix that is a value": {[]string{"c-1", "c-"}, false},
	} {
		t.Run(name, func(t *testing.T) {
			var live Strs
			for _, v := range c.vals {
				live.Add(v)
			}
			require.Equal(t, !c.numbers, live.inBuf, "form")
			checkStrs(t, c.vals, &live)
			if c.numbers {
				require.Equal(t, c.vals, readAll(StrsOf(textOf(c.vals))), "StrsOf")
			}
		})
	}
}

// Random lists of values, mostly of one prefix and digits written in
// either way, read back as they went in after each value, in the list and
// in views taken on the way, through StrsOf and copied value by value.
func TestStrsNumbersRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	prefixes := []string{"c-", "c-", "c-", "", "x"}
	// Half the lists hold values of eight bytes or more, mostly of one
	// width, which Add reads as two words (addShort).
	long := false
	value := func() string {
		if r.IntN(12) == 0 {
			return ""
		}
		var b strings.Builder
		b.WriteString(prefixes[r.IntN(len(prefixes))])
		n := 1 + r.IntN(4)
		if long {
			n = 6 + r.IntN(4)/3*r.IntN(4) // 6 mostly, up to 9
		}
		if r.IntN(20) == 0 {
			n = 18 + r.IntN(4)
		}
		for i := range n {
			d := byte('0' + r.IntN(10))
			if i == 0 && r.IntN(3) == 0 {
				d = '0'
			}
			b.WriteByte(d)
		}
		return b.String()
	}
	numbers := 0
	for i := range 3000 {
		long = i%2 == 1
		var vals []string
		var live Strs
		var views []Strs
		for range 1 + r.IntN(12) {
			v := value()
			vals = append(vals, v)
			live.Add(v)
			views = append(views, live)
		}
		if !live.inBuf {
			numbers++
		}
		checkStrs(t, vals, &live)
		for k, v := range views {
			require.Equal(t, vals[:k+1], readAll(v), "view %d of %q", k, vals)
		}
		require.Equal(t, vals, readAll(StrsOf(textOf(vals))), "StrsOf %q", vals)
	}
	require.Greater(t, numbers, 300, "lists held as numbers")
}

// checkStrs checks every way of reading c against vals, its values.
func checkStrs(t *testing.T, vals []string, c *Strs) {
	t.Helper()
	seed := maphash.MakeSeed()
	require.Equal(t, vals, readAll(*c))
	var copied Strs
	for r, v := range vals {
		require.Equal(t, maphash.String(seed, v), c.Hash(seed, r), "hash of %q", v)
		require.Equal(t, "<"+v, string(c.AppendAt([]byte("<"), r)))
		for _, w := range near(v) {
			require.Equal(t, w == v, c.Equal(r, w), "value %d (%q) is %q", r, v, w)
		}
		for k, w := range vals {
			require.Equal(t, strings.Compare(v, w), Compare(c, r, c, k), "%q against %q", v, w)
		}
		copied.AddAt(c, r)
	}
	require.Equal(t, vals, readAll(copied), "copied value by value")
}

// near returns v and strings that differ from it in a digit, a leading
// zero, the prefix or the length.
func near(v string) []string {
	pre, ds := splitDigits(v)
	out := []string{v, "", v + "0", "0" + v, "x" + v, pre + "0" + ds}
	if len(ds) > 1 && ds[0] == '0' {
		out = append(out, pre+ds[1:])
	}
	if len(v) > 0 {
		out = append(out, v[:len(v)-1], v[:len(v)-1]+string(rune('0'+(v[len(v)-1]-'0'+1)%10)))
	}
	return out
}

func readAll(c Strs) []string {
	out := make([]string, c.Len())
	for r := range out {
		out[r] = c.At(r)
	}
	return out
}

func textOf(vals []string) ([]byte, []uint32) {
	var buf []byte
	var ends []uint32
	for _, v := range vals {
		buf = append(buf, v...)
		ends = append(ends, uint32(len(buf)))
	}
	return buf, ends
}

func BenchmarkDigitsFit(b *testing.B) {
	f := digits{set: true, width: 9, fixed: true}
	f.setPrefix("c-")
	vals := []string{"c-000000001", "c-123456789", "c-000123456", "c-987654321"}
	for b.Loop() {
		for _, v := range vals {
			if _, _, _, ok := f.fit(v); !ok {
				b.Fatal(v)
			}
		}
	}
}

// BenchmarkStrsAdd adds a million sample IDs ("c-000000001" on) to a list,
// which keeps them as numbers, and the same IDs with a letter after their
// digits ("c-000000001x"), which it keeps as bytes.
func BenchmarkStrsAdd(b *testing.B) {
	for name, format := range map[string]string{"numbers": "c-%09d", "bytes": "c-%09dx"} {
		ids := make([]string, 1<<22)
		for i := range ids {
			ids[i] = fmt.Sprintf(format, i+1)
		}
		// Strings scattered over memory, as a batch's are: each is a
		// cache miss.
		rand.New(rand.NewPCG(1, 2)).Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
		ids = ids[:1<<20]
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				c := NewStrs(len(ids), len(ids)*len(ids[0]))
				for _, id := range ids {
					c.Add(id)
				}
				if c.inBuf != (name == "bytes") {
					b.Fatalf("%s held in the wrong form", name)
				}
			}
		})
	}
}

// TestFitIsParseUint holds fit to a reference written with strconv: the
// number plus one of the digits after the prefix, for values of every
// length up to maxDigits digits and past it, with a non-digit at each
// place, under prefixes of several lengths.
func TestFitIsParseUint(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, pre := range []string{"", "x", "c-", "contact-", "conversation-"} {
		f := digits{set: true, width: 7}
		f.setPrefix(pre)
		for range 20000 {
			n := r.IntN(maxDigits + 3)
			b := []byte(pre)
			for range n {
				b = append(b, byte('0'+r.IntN(10)))
			}
			if n > 0 && r.IntN(4) == 0 {
				// Not a digit: a letter, or a byte just outside '0'…'9'.
				b[len(pre)+r.IntN(n)] = "a/:x\x00\xff"[r.IntN(6)]
			}
			if r.IntN(20) == 0 && len(b) > 0 {
				b[r.IntN(len(b))] ^= 1 // the prefix, maybe, spoiled
			}
			s := string(b)
			v, fixed, canon, ok := f.fit(s)
			ds, isPre := strings.CutPrefix(s, pre)
			want, err := strconv.ParseUint(ds, 10, 64)
			wantOK := isPre && err == nil && len(ds) >= 1 && len(ds) <= maxDigits && !strings.ContainsAny(ds, "+-_")
			require.Equal(t, wantOK, ok, "%q under %q", s, pre)
			if ok {
				require.Equal(t, want+1, v, "%q", s)
				require.Equal(t, len(ds) == 7, fixed, "%q", s)
				require.Equal(t, len(ds) == 1 || ds[0] != '0', canon, "%q", s)
			}
		}
	}
}

// Lists whose values are all one length, mostly one prefix and digits
// (the usual IDs of a file), give StrsOf the numbers Add gives value by
// value: the same form, prefix, width and ways of writing, and the same
// numbers, or text when a value breaks the form (another prefix, a letter
// among the digits, more digits than a word holds).
func TestStrsOfFixedWidth(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	forms := 0
	for range 2000 {
		pre := []string{"c-", "conv-", "x", "abcdefgh", "abcdefghi", ""}[r.IntN(6)]
		width := 1 + r.IntN(9)
		vals := make([]string, 1+r.IntN(40))
		for i := range vals {
			v := strconv.Itoa(r.IntN(int(pow10Of(width))))
			if r.IntN(2) == 0 || len(v) == width {
				v = strings.Repeat("0", width-len(v)) + v
			} else {
				v = strings.Repeat("1", width-len(v)) + v
			}
			vals[i] = pre + v
		}
		switch r.IntN(8) {
		case 0:
			k := r.IntN(len(vals))
			b := []byte(vals[k])
			b[len(b)-1-r.IntN(width)] = 'x'
			vals[k] = string(b)
		case 1:
			k := r.IntN(len(vals))
			vals[k] = "d" + vals[k][1:]
		}
		var live Strs
		for _, v := range vals {
			live.Add(v)
		}
		got := StrsOf(textOf(vals))
		require.Equal(t, vals, readAll(got), "%q", vals)
		require.Equal(t, live.inBuf, got.inBuf, "form of %q", vals)
		if !live.inBuf {
			forms++
			require.Equal(t, live.num.pre, got.num.pre, "%q", vals)
			require.Equal(t, live.num.width, got.num.width, "%q", vals)
			require.Equal(t, live.num.fixed, got.num.fixed, "%q", vals)
			require.Equal(t, live.num.canon, got.num.canon, "%q", vals)
			require.Equal(t, live.num.w32, got.num.w32, "%q", vals)
			require.Equal(t, live.num.w64, got.num.w64, "%q", vals)
		}
	}
	require.Greater(t, forms, 500, "lists held as numbers")
}

func pow10Of(n int) uint64 {
	p := uint64(1)
	for range n {
		p *= 10
	}
	return p
}
