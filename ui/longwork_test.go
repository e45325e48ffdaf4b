package ui

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"kaohe/internal/excel"
	"kaohe/internal/kaohe"
	"kaohe/internal/service"
	"kaohe/internal/testhq"
	"kaohe/sync/server"
)

// TestCancelSyncKeepsTheOutbox: 立即同步 shows its progress; 取消同步 in
// the middle of a push cancels the engine's context, the outbox keeps every
// change, and the next sync sends them all.
func TestCancelSyncKeepsTheOutbox(t *testing.T) {
	w, svc, _ := demoWindow(t)
	bg := context.Background()
	th := testhq.New(t, testhq.Options{})
	h := th.Store
	arrived := make(chan struct{}, 16)
	gate := make(chan struct{}) // closed: pushes go through
	real := (&server.Server{Store: h}).Handler()
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Path, "push") {
			select {
			case arrived <- struct{}{}:
			default:
			}
			select {
			case <-gate:
			case <-r.Context().Done(): // the showroom gave up
				return
			}
		}
		real.ServeHTTP(rw, r)
	}))
	defer srv.Close()
	_, code, err := h.AddShowroom(bg, "SH01", "上海徐汇旗舰展厅", "华东片区")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Enroll(bg, srv.URL, code); err != nil {
		t.Fatal(err)
	}
	before, err := svc.Store.PendingCount(bg)
	if err != nil || before == 0 {
		t.Fatalf("pending before: %d, %v", before, err)
	}
	open(w, "nav.sync")
	s := w.Sync
	if !s.Cancel.Hidden || s.Now.Disabled() {
		t.Fatalf("before syncing: cancel hidden %v, now disabled %v", s.Cancel.Hidden, s.Now.Disabled())
	}
	test.Tap(s.Now)
	select {
	case <-arrived:
	case <-time.After(20 * time.Second):
		t.Fatal("the sync sent nothing")
	}
	if s.Cancel.Hidden || s.Progress.Hidden || !s.Now.Disabled() {
		t.Errorf("while syncing: cancel hidden %v, progress hidden %v, now disabled %v", s.Cancel.Hidden, s.Progress.Hidden, s.Now.Disabled())
	}
	test.Tap(s.Cancel)
	s.Wait()
	if !strings.Contains(s.Message.Text, "同步已取消") {
		t.Errorf("after cancelling: %q", s.Message.Text)
	}
	if n, _ := svc.Store.PendingCount(bg); n != before {
		t.Errorf("outbox after a cancelled sync: %d; want all %d kept", n, before)
	}
	if stats, _ := h.Stats(bg); stats["SH01"]["managers"] != 0 {
		t.Errorf("HQ holds %d managers after a push cancelled before its answer", stats["SH01"]["managers"])
	}
	if !s.Cancel.Hidden || !s.Progress.Hidden || s.Now.Disabled() {
		t.Errorf("after cancelling: cancel hidden %v, progress hidden %v, now disabled %v", s.Cancel.Hidden, s.Progress.Hidden, s.Now.Disabled())
	}
	// The next sync sends everything.
	close(gate)
	test.Tap(s.Now)
	s.Wait()
	if n, _ := svc.Store.PendingCount(bg); n != 0 {
		t.Errorf("after the next sync %d changes wait", n)
	}
	if stats, _ := h.Stats(bg); stats["SH01"]["managers"] != 20 {
		t.Errorf("HQ after the next sync: %v", stats["SH01"])
	}
	if s.Progress.Value != 1 {
		t.Errorf("progress ended at %v; want 1 (every change sent)", s.Progress.Value)
	}
	if strings.Contains(s.Message.Text, "取消") || !strings.Contains(s.Status.Text, "待发送：0 条") {
		t.Errorf("after the next sync: message %q, status %q", s.Message.Text, s.Status.Text)
	}
}

// TestDataChangedRefreshesTheScreenShown: data written underneath the
// window (the drop folder imports a bundle straight into the store) shows
// on the list on screen, and on the others when next shown.
func TestDataChangedRefreshesTheScreenShown(t *testing.T) {
	w, svc, _ := demoWindow(t)
	open(w, "nav.managers")
	n := len(w.Managers.Rows())
	open(w, "nav.dashboard")
	open(w, "nav.managers")
	actor, _ := svc.Session()
	// svc, not the window's: the window does not see this write.
	if _, err := svc.CreateManager(context.Background(), actor, kaohe.Manager{EmployeeNo: "D777", Name: "同步新到", Education: kaohe.EduCollege, Status: kaohe.StatusActive}, kaohe.Level1); err != nil {
		t.Fatal(err)
	}
	open(w, "nav.dashboard")
	open(w, "nav.managers")
	if len(w.Managers.Rows()) != n {
		t.Fatalf("the window saw a write it was not told of: the test proves nothing")
	}
	w.DataChanged()
	w.Wait()
	if got := len(w.Managers.Rows()); got != n+1 {
		t.Errorf("managers on screen after the data changed: %d; want %d", got, n+1)
	}
	total := w.Dashboard.Data
	open(w, "nav.dashboard")
	if w.Dashboard.Data.Headcount[kaohe.Level1] != total.Headcount[kaohe.Level1]+1 {
		t.Errorf("the dashboard shown again counts %d level-1 managers; want %d", w.Dashboard.Data.Headcount[kaohe.Level1], total.Headcount[kaohe.Level1]+1)
	}
}

// newRoster writes a workbook of n managers not in the demo.
func newRoster(t *testing.T, n int) string {
	t.Helper()
	var ms []kaohe.ManagerLevel
	for i := 0; i < n; i++ {
		ms = append(ms, kaohe.ManagerLevel{Manager: kaohe.Manager{EmployeeNo: fmt.Sprintf("N%05d", i), Name: fmt.Sprintf("新人%d", i),
			Education: kaohe.EduCollege, HireDate: kaohe.D(2026, 3, 1), Status: kaohe.StatusActive}, Level: kaohe.Level1})
	}
	path := filepath.Join(t.TempDir(), "roster.xlsx")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := excel.WriteRoster(f, ms); err != nil {
		t.Fatal(err)
	}
	return path
}

// slowImport holds the reading of a workbook, or its save, until the
// window cancels it: the moment a person taps 取消 in the middle.
type slowImport struct {
	*service.Service
	reading, saving chan struct{}
	previewID       *string
	holdRead        bool
}

func (s slowImport) PreviewRoster(ctx context.Context, path string) (kaohe.ImportPreview, error) {
	p, err := s.Service.PreviewRoster(ctx, path)
	*s.previewID = p.ID
	if !s.holdRead {
		return p, err
	}
	close(s.reading)
	select {
	case <-ctx.Done():
	case <-time.After(20 * time.Second):
	}
	return p, err
}

func (s slowImport) ConfirmImport(ctx context.Context, actor kaohe.Actor, id string) (int, error) {
	close(s.saving)
	select {
	case <-ctx.Done():
	case <-time.After(20 * time.Second):
	}
	return s.Service.ConfirmImport(ctx, actor, id)
}

func headcount(t *testing.T, svc *service.Service) int {
	t.Helper()
	ms, err := svc.ListManagers(context.Background(), kaohe.ManagerFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return len(ms)
}

// TestCancelImportWhileReading: 取消 while the workbook is read closes the
// dialog, saves nothing and keeps nothing of what was read.
func TestCancelImportWhileReading(t *testing.T) {
	var id string
	slow := slowImport{reading: make(chan struct{}), saving: make(chan struct{}), previewID: &id, holdRead: true}
	w, svc, _ := demoWindowWith(t, func(s *service.Service) Service { slow.Service = s; return slow })
	path := newRoster(t, 300)
	n := headcount(t, svc)
	open(w, "nav.managers")
	d := w.Managers.ImportRoster(path)
	if !strings.Contains(d.Status.Text, "正在读取 roster.xlsx") || !d.Import.Disabled() {
		t.Errorf("while reading: %q, import enabled %v", d.Status.Text, !d.Import.Disabled())
	}
	select {
	case <-slow.reading:
	case <-time.After(20 * time.Second):
		t.Fatal("the workbook was never read")
	}
	test.Tap(d.Cancel)
	w.Wait()
	if w.Canvas().Overlays().Top() != nil {
		t.Error("the dialog stayed open after 取消")
	}
	if got := headcount(t, svc); got != n {
		t.Errorf("headcount %d after a cancelled import; want %d", got, n)
	}
	// What was read is dropped: it can no longer be confirmed.
	actor, _ := svc.Session()
	if k, err := svc.ConfirmImport(context.Background(), actor, id); kaohe.ErrorCode(err) != kaohe.ENOTFOUND || k != 0 {
		t.Errorf("the cancelled preview could still be imported: %d, %v", k, err)
	}
}

// TestCancelImportWhileSaving: 取消 during the save cancels its
// transaction: nothing of the roster is saved, and the window says so.
func TestCancelImportWhileSaving(t *testing.T) {
	var id string
	slow := slowImport{reading: make(chan struct{}), saving: make(chan struct{}), previewID: &id}
	w, svc, _ := demoWindowWith(t, func(s *service.Service) Service { slow.Service = s; return slow })
	path := newRoster(t, 300)
	n := headcount(t, svc)
	open(w, "nav.managers")
	d := w.Managers.ImportRoster(path)
	w.Wait()
	if d.Preview.Valid != 300 || d.Import.Disabled() {
		t.Fatalf("preview: %d valid, import disabled %v (%q)", d.Preview.Valid, d.Import.Disabled(), d.Summary.Text)
	}
	test.Tap(d.Import)
	select {
	case <-slow.saving:
	case <-time.After(20 * time.Second):
		t.Fatal("the save never started")
	}
	if !strings.Contains(d.Status.Text, "正在保存") {
		t.Errorf("while saving: %q", d.Status.Text)
	}
	test.Tap(d.Cancel)
	w.Wait()
	if got := headcount(t, svc); got != n {
		t.Errorf("headcount %d after a cancelled save; want %d (nothing half-saved)", got, n)
	}
	if text := topText(w); !strings.Contains(text, "已取消导入，未保存任何内容") {
		t.Errorf("after cancelling the save: %q", text)
	}
}

// TestImportLargeRosterInTheBackground: a roster of a thousand new people is
// read off the UI thread and saved whole on confirm.
func TestImportLargeRosterInTheBackground(t *testing.T) {
	w, svc, _ := demoWindow(t)
	path := newRoster(t, 1000)
	n := headcount(t, svc)
	open(w, "nav.managers")
	d := w.Managers.ImportRoster(path)
	if d.Preview.ID != "" || !d.Import.Disabled() {
		t.Error("the preview was read on the UI thread")
	}
	w.Wait()
	if d.Preview.Valid != 1000 || !d.Status.Hidden || !strings.Contains(d.Summary.Text, "可导入 1000 行") {
		t.Fatalf("preview: %d valid, %q", d.Preview.Valid, d.Summary.Text)
	}
	if got := headcount(t, svc); got != n {
		t.Fatalf("the preview saved: headcount %d, want %d", got, n)
	}
	test.Tap(d.Import)
	w.Wait()
	if got := headcount(t, svc); got != n+1000 {
		t.Errorf("headcount %d after importing; want %d", got, n+1000)
	}
	if text := topText(w); !strings.Contains(text, "已导入 1000 行") {
		t.Errorf("after the import: %q", text)
	}
	if len(w.Managers.Rows()) != n+1000 {
		t.Errorf("the list shows %d managers after the import; want %d", len(w.Managers.Rows()), n+1000)
	}
}

// topText is the text of the dialog on top, "" when none is open.
func topText(w *Window) string {
	top := w.Canvas().Overlays().Top()
	if top == nil {
		return ""
	}
	var text []string
	for _, o := range test.LaidOutObjects(top) {
		switch x := o.(type) {
		case *widget.Label:
			text = append(text, x.Text)
		case *widget.RichText:
			text = append(text, x.String())
		}
	}
	return strings.Join(text, " ")
}
