package server

import (
	"bytes"
	"strings"
	"testing"

	"kaohe/sync/protocol"
)

// TestDishonestKeySpelling: a payload naming a field once, but spelt in
// another case or with a letter Unicode folds to ASCII ("EMPLOYEE_NO",
// "employee_nO", "ſtatus" for "status", the Kelvin sign for "k"). Go's
// decoder puts it into the field, so HQ's rules judge that value, while
// SQLite's json_extract (HQ's account list, the app's key lookups on a
// restore) reads the exact spelling from the stored payload and finds
// nothing: two readers, two values. Each is refused alone with
// err.json_key_spelling, nested keys (an assessment's scores) too; the
// honest change beside them is stored, nothing else.
func TestDishonestKeySpelling(t *testing.T) {
	w := newWorld(t)
	honest := managerChange("mh", w.idA, "A070")
	var changes []protocol.Change
	for i, tt := range []struct{ from, to string }{
		{`"employee_no"`, `"EMPLOYEE_NO"`},
		{`"employee_no"`, `"employee_nO"`},
		{`"status"`, `"ſtatus"`},
		{`"showroom_id"`, `"Showroom_Id"`},
		{`"id"`, `"Id"`},
	} {
		c := managerChange("mv"+string(rune('a'+i)), w.idA, "A07"+string(rune('1'+i)))
		c.Payload = []byte(strings.Replace(string(c.Payload), tt.from, tt.to, 1))
		if bytes.Equal(c.Payload, managerChange(c.RowID, w.idA, "A07"+string(rune('1'+i))).Payload) {
			t.Fatalf("%s not in the payload", tt.from)
		}
		changes = append(changes, c)
	}
	before := w.rows()
	_, _, raw := w.post(protocol.PathPush, w.tokenA, push(append([]protocol.Change{honest}, changes...)...), true, v1)
	r := w.results(raw)
	if len(r) != len(changes)+1 || r[0].Status != protocol.Applied {
		t.Fatalf("push: %s", raw)
	}
	for i, res := range r[1:] {
		if res.Status != protocol.Refused || !strings.Contains(res.Message, "err.json_key_spelling") {
			t.Errorf("%s: %s %q; want refused with err.json_key_spelling", changes[i].Payload, res.Status, res.Message)
		}
	}
	if n := w.rows(); n != before+1 {
		t.Errorf("rows %d -> %d; want only the honest one more", before, n)
	}
	var unreadable int
	w.query(`SELECT count(*) FROM rows WHERE entity = 'manager' AND json_extract(payload, '$.employee_no') IS NULL`, &unreadable)
	if unreadable != 0 {
		t.Errorf("%d managers stored whose employee number SQLite cannot read", unreadable)
	}
}
