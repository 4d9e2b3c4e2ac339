package ingest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"

	"github.com/convreport/convreport"
)

// ReadAll reads every conversation of r in the given format.
//
// It stops at the first error and returns it, unless [Options.SkipInvalid]
// is set: then it returns every valid conversation together with the
// [errors.Join] of every *[LineError] (and of the failure that ended the
// read, if any), nil when there were none.
func ReadAll(ctx context.Context, r io.Reader, format Format, opt Options) ([]convreport.Conversation, error) {
	var seq func(context.Context, io.Reader, Options) iter.Seq2[convreport.Conversation, error]
	switch format {
	case JSONL:
		seq = ReadJSONL
	case CSV:
		seq = ReadCSV
	default:
		return nil, fmt.Errorf("ingest: unknown format %q (want %q or %q)", format, JSONL, CSV)
	}
	var (
		out  []convreport.Conversation
		errs []error
	)
	for c, err := range seq(ctx, r, opt) {
		if err != nil {
			if !opt.SkipInvalid {
				return nil, err
			}
			errs = append(errs, err)
			continue
		}
		out = append(out, c)
	}
	return out, errors.Join(errs...)
}

// ReadFile reads the conversations of a file, its format told by
// [FormatOf], as [ReadAll] does. Errors name the file, unless
// [Options.File] names it otherwise.
func ReadFile(ctx context.Context, path string, opt Options) ([]convreport.Conversation, error) {
	format, err := FormatOf(path)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if opt.File == "" {
		opt.File = path
	}
	return ReadAll(ctx, f, format, opt)
}
