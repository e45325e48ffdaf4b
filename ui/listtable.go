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
	txt      rowTexts[R] // all's texts, made when first needed
	rows     []int       // shown, filtered and sorted: indexes into all
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
				objs[0].(*widget.Label).SetText(t.txt.text(t.cols, t.rows[id.Row], id.Col))
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
	v := container.NewBorder(container.NewVBox(container.NewBorder(nil, nil, nil, t.Count, t.Search), t.Empty.View()), nil, nil, nil, t.Table)
	t.Empty.In(v)
	return v
}

// SetEmpty sets what the table says while it has no row at all (a search
// that matches nothing says nothing: the count shows it).
func (t *listTable[R]) SetEmpty(key string) {
	t.emptyKey = key
	t.Empty.Say(len(t.all) == 0, key)
}

// Set replaces the rows, keeping the search and the order.
func (t *listTable[R]) Set(rows []R) { t.SetPrepared(t.prepare(rows, t.view())) }

// tableView is how a listTable shows its rows: the search and the order.
type tableView struct {
	query string // lower-cased
	col   int
	desc  bool
}

// view is the search and order now (UI thread).
func (t *listTable[R]) view() tableView {
	return tableView{query: strings.ToLower(strings.TrimSpace(t.Search.Text)), col: t.sortCol, desc: t.desc}
}

// rowTexts are the texts of a list's rows, made only when needed: a
// column's for every row when the list is sorted by it, and the texts
// searched when something is typed in the search box. The rows drawn ask
// their columns directly. Lists of tens of thousands of rows (HQ's filing
// queue, the audit) then make a few thousand strings where they made a
// hundred thousand, most never shown.
type rowTexts[R any] struct {
	all   []R
	byCol [][]string // per column: each row's text; nil until needed
	keys  []string   // per row: every column's text, lower-cased; nil until needed
}

func newRowTexts[R any](all []R, cols int) rowTexts[R] {
	return rowTexts[R]{all: all, byCol: make([][]string, cols)}
}

// text is what row i shows in column j.
func (x *rowTexts[R]) text(cols []column[R], i, j int) string {
	if j < len(x.byCol) && x.byCol[j] != nil {
		return x.byCol[j][i]
	}
	if cols[j].text == nil {
		return ""
	}
	return cols[j].text(x.all[i])
}

// column is every row's text in column j (a sort by it).
func (x *rowTexts[R]) column(cols []column[R], j int) []string {
	if len(x.byCol) != len(cols) {
		x.byCol = make([][]string, len(cols))
	}
	if x.byCol[j] == nil && cols[j].text != nil {
		c := make([]string, len(x.all))
		for i, r := range x.all {
			c[i] = cols[j].text(r)
		}
		x.byCol[j] = c
	}
	return x.byCol[j]
}

// searched is every row's texts, lower-cased, for the search box.
func (x *rowTexts[R]) searched(cols []column[R]) []string {
	if x.keys != nil || len(x.all) == 0 {
		return x.keys
	}
	keys := make([]string, len(x.all))
	var b strings.Builder
	for i := range x.all {
		b.Reset()
		for j, c := range cols {
			if c.text != nil {
				b.WriteString(x.text(cols, i, j))
				b.WriteByte('\t')
			}
		}
		keys[i] = strings.ToLower(b.String())
	}
	x.keys = keys
	return keys
}

// tableRows are rows made ready to show: their texts as far as made, and
// the rows shown for a view, filtered and sorted.
type tableRows[R any] struct {
	all   []R
	txt   rowTexts[R]
	view  tableView
	order []int // for view; nil: not made (SetPrepared filters)
}

// prepare makes rows ready for Set. It reads only the columns' text and
// order functions, so it may run in a screen's background work (for lists
// of thousands: the filtering and sorting, and the texts they need, are
// most of the cost of showing them), given the view read on the UI thread
// before. The order of a column with its own cell (an editable one, whose
// order may read the screen's state) is left for SetPrepared to make.
func (t *listTable[R]) prepare(rows []R, v tableView) tableRows[R] {
	p := tableRows[R]{all: rows, txt: newRowTexts(rows, len(t.cols)), view: v}
	if v.col >= 0 && v.col < len(t.cols) && t.cols[v.col].create == nil {
		p.order = filterRows(&p.txt, t.cols, v.query, nil)
		sortRows(p.order, t.cols, &p.txt, v.col, v.desc)
	}
	return p
}

// SetPrepared shows rows made by prepare, keeping the search and the
// order (made again if they changed since prepare was given them).
func (t *listTable[R]) SetPrepared(p tableRows[R]) {
	t.all, t.txt = p.all, p.txt
	if p.order == nil || p.view != t.view() {
		t.filter()
	} else {
		t.rows = p.order
		t.shown()
	}
	// Said once the rows match t.all: the note lays out the table again.
	if t.emptyKey != "" {
		t.Empty.Say(len(p.all) == 0, t.emptyKey)
	}
}

// filterRows returns the indexes of the rows whose texts contain q (all
// for "", without making any text).
func filterRows[R any](x *rowTexts[R], cols []column[R], q string, into []int) []int {
	if into == nil {
		into = make([]int, 0, len(x.all))
	}
	if q == "" {
		for i := range x.all {
			into = append(into, i)
		}
		return into
	}
	for i, k := range x.searched(cols) {
		if strings.Contains(k, q) {
			into = append(into, i)
		}
	}
	return into
}

// filter shows the rows matching the search, in the chosen order.
func (t *listTable[R]) filter() {
	v := t.view()
	t.rows = filterRows(&t.txt, t.cols, v.query, t.rows[:0])
	t.sortRows()
	t.shown()
}

// shown tells the count and draws the rows filtered and sorted, the row
// chosen before chosen again if it is still shown.
func (t *listTable[R]) shown() {
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

func (t *listTable[R]) sortRows() { sortRows(t.rows, t.cols, &t.txt, t.sortCol, t.desc) }

// sortRows orders rows (indexes into the rows of x) by a column.
func sortRows[R any](rows []int, cols []column[R], x *rowTexts[R], col int, desc bool) {
	var less func(a, b int) bool
	if c := cols[col]; c.less != nil {
		less = func(a, b int) bool { return c.less(x.all[a], x.all[b]) }
	} else if c.text == nil {
		return
	} else {
		texts := x.column(cols, col)
		less = func(a, b int) bool { return texts[a] < texts[b] }
	}
	sort.SliceStable(rows, func(i, j int) bool {
		if desc {
			return less(rows[j], rows[i])
		}
		return less(rows[i], rows[j])
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
	return t.txt.text(t.cols, t.rows[row], col)
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
