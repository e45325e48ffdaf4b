package ui

import (
	"testing"

	"fyne.io/fyne/v2"

	"kaohe/internal/kaohe"
)

// TestTargetsGridDoesNotOverlapTheAnnualRow: at 1280×800 the month grid's
// headings (月份…完成率) start below the 年度目标 row, whether the screen's
// empty note is shown (no manager) or not (a manager added), and after the
// note goes away again.
func TestTargetsGridDoesNotOverlapTheAnnualRow(t *testing.T) {
	w := emptyWindow(t, kaohe.LangZh, false, true)
	w.Resize(fyne.NewSize(1280, 800))
	open(w, "nav.targets")
	s := w.Targets
	check := func(when string, noted bool) {
		t.Helper()
		w.Wait()
		if got := s.Empty.Shown() != ""; got != noted {
			t.Fatalf("%s: note shown %v, want %v", when, got, noted)
		}
		d := fyne.CurrentApp().Driver()
		annual := d.AbsolutePositionForObject(s.Annual).Y + s.Annual.Size().Height
		header := d.AbsolutePositionForObject(s.header).Y
		t.Logf("%s: annual end %.0f header %.0f manager %.0f note %v", when, annual, header, d.AbsolutePositionForObject(s.Manager).Y, s.Empty.View().Size())
		if header < annual {
			t.Errorf("%s: 月份 starts at y=%.0f, above the end of 年度目标 at y=%.0f", when, header, annual)
		}
		if noted {
			note := s.Empty.View()
			if note.Size().Height < note.MinSize().Height || note.Size().Width < s.Manager.Size().Width {
				t.Errorf("%s: the note shown is laid out %v, it needs %v", when, note.Size(), note.MinSize())
			}
			if end := d.AbsolutePositionForObject(note).Y + note.Size().Height; end > d.AbsolutePositionForObject(s.Manager).Y {
				t.Errorf("%s: the note ends at y=%.0f, below the manager row's top", when, end)
			}
		}
	}
	check("no manager", true)
	if _, err := w.e.svc.CreateManager(t.Context(), w.e.actor, kaohe.Manager{EmployeeNo: "K101", Name: "王建国", Education: kaohe.EduCollege, Status: kaohe.StatusActive}, kaohe.Level1); err != nil {
		t.Fatal(err)
	}
	s.Reload()
	w.Wait()
	check("a manager", false)
}
