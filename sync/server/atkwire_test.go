package server

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"strings"
	"testing"

	"kaohe/sync/protocol"
)

func gzMembers(parts ...[]byte) []byte {
	var b bytes.Buffer
	for _, p := range parts {
		zw := gzip.NewWriter(&b)
		zw.Write(p)
		zw.Close()
	}
	return b.Bytes()
}

// postRaw sends body as is, with the Content-Encoding given ("" none).
func (f *fixture) postRaw(path, token string, body []byte, encoding string) (int, []byte) {
	req, _ := http.NewRequest("POST", f.srv.URL+path, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if encoding != "" {
		req.Header.Set("Content-Encoding", encoding)
	}
	req.Header.Set(protocol.HeaderVersion, v1)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	var raw bytes.Buffer
	raw.ReadFrom(resp.Body)
	return resp.StatusCode, raw.Bytes()
}

// TestDishonestGzipBodies: a push body whose gzip is not one clean stream
// of one JSON request — garbage after the gzip member, a second member
// holding a second request (the two inflated together are a request with
// data after it), a member cut short, a gzip body declared plain or a
// plain one declared gzip, a member inflating past the body limit — is
// refused whole, and nothing of it is stored. A request split across two
// members (the gzip format allows that) is one request and is applied.
func TestDishonestGzipBodies(t *testing.T) {
	f := setup(t)
	one := push(managerChange("m1", f.idA, "A001"))
	two := push(managerChange("m2", f.idA, "A002"))
	full := gzMembers(one)
	before := f.rows()
	big := append(append([]byte(`{"version":4,"changes":[],"x":"`), bytes.Repeat([]byte("a"), protocol.MaxBodyBytes)...), '"', '}')
	for _, tt := range []struct {
		name, enc string
		body      []byte
	}{
		{"garbage after the member", "gzip", append(gzMembers(one), []byte("GARBAGE")...)},
		{"zeros after the member", "gzip", append(gzMembers(one), make([]byte, 64)...)},
		{"a second request in a second member", "gzip", gzMembers(one, two)},
		{"a member cut short", "gzip", full[:len(full)-6]},
		{"gzip declared plain", "", gzMembers(one)},
		{"plain declared gzip", "gzip", one},
		{"a bomb past the limit", "gzip", gzMembers(big)},
		{"declared twice", "gzip, gzip", gzMembers(gzMembers(one))},
	} {
		status, raw := f.postRaw(protocol.PathPush, f.tokenA, tt.body, tt.enc)
		if status < 400 || status >= 500 {
			t.Errorf("%s: %d %.200s; want a 4xx refusal", tt.name, status, raw)
		}
	}
	if n := f.rows(); n != before {
		t.Fatalf("refused bodies stored %d rows", n-before)
	}
	half := len(one) / 2
	status, raw := f.postRaw(protocol.PathPush, f.tokenA, gzMembers(one[:half], one[half:]), "gzip")
	if r := f.results(raw); status != 200 || len(r) != 1 || r[0].Status != protocol.Applied {
		t.Fatalf("a request split across two members: %d %s", status, raw)
	}
	if n := f.rows(); n != before+1 {
		t.Errorf("rows %d -> %d; want one more", before, n)
	}
}

// TestDishonestJSONSpellings: payloads a showroom crafts so that the quick
// decoder and encoding/json, or Go and SQLite, could read them apart: a
// key escaped, a key in another case or with a letter Unicode folds to
// ASCII (ſ, K) beside the real one, numbers out of an int's range, in
// exponent form, 1e400, strings where numbers go, nested values.
// Each is refused alone with a coded reason; the honest change beside each
// is stored, and nothing else.
func TestDishonestJSONSpellings(t *testing.T) {
	f := setup(t)
	honest := managerChange("m0", f.idA, "A000")
	base := strings.TrimSuffix(string(managerChange("mx", f.idA, "A009").Payload), "}")
	bad := []string{
		base + `,"\u0073howroom_id":"` + f.idB + `"}`,
		base + `,"ſhowroom_id":"` + f.idB + `"}`,
		base + `,"Showroom_ID":"` + f.idB + `"}`,
		base + `,"employee_no":"A010"}`,
		base + `,"employee_nO":"A010"}`,
		base + `,"id":"mx"}`,
		base + `,"nope":1}`,
		base + `,"level":1e400}`,
		base + `,"x":"` + "\u202e" + `"}`,
		base + `,"name":null}`,
		base + `,"education":{"a":1}}`,
		base + `,"education":1}`,
		`null`,
		`[]`,
		`"x"`,
		`{}`,
	}
	before := f.rows()
	changes := []protocol.Change{honest}
	for i, p := range bad {
		c := managerChange("mx", f.idA, "A009")
		c.ID = "bad-" + string(rune('a'+i))
		c.Payload = []byte(p)
		changes = append(changes, c)
	}
	_, _, raw := f.post(protocol.PathPush, f.tokenA, push(changes...), true, v1)
	r := f.results(raw)
	if len(r) != len(changes) || r[0].Status != protocol.Applied {
		t.Fatalf("push: %s", raw)
	}
	for i, res := range r[1:] {
		if res.Status != protocol.Refused || !strings.Contains(res.Message, "err.") {
			t.Errorf("payload %q: %s %q; want refused with a coded reason", bad[i], res.Status, res.Message)
		}
	}
	if n := f.rows(); n != before+1 {
		t.Errorf("rows %d -> %d; want only the honest one more", before, n)
	}
}
