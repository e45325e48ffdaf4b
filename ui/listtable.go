package ui

import (
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// column is one column of a listTable: its header key, width, cell text and
// order. A column with its own cell (an editable one) draws it with
// create/update instead of a label.
type column[R any] struct {
	key    string
	title  string // the header when it is no translation key (a template's grade); "": T(key)
	width  float32
	text   func(R) string
	less   func(a, b R) bool // nil: by text
	create func() fyne.CanvasObject
	update func(row R, o fyne.CanvasObject)
}

// listTable is a virtual table of rows that grow with the showroom: only the
// visible cells exist, headers sort (a second tap reverses), and a search box
// filters on every column's text as people type.
type listTable[R any] struct {
	Table  *widget.Table
	Search *field
	Count  *widget.Label
	// Empty says why there is no row and what to do (SetEmpty).
	Empty *emptyNote

	cols     []column[R]
	emptyKey string
	all      []R
	texts    [][]string // per row of all: each column's text, made once
	keys     []string   // per row of all: the lower-cased text searched
	rows     []int      // shown, filtered and sorted: indexes into all
	sortCol  int
	desc     bool
	// OnSelected hears of a chosen row.
	OnSelected func(R)
	// ID, if set, names a row: the row chosen stays chosen when Set
	// brings new rows (a refresh after a sync) or the search changes, as
	// long as it is still shown.
	ID    func(R) string
	selID string // the chosen row's ID; "" for none
	quiet bool   // choosing again after Set: OnSelected is not told
}

func newListTable[R any](cols []column[R]) *listTable[R] {
	t := &listTable[R]{cols: cols, Search: newField(), Count: widget.NewLabel(""), Empty: newEmptyNote()}
	t.Search.SetPlaceHolder(T("list.search"))
	t.Table = widget.NewTableWithHeaders(
		func() (int, int) { return len(t.rows), len(t.cols) },
		func() fyne.CanvasObject {
			// Every kind of cell in one template: the table reuses cells
			// across columns.
			// A text wider than its column ends in "…" instead of being
			// cut off mid-character against the next column.
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			objs := []fyne.CanvasObject{l}
			for _, c := range t.cols {
				if c.create != nil {
					o := c.create()
					o.Hide()
					objs = append(objs, o)
				}
			}
			return container.NewStack(objs...)
		},
		func(id widget.TableCellID, o fyne.CanvasObject) {
			if id.Row < 0 || id.Row >= len(t.rows) {
				return
			}
			objs := o.(*fyne.Container).Objects
			c := t.cols[id.Col]
			if c.create == nil {
				for _, x := range objs[1:] {
					x.Hide()
				}
				objs[0].Show()
				objs[0].(*widget.Label).SetText(t.texts[t.rows[id.Row]][id.Col])
				return
			}
			objs[0].Hide()
			k := 1
			for i, cc := range t.cols {
				if cc.create == nil {
					continue
				}
				if i == id.Col {
					objs[k].Show()
					c.update(t.all[t.rows[id.Row]], objs[k])
				} else {
					objs[k].Hide()
				}
				k++
			}
		})
	sortableHeader(t.Table, func(col int) string {
		if c := t.cols[col]; c.title != "" {
			return c.title
		}
		return T(t.cols[col].key)
	}, func() (int, bool) { return t.sortCol, t.desc }, t.SortBy)
	for i, c := range cols {
		t.Table.SetColumnWidth(i, c.width)
	}
	t.Table.OnSelected = func(id widget.TableCellID) {
		if id.Row < 0 || id.Row >= len(t.rows) {
			return
		}
		r := t.all[t.rows[id.Row]]
		if t.ID != nil {
			t.selID = t.ID(r)
		}
		if t.OnSelected != nil && !t.quiet {
			t.OnSelected(r)
		}
	}
	t.Table.OnUnselected = func(widget.TableCellID) {
		if !t.quiet {
			t.selID = ""
		}
	}
	t.Search.OnChanged = func(string) { t.filter() }
	return t
}

// View is the search box and count above the table, and the empty note
// (SetEmpty) over it while there is no row.
func (t *listTable[R]) View() fyne.CanvasObject {
	return container.NewBorder(container.NewVBox(container.NewBorder(nil, nil, nil, t.Count, t.Search), t.Empty.View()), nil, nil, nil, t.Table)
}

// SetEmpty sets what the table says while it has no row at all (a search
// that matches nothing says nothing: the count shows it).
func (t *listTable[R]) SetEmpty(key string) {
	t.emptyKey = key
	t.Empty.Say(len(t.all) == 0, key)
}

// Set replaces the rows, keeping the search and the order.
func (t *listTable[R]) Set(rows []R) {
	t.all = rows
	t.texts = make([][]string, len(rows))
	t.keys = make([]string, len(rows))
	var b strings.Builder
	for i, r := range rows {
		b.Reset()
		t.texts[i] = make([]string, len(t.cols))
		for j, c := range t.cols {
			if c.text != nil {
				t.texts[i][j] = c.text(r)
				b.WriteString(t.texts[i][j])
				b.WriteByte('\t')
			}
		}
		t.keys[i] = strings.ToLower(b.String())
	}
	if t.emptyKey != "" {
		t.Empty.Say(len(rows) == 0, t.emptyKey)
	}
	t.filter()
}

// filter shows the rows matching the search, in the chosen order.
func (t *listTable[R]) filter() {
	q := strings.ToLower(strings.TrimSpace(t.Search.Text))
	t.rows = t.rows[:0]
	for i, k := range t.keys {
		if q == "" || strings.Contains(k, q) {
			t.rows = append(t.rows, i)
		}
	}
	t.sortRows()
	t.Count.SetText(T("list.count", "Count", len(t.rows)))
	t.quiet = true
	t.Table.UnselectAll()
	t.reselect()
	t.quiet = false
	t.Table.Refresh()
}

// reselect chooses again the row chosen before, if it is still shown.
func (t *listTable[R]) reselect() {
	if t.ID == nil || t.selID == "" {
		return
	}
	for i, r := range t.rows {
		if t.ID(t.all[r]) == t.selID {
			t.Table.Select(widget.TableCellID{Row: i, Col: 0})
			return
		}
	}
}

// Selected returns the row chosen, if it is shown (rows with an ID only).
func (t *listTable[R]) Selected() (R, bool) {
	var zero R
	if t.ID == nil || t.selID == "" {
		return zero, false
	}
	for _, r := range t.rows {
		if t.ID(t.all[r]) == t.selID {
			return t.all[r], true
		}
	}
	return zero, false
}

// SortBy sorts by a column; a second tap on the same column reverses.
func (t *listTable[R]) SortBy(col int) {
	if col == t.sortCol {
		t.desc = !t.desc
	} else {
		t.sortCol, t.desc = col, false
	}
	t.sortRows()
	t.quiet = true
	t.reselect() // the same row, at its new place
	t.quiet = false
	t.Table.Refresh()
}

func (t *listTable[R]) sortRows() {
	col := t.sortCol
	less := func(a, b int) bool { return t.texts[a][col] < t.texts[b][col] }
	if c := t.cols[col]; c.less != nil {
		less = func(a, b int) bool { return c.less(t.all[a], t.all[b]) }
	} else if c.text == nil {
		return
	}
	sort.SliceStable(t.rows, func(i, j int) bool {
		if t.desc {
			return less(t.rows[j], t.rows[i])
		}
		return less(t.rows[i], t.rows[j])
	})
}

// Rows returns the rows as shown.
func (t *listTable[R]) Rows() []R {
	out := make([]R, len(t.rows))
	for i, r := range t.rows {
		out[i] = t.all[r]
	}
	return out
}

// Cell returns the text shown at a row and column.
func (t *listTable[R]) Cell(row, col int) string {
	if row < 0 || row >= len(t.rows) {
		return ""
	}
	return t.texts[t.rows[row]][col]
}

// sortableHeader makes a table's header row buttons that sort by their
// column, the sorted one marked with the direction.
func sortableHeader(tb *widget.Table, title func(col int) string, sorted func() (col int, desc bool), sortBy func(col int)) {
	tb.ShowHeaderColumn = false
	tb.CreateHeader = func() fyne.CanvasObject {
		b := widget.NewButton("", nil)
		b.Importance = widget.LowImportance
		b.Alignment = widget.ButtonAlignLeading
		return b
	}
	tb.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col < 0 {
			return
		}
		b := o.(*widget.Button)
		b.SetText(title(id.Col))
		b.SetIcon(nil)
		if col, desc := sorted(); id.Col == col {
			b.SetIcon(theme.MenuDropDownIcon())
			if desc {
				b.SetIcon(theme.MenuDropUpIcon())
			}
		}
		col := id.Col
		b.OnTapped = func() { sortBy(col) }
	}
}
