package server

import (
	"bytes"
	"compress/gzip"
	"database/sql"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"kaohe/sync/protocol"
)

// heldBody stands between the client and HQ's handler: a request carrying
// the header X-Hold has its body's end held until release is closed, so
// the handler has authenticated it (the token is checked before the body
// is read) and has not yet decoded or written it. reading is closed once
// the handler is waiting there.
type heldBody struct {
	io.ReadCloser
	reading chan struct{}
	release chan struct{}
	once    bool
}

func (b *heldBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err == io.EOF && !b.once {
		b.once = true
		close(b.reading)
		<-b.release
	}
	return n, err
}

// TestRevokedWhileAPushIsInFlight: a showroom's two pushes are on their
// way when HQ revokes it — the first authenticated and held before it is
// decoded, the second pipelined behind it (decoded, waiting for the first
// to be answered). Both had passed the token check before the revocation;
// neither may write after it. The first is refused 401
// err.credential_revoked by the check inside the write transaction, the
// second whole; HQ's change log, rows, replica numbers and stats are what
// they were before the two pushes. Without the check both were applied.
func TestRevokedWhileAPushIsInFlight(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hq.db")
	o := &orderFixture{fixture: setupAt(t, path)}
	o.server = &Server{Store: o.store}
	cred, err := o.store.Authenticate(ctx, o.tokenA)
	if err != nil {
		t.Fatal(err)
	}
	o.credA = cred.ID
	reading, release := make(chan struct{}), make(chan struct{})
	o.srv.Close()
	h := o.server.Handler()
	o.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Hold") != "" {
			r.Body = &heldBody{ReadCloser: r.Body, reading: reading, release: release}
		}
		h.ServeHTTP(w, r)
	}))
	m1 := managerChange("m1", o.idA, "A001")
	m1.RSeq = 1
	if status, _, raw := o.post(protocol.PathPush, o.tokenA, pushAfter("", "", m1), true, v1); status != 200 || o.results(raw)[0].Status != protocol.Applied {
		t.Fatalf("the honest push before: %d %s", status, raw)
	}
	before := o.held(path)

	first := managerChange("m2", o.idA, "A002")
	first.RSeq = 2
	second := target("tg2", "m2", 12)
	second.RSeq = 3
	held := make(chan answer, 1)
	go func() {
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		zw.Write(pushAfter(m1.ID, "", first))
		zw.Close()
		req, _ := http.NewRequest("POST", o.srv.URL+protocol.PathPush, &b)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Content-Encoding", "gzip")
		req.Header.Set(protocol.HeaderVersion, v1)
		req.Header.Set("Authorization", "Bearer "+o.tokenA)
		req.Header.Set("X-Hold", "1")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			held <- answer{status: -1, raw: []byte(err.Error())}
			return
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		held <- answer{status: resp.StatusCode, raw: raw}
	}()
	select {
	case <-reading: // authenticated, its body read: held before decoding
	case a := <-held:
		t.Fatalf("the first push was answered before it was held: %d %s", a.status, a.raw)
	case <-time.After(10 * time.Second):
		t.Fatal("the first push never reached HQ's handler")
	}
	// The second comes after the first's change: counted in flight, it has
	// passed its token check.
	pipelined := o.sendLaterN(pushAfter(first.ID, "", second), 2)
	time.Sleep(50 * time.Millisecond) // let it decode and reach its wait

	if err := o.store.RevokeShowroom(ctx, "SH01"); err != nil {
		t.Fatal(err)
	}
	close(release)
	a := <-held
	if a.status != http.StatusUnauthorized || !strings.Contains(string(a.raw), "err.credential_revoked") {
		t.Errorf("the push held across the revocation: %d %s; want 401 err.credential_revoked", a.status, a.raw)
	}
	if b := <-pipelined; b.status == http.StatusOK {
		t.Errorf("the push pipelined behind it: %d %s; want refused whole", b.status, b.raw)
	}
	if after := o.held(path); !reflect.DeepEqual(after, before) {
		t.Errorf("HQ after the revoked pushes:\n%v\nwant\n%v", after, before)
	}
	// And the credential is refused at the door from now on.
	if status, _, raw := o.post(protocol.PathPush, o.tokenA, pushAfter("", "", first), true, v1); status != http.StatusUnauthorized {
		t.Errorf("a push after the revocation: %d %s", status, raw)
	}
}

// sendLaterN is sendLater waiting until n pushes of credential A are in
// flight (the ones before it held).
func (o *orderFixture) sendLaterN(body []byte, n int) <-chan answer {
	o.t.Helper()
	out := make(chan answer, 1)
	go func() {
		status, e, raw := o.post(protocol.PathPush, o.tokenA, body, true, v1)
		out <- answer{status, e, raw}
	}()
	for deadline := time.Now().Add(10 * time.Second); ; {
		o.server.order.mu.Lock()
		k := 0
		if c := o.server.order.creds[o.credA]; c != nil {
			k = c.inFlight
		}
		o.server.order.mu.Unlock()
		if k >= n {
			return out
		}
		if time.Now().After(deadline) {
			o.t.Fatal("the pipelined push never reached HQ")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// held is what HQ holds that a push writes: its change log, rows, the
// replicas' numbers and the stats kaohe-hq stats prints.
func (o *orderFixture) held(path string) map[string]any {
	o.t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		o.t.Fatal(err)
	}
	defer db.Close()
	out := map[string]any{}
	for name, q := range map[string]string{
		"changes":      `SELECT count(*) || ':' || coalesce(max(seq), 0) FROM changes`,
		"rows":         `SELECT coalesce(group_concat(entity || '/' || row_id || '/' || deleted || '/' || payload, char(10)), '') FROM (SELECT * FROM rows ORDER BY entity, row_id)`,
		"replica_seen": `SELECT count(*) || ':' || coalesce(max(rseq), 0) FROM replica_seen`,
	} {
		var v string
		if err := db.QueryRow(q).Scan(&v); err != nil {
			o.t.Fatal(err)
		}
		out[name] = v
	}
	stats, err := o.store.Stats(ctx)
	if err != nil {
		o.t.Fatal(err)
	}
	out["stats"] = stats
	return out
}
