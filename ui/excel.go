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
func (e *env) exportXLSX(name string, write func(path string) error) {
	path := filepath.Join(e.docDir, name+".xlsx")
	if err := write(path); err != nil {
		e.showError(err)
		return
	}
	e.info(T("excel.exported"), T("excel.exported_to", "Path", path))
	e.open(path)
}

// ImportDialog previews a spreadsheet row by row, saving nothing until the
// user confirms; then the valid rows go in one transaction.
type ImportDialog struct {
	Preview kaohe.ImportPreview
	Import  *widget.Button
	Summary *widget.Label
	d       *dialog.CustomDialog
}

// importFile parses path with preview and shows the result.
func (e *env) importFile(path string, preview func(path string) (kaohe.ImportPreview, error), done func()) *ImportDialog {
	p, err := preview(path)
	if err != nil {
		e.showError(err)
		return nil
	}
	id := &ImportDialog{Preview: p}
	var lines []string
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
	id.Summary = wrapLabel(T("excel.summary", "Valid", p.Valid, "Bad", len(p.Rows)-p.Valid))
	progress := widget.NewProgressBarInfinite()
	progress.Hide()
	cancel := widget.NewButton(T("Cancel"), func() {
		e.svc.DropImport(p.ID)
		id.d.Hide()
	})
	id.Import = widget.NewButton(T("excel.import_n", "Count", p.Valid), nil)
	id.Import.Importance = widget.HighImportance
	if p.Valid == 0 {
		id.Import.Disable()
	}
	id.Import.OnTapped = func() {
		id.Import.Disable()
		cancel.Disable()
		progress.Show()
		// Its own loader: leaving the screen does not abandon a save.
		load(&loader{e: e}, func(ctx context.Context) (int, error) {
			return e.svc.ConfirmImport(ctx, e.actor, p.ID)
		}, func(n int, err error) {
			progress.Hide()
			id.d.Hide()
			if err != nil {
				e.showError(err)
				return
			}
			e.info(T("excel.imported"), T("excel.imported_n", "Count", n))
			done()
		})
	}
	content := container.NewBorder(id.Summary, container.NewVBox(detail, progress, container.NewHBox(cancel, id.Import)), nil, nil, list)
	id.d = dialog.NewCustomWithoutButtons(T("excel.preview"), content, e.win)
	id.d.Resize(fyne.NewSize(760, 520))
	trackWith(e.win.Canvas(), id.d, func() {
		if !cancel.Disabled() {
			cancel.OnTapped()
		}
	}, nil)
	id.d.Show()
	return id
}
