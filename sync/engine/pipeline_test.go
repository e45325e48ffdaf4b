package engine

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"kaohe/internal/store"
	"kaohe/internal/store/hq"
	"kaohe/sync/protocol"
)

// pushLog watches the push requests that pass the proxy: how many are at
// HQ at once, and what each one carried.
type pushLog struct {
	mu       sync.Mutex
	n        int // push requests seen
	at       atomic.Int32
	most     int32
	requests []pushSeen
}

type pushSeen struct {
	after   string
	first   string // the first change of the batch
	last    string
	n       int // changes
	payload int // bytes of their payloads and authors (pushBudget's measure)
}

// seen reads a push request's body (and gives it back to the request).
func (l *pushLog) seen(t *testing.T, r *http.Request) int {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		t.Errorf("push body: %v", err)
		return 0
	}
	var req protocol.PushRequest
	if err := json.NewDecoder(zr).Decode(&req); err != nil || len(req.Changes) == 0 {
		t.Errorf("push body: %v, %d changes", err, len(req.Changes))
		return 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.n++
	seen := pushSeen{after: req.After, first: req.Changes[0].ID, last: req.Changes[len(req.Changes)-1].ID, n: len(req.Changes)}
	for _, c := range req.Changes {
		seen.payload += len(c.Payload) + len(c.By)
	}
	l.requests = append(l.requests, seen)
	return l.n
}

// TestPipelinedPushKeepsOrderThroughFaults: the engine keeps two batches at
// HQ at once, each naming the last change of the batch before. Requests in
// the middle fail: one dropped before HQ sees it, one whose answer is lost
// after HQ applied it, one answered 503, and one HQ answers out of order
// (as after a restart from an older backup). The sync ends with every
// change at HQ exactly once, in the order written, each marked sent only
// with HQ's answer, nothing refused.
func TestPipelinedPushKeepsOrderThroughFaults(t *testing.T) {
	h := newHQ(t)
	sr := enroll(t, h, "SH01", "上海徐汇旗舰展厅", true)
	sr.engine.Batch = 50
	var l pushLog
	h.setFault(func(w http.ResponseWriter, r *http.Request) bool {
		if r.URL.Path != protocol.PathPush {
			return false
		}
		k := l.seen(t, r)
		now := l.at.Add(1)
		defer l.at.Add(-1)
		l.mu.Lock()
		l.most = max(l.most, now)
		l.mu.Unlock()
		time.Sleep(20 * time.Millisecond) // the next batch arrives meanwhile
		switch k {
		case 3: // dropped before HQ sees it
			hj, _ := w.(http.Hijacker)
			c, _, _ := hj.Hijack()
			c.Close()
			return true
		case 6: // HQ applies it, the answer is lost
			resp, err := forward(h, r)
			if err == nil {
				resp.Body.Close()
			}
			hj, _ := w.(http.Hijacker)
			c, _, _ := hj.Hijack()
			c.Close()
			return true
		case 9:
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return true
		case 12: // HQ does not know the change it comes after
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusConflict)
			json.NewEncoder(w).Encode(protocol.Error{Code: protocol.CodeOutOfOrder, Key: "err.push_out_of_order", Message: "out of order"})
			return true
		}
		return false
	})
	pending, _ := sr.store.PendingChanges(ctx, 100000)
	if len(pending) < 15*sr.engine.Batch {
		t.Fatalf("%d changes to send; want more batches", len(pending))
	}
	if err := sr.engine.Sync(ctx); err != nil {
		t.Fatalf("sync: %v", err)
	}
	h.setFault(nil)

	if l.most < 2 {
		t.Errorf("at most %d push at HQ at once; want 2 (pipelined)", l.most)
	}
	// Every batch but the first of the pass names the batch before, but the
	// one sent again after its out-of-order refusal.
	var resentAfter []string
	for i, r := range l.requests {
		if i == 11 && r.after == "" {
			t.Errorf("request 12 named no batch before it")
		}
		if i > 11 && r.first == l.requests[11].first {
			resentAfter = append(resentAfter, r.after)
		}
	}
	if !slices.Contains(resentAfter, "") {
		t.Errorf("the batch refused as out of order was sent again after %q; want after nothing", resentAfter)
	}

	if n, _ := sr.store.PendingCount(ctx); n != 0 {
		t.Errorf("%d changes left unsent", n)
	}
	if r, _ := sr.store.Refused(ctx); len(r) != 0 {
		t.Errorf("%d changes refused: %+v", len(r), r[0])
	}
	loggedOnceInOrder(t, h, pending)
}

// loggedOnceInOrder checks that HQ's log holds each change of pending once,
// in the order the showroom wrote them.
func loggedOnceInOrder(t *testing.T, h *hqServer, pending []store.Change) {
	t.Helper()
	want := make([]string, len(pending))
	for i, c := range pending {
		want[i] = c.ID
	}
	sent := map[string]bool{}
	for _, id := range want {
		sent[id] = true
	}
	var got []string
	var cursor int64
	for {
		resp, err := h.store.Pull(ctx, hq.Credential{Kind: hq.KindHQ}, cursor, protocol.MaxBatch)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range resp.Changes {
			if sent[c.ID] {
				got = append(got, c.ID)
			}
		}
		cursor = resp.Cursor
		if !resp.More {
			break
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("HQ's log holds %d of the %d changes; in order: %v", len(got), len(want), len(got) == len(want))
	}
}

// answersOthers is HQ answering a batch with answers for other changes.
type answersOthers struct {
	Client
	ids []string // changes of an earlier batch, not sent now
}

func (c *answersOthers) Push(ctx context.Context, changes []protocol.Change) ([]protocol.Result, error) {
	out := make([]protocol.Result, len(changes))
	for i := range changes {
		out[i] = protocol.Result{ID: c.ids[i%len(c.ids)], Status: protocol.Applied}
	}
	return out, nil
}

// TestAnswerForOtherChangesMarksNothing: an answer must name the changes
// sent, in order; one naming others (a confused or dishonest HQ) fails the
// sync and marks nothing sent.
func TestAnswerForOtherChangesMarksNothing(t *testing.T) {
	h := newHQ(t)
	sr := enroll(t, h, "SH01", "上海徐汇旗舰展厅", true)
	pending, _ := sr.store.PendingChanges(ctx, 100000)
	n := len(pending)
	sr.engine.Client = &answersOthers{Client: sr.engine.Client, ids: []string{pending[n-1].ID, pending[n-2].ID}}
	if err := sr.engine.Sync(ctx); err == nil {
		t.Fatal("sync with answers for other changes succeeded")
	}
	if left, _ := sr.store.PendingCount(ctx); left != n {
		t.Errorf("%d of %d changes left unsent; want all", left, n)
	}
}
