package server

import (
	"net/http"
	"strings"
	"testing"

	"kaohe/sync/protocol"
)

// TestBracketBombUnderPayload: a request of nothing but brackets under
// "payload" (32 MiB inflated from about 32 KB of gzip) reaches the strict
// check of every request, enrollment's too, which needs no credential. It
// is refused as too deep and HQ goes on serving; it used to overflow the
// handler's stack, a fatal error that killed the whole server (and this
// test binary with it). Nothing is stored.
func TestBracketBombUnderPayload(t *testing.T) {
	f := setup(t)
	before := f.rows()
	for _, tt := range []struct{ path, token, head string }{
		{protocol.PathEnroll, "", `{"version":4,"code":"X","payload":`},
		{protocol.PathPush, f.tokenA, `{"version":4,"changes":[{"id":"b1","entity":"manager","row_id":"b1","op":"upsert","payload":`},
	} {
		body := []byte(tt.head + strings.Repeat("[", protocol.MaxBodyBytes-len(tt.head)))
		status, e, raw := f.post(tt.path, tt.token, body, true, v1)
		if status != 400 || e.Key != "err.json_too_deep" {
			t.Errorf("%s: %d %.200s; want 400 err.json_too_deep", tt.path, status, raw)
		}
		resp, err := http.Get(f.srv.URL + protocol.PathHealth)
		if err != nil {
			t.Fatalf("HQ after the bomb at %s: %v", tt.path, err)
		}
		resp.Body.Close()
	}
	// An honest push still goes through, and only it is stored.
	_, _, raw := f.post(protocol.PathPush, f.tokenA, push(managerChange("m1", f.idA, "A001")), true, v1)
	if r := f.results(raw); len(r) != 1 || r[0].Status != protocol.Applied {
		t.Fatalf("honest push after the bombs: %s", raw)
	}
	if n := f.rows(); n != before+1 {
		t.Errorf("rows %d -> %d; want one more", before, n)
	}
}

// TestCaseVariantDuplicateKey: a payload naming a field twice in two cases
// ("employee_no" and "Employee_No"). encoding/json fills the field from the
// last, SQLite's json_extract (HQ's account list orders by it) reads the
// first: two readers, two numbers. It is refused alone; the honest change
// beside it is stored.
func TestCaseVariantDuplicateKey(t *testing.T) {
	f := setup(t)
	before := f.rows()
	bad := managerChange("m2", f.idA, "A002")
	bad.Payload = []byte(strings.TrimSuffix(string(bad.Payload), "}") + `,"Employee_No":"A003"}`)
	_, _, raw := f.post(protocol.PathPush, f.tokenA, push(managerChange("m1", f.idA, "A001"), bad), true, v1)
	r := f.results(raw)
	if len(r) != 2 || r[0].Status != protocol.Applied || r[1].Status != protocol.Refused || !strings.Contains(r[1].Message, "err.json_duplicate_key") {
		t.Fatalf("push: %s", raw)
	}
	if n := f.rows(); n != before+1 {
		t.Errorf("rows %d -> %d; want only the honest one more", before, n)
	}
}
