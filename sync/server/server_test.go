package server

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"kaohe/internal/kaohe"
	"kaohe/internal/store/hq"
	"kaohe/sync/protocol"
)

var ctx = context.Background()

type fixture struct {
	t      *testing.T
	store  *hq.Store
	srv    *httptest.Server
	tokenA string
	tokenB string
	idA    string
	idB    string
}

func setup(t *testing.T) *fixture { return setupAt(t, filepath.Join(t.TempDir(), "hq.db")) }

// setupAt is setup on the HQ database at path, opened with opts.
func setupAt(t *testing.T, path string, opts ...hq.Option) *fixture {
	t.Helper()
	s, err := hq.Open(ctx, path, opts...)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, store: s, srv: httptest.NewServer((&Server{Store: s}).Handler())}
	t.Cleanup(func() { f.srv.Close(); s.Close() })
	for _, sr := range []struct {
		code  string
		token *string
		id    *string
	}{{"SH01", &f.tokenA, &f.idA}, {"BJ01", &f.tokenB, &f.idB}} {
		_, code, err := s.AddShowroom(ctx, sr.code, sr.code+"展厅", "")
		if err != nil {
			t.Fatal(err)
		}
		resp, err := s.Enroll(ctx, code, "")
		if err != nil {
			t.Fatal(err)
		}
		*sr.token, *sr.id = resp.Token, resp.ShowroomID
	}
	return f
}

// post sends body as the given credential; gz compresses it.
func (f *fixture) post(path, token string, body []byte, gz bool, version string) (int, protocol.Error, []byte) {
	if gz {
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		zw.Write(body)
		zw.Close()
		body = b.Bytes()
	}
	req, _ := http.NewRequest("POST", f.srv.URL+path, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if gz {
		req.Header.Set("Content-Encoding", "gzip")
	}
	req.Header.Set(protocol.HeaderVersion, version)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var e protocol.Error
	json.Unmarshal(raw, &e)
	return resp.StatusCode, e, raw
}

var v1 = strconv.Itoa(protocol.Version)

func managerChange(id, showroom, no string) protocol.Change {
	m := kaohe.Manager{ID: id, ShowroomID: showroom, EmployeeNo: no, Name: "张喆", Education: kaohe.EduCollege, Status: kaohe.StatusActive}
	p, _ := json.Marshal(m)
	return protocol.Change{ID: "c-" + id + "-" + showroom + "-" + no, Entity: kaohe.EntManager, RowID: id, Op: "upsert", Payload: p, At: "2026-11-27T00:00:00Z"}
}

func push(changes ...protocol.Change) []byte {
	b, _ := json.Marshal(protocol.PushRequest{Version: protocol.Version, Changes: changes})
	return b
}

// rows counts what HQ holds, to prove a refusal stored nothing.
func (f *fixture) rows() int {
	st, _ := f.store.Stats(ctx)
	n := 0
	for _, m := range st {
		for _, c := range m {
			n += c
		}
	}
	return n
}

func (f *fixture) results(raw []byte) []protocol.Result {
	var r protocol.PushResponse
	if err := json.Unmarshal(raw, &r); err != nil {
		f.t.Fatalf("push answer %s: %v", raw, err)
	}
	return r.Results
}

func TestSecurityRefusals(t *testing.T) {
	f := setup(t)
	base := f.rows()
	good := push(managerChange("m1", f.idA, "D001"))

	cases := []struct {
		name    string
		token   string
		body    []byte
		gz      bool
		version string
		status  int
		code    string
	}{
		{"no credential", "", good, true, v1, 401, kaohe.EUNAUTHORIZED},
		{"wrong credential", "not-a-token", good, true, v1, 401, kaohe.EUNAUTHORIZED},
		{"other schema version", f.tokenA, good, true, "99", 426, protocol.CodeUpgrade},
		{"no schema version", f.tokenA, good, true, "", 426, protocol.CodeUpgrade},
		{"malformed JSON", f.tokenA, []byte(`{"version":1,"changes":[{`), true, v1, 400, kaohe.EINVALID},
		{"unknown fields", f.tokenA, []byte(`{"version":1,"changes":[],"admin":true}`), true, v1, 400, kaohe.EINVALID},
		{"not gzip", f.tokenA, good, false, v1, 200, ""}, // plain JSON is fine too
		{"oversized body", f.tokenA, bytes.Repeat([]byte(" "), protocol.MaxBodyBytes+10), false, v1, 400, kaohe.EINVALID},
		{"gzip bomb", f.tokenA, append(append([]byte(`{"version":1,"changes":[],"x":"`), bytes.Repeat([]byte("a"), protocol.MaxBodyBytes+10)...), '"', '}'), true, v1, 400, kaohe.EINVALID},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := f.rows()
			status, e, _ := f.post(protocol.PathPush, tc.token, tc.body, tc.gz, tc.version)
			if status != tc.status || (tc.code != "" && e.Code != tc.code) {
				t.Errorf("status %d code %q; want %d %q", status, e.Code, tc.status, tc.code)
			}
			if tc.status != 200 && f.rows() != before {
				t.Errorf("a refused request stored rows")
			}
		})
	}
	if f.rows() != base+1 {
		t.Fatalf("the one good push stored %d rows", f.rows()-base)
	}

	// Per-change refusals: the rest of the batch still goes in.
	decision, _ := json.Marshal(kaohe.Decision{ID: "d1", AppID: "a1", Stage: kaohe.StageFirst, Pass: true, Date: kaohe.D(2026, 1, 1), DecidedBy: []string{"x"}})
	invalid := managerChange("m9", f.idA, "D 9") // breaks the employee-number rule
	_, _, raw := f.post(protocol.PathPush, f.tokenB, push(
		managerChange("m2", f.idA, "D002"), // B writing a row of A
		managerChange("m1", f.idB, "D001"), // B taking over A's row m1
		protocol.Change{ID: "hq1", Entity: kaohe.EntDecision, RowID: "d1", Op: "upsert", Payload: decision}, // an HQ-owned row
		managerChange("m3", f.idB, "D003"), // B's own row: fine
	), true, v1)
	res := f.results(raw)
	want := []string{protocol.Refused, protocol.Refused, protocol.Refused, protocol.Applied}
	for i, r := range res {
		if r.Status != want[i] {
			t.Errorf("change %d: %s (%s); want %s", i, r.Status, r.Message, want[i])
		}
	}
	_, _, raw = f.post(protocol.PathPush, f.tokenA, push(invalid), true, v1)
	if r := f.results(raw); r[0].Status != protocol.Refused || r[0].Code != kaohe.EINVALID {
		t.Errorf("an invalid row: %+v", r)
	}
	st, _ := f.store.Stats(ctx)
	if st["SH01"]["managers"] != 1 || st["BJ01"]["managers"] != 1 {
		t.Errorf("managers after refusals: %v", st)
	}

	// A revoked showroom is shut out.
	if err := f.store.RevokeShowroom(ctx, "BJ01"); err != nil {
		t.Fatal(err)
	}
	if status, _, _ := f.post(protocol.PathPull, f.tokenB, []byte(`{"version":1,"cursor":0}`), false, v1); status != 401 {
		t.Errorf("revoked showroom pull: %d", status)
	}
	// A showroom pulls only HQ's changes for itself and reference data.
	_, _, raw = f.post(protocol.PathPull, f.tokenA, []byte(`{"version":1,"cursor":0}`), false, v1)
	var pr protocol.PullResponse
	json.Unmarshal(raw, &pr)
	for _, c := range pr.Changes {
		if c.Entity == kaohe.EntShowroom && c.RowID != f.idA {
			t.Errorf("A pulled another showroom's row %s", c.RowID)
		}
		if c.Entity == kaohe.EntManager {
			t.Errorf("A pulled a showroom's own rows back")
		}
	}
	if !strings.Contains(string(raw), f.idA) {
		t.Errorf("A did not get its own showroom row")
	}
}

// TestReorderedChangesKeepTheNewest: two writes of one row arrive in the
// wrong order (a retried older request after a newer one); HQ keeps the
// newer state by the row's counter, and both are logged. The newer was
// written while the PC's clock was a year behind, so its UUIDv7 id is the
// lower one: ids and clocks decide nothing.
func TestReorderedChangesKeepTheNewest(t *testing.T) {
	f := setup(t)
	older := managerChange("m1", f.idA, "D001")
	older.ID, older.Version = "019b0000-0000-7000-8000-000000000001", 1
	newer := managerChange("m1", f.idA, "D001")
	newer.ID, newer.Version = "01900000-0000-7000-8000-000000000002", 2
	var m kaohe.Manager
	json.Unmarshal(newer.Payload, &m)
	m.Phone = "13900000002"
	newer.Payload, _ = json.Marshal(m)
	for _, c := range []protocol.Change{newer, older} {
		_, _, raw := f.post(protocol.PathPush, f.tokenA, push(c), true, v1)
		if r := f.results(raw); r[0].Status != protocol.Applied {
			t.Fatalf("%s: %+v", c.ID, r)
		}
	}
	resp, _ := f.store.Pull(ctx, hq.Credential{Kind: hq.KindHQ}, 0, 100)
	logged := 0
	for _, c := range resp.Changes {
		if c.RowID == "m1" {
			logged++
		}
	}
	if logged != 2 {
		t.Errorf("%d changes of m1 logged; want both", logged)
	}
	// That the row keeps the newer state is checked in internal/store/hq.
}
