package prefault

import (
	"testing"
	"unsafe"
)

// Populating changes no byte, whatever the slice's size and alignment.
func TestSliceKeepsContents(t *testing.T) {
	buf := make([]byte, 3<<20+123)
	for i := range buf {
		buf[i] = byte(i*7 + 3)
	}
	for _, r := range [][2]int{{0, 0}, {5, 6}, {1, 4095}, {100, 9000}, {4096, 8192}, {17, len(buf)}} {
		Slice(buf[r[0]:r[1]], nil)
	}
	Slice([]int64(nil), nil)
	for i := range buf {
		if buf[i] != byte(i*7+3) {
			t.Fatalf("byte %d changed", i)
		}
	}
}

// Slice asks more before each step and stops at its first false.
func TestSliceStopsWhenAsked(t *testing.T) {
	defer func(old uintptr) { step = old }(step)
	step = 2 * page
	s := make([]byte, 7*page+page/2)
	_, size := pagesWithin(uintptr(unsafe.Pointer(&s[0])), uintptr(len(s)))
	// Six or seven whole pages, by where s starts: steps of two pages,
	// the last one shorter.
	want := 4
	if size == 6*page {
		want = 3
	}
	calls := 0
	Slice(s, func() bool { calls++; return calls <= 2 })
	if calls != 3 {
		t.Fatalf("more was called %d times, want 3: two steps, then a stop", calls)
	}
	calls = 0
	Slice(s, func() bool { calls++; return true })
	if calls != want {
		t.Fatalf("more was called %d times, want %d for %d bytes of whole pages", calls, want, size)
	}
}

func TestPagesWithin(t *testing.T) {
	for _, tc := range []struct{ p, n, lo, size uintptr }{
		{0, 4096, 0, 4096},
		{1, 4096, 4096, 0},
		{4095, 4097, 4096, 4096},
		{8192, 100, 8192, 0},
		{100, 3 * 4096, 4096, 2 * 4096},
	} {
		lo, size := pagesWithin(tc.p, tc.n)
		if size != tc.size || size > 0 && lo != tc.lo {
			t.Errorf("pagesWithin(%d, %d) = %d, %d; want %d, %d", tc.p, tc.n, lo, size, tc.lo, tc.size)
		}
	}
}
