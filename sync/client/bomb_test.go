package client

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"kaohe/internal/kaohe"
	"kaohe/sync/protocol"
)

// TestAnswerThatInflatesPastTheLimitIsNotRead: a broken HQ or proxy
// answers a pull with 64 KB of gzip that inflates past what HQ ever writes
// (protocol.MaxAnswerBytes). The app refuses it with its own message, asks
// once (the same answer again would be as large) and does not hold it.
func TestAnswerThatInflatesPastTheLimitIsNotRead(t *testing.T) {
	var bomb bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&bomb, gzip.BestCompression)
	zw.Write([]byte(`{"cursor":1,"changes":[],"x":"`))
	chunk := bytes.Repeat([]byte("a"), 1<<20)
	for range protocol.MaxAnswerBytes>>20 + 1 {
		zw.Write(chunk)
	}
	zw.Write([]byte(`"}`))
	zw.Close()
	var asked atomic.Int32
	var body atomic.Pointer[[]byte]
	b := bomb.Bytes()
	body.Store(&b)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(*body.Load())
	}))
	defer srv.Close()
	if bomb.Len() > 1<<20 {
		t.Fatalf("the bomb is %d bytes of gzip, meant to be small", bomb.Len())
	}

	c := New(srv.URL, "token", Options{MinWait: time.Millisecond, MaxWait: time.Millisecond})
	_, err := c.Pull(context.Background(), 0, 10)
	var ke *kaohe.Error
	if !errors.As(err, &ke) || ke.Key != "err.sync_answer_too_large" {
		t.Fatalf("pull of a bomb: %v, want err.sync_answer_too_large", err)
	}
	if n := asked.Load(); n != 1 {
		t.Errorf("HQ was asked %d times, want once", n)
	}

	// An answer just under the limit is still read.
	var ok bytes.Buffer
	zw, _ = gzip.NewWriterLevel(&ok, gzip.BestCompression)
	zw.Write([]byte(`{"cursor":7,"changes":[],"x":"`))
	for range protocol.MaxAnswerBytes>>20 - 1 {
		zw.Write(chunk)
	}
	zw.Write([]byte(`"}`))
	zw.Close()
	b = ok.Bytes()
	body.Store(&b)
	resp, err := c.Pull(context.Background(), 0, 10)
	if err != nil || resp.Cursor != 7 {
		t.Fatalf("pull of a large honest answer: %+v, %v", resp.Cursor, err)
	}
}
