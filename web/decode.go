package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/convreport/convreport/internal/strictjson"
)

func sprintf(format string, args ...any) string {
	if len(args) == 0 {
		return format
	}
	return fmt.Sprintf(format, args...)
}

// decodeJSON reads the request body into v: the body must be JSON (415
// otherwise), at most MaxBodyBytes (413), UTF-8, one object with known
// keys only, each once and in its field's case (400, naming the key or
// the position of a syntax error or of the first byte that is not UTF-8).
func (h *handler) decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	ct := r.Header.Get("Content-Type")
	mt, params, err := mime.ParseMediaType(ct)
	if ct == "" || err != nil || mt != "application/json" {
		return &Error{Status: http.StatusUnsupportedMediaType, Code: "unsupported_media_type",
			Message: sprintf("send the body as JSON with Content-Type: application/json (got %q)", ct)}
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		return &Error{Status: http.StatusUnsupportedMediaType, Code: "unsupported_media_type",
			Message: sprintf("send the body as UTF-8 JSON (got charset %q)", cs)}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.cfg.MaxBodyBytes))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		return badRequest("bad_request", "", "reading the request body: %v", err)
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return badRequest("invalid_json", "", "the request body is empty; send a JSON object")
	}
	if err := checkUTF8(body); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(body, v, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return badRequest("invalid_json", "", "the request body holds more than one JSON value")
	}
	return strictKeys(body, v)
}

// checkUTF8 refuses a body that is not UTF-8, as JSON must be (RFC 8259):
// encoding/json would decode each bad byte as U+FFFD, and a name sent in
// another encoding would be saved changed.
func checkUTF8(body []byte) error {
	if utf8.Valid(body) {
		return nil
	}
	line, col := 1, 1
	for i := 0; i < len(body); {
		r, n := utf8.DecodeRune(body[i:])
		if r == utf8.RuneError && n <= 1 {
			e := badRequest("invalid_json", "", "the request body is not UTF-8: byte 0x%02X at line %d, column %d (byte offset %d); send JSON in UTF-8",
				body[i], line, col, i)
			e.Line, e.Column = line, col
			return e
		}
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
		i += n
	}
	return nil
}

// strictKeys refuses what encoding/json lets pass: a key in another case
// than its field's, and a key given twice, of which it keeps the last.
func strictKeys(body []byte, v any) error {
	err := strictjson.Check(body, v)
	var se *strictjson.Error
	if errors.As(err, &se) {
		return badRequest("invalid_json", se.Field(), "key %q: %s", se.Field(), se.Reason)
	}
	return err
}

// jsonError explains an error of decoding body into v: where the syntax
// breaks, which key (by its path, array indexes included) has the wrong
// type or value, which key is unknown.
func jsonError(body []byte, v any, err error) *Error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		line, col := lineCol(body, se.Offset)
		e := badRequest("invalid_json", "", "malformed JSON at line %d, column %d: %v", line, col, se)
		e.Line, e.Column = line, col
		return e
	case errors.Is(err, io.ErrUnexpectedEOF):
		return badRequest("invalid_json", "", "malformed JSON: the body ends too soon")
	case errors.As(err, &te) && te.Field == "":
		return badRequest("invalid_json", "", "the body must be a JSON object, not a %s", te.Value)
	}
	var ke *strictjson.Error
	if errors.As(strictjson.Locate(body, v, err), &ke) {
		return badRequest("invalid_json", ke.Field(), "%s", cleanMessage(ke.Error()))
	}
	if errors.As(err, &te) {
		return badRequest("invalid_json", te.Field, "%s: want %s, got a JSON %s", te.Field, typeName(te.Type.String()), te.Value)
	}
	msg := err.Error()
	if key, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		key = strings.Trim(key, `"`)
		return badRequest("invalid_json", key, "unknown key %q", key)
	}
	// Errors of UnmarshalText/UnmarshalJSON methods (a bad duration).
	return badRequest("invalid_json", "", "%s", cleanMessage(strings.TrimPrefix(msg, "json: ")))
}

func typeName(goType string) string {
	switch {
	case strings.HasPrefix(goType, "[]"):
		return "an array"
	case goType == "string" || strings.HasSuffix(goType, "Visibility") || strings.HasSuffix(goType, "ChartType") ||
		strings.HasSuffix(goType, "Op") || strings.HasSuffix(goType, "Action"):
		return "a string"
	case goType == "bool":
		return "true or false"
	case strings.HasPrefix(goType, "int") || strings.HasPrefix(goType, "float"):
		return "a number"
	}
	return "an object"
}

func lineCol(b []byte, offset int64) (line, col int) {
	line, col = 1, 1
	for i, c := range b {
		if int64(i) >= offset-1 {
			break
		}
		if c == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return line, col
}
