package client

import (
	"encoding/json"
	"fmt"
	"testing"

	"kaohe/sync/protocol"
)

// benchReq is a push of 2,000 changes like the demo's.
func benchReq() protocol.PushRequest {
	req := protocol.PushRequest{Version: 4, Replica: "01a23255-2e48-706f-ba09-c8285a4a4db7", After: "01a23255-2e48-706f-ba09-c8285a4a4db8"}
	for i := 0; i < 2000; i++ {
		p, _ := json.Marshal(map[string]any{"id": fmt.Sprintf("01a22ee7-f318-729f-b25a-99c3ff7b%04d", i), "showroom_id": "01a22ee6-b001-7489-9a76-276abb03f726", "manager_id": "01a22ee6-b001-7489-9a76-276abb03f727", "title": "厨柜基础知识", "category": "basic", "date": map[string]int{"Year": 2025, "Month": 3, "Day": 11}, "hours": 8, "scores": []int{80, 90, 70, 60, 85}, "note": "现代市场营销学基础现代市场营销学基础"})
		req.Changes = append(req.Changes, protocol.Change{ID: fmt.Sprintf("01a22ee7-f318-729f-b25a-99c3ff7a%04d", i), Entity: "assessment", RowID: "01a22ee7-f318-729f-b25a-99c3ff7b7a04", Op: "upsert", Payload: p, At: "2026-11-27T09:00:00Z", Version: 3, RSeq: int64(i + 1), By: "董喆（D001）"})
	}
	return req
}

// BenchmarkEncodingJSON is the reference: encoding/json for a 2,000-change push.
func BenchmarkEncodingJSON(b *testing.B) {
	req := benchReq()
	for b.Loop() {
		json.Marshal(req)
	}
}

// BenchmarkMarshalPush: the same request written directly.
func BenchmarkMarshalPush(b *testing.B) {
	req := benchReq()
	for b.Loop() {
		marshalPush(req)
	}
}

// BenchmarkEncodeGzip: written and gzip-compressed, as sent.
func BenchmarkEncodeGzip(b *testing.B) {
	req := benchReq()
	for b.Loop() {
		encode(req)
	}
}
