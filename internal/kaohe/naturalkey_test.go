package kaohe

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// TestNaturalKeyIsItsFields: a kind's natural key is made of exactly the
// fields its registry entry names (which the desktop's unique indexes and
// HQ's migration read): changing one of them changes the key, changing any
// other field does not; an employee number is one whatever its case and
// spacing; a key with an empty part is none.
func TestNaturalKeyIsItsFields(t *testing.T) {
	keyed := map[string]bool{}
	for _, e := range Entities() {
		if e.KeyFields() == nil {
			if e.NaturalKey(nil, "s") != "" {
				t.Errorf("%s has no key fields but a key", e.Name)
			}
			continue
		}
		keyed[e.Name] = true
		zero, err := e.Decode([]byte(`{}`))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(zero.Value)
		fields := map[string]any{}
		json.Unmarshal(b, &fields)
		decodes := func() bool {
			b, _ := json.Marshal(fields)
			_, err := e.Decode(b)
			return err == nil
		}
		n := 0
		for f, v := range fields { // every field a value of its own, where its type takes one
			n++
			switch v.(type) {
			case string:
				fields[f] = fmt.Sprintf("v%d", n)
			case float64:
				fields[f] = float64(n)
			}
			if !decodes() {
				fields[f] = v
			}
		}
		for _, f := range e.KeyFields() {
			if _, ok := fields[f]; !ok {
				t.Fatalf("%s: key field %q is not a field of its payload", e.Name, f)
			}
		}
		key := func() string {
			b, _ := json.Marshal(fields)
			r, err := e.Decode(b)
			if err != nil {
				t.Fatalf("%s: %v", e.Name, err)
			}
			return e.NaturalKey(r.Value, "sr1")
		}
		base := key()
		if base == "" || !strings.HasPrefix(base, e.Name+"\x00") || (e.KeyPerShowroom() != strings.HasPrefix(base, e.Name+"\x00sr1\x00")) {
			t.Errorf("%s: key %q", e.Name, base)
		}
		for f, v := range fields {
			was := v
			switch v := v.(type) {
			case string:
				fields[f] = v + "x"
			case float64:
				fields[f] = v + 100
			default:
				continue
			}
			if !decodes() { // a date, an enumeration…
				fields[f] = was
				continue
			}
			changed := key() != base
			if in := slices.Contains(e.KeyFields(), f); changed != in {
				t.Errorf("%s: changing %s changes the key: %v; it is a key field: %v", e.Name, f, changed, in)
			}
			if s, ok := was.(string); ok && slices.Contains(e.KeyFields(), f) {
				fields[f] = ""
				if k := key(); k != "" {
					t.Errorf("%s: %s empty, key %q; want none", e.Name, f, k)
				}
				fields[f] = " " + strings.ToUpper(s) + " "
				if f == "employee_no" && key() != base {
					t.Errorf("%s: %q is another number than %q", e.Name, fields[f], s)
				}
			}
			fields[f] = was
		}
		if err := e.Duplicate(zero.Value); ErrorCode(err) != ECONFLICT || err.(*Error).Key == "err.duplicate" {
			t.Errorf("%s: a second row is refused with %v; want its own conflict", e.Name, err)
		}
	}
	for _, name := range []string{EntManager, EntAccount, EntHQAccount, EntActual, EntTarget, EntAttendance, EntAssessment} {
		if !keyed[name] {
			t.Errorf("%s has no natural key", name)
		}
	}
}
