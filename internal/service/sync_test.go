package service

import (
	"context"
	"sync"
	"testing"
	"time"

	"kaohe/internal/kaohe"
	"kaohe/internal/store/hq"
	"kaohe/internal/testhq"
)

// TestRestoreWhileSyncingRestartsTheEngine: with the background sync
// running and the Sync button pressed again and again meanwhile, a restore
// stops the engine, replaces the data in place, and the engine starts again
// on the restored data: what was written after the backup is recovered from
// HQ, and a write after the restore reaches HQ. Under -race it also checks
// that SyncNow, the loop and the restore share nothing unguarded.
func TestRestoreWhileSyncingRestartsTheEngine(t *testing.T) {
	svc := open(t, true)
	me := signIn(t, svc, "D001")
	h := enrolled(t, svc)
	hqSetsShowroomManager(t, svc, h)
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	svc.StartSync(runCtx)
	defer svc.StopSync()

	add := func(no string) kaohe.Manager {
		m, err := svc.CreateManager(ctx, me, kaohe.Manager{EmployeeNo: no, Name: "员工" + no, Education: kaohe.EduCollege, Status: kaohe.StatusActive}, kaohe.Level1)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	waitSynced(t, svc, h, 20)
	backup, err := svc.BackupNow(ctx)
	if err != nil {
		t.Fatal(err)
	}
	after := add("S002")
	waitSynced(t, svc, h, 21)

	var wg sync.WaitGroup
	for i := 0; i < 4; i++ { // the Sync button, pressed again and again meanwhile
		wg.Add(1)
		go func() {
			defer wg.Done()
			svc.SyncNow(ctx)
			svc.SyncStatus(ctx)
		}()
	}
	if err := svc.Restore(ctx, backup.Path); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	add("S003")
	waitSynced(t, svc, h, 22)
	deadline := time.Now().Add(30 * time.Second)
	for {
		if _, err := svc.Store.Manager(ctx, after.ID); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("S002, written after the backup, never came back from HQ")
		}
		svc.KickSync()
		time.Sleep(20 * time.Millisecond)
	}
	if ms, _ := svc.Store.ListManagers(ctx, kaohe.ManagerFilter{}); len(ms) != 22 {
		t.Errorf("%d managers after restore and sync; want 22", len(ms))
	}
}

// waitSynced waits until HQ holds n managers of SH01 (the background sync
// sent them) and nothing is pending.
func waitSynced(t *testing.T, svc *Service, h *hq.Store, n int) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		stats, _ := h.Stats(context.Background())
		pending, _ := svc.Store.PendingCount(context.Background())
		if stats["SH01"]["managers"] == n && pending == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("HQ has %d managers, %d pending; want %d sent by the background sync", stats["SH01"]["managers"], pending, n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// hqSetsShowroomManager syncs the demo showroom once (its manager D001
// reaches HQ at her hire's level 1), has HQ set her level 3 (定级), as it
// does after a showroom enrolls, and syncs again: nothing waits, and from
// then on HQ knows who assesses the showroom.
func hqSetsShowroomManager(t *testing.T, svc *Service, h *hq.Store) {
	t.Helper()
	if err := svc.SyncNow(ctx); err != nil {
		t.Fatal(err)
	}
	boss, err := svc.Store.ManagerByNo(ctx, "D001")
	if err != nil {
		t.Fatal(err)
	}
	testhq.SetShowroomManager(t, h, boss.Manager)
	if err := svc.SyncNow(ctx); err != nil {
		t.Fatal(err)
	}
	if n, _ := svc.Store.PendingCount(ctx); n != 0 {
		t.Fatalf("%d changes still wait after HQ set the showroom manager's level", n)
	}
}
