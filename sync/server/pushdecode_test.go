package server

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"kaohe/internal/kaohe"
	"kaohe/sync/protocol"
)

var pushBodies = []string{
	`{"version":4,"replica":"r1","after":"c0","changes":[{"id":"c1","entity":"manager","row_id":"m1","op":"upsert","payload":{"name":"王小明","n":[1,{"a":"}"}]},"at":"2026-12-01T10:00:00Z","seq":0,"version":3,"rseq":17,"by":"董喆（D001）"}]}`,
	` { "version" : 4 , "changes" : [ { "id" : "c\u0031" , "payload" : "x\"}" } , { "payload" : 12.5e3 } , { "payload" : null } , { "payload" : true } ] } `,
	`{"version":4,"changes":[]}`,
	`{"version":4,"changes":null,"replica":null,"after":null}`,
	`{"changes":[null,{}]}`,
	`{}`,
	`{"version":4,"changes":[{"id":"a\\b\n\u00e9"}]}`,
	`{"version":-3}`,
	`{"version":1.5}`,
	`{"version":1e2}`,
	`{"version":99999999999999999999}`,
	`{"version":"4"}`,
	`{"version":true}`,
	`{"replica":4}`,
	`{"changes":{}}`,
	`{"changes":[1]}`,
	`{"changes":[{"seq":"1"}]}`,
	`{"changes":[{"rseq":1.0}]}`,
	`{"changes":[{"extra":1}]}`,
	`{"extra":true}`,
	`{"version":4}x`,
	`[]`,
	`"push"`,
	`{"changes":[{"payload":{"a":[1,2,{"b":"]"}]}},{"payload":[]}]}`,
	`{"changes":[{"payload":"\u202e"}]}`,
	`{"changes":[{"payload":{}}],"version":4}`,
}

// equivalent checks decodePush against encoding/json (unknown fields
// disallowed) on a body CheckEnvelope passed: the same request, or both
// refuse. decodePush may refuse more only for what a real client never
// sends: keys spelt in another case, a null request.
func equivalent(t *testing.T, body []byte) {
	if kaohe.CheckEnvelope(body, "payload") != nil {
		return
	}
	var want protocol.PushRequest
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	wantErr := dec.Decode(&want)
	if wantErr == nil && dec.More() {
		wantErr = errTrailing
	}
	if wantErr == nil {
		var rest any
		if dec.Decode(&rest) == nil {
			wantErr = errTrailing
		}
	}
	var got protocol.PushRequest
	gotErr := decodePush(body, &got)
	switch {
	case wantErr != nil && gotErr == nil:
		t.Fatalf("%q: encoding/json refuses (%v), decodePush accepts %+v", body, wantErr, got)
	case wantErr == nil && gotErr != nil:
		if !bytes.Equal(bytes.TrimSpace(body), []byte("null")) && !otherCase(body) {
			t.Fatalf("%q: encoding/json accepts %+v, decodePush refuses: %v", body, want, gotErr)
		}
	case wantErr == nil:
		if !reflect.DeepEqual(normal(want), normal(got)) {
			t.Fatalf("%q:\nencoding/json %+v\ndecodePush    %+v", body, want, got)
		}
	}
	if gotErr != nil {
		if _, ok := gotErr.(*kaohe.Error); !ok {
			t.Fatalf("%q: %T is not a domain error", body, gotErr)
		}
	}
}

var errTrailing = kaohe.Errorf(kaohe.EINVALID, "err.bad_request")

// otherCase: a key that matches a field only case-insensitively (which
// encoding/json accepts).
func otherCase(body []byte) bool {
	var m map[string]any
	if json.Unmarshal(body, &m) != nil {
		return true
	}
	fields := map[string]bool{"version": true, "replica": true, "after": true, "changes": true, "id": true, "entity": true,
		"row_id": true, "op": true, "payload": true, "at": true, "seq": true, "rseq": true, "by": true}
	var walk func(v any) bool
	walk = func(v any) bool {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if !fields[k] && fields[strings.ToLower(k)] {
					return true
				}
				if k != "payload" && walk(x) {
					return true
				}
			}
		case []any:
			for _, x := range v {
				if walk(x) {
					return true
				}
			}
		}
		return false
	}
	return walk(m)
}

// normal makes empty and absent alike where encoding/json and decodePush
// differ only in allocation (an empty payload slice, an empty changes
// array).
func normal(r protocol.PushRequest) protocol.PushRequest {
	if len(r.Changes) == 0 {
		r.Changes = nil
	}
	for i := range r.Changes {
		if len(r.Changes[i].Payload) == 0 {
			r.Changes[i].Payload = nil
		}
	}
	return r
}

// TestPushDecoderAgreesWithEncodingJSON: the push's own decoder reads what
// encoding/json reads and refuses what it refuses.
func TestPushDecoderAgreesWithEncodingJSON(t *testing.T) {
	for _, b := range pushBodies {
		equivalent(t, []byte(b))
	}
	// A real batch, as the client encodes it.
	var changes []protocol.Change
	for i := range 300 {
		m := managerChange("m"+strings.Repeat("x", i%7), "sr", "A00"+string(rune('0'+i%10)))
		m.Version, m.RSeq, m.By = int64(i), int64(i+1), "董喆（D001）"
		changes = append(changes, m)
	}
	b, _ := json.Marshal(protocol.PushRequest{Version: protocol.Version, Replica: "r", After: "c", Changes: changes})
	equivalent(t, b)
	var got protocol.PushRequest
	if err := decodePush(b, &got); err != nil || len(got.Changes) != 300 || got.Changes[299].RSeq != 300 {
		t.Fatalf("real batch: %v, %d changes", err, len(got.Changes))
	}
}

// FuzzPushDecoder: decodePush and encoding/json agree on any body.
func FuzzPushDecoder(f *testing.F) {
	for _, b := range pushBodies {
		f.Add([]byte(b))
	}
	f.Fuzz(func(t *testing.T, body []byte) { equivalent(t, body) })
}

// fullPush is a push of MaxBatch manager changes, as a client sends one.
func fullPush() []byte {
	var changes []protocol.Change
	for i := range protocol.MaxBatch {
		m := managerChange("m"+strings.Repeat("0", i%9), "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", "A001")
		m.Version, m.RSeq, m.By = 1, int64(i+1), "董喆（D001）"
		changes = append(changes, m)
	}
	body, _ := json.Marshal(protocol.PushRequest{Version: protocol.Version, Replica: "r", Changes: changes})
	return body
}

// BenchmarkDecodePush: a push of 5,000 changes read by the server's
// decode (envelope check, then decodePush) against encoding/json.
func BenchmarkDecodePush(b *testing.B) {
	body := fullPush()
	b.Run("decodePush", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			var req protocol.PushRequest
			if err := kaohe.CheckEnvelope(body, "payload"); err != nil {
				b.Fatal(err)
			}
			if err := decodePush(body, &req); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding/json", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			var req protocol.PushRequest
			if err := kaohe.CheckEnvelope(body, "payload"); err != nil {
				b.Fatal(err)
			}
			dec := json.NewDecoder(bytes.NewReader(body))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&req); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkCheckEnvelope(b *testing.B) {
	body := fullPush()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if err := kaohe.CheckEnvelope(body, "payload"); err != nil {
			b.Fatal(err)
		}
	}
}
