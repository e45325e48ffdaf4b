package service

import (
	"os"
	"path/filepath"
	"testing"

	"kaohe/internal/store"
)

// TestFirstEnrollmentBacksUpFirst: a showroom's first enrollment drops the
// demo's stand-ins of HQ's acts (a certificate among them); a backup made
// just before holds them, so nothing the database held is beyond reach.
func TestFirstEnrollmentBacksUpFirst(t *testing.T) {
	svc := open(t, true)
	certs, err := svc.Store.Certificates(ctx, "")
	if err != nil || len(certs) == 0 {
		t.Fatalf("the demo's certificates: %d %v", len(certs), err)
	}
	enrolled(t, svc)
	if now, _ := svc.Store.Certificates(ctx, ""); len(now) != 0 {
		t.Fatalf("%d stand-in certificates kept at enrollment", len(now))
	}
	list, err := store.ListBackups(svc.BackupDir)
	if err != nil || len(list) != 1 {
		t.Fatalf("backups after the first enrollment: %d %v; want the one made before it", len(list), err)
	}
	// The backup, opened as a copy, still has what the enrollment dropped.
	cp := filepath.Join(t.TempDir(), "copy.db")
	data, err := os.ReadFile(list[0].Path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cp, data, 0o600); err != nil {
		t.Fatal(err)
	}
	b, err := store.Open(ctx, cp)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if in, _ := b.Certificates(ctx, ""); len(in) != len(certs) {
		t.Errorf("the backup holds %d certificates; want the %d dropped", len(in), len(certs))
	}
}
