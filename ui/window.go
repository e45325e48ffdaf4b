package ui

import (
	"context"
	"reflect"
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
	DocDir  string // where documents are written
	DataDir string // the data folder, shown in Settings
	// OpenFile overrides opening documents in the system viewer (tests).
	OpenFile func(path string)
	// Now overrides the clock (tests).
	Now func() time.Time
	// IdleTime says how long the user has not touched keyboard or mouse
	// (the system's count on Windows); nil: time since the last screen
	// switch in this window.
	IdleTime func() time.Duration
}

// Preference keys, in one place.
const prefLanguage = "language"

// Window is the main window.
type Window struct {
	fyne.Window
	e    *env
	p    Params
	Tabs *container.AppTabs

	// The screens, each nil until first shown.
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
	Audit        *AuditScreen     // HQ mode
	AllManagers  *ManagersScreen  // HQ mode
	Accounts     *AccountsScreen  // managers of accounts

	gate *gate // sign-in, lock and first run
	// offerLater is an update to offer once someone is signed in.
	offerLater string

	pages   []*page
	current *page
	room    *widget.Label
	stop    context.CancelFunc // ends the window's store work
}

// screen is what every tab shows: its content and a way to read again.
type screen interface {
	View() fyne.CanvasObject
	Reload()
}

// page is one tab: its screen is built the first time it is shown, and
// read again when shown after a write or a sync.
type page struct {
	key   string   // the tab's title key, "nav.training"
	deps  []string // the kinds of record it shows (nil: any)
	build func() screen
	s     screen
	item  *container.TabItem
	seen  uint64 // the data version the screen last read
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

// NewWindow builds the main window with its first screen; the others are
// built when first shown.
func NewWindow(p Params) *Window {
	setTheme(p.App)
	p.App.SetIcon(Icon())
	if p.Now == nil {
		p.Now = time.Now
	}
	w := &Window{Window: p.App.NewWindow(T("app.name")), p: p}
	w.SetIcon(Icon())
	w.e = &env{win: w.Window, docDir: p.DocDir, dataDir: p.DataDir, openFile: p.OpenFile, now: p.Now}
	w.e.svc = watched{Service: p.Service, v: &w.e.data}
	w.e.work.cond.L = &w.e.work.mu
	w.e.hold = w.holdOffer
	// Fyne's test driver runs fyne.Do on the calling goroutine: results
	// wait for Wait there instead.
	w.e.work.queued = reflect.TypeOf(p.App.Driver()).Elem().PkgPath() == "fyne.io/fyne/v2/test"
	w.e.ctx, w.stop = context.WithCancel(context.Background())
	w.SetOnClosed(w.stop)
	w.e.wrote = w.wrote
	// Sync news comes from the background sync's goroutine; a sync that
	// ended may have brought changes.
	p.Service.OnSyncStatus(func(st kaohe.SyncStatus) {
		if !st.Running {
			if len(st.Applied) > 0 {
				// What the sync wrote here: the screens showing those
				// kinds read again, the one on screen at once.
				w.e.data.bump(st.Applied...)
				w.e.work.post(w.refreshShown)
			}
			w.e.work.post(w.signedOutBySync)
		}
		w.e.work.post(func() {
			if w.Sync != nil {
				w.Sync.Show(st)
			}
			if w.Dashboard != nil {
				w.Dashboard.ShowSync(st)
			}
			// HQ refuses this version and the new one is here: offer it at
			// once, once per version, whatever screen is open.
			if !st.Running && st.Update != "" && isUpgrade(st.LastError) {
				w.e.offerAtOnce(st.Update, w.quitForUpdate, nil)
			}
		})
	})
	w.Resize(fyne.NewSize(1280, 800))
	w.start() // the first-run set-up, the sign-in, or the screens
	return w
}

// OfferUpdate offers the build staged for install at once, once per
// version, as after HQ's "please upgrade": a bundle written for a newer
// protocol came through the drop folder with the build that reads it. The
// screens read again (the Sync screen shows 新版本可用). Nothing is offered
// when no build is staged. It may be called from any goroutine.
func (w *Window) OfferUpdate() {
	w.DataChanged()
	if v := w.e.svc.AvailableUpdate(); v != "" {
		w.e.work.post(func() { w.e.offerAtOnce(v, w.quitForUpdate, nil) })
	}
}

// holdOffer keeps an update offered at once back while the sign-in, the
// first-run set-up or the lock is on screen, until someone is signed in
// (or unlocks): the question never covers them, and nobody restarts the
// app for an update without being signed in.
func (w *Window) holdOffer(version string) bool {
	if w.signedInAndOpen() {
		return false
	}
	w.offerLater = version
	return true
}

// offerWaiting offers the update that came while nobody was signed in.
func (w *Window) offerWaiting() {
	if v := w.offerLater; v != "" && w.signedInAndOpen() {
		w.offerLater = ""
		w.e.offerAtOnce(v, w.quitForUpdate, nil)
	}
}

// withdrawOffer takes the update's question off the screen when the window
// locks or signs out; it is asked again once someone is signed in.
func (w *Window) withdrawOffer() {
	d := w.e.offering
	if d == nil {
		return
	}
	w.e.offering = nil
	d.Hide()
	if w.e.offered != "" {
		w.offerLater, w.e.offered = w.e.offered, ""
	} else if v := w.e.svc.AvailableUpdate(); v != "" {
		w.offerLater = v
	}
}

// quitForUpdate closes the app once an update was started (the Sync
// screen's Quit when set, as tests set it).
func (w *Window) quitForUpdate() {
	if w.Sync != nil && w.Sync.Quit != nil {
		w.Sync.Quit()
		return
	}
	fyne.CurrentApp().Quit()
}

// build makes the tabs in the current language and shows the i-th screen.
func (w *Window) build(i int) fyne.CanvasObject {
	e := w.e
	e.actor, _ = e.svc.Session()
	e.svc.SetLanguage(Language())
	w.SetTitle(T("app.name"))
	w.Dashboard, w.Managers, w.Assessments, w.Applications, w.Targets = nil, nil, nil, nil, nil
	w.Training, w.Rewards, w.Research, w.Documents, w.Sync, w.Settings = nil, nil, nil, nil, nil, nil
	w.Review, w.Reference, w.Filing, w.HQReport, w.AllManagers, w.Accounts, w.Audit = nil, nil, nil, nil, nil, nil, nil

	// Each page names the kinds of record it shows: it reads again only
	// when one of them changed (nil: any change).
	pg := func(key string, deps []string, build func() screen) *page {
		return &page{key: key, deps: deps, build: build}
	}
	managers := func(more ...string) []string { return kindsOf(managerKinds, more) }
	sync := pg("nav.sync", nil, func() screen { w.Sync = newSyncScreen(e); return w.Sync })
	settings := pg("nav.settings", nil, func() screen {
		w.Settings = newSettingsScreen(e, w.switchLanguage, w.reload)
		return w.Settings
	})
	accounts := pg("nav.accounts", kindsOf(accountKinds, []string{kaohe.EntShowroom}), func() screen { w.Accounts = newAccountsScreen(e); return w.Accounts })
	if e.svc.IsHQ(bg) {
		w.pages = []*page{
			pg("nav.review", managers(kindsOf(applicationKinds, []string{kaohe.EntReviewMember, kaohe.EntShowroom,
				kaohe.EntAssessment, kaohe.EntTraining, kaohe.EntAttendance})...), func() screen { w.Review = newReviewScreen(e); return w.Review }),
			pg("nav.filing", managers(kaohe.EntAssessment, kaohe.EntFiling, kaohe.EntShowroom), func() screen { w.Filing = newFilingScreen(e); return w.Filing }),
			pg("nav.hq_report", nil, func() screen { w.HQReport = newHQReportScreen(e); return w.HQReport }),
			pg("nav.reference", referenceKinds, func() screen { w.Reference = newReferenceScreen(e); return w.Reference }),
			// read-only: managers belong to their showrooms
			pg("nav.all_managers", managers(kaohe.EntShowroom), func() screen { w.AllManagers = newAllManagersScreen(e); return w.AllManagers }),
			pg("nav.audit", nil, func() screen { w.Audit = newAuditScreen(e); return w.Audit }),
			accounts, sync, settings,
		}
	} else {
		w.pages = []*page{
			pg("nav.dashboard", nil, func() screen { w.Dashboard = newDashboard(e); return w.Dashboard }),
			pg("nav.managers", managers(), func() screen { w.Managers = newManagersScreen(e); return w.Managers }),
			pg("nav.targets", managers(kaohe.EntTarget, kaohe.EntActual), func() screen { w.Targets = newTargetScreen(e); return w.Targets }),
			pg("nav.assessments", managers(assessmentKinds...), func() screen { w.Assessments = newAssessmentScreen(e); return w.Assessments }),
			pg("nav.applications", managers(applicationKinds...), func() screen { w.Applications = newApplicationScreen(e); return w.Applications }),
			pg("nav.training", managers(kaohe.EntTraining, kaohe.EntAttendance), func() screen { w.Training = newTrainingScreen(e); return w.Training }),
			pg("nav.rewards", managers(kaohe.EntReward), func() screen { w.Rewards = newRewardScreen(e); return w.Rewards }),
			pg("nav.research", managers(kaohe.EntResearch), func() screen { w.Research = newResearchScreen(e); return w.Research }),
			pg("nav.documents", managers(kaohe.EntPeriod), func() screen { w.Documents = newDocumentScreen(e); return w.Documents }),
			accounts, sync, settings,
		}
	}
	w.pages = allowedPages(e.actor.Role, w.pages) // the service refuses the rest whatever is shown
	w.current = nil
	w.Tabs = container.NewAppTabs()
	for _, p := range w.pages {
		p.item = container.NewTabItem(T(p.key), container.NewStack())
		w.Tabs.Append(p.item)
	}
	w.Tabs.SetTabLocation(container.TabLocationLeading)
	w.Tabs.SelectIndex(i)
	// Only the screen shown is in its tab: the tabs refresh every tab's
	// content on each switch, which re-laid out every screen built so far
	// (their tables, long texts) on every switch. A screen is put back, and
	// refreshed once, when its tab is shown again (show).
	w.Tabs.OnUnselected = func(item *container.TabItem) {
		if holder, ok := item.Content.(*fyne.Container); ok {
			holder.Objects = nil
		}
	}
	w.Tabs.OnSelected = func(item *container.TabItem) { w.show(w.Tabs.SelectedIndex()) }
	// Ctrl+1 … Ctrl+0 switch screens: the tabs themselves take no keyboard
	// focus, the fields on each screen do (Tab moves between them) and pass
	// these on (keys.go). Escape and Enter reach the dialog on top.
	bindKeys(w.Canvas())
	for i, k := range screenKeys {
		if i >= len(w.Tabs.Items) {
			break
		}
		w.Canvas().AddShortcut(&desktop.CustomShortcut{KeyName: k, Modifier: fyne.KeyModifierShortcutDefault}, func(fyne.Shortcut) { w.Tabs.SelectIndex(i) })
	}

	logo := canvas.NewImageFromResource(Icon())
	logo.SetMinSize(fyne.NewSize(32, 32))
	title := widget.NewLabelWithStyle(T("app.name"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	w.room = widget.NewLabel("")
	w.showRoom()
	header := container.NewBorder(nil, nil, container.NewHBox(logo, title), w.room)
	w.show(i)
	return container.NewBorder(container.NewVBox(header, widget.NewSeparator()), container.NewVBox(widget.NewSeparator(), w.sessionBar()), nil, nil, w.Tabs)
}

// showRoom names the showroom (or HQ) in the header.
func (w *Window) showRoom() {
	if w.e.svc.IsHQ(bg) {
		w.room.SetText(T("hq.title"))
		return
	}
	room := T("showroom.none")
	if sr, err := w.e.svc.Showroom(bg); err == nil {
		room = sr.Name
		if sr.Region != "" {
			room = sr.Region + " · " + sr.Name
		}
	}
	w.room.SetText(room)
}

// show brings the i-th screen up: built the first time, read again when a
// kind of record it shows changed since it last read. The screen left
// behind stops its work.
func (w *Window) show(i int) {
	if i < 0 || i >= len(w.pages) {
		return
	}
	p := w.pages[i]
	w.touch()
	if w.current != nil && w.current != p {
		if s, ok := w.current.s.(interface{ stop() }); ok {
			s.stop()
		}
	}
	w.current = p
	v := w.e.data.get()
	switch {
	case p.s == nil:
		p.s = p.build()
	case isStale(p.s):
		p.s.Reload()
	case cutShort(p.s) || w.e.data.changed(p.seen, p.deps):
		// What is typed or chosen there stays, as when it is on screen.
		if ls, ok := p.s.(liveScreen); ok {
			ls.refresh()
		} else {
			p.s.Reload()
		}
	}
	p.seen = v
	// Into the tab's own holder (taken out when another tab is chosen):
	// refreshing the tabs instead would lay out and re-theme every screen
	// built so far.
	holder := p.item.Content.(*fyne.Container)
	if len(holder.Objects) != 1 || holder.Objects[0] != p.s.View() {
		holder.Objects = []fyne.CanvasObject{p.s.View()}
		holder.Refresh()
	}
}

// cutShort says whether a screen was left before its read reached it (its
// loader's work was cancelled): it reads again when shown.
func cutShort(s screen) bool {
	c, ok := s.(interface{ cutShort() bool })
	return ok && c.cutShort()
}

// isStale says whether a screen left while reading what was chosen must read
// again though its data did not change.
func isStale(s screen) bool {
	st, ok := s.(interface{ stale() bool })
	return ok && st.stale()
}

// Open shows the screen of the given tab key ("nav.training").
func (w *Window) Open(key string) {
	for i, p := range w.pages {
		if p.key == key {
			w.Tabs.SelectIndex(i)
			return
		}
	}
}

// DataChanged tells the window that its data changed underneath it, not
// through its own service (a bundle imported from the drop folder): every
// screen reads again when next shown, and the one on screen at once (what
// is typed and chosen there stays). A sync that applied changes does the
// same for the kinds it applied. It may be called from any goroutine.
func (w *Window) DataChanged() {
	w.e.data.bump()
	w.e.work.post(w.refreshShown)
}

// liveScreen is a screen that can read again while shown and lose nothing:
// refresh re-reads what it lists and leaves what is typed or chosen (a form
// being filled, the row selected). A screen that is not one reads again
// when next shown.
type liveScreen interface{ refresh() }

// refreshShown reads the screen on show again if a kind it shows changed
// since it last read.
func (w *Window) refreshShown() {
	p := w.current
	if p == nil || p.s == nil {
		return
	}
	ls, ok := p.s.(liveScreen)
	if !ok {
		return
	}
	if v := w.e.data.get(); w.e.data.changed(p.seen, p.deps) {
		p.seen = v
		ls.refresh()
	}
}

// wrote reads the screen on show again after a write of the window's: what
// it shows, if a kind it shows changed (a form being filled stays when it is
// a liveScreen; one that is not reads again whole, as after its own save).
// The page remembers the version read, so it is not read again when next
// shown; the other pages read again when next shown.
func (w *Window) wrote() {
	p := w.current
	if p == nil || p.s == nil {
		return
	}
	v := w.e.data.get()
	if !w.e.data.changed(p.seen, p.deps) {
		return
	}
	p.seen = v
	if ls, ok := p.s.(liveScreen); ok {
		ls.refresh()
		return
	}
	p.s.Reload()
}

// Wait blocks until the store work started so far (and what it started in
// turn) has reached the screens. For tests and benchmarks: on the UI thread
// of a running app it would wait for itself.
func (w *Window) Wait() { w.e.work.wait() }

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

// reload rebuilds the screens (after a language change or a restore): the
// one shown at once, the others when next shown.
func (w *Window) reload() {
	i := w.Tabs.SelectedIndex()
	if w.current != nil {
		if s, ok := w.current.s.(interface{ stop() }); ok {
			s.stop()
		}
	}
	w.e.data.bump()
	w.SetContent(w.build(i))
}

// errorForDialog wraps err so a dialog shows it in the user's language.
func errorForDialog(err error) error { return userError{err} }

type userError struct{ err error }

func (e userError) Error() string { return ErrorText(e.err) }
func (e userError) Unwrap() error { return e.err }

// The screens that only show data (liveScreen): reading again is all of
// refreshing.
func (s *DashboardScreen) refresh() { s.Reload() }
func (m *ManagersScreen) refresh()  { m.Reload() }
func (s *SyncScreen) refresh()      { s.Reload() }
func (s *HQReportScreen) refresh()  { s.Reload() }
func (s *AuditScreen) refresh()     { s.Reload() }

// The screens with a form whose Reload leaves it as typed: the lists and
// pickers change, what is typed and chosen stays.
func (s *RewardScreen) refresh()   { s.Reload() }
func (s *ResearchScreen) refresh() { s.Reload() }
func (s *DocumentScreen) refresh() { s.Reload() }
func (s *SettingsScreen) refresh() { s.Reload() }
func (s *FilingScreen) refresh()   { s.Reload() } // the rows checked stay checked
