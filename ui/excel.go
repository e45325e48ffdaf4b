package ui

import (
	"context"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"kaohe/internal/kaohe"
)

// chooseXLSX asks for a workbook to open.
func (e *env) chooseXLSX(then func(path string)) {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			e.showError(err)
			return
		}
		if r == nil {
			return
		}
		r.Close()
		then(r.URI().Path())
	}, e.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".xlsx"}))
	track(e.win.Canvas(), d, nil)
	d.Show()
}

// exportXLSX writes a workbook into the documents folder and opens it.
// It is written in the background.
func (e *env) exportXLSX(name string, write func(ctx context.Context, path string) error) {
	e.makeFile(filepath.Join(e.docDir, name+".xlsx"), write, func(path string) {
		e.info(T("excel.exported"), T("excel.exported_to", "Path", path))
		e.open(path)
	})
}

// ImportDialog previews a spreadsheet row by row, saving nothing until the
// user confirms; then the valid rows go in one transaction. The workbook is
// read in the background with the rows read so far shown; Cancel stops the
// reading (nothing is kept) or the save (its transaction is rolled back
// whole).
type ImportDialog struct {
	Preview  kaohe.ImportPreview
	Import   *widget.Button
	Cancel   *widget.Button
	Summary  *widget.Label
	Status   *widget.Label // reading…, rows read, saving…
	Progress *widget.ProgressBarInfinite
	d        *dialog.CustomDialog

	cancel context.CancelFunc // the reading or the save under way
	closed bool               // cancelled or finished: late results are dropped
	saving bool
}

// importFile reads path with preview in the background and shows the rows
// when read; done runs after a confirmed import.
func (e *env) importFile(path string, preview func(ctx context.Context, path string) (kaohe.ImportPreview, error), done func()) *ImportDialog {
	id := &ImportDialog{}
	var lines []string
	// One line per row of the workbook, drawn only when on screen: a roster
	// of thousands opens at once.
	// A long line ends in … and shows whole below the list when chosen.
	detail := wrapLabel("")
	list := widget.NewList(func() int { return len(lines) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(lines[i]) })
	list.OnSelected = func(i widget.ListItemID) { detail.SetText(lines[i]) }
	id.Summary = wrapLabel("")
	id.Status = wrapLabel(T("excel.reading", "File", filepath.Base(path)))
	id.Progress = widget.NewProgressBarInfinite()
	id.Cancel = widget.NewButton(T("Cancel"), id.cancelTapped(e))
	id.Import = widget.NewButton(T("excel.import_n", "Count", 0), nil)
	id.Import.Importance = widget.HighImportance
	id.Import.Disable()
	id.Import.OnTapped = func() { id.save(e, done) }
	content := container.NewBorder(container.NewVBox(id.Summary, id.Status), container.NewVBox(detail, id.Progress, container.NewHBox(id.Cancel, id.Import)), nil, nil, list)
	id.d = dialog.NewCustomWithoutButtons(T("excel.preview"), content, e.win)
	id.d.Resize(fyne.NewSize(760, 520))
	trackWith(e.win.Canvas(), id.d, func() {
		if !id.Cancel.Disabled() {
			id.Cancel.OnTapped()
		}
	}, nil)
	id.d.Show()

	ctx, cancel := context.WithCancel(e.ctx)
	id.cancel = cancel
	ctx = kaohe.WithProgress(ctx, func(n, _ int) {
		e.work.post(func() {
			if !id.closed && id.Preview.ID == "" {
				id.Status.SetText(T("excel.read_rows", "Rows", n))
			}
		})
	})
	e.work.started()
	go func() {
		p, err := preview(ctx, path)
		if ctx.Err() != nil { // cancelled: what was read goes
			if err == nil {
				e.svc.DropImport(p.ID)
			}
			e.work.done(nil)
			return
		}
		e.work.deliver(func() {
			if id.closed { // cancelled meanwhile
				if err == nil {
					e.svc.DropImport(p.ID)
				}
				return
			}
			if err != nil {
				id.closed = true
				id.d.Hide()
				e.showError(err)
				return
			}
			id.Preview = p
			for _, r := range p.Rows {
				mark := "✓ " + T("excel.new")
				if r.Update {
					mark = "✓ " + T("excel.update")
				}
				if r.Err != nil {
					mark = "✗ " + ErrorText(r.Err)
				}
				lines = append(lines, Textf("%s %d　%s　%s", T("excel.row"), r.Row, r.Summary, mark))
			}
			list.Refresh()
			id.Summary.SetText(T("excel.summary", "Valid", p.Valid, "Bad", len(p.Rows)-p.Valid))
			id.Status.Hide()
			id.Progress.Hide()
			id.Import.SetText(T("excel.import_n", "Count", p.Valid))
			if p.Valid > 0 {
				id.Import.Enable()
			}
		})
	}()
	return id
}

// cancelTapped stops what runs: the reading closes the dialog at once and
// keeps nothing; a save is rolled back whole, and its end says so.
func (id *ImportDialog) cancelTapped(e *env) func() {
	return func() {
		if id.cancel != nil {
			id.cancel()
		}
		if id.saving {
			id.Cancel.Disable()
			return
		}
		id.closed = true
		if id.Preview.ID != "" {
			e.svc.DropImport(id.Preview.ID)
		}
		id.d.Hide()
	}
}

// save imports the valid rows in one transaction, in the background.
func (id *ImportDialog) save(e *env, done func()) {
	id.saving = true
	id.Import.Disable()
	id.Status.SetText(T("excel.saving"))
	id.Status.Show()
	id.Progress.Show()
	ctx, cancel := context.WithCancel(e.ctx)
	id.cancel = cancel
	previewID := id.Preview.ID
	// Not the screen's loader: leaving the screen does not abandon a save.
	e.work.started()
	go func() {
		n, err := e.svc.ConfirmImport(ctx, e.actor, previewID)
		cancelled := ctx.Err() != nil && err != nil
		cancel()
		e.work.deliver(func() {
			id.closed = true
			id.d.Hide()
			switch {
			case cancelled:
				e.info(T("Cancel"), T("excel.cancelled"))
			case err != nil:
				e.showError(err)
			default:
				e.info(T("excel.imported"), T("excel.imported_n", "Count", n))
				done()
			}
		})
	}()
}
