package kaohe

import (
	"strings"
	"testing"
)

func TestDecodeStrict(t *testing.T) {
	type row struct {
		ID   string   `json:"id"`
		Name string   `json:"name"`
		Tags []string `json:"tags"`
		N    float64  `json:"n"`
	}
	deep := strings.Repeat(`{"a":`, 40) + `1` + strings.Repeat(`}`, 40)
	tests := []struct {
		in  string
		key string // "" when accepted
	}{
		{`{"id":"x","name":"张喆","tags":["a","b"],"n":1.5e3}`, ""},
		{`{"id":"x","name":"第一行\n第二行\t缩进"}`, ""},
		{` { "id" : "x" } `, ""},
		{`{"id":"x","id":"y"}`, "err.json_duplicate_key"},
		{`{"id":"x","\u0069d":"y"}`, "err.json_duplicate_key"},
		{`{"id":"x","tags":[{"a":1,"a":2}]}`, "err.json_duplicate_key"},
		// encoding/json matches keys to fields case-insensitively (the last
		// wins), SQLite's json_extract exactly (the first): one key.
		{`{"id":"x","ID":"y"}`, "err.json_duplicate_key"},
		{`{"name":"a","\u004eAME":"b"}`, "err.json_duplicate_key"},
		{`{"id":"x","n":1,"N":2}`, "err.json_duplicate_key"},
		{`{"id":"x","tags":[{"ab":1,"aB":2}]}`, "err.json_duplicate_key"},
		{`{"id":"x","showroom_id":"y"}`, "err.bad_payload"},
		{"{\"id\":\"\xff\xfe\"}", "err.json_bad_text"},
		{"{\"id\":\"a\x00b\"}", "err.json_bad_text"},
		{`{"id":"a\u0000b"}`, "err.json_bad_text"},
		{`{"id":"a\u0007b"}`, "err.json_bad_text"},
		{"{\"name\":\"王\u202e五\"}", "err.json_bad_text"},
		{`{"name":"王\u2066五"}`, "err.json_bad_text"},
		{`{"name":"\ud800"}`, "err.json_bad_text"},
		{"{\"name\":\"a\u0085b\"}", "err.json_bad_text"},
		{deep, "err.json_too_deep"},
		{`{"id":"x"} {"id":"y"}`, "err.bad_payload"},
		{`{"id":"x",}`, "err.bad_payload"},
		{`{"n":01}`, "err.bad_payload"},
		{`{"n":1e999}`, "err.bad_payload"},
		{``, "err.bad_payload"},
	}
	for _, tt := range tests {
		var r row
		err := DecodeStrict([]byte(tt.in), &r)
		got := ""
		if ke, ok := err.(*Error); ok {
			got = ke.Key
		} else if err != nil {
			got = err.Error()
		}
		if got != tt.key {
			t.Errorf("DecodeStrict(%q) = %v; want %q", tt.in, err, tt.key)
		}
	}
}

func TestRegistryIsComplete(t *testing.T) {
	seen := map[string]bool{}
	for _, e := range Entities() {
		if seen[e.Name] {
			t.Errorf("%s defined twice", e.Name)
		}
		seen[e.Name] = true
		if e.Table == "" || e.Writer == 0 || e.decode == nil || e.id == nil {
			t.Errorf("%s: incomplete definition %+v", e.Name, e)
		}
		if !e.Shared && !e.Root && e.refs == nil && e.Name != EntShowroom {
			t.Errorf("%s: neither shared nor root, and no reference to find its showroom by", e.Name)
		}
		if e.Writer != ByServer && e.check == nil && !e.AppendOnly {
			t.Errorf("%s: accepted without any rule", e.Name)
		}
	}
}

func BenchmarkDecodeStrict(b *testing.B) {
	in := []byte(`{"id":"01a2310a-363b-7f12-a666-47fefd192d37","manager_id":"01a2310a-35e3-7c2f-9862-5d51221d85bb","metric":"sales","year":2026,"month":10,"value":125063}`)
	for i := 0; i < b.N; i++ {
		var a Actual
		if err := DecodeStrict(in, &a); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCheckJSON(b *testing.B) {
	in := []byte(`{"id":"01a2310a-363b-7f12-a666-47fefd192d37","manager_id":"01a2310a-35e3-7c2f-9862-5d51221d85bb","metric":"sales","year":2026,"month":10,"value":125063}`)
	for i := 0; i < b.N; i++ {
		if err := CheckJSON(in); err != nil {
			b.Fatal(err)
		}
	}
}

// TestCheckEnvelopeBoundsOpaqueNesting: a value under the opaque key is
// checked for syntax only, but its nesting is bounded all the same. The
// scan recurses, so a request of nothing but brackets under "payload" (a
// 32 KB gzip inflates to 32 MiB of them) used to exhaust the goroutine's
// stack: a fatal error that killed HQ, from an unauthenticated enrollment
// request. A payload a little too deep still passes here, to be refused
// alone by its own strict check.
func TestCheckEnvelopeBoundsOpaqueNesting(t *testing.T) {
	nest := func(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }
	for _, tt := range []struct {
		in  string
		key string
	}{
		{`{"payload":` + nest(MaxJSONDepth+3) + `}`, ""},                                  // refused alone, later
		{`{"changes":[{"payload":{"note":` + nest(2*MaxJSONDepth) + `}}]}`, ""},           // same, where a push has it
		{`{"payload":` + nest(200_000) + `}`, "err.json_too_deep"},                        // a stack's worth
		{`{"changes":[{"payload":` + strings.Repeat("[", 1_000_000), "err.json_too_deep"}, // unterminated too
		{`{"x":` + nest(MaxJSONDepth+3) + `}`, "err.json_too_deep"},                       // not opaque: the usual limit
	} {
		err := CheckEnvelope([]byte(tt.in), "payload")
		got := ""
		if ke, ok := err.(*Error); ok {
			got = ke.Key
		} else if err != nil {
			got = err.Error()
		}
		if got != tt.key {
			t.Errorf("CheckEnvelope(%.60q…) = %v; want %q", tt.in, err, tt.key)
		}
	}
}
