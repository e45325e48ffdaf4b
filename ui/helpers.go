package ui

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"kaohe/internal/kaohe"
)

var bg = context.Background()

// env is what every screen shares: the service, the window for dialogs, who
// is working (for the audit trail) and where documents go.
type env struct {
	svc     Service
	win     fyne.Window
	actor   kaohe.Actor // the signed-in account
	docDir  string
	dataDir string
	offered string // the update offered at once after HQ refused this version
	// offering is the update's question while it is on screen; hold keeps
	// an update offered at once back while nobody may answer it.
	offering dialog.Dialog
	hold     func(version string) bool
	// openFile opens a document in the system viewer; tests record instead.
	openFile func(path string)
	now      func() time.Time

	ctx   context.Context // cancelled when the window closes
	work  inflight        // store work in flight (tests and benchmarks wait on it)
	data  version         // bumped by every write and every sync
	cache managerCache
	// wrote is told on the UI thread that a write of the window's went
	// through (saver): the screen shown reads again what changed.
	wrote func()
	// making holds the files being written in the background (UI thread).
	making map[string]bool
}

// today is the policy's day (kaohe.Today), the one the store and HQ
// judge by, whatever zone the PC is kept in.
func (e *env) today() kaohe.Date { return kaohe.Today(e.now()) }

// showError tells the user what went wrong, in their language.
func (e *env) showError(err error) {
	if err != nil {
		d := dialog.NewError(errorForDialog(err), e.win)
		track(e.win.Canvas(), d, d.Hide)
		d.Show()
	}
}

func (e *env) info(title, msg string) {
	d := dialog.NewInformation(title, msg, e.win)
	track(e.win.Canvas(), d, d.Hide)
	d.Show()
}

// confirm asks before something that cannot be undone; msg says what
// becomes final. Escape or the No button cancel; Enter does not confirm.
func (e *env) confirm(title, msg string, yes func()) dialog.Dialog {
	return e.ask(title, msg, func(ok bool) {
		if ok {
			yes()
		}
	})
}

// ask is confirm that hears the answer either way (false: no, Escape, or
// the dialog hidden).
func (e *env) ask(title, msg string, answer func(ok bool)) dialog.Dialog {
	// Broken into lines here: a wrapping label in a dialog is measured
	// before it has a width and then overlaps the buttons.
	l := widget.NewLabel(breakLines(msg, 480))
	d := dialog.NewCustomConfirm(title, T("Yes"), T("No"), l, answer, e.win)
	track(e.win.Canvas(), d, nil)
	d.Show()
	return d
}

// open opens a file with the system's viewer (PDFs are printed from there).
func (e *env) open(path string) {
	if e.openFile != nil {
		e.openFile(path)
		return
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		e.showError(err)
		return
	}
	// Starting a viewer can take seconds: never on the UI thread.
	go func() {
		if err := openPath(abs); err != nil {
			fyne.Do(func() { e.openFailed(abs, err) })
		}
	}()
}

// openFailed says the file is there although no program opened it (no PDF
// viewer installed, for instance): where it is, and why it did not open.
func (e *env) openFailed(path string, err error) {
	e.info(T("doc.open_failed_title"), T("doc.open_failed", "Path", path, "Detail", err.Error()))
}

// docPath is where a document of the given name goes.
func (e *env) docPath(name string) string {
	return filepath.Join(e.docDir, strings.Map(func(r rune) rune {
		if strings.ContainsRune(`\/:*?"<>| `, r) {
			return '_'
		}
		return r
	}, name)+".pdf")
}

// makePDF makes a document in the background and opens it. Asked again
// while it is being made, it is made once.
func (e *env) makePDF(name string, make func(ctx context.Context, path string) error) {
	e.makeFile(e.docPath(name), make, e.open)
}

// makeFile writes a file in the background (a document, a workbook), then
// hands it to done on the UI thread; an error is shown. The window's
// context: it ends only with the window.
func (e *env) makeFile(path string, make func(ctx context.Context, path string) error, done func(path string)) {
	if e.making[path] {
		return // already under way
	}
	if e.making == nil {
		e.making = map[string]bool{}
	}
	e.making[path] = true
	run(&loader{e: e}, func(ctx context.Context) error { return make(ctx, path) }, func(err error) {
		delete(e.making, path)
		if err != nil {
			e.showError(err)
			return
		}
		done(path)
	})
}

// formDialog is a dialog with fields and Save/Cancel that stays open when
// saving is refused, saying why beside the buttons. The form is checked on
// the UI thread; its write runs off it (saver): Save is disabled and says
// 正在保存 meanwhile, a second Save or Enter writes nothing twice, and Cancel
// or Escape cancel the write's context and close the dialog.
type formDialog struct {
	d       *dialog.CustomDialog
	errMsg  *widget.Label
	saveBtn *widget.Button
	sv      *saver
	// onCancel stops the dialog's own reads when it is cancelled.
	onCancel func()
}

// newFormDialog: save checks the form and returns the write to make (off the
// UI thread), or the form's problem. The dialog closes once the write went
// through; the screen behind reads again through the data version.
func newFormDialog(e *env, title string, form *widget.Form, save func() (write func(ctx context.Context) error, err error)) *formDialog {
	f := &formDialog{errMsg: widget.NewLabel("")}
	f.errMsg.Wrapping = fyne.TextWrapWord
	f.errMsg.Importance = widget.DangerImportance
	submit := func() {
		if f.sv.saving() {
			return
		}
		write, err := save()
		if err != nil {
			f.errMsg.SetText(ErrorText(err))
			return
		}
		f.errMsg.Importance = widget.LowImportance
		f.errMsg.SetText(T("saving"))
		saveErr(f.sv, write, func(err error) {
			f.errMsg.Importance = widget.DangerImportance
			if err != nil {
				f.errMsg.SetText(ErrorText(err))
				return
			}
			f.errMsg.SetText("")
			f.d.Hide()
		})
	}
	saveBtn := widget.NewButtonWithIcon(T("action.save"), theme.DocumentSaveIcon(), submit)
	saveBtn.Importance = widget.HighImportance
	f.saveBtn = saveBtn
	f.sv = newSaver(e, saveBtn)
	cancel := func() {
		f.sv.stop() // a write under way is cancelled (its transaction rolls back)
		if f.onCancel != nil {
			f.onCancel()
		}
		f.d.Hide()
	}
	content := container.NewBorder(nil, container.NewVBox(f.errMsg, container.NewHBox(layout.NewSpacer(), widget.NewButton(T("Cancel"), cancel), saveBtn)), nil, nil, form)
	f.d = dialog.NewCustomWithoutButtons(title, content, e.win)
	f.d.Resize(fyne.NewSize(560, 0))
	trackWith(e.win.Canvas(), f.d, cancel, submit)
	submitOnEnter(form, submit)
	return f
}

// selectOf is a Select over values shown by label, with typed access.
//
// It extends the embedded Select (ExtendBaseWidget), so the widget Fyne
// looks up for pop-ups, focus and repaints is this one, the object that
// sits in the window. Built from widget.NewSelect instead, Fyne would look
// for the inner Select, find no canvas for it and panic on a tap, and a
// value chosen from the keyboard would not be repainted.
type selectOf[V comparable] struct {
	*widget.Select
	values []V
}

func newSelectOf[V comparable](values []V, label func(V) string, changed func(V)) *selectOf[V] {
	s := &selectOf[V]{values: values}
	labels := make([]string, len(values))
	for i, v := range values {
		labels[i] = label(v)
	}
	s.Select = &widget.Select{Options: labels, PlaceHolder: T("select.placeholder")}
	s.Select.ExtendBaseWidget(s)
	if changed != nil {
		s.OnChanged = func(string) {
			if v, ok := s.Value(); ok {
				changed(v)
			}
		}
	}
	return s
}

// Value returns the chosen value.
func (s *selectOf[V]) Value() (V, bool) {
	i := s.SelectedIndex()
	if i < 0 || i >= len(s.values) {
		var zero V
		return zero, false
	}
	return s.values[i], true
}

// Set chooses v.
func (s *selectOf[V]) Set(v V) {
	for i, x := range s.values {
		if x == v {
			s.SetSelectedIndex(i)
			return
		}
	}
	s.ClearSelected()
}

// managerLabel shows a manager as "D001 张三".
func managerLabel(m kaohe.ManagerLevel) string { return m.EmployeeNo + " " + m.Name }

// parseNumber reads a number typed by a person; "" is not a number.
func parseNumber(s string) (float64, bool) {
	s = strings.TrimSpace(strings.NewReplacer("，", "", ",", "", "．", ".").Replace(s))
	if s == "" {
		return 0, false
	}
	v, err := strconv.ParseFloat(s, 64)
	return v, err == nil
}

// card is a titled panel of the dashboard.
func card(title string, content fyne.CanvasObject) fyne.CanvasObject {
	t := widget.NewLabelWithStyle(title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	bgRect := canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	bgRect.CornerRadius = 6
	return container.NewStack(bgRect, container.NewPadded(container.NewBorder(t, nil, nil, nil, content)))
}

func numText(v float64) string {
	if v == float64(int64(v)) {
		return fmt.Sprintf("%d", int64(v))
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// say shows a message on a label, red for a problem, green for success.
func say(l *widget.Label, msg string, problem bool) {
	l.Importance = widget.SuccessImportance
	if problem {
		l.Importance = widget.DangerImportance
	}
	l.SetText(msg)
}

// refill replaces the choices, keeping the chosen value when it is still
// there; otherwise it chooses the first when first is set.
func (s *selectOf[V]) refill(values []V, label func(V) string, first bool) {
	prev, had := s.Value()
	s.values = values
	s.Options = make([]string, len(values))
	for i, v := range values {
		s.Options[i] = label(v)
	}
	s.ClearSelected()
	if had {
		s.Set(prev)
	}
	if _, ok := s.Value(); !ok && first && len(values) > 0 {
		s.SetSelectedIndex(0)
	}
	s.Refresh()
}

// setPeriods fills a picker with the periods given, latest first.
func setPeriods(sel *selectOf[string], periods []kaohe.Period) {
	names := map[string]string{}
	ids := make([]string, len(periods))
	for i, p := range periods {
		ids[i], names[p.ID] = p.ID, Tr(p.Name)
	}
	sel.refill(ids, func(id string) string { return names[id] }, true)
}

// fillManagers fills a picker with the given managers and returns them by
// id (e.byID: shared by the screens, for lookups only).
func (e *env) fillManagers(sel *selectOf[string], ms []kaohe.ManagerLevel, first bool) map[string]kaohe.ManagerLevel {
	byID := e.byID(ms)
	ids := make([]string, len(ms))
	for i, m := range ms {
		ids[i] = m.ID
	}
	sel.refill(ids, func(id string) string { return managerLabel(byID[id]) }, first)
	return byID
}

// wrapLabel is a label that wraps at word boundaries, for messages and lists.
func wrapLabel(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// primaryButton is the screen's main action, drawn in the accent colour.
func primaryButton(label string, icon fyne.Resource, tapped func()) *widget.Button {
	b := widget.NewButtonWithIcon(label, icon, tapped)
	b.Importance = widget.HighImportance
	return b
}

// breakLines breaks text into lines no wider than width in the theme's
// text size: after a space in Latin text, between any two characters in
// Chinese. Existing line breaks stay.
func breakLines(text string, width float32) string {
	size := theme.TextSize()
	var out []string
	for _, para := range strings.Split(text, "\n") {
		runes := []rune(para)
		start, lastBreak := 0, -1
		for i := 0; i < len(runes); i++ {
			r := runes[i]
			if r == ' ' || r > 0x2E7F { // a space, or CJK (and its punctuation)
				lastBreak = i
			}
			if fyne.MeasureText(string(runes[start:i+1]), size, fyne.TextStyle{}).Width <= width {
				continue
			}
			cut := lastBreak
			if cut <= start { // one long word: cut it where it overflows
				cut = i
			}
			out = append(out, strings.TrimRight(string(runes[start:cut]), " "))
			start = cut
			if runes[start] == ' ' {
				start++
			}
			lastBreak = -1
			i = start - 1
		}
		out = append(out, string(runes[start:]))
	}
	return strings.Join(out, "\n")
}
