package client

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/klauspost/compress/gzip"

	"kaohe/sync/protocol"
)

// An HQ on this machine is named by localhost or a loopback address; any
// other name, even one beginning so, is a network's.
func TestLoopback(t *testing.T) {
	for url, want := range map[string]bool{
		"http://127.0.0.1:8080": true, "http://127.8.9.1": true, "http://[::1]:443/": true, "https://localhost/hq": true,
		"http://LOCALHOST:80": true, "https://hq.example.com": false, "http://10.0.0.5:8080": false, "http://[::2]": false,
		"http://localhost.example.com": false, "http://127.0.0.1.example.com": false, "hq:8080": false, "": false, "%": false,
	} {
		if got := loopback(url); got != want {
			t.Errorf("loopback(%q) = %v, want %v", url, got, want)
		}
	}
}

// A push to an HQ on this machine goes as plain JSON, without a
// Content-Encoding; to any other, as gzip: in both, HQ reads the request's
// JSON byte for byte and answers it.
func TestPushBodyPlainOnLoopbackOnly(t *testing.T) {
	req := benchReq()
	want, _ := json.Marshal(protocol.PushRequest{Version: protocol.Version, Replica: req.Replica, Changes: req.Changes})
	for _, plain := range []bool{true, false} {
		var encoding string
		var got []byte
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			encoding = r.Header.Get("Content-Encoding")
			var rd io.Reader = r.Body
			if encoding == "gzip" {
				zr, err := gzip.NewReader(r.Body)
				if err != nil {
					t.Error(err)
					return
				}
				rd = zr
			}
			got, _ = io.ReadAll(rd)
			var res protocol.PushResponse
			for _, c := range req.Changes {
				res.Results = append(res.Results, protocol.Result{ID: c.ID, Status: protocol.Applied})
			}
			json.NewEncoder(w).Encode(res)
		}))
		c := New(srv.URL, "t", Options{})
		if !c.plain {
			t.Fatalf("a client of %s compresses", srv.URL)
		}
		c.plain = plain // as a client of an HQ elsewhere
		if _, err := c.PushFrom(context.Background(), req.Replica, req.Changes); err != nil {
			t.Fatal(err)
		}
		srv.Close()
		if wantEnc := map[bool]string{true: "", false: "gzip"}[plain]; encoding != wantEnc {
			t.Errorf("plain %v: Content-Encoding %q, want %q", plain, encoding, wantEnc)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("plain %v: HQ read %d bytes, not the request's %d", plain, len(got), len(want))
		}
	}
}
