package server

import (
	"bytes"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"kaohe/internal/store/hq"
	"kaohe/sync/protocol"
)

// clock is a test's hand-moved time.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func guarded(t *testing.T, insecure bool) (http.Handler, *clock, *hq.Store) {
	t.Helper()
	s, err := hq.Open(ctx, filepath.Join(t.TempDir(), "hq.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	c := &clock{t: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)}
	return (&Server{Store: s, Now: c.now, Insecure: insecure}).Handler(), c, s
}

func enrollReq(remote, code string, overTLS bool) *http.Request {
	body, _ := json.Marshal(protocol.EnrollRequest{Version: protocol.Version, Code: code})
	r := httptest.NewRequest("POST", protocol.PathEnroll, bytes.NewReader(body))
	r.Header.Set(protocol.HeaderVersion, strconv.Itoa(protocol.Version))
	r.RemoteAddr = remote
	r.TLS = nil
	if overTLS {
		r.TLS = &tls.ConnectionState{}
	}
	return r
}

func do(h http.Handler, r *http.Request) (int, protocol.Error, http.Header) {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	var e protocol.Error
	json.Unmarshal(w.Body.Bytes(), &e)
	return w.Code, e, w.Header()
}

// TestVerifyGuessing: one address guessing codes is answered a handful of
// times, then told to wait, longer and longer; one serial is guarded the
// same across addresses; and across all addresses wrong guesses have a
// budget of 100 a minute.
func TestVerifyGuessing(t *testing.T) {
	h, c, _ := guarded(t, false)
	verify := func(remote, serial, code string) (int, http.Header) {
		r := httptest.NewRequest("GET", "/verify/"+serial+"?code="+code, nil)
		r.RemoteAddr = remote
		st, _, hdr := do(h, r)
		return st, hdr
	}
	answered := 0
	for i := 0; i < 1000; i++ { // as fast as one connection can ask
		st, hdr := verify("203.0.113.5:4000", fmt.Sprintf("KH-2026-%06d", i%50), fmt.Sprintf("GUESS%03d", i))
		if st == http.StatusNotFound {
			answered++
		} else if st != http.StatusTooManyRequests || hdr.Get("Retry-After") == "" {
			t.Fatalf("guess %d: status %d, Retry-After %q", i, st, hdr.Get("Retry-After"))
		}
	}
	if answered > 10 {
		t.Errorf("%d of 1000 rapid guesses from one address answered; want at most 10", answered)
	}
	// Waiting lets it try again, once; the next wait is longer.
	c.add(3 * time.Second)
	if st, _ := verify("203.0.113.5:4000", "KH-2026-000999", "AAAAAAAA"); st != http.StatusNotFound {
		t.Errorf("after the wait: %d", st)
	}
	_, hdr := verify("203.0.113.5:4000", "KH-2026-000999", "AAAAAAAB")
	if wait, _ := strconv.Atoi(hdr.Get("Retry-After")); wait < 2 {
		t.Errorf("second back-off %ds; want longer than the first", wait)
	}

	// One serial from many addresses: five wrong codes, then it waits.
	c.add(2 * time.Hour)
	answered = 0
	for i := 0; i < 50; i++ {
		if st, _ := verify(fmt.Sprintf("198.51.100.%d:80", i), "KH-2026-000001", fmt.Sprintf("WRONG%03d", i)); st == http.StatusNotFound {
			answered++
		}
	}
	if answered > 5 {
		t.Errorf("one serial took %d wrong codes from 50 addresses; want 5", answered)
	}

	// Many addresses, many serials: the global budget holds.
	c.add(2 * time.Hour)
	answered = 0
	for i := 0; i < 2000; i++ {
		if st, _ := verify(fmt.Sprintf("10.%d.%d.1:80", i/250, i%250), fmt.Sprintf("KH-2027-%06d", i), "ZZZZZZZZ"); st == http.StatusNotFound {
			answered++
		}
	}
	if answered > 100 {
		t.Errorf("%d wrong guesses answered in a moment across 2000 addresses; want the budget of 100", answered)
	}
	t.Logf("at the budget: 100 wrong guesses a minute = 52.6 million a year; 32^8 codes take %.0f years", float64(1<<40)/(100*60*24*365))
}

// TestEnrollGuessing: wrong codes back off per address and per code, and
// have a global budget; a right code still works for someone else.
func TestEnrollGuessing(t *testing.T) {
	h, c, s := guarded(t, false)
	answered := 0
	for i := 0; i < 200; i++ {
		st, e, _ := do(h, enrollReq("127.0.0.1:999", fmt.Sprintf("GUESS%07d", i), false))
		switch st {
		case http.StatusUnauthorized, http.StatusNotFound:
			answered++
		case http.StatusTooManyRequests:
			if e.Key != "err.rate_limited" || e.Args["Seconds"] == nil {
				t.Fatalf("429 body %+v", e)
			}
		default:
			t.Fatalf("guess %d: %d %+v", i, st, e)
		}
	}
	if answered > 5 {
		t.Errorf("%d of 200 wrong enrollment codes answered from one address; want at most 5", answered)
	}
	c.add(2 * time.Hour)
	answered = 0
	for i := 0; i < 500; i++ {
		if st, _, _ := do(h, enrollReq(fmt.Sprintf("[::1]:%d", i), fmt.Sprintf("CODE%08d", i), false)); st != http.StatusTooManyRequests {
			answered++
		}
	}
	// All from loopback ([::1] is one address): this checks per address again.
	if answered > 5 {
		t.Errorf("%d answered", answered)
	}
	// One code from many addresses: three tries, then it waits.
	c.add(2 * time.Hour)
	answered = 0
	for i := 0; i < 20; i++ {
		if st, _, _ := do(h, enrollReq(fmt.Sprintf("198.51.100.%d:443", i), "SAMECODE0001", true)); st != http.StatusTooManyRequests {
			answered++
		}
	}
	if answered > 3 {
		t.Errorf("one code tried %d times from 20 addresses; want 3", answered)
	}
	// Many addresses, many codes: the global budget of 60 holds.
	c.add(2 * time.Hour)
	answered = 0
	for i := 0; i < 1000; i++ {
		if st, _, _ := do(h, enrollReq(fmt.Sprintf("10.%d.%d.1:443", i/250, i%250), fmt.Sprintf("MANY%08d", i), true)); st != http.StatusTooManyRequests {
			answered++
		}
	}
	if answered > 60 {
		t.Errorf("%d wrong codes answered in a moment across 1000 addresses; want the budget of 60", answered)
	}
	t.Logf("at the budget: 60 wrong codes a minute; 32^12 codes take %.1e years", float64(1<<60)/(60*60*24*365))
	_, code, err := s.AddShowroom(ctx, "SH09", "测试展厅", "")
	if err != nil {
		t.Fatal(err)
	}
	c.add(2 * time.Hour)
	if st, e, _ := do(h, enrollReq("127.0.0.2:1", code, false)); st != http.StatusOK {
		t.Errorf("a right code after the guessing: %d %+v", st, e)
	}
}

// TestEnrollOverPlainHTTP: a one-time code in clear from another machine is
// refused unless the server runs with Insecure; this machine and HTTPS are
// fine.
func TestEnrollOverPlainHTTP(t *testing.T) {
	h, _, _ := guarded(t, false)
	if st, e, _ := do(h, enrollReq("192.0.2.7:5000", "ANYCODE", false)); st != http.StatusUnauthorized || e.Key != "err.enroll_plain_http" {
		t.Errorf("plain HTTP from the network: %d %+v", st, e)
	}
	for name, r := range map[string]*http.Request{
		"HTTPS from the network": enrollReq("192.0.2.7:5000", "ANYCODE", true),
		"plain HTTP on loopback": enrollReq("127.0.0.1:5000", "ANYCODE", false),
	} {
		if _, e, _ := do(h, r); e.Key == "err.enroll_plain_http" {
			t.Errorf("%s refused as plain HTTP", name)
		}
	}
	open, _, _ := guarded(t, true)
	if _, e, _ := do(open, enrollReq("192.0.2.7:5000", "ANYCODE", false)); e.Key == "err.enroll_plain_http" {
		t.Errorf("--insecure still refused plain HTTP")
	}
}

// TestSlowClientsCutOff: a client that sends its headers, or its body, a
// byte at a time is disconnected at the timeout instead of holding the
// connection.
func TestSlowClientsCutOff(t *testing.T) {
	s, err := hq.Open(ctx, filepath.Join(t.TempDir(), "hq.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	srv := (&Server{Store: s}).HTTPServer("127.0.0.1:0", Timeouts{Header: 300 * time.Millisecond, Read: 600 * time.Millisecond, Write: time.Second, Idle: time.Second})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	defer srv.Close()
	for name, start := range map[string]string{
		"headers": "GET /healthz HTTP/1.1\r\nHost: x\r\n",
		"body":    "POST " + protocol.PathPush + " HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n",
	} {
		t.Run(name, func(t *testing.T) {
			conn, err := net.Dial("tcp", l.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			conn.Write([]byte(start))
			began := time.Now()
			closed := make(chan time.Duration, 1)
			go func() {
				io.Copy(io.Discard, conn) // until the server hangs up
				closed <- time.Since(began)
			}()
			tick := time.NewTicker(100 * time.Millisecond)
			defer tick.Stop()
			for {
				select {
				case d := <-closed:
					t.Logf("cut off after %v", d.Round(10*time.Millisecond))
					if d > 3*time.Second {
						t.Errorf("held for %v", d)
					}
					return
				case <-tick.C:
					if time.Since(began) > 5*time.Second {
						t.Fatal("a slow client held the connection for 5 s")
					}
					conn.Write([]byte(strings.Repeat("X", 1))) // one more byte, slowly
				}
			}
		})
	}
	if DefaultTimeouts.Header == 0 || DefaultTimeouts.Read == 0 || DefaultTimeouts.Idle == 0 {
		t.Errorf("default timeouts %+v leave a door open", DefaultTimeouts)
	}
}
