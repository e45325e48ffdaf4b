package ui

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"kaohe/internal/kaohe"
	"kaohe/internal/service"
	"kaohe/internal/store"
	"kaohe/internal/store/hq"
	"kaohe/internal/testhq"
)

// hqFor starts an HQ server with showroom SH01 and returns it with SH01's
// enrollment code.
func hqFor(t *testing.T) (*hq.Store, *httptest.Server, string) {
	t.Helper()
	th := testhq.New(t, testhq.Options{})
	h := th.Store
	srv := th.Server
	_, code, err := h.AddShowroom(context.Background(), "SH01", "上海徐汇旗舰展厅", "华东片区")
	if err != nil {
		t.Fatal(err)
	}
	return h, srv, code
}

// enrollFromSettings types HQ's address and the code in Settings and taps
// 注册, as a person does; the background sync starts.
func enrollFromSettings(t *testing.T, w *Window, svc *service.Service, url, code string) {
	t.Helper()
	t.Cleanup(svc.StopSync) // before the store closes
	open(w, "nav.settings")
	w.Settings.HQ.SetText(url)
	w.Settings.Code.SetText(code)
	test.Tap(w.Settings.EnrollButton)
	w.Wait()
	if !strings.Contains(w.Settings.Message.Text, "已注册为展厅 SH01") {
		t.Fatalf("enroll: %q", w.Settings.Message.Text)
	}
}

// waitHQ waits until HQ holds n managers of SH01 and the showroom has
// nothing left to send: the background sync did it (nobody taps 立即同步).
func waitHQ(t *testing.T, w *Window, svc *service.Service, h *hq.Store, n int) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		w.Wait()
		stats, _ := h.Stats(context.Background())
		pending, _ := svc.Store.PendingCount(context.Background())
		if stats["SH01"]["managers"] == n && pending == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("HQ has %d managers, %d changes wait to be sent; want %d sent by the background sync", stats["SH01"]["managers"], pending, n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// buttonIn finds the button with text in o.
func buttonIn(t *testing.T, o fyne.CanvasObject, text string) *widget.Button {
	t.Helper()
	for _, x := range test.LaidOutObjects(o) {
		if b, ok := x.(*widget.Button); ok && b.Text == text {
			return b
		}
	}
	t.Fatalf("no button %q", text)
	return nil
}

func addManager(t *testing.T, w *Window, svc *service.Service, no string) kaohe.Manager {
	t.Helper()
	m, err := svc.CreateManager(context.Background(), w.e.actor, kaohe.Manager{EmployeeNo: no, Name: "新增" + no, Education: kaohe.EduCollege, Status: kaohe.StatusActive}, kaohe.Level1)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestCopiedDatabaseSaysWhatToDo: a copy of an enrolled showroom's database
// (a cloned PC) works on and syncs from its own window under the original's
// credential: HQ refuses it, and the copy's Sync screen says, in Chinese,
// what happened and what to do (a new code, enroll the copy as a new
// install); HQ holds nothing of the copy, and the original syncs on.
func TestCopiedDatabaseSaysWhatToDo(t *testing.T) {
	ctx := context.Background()
	w, svc, _ := demoWindow(t)
	h, srv, code := hqFor(t)
	enrollFromSettings(t, w, svc, srv.URL, code)
	hqSetsShowroomManager(t, w, svc, h)
	waitHQ(t, w, svc, h, 20)

	clone, err := svc.Store.Backup(ctx, t.TempDir(), 0) // the PC is cloned
	if err != nil {
		t.Fatal(err)
	}
	cs, err := store.Open(ctx, clone.Path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cs.Close() })
	copySvc := service.New(cs, filepath.Join(t.TempDir(), "backups"))
	copyActor := signInAs(t, copySvc, "D001", "manager-demo")
	copyWin := NewWindow(Params{App: w.p.App, Service: copySvc, DocDir: t.TempDir(), DataDir: t.TempDir()})
	t.Cleanup(copyWin.Close)
	copyWin.Wait()

	// Both go on working; the original's work reaches HQ first.
	addManager(t, w, svc, "D091")
	waitHQ(t, w, svc, h, 21)
	if _, err := copySvc.CreateManager(ctx, copyActor, kaohe.Manager{EmployeeNo: "D092", Name: "副本新增", Education: kaohe.EduCollege, Status: kaohe.StatusActive}, kaohe.Level1); err != nil {
		t.Fatal(err)
	}
	open(copyWin, "nav.sync")
	test.Tap(copyWin.Sync.Now)
	copyWin.Sync.Wait()
	copyWin.Wait()

	says := []string{"同一个注册凭据", "原数据库的数据不受影响", "新的注册码", "重新注册为新安装"}
	for _, want := range says {
		if !strings.Contains(copyWin.Sync.Status.Text, want) {
			t.Errorf("the copy's Sync screen does not say %q:\n%s", want, copyWin.Sync.Status.Text)
		}
	}
	top := copyWin.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no message shown after the refused sync")
	}
	shown := strings.Join(texts(top), "\n")
	for _, o := range test.LaidOutObjects(top) {
		if r, ok := o.(*widget.RichText); ok {
			shown += "\n" + r.String()
		}
	}
	if !strings.Contains(shown, "重新注册为新安装") {
		t.Errorf("the message shown says %q; want what to do", shown)
	}
	if stats, _ := h.Stats(ctx); stats["SH01"]["managers"] != 21 {
		t.Errorf("HQ has %d managers; want the original's 21, nothing of the copy", stats["SH01"]["managers"])
	}
	// The original is untouched and syncs on.
	addManager(t, w, svc, "D093")
	waitHQ(t, w, svc, h, 22)
	if st := svc.SyncStatus(ctx); st.LastError != nil {
		t.Errorf("the original's sync after the copy was refused: %v", st.LastError)
	}
}

// TestRestoreFromTheWindowSyncsTheRestoredData: a restore from Settings
// (select the backup, tap 从所选备份恢复, confirm) while the background sync
// runs: the sync goes on with the restored data, without a restart. The row
// written after the backup comes back from HQ, and a manager added after the
// restore reaches HQ with nobody tapping 立即同步.
func TestRestoreFromTheWindowSyncsTheRestoredData(t *testing.T) {
	ctx := context.Background()
	w, svc, _ := demoWindow(t)
	h, srv, code := hqFor(t)
	enrollFromSettings(t, w, svc, srv.URL, code)
	hqSetsShowroomManager(t, w, svc, h)
	waitHQ(t, w, svc, h, 20)

	s := w.Settings
	n := len(s.list)
	test.Tap(buttonIn(t, s.View(), T("settings.backup_now")))
	w.Wait()
	if len(s.list) != n+1 {
		t.Fatalf("backups %d -> %d", n, len(s.list))
	}
	backup := s.list[0]
	after := addManager(t, w, svc, "D095") // written after the backup
	waitHQ(t, w, svc, h, 21)

	s.Backups.Select(0)
	test.Tap(buttonIn(t, s.View(), T("settings.restore")))
	answer(t, w, true)
	w.Wait()
	if bs, _ := svc.Backups(); len(bs) != n+2 || bs[1].Path != backup.Path {
		t.Errorf("after the restore the backups are %+v; want the one restored and the replaced data saved first", bs)
	}

	added := addManager(t, w, svc, "D096")
	waitHQ(t, w, svc, h, 22)
	deadline := time.Now().Add(30 * time.Second)
	for {
		w.Wait()
		_, err1 := svc.Store.Manager(ctx, after.ID)
		_, err2 := svc.Store.Manager(ctx, added.ID)
		if err1 == nil && err2 == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after the restore: D095 (written after the backup) %v; D096 (after the restore) %v", err1, err2)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if ms, _ := svc.Store.ListManagers(ctx, kaohe.ManagerFilter{}); len(ms) != 22 {
		t.Errorf("%d managers at the showroom after restore and sync; want HQ's 22", len(ms))
	}
}
