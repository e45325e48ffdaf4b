package ui

import (
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"kaohe/internal/kaohe"
)

// gate is the window's sign-in state: the login and lock screens, and the
// idle watch that locks the window.
type gate struct {
	mu       sync.Mutex
	lastSeen time.Time
	locked   bool
	stop     chan struct{}

	// The screens, for tests.
	Login *LoginScreen
	Lock  *LockScreen
	Setup *SetupScreen
}

// start shows the first-run set-up, the sign-in, or (someone already
// signed in: tests, the command line's set-up) the screens.
func (w *Window) start() {
	if w.gate == nil {
		w.gate = &gate{lastSeen: w.p.Now()}
		w.Canvas().AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyL, Modifier: fyne.KeyModifierShortcutDefault}, func(fyne.Shortcut) { w.LockNow() })
	}
	if need, err := w.e.svc.NeedsSetup(bg); err == nil && need {
		w.gate.Setup = newSetupScreen(w)
		w.SetContent(w.gate.Setup.View())
		return
	}
	if a, _ := w.e.svc.Session(); a.AccountID == "" {
		w.showLogin()
		return
	}
	w.signedIn()
}

// signedInAndOpen reports someone signed in, the window not locked and no
// sign-in or set-up on screen.
func (w *Window) signedInAndOpen() bool {
	if g := w.gate; g == nil || g.Login != nil || g.Setup != nil || g.Lock != nil || g.locked {
		return false
	}
	a, _ := w.e.svc.Session()
	return a.AccountID != ""
}

// signedIn builds the screens for the signed-in account and starts the
// idle watch.
func (w *Window) signedIn() {
	w.gate.Login, w.gate.Setup = nil, nil
	w.touch()
	w.SetContent(w.build(0))
	w.watchIdle()
	w.offerWaiting()
}

// signedOutBySync shows the sign-in when a sync ended the session: the
// account gave way to the same person's account recovered from HQ.
func (w *Window) signedOutBySync() {
	if w.gate == nil || w.gate.Login != nil || w.gate.Setup != nil || w.gate.Lock != nil {
		return
	}
	if a, _ := w.e.svc.Session(); a.AccountID != "" {
		return
	}
	w.showLogin()
	w.gate.Login.Message.SetText(T("session.signed_out_by_sync"))
}

func (w *Window) showLogin() {
	w.stopIdle()
	w.withdrawOffer()
	w.gate.Login = newLoginScreen(w)
	w.SetContent(w.gate.Login.View())
	w.Canvas().Focus(w.gate.Login.EmployeeNo)
}

// touch notes that the user is working.
func (w *Window) touch() {
	if w.gate == nil {
		return
	}
	w.gate.mu.Lock()
	w.gate.lastSeen = w.p.Now()
	w.gate.mu.Unlock()
}

// idle is how long nobody has worked in the window.
func (w *Window) idle() time.Duration {
	if w.p.IdleTime != nil {
		return w.p.IdleTime()
	}
	w.gate.mu.Lock()
	defer w.gate.mu.Unlock()
	return w.p.Now().Sub(w.gate.lastSeen)
}

// watchIdle locks the window after the idle minutes of the settings.
func (w *Window) watchIdle() {
	w.stopIdle()
	stop := make(chan struct{})
	w.gate.stop = stop
	done := w.e.ctx.Done() // the window closed
	go func() {
		t := time.NewTicker(15 * time.Second)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-done:
				return
			case <-t.C:
				n := w.e.svc.IdleLockMinutes(w.e.ctx) // read here, off the UI thread
				fyne.Do(func() { w.lockIfIdle(n) })
			}
		}
	}()
}

func (w *Window) stopIdle() {
	if w.gate.stop != nil {
		close(w.gate.stop)
		w.gate.stop = nil
	}
}

// CheckIdle locks the window when it has been idle for the set minutes
// (tests: the idle watch reads the minutes off the UI thread).
func (w *Window) CheckIdle() { w.lockIfIdle(w.e.svc.IdleLockMinutes(bg)) }

// lockIfIdle locks the window when it has been idle for n minutes.
func (w *Window) lockIfIdle(n int) {
	if n > 0 && w.idle() >= time.Duration(n)*time.Minute {
		w.LockNow()
	}
}

// LockNow locks the window (idle, Ctrl+L, or the lock button): the service
// refuses everything until the password is given again, and the window
// comes back to the same screen.
func (w *Window) LockNow() {
	a, _ := w.e.svc.Session()
	if a.AccountID == "" || w.gate.locked {
		return
	}
	w.e.svc.Lock()
	w.gate.locked = true
	w.withdrawOffer()
	under := w.Content()
	w.gate.Lock = newLockScreen(w, a, func() {
		w.gate.locked = false
		w.gate.Lock = nil
		w.touch()
		w.SetContent(under)
		w.offerWaiting()
	})
	w.SetContent(w.gate.Lock.View())
	w.Canvas().Focus(w.gate.Lock.Password)
}

// pagePerm is the permission a tab needs; tabs not listed are everyone's
// (each shows the signed-in account only what it may see).
var pagePerm = map[string]kaohe.Perm{
	"nav.dashboard": kaohe.PermSeeAll, "nav.targets": kaohe.PermSeeAll, "nav.assessments": kaohe.PermSeeAll,
	"nav.rewards": kaohe.PermSeeAll, "nav.research": kaohe.PermSeeAll,
	"nav.review": kaohe.PermReview, "nav.filing": kaohe.PermReview, "nav.hq_report": kaohe.PermSeeAll,
	"nav.reference": kaohe.PermReference, "nav.all_managers": kaohe.PermSeeAll, "nav.audit": kaohe.PermSeeAll,
	"nav.accounts": kaohe.PermAccounts, "nav.sync": kaohe.PermSync,
}

// allowedPages keeps the tabs the role may use.
func allowedPages(r kaohe.Role, pages []*page) []*page {
	var out []*page
	for _, p := range pages {
		perm, ok := pagePerm[p.key]
		switch {
		case p.key == "nav.applications" && !r.Can(kaohe.PermApplyOwn) && !r.Can(kaohe.PermApplyOthers):
		case ok && !r.Can(perm):
		default:
			out = append(out, p)
		}
	}
	return out
}

// sessionBar names who is signed in, with lock and sign-out buttons.
func (w *Window) sessionBar() fyne.CanvasObject {
	a := w.e.actor
	who := widget.NewLabel(personName(a.Name, a.EmployeeNo) + " · " + T("role."+string(a.Role)))
	lock := widget.NewButton(T("session.lock"), w.LockNow)
	out := widget.NewButton(T("session.logout"), func() {
		w.e.svc.Logout()
		w.showLogin()
	})
	return container.NewHBox(who, lock, out)
}

// LoginScreen asks for an employee number and password.
type LoginScreen struct {
	w          *Window
	EmployeeNo *widget.Entry
	Password   *widget.Entry
	SignIn     *widget.Button
	Message    *widget.Label
	view       fyne.CanvasObject
}

func newLoginScreen(w *Window) *LoginScreen {
	s := &LoginScreen{w: w, EmployeeNo: widget.NewEntry(), Password: widget.NewPasswordEntry(), Message: wrapLabel("")}
	s.EmployeeNo.SetPlaceHolder(T("field.employee_no"))
	s.Password.SetPlaceHolder(T("field.password"))
	s.SignIn = primaryButton(T("session.sign_in"), theme.LoginIcon(), s.submit)
	s.Password.OnSubmitted = func(string) { s.submit() }
	form := widget.NewForm(widget.NewFormItem(T("field.employee_no"), s.EmployeeNo), widget.NewFormItem(T("field.password"), s.Password))
	title := widget.NewLabelWithStyle(T("app.name"), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	box := container.NewVBox(title, widget.NewLabel(T("session.sign_in_hint")), form, s.SignIn, s.Message)
	s.view = container.NewCenter(container.NewGridWrap(fyne.NewSize(420, 320), box))
	return s
}

// View returns the screen.
func (s *LoginScreen) View() fyne.CanvasObject { return s.view }

// submit signs in; a wrong password waits (the service's backoff) off the
// UI thread, with the button disabled meanwhile.
func (s *LoginScreen) submit() {
	if s.SignIn.Disabled() {
		return
	}
	no, pw := s.EmployeeNo.Text, s.Password.Text
	s.SignIn.Disable()
	s.Message.SetText(T("session.checking"))
	e := s.w.e
	e.work.started() // tests wait with Window.Wait
	go func() {
		_, err := e.svc.Login(bg, no, pw)
		e.work.deliver(func() {
			s.SignIn.Enable()
			if err != nil {
				s.Password.SetText("")
				s.Message.SetText(ErrorText(err))
				return
			}
			s.w.signedIn()
		})
	}()
}

// LockScreen hides the window's work until the password is given again.
type LockScreen struct {
	Password *widget.Entry
	Unlock   *widget.Button
	Switch   *widget.Button
	Message  *widget.Label
	view     fyne.CanvasObject
}

func newLockScreen(w *Window, a kaohe.Actor, unlocked func()) *LockScreen {
	s := &LockScreen{Password: widget.NewPasswordEntry(), Message: wrapLabel("")}
	submit := func() {
		if s.Unlock.Disabled() {
			return
		}
		pw := s.Password.Text
		s.Unlock.Disable()
		s.Message.SetText(T("session.checking"))
		e := w.e
		e.work.started()
		go func() {
			_, err := e.svc.Unlock(bg, pw)
			e.work.deliver(func() {
				s.Unlock.Enable()
				if err != nil {
					s.Password.SetText("")
					s.Message.SetText(ErrorText(err))
					return
				}
				unlocked()
			})
		}()
	}
	s.Unlock = primaryButton(T("session.unlock"), theme.LoginIcon(), submit)
	s.Password.OnSubmitted = func(string) { submit() }
	s.Switch = widget.NewButton(T("session.switch_user"), func() {
		w.gate.locked, w.gate.Lock = false, nil
		w.e.svc.Logout()
		w.showLogin()
	})
	title := widget.NewLabelWithStyle(T("session.locked"), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	who := widget.NewLabelWithStyle(personName(a.Name, a.EmployeeNo)+" · "+T("role."+string(a.Role)), fyne.TextAlignCenter, fyne.TextStyle{})
	box := container.NewVBox(title, who, widget.NewForm(widget.NewFormItem(T("field.password"), s.Password)), s.Unlock, s.Switch, s.Message)
	s.view = container.NewCenter(container.NewGridWrap(fyne.NewSize(420, 300), box))
	return s
}

// View returns the screen.
func (s *LockScreen) View() fyne.CanvasObject { return s.view }
