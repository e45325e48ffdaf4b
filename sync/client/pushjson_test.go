package client

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"math/rand/v2"
	"testing"

	"kaohe/sync/protocol"
)

// TestMarshalPushIsEncodingJSON: the push request written directly has
// exactly the bytes encoding/json gives, for payloads and strings holding
// everything encoding/json treats specially: blanks to compact, HTML
// characters and U+2028/U+2029 it escapes, quotes, backslashes, control
// characters, invalid UTF-8, Chinese text, empty and missing values.
func TestMarshalPushIsEncodingJSON(t *testing.T) {
	pieces := []string{"a", "D001", "董喆（D001）", "——", "…", " ", "\t", "\n", "<", ">", "&", "\u2028", "\u2029",
		`"`, `\`, "\x00", "\x1f", "\x7f", "\xff", "\xe2\x80", "é", "😀", "", "0", "-1", "1e308", "/"}
	r := rand.New(rand.NewPCG(1, 2))
	text := func() string {
		var s string
		for range r.IntN(5) {
			s += pieces[r.IntN(len(pieces))]
		}
		return s
	}
	payload := func() json.RawMessage {
		switch r.IntN(7) {
		case 0:
			return nil
		case 1:
			return json.RawMessage(` { "a" : [ 1 , 2 ] ,` + "\n" + ` "b" : null } `) // not compact
		case 2: // compact, with what encoding/json escapes or keeps after 0xE2 as it is
			return json.RawMessage(`{"a":"董喆` + []string{"\u2028", "\u2029", "——", "…", "\xe2\x80", "\xe2"}[r.IntN(6)] + `"}`)
		}
		v := map[string]any{"id": text(), "name": text(), "n": r.IntN(1000), "list": []string{text(), text()}}
		p, _ := json.Marshal(v) // compact, escaped as the app writes them
		if r.IntN(2) == 0 {
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false) // <, >, & and U+2028 as they are
			enc.Encode(v)
			p = bytes.TrimSpace(buf.Bytes())
		}
		return p
	}
	for i := range 3000 {
		req := protocol.PushRequest{Version: protocol.Version}
		if r.IntN(3) > 0 {
			req.Replica = text()
		}
		if r.IntN(2) == 0 {
			req.After = text()
		}
		if r.IntN(20) > 0 {
			req.Changes = []protocol.Change{}
		}
		for range r.IntN(4) {
			c := protocol.Change{ID: text(), Entity: text(), RowID: text(), Op: text(), Payload: payload(), At: text(), By: text()}
			if r.IntN(2) == 0 {
				c.Seq, c.Version, c.RSeq = r.Int64N(1<<40)-10, r.Int64N(1<<40), r.Int64N(3)
			}
			req.Changes = append(req.Changes, c)
		}
		want, err := json.Marshal(req)
		if err != nil {
			t.Fatal(err)
		}
		got, err := marshalPush(req)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("request %d:\n got %s\nwant %s", i, got, want)
		}
	}
}

// TestEncodedPushIsPlainGzip: what the client sends is gzip as the standard
// library reads it (an HQ of an older build inflates it with compress/gzip),
// holding exactly the request's JSON; the writers it reuses start clean.
func TestEncodedPushIsPlainGzip(t *testing.T) {
	for i, req := range []protocol.PushRequest{benchReq(), {Version: protocol.Version, Replica: "r"}, benchReq()} {
		body, err := EncodePush(req.Replica, req.After, req.Changes)
		if err != nil {
			t.Fatal(err)
		}
		zr, err := gzip.NewReader(bytes.NewReader(body.gz))
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		got, err := io.ReadAll(zr)
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		want, _ := json.Marshal(protocol.PushRequest{Version: protocol.Version, Replica: req.Replica, After: req.After, Changes: req.Changes})
		if !bytes.Equal(got, want) {
			t.Fatalf("request %d: inflated %d bytes, not the request's %d", i, len(got), len(want))
		}
	}
}
