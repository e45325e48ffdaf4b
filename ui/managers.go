package ui

import (
	"context"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
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
	e       *env   // nil in the read-only list
	sel     int    // selected row, -1 for none
	selID   string // the selected manager: chosen again after a read or a search
	body    *fyne.Container

	ld   *loader // nil: the store is read on the UI thread (a list without a window)
	prof *loader // a profile's read
	del  *saver  // a delete
	// profiling: a profile is being read (ShowProfile).
	profiling bool
	rooms     func(map[string]string) // HQ mode: hears the showrooms' names with each read
	hire      []kaohe.Level           // the levels HQ lets the showroom give a new hire (read with the list)
	cols      []managerColumn
	all       []managerRow         // everyone read, in the chosen order
	rows      []kaohe.ManagerLevel // shown: all, filtered
	sortCol   int
	desc      bool

	// Profile is the profile shown instead of the list, nil when none.
	Profile    *ProfileView
	ProfileBtn *widget.Button
	DeleteBtn  *widget.Button

	Search *field
	Level  *widget.Select
	Count  *widget.Label
	Table  *widget.Table
	// Empty says why nobody is listed and what to do.
	Empty    *emptyNote
	emptyKey string
	view     fyne.CanvasObject
}

// managerRow is a manager with the text the search box matches.
type managerRow struct {
	m   kaohe.ManagerLevel
	key string // employee number, name and phone, lower-cased
}

// NewManagersScreen builds the read-only list and loads it.
func NewManagersScreen(s ManagerStore, onError func(error)) *ManagersScreen {
	return buildManagers(s, onError, nil)
}

func newManagersScreen(e *env) *ManagersScreen {
	m := buildManagers(e.svc, e.showError, e)
	return m
}

// newAllManagersScreen lists every showroom's managers (HQ mode), read-only,
// with the showroom first: employee numbers repeat across showrooms.
func newAllManagersScreen(e *env) *ManagersScreen {
	var names map[string]string // showroom names by id, set on the UI thread with each read
	room := func(m kaohe.ManagerLevel) string { return names[m.ShowroomID] }
	col := managerColumn{"col.showroom", 170, room, func(a, b kaohe.ManagerLevel) bool {
		if room(a) != room(b) {
			return room(a) < room(b)
		}
		return a.EmployeeNo < b.EmployeeNo
	}}
	m := buildManagers(nil, e.showError, nil, col)
	m.ld, m.store, m.emptyKey = &loader{e: e}, e.svc, "empty.hq_managers"
	m.rooms = func(r map[string]string) { names = r }
	m.Reload()
	return m
}

func buildManagers(s ManagerStore, onError func(error), e *env, extra ...managerColumn) *ManagersScreen {
	m := &ManagersScreen{store: s, onError: onError, cols: append(extra, managerColumns()...), e: e, sel: -1, Empty: newEmptyNote(), emptyKey: "empty.managers"}
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
	sortableHeader(m.Table, func(col int) string { return T(m.cols[col].key) },
		func() (int, bool) { return m.sortCol, m.desc }, m.SortBy)
	for i, c := range m.cols {
		m.Table.SetColumnWidth(i, c.width)
	}
	m.Table.OnSelected = func(id widget.TableCellID) {
		m.sel = id.Row
		if id.Row >= 0 && id.Row < len(m.rows) {
			m.selID = m.rows[id.Row].ID
		}
	}
	top := container.NewBorder(nil, nil, nil, container.NewHBox(m.Level, m.Count), m.Search)
	if e != nil {
		top = container.NewVBox(m.toolbar(), top)
	}
	top = container.NewVBox(top, m.Empty.View())
	list := container.NewBorder(top, nil, nil, nil, m.Table)
	m.Empty.In(list)
	m.body = container.NewStack(list)
	m.view = m.body
	if e != nil {
		m.ld, m.prof = &loader{e: e}, &loader{e: e}
	}
	if s != nil {
		m.Reload()
	}
	// Hooked up last: the callbacks filter the table, which must exist.
	// Filtering runs in memory over what was read: a keystroke does not
	// read the store again.
	m.Search.OnChanged = func(string) { m.filter() }
	m.Level.OnChanged = func(string) { m.filter() }
	return m
}

// stop abandons a read in flight: the screen went away.
func (m *ManagersScreen) stop() {
	if m.ld != nil {
		m.ld.stop()
	}
	if m.prof != nil {
		m.prof.stop()
		m.profiled()
	}
}

// View returns the screen's content.
func (m *ManagersScreen) View() fyne.CanvasObject { return m.view }

// Reload reads the list again (in the background in the window) and shows
// it with the current search and filter.
func (m *ManagersScreen) Reload() {
	if m.ld == nil {
		rows, err := m.store.ListManagers(bg, kaohe.ManagerFilter{})
		m.loaded(rows, err)
		return
	}
	type read struct {
		rows  []kaohe.ManagerLevel
		rooms map[string]string
		hire  []kaohe.Level
	}
	e, withRooms := m.ld.e, m.rooms != nil
	load(m.ld, func(ctx context.Context) (r read, err error) {
		ls, err := e.svc.Levels(ctx)
		if err != nil {
			return r, err
		}
		r.hire = ls.HireLevels()
		if withRooms {
			srs, err := e.svc.Showrooms(ctx)
			if err != nil {
				return r, err
			}
			r.rooms = map[string]string{}
			for _, sr := range srs {
				r.rooms[sr.ID] = sr.Name
			}
		}
		r.rows, _, err = e.managers(ctx) // read once per data version, shared with the pickers
		return r, err
	}, func(r read, err error) {
		if withRooms && err == nil {
			m.rooms(r.rooms)
		}
		if err == nil {
			m.hire = r.hire
		}
		m.loaded(r.rows, err)
	})
}

func (m *ManagersScreen) loaded(rows []kaohe.ManagerLevel, err error) {
	if err != nil {
		m.onError(err)
		return
	}
	m.all = make([]managerRow, len(rows))
	for i, r := range rows {
		m.all[i] = managerRow{r, strings.ToLower(r.EmployeeNo + "\t" + r.Name + "\t" + r.Phone)}
	}
	m.sortRows()
	m.filter()
	m.Empty.Say(len(rows) == 0, m.emptyKey) // once the rows are shown: the note lays the table out again
}

// filter shows the managers matching the search box (employee number, name
// or phone, in any case) and the level chosen, in the chosen order.
func (m *ManagersScreen) filter() {
	q := strings.ToLower(strings.TrimSpace(m.Search.Text))
	level := kaohe.Level(m.Level.SelectedIndex())
	m.rows = m.rows[:0]
	for _, r := range m.all {
		if (q == "" || strings.Contains(r.key, q)) && (level <= 0 || r.m.Level == level) {
			m.rows = append(m.rows, r.m)
		}
	}
	m.sel = -1
	m.Table.UnselectAll()
	for i, r := range m.rows { // the manager chosen stays chosen while shown
		if r.ID == m.selID && m.selID != "" {
			m.Table.Select(widget.TableCellID{Row: i, Col: 0})
			break
		}
	}
	m.Count.SetText(T("managers.count", "Count", len(m.rows)))
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
	m.filter()
}

// sortRows orders everyone read; filtering keeps the order.
func (m *ManagersScreen) sortRows() {
	c := m.cols[m.sortCol]
	less := func(a, b managerRow) bool { return c.less(a.m, b.m) }
	if c.text != nil && c.less == nil {
		less = func(a, b managerRow) bool { return c.text(a.m) < c.text(b.m) }
	}
	sort.SliceStable(m.all, func(i, j int) bool {
		if m.desc {
			return less(m.all[j], m.all[i])
		}
		return less(m.all[i], m.all[j])
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
