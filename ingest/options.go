package ingest

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/convreport/convreport"
)

// Options tunes the readers. The zero value reads strictly against
// [convreport.DefaultSchema], stopping at the first error.
type Options struct {
	// Schema declares the custom properties the input may carry; nil means
	// [convreport.DefaultSchema] (no custom properties).
	Schema *convreport.Schema
	// IgnoreUnknown skips keys, custom properties and CSV columns the
	// schema does not have, instead of failing on them.
	IgnoreUnknown bool
	// SkipInvalid keeps reading past a bad line: the sequence yields a
	// *LineError for each and every valid conversation. A failure of the
	// reader and cancellation still end the read.
	SkipInvalid bool
	// MaxLineBytes caps a line's length, not counting its "\n" or "\r\n";
	// zero or less means 1 MiB. A longer line is a *LineError; reading
	// can go on past it. It caps a CSV record too, when a quoted field
	// carries it over several lines, so that an unclosed quote cannot make
	// the reader hold the rest of the input.
	MaxLineBytes int
	// Progress, when set, is called as the input is consumed: after about
	// every 64 KiB, and once at the end of the input. bytesRead is how far
	// the input has been parsed, rows how many conversations have been
	// yielded. Both only grow; the last call has the input's size.
	Progress func(bytesRead int64, rows int)
	// Workers is how many goroutines decode the input; zero or less means
	// runtime.GOMAXPROCS(0). One goroutine splits the input into records
	// (lines, or CSV records) as it is read and the workers decode chunks
	// of about 1 MiB; rows, errors and progress come out in input order,
	// exactly as with one worker. With 1, and for an input of less than a
	// chunk, everything runs on the calling goroutine.
	Workers int
	// File names the input in errors ([LineError.File]). [ReadFile] sets
	// it to the path when it is empty.
	File string
}

const (
	defaultMaxLine = 1 << 20
	progressEvery  = 64 << 10
	cancelEvery    = 1024 // lines between checks of ctx
)

// Format is an interchange format.
type Format string

// The formats [ReadAll] understands.
const (
	JSONL Format = "jsonl" // JSON Lines: one conversation object a line
	CSV   Format = "csv"   // comma-separated, a header row naming the columns
)

// FormatOf tells the format of a file from its extension, in any case:
// .jsonl, .ndjson and .json are [JSONL]; .csv is [CSV].
func FormatOf(path string) (Format, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".jsonl", ".ndjson", ".json":
		return JSONL, nil
	case ".csv":
		return CSV, nil
	}
	return "", fmt.Errorf("ingest: %s: cannot tell the format from the extension (want .jsonl, .ndjson, .json or .csv)", path)
}

func (o Options) schema() *convreport.Schema {
	if o.Schema == nil {
		return convreport.DefaultSchema()
	}
	return o.Schema
}

func (o Options) maxLine() int {
	if o.MaxLineBytes <= 0 {
		return defaultMaxLine
	}
	return o.MaxLineBytes
}
