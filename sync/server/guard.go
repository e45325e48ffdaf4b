package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/klauspost/compress/gzip"

	"kaohe/internal/kaohe"
	"kaohe/sync/protocol"
)

// The public doors (enrollment and the certificate check) are guarded
// against guessing: per address and per code (the enrollment code, the
// certificate's serial), failed guesses back off exponentially (and checks
// of certificates are rate limited per address); across all callers,
// failed guesses have a budget, so many addresses together guess no
// faster. A right enrollment code is used up by its success, so successes
// need no limit.
//
// What that buys: a verify code is 8 of 32 characters (2^40), so at the
// global budget of 100 failed guesses a minute (52.6 million a year) going
// through the codes takes about 20,900 years, and finding any one of all
// certificates' codes as long in expectation. An enrollment code is 12 of
// 32 (2^60): about 2·10^10 years at 60 a minute.
type gates struct {
	enrollIP, enrollCode, enrollAll   *gate
	verifyIP, verifySerial, verifyAll *gate
}

func newGates(now func() time.Time) *gates {
	return &gates{
		enrollIP:     &gate{now: now, free: 5, base: 2 * time.Second, max: time.Hour},
		enrollCode:   &gate{now: now, free: 3, base: 2 * time.Second, max: time.Hour},
		enrollAll:    &gate{now: now, failRate: 1, failBurst: 60},
		verifyIP:     &gate{now: now, rate: 1, burst: 30, free: 10, base: time.Second, max: time.Hour},
		verifySerial: &gate{now: now, free: 5, base: 2 * time.Second, max: time.Hour},
		verifyAll:    &gate{now: now, failRate: 100.0 / 60, failBurst: 100},
	}
}

// gate limits one kind of attempt, per key: a token bucket of attempts
// (rate a second, up to burst; 0 = no limit), an exponential back-off once
// free attempts have failed (base, doubling up to max), and a token bucket of
// failures (failRate, failBurst; 0 = none) that closes the gate until a
// token comes back.
type gate struct {
	now                 func() time.Time
	rate, burst         float64
	free                int
	base, max           time.Duration
	failRate, failBurst float64

	mu sync.Mutex
	m  map[string]*entry
}

type entry struct {
	tokens, failTokens float64
	last, lastFail     time.Time
	fails              int
	until              time.Time
}

// forgiveAfter is how long without a failure wipes a key's failures.
const forgiveAfter = time.Hour

// get returns key's entry with its buckets refilled to now.
func (g *gate) get(key string) *entry {
	now := g.now()
	if g.m == nil {
		g.m = map[string]*entry{}
	}
	e, ok := g.m[key]
	if !ok {
		if len(g.m) > 100000 { // a flood of addresses or serials: forget the idle ones
			for k, old := range g.m {
				if now.Sub(old.last) > time.Hour && now.After(old.until) {
					delete(g.m, k)
				}
			}
		}
		e = &entry{tokens: g.burst, failTokens: g.failBurst, last: now}
		g.m[key] = e
	}
	dt := now.Sub(e.last).Seconds()
	e.tokens = math.Min(g.burst, e.tokens+dt*g.rate)
	e.failTokens = math.Min(g.failBurst, e.failTokens+dt*g.failRate)
	e.last = now
	if e.fails > 0 && now.Sub(e.lastFail) > forgiveAfter {
		e.fails = 0
	}
	return e
}

// allow takes an attempt for key, or says how long to wait.
func (g *gate) allow(key string) time.Duration {
	g.mu.Lock()
	defer g.mu.Unlock()
	e := g.get(key)
	if wait := e.until.Sub(g.now()); wait > 0 {
		return wait
	}
	if g.rate > 0 {
		if e.tokens < 1 {
			return time.Duration((1 - e.tokens) / g.rate * float64(time.Second))
		}
		e.tokens--
	}
	return 0
}

// fail records a failed attempt for key.
func (g *gate) fail(key string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	e := g.get(key)
	e.fails++
	e.lastFail = g.now()
	if g.base > 0 && e.fails >= g.free {
		d := g.base << min(e.fails-g.free, 30)
		if d > g.max || d <= 0 {
			d = g.max
		}
		e.until = g.now().Add(d)
	}
	if g.failRate > 0 {
		e.failTokens--
		if e.failTokens < 1 {
			e.until = g.now().Add(time.Duration((1 - e.failTokens) / g.failRate * float64(time.Second)))
		}
	}
}

// ok records a successful attempt for key: its failures are forgiven (an
// address's are forgiven only by time, or one genuine certificate would
// wipe its holder's guesses at others).
func (g *gate) ok(key string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.get(key).fails = 0
}

// clientIP is the caller's address as the connection shows it; headers a
// caller writes itself (X-Forwarded-For) are not believed.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func isLoopback(r *http.Request) bool {
	ip := net.ParseIP(clientIP(r))
	return ip != nil && ip.IsLoopback()
}

// limited answers 429 with when to come back.
func limited(w http.ResponseWriter, wait time.Duration, html bool) {
	secs := int(math.Ceil(wait.Seconds()))
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	if html {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusTooManyRequests)
		fmt.Fprintf(w, `<!doctype html><meta charset="utf-8"><title>请稍后再试</title><p>尝试次数过多，请 %d 秒后再试。</p><p><small>Too many attempts: try again in %d s.</small></p>`, secs, secs)
		return
	}
	writeJSON(w, http.StatusTooManyRequests, protocol.Error{Code: protocol.CodeRateLimited, Key: "err.rate_limited",
		Args: map[string]any{"Seconds": secs}, Message: fmt.Sprintf("too many attempts: retry in %d s", secs)})
}

// firstWait is the longest wait any of the checks asks for.
func firstWait(checks ...func() time.Duration) time.Duration {
	var w time.Duration
	for _, c := range checks {
		w = max(w, c())
	}
	return w
}

// guardEnroll limits enrollment attempts and refuses a one-time code sent
// in clear over the network unless the server runs with Insecure.
func (s *Server) guardEnroll(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.TLS == nil && !s.Insecure && !isLoopback(r) {
			s.fail(w, kaohe.Errorf(kaohe.EUNAUTHORIZED, "err.enroll_plain_http"))
			return
		}
		raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 64<<10)) // an enrollment is a few hundred bytes
		if err != nil {
			s.fail(w, kaohe.Errorf(kaohe.EINVALID, "err.too_large"))
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(raw))
		ip, code := clientIP(r), enrollCode(raw, r.Header.Get("Content-Encoding") == "gzip")
		if wait := firstWait(func() time.Duration { return s.gates.enrollAll.allow("") },
			func() time.Duration { return s.gates.enrollIP.allow(ip) },
			func() time.Duration { return s.gates.enrollCode.allow(code) }); wait > 0 {
			s.Log.Warn("enroll limited", "remote", ip, "wait_s", wait.Seconds())
			limited(w, wait, false)
			return
		}
		sw := &statusWriter{ResponseWriter: w, status: 200}
		next(sw, r)
		switch {
		case sw.status < 300:
		case sw.status == http.StatusUnauthorized || sw.status == http.StatusNotFound || sw.status == http.StatusConflict:
			s.gates.enrollAll.fail("")
			s.gates.enrollIP.fail(ip)
			s.gates.enrollCode.fail(code)
		}
	}
}

// enrollCode reads the code an enrollment body carries, normalised as the
// store compares it; "" if it cannot be read (the handler then refuses).
func enrollCode(raw []byte, gzipped bool) string {
	body := raw
	if gzipped {
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			return ""
		}
		if body, err = io.ReadAll(io.LimitReader(zr, 64<<10)); err != nil {
			return ""
		}
	}
	var req struct {
		Code string `json:"code"`
	}
	json.Unmarshal(body, &req)
	return strings.ToUpper(strings.TrimSpace(req.Code))
}

// guardVerify limits certificate checks per address and per serial, and
// wrong codes across all callers.
func (s *Server) guardVerify(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ip, serial := clientIP(r), strings.ToUpper(strings.TrimSpace(r.PathValue("serial")))
		if wait := firstWait(func() time.Duration { return s.gates.verifyAll.allow("") },
			func() time.Duration { return s.gates.verifyIP.allow(ip) },
			func() time.Duration { return s.gates.verifySerial.allow(serial) }); wait > 0 {
			s.Log.Warn("verify limited", "remote", ip, "serial", serial, "wait_s", wait.Seconds())
			limited(w, wait, true)
			return
		}
		sw := &statusWriter{ResponseWriter: w, status: 200}
		next(sw, r)
		if sw.status == http.StatusNotFound { // no certificate with this serial and code: a wrong guess
			s.gates.verifyAll.fail("")
			s.gates.verifyIP.fail(ip)
			s.gates.verifySerial.fail(serial)
		} else if sw.status < 300 { // the holder's own check; an address's failures are only forgiven by time
			s.gates.verifySerial.ok(serial)
		}
	}
}

// Timeouts of the HTTP server: a client that sends its headers or body a
// byte at a time (slowloris) is cut off instead of holding a connection.
type Timeouts struct {
	Header, Read, Write, Idle time.Duration
}

// DefaultTimeouts suit showrooms on slow lines: a batch of 5,000 changes is
// a few MB, well within two minutes even at 1 Mbit/s.
var DefaultTimeouts = Timeouts{Header: 10 * time.Second, Read: 2 * time.Minute, Write: 2 * time.Minute, Idle: time.Minute}

// HTTPServer is the server's http.Server on addr with timeouts t.
func (s *Server) HTTPServer(addr string, t Timeouts) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           s.Handler(),
		ReadHeaderTimeout: t.Header,
		ReadTimeout:       t.Read,
		WriteTimeout:      t.Write,
		IdleTimeout:       t.Idle,
		MaxHeaderBytes:    64 << 10,
	}
}
