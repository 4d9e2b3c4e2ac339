package bench

import (
	"runtime"

	"github.com/convreport/convreport/memory"
	"github.com/convreport/convreport/sample"
)

// Footprint is the heap each form of the data holds, per conversation.
type Footprint struct {
	// Slice is []convreport.Conversation as sample.Generate returns it.
	Slice float64
	// Source is the memory source built from it, the slice freed.
	Source float64
}

func heapAfterGC() uint64 {
	var ms runtime.MemStats
	for range 2 { // a second cycle frees what the first one's finalizers released
		runtime.GC()
	}
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// MeasureSource generates cfg's conversations, builds the memory source
// and drops the slice, and returns the source with the live heap each form
// took, from runtime.MemStats.HeapAlloc after collections: before
// generating, with the slice, and with the source alone. Run it before
// allocating anything else that stays live.
func MeasureSource(cfg sample.Config) (*memory.Source, Footprint, error) {
	base := heapAfterGC()
	cs := sample.Generate(cfg)
	withSlice := heapAfterGC()
	n := float64(len(cs))
	src, err := memory.New(cs)
	if err != nil {
		return nil, Footprint{}, err
	}
	cs = nil // the source is all that stays
	_ = cs
	withSource := heapAfterGC()
	runtime.KeepAlive(src)
	return src, Footprint{Slice: (float64(withSlice) - float64(base)) / n, Source: (float64(withSource) - float64(base)) / n}, nil
}
