package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"kaohe/internal/kaohe"
	"kaohe/internal/store"
	"kaohe/internal/testhq"
)

func TestEnrollAndSyncFromTheWindow(t *testing.T) {
	w, svc, _ := demoWindow(t)
	th := testhq.New(t, testhq.Options{})
	h := th.Store
	srv := th.Server
	t.Cleanup(svc.StopSync) // the background sync enrolling starts ends before the store closes
	_, code, err := h.AddShowroom(context.Background(), "SH01", "上海徐汇旗舰展厅", "华东片区")
	if err != nil {
		t.Fatal(err)
	}
	open(w, "nav.sync")
	if !strings.Contains(w.Sync.Status.Text, "尚未向总部注册") || !w.Sync.Now.Disabled() {
		t.Errorf("before enrolling: %q", w.Sync.Status.Text)
	}
	open(w, "nav.settings")
	s := w.Settings
	s.HQ.SetText(srv.URL)
	s.Code.SetText("WRONGCODE123")
	s.Enroll()
	w.Wait()
	if !strings.Contains(s.Message.Text, "注册码无效或已使用") {
		t.Errorf("wrong code: %q", s.Message.Text)
	}
	s.Code.SetText(strings.ToLower(code)) // people type codes in any case
	s.Enroll()
	w.Wait()
	if !strings.Contains(s.Message.Text, "已注册为展厅 SH01") {
		t.Fatalf("enroll: %q", s.Message.Text)
	}
	open(w, "nav.sync")
	w.Sync.Reload()
	w.Sync.SyncNow()
	w.Sync.Wait()
	hqSetsShowroomManager(t, w, svc, h) // as HQ does after a showroom enrolls
	w.Sync.SyncNow()
	w.Sync.Wait()
	st := svc.SyncStatus(context.Background())
	if st.Pending != 0 || st.LastError != nil || st.LastSync.IsZero() {
		t.Fatalf("after sync: %+v", st)
	}
	stats, _ := h.Stats(context.Background())
	if stats["SH01"]["managers"] != 20 {
		t.Errorf("HQ stats after syncing from the window: %v", stats["SH01"])
	}
	if text := syncText(st); !strings.Contains(text, "待发送：0 条") || !strings.Contains(text, srv.URL) {
		t.Errorf("status text %q", text)
	}

	// Offline path through the screen's buttons: the link goes down (else
	// the background sync, which every write wakes, may send the new write
	// before the bundle is made); a new write goes out in a bundle; HQ's
	// bundle back acknowledges it.
	srv.Close()
	svc.CreateManager(context.Background(), w.e.actor, kaohe.Manager{EmployeeNo: "D088", Name: "离线新增", Education: kaohe.EduCollege, Status: kaohe.StatusActive}, kaohe.Level1)
	out := filepath.Join(t.TempDir(), "sh01.kaohe")
	w.Sync.ExportBundle(out)
	w.Wait()
	if !strings.Contains(w.Sync.Message.Text, "已导出 2 条") {
		t.Fatalf("export: %q", w.Sync.Message.Text)
	}
	f, _ := os.Open(out)
	if _, err := h.ImportFile(context.Background(), f); err != nil {
		t.Fatal(err)
	}
	f.Close()
	back := filepath.Join(t.TempDir(), "back.kaohe")
	bf, _ := os.Create(back)
	h.ExportFile(context.Background(), "SH01", bf)
	bf.Close()
	w.Sync.ImportBundle(back)
	w.Wait()
	if !strings.Contains(w.Sync.Message.Text, "已导入总部同步包") || svc.SyncStatus(context.Background()).Pending != 0 {
		t.Errorf("import: %q, pending %d", w.Sync.Message.Text, svc.SyncStatus(context.Background()).Pending)
	}
	w.Sync.ImportBundle(out) // a showroom bundle is not for the showroom
	w.Wait()
	if !strings.Contains(w.Sync.Message.Text, "方向不对") {
		t.Errorf("wrong direction: %q", w.Sync.Message.Text)
	}
}

// TestEnrollWarnsOverPlainHTTP: tapping 注册 with an http:// address to
// another machine asks before the code leaves; cancelling sends nothing.
func TestEnrollWarnsOverPlainHTTP(t *testing.T) {
	w, _, _ := demoWindow(t)
	open(w, "nav.settings")
	s := w.Settings
	s.HQ.SetText("http://192.0.2.10:8443")
	s.Code.SetText("ABCDEFGH2345")
	test.Tap(s.EnrollButton)
	if s.Warning == nil {
		t.Fatal("no warning before sending a code over plain HTTP")
	}
	var parts []string
	for _, o := range test.LaidOutObjects(w.Canvas().Overlays().Top()) {
		switch x := o.(type) {
		case *widget.Label:
			parts = append(parts, x.Text)
		case *widget.Button:
			parts = append(parts, x.Text)
		case *widget.RichText:
			parts = append(parts, x.String())
		}
	}
	texts := strings.Join(parts, " ")
	if !strings.Contains(texts, "未加密的 HTTP") || !strings.Contains(texts, "仍然发送") {
		t.Errorf("warning shows %q", texts)
	}
	s.Warning.Hide() // cancel: nothing is sent
	if s.Message.Text != "" || s.Code.Text != "ABCDEFGH2345" {
		t.Errorf("after cancelling: message %q, code %q", s.Message.Text, s.Code.Text)
	}
	// HTTPS and this machine need no question.
	s.Warning = nil
	s.HQ.SetText("https://hq.example.cn:8443")
	if kaohe.PlainHTTPRemote(s.HQ.Text) {
		t.Error("https counted as plain")
	}
}

// TestSyncScreenSaysWhatWaitsForHQ: an assessment of a period the new HQ
// has not published (2024's first half, kept here from before enrolling)
// is not listed as refused: the Sync screen says it waits for HQ to publish
// the period, and what to do; once HQ publishes it, the next sync takes it
// in and the line is gone.
func TestSyncScreenSaysWhatWaitsForHQ(t *testing.T) {
	w, svc, _ := demoWindow(t)
	th := testhq.New(t, testhq.Options{})
	t.Cleanup(svc.StopSync)
	ctx := context.Background()
	old, _ := kaohe.StandardPeriod(kaohe.PeriodHalf, 2024, 1)
	var as kaohe.Assessment
	if err := svc.Store.Update(ctx, "t", func(tx *store.Tx) error {
		if err := tx.PutPeriod(old); err != nil {
			return err
		}
		ms, err := svc.Store.ListManagers(ctx, kaohe.ManagerFilter{})
		if err != nil {
			return err
		}
		var m kaohe.ManagerLevel
		for _, x := range ms {
			if x.Level == kaohe.Level1 && x.Status == kaohe.StatusActive && x.HireDate.Before(old.Start) {
				m = x
			}
		}
		boss, err := svc.Store.ManagerByNo(ctx, "D001") // the showroom manager assesses
		if err != nil {
			return err
		}
		as, err = tx.SaveAssessment(kaohe.Assessment{ManagerID: m.ID, PeriodID: old.ID, Assessor: kaohe.Actor{Name: boss.Name, EmployeeNo: boss.EmployeeNo}.String(),
			Scores: kaohe.Scores{"plan": 80, "satisfaction": 82, "expansion": 78, "feedback": 85, "cooperation": 90}}, true)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	_, code, err := th.Store.AddShowroom(ctx, "SH01", "上海徐汇旗舰展厅", "华东片区")
	if err != nil {
		t.Fatal(err)
	}
	open(w, "nav.settings")
	w.Settings.HQ.SetText(th.URL)
	w.Settings.Code.SetText(code)
	w.Settings.Enroll()
	w.Wait()
	open(w, "nav.sync")
	w.Sync.SyncNow()
	w.Sync.Wait()
	w.Wait()
	// The demo's showroom manager reached HQ at her hire's level 1: HQ sets
	// her level 3 (定级), as it does after a showroom enrolls.
	boss, err := svc.Store.ManagerByNo(ctx, "D001")
	if err != nil {
		t.Fatal(err)
	}
	testhq.SetShowroomManager(t, th.Store, boss.Manager)
	w.Sync.SyncNow()
	w.Sync.Wait()
	w.Wait()
	text := w.Sync.Status.Text
	for _, want := range []string{"等总部发布基础数据后再上传：1 条", "总部尚未发布考核期“2024-H1”", "kaohe-hq period add", "被总部拒绝：0 条"} {
		if !strings.Contains(text, want) {
			t.Errorf("the Sync screen lacks %q:\n%s", want, text)
		}
	}
	if rows := len(w.Sync.Refused.Rows()); rows != 0 {
		t.Errorf("the refused list shows %d rows", rows)
	}
	if _, err := th.Store.PublishPeriods(ctx, []kaohe.Period{old}); err != nil {
		t.Fatal(err)
	}
	w.Sync.SyncNow()
	w.Sync.Wait()
	w.Wait()
	if text := w.Sync.Status.Text; strings.Contains(text, "等总部发布") || !strings.Contains(text, "待发送：0 条") {
		t.Errorf("after HQ published the period:\n%s", text)
	}
	var got kaohe.Assessment
	if err := th.Store.RowPayload(ctx, kaohe.EntAssessment, as.ID, &got); err != nil || got.Total != as.Total {
		t.Errorf("HQ's copy of the assessment: %+v, %v", got, err)
	}
}
