package hq

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"kaohe/internal/kaohe"
)

func TestSigningKeysLiveInTheirOwnFile(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, keys := filepath.Join(dir, "hq.db"), filepath.Join(dir, "hq.db.signing-keys")
	s, err := Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	// A key made before the file existed moves into it.
	old, err := s.NewKey(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.UseKeyFile(ctx, keys, ""); err != nil {
		t.Fatal(err)
	}
	id, _, priv, err := s.SigningKey(ctx)
	if err != nil || id != old || len(priv) == 0 {
		t.Fatalf("signing key after the move: %s, %v", id, err)
	}
	newer, err := s.NewKey(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var inDB int
	s.db.QueryRowContext(ctx, `SELECT count(*) FROM keys WHERE private <> ''`).Scan(&inDB)
	if inDB != 0 {
		t.Errorf("%d private keys still in the database", inDB)
	}
	b, _ := os.ReadFile(keys)
	if !strings.Contains(string(b), old) || !strings.Contains(string(b), newer) {
		t.Errorf("key file lacks a key: %s", b)
	}
	if runtime.GOOS != "windows" {
		for _, p := range []string{keys, db} {
			if st, _ := os.Stat(p); st.Mode().Perm() != 0o600 {
				t.Errorf("%s mode %v; want 0600", filepath.Base(p), st.Mode().Perm())
			}
		}
	}
	s.Close()

	// The database alone signs nothing.
	s, _ = Open(ctx, db)
	if _, _, _, err := s.SigningKey(ctx); kaohe.ErrorCode(err) != kaohe.ECONFLICT {
		t.Errorf("signed without the key file: %v", err)
	}
	s.Close()

	// Sealed with a passphrase: the file holds no key in the clear, a wrong
	// or missing passphrase is refused, the right one signs.
	sealed := filepath.Join(dir, "sealed.keys")
	s, _ = Open(ctx, filepath.Join(dir, "hq2.db"))
	if err := s.UseKeyFile(ctx, sealed, "口令 passphrase"); err != nil {
		t.Fatal(err)
	}
	id2, _, _, err := s.SigningKey(ctx)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	b, _ = os.ReadFile(sealed)
	if strings.Contains(string(b), id2) || !strings.Contains(string(b), `"box"`) {
		t.Errorf("sealed file shows its keys: %s", b)
	}
	for _, pw := range []string{"", "wrong"} {
		s, _ = Open(ctx, filepath.Join(dir, "hq2.db"))
		if err := s.UseKeyFile(ctx, sealed, pw); kaohe.ErrorCode(err) != kaohe.EUNAUTHORIZED {
			t.Errorf("passphrase %q: %v", pw, err)
		}
		s.Close()
	}
	s, _ = Open(ctx, filepath.Join(dir, "hq2.db"))
	defer s.Close()
	if err := s.UseKeyFile(ctx, sealed, "口令 passphrase"); err != nil {
		t.Fatal(err)
	}
	if got, _, priv, err := s.SigningKey(ctx); err != nil || got != id2 || len(priv) == 0 {
		t.Errorf("with the right passphrase: %s, %v", got, err)
	}
}
