package colstore

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// IDs read back as they went in, empty ones and long ones included, in the
// narrow form, in the wide form, and across the switch from one to the
// other when the size guess was short.
func TestIDColumn(t *testing.T) {
	ids := []string{"c-1", "", "conversation-with-a-long-identifier-0000000002", "x", "", "ü-4"}
	for i := range 200 {
		ids = append(ids, fmt.Sprintf("c-%06d", i))
	}
	bytes := 0
	for _, id := range ids {
		bytes += len(id)
	}
	check := func(t *testing.T, c Strs, wide bool) {
		require.Equal(t, len(ids), c.Len())
		require.Equal(t, wide, c.end64 != nil)
		for r, id := range ids {
			require.Equal(t, id, c.At(r), "row %d", r)
		}
	}
	build := func(guess int) Strs {
		b := NewStrs(len(ids), guess)
		for _, id := range ids {
			b.Add(id)
		}
		return b
	}
	t.Run("narrow", func(t *testing.T) { check(t, build(bytes), false) })
	defer func(old int) { NarrowIDBytes = old }(NarrowIDBytes)
	NarrowIDBytes = 100
	t.Run("wide from the start", func(t *testing.T) { check(t, build(bytes), true) })
	t.Run("widened on the way", func(t *testing.T) { check(t, build(10), true) })
}

// A copy of a list is a view of the values it held: appends after it,
// growth, clipping and widening never change what it reads.
func TestStrsViewsStayAsTheyWere(t *testing.T) {
	defer func(old int) { NarrowIDBytes = old }(NarrowIDBytes)
	NarrowIDBytes = 4000 // widen on the way
	var live Strs
	var views []Strs
	var want []string
	for i := range 1000 {
		if i%97 == 0 {
			live.grow(50, 300)
		}
		// Numbers first, then text from the 300th value on.
		v := fmt.Sprintf("v%d", i*i)
		if i >= 300 {
			v += "-x"
		}
		if i%13 == 0 {
			v = ""
		}
		live.Add(v)
		want = append(want, v)
		if i%100 == 0 {
			live.clip()
			views = append(views, live)
		}
	}
	require.NotNil(t, live.end64, "the list widened past NarrowIDBytes")
	for _, v := range append(views, live) {
		require.LessOrEqual(t, v.Len(), len(want))
		for r := range v.Len() {
			require.Equal(t, want[r], v.At(r), "value %d of a view of %d", r, v.Len())
		}
	}
}

// Values read back in each form of their ends: compact while every chunk
// of 64 fits 64 KiB, then 32-bit ends once one does not.
func TestStrsForms(t *testing.T) {
	var c Strs
	var want []string
	add := func(v string) {
		c.Add(v)
		want = append(want, v)
	}
	for i := range 150 {
		add(fmt.Sprintf("contact-%d", i))
	}
	require.True(t, c.compact())
	view := c
	add(strings.Repeat("x", 40_000))
	add(strings.Repeat("y", 30_000)) // the chunk passes 64 KiB
	require.NotNil(t, c.end32, "widened to 32-bit ends")
	for i := range 100 {
		add(fmt.Sprintf("after-%d", i))
	}
	require.Equal(t, len(want), c.Len())
	for r, v := range want {
		require.Equal(t, v, c.At(r), "value %d", r)
	}
	require.True(t, view.compact())
	for r := range view.Len() {
		require.Equal(t, want[r], view.At(r), "value %d of the view", r)
	}
}

// StrsOf reads back every value of bytes and ends as they were decoded,
// empty ones included, in the compact form while each chunk of values fits
// 64 KiB and in 32-bit ends when one does not; and an Add after it copies
// the shared bytes rather than writing into them.
func TestStrsOf(t *testing.T) {
	for name, long := range map[string]int{"compact": 50, "a chunk past 64 KiB": 70 << 10} {
		t.Run(name, func(t *testing.T) {
			var ids []string
			for i := range 300 {
				switch {
				case i%17 == 0:
					ids = append(ids, "")
				case i == 150:
					ids = append(ids, strings.Repeat("x", long))
				default:
					ids = append(ids, fmt.Sprintf("conv-%d", i*i))
				}
			}
			var buf []byte
			ends := make([]uint32, len(ids))
			for r, id := range ids {
				buf = append(buf, id...)
				ends[r] = uint32(len(buf))
			}
			buf = append(buf, "spare room"...)[:len(buf)] // capacity past the values
			c := StrsOf(buf, ends)
			require.Equal(t, long > 1<<16, c.end32 != nil, "form")
			require.Equal(t, len(ids), c.Len())
			for r, id := range ids {
				require.Equal(t, id, c.At(r), "row %d", r)
			}
			before := string(buf[:cap(buf)])
			c.Add("appended")
			require.Equal(t, "appended", c.At(len(ids)))
			require.Equal(t, before, string(buf[:cap(buf)]), "the shared bytes were written")
		})
	}
}

// Warm reads each value of every form: a number's stored word, a string's
// first byte, 0 for "".
func TestStrsWarm(t *testing.T) {
	var small, large, strs Strs
	for i := range 200 {
		small.Add(fmt.Sprintf("c-%d", i))
		large.Add(fmt.Sprintf("c-%d", uint64(1)<<40+uint64(i)))
		strs.Add(fmt.Sprintf("%c-contact", 'a'+i%26))
	}
	strs.Add("")
	require.False(t, small.inBuf)
	require.NotNil(t, large.num.w64)
	require.True(t, strs.inBuf)
	for r := range 200 {
		require.Equal(t, uint64(small.num.w32[r]), small.Warm(r))
		require.Equal(t, large.num.w64[r], large.Warm(r))
		require.Equal(t, uint64('a'+r%26), strs.Warm(r))
	}
	require.Zero(t, strs.Warm(200))
}

// AtIn reads what At reads, from a list kept as numbers and from one kept
// as text; the numbers of a page of rows share a few buffers (an
// allocation for every eighteen values of 13 bytes, where At makes one a
// value), and every string it returned still reads its value after its
// buffer filled and was replaced.
func TestStrsAtIn(t *testing.T) {
	var nums, text Strs
	var want []string
	for i := range 1000 {
		v := fmt.Sprintf("conv-%08d", i*7919)
		nums.Add(v)
		text.Add(v + "-x")
		want = append(want, v)
	}
	require.False(t, nums.inBuf, "numbered values are kept as numbers")
	require.True(t, text.inBuf)
	var buf []byte
	var got []string
	for r := range want {
		got = append(got, nums.AtIn(r, &buf))
	}
	for r := range want {
		require.Equal(t, want[r], got[r], "value %d", r)
		require.Equal(t, want[r]+"-x", text.AtIn(r, &buf), "value %d", r)
	}
	require.Equal(t, want[5], nums.AtIn(5, nil))
	page := testing.AllocsPerRun(20, func() {
		var buf []byte
		for r := range 64 {
			_ = nums.AtIn(r, &buf)
		}
	})
	// 64 values of 13 bytes: a new buffer whenever the one in use has less
	// room left than the longest value.
	bufs, left := 0, 0
	for range 64 {
		if left < maxNumberLen {
			bufs, left = bufs+1, stringsBuf
		}
		left -= 13
	}
	require.Equal(t, float64(bufs), page, "a page of 64 numbers")
	require.Less(t, bufs, 8)
}
