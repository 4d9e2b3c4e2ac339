package ingest

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

var bom = []byte("\xEF\xBB\xBF")

// errTooLong is lineReader's signal that a line went past the maximum; it
// never reaches users (they get a *LineError from tooLong).
var errTooLong = errors.New("line too long")

// lineReader splits input into lines without holding more than one
// maximum-length line in memory, whatever the input holds.
type lineReader struct {
	br   *bufio.Reader
	max  int
	acc  []byte // a line longer than br's buffer
	line int    // number of the last line returned
	off  int64  // bytes consumed
	// quotes counts the '"' in the last line that was too long, which
	// lets the CSV reader keep track of quoted fields across it.
	quotes int
}

func newLineReader(r io.Reader, limit int) *lineReader {
	size := max(min(64<<10, limit+2), 16)
	return &lineReader{br: bufio.NewReaderSize(r, size), max: limit}
}

// next returns the next line with its terminator, io.EOF at the end,
// errTooLong for a line longer than the maximum (consumed and counted),
// or the reader's error. The line is valid until the next call.
func (lr *lineReader) next() ([]byte, error) {
	b, err := lr.br.ReadSlice('\n')
	lr.off += int64(len(b))
	switch {
	case err == nil:
	case err == io.EOF:
		if len(b) == 0 {
			return nil, io.EOF
		}
	case err == bufio.ErrBufferFull:
		return lr.long(b)
	default:
		return nil, err
	}
	lr.line++
	if contentLen(b) > lr.max {
		lr.quotes = bytes.Count(b, []byte{'"'})
		return nil, errTooLong
	}
	return b, nil
}

// long assembles a line that does not fit br's buffer.
func (lr *lineReader) long(b []byte) ([]byte, error) {
	lr.acc = append(lr.acc[:0], b...)
	for {
		if len(lr.acc) > lr.max+1 {
			// Too long whatever follows: drop the rest of the line.
			lr.quotes = bytes.Count(lr.acc, []byte{'"'})
			for {
				b, err := lr.br.ReadSlice('\n')
				lr.off += int64(len(b))
				lr.quotes += bytes.Count(b, []byte{'"'})
				if err == bufio.ErrBufferFull {
					continue
				}
				if err != nil && err != io.EOF {
					return nil, err
				}
				lr.line++
				return nil, errTooLong
			}
		}
		b, err := lr.br.ReadSlice('\n')
		lr.off += int64(len(b))
		lr.acc = append(lr.acc, b...)
		if err == bufio.ErrBufferFull {
			continue
		}
		if err != nil && err != io.EOF {
			return nil, err
		}
		break
	}
	lr.line++
	if contentLen(lr.acc) > lr.max {
		lr.quotes = bytes.Count(lr.acc, []byte{'"'})
		return nil, errTooLong
	}
	return lr.acc, nil
}

// tooLong is the error for the line just reported as errTooLong.
func (lr *lineReader) tooLong() *LineError {
	return &LineError{Line: lr.line, Err: fmt.Errorf("line is longer than %d bytes (Options.MaxLineBytes)", lr.max)}
}

// contentLen is the length of a line without its "\n" or "\r\n".
func contentLen(b []byte) int {
	return len(trimEOL(b))
}

func trimEOL(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
		if n := len(b); n > 0 && b[n-1] == '\r' {
			b = b[:n-1]
		}
	}
	return b
}
