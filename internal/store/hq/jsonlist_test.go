package hq

import (
	"context"
	"encoding/json"
	"testing"
)

// TestJSONListsReadAsMarshalled: the lists handed to json_each decode to
// the strings they were made of, whatever the strings hold.
func TestJSONListsReadAsMarshalled(t *testing.T) {
	odd := []string{"", "plain", `quo"te`, `back\slash`, "nul\x00key\x00", "tab\tnew\nline\r", "\x1f\x7f", "王小明（D001）", "<&>", "\u2028"}
	var back []string
	if err := json.Unmarshal([]byte(jsonStrings(odd)), &back); err != nil || len(back) != len(odd) {
		t.Fatalf("strings: %v %q", err, back)
	}
	for i := range odd {
		if back[i] != odd[i] {
			t.Errorf("string %q read back as %q", odd[i], back[i])
		}
	}
	var pairs [][2]string
	if err := json.Unmarshal([]byte(jsonPairs([][2]string{{"manager", odd[3]}, {odd[4], "x"}})), &pairs); err != nil ||
		pairs[0] != [2]string{"manager", odd[3]} || pairs[1] != [2]string{odd[4], "x"} {
		t.Errorf("pairs: %v %q", err, pairs)
	}
	// And SQLite reads them alike.
	s, err := Open(context.Background(), t.TempDir()+"/hq.db")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rows, err := s.db.Query(`SELECT value FROM json_each(?)`, jsonStrings(odd))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	i := 0
	for ; rows.Next(); i++ {
		var v string
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		if v != odd[i] {
			t.Errorf("SQLite read %q as %q", odd[i], v)
		}
	}
	if i != len(odd) {
		t.Errorf("SQLite read %d of %d", i, len(odd))
	}
}
