package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"kaohe/internal/kaohe"
)

// cellAt makes the cell of an editable column for a shown row, bound as the
// table binds it (tests).
func (t *listTable[R]) cellAt(row, col int) fyne.CanvasObject {
	c := t.cols[col]
	if c.create == nil || row < 0 || row >= len(t.rows) {
		return nil
	}
	o := c.create()
	c.update(t.all[t.rows[row]], o)
	return o
}

func TestListTableSearchesAndSorts(t *testing.T) {
	test.NewTempApp(t)
	SetLanguage(kaohe.LangZh)
	mk := func(no, name string, l kaohe.Level) kaohe.ManagerLevel {
		return kaohe.ManagerLevel{Manager: kaohe.Manager{EmployeeNo: no, Name: name}, Level: l}
	}
	lt := newListTable([]column[kaohe.ManagerLevel]{
		{key: "col.employee_no", width: 90, text: func(m kaohe.ManagerLevel) string { return m.EmployeeNo }},
		{key: "col.name", width: 90, text: func(m kaohe.ManagerLevel) string { return m.Name }},
		{key: "col.level", width: 90, text: func(m kaohe.ManagerLevel) string { return LevelName(m.Level) },
			less: func(a, b kaohe.ManagerLevel) bool { return a.Level < b.Level }},
	})
	lt.Set([]kaohe.ManagerLevel{mk("D003", "张玥", kaohe.Level2), mk("D001", "王堃", kaohe.Level3), mk("d002", "Li Zhe", kaohe.Level1)})
	if lt.Cell(0, 0) != "D001" || lt.Count.Text != "共 3 条" {
		t.Errorf("first %q, count %q", lt.Cell(0, 0), lt.Count.Text)
	}
	test.Type(lt.Search, "li")
	if len(lt.Rows()) != 1 || lt.Cell(0, 1) != "Li Zhe" || lt.Count.Text != "共 1 条" {
		t.Errorf("search li (any case): %v", lt.Rows())
	}
	lt.Search.SetText("二级")
	if len(lt.Rows()) != 1 || lt.Cell(0, 0) != "D003" {
		t.Errorf("search by a shown level: %v", lt.Rows())
	}
	lt.Search.SetText("")
	lt.SortBy(2)
	if lt.Cell(0, 0) != "d002" || lt.Cell(2, 0) != "D001" {
		t.Errorf("by level: %s … %s", lt.Cell(0, 0), lt.Cell(2, 0))
	}
	lt.SortBy(2)
	if lt.Cell(0, 0) != "D001" {
		t.Errorf("by level, reversed: %s first", lt.Cell(0, 0))
	}
	// A chosen row reaches OnSelected.
	var picked []kaohe.ManagerLevel
	lt.OnSelected = func(m kaohe.ManagerLevel) { picked = append(picked, m) }
	lt.Table.Select(widget.TableCellID{Row: 1, Col: 0})
	if len(picked) != 1 || picked[0].EmployeeNo != "D003" {
		t.Errorf("selected %v", picked)
	}
}
