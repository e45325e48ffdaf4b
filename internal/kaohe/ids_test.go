package kaohe

import (
	"strings"
	"testing"
)

// TestCheckID: ids are bounded and visible ASCII.
func TestCheckID(t *testing.T) {
	for _, ok := range []string{"0193a1b2-7c3d-7e4f-8a9b-0c1d2e3f4a5b", "2026-H1", "tpl-default@1", "hq", "5", strings.Repeat("a", MaxIDLen)} {
		if err := CheckID(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, bad := range []string{"", strings.Repeat("a", MaxIDLen+1), strings.Repeat("a", 1<<20), "a b", "a\x00b", "a\tb", "a\x7fb", "变更", "a\u202eb", "\xff"} {
		err := CheckID(bad)
		if ke, ok := err.(*Error); !ok || ke.Key != "err.bad_id" || ke.Code != EINVALID {
			t.Errorf("%.40q: %v; want err.bad_id", bad, err)
		}
	}
}
