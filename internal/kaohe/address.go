package kaohe

import (
	"net"
	"net/url"
	"strings"
)

// PlainHTTPRemote tells whether an HQ address would carry secrets (the
// one-time enrollment code, then the token) in clear across a network:
// http:// to anything but this machine. The app warns before sending a code
// there, and HQ refuses such an enrollment unless started with --insecure.
func PlainHTTPRemote(address string) bool {
	u, err := url.Parse(strings.TrimSpace(address))
	if err != nil || !strings.EqualFold(u.Scheme, "http") {
		return false
	}
	host := u.Hostname()
	if strings.EqualFold(host, "localhost") {
		return false
	}
	ip := net.ParseIP(host)
	return ip == nil || !ip.IsLoopback()
}
