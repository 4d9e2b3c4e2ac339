package sqlsource

import (
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
)

// SQLiteDSN returns the DSN that opens the SQLite file at path through
// modernc.org/sqlite (driver name "sqlite"), with the URI parameters
// params, each "name=value" as it goes in the query ("mode=ro",
// "_pragma=busy_timeout(10000)").
//
// SQLite reads a "file:" DSN as a URI, and the driver takes what follows
// the first '?' as parameters: a path holding '?' or '#' would end early,
// and one holding '%' would be decoded into another file's name. So the
// path is made absolute (relative to the working directory now, not when
// the driver opens it) and percent-escaped. The error is that of finding
// the working directory.
func SQLiteDSN(path string, params ...string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}
	if !strings.HasPrefix(u.Path, "/") {
		u.Path = "/" + u.Path // a Windows drive: file:///C:/…
	}
	dsn := "file://" + u.EscapedPath()
	if len(params) > 0 {
		dsn += "?" + strings.Join(params, "&")
	}
	return dsn, nil
}
