package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"kaohe/assets"
	"kaohe/internal/kaohe"
)

// Params wire the window.
type Params struct {
	App     fyne.App
	Service Service
	Actor   string // who works, for the audit trail
	DocDir  string // where documents are written
	DataDir string // the data folder, shown in Settings
	// OpenFile overrides opening documents in the system viewer (tests).
	OpenFile func(path string)
	// Now overrides the clock (tests).
	Now func() time.Time
}

// Preference keys, in one place.
const prefLanguage = "language"

// Window is the main window.
type Window struct {
	fyne.Window
	e    *env
	p    Params
	Tabs *container.AppTabs

	Dashboard    *DashboardScreen
	Managers     *ManagersScreen
	Assessments  *AssessmentScreen
	Applications *ApplicationScreen
	Targets      *TargetScreen
	Training     *TrainingScreen
	Rewards      *RewardScreen
	Research     *ResearchScreen
	Documents    *DocumentScreen
	Sync         *SyncScreen
	Settings     *SettingsScreen
	Review       *ReviewScreen    // HQ mode
	Reference    *ReferenceScreen // HQ mode
	Filing       *FilingScreen    // HQ mode
	HQReport     *HQReportScreen  // HQ mode

	reloaders []interface{ Reload() } // per tab, in order
}

// Icon returns the application icon.
func Icon() fyne.Resource { return fyne.NewStaticResource("icon.png", assets.Icon) }

// SavedLanguage is the language chosen in Settings, Chinese by default.
func SavedLanguage(a fyne.App) kaohe.Lang {
	if l := kaohe.Lang(a.Preferences().StringWithFallback(prefLanguage, string(kaohe.LangZh))); l == kaohe.LangEn {
		return l
	}
	return kaohe.LangZh
}

// NewWindow builds the main window.
func NewWindow(p Params) *Window {
	p.App.Settings().SetTheme(NewTheme())
	p.App.SetIcon(Icon())
	if p.Now == nil {
		p.Now = time.Now
	}
	w := &Window{Window: p.App.NewWindow(T("app.name")), p: p}
	w.SetIcon(Icon())
	w.e = &env{svc: p.Service, win: w.Window, actor: p.Actor, docDir: p.DocDir, dataDir: p.DataDir, openFile: p.OpenFile, now: p.Now}
	w.build()
	w.Resize(fyne.NewSize(1280, 800))
	return w
}

// build makes every screen in the current language.
func (w *Window) build() {
	e := w.e
	e.svc.SetLanguage(Language())
	w.SetTitle(T("app.name"))
	w.Dashboard = newDashboard(e)
	w.Managers = newManagersScreen(e)
	w.Assessments = newAssessmentScreen(e)
	w.Applications = newApplicationScreen(e)
	w.Targets = newTargetScreen(e)
	w.Training = newTrainingScreen(e)
	w.Rewards = newRewardScreen(e)
	w.Research = newResearchScreen(e)
	w.Documents = newDocumentScreen(e)
	w.Sync = newSyncScreen(e)
	w.Settings = newSettingsScreen(e, w.switchLanguage, w.reload)

	room := T("showroom.none")
	if sr, err := e.svc.Showroom(bg); err == nil {
		room = sr.Name
		if sr.Region != "" {
			room = sr.Region + " · " + sr.Name
		}
	}

	type screen struct {
		title string
		view  fyne.CanvasObject
		r     interface{ Reload() }
	}
	var screens []screen
	if e.svc.IsHQ(bg) {
		room = T("hq.title")
		w.Review = newReviewScreen(e)
		w.Reference = newReferenceScreen(e)
		w.Filing = newFilingScreen(e)
		w.HQReport = newHQReportScreen(e)
		all := newAllManagersScreen(e) // read-only: managers belong to their showrooms
		screens = []screen{
			{T("nav.review"), w.Review.View(), w.Review},
			{T("nav.filing"), w.Filing.View(), w.Filing},
			{T("nav.hq_report"), w.HQReport.View(), w.HQReport},
			{T("nav.reference"), w.Reference.View(), w.Reference},
			{T("nav.all_managers"), all.View(), reloader(all.Reload)},
			{T("nav.sync"), w.Sync.View(), w.Sync},
			{T("nav.settings"), w.Settings.View(), w.Settings},
		}
	} else {
		screens = []screen{
			{T("nav.dashboard"), w.Dashboard.View(), reloader(w.Dashboard.Refresh)},
			{T("nav.managers"), w.Managers.View(), w.Managers},
			{T("nav.targets"), w.Targets.View(), w.Targets},
			{T("nav.assessments"), w.Assessments.View(), w.Assessments},
			{T("nav.applications"), w.Applications.View(), w.Applications},
			{T("nav.training"), w.Training.View(), w.Training},
			{T("nav.rewards"), w.Rewards.View(), w.Rewards},
			{T("nav.research"), w.Research.View(), w.Research},
			{T("nav.documents"), w.Documents.View(), w.Documents},
			{T("nav.sync"), w.Sync.View(), w.Sync},
			{T("nav.settings"), w.Settings.View(), w.Settings},
		}
	}
	w.reloaders = nil
	w.Tabs = container.NewAppTabs()
	for _, sc := range screens {
		w.Tabs.Append(container.NewTabItem(sc.title, sc.view))
		w.reloaders = append(w.reloaders, sc.r)
	}
	logo := canvas.NewImageFromResource(Icon())
	logo.SetMinSize(fyne.NewSize(32, 32))
	title := widget.NewLabelWithStyle(T("app.name"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	header := container.NewBorder(nil, nil, container.NewHBox(logo, title), widget.NewLabel(room))
	w.Tabs.SetTabLocation(container.TabLocationLeading)
	w.Tabs.OnSelected = func(*container.TabItem) { w.refreshCurrent() }
	// Ctrl+1 … Ctrl+0 switch screens: the tabs themselves take no keyboard
	// focus, the fields on each screen do (Tab moves between them).
	keys := []fyne.KeyName{fyne.Key1, fyne.Key2, fyne.Key3, fyne.Key4, fyne.Key5, fyne.Key6, fyne.Key7, fyne.Key8, fyne.Key9, fyne.Key0, fyne.KeyMinus}
	for i, k := range keys {
		if i >= len(w.Tabs.Items) {
			break
		}
		w.Canvas().AddShortcut(&desktop.CustomShortcut{KeyName: k, Modifier: fyne.KeyModifierShortcutDefault}, func(fyne.Shortcut) { w.Tabs.SelectIndex(i) })
	}
	w.SetContent(container.NewBorder(container.NewVBox(header, widget.NewSeparator()), nil, nil, nil, w.Tabs))
	// Sync news comes from the background sync's goroutine.
	e.svc.OnSyncStatus(func(st kaohe.SyncStatus) {
		fyne.Do(func() {
			w.Sync.Show(st)
			w.Dashboard.ShowSync(st)
		})
	})
}

// refreshCurrent re-reads the screen being shown, so each shows what others
// changed.
func (w *Window) refreshCurrent() {
	if i := w.Tabs.SelectedIndex(); i >= 0 && i < len(w.reloaders) {
		w.reloaders[i].Reload()
	}
}

// reloader adapts a refresh function to the screens' Reload.
type reloader func()

func (r reloader) Reload() { r() }

// switchLanguage changes the language, remembers it and rebuilds the screens.
func (w *Window) switchLanguage(l kaohe.Lang) {
	if err := SetLanguage(l); err != nil {
		w.e.showError(err)
		return
	}
	w.p.App.Preferences().SetString(prefLanguage, string(l))
	w.reload()
	w.Tabs.SelectIndex(len(w.Tabs.Items) - 1) // back on Settings, where the switch was
}

// reload rebuilds every screen (after a language change or a restore).
func (w *Window) reload() { w.build() }

// errorForDialog wraps err so a dialog shows it in the user's language.
func errorForDialog(err error) error { return userError{err} }

type userError struct{ err error }

func (e userError) Error() string { return ErrorText(e.err) }
func (e userError) Unwrap() error { return e.err }
