package ui

import (
	"context"
	"errors"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"kaohe/internal/kaohe"
)

// DocumentScreen makes any document for any manager or period, and all the
// assessment reports of a period in one batch with progress and Cancel.
type DocumentScreen struct {
	loader
	e    *env
	view fyne.CanvasObject
	// Empty says why the screen has nothing to show and what to do.
	Empty *emptyNote

	Kind     *selectOf[string]
	Manager  *selectOf[string]
	Period   *selectOf[string]
	Make     *widget.Button
	Batch    *widget.Button
	Cancel   *widget.Button
	Progress *widget.ProgressBar
	Message  *widget.Label

	Serial  *field
	Code    *field
	Verdict *widget.Label
	// VerifyButton checks the certificate, in the background; it waits
	// while a check runs.
	VerifyButton *widget.Button
	verifying    loader
	managers     map[string]kaohe.ManagerLevel
	cancel       context.CancelFunc
	// done is closed when a batch ends (tests wait on it).
	done chan struct{}
}

var docKinds = []string{"certificate", "report", "application", "summary"}

func newDocumentScreen(e *env) *DocumentScreen {
	s := &DocumentScreen{loader: loader{e: e}, verifying: loader{e: e}, e: e}
	s.Kind = newSelectOf(docKinds, func(k string) string { return T("doc." + k) }, func(string) { s.enable() })
	s.Manager = newSelectOf[string](nil, func(id string) string { return managerLabel(s.managers[id]) }, nil)
	s.Period = newSelectOf[string](nil, func(string) string { return "" }, nil)
	s.Make = primaryButton(T("doc.make"), theme.DocumentPrintIcon(), s.makeOne)
	s.Serial, s.Code = newField(), newField()
	s.Batch = widget.NewButtonWithIcon(T("doc.batch"), theme.DocumentPrintIcon(), s.StartBatch)
	s.Cancel = widget.NewButtonWithIcon(T("Cancel"), theme.CancelIcon(), func() {
		if s.cancel != nil {
			s.cancel()
		}
	})
	s.Cancel.Disable()
	s.Progress = widget.NewProgressBar()
	s.Message = wrapLabel("")
	s.Kind.SetSelectedIndex(1)
	single := widget.NewForm(
		widget.NewFormItem(T("doc.kind"), s.Kind),
		widget.NewFormItem(T("assess.manager"), s.Manager),
		widget.NewFormItem(T("assess.period"), s.Period),
	)
	hint := wrapLabel(T("doc.hint", "Dir", e.docDir))
	hint.Importance = widget.LowImportance
	s.Serial.SetPlaceHolder("KH-2026-000001")
	s.Code.SetPlaceHolder(T("verify.code"))
	s.Verdict = wrapLabel("")
	s.VerifyButton = widget.NewButtonWithIcon(T("verify.check"), theme.SearchIcon(), s.Verify)
	verify := s.VerifyButton
	s.Empty = newEmptyNote()
	s.view = container.NewVBox(s.Empty.View(),
		bold(T("doc.single")), single, container.NewHBox(s.Make),
		widget.NewSeparator(),
		bold(T("doc.batch_title")), container.NewHBox(s.Batch, s.Cancel), s.Progress,
		s.Message, hint,
		widget.NewSeparator(),
		bold(T("verify.title")), container.NewGridWithColumns(3, s.Serial, s.Code, verify), s.Verdict,
	)
	s.Reload()
	return s
}

// View returns the screen's content.
func (s *DocumentScreen) View() fyne.CanvasObject { return s.view }

// stop abandons the reads in flight: the screen went away. A check under
// way is abandoned too; its button can be tapped again.
func (s *DocumentScreen) stop() {
	s.loader.stop()
	if s.verifying.cancel != nil {
		s.verifying.stop()
		s.VerifyButton.Enable()
		s.Verdict.SetText("")
	}
}

// Reload refreshes the pickers, read in the background.
func (s *DocumentScreen) Reload() {
	type read struct {
		active  []kaohe.ManagerLevel
		periods []kaohe.Period
	}
	e := s.e
	if s.Message.Text == "" {
		showLoading(s.Message)
	}
	load(&s.loader, func(ctx context.Context) (r read, err error) {
		if _, r.active, err = e.managers(ctx); err != nil {
			return r, err
		}
		r.periods, err = e.svc.Periods(ctx)
		return r, err
	}, func(r read, err error) {
		if err != nil {
			say(s.Message, ErrorText(err), true)
			return
		}
		doneLoading(s.Message)
		s.managers = s.e.fillManagers(s.Manager, r.active, true)
		s.Empty.Say(len(s.Manager.values) == 0, "empty.documents")
		setPeriods(s.Period, r.periods)
		s.enable()
	})
}

func (s *DocumentScreen) enable() {
	kind, _ := s.Kind.Value()
	if s.Manager == nil || s.Period == nil {
		return
	}
	if kind == "summary" {
		s.Manager.Disable()
	} else {
		s.Manager.Enable()
	}
	if kind == "report" || kind == "summary" {
		s.Period.Enable()
	} else {
		s.Period.Disable()
	}
}

func (s *DocumentScreen) makeOne() {
	kind, _ := s.Kind.Value()
	mid, _ := s.Manager.Value()
	pid, _ := s.Period.Value()
	m := s.managers[mid]
	if kind != "summary" && mid == "" {
		say(s.Message, T("managers.select_first"), true)
		return
	}
	name := T("doc."+kind) + "-" + m.EmployeeNo
	if kind == "summary" {
		name = T("doc.summary") + "-" + pid
	}
	path := s.e.docPath(name)
	e, actor, no := s.e, s.e.actor, m.EmployeeNo
	s.Make.Disable()
	say(s.Message, T("working"), false)
	// Its own loader: a document asked for is made even if the screen is left.
	run(&loader{e: e}, func(ctx context.Context) error {
		switch kind {
		case "certificate":
			return e.svc.CertificatePDF(ctx, actor, no, path)
		case "report":
			return e.svc.ReportPDF(ctx, no, pid, path)
		case "application":
			return e.svc.ApplicationPDF(ctx, no, path)
		case "summary":
			return e.svc.SummaryPDF(ctx, pid, path)
		}
		return nil
	}, func(err error) {
		s.Make.Enable()
		if err != nil {
			say(s.Message, ErrorText(err), true)
			return
		}
		say(s.Message, T("doc.made", "Path", path), false)
		e.open(path)
	})
}

// StartBatch makes every assessment report of the chosen period in the
// background; the progress bar follows, and Cancel stops it.
func (s *DocumentScreen) StartBatch() {
	pid, ok := s.Period.Value()
	if !ok {
		return
	}
	ctx, cancel := context.WithCancel(s.e.ctx) // Cancel, or the window closing, stops it
	s.cancel = cancel
	s.done = make(chan struct{})
	s.Batch.Disable()
	s.Cancel.Enable()
	s.Progress.SetValue(0)
	say(s.Message, T("doc.batch_running"), false)
	dir := filepath.Join(s.e.docDir, pid)
	e := s.e
	e.work.started()
	go func() {
		defer close(s.done)
		files, err := e.svc.ReportsPDF(ctx, dir, pid, func(done, total int) {
			e.work.post(func() { s.Progress.SetValue(float64(done) / float64(total)) })
		})
		cancel()
		e.work.deliver(func() {
			s.Batch.Enable()
			s.Cancel.Disable()
			switch {
			case errors.Is(err, context.Canceled):
				say(s.Message, T("doc.batch_cancelled", "Count", len(files), "Dir", dir), true)
			case err != nil:
				say(s.Message, ErrorText(err), true)
			default:
				say(s.Message, T("doc.batch_done", "Count", len(files), "Dir", dir), false)
			}
		})
	}()
}

// Wait blocks until the running batch ends and its news reached the
// screen (for tests).
func (s *DocumentScreen) Wait() {
	if s.done != nil {
		<-s.done
	}
	s.e.work.wait()
}

// Verify checks a certificate offline against HQ's keys: genuine, revoked,
// forged or unknown, with the certified content to compare with the paper.
// It runs in the background and cannot be started twice.
func (s *DocumentScreen) Verify() {
	if s.VerifyButton.Disabled() {
		return
	}
	serial, code, e := s.Serial.Text, s.Code.Text, s.e
	s.VerifyButton.Disable()
	say(s.Verdict, T("working"), false)
	type verdict struct {
		c kaohe.Certificate
		v kaohe.Verdict
	}
	load(&s.verifying, func(ctx context.Context) (verdict, error) {
		c, v, err := e.svc.VerifyCertificate(ctx, serial, code)
		return verdict{c, v}, err
	}, func(r verdict, err error) {
		s.verifying.stop() // done: nothing left to abandon
		s.VerifyButton.Enable()
		if err != nil {
			say(s.Verdict, ErrorText(err), true)
			return
		}
		c := r.c
		msg := T("verify."+string(r.v), "Name", c.HolderName, "Showroom", c.Showroom, "Level", LevelName(c.Level),
			"Date", FormatDate(c.GrantedOn), "Serial", c.Serial, "Reason", c.RevokedWhy)
		say(s.Verdict, msg, r.v != kaohe.Genuine)
	})
}
