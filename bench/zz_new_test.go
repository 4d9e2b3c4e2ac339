package bench

import (
	"context"
	"github.com/convreport/convreport/ingest"
	"github.com/convreport/convreport/parquetio"
	"os"
	"runtime"
	"testing"

	"github.com/convreport/convreport/memory"
)

func BenchmarkZZNewGC(b *testing.B) {
	bd := loadBench(b)
	b.ReportAllocs()
	for range b.N {
		b.StopTimer()
		runtime.GC()
		b.StartTimer()
		if _, err := memory.New(bd.Convs); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkZZParquetGC(b *testing.B) {
	bd := loadBench(b)
	path := "/tmp/zz1m.parquet"
	if _, err := os.Stat(path); err != nil {
		if _, err = WriteParquet(path, bd.Convs); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		runtime.GC()
		b.StartTimer()
		if _, err := parquetio.LoadFile(context.Background(), path, ingest.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
