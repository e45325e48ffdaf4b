package ui

import (
	"testing"

	"fyne.io/fyne/v2"

	"kaohe/internal/kaohe"
)

// noteLaidOut checks, after the window settles, that the screen's empty note
// is shown or not as noted; shown, that it is laid out at its full size (at
// least as wide as above, the widget before it) and ends above below, the
// first widget after it; hidden, that below starts under above again and
// the room the note took is given back.
func noteLaidOut(t *testing.T, w *Window, n *emptyNote, above, below fyne.CanvasObject, when string, noted bool) {
	t.Helper()
	w.Wait()
	if got := n.Shown() != ""; got != noted {
		t.Fatalf("%s: note shown %v, want %v", when, got, noted)
	}
	d := fyne.CurrentApp().Driver()
	aboveEnd := d.AbsolutePositionForObject(above).Y + above.Size().Height
	belowTop := d.AbsolutePositionForObject(below).Y
	note := n.View()
	t.Logf("%s: above ends %.0f, below starts %.0f, note %v of %v", when, aboveEnd, belowTop, note.Size(), note.MinSize())
	if belowTop < aboveEnd {
		t.Errorf("%s: the widget below starts at y=%.0f, above the end of the one above at y=%.0f", when, belowTop, aboveEnd)
	}
	if noted {
		if note.Size().Height < note.MinSize().Height || note.Size().Width < above.Size().Width {
			t.Errorf("%s: the note shown is laid out %v, it needs %v", when, note.Size(), note.MinSize())
		}
		if end := d.AbsolutePositionForObject(note).Y + note.Size().Height; end > belowTop {
			t.Errorf("%s: the note ends at y=%.0f, below the top of what follows it (y=%.0f)", when, end, belowTop)
		}
	} else if gap := belowTop - aboveEnd; gap >= note.MinSize().Height {
		t.Errorf("%s: %.0f of room left between the rows after the note went away", when, gap)
	}
}

// TestManagersTableDoesNotOverlapTheEmptyNote: on an empty showroom at
// 1280×800 the managers screen's note (no manager yet) is laid out between
// the search row and the table; once a manager is added and the screen read
// again, the note is gone and the table follows the search row.
func TestManagersTableDoesNotOverlapTheEmptyNote(t *testing.T) {
	w := emptyWindow(t, kaohe.LangZh, false, true)
	w.Resize(fyne.NewSize(1280, 800))
	open(w, "nav.managers")
	m := w.Managers
	noteLaidOut(t, w, m.Empty, m.Search, m.Table, "no manager", true)
	if _, err := w.e.svc.CreateManager(t.Context(), w.e.actor, kaohe.Manager{EmployeeNo: "K101", Name: "王建国", Education: kaohe.EduCollege, Status: kaohe.StatusActive}, kaohe.Level1); err != nil {
		t.Fatal(err)
	}
	m.Reload()
	noteLaidOut(t, w, m.Empty, m.Search, m.Table, "a manager", false)
}

// TestApplicationsListDoesNotOverlapTheEmptyNote: on an empty showroom at
// 1280×800 the applications screen's note is laid out between the new
// application button and the list's search row, with nobody to apply and
// then with a manager but no application; once an application is saved
// and the screen read again, the note is gone and nothing overlaps.
func TestApplicationsListDoesNotOverlapTheEmptyNote(t *testing.T) {
	w := emptyWindow(t, kaohe.LangZh, false, true)
	w.Resize(fyne.NewSize(1280, 800))
	open(w, "nav.applications")
	s := w.Applications
	newBtn := buttonIn(t, s.View(), T("apply.new"))
	noteLaidOut(t, w, s.Empty, newBtn, s.List.Search, "nobody", true)
	m, err := w.e.svc.CreateManager(t.Context(), w.e.actor, kaohe.Manager{EmployeeNo: "K101", Name: "王建国", Education: kaohe.EduCollege, Status: kaohe.StatusActive}, kaohe.Level1)
	if err != nil {
		t.Fatal(err)
	}
	s.Reload()
	noteLaidOut(t, w, s.Empty, newBtn, s.List.Search, "a manager, no application", true)
	if _, err := w.e.svc.SaveApplication(t.Context(), w.e.actor, kaohe.Application{ManagerID: m.ID, TargetLevel: kaohe.Level2, PersonalInfo: "入职三年"}); err != nil {
		t.Fatal(err)
	}
	s.Reload()
	noteLaidOut(t, w, s.Empty, newBtn, s.List.Search, "an application", false)
}
