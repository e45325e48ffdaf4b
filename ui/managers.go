package ui

import (
	"context"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"kaohe/internal/kaohe"
)

// ManagerStore is what the managers screen reads.
type ManagerStore interface {
	ListManagers(ctx context.Context, f kaohe.ManagerFilter) ([]kaohe.ManagerLevel, error)
}

// managerColumn is one column of the managers table: its header key, width,
// cell text and sort order.
type managerColumn struct {
	key   string
	width float32
	text  func(kaohe.ManagerLevel) string
	less  func(a, b kaohe.ManagerLevel) bool
}

func managerColumns() []managerColumn {
	byText := func(f func(kaohe.ManagerLevel) string) func(a, b kaohe.ManagerLevel) bool {
		return func(a, b kaohe.ManagerLevel) bool { return f(a) < f(b) }
	}
	no := func(m kaohe.ManagerLevel) string { return m.EmployeeNo }
	name := func(m kaohe.ManagerLevel) string { return m.Name }
	gender := func(m kaohe.ManagerLevel) string {
		if m.Gender == "" {
			return ""
		}
		return T("gender." + string(m.Gender))
	}
	status := func(m kaohe.ManagerLevel) string { return T("status." + string(m.Status)) }
	return []managerColumn{
		{"col.employee_no", 90, no, byText(no)},
		{"col.name", 110, name, byText(name)},
		{"col.gender", 70, gender, byText(gender)},
		{"col.level", 90, func(m kaohe.ManagerLevel) string { return LevelName(m.Level) },
			func(a, b kaohe.ManagerLevel) bool { return a.Level < b.Level }},
		{"col.education", 170, func(m kaohe.ManagerLevel) string { return Tr(m.Education.Name()) },
			func(a, b kaohe.ManagerLevel) bool { return a.Education < b.Education }},
		{"col.status", 80, status, byText(status)},
		{"col.hire_date", 150, func(m kaohe.ManagerLevel) string { return FormatDate(m.HireDate) },
			func(a, b kaohe.ManagerLevel) bool { return a.HireDate.Before(b.HireDate) }},
		{"col.phone", 140, func(m kaohe.ManagerLevel) string { return m.Phone }, byText(func(m kaohe.ManagerLevel) string { return m.Phone })},
	}
}

// ManagersScreen lists the showroom's customer managers: searchable,
// filterable by level, sortable by any column header; with a service it also
// adds, edits, marks as left, deletes and opens a manager's profile.
type ManagersScreen struct {
	store   ManagerStore
	onError func(error)
	e       *env // nil in the read-only list
	sel     int  // selected row, -1 for none
	body    *fyne.Container

	cols    []managerColumn
	rows    []kaohe.ManagerLevel
	sortCol int
	desc    bool

	Search *field
	Level  *widget.Select
	Count  *widget.Label
	Table  *widget.Table
	view   fyne.CanvasObject
}

// NewManagersScreen builds the read-only list and loads it.
func NewManagersScreen(s ManagerStore, onError func(error)) *ManagersScreen {
	return buildManagers(s, onError, nil)
}

func newManagersScreen(e *env) *ManagersScreen { return buildManagers(e.svc, e.showError, e) }

// newAllManagersScreen lists every showroom's managers (HQ mode), read-only,
// with the showroom first: employee numbers repeat across showrooms.
func newAllManagersScreen(e *env) *ManagersScreen {
	names := map[string]string{}
	if srs, err := e.svc.Showrooms(bg); err == nil {
		for _, sr := range srs {
			names[sr.ID] = sr.Name
		}
	}
	room := func(m kaohe.ManagerLevel) string { return names[m.ShowroomID] }
	col := managerColumn{"col.showroom", 170, room, func(a, b kaohe.ManagerLevel) bool {
		if room(a) != room(b) {
			return room(a) < room(b)
		}
		return a.EmployeeNo < b.EmployeeNo
	}}
	return buildManagers(e.svc, e.showError, nil, col)
}

func buildManagers(s ManagerStore, onError func(error), e *env, extra ...managerColumn) *ManagersScreen {
	m := &ManagersScreen{store: s, onError: onError, cols: append(extra, managerColumns()...), e: e, sel: -1}
	m.Search = newField()
	m.Search.SetPlaceHolder(T("managers.search"))
	levels := []string{T("managers.all_levels")}
	for l := kaohe.Level1; l <= kaohe.Level5; l++ {
		levels = append(levels, LevelName(l))
	}
	m.Level = widget.NewSelect(levels, nil)
	m.Level.SetSelectedIndex(0)
	m.Count = widget.NewLabel("")

	m.Table = widget.NewTableWithHeaders(
		func() (int, int) { return len(m.rows), len(m.cols) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(id widget.TableCellID, o fyne.CanvasObject) {
			o.(*widget.Label).SetText(m.Cell(id.Row, id.Col))
		})
	m.Table.ShowHeaderColumn = false
	m.Table.CreateHeader = func() fyne.CanvasObject {
		b := widget.NewButton("", nil)
		b.Importance = widget.LowImportance
		b.Alignment = widget.ButtonAlignLeading
		return b
	}
	m.Table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		b := o.(*widget.Button)
		b.SetText(T(m.cols[id.Col].key))
		b.SetIcon(nil)
		if id.Col == m.sortCol {
			b.SetIcon(theme.MenuDropDownIcon())
			if m.desc {
				b.SetIcon(theme.MenuDropUpIcon())
			}
		}
		col := id.Col
		b.OnTapped = func() { m.SortBy(col) }
	}
	for i, c := range m.cols {
		m.Table.SetColumnWidth(i, c.width)
	}
	m.Table.OnSelected = func(id widget.TableCellID) { m.sel = id.Row }
	top := container.NewBorder(nil, nil, nil, container.NewHBox(m.Level, m.Count), m.Search)
	if e != nil {
		top = container.NewVBox(m.toolbar(), top)
	}
	m.body = container.NewStack(container.NewBorder(top, nil, nil, nil, m.Table))
	m.view = m.body
	m.Reload()
	// Hooked up last: the callbacks reload the table, which must exist.
	m.Search.OnChanged = func(string) { m.Reload() }
	m.Level.OnChanged = func(string) { m.Reload() }
	return m
}

// View returns the screen's content.
func (m *ManagersScreen) View() fyne.CanvasObject { return m.view }

// Reload reads the list again with the current search and filter.
func (m *ManagersScreen) Reload() {
	f := kaohe.ManagerFilter{Query: strings.TrimSpace(m.Search.Text)}
	if i := m.Level.SelectedIndex(); i > 0 {
		f.Level = kaohe.Level(i)
	}
	rows, err := m.store.ListManagers(context.Background(), f)
	m.sel = -1
	m.Table.UnselectAll()
	if err != nil {
		m.onError(err)
		return
	}
	m.rows = rows
	m.sortRows()
	m.Count.SetText(T("managers.count", "Count", len(rows)))
	m.Table.Refresh()
}

// SortBy sorts by a column; a second tap on the same column reverses.
func (m *ManagersScreen) SortBy(col int) {
	if col == m.sortCol {
		m.desc = !m.desc
	} else {
		m.sortCol, m.desc = col, false
	}
	m.sortRows()
	m.Table.Refresh()
}

func (m *ManagersScreen) sortRows() {
	less := m.cols[m.sortCol].less
	sort.SliceStable(m.rows, func(i, j int) bool {
		if m.desc {
			return less(m.rows[j], m.rows[i])
		}
		return less(m.rows[i], m.rows[j])
	})
}

// Rows returns the rows as shown.
func (m *ManagersScreen) Rows() []kaohe.ManagerLevel { return m.rows }

// Cell returns the text shown at a row and column.
func (m *ManagersScreen) Cell(row, col int) string {
	if row < 0 || row >= len(m.rows) {
		return ""
	}
	return m.cols[col].text(m.rows[row])
}
