package hq

import (
	"context"
	"path/filepath"
	"testing"
)

// enrolledShowroom is a new HQ file with one showroom, SH01, enrolled and
// its credential used once (the first use writes): the store, the
// showroom's credential and its token. The store closes with the test.
func enrolledShowroom(t *testing.T) (*Store, Credential, string) {
	t.Helper()
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "hq.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	cred, token := enrollSH01(t, s)
	return s, cred, token
}

// enrollSH01 adds showroom SH01 to s, enrolls it and uses its credential
// once: the credential and its token.
func enrollSH01(t *testing.T, s *Store) (Credential, string) {
	t.Helper()
	ctx := context.Background()
	_, code, err := s.AddShowroom(ctx, "SH01", "上海展厅", "")
	if err != nil {
		t.Fatal(err)
	}
	resp, err := s.Enroll(ctx, code, "", "r1")
	if err != nil {
		t.Fatal(err)
	}
	cred, err := s.Authenticate(ctx, resp.Token)
	if err != nil {
		t.Fatal(err)
	}
	return cred, resp.Token
}
