package client

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"kaohe/sync/protocol"
)

// TestPushResponseIsJSONUnmarshal: HQ's answers, as HQ writes them and
// otherwise (escapes, invalid UTF-8, unknown, repeated or case-folded
// keys, nulls, blanks, broken JSON), read the same as json.Unmarshal reads
// them, or fail alike.
func TestPushResponseIsJSONUnmarshal(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 5))
	pieces := []string{"a", "01a22ee7-f318-729f-b25a-99c3ff7a0001", "applied", "refused", "董喆", "\"", `\`, "\n", "\x01", "\xff", "<", "\u2028", "é", ""}
	text := func() string {
		var b strings.Builder
		for range r.IntN(4) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		return b.String()
	}
	quick := 0
	for i := range 5000 {
		var resp protocol.PushResponse
		if r.IntN(20) > 0 {
			resp.Results = []protocol.Result{}
		}
		for range r.IntN(5) {
			resp.Results = append(resp.Results, protocol.Result{ID: text(), Status: text(), Code: text(), Message: text()})
		}
		body, _ := json.Marshal(resp)
		if r.IntN(2) == 0 {
			body = append(body, '\n') // as json.Encoder ends it
		}
		s := string(body)
		switch r.IntN(10) {
		case 0:
			s = strings.Replace(s, `"id"`, `"ID"`, 1)
		case 1:
			s = strings.Replace(s, `"status":`, `"extra":1,"status":`, 1)
		case 2:
			s = strings.Replace(s, `,"status"`, ` , "status" `, 1)
		case 3:
			s = strings.Replace(s, `"code":`, `"code":null,"code":`, 1)
		case 4:
			s = s[:r.IntN(len(s)+1)]
		case 5:
			s = strings.Replace(s, `{"results":`, `{"results":null,"results":`, 1)
		case 6:
			s = strings.Replace(s, `"status":`, `"id":"x","status":`, 1)
		}
		var want, got protocol.PushResponse
		werr := json.Unmarshal([]byte(s), &want)
		gerr := decodePushResponse([]byte(s), &got)
		if (werr == nil) != (gerr == nil) || werr == nil && !reflect.DeepEqual(got, want) {
			t.Fatalf("answer %d %q:\n got %+v, %v\nwant %+v, %v", i, s, got, gerr, want, werr)
		}
		if quickPushResponse([]byte(s), &got) {
			quick++
		}
	}
	if quick < 500 {
		t.Errorf("only %d answers read the quick way", quick)
	}
}

// BenchmarkPushResponse: HQ's answer to a 2,000-change push, read.
func BenchmarkPushResponse(b *testing.B) {
	var resp protocol.PushResponse
	for i := range 2000 {
		resp.Results = append(resp.Results, protocol.Result{ID: fmt.Sprintf("01a22ee7-f318-729f-b25a-99c3ff7a%04d", i), Status: protocol.Applied})
	}
	body, _ := json.Marshal(resp)
	for _, quick := range []bool{true, false} {
		b.Run(map[bool]string{true: "quick", false: "json.Unmarshal"}[quick], func(b *testing.B) {
			for b.Loop() {
				var out protocol.PushResponse
				if quick {
					decodePushResponse(body, &out)
				} else {
					json.Unmarshal(body, &out)
				}
			}
		})
	}
}
