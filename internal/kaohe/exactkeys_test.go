package kaohe

import "testing"

// TestKeySpellingIsExact: DecodeStrict refuses a key encoding/json would
// fold into a field (another case, ſ for s, K for k), at the top and
// nested (a manager's hire date, structs in a slice, values of a map,
// fields promoted from an embedded struct), with the field's own name;
// exactly spelt keys, map keys of any case and a value that decodes
// itself pass.
func TestKeySpellingIsExact(t *testing.T) {
	type inner struct {
		Kind string `json:"kind"`
	}
	type Base struct {
		Note string `json:"note"`
	}
	type outer struct {
		Base
		ID    string           `json:"id"`
		Items []inner          `json:"items"`
		ByKey map[string]inner `json:"by_key"`
		Plain int
		Day   Date `json:"day"`
	}
	for _, tt := range []struct {
		json, want string // want: the wrong key, "" for accepted
	}{
		{`{"id":"a","items":[{"kind":"x"}],"by_key":{"ANY":{"kind":"y"}},"Plain":1,"note":"n","day":{"Year":2026,"Month":1,"Day":2}}`, ""},
		{`{"ID":"a"}`, "ID"},
		{`{"\u0049D":"a"}`, "ID"},
		{`{"\u0069d":"a","by_key":{"\u004b":{"kind":"\"}"}}}`, ""},
		{`{"items":[{"kind":"a,b]"},{}],"id":"x","Note":"y"}`, "Note"},
		{`{"id":"a","items":[{"kind":"x"},{"Kind":"y"}]}`, "Kind"},
		{`{"by_key":{"k":{"KIND":"y"}}}`, "KIND"},
		{`{"plain":1}`, "plain"},
		{`{"NOTE":"n"}`, "NOTE"},
		{`{"day":{"year":2026}}`, "year"},
		{`{"by_Key":{}}`, "by_Key"},
		{`{"items":[{"\u212aind":"x"}]}`, "\u212aind"},
	} {
		var v outer
		err := DecodeStrict([]byte(tt.json), &v)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: %v", tt.json, err)
		case tt.want != "" && (ErrorKey(err) != "err.json_key_spelling" || err.(*Error).Args["Key"] != tt.want):
			t.Errorf("%s: %v; want err.json_key_spelling of %q", tt.json, err, tt.want)
		}
	}
	var m Manager
	if err := DecodeStrict([]byte(`{"id":"m1","hire_date":{"YEAR":2020,"Month":1,"Day":1}}`), &m); ErrorKey(err) != "err.json_key_spelling" {
		t.Errorf("a manager's hire date spelt YEAR: %v", err)
	}
}
