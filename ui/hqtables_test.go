package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// tapHeader taps the header button of a table on screen titled title.
func tapHeader(t *testing.T, w *Window, title string) {
	t.Helper()
	w.Resize(fyne.NewSize(1280, 800))
	for _, o := range test.LaidOutObjects(w.Content()) {
		if b, ok := o.(*widget.Button); ok && strings.TrimSpace(b.Text) == title && b.Visible() {
			test.Tap(b)
			return
		}
	}
	t.Fatalf("no header %q on screen", title)
}

// TestHQQueuesAreSortableTables: the review queue and the filing queue are
// virtual tables whose headers sort; the review queue keeps its search and
// filters, the filing queue searches and files the rows checked.
func TestHQQueuesAreSortableTables(t *testing.T) {
	w, _, _ := hqWindow(t)
	open(w, "nav.review")
	s := w.Review
	if len(s.Items()) < 4 {
		t.Fatalf("queue has %d applications", len(s.Items()))
	}
	// HQ's order first: submitted, oldest first.
	for i := 1; i < len(s.Items()); i++ {
		if s.Items()[i].App.Review.Submitted().Before(s.Items()[i-1].App.Review.Submitted()) {
			t.Fatalf("the queue does not start oldest first at row %d", i)
		}
	}
	tapHeader(t, w, T("col.waiting"))
	tapHeader(t, w, T("col.waiting")) // a second tap: longest wait first
	today := s.e.today()
	for i := 1; i < len(s.Items()); i++ {
		if s.Items()[i].App.Review.DaysWaiting(today) > s.Items()[i-1].App.Review.DaysWaiting(today) {
			t.Fatalf("by waiting, reversed: row %d waits longer than row %d", i, i-1)
		}
	}
	if r, _ := s.Table.Length(); r != len(s.Items()) {
		t.Errorf("the table shows %d rows for %d in the queue", r, len(s.Items()))
	}
	// The search narrows the sorted table; the row shown is the one chosen.
	first := s.Items()[0]
	test.Type(s.Search, first.Manager.EmployeeNo)
	if len(s.Items()) == 0 || s.Items()[0].Manager.EmployeeNo != first.Manager.EmployeeNo {
		t.Fatalf("search %s: %d rows", first.Manager.EmployeeNo, len(s.Items()))
	}
	s.Select(0)
	if !strings.Contains(s.Detail.Text, first.Manager.Name) {
		t.Errorf("detail of the chosen row: %.100s", s.Detail.Text)
	}
	s.Search.SetText("")

	open(w, "nav.filing")
	f := w.Filing
	rows := f.Queue.Rows()
	if len(rows) < 3 {
		t.Fatalf("%d to file", len(rows))
	}
	tapHeader(t, w, T("col.total"))
	for i := 1; i < len(f.Queue.Rows()); i++ {
		if f.Queue.Rows()[i].Assessment.Total < f.Queue.Rows()[i-1].Assessment.Total {
			t.Fatalf("by total: row %d is lower than row %d", i, i-1)
		}
	}
	// Tap the check of the first row as drawn, then search the table.
	lowest := f.Queue.Rows()[0]
	test.Tap(f.Queue.cellAt(0, 0).(*widget.Check))
	test.Type(f.Queue.Search, lowest.Manager.EmployeeNo)
	for _, r := range f.Queue.Rows() {
		if !strings.Contains(managerLabel(r.Manager)+r.Showroom.Name+r.Assessment.PeriodID, lowest.Manager.EmployeeNo) {
			t.Errorf("search %s let %s through", lowest.Manager.EmployeeNo, managerLabel(r.Manager))
		}
	}
	f.Queue.Search.SetText("")
	n := len(f.Queue.Rows())
	test.Tap(f.File)
	w.Wait()
	if !strings.Contains(f.Message.Text, "已备案 1 份") || len(f.Queue.Rows()) != n-1 {
		t.Errorf("after filing the checked row: %q, %d rows (was %d)", f.Message.Text, len(f.Queue.Rows()), n)
	}
	for _, r := range f.Queue.Rows() {
		if r.Assessment.ID == lowest.Assessment.ID {
			t.Error("the filed assessment is still in the queue")
		}
	}
}
