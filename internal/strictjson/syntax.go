package strictjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
)

// Syntax returns where in b the syntax error err of decoding it is: the
// character at fault for a *json.SyntaxError, just past the document's
// last character when it ends too soon (io.ErrUnexpectedEOF, "unexpected
// end of JSON input"). ok is false for any other error.
func Syntax(b []byte, err error) (line, column int, ok bool) {
	var se *json.SyntaxError
	switch {
	case EndsTooSoon(err):
		line, column = lineCol(b, len(bytes.TrimRight(b, " \t\r\n")))
		return line, column, true
	case errors.As(err, &se):
		// The offset counts the character at fault.
		line, column = lineCol(b, int(se.Offset)-1)
		return line, column, true
	}
	return 0, 0, false
}

// EndsTooSoon reports whether err, an error of decoding a document, says
// that it ends before its JSON does: json.Unmarshal's *json.SyntaxError
// "unexpected end of JSON input", a json.Decoder's io.ErrUnexpectedEOF.
func EndsTooSoon(err error) bool {
	var se *json.SyntaxError
	return errors.Is(err, io.ErrUnexpectedEOF) || errors.As(err, &se) && se.Error() == "unexpected end of JSON input"
}
