package server

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"net/http/httptest"
	"testing"

	"kaohe/internal/kaohe"
	"kaohe/sync/protocol"
)

func gz(b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

// fuzzDecode feeds body to the server's request decoder as plain JSON or
// as gzip, and checks that what it accepts survives a round trip.
func fuzzDecode[T any](f *testing.F, seeds ...string) {
	for _, s := range seeds {
		f.Add([]byte(s), false)
		f.Add(gz([]byte(s)), true)
	}
	f.Fuzz(func(t *testing.T, body []byte, gzipped bool) {
		r := httptest.NewRequest("POST", protocol.PathPush, bytes.NewReader(body))
		if gzipped {
			r.Header.Set("Content-Encoding", "gzip")
		}
		var v T
		err := decode(httptest.NewRecorder(), r, &v)
		if err != nil {
			if _, ok := err.(*kaohe.Error); !ok {
				t.Fatalf("decode error %T %v is not a domain error", err, err)
			}
			return
		}
		again, _ := json.Marshal(v)
		var w T
		if err := decode(httptest.NewRecorder(), httptest.NewRequest("POST", protocol.PathPush, bytes.NewReader(again)), &w); err != nil {
			t.Fatalf("decode accepted %q but refuses its own re-encoding %q: %v", body, again, err)
		}
		if twice, _ := json.Marshal(w); !bytes.Equal(again, twice) {
			t.Fatalf("round trip of %q: %s then %s", body, again, twice)
		}
	})
}

// FuzzDecodePush: push request bodies.
func FuzzDecodePush(f *testing.F) {
	fuzzDecode[protocol.PushRequest](f,
		`{"version":1,"changes":[{"id":"c1","entity":"manager","row_id":"m1","op":"upsert","payload":{"name":"王小明"},"at":"2026-12-01T10:00:00Z"}]}`,
		`{"version":1,"changes":[]}`,
		`{"version":1,"changes":[{"id":"c1","id":"c2"}]}`,
		`{"version":1,"extra":true}`,
		`{"version":1,"changes":[{"payload":"\u202e"}]}`,
		`[]`, `null`, `{"version":1e400}`)
}

// FuzzDecodePull: pull request bodies.
func FuzzDecodePull(f *testing.F) {
	fuzzDecode[protocol.PullRequest](f,
		`{"version":1,"cursor":0,"limit":500}`,
		`{"version":1,"cursor":-1,"limit":99999999999}`,
		`{"version":1,"cursor":9223372036854775807}`,
		`{"cursor":1,"cursor":2}`)
}
