package ui

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"kaohe/internal/kaohe"
)

func (m *ManagersScreen) toolbar() fyne.CanvasObject {
	add := primaryButton(T("managers.add"), theme.ContentAddIcon(), func() { m.EditDialog(nil) })
	m.ProfileBtn = widget.NewButtonWithIcon(T("managers.profile"), theme.InfoIcon(), func() {
		if r, ok := m.selected(); ok {
			m.ShowProfile(r.ID)
		}
	})
	m.DeleteBtn = widget.NewButtonWithIcon(T("managers.delete"), theme.DeleteIcon(), func() {
		if r, ok := m.selected(); ok {
			m.confirmDelete(r)
		}
	})
	m.del = newSaver(m.e, m.DeleteBtn)
	return container.NewHBox(
		add,
		widget.NewButtonWithIcon(T("managers.edit"), theme.DocumentCreateIcon(), func() {
			if r, ok := m.selected(); ok {
				m.EditDialog(&r)
			}
		}),
		m.ProfileBtn,
		widget.NewButtonWithIcon(T("managers.leave"), theme.LogoutIcon(), func() {
			if r, ok := m.selected(); ok {
				m.LeaveDialog(r)
			}
		}),
		m.DeleteBtn,
		widget.NewButtonWithIcon(T("excel.import_roster"), theme.FolderOpenIcon(), func() { m.e.chooseXLSX(func(p string) { m.ImportRoster(p) }) }),
		widget.NewButtonWithIcon(T("excel.export_roster"), theme.DownloadIcon(), func() {
			m.e.exportXLSX(T("excel.roster_file"), func(ctx context.Context, p string) error { return m.e.svc.ExportRoster(ctx, p) })
		}),
	)
}

// Select selects a row as a click would.
func (m *ManagersScreen) Select(row int) {
	m.Table.Select(widget.TableCellID{Row: row, Col: 0})
	m.sel = row
}

func (m *ManagersScreen) selected() (kaohe.ManagerLevel, bool) {
	if m.sel < 0 || m.sel >= len(m.rows) {
		m.e.info(T("managers.title"), T("managers.select_first"))
		return kaohe.ManagerLevel{}, false
	}
	return m.rows[m.sel], true
}

// ManagerForm holds the fields of the add/edit dialog.
type ManagerForm struct {
	No, Name, Phone, Hired, Note *field
	Gender                       *selectOf[kaohe.Gender]
	Education                    *selectOf[kaohe.Education]
	Level                        *selectOf[kaohe.Level]
	Dialog                       *formDialog
}

// hireLevels are the levels the new-manager form offers: those HQ lets a
// showroom give (kaohe.Levels.HireLevels), the policy's level 1 until the
// list has been read.
func (m *ManagersScreen) hireLevels() []kaohe.Level {
	if len(m.hire) == 0 {
		return []kaohe.Level{kaohe.Level1}
	}
	return m.hire
}

// EditDialog opens the form for a new manager (nil) or an existing one.
func (m *ManagersScreen) EditDialog(existing *kaohe.ManagerLevel) *ManagerForm {
	f := &ManagerForm{
		No: newField(), Name: newField(), Phone: newField(), Hired: newField(), Note: newMultiField(),
		Gender:    newSelectOf([]kaohe.Gender{kaohe.GenderMale, kaohe.GenderFemale}, func(g kaohe.Gender) string { return T("gender." + string(g)) }, nil),
		Education: newSelectOf(kaohe.Educations(), func(e kaohe.Education) string { return Tr(e.Name()) }, nil),
		// Only a level HQ accepts for a new hire (level 1 unless HQ's
		// reference data says more); every later level is HQ's decision.
		Level: newSelectOf(m.hireLevels(), LevelName, nil),
	}
	f.Hired.SetPlaceHolder(T("hint.date"))
	f.Note.SetMinRowsVisible(2)
	items := []*widget.FormItem{
		{Text: T("col.employee_no"), Widget: f.No},
		{Text: T("col.name"), Widget: f.Name},
		{Text: T("col.gender"), Widget: f.Gender},
		{Text: T("col.education"), Widget: f.Education},
		{Text: T("col.hire_date"), Widget: f.Hired},
		{Text: T("col.phone"), Widget: f.Phone},
	}
	title := T("managers.add")
	if existing == nil {
		f.Level.SetSelectedIndex(0)
		items = append(items, &widget.FormItem{Text: T("col.level"), Widget: f.Level, HintText: T("managers.level_hint")})
	} else {
		title = T("managers.edit") + " " + managerLabel(*existing)
		f.No.SetText(existing.EmployeeNo)
		f.Name.SetText(existing.Name)
		f.Gender.Set(existing.Gender)
		f.Education.Set(existing.Education)
		f.Hired.SetText(existing.HireDate.String())
		f.Phone.SetText(existing.Phone)
		f.Note.SetText(existing.Note)
	}
	items = append(items, &widget.FormItem{Text: T("col.note"), Widget: f.Note})
	f.Dialog = newFormDialog(m.e, title, widget.NewForm(items...), func() (func(context.Context) error, error) {
		var mg kaohe.Manager
		if existing != nil {
			mg = existing.Manager
		} else {
			mg.Status = kaohe.StatusActive
		}
		mg.EmployeeNo = strings.TrimSpace(f.No.Text)
		mg.Name = strings.TrimSpace(f.Name.Text)
		mg.Phone = strings.TrimSpace(f.Phone.Text)
		mg.Note = f.Note.Text
		mg.Gender, _ = f.Gender.Value()
		mg.Education, _ = f.Education.Value()
		mg.HireDate = kaohe.Date{}
		if s := strings.TrimSpace(f.Hired.Text); s != "" {
			d, err := kaohe.ParseDate(s)
			if err != nil { // said with the form's other problems, all at once
				var p kaohe.Problems
				p.Add(err.(*kaohe.Error).OnField("hire_date"))
				p.Add(mg.Validate())
				return nil, p.Err()
			}
			mg.HireDate = d
		}
		e, level := m.e, kaohe.Level1
		if existing == nil {
			level, _ = f.Level.Value()
		}
		return func(ctx context.Context) (err error) {
			if existing == nil {
				_, err = e.svc.CreateManager(ctx, e.actor, mg, level)
			} else {
				_, err = e.svc.UpdateManager(ctx, e.actor, mg)
			}
			return err
		}, nil // the list is read again through the data version
	})
	f.Dialog.d.Show()
	return f
}

// LeaveDialog marks a manager as having left on a date; the history stays.
// A date still ahead is a planned leave: the manager stays active until
// then. An application under review gets a warning: the dialog opens at
// once and the manager's applications are read in the background (the
// read is dropped when the dialog closes first).
func (m *ManagersScreen) LeaveDialog(r kaohe.ManagerLevel) *LeaveForm {
	l := &LeaveForm{Date: newField(), Warning: wrapLabel("")}
	date := l.Date
	date.SetText(m.e.today().String())
	date.SetPlaceHolder(T("hint.date"))
	l.Warning.Importance = widget.WarningImportance
	l.Warning.Hide()
	plan := wrapLabel("")
	plan.Importance = widget.LowImportance
	date.OnChanged = func(s string) {
		if d, err := kaohe.ParseDate(s); err == nil && d.After(m.e.today()) {
			plan.SetText(T("managers.leave_planned", "Date", FormatDate(d)))
		} else {
			plan.SetText("")
		}
	}
	items := []*widget.FormItem{widget.NewFormItem(T("col.left_on"), date), widget.NewFormItem("", container.NewVBox(l.Warning, plan))}
	e := m.e
	l.Dialog = newFormDialog(e, T("managers.leave")+" "+managerLabel(r), widget.NewForm(items...), func() (func(context.Context) error, error) {
		d, err := kaohe.ParseDate(date.Text)
		if err != nil {
			return nil, err.(*kaohe.Error).OnField("left_on")
		}
		mg := r.Manager
		mg.Status, mg.LeftOn = kaohe.StatusLeft, d
		return func(ctx context.Context) error {
			_, err := e.svc.UpdateManager(ctx, e.actor, mg)
			return err
		}, nil
	})
	// The check: its own loader, stopped with the dialog (Cancel, Escape,
	// or once saved).
	check := &loader{e: e}
	l.Dialog.onCancel = check.stop
	load(check, func(ctx context.Context) ([]kaohe.ApplicationView, error) {
		return e.svc.Applications(ctx, r.ID)
	}, func(apps []kaohe.ApplicationView, err error) {
		if err != nil {
			return // the warning is advice: the save is checked by the service
		}
		for _, a := range apps {
			if a.Review.State.UnderReview() {
				l.Warning.SetText(T("managers.leave_under_review", "Level", LevelName(a.TargetLevel), "State", T("state."+string(a.Review.State))))
				l.Warning.Show()
				break
			}
		}
	})
	l.Dialog.d.Show()
	return l
}

// LeaveForm is the leave dialog's fields.
type LeaveForm struct {
	Date    *field
	Warning *widget.Label // an application under review, once read
	Dialog  *formDialog
}

func (m *ManagersScreen) confirmDelete(r kaohe.ManagerLevel) {
	e := m.e
	e.confirm(T("managers.delete"), T("managers.delete_confirm", "Who", managerLabel(r)), func() {
		saveErr(m.del, func(ctx context.Context) error { return e.svc.DeleteManager(ctx, e.actor, r.ID) }, e.showError)
	})
}

// ShowProfile replaces the list with a manager's profile until Back: read
// in the background (Profile disabled and the count line saying 正在读取
// meanwhile), dropped when the screen goes away first.
func (m *ManagersScreen) ShowProfile(id string) {
	e := m.e
	m.ProfileBtn.Disable()
	m.profiling = true
	m.Count.SetText(T("loading"))
	load(m.prof, func(ctx context.Context) (kaohe.Profile, error) { return e.svc.Profile(ctx, id) }, func(p kaohe.Profile, err error) {
		m.profiled()
		if err != nil {
			e.showError(err)
			return
		}
		list := m.body.Objects[0]
		v := newProfileView(e, p, func() {
			m.Profile = nil
			m.body.Objects = []fyne.CanvasObject{list}
			m.body.Refresh()
			m.Reload()
		})
		m.Profile = v
		m.body.Objects = []fyne.CanvasObject{v.view}
		m.body.Refresh()
	})
}

// profiled ends a profile's read: answered, or abandoned.
func (m *ManagersScreen) profiled() {
	if !m.profiling {
		return
	}
	m.profiling = false
	m.ProfileBtn.Enable()
	m.Count.SetText(T("managers.count", "Count", len(m.rows)))
}

// ProfileView shows one manager: particulars, level history, assessments,
// trainings, rewards and penalties, applications and certificates, with
// buttons that print their documents.
type ProfileView struct {
	P    kaohe.Profile
	Tabs *container.AppTabs
	view fyne.CanvasObject
}

func newProfileView(e *env, p kaohe.Profile, back func()) *ProfileView {
	v := &ProfileView{P: p}
	lines := func(rows []string) fyne.CanvasObject {
		if len(rows) == 0 {
			rows = []string{T("dash.none")}
		}
		l := wrapLabel(strings.Join(rows, "\n"))
		return container.NewVScroll(l)
	}
	var hist, asses, trains, rewards, apps, certs []string
	for _, c := range p.LevelHistory {
		from := T("profile.hired")
		if c.From != 0 {
			from = LevelName(c.From)
		}
		hist = append(hist, Textf("%s　%s → %s　%s（%s）", FormatDate(c.Date), from, LevelName(c.To), c.Reason, c.DecidedBy))
	}
	for _, a := range p.Assessments {
		asses = append(asses, Textf("%s　%s %s　%s %s　%s", a.PeriodID, T("assess.total"), numText(a.Total), T("assess.grade"), T("grade."+a.Grade), T("astatus."+string(a.Status))))
	}
	var hours float64
	for _, t := range p.Trainings {
		hours += t.Attendance.CreditedHours(t.Training)
		trains = append(trains, Textf("%s　%s　%s　%s h　%s", FormatDate(t.Training.Date), Tr(kaohe.NameOf(kaohe.TrainingCategories(), t.Training.Category)),
			t.Training.Title, numText(t.Training.Hours), T("attend."+string(t.Attendance.Result))))
	}
	for _, r := range p.Rewards {
		info, _ := r.Type.Info()
		amount := ""
		if info.HasAmount {
			amount = fmt.Sprintf(" %d %s", r.Amount, T("unit.yuan"))
		}
		rewards = append(rewards, Textf("%s　%s%s　%s（%s）", FormatDate(r.Date), Tr(info.Name), amount, r.Reason, r.DecidedBy))
	}
	for _, a := range p.Applications {
		apps = append(apps, Textf("%s → %s　%s", LevelName(a.TargetLevel), T("state."+string(a.Review.State)), countLine(a.Report)))
	}
	for _, c := range p.Certificates {
		certs = append(certs, Textf("%s　%s　%s", c.Serial, LevelName(c.Level), FormatDate(c.GrantedOn)))
	}
	no := p.EmployeeNo
	buttons := container.NewHBox(
		widget.NewButtonWithIcon(T("action.back"), theme.NavigateBackIcon(), back),
		widget.NewButtonWithIcon(T("doc.report"), theme.DocumentPrintIcon(), func() {
			e.makePDF(T("doc.report")+"-"+no, func(ctx context.Context, path string) error { return e.svc.ReportPDF(ctx, no, "", path) })
		}),
		widget.NewButtonWithIcon(T("doc.application"), theme.DocumentPrintIcon(), func() {
			e.makePDF(T("doc.application")+"-"+no, func(ctx context.Context, path string) error { return e.svc.ApplicationPDF(ctx, no, path) })
		}),
		widget.NewButtonWithIcon(T("doc.certificate"), theme.DocumentPrintIcon(), func() {
			e.makePDF(T("doc.certificate")+"-"+no, func(ctx context.Context, path string) error { return e.svc.CertificatePDF(ctx, e.actor, no, path) })
		}),
	)
	info := widget.NewLabel(Textf("%s　%s　%s　%s　%s %s　%s %s　%s %s h",
		managerLabel(p.ManagerLevel), LevelName(p.Level), Tr(p.Education.Name()), T("status."+string(p.Status)),
		T("col.hire_date"), FormatDate(p.HireDate), T("col.phone"), p.Phone, T("profile.hours"), numText(hours)))
	info.Wrapping = fyne.TextWrapWord
	v.Tabs = container.NewAppTabs(
		container.NewTabItem(T("profile.levels"), lines(hist)),
		container.NewTabItem(T("profile.assessments"), lines(asses)),
		container.NewTabItem(T("profile.trainings"), lines(trains)),
		container.NewTabItem(T("profile.rewards"), lines(rewards)),
		container.NewTabItem(T("profile.applications"), lines(apps)),
		container.NewTabItem(T("profile.certificates"), lines(certs)),
	)
	v.view = container.NewBorder(container.NewVBox(buttons, info, widget.NewSeparator()), nil, nil, nil, v.Tabs)
	return v
}

// countLine says how long a report is.
func countLine(report string) string {
	return T("apply.count_short", "Count", kaohe.CountChars(report))
}

// ImportRoster previews a roster workbook for import.
func (m *ManagersScreen) ImportRoster(path string) *ImportDialog {
	return m.e.importFile(path, m.e.svc.PreviewRoster, m.Reload)
}
