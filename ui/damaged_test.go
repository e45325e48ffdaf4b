package ui

import (
	"errors"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"kaohe/internal/kaohe"
)

func windowText(w *DamagedWindow) string {
	var parts []string
	for _, o := range test.LaidOutObjects(w.Content()) {
		switch x := o.(type) {
		case *widget.Label:
			parts = append(parts, x.Text)
		case *widget.Button:
			parts = append(parts, x.Text)
		}
	}
	return strings.Join(parts, " ")
}

// TestDamagedWindowOffersTheNewestGoodBackup: a damaged database opens only
// this window, which says so in the user's language and restores the
// offered backup with one tap; without a good backup it names the folder
// and offers nothing.
func TestDamagedWindowOffersTheNewestGoodBackup(t *testing.T) {
	a := test.NewTempApp(t)
	SetLanguage(kaohe.LangZh)
	damaged := kaohe.Errorf(kaohe.EINTERNAL, "err.db_corrupt", "Path", "D:\\kaohe\\kaohe.db")
	restored := 0
	w := NewDamagedWindow(a, Damaged{Err: damaged, Backup: &kaohe.Backup{Path: "b.db", Time: time.Date(2026, 11, 30, 18, 0, 0, 0, time.Local)},
		Restore: func() error { restored++; return nil }})
	text := windowText(w)
	for _, want := range []string{"数据库文件已损坏", "D:\\kaohe\\kaohe.db", "2026-11-30 18:00:00", "恢复最近的正常备份"} {
		if !strings.Contains(text, want) {
			t.Errorf("window lacks %q: %s", want, text)
		}
	}
	test.Tap(w.Restore)
	if restored != 1 {
		t.Errorf("restore called %d times", restored)
	}

	failing := NewDamagedWindow(a, Damaged{Err: damaged, Backup: &kaohe.Backup{Path: "b.db"}, Restore: func() error {
		return kaohe.Errorf(kaohe.EINVALID, "err.db_not_database", "Path", "b.db")
	}})
	test.Tap(failing.Restore)
	if !strings.Contains(failing.Message.Text, "不是客户经理考核系统的数据库") {
		t.Errorf("a failed restore says %q", failing.Message.Text)
	}

	none := NewDamagedWindow(a, Damaged{Err: errors.New("database disk image is malformed"), Folder: "D:\\kaohe\\backups"})
	if !none.Restore.Disabled() || !strings.Contains(windowText(none), "没有找到完好的备份") || !strings.Contains(windowText(none), "数据库文件已损坏") {
		t.Errorf("without a backup: disabled %v, %s", none.Restore.Disabled(), windowText(none))
	}
}
