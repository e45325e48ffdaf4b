package ui

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"kaohe/internal/store/hq"
	"kaohe/sync/server"
)

func TestEnrollAndSyncFromTheWindow(t *testing.T) {
	w, svc, _ := demoWindow(t)
	h, err := hq.Open(context.Background(), filepath.Join(t.TempDir(), "hq.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	srv := httptest.NewServer((&server.Server{Store: h}).Handler())
	defer srv.Close()
	_, code, err := h.AddShowroom(context.Background(), "SH01", "上海徐汇旗舰展厅", "华东片区")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(w.Sync.Status.Text, "尚未向总部注册") || !w.Sync.Now.Disabled() {
		t.Errorf("before enrolling: %q", w.Sync.Status.Text)
	}
	s := w.Settings
	s.HQ.SetText(srv.URL)
	s.Code.SetText("WRONGCODE123")
	s.Enroll()
	if !strings.Contains(s.Message.Text, "注册码无效或已使用") {
		t.Errorf("wrong code: %q", s.Message.Text)
	}
	s.Code.SetText(strings.ToLower(code)) // people type codes in any case
	s.Enroll()
	if !strings.Contains(s.Message.Text, "已注册为展厅 SH01") {
		t.Fatalf("enroll: %q", s.Message.Text)
	}
	w.Sync.Reload()
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
}
