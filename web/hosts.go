package web

import (
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
)

// Why the Host header is checked: under DNS rebinding, a page on a name
// the attacker controls has that name resolve to this server. The browser
// takes the server for the attacker's own origin, so the page's script
// reads every answer, and CrossOriginProtection sees an Origin matching
// the Host. Answering only for the names the server goes by closes that
// door. Loopback names are always safe: no other site's page is served
// under them.

// hostRule is one entry of Config.AllowedHosts.
type hostRule struct {
	any  bool   // "*"
	host string // lower case, no brackets, no trailing dot
	port string // "" for any port
}

func parseHostRule(s string) (hostRule, error) {
	if s == "*" {
		return hostRule{any: true}, nil
	}
	bad := func() (hostRule, error) {
		return hostRule{}, fmt.Errorf("%q: want a host name, with or without a port, like reports.example.com or reports.example.com:8443", s)
	}
	if s == "" || strings.ContainsAny(s, "/@?#*\\ \t\r\n") {
		return bad()
	}
	host, port, ok := splitHost(s)
	if !ok || host == "" {
		return bad()
	}
	if port != "" {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return bad()
		}
	}
	return hostRule{host: host, port: port}, nil
}

// splitHost splits a Host header or an allowed host into a normalized
// name and its port ("" when it has none); ok is false when it is
// malformed, such as "name:" or an unbracketed IPv6 address with a port.
func splitHost(s string) (host, port string, ok bool) {
	s = strings.ToLower(s)
	if h, p, err := net.SplitHostPort(s); err == nil {
		if p == "" {
			return "", "", false
		}
		host, port = h, p
	} else {
		host = s
		if strings.HasPrefix(host, "[") && strings.HasSuffix(host, "]") {
			host = host[1 : len(host)-1]
		} else if strings.ContainsAny(host, "[]") || strings.Count(host, ":") == 1 {
			return "", "", false
		}
	}
	return strings.TrimSuffix(host, "."), port, true
}

// loopbackHost reports whether host names this machine's loopback
// interface: localhost, a name under .localhost (browsers resolve those
// to loopback themselves), or a loopback address.
func loopbackHost(host string) bool {
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// hostAllowed reports whether the handler answers for the request's Host.
func (h *handler) hostAllowed(r *http.Request) bool {
	host, port, ok := splitHost(r.Host)
	if !ok || host == "" {
		return false
	}
	if loopbackHost(host) {
		return true
	}
	for _, rule := range h.hosts {
		if rule.any || (rule.host == host && (rule.port == "" || rule.port == port)) {
			return true
		}
	}
	return false
}

// refuseHost answers a request whose Host is not allowed.
func (h *handler) refuseHost(w http.ResponseWriter, r *http.Request) {
	h.cfg.Logger.Warn("web: refused a request for a host not allowed", "host", r.Host, "method", r.Method, "path", r.URL.Path)
	writeError(w, &Error{Status: http.StatusMisdirectedRequest, Code: "host_not_allowed",
		Message: sprintf("this server does not answer for the host %q; if that is its name, add it to the allowed hosts", r.Host)})
}
