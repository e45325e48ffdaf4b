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

// CheckEnrollment checks what a person typed to enroll before anything is
// sent: an http(s) address with a host, and a code. An empty or malformed
// address was once handed to the HTTP client, which tried it, with its
// retries, for minutes.
func CheckEnrollment(address, code string) error {
	address = strings.TrimSpace(address)
	u, err := url.Parse(address)
	if address == "" || err != nil || (!strings.EqualFold(u.Scheme, "http") && !strings.EqualFold(u.Scheme, "https")) || u.Hostname() == "" {
		return Errorf(EINVALID, "err.hq_address", "Address", address)
	}
	if strings.TrimSpace(code) == "" {
		return Errorf(EINVALID, "err.enroll_code_missing")
	}
	return nil
}
