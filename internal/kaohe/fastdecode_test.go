package kaohe

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// decodeBothWays decodes payload as entity e with the quick way and with
// encoding/json alone, and fails when they differ in the value or the
// refusal.
func decodeBothWays(t *testing.T, e *Entity, payload []byte) {
	t.Helper()
	fast, ferr := e.Decode(payload)
	fastDecodeOff.Store(true)
	slow, serr := e.Decode(payload)
	fastDecodeOff.Store(false)
	if fmt.Sprint(ferr) != fmt.Sprint(serr) {
		t.Fatalf("%s %s: quick way says %v, encoding/json %v", e.Name, payload, ferr, serr)
	}
	if serr == nil && !reflect.DeepEqual(fast.Value, slow.Value) {
		t.Fatalf("%s %s: quick way gives %+v, encoding/json %+v", e.Name, payload, fast.Value, slow.Value)
	}
}

// randomPayload is an object of e's fields and others, spelt right and
// not, with values of every JSON kind, some an entity's field cannot
// hold.
func randomPayload(r *rand.Rand, e *Entity) []byte {
	v, _ := e.decode([]byte("{}"))
	st := reflect.TypeOf(v).Elem()
	var names []string
	for i := range st.NumField() {
		name, _, _ := strings.Cut(st.Field(i).Tag.Get("json"), ",")
		if name == "" {
			name = st.Field(i).Name
		}
		names = append(names, name)
	}
	values := []string{`"a"`, `""`, `"董喆（D001）"`, `"a\u0041"`, `"\n"`, `"x\"y"`, `0`, `-0`, `12`, `-7`, `1.5`, `1e3`, `-1E-2`,
		`9223372036854775807`, `9223372036854775808`, `-9223372036854775808`, `2147483648`, `1e400`, `true`, `false`, `null`,
		`{}`, `[]`, `[1,2]`, `{"a":1}`, `"12"`, `"true"`, `"passed"`, `"2026-01-02"`,
		// What CheckJSON refuses, which the quick way must refuse too.
		"\"a\x01b\"", "\"\x7f\"", "\"\xff\"", "\"\xe5\x8a\"", "\"a\u202eb\"", "\"\u0085\"", "\"\u2066\"", "\"\u200f\"",
		"\"\u061c\"", "\"\xed\xa0\x80\"", "\"\t\"", `01`, `-01`, `00`, `1.`, `-`, `.5`, `+1`, `1e`, `1e+`, `-inf`, `nan`,
		`0x10`, `1.5.5`, `1ee3`, `tru`, `nul`, `truee`, `nulll`, `1-2`,
		// Objects of a day (Date) and of scores, right and wrong.
		`{"Year":2026,"Month":12,"Day":2}`, `{ "Day" : 2 , "Year" : 2026 }`, `{"Year":1,"Year":2}`, `{"year":2026}`, `{"Year":"2026"}`,
		`{"Year":1.5}`, `{"Year":null,"Month":13}`, `{"Year":01}`, `{"Year":{"a":1}}`, `{"Year":1}`,
		`{"plan":100,"expansion":99.17}`, `{"a":1,"A":2}`, `{"a":1,"a":1}`, `{"a":null}`, `{"a":"x"}`, `{"a":true}`, `{"a":1e400}`,
		`{"a":-0.5e-3}`, `{"a":1}`, "{\"a\u202e\":1}", "{\"\xff\":1}", "{\"董\":2,\"喆\":3}", `{"a":{"b":1}}`, `{"a":[1]}`, `{"":0}`,
		`{"a":1,}`, `{"a" 1}`, `{"a":1 "b":2}`, `{"Year":2026,"Month":12,"Day":2`}
	blank := func() string { return []string{"", "", " ", "\n\t"}[r.IntN(4)] }
	var b strings.Builder
	b.WriteString(blank() + "{")
	n := r.IntN(len(names) + 2)
	used := map[string]bool{}
	for i := range n {
		key := names[r.IntN(len(names))]
		switch r.IntN(12) {
		case 0:
			key = strings.ToUpper(key)
		case 1:
			key = "zz_unknown"
		case 2:
			key = strings.Replace(key, "i", `\u0069`, 1)
		}
		if used[strings.ToLower(key)] {
			continue
		}
		used[strings.ToLower(key)] = true
		if i > 0 && b.Len() > 1 {
			b.WriteString(",")
		}
		b.WriteString(blank() + `"` + key + `"` + blank() + ":" + blank() + values[r.IntN(len(values))] + blank())
	}
	b.WriteString("}" + blank())
	return []byte(b.String())
}

// TestFastDecodeIsEncodingJSON: for every kind in the registry, payloads
// right and wrong (also such as CheckJSON refuses, which the quick way
// checks itself) decode to the same value, or the same refusal, with the
// quick way as with CheckJSON and encoding/json alone.
func TestFastDecodeIsEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	quick, refused := 0, 0
	for _, e := range Entities() {
		for range 3000 {
			p := randomPayload(r, e)
			if CheckJSON(p) != nil {
				refused++
			}
			decodeBothWays(t, e, p)
			v, _ := e.decode([]byte("{}"))
			if fastDecode(p, v) {
				quick++
			}
		}
	}
	for _, p := range []string{
		`{"id":"a","manager_id":"m","metric":"sales","year":2025,"month":1,"value":169890}`,
		`{"id":"a","training_id":"t","manager_id":"m","result":"passed","score":87.5}`,
		`{"id":"a","training_id":"t","manager_id":"m","result":"absent","score":null}`,
		`{"id":"a","value":1,"value":2}`, `{"id":"a","ID":"b"}`, `{}`, ` { } `, `null`, `[]`, `"x"`,
		`{"id":"a","id":"a"}`, `{"id":"a","manager_id":"m","metric":"sales","year":2025,"month":1,"value":169890,"value":169890}`,
		`{"id":"a","year":02025}`, `{"id":"a","value":-0}`, `{"id":"a","score":1.}`, `{"id":"a","score":-inf}`,
		"{\"id\":\"a\u202e\"}", "{\"id\":\"a\x00\"}", "{\"id\":\"\xc3\"}", `{"id":"a"} x`, `{"id":"a",}`, `{"id" "a"}`,
	} {
		for _, e := range Entities() {
			decodeBothWays(t, e, []byte(p))
		}
	}
	// An assessment as the app writes it (its scores and day in objects)
	// takes the quick way.
	e, _ := EntityOf(EntAssessment)
	v, _ := e.decode([]byte("{}"))
	if p := []byte(assessmentPayload); !fastDecode(p, v) {
		t.Errorf("an assessment does not take the quick way: %s", p)
	} else {
		decodeBothWays(t, e, p)
	}
	if quick < 1000 || refused < 1000 {
		t.Errorf("only %d payloads took the quick way, %d were refused by CheckJSON: the test no longer tries them", quick, refused)
	}
}

// FuzzFastDecode: any payload decodes the same both ways, or is refused
// alike, for every kind.
func FuzzFastDecode(f *testing.F) {
	f.Add([]byte(`{"id":"a","manager_id":"m","metric":"sales","year":2025,"month":1,"value":169890}`))
	f.Add([]byte(`{"id":"a","training_id":"t","manager_id":"m","result":"passed","score":87.5}`))
	f.Add([]byte(`{"id":"a","year":1.5,"Month":2,"score":null}`))
	f.Add([]byte("{\"id\":\"a\u202e\",\"year\":01}"))
	f.Add([]byte(assessmentPayload))
	f.Fuzz(func(t *testing.T, p []byte) {
		for _, e := range Entities() {
			decodeBothWays(t, e, p)
		}
	})
}

// assessmentPayload is an assessment of the demo's, as the app writes it.
const assessmentPayload = `{"id":"01a2340d-0c6e-71ad-84c9-924f3b0753f2","showroom_id":"01a2340d-0c01-7489-9a76-276abb03f726",` +
	`"manager_id":"01a2340d-0c3a-7e14-a19c-7cdfb7715c24","period_id":"2025-H1","template_id":"tpl-default","template_version":1,` +
	`"scores":{"cooperation":100,"expansion":100,"feedback":100,"plan":100,"satisfaction":99.17},"total":99.83,"grade":"excellent",` +
	`"coefficient":1.2,"comment":"市场调查资料完整，需加强谈判技巧。","assessor":"董喆（D001）","status":"submitted",` +
	`"submitted_on":{"Year":2026,"Month":12,"Day":2}}`

// BenchmarkDecodeAssessment: an assessment decoded strictly, with the quick
// way and with encoding/json.
func BenchmarkDecodeAssessment(b *testing.B) {
	benchDecode(b, EntAssessment, []byte(assessmentPayload))
}

// BenchmarkDecodeActual: one month's actual, the commonest payload of a
// sync, decoded strictly (with the quick way, and with encoding/json).
func BenchmarkDecodeActual(b *testing.B) {
	benchDecode(b, EntActual, []byte(`{"id":"01a22ee6-b007-7b88-b87c-24b03e388832","manager_id":"01a22ee6-b002-791c-a306-aaa17280e55d","metric":"sales","year":2025,"month":1,"value":169890}`))
}

// benchDecode decodes payload p of entity strictly, with the quick way
// and with encoding/json.
func benchDecode(b *testing.B, entity string, p []byte) {
	e, _ := EntityOf(entity)
	for _, off := range []bool{false, true} {
		b.Run(map[bool]string{false: "quick", true: "encoding-json"}[off], func(b *testing.B) {
			fastDecodeOff.Store(off)
			defer fastDecodeOff.Store(false)
			for b.Loop() {
				if _, err := e.Decode(p); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
