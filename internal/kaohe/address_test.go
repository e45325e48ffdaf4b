package kaohe

import "testing"

func TestCheckEnrollment(t *testing.T) {
	for _, c := range []struct {
		address, code, key string
	}{
		{"https://hq.example.com", "ABCD-1234", ""},
		{" http://127.0.0.1:8443 ", "x", ""},
		{"", "ABCD-1234", "err.hq_address"},
		{"hq.example.com", "ABCD-1234", "err.hq_address"},
		{"ftp://hq.example.com", "ABCD-1234", "err.hq_address"},
		{"https://", "ABCD-1234", "err.hq_address"},
		{"https://hq.example.com", "  ", "err.enroll_code_missing"},
	} {
		if got := ErrorKey(CheckEnrollment(c.address, c.code)); got != c.key {
			t.Errorf("CheckEnrollment(%q, %q) = %q; want %q", c.address, c.code, got, c.key)
		}
	}
}
