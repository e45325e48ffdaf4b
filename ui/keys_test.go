package ui

import (
	"context"
	"errors"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"kaohe/internal/kaohe"
)

func TestKeysInFormsAndDialogs(t *testing.T) {
	w, svc, _ := demoWindow(t)
	open(w, "nav.managers")
	m := w.Managers
	overlays := func() int { return len(w.Canvas().Overlays().List()) }

	// Escape in a field closes the dialog, as its Cancel would.
	f := m.EditDialog(nil)
	w.Canvas().Focus(f.Name)
	test.Type(f.Name, "欧阳玥")
	f.Name.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if overlays() != 0 {
		t.Fatalf("Escape in a field left %d dialogs open", overlays())
	}
	if _, err := svc.Store.ManagerByNo(context.Background(), "D031"); err == nil {
		t.Fatal("Escape saved")
	}

	// Enter in a one-line field saves the form; refused, the dialog stays
	// with every problem listed at once.
	f = m.EditDialog(nil)
	test.Type(f.Phone, "abc")
	test.Type(f.Hired, "2030-01-01")
	f.Phone.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	w.Wait() // refused by the service, in the background
	if overlays() != 1 {
		t.Fatalf("a refused Enter closed the dialog")
	}
	for _, want := range []string{"工号：此项必填", "姓名：", "电话：“abc”无效", "例如 138 0013 8000", "学历：请从列表中选择", "入职日期：入职日期 2030-01-01 晚于今天"} {
		if !strings.Contains(f.Dialog.errMsg.Text, want) {
			t.Errorf("the dialog says %q; want it to include %q", f.Dialog.errMsg.Text, want)
		}
	}
	f.Phone.SetText("13912345678")
	f.Hired.SetText("2026-11-02")
	test.Type(f.No, "D031")
	test.Type(f.Name, "欧阳玥")
	f.Education.Set(kaohe.EduCollege)
	f.Name.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEnter})
	w.Wait() // saved in the background
	if overlays() != 0 {
		t.Errorf("Enter did not save and close: %q", f.Dialog.errMsg.Text)
	}
	if got, err := svc.Store.ManagerByNo(context.Background(), "d031"); err != nil || got.Name != "欧阳玥" {
		t.Fatalf("Enter did not save: %v", err)
	}

	// Escape with no field focused closes the dialog on top too.
	f = m.EditDialog(nil)
	w.Canvas().Unfocus()
	w.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if overlays() != 0 {
		t.Errorf("Escape on the window left the dialog open")
	}

	// Tab leaves a multi-line field; Ctrl+Tab types a tab.
	f = m.EditDialog(nil)
	if f.Note.AcceptsTab() {
		t.Error("the note field keeps Tab instead of moving on")
	}
	w.Canvas().Focus(f.Note)
	f.Note.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyTab, Modifier: fyne.KeyModifierControl})
	if f.Note.Text != "\t" {
		t.Errorf("Ctrl+Tab typed %q; want a tab", f.Note.Text)
	}
	// Ctrl+4 from inside a field switches screens.
	f.Note.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyEscape})
	f.Dialog.d.Hide()
	w.Canvas().Focus(m.Search)
	m.Search.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.Key4, Modifier: fyne.KeyModifierShortcutDefault})
	if got := w.Tabs.SelectedIndex(); got != 3 {
		t.Errorf("Ctrl+4 in the search field shows screen %d; want 3", got)
	}
	// The field's own shortcuts stay its own.
	test.Type(m.Search, "abc")
	m.Search.TypedShortcut(&fyne.ShortcutSelectAll{})
	if m.Search.SelectedText() != "abc" {
		t.Errorf("Ctrl+A selected %q", m.Search.SelectedText())
	}
}

func TestMissingViewerSaysWhereTheFileIs(t *testing.T) {
	w, _, _ := demoWindow(t)
	w.e.openFailed("/data/文档/考核报告-D001.pdf", errors.New(`exec: "xdg-open": executable file not found in $PATH`))
	top := w.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no message shown")
	}
	var text []string
	for _, o := range test.LaidOutObjects(top) {
		if l, ok := o.(*widget.Label); ok {
			text = append(text, l.Text)
		}
	}
	if got := strings.Join(text, "\n"); !strings.Contains(got, "文件已保存在：/data/文档/考核报告-D001.pdf") || !strings.Contains(got, "PDF 阅读器") {
		t.Errorf("the message says %q", got)
	}
}
