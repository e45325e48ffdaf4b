package ui

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"kaohe/internal/kaohe"
	"kaohe/internal/service"
)

// slowStore is the service over a store that answers only when the test
// lets it: each held call reports when it arrives, then waits for the gate
// (or for its context to end: the screen or dialog went away).
type slowStore struct {
	*service.Service
	mu      sync.Mutex
	calls   map[string]int
	arrived chan string   // the name of each held call, as it arrives
	gate    chan struct{} // closed: held calls go through
	ended   chan string   // a held call whose context ended before the gate opened
	hold    map[string]bool
}

func newSlowStore(hold ...string) *slowStore {
	s := &slowStore{calls: map[string]int{}, arrived: make(chan string, 16), gate: make(chan struct{}), ended: make(chan string, 16), hold: map[string]bool{}}
	for _, h := range hold {
		s.hold[h] = true
	}
	return s
}

// wait holds a call of the given name; false when its context ended first.
func (s *slowStore) wait(ctx context.Context, name string) bool {
	s.mu.Lock()
	s.calls[name]++
	held := s.hold[name]
	s.mu.Unlock()
	if !held {
		return true
	}
	s.arrived <- name
	select {
	case <-s.gate:
		return true
	case <-ctx.Done():
		s.ended <- name
		return false
	case <-time.After(30 * time.Second): // a window that blocks on it: the test fails below
		return true
	}
}

func (s *slowStore) count(name string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[name]
}

func (s *slowStore) SaveRewardPenalty(ctx context.Context, actor kaohe.Actor, r kaohe.RewardPenalty) (kaohe.RewardPenalty, error) {
	s.wait(ctx, "SaveRewardPenalty")
	return s.Service.SaveRewardPenalty(ctx, actor, r)
}

func (s *slowStore) CreateManager(ctx context.Context, actor kaohe.Actor, m kaohe.Manager, l kaohe.Level) (kaohe.Manager, error) {
	s.wait(ctx, "CreateManager")
	return s.Service.CreateManager(ctx, actor, m, l) // with its context: cancelled, the transaction never begins
}

func (s *slowStore) Profile(ctx context.Context, id string) (kaohe.Profile, error) {
	s.wait(ctx, "Profile")
	return s.Service.Profile(ctx, id)
}

func (s *slowStore) Applications(ctx context.Context, managerID string) ([]kaohe.ApplicationView, error) {
	if managerID != "" { // the leave dialog's check, not the Applications screen
		s.wait(ctx, "Applications")
	}
	return s.Service.Applications(ctx, managerID)
}

func (s *slowStore) SaveAssessment(ctx context.Context, actor kaohe.Actor, a kaohe.Assessment, submit bool) (kaohe.Assessment, error) {
	s.wait(ctx, "SaveAssessment")
	return s.Service.SaveAssessment(ctx, actor, a, submit)
}

func (s *slowStore) SetTarget(ctx context.Context, actor kaohe.Actor, managerID, metric string, year int, annual int64, weights []float64) (kaohe.Target, error) {
	s.wait(ctx, "SetTarget")
	return s.Service.SetTarget(ctx, actor, managerID, metric, year, annual, weights)
}

func (s *slowStore) SaveAccount(ctx context.Context, actor kaohe.Actor, a kaohe.Account, pw string) (kaohe.Account, error) {
	s.wait(ctx, "SaveAccount")
	return s.Service.SaveAccount(ctx, actor, a, pw)
}

// runQueued runs the results handed back so far on the caller's goroutine,
// as the UI thread would have by now, without waiting for the work still in
// flight (Wait does: a held save would hold it).
func (f *inflight) runQueued() {
	for {
		f.mu.Lock()
		if len(f.queue) == 0 {
			f.mu.Unlock()
			return
		}
		apply := f.queue[0]
		f.queue = f.queue[1:]
		f.mu.Unlock()
		apply()
	}
}

// settle runs the results handed back until ok, while other work is held.
func settle(t *testing.T, w *Window, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("after 20 s: %s", what)
		}
		time.Sleep(10 * time.Millisecond)
		w.e.work.runQueued()
	}
}

// arrive waits until the window's held call reached the store.
func (s *slowStore) arrive(t *testing.T, name string) {
	t.Helper()
	select {
	case got := <-s.arrived:
		if got != name {
			t.Fatalf("the store was asked %s; want %s", got, name)
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("%s never reached the store", name)
	}
}

func slowWindow(t *testing.T, hold ...string) (*Window, *service.Service, *slowStore) {
	t.Helper()
	slow := newSlowStore(hold...)
	w, svc, _ := demoWindowWith(t, func(s *service.Service) Service { slow.Service = s; return slow })
	return w, svc, slow
}

// TestSlowSaveKeepsTheWindowWorking: a reward saved while the store takes
// its time. The tap returns at once (the store has not answered), the
// button is disabled and says 正在保存, another screen opens and reads
// meanwhile; a second tap and Enter save nothing twice: once the store
// answers, exactly one record is stored, with what was typed, and the list
// shows it.
func TestSlowSaveKeepsTheWindowWorking(t *testing.T) {
	w, svc, slow := slowWindow(t, "SaveRewardPenalty")
	ctx := context.Background()
	open(w, "nav.rewards")
	r := w.Rewards
	d4, _ := svc.Store.ManagerByNo(ctx, "D004")
	before, _ := svc.RewardsPenalties(ctx, d4.ID)
	shown := len(r.List.Rows())
	r.Manager.Set(d4.ID)
	r.Type.Set(kaohe.PenaltyFine)
	test.Type(r.Amount, "300")
	test.Type(r.Reason, "样品区未按时整理")
	test.Tap(r.SaveBtn)
	slow.arrive(t, "SaveRewardPenalty")
	// The store has not answered: the tap returned without waiting for it.
	if !r.SaveBtn.Disabled() || r.Message.Text != "正在保存……" {
		t.Errorf("while saving: button disabled %v, message %q", r.SaveBtn.Disabled(), r.Message.Text)
	}
	test.Tap(r.SaveBtn)                                     // disabled: nothing
	r.Reason.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) // Enter in the form: nothing either
	r.Save()                                                // nor the save itself, called again
	if n := slow.count("SaveRewardPenalty"); n != 1 {
		t.Errorf("the store was asked to save %d times while the first save ran", n)
	}
	// The window works meanwhile: another screen opens and shows its data
	// (what the UI thread would have run by now; Wait would wait for the
	// save too).
	w.Open("nav.managers")
	settle(t, w, "the managers screen opened during a save lists nobody", func() bool { return len(w.Managers.Rows()) == 20 })
	w.Open("nav.rewards")
	close(slow.gate)
	w.Wait()
	after, _ := svc.RewardsPenalties(ctx, d4.ID)
	if len(after) != len(before)+1 {
		t.Fatalf("%d records after one save (was %d)", len(after), len(before))
	}
	var got kaohe.RewardPenalty
	for _, x := range after {
		if x.Reason == "样品区未按时整理" {
			got = x
		}
	}
	if got.Type != kaohe.PenaltyFine || got.Amount != 300 || got.Date != kaohe.DateOf(demoToday) || got.DecidedBy != w.e.actor.String() {
		t.Errorf("stored %+v", got)
	}
	if r.SaveBtn.Disabled() || r.Message.Text != T("rewards.saved") || r.Reason.Text != "" {
		t.Errorf("after the save: button disabled %v, message %q, reason %q", r.SaveBtn.Disabled(), r.Message.Text, r.Reason.Text)
	}
	if len(r.List.Rows()) != shown+1 {
		t.Errorf("the list shows %d records after the save; want %d", len(r.List.Rows()), shown+1)
	}
	// Refused by the store: said in Chinese, nothing stored, the button back.
	r.Manager.Set(d4.ID)
	r.Type.Set(kaohe.PenaltyFine)
	test.Type(r.Amount, "100")
	test.Type(r.Reason, "x")
	r.By.SetText("") // who decided: the rule asks for it
	test.Tap(r.SaveBtn)
	w.Wait()
	if !strings.Contains(r.Message.Text, "请填写决定人") || r.SaveBtn.Disabled() {
		t.Errorf("no one decided: %q, button disabled %v", r.Message.Text, r.SaveBtn.Disabled())
	}
	if again, _ := svc.RewardsPenalties(ctx, d4.ID); len(again) != len(after) {
		t.Errorf("a refused save stored a record: %d, was %d", len(again), len(after))
	}
}

// TestManagerDialogSavesOnceAndCancels: the add dialog's Save, tapped twice
// while the store is slow, adds one manager; Cancel during a save cancels
// its context and adds none.
func TestManagerDialogSavesOnceAndCancels(t *testing.T) {
	w, svc, slow := slowWindow(t, "CreateManager")
	ctx := context.Background()
	open(w, "nav.managers")
	m := w.Managers
	n := headcount(t, svc)
	fill := func(no string) *ManagerForm {
		f := m.EditDialog(nil)
		test.Type(f.No, no)
		test.Type(f.Name, "欧阳玥")
		f.Education.Set(kaohe.EduCollege)
		return f
	}
	f := fill("D041")
	test.Tap(f.Dialog.saveBtn)
	slow.arrive(t, "CreateManager")
	if !f.Dialog.saveBtn.Disabled() || f.Dialog.errMsg.Text != "正在保存……" {
		t.Errorf("while saving: save disabled %v, %q", f.Dialog.saveBtn.Disabled(), f.Dialog.errMsg.Text)
	}
	test.Tap(f.Dialog.saveBtn)
	f.Name.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	close(slow.gate)
	w.Wait()
	if got := headcount(t, svc); got != n+1 {
		t.Errorf("headcount %d after a double tap; want %d", got, n+1)
	}
	if slow.count("CreateManager") != 1 {
		t.Errorf("the store was asked %d times", slow.count("CreateManager"))
	}
	if w.Canvas().Overlays().Top() != nil {
		t.Error("the dialog stayed open after its save")
	}
	if len(m.Rows()) != n+1 {
		t.Errorf("the list shows %d after the save; want %d", len(m.Rows()), n+1)
	}

	// Cancel in the middle: the context ends, nothing is saved.
	slow.gate = make(chan struct{})
	f = fill("D042")
	test.Tap(f.Dialog.saveBtn)
	slow.arrive(t, "CreateManager")
	test.Tap(buttonIn(t, w.Canvas().Overlays().Top(), T("Cancel")))
	select {
	case <-slow.ended:
	case <-time.After(20 * time.Second):
		t.Fatal("Cancel did not cancel the save's context")
	}
	w.Wait()
	if _, err := svc.Store.ManagerByNo(ctx, "D042"); err == nil {
		t.Error("a cancelled save added the manager")
	}
	if w.Canvas().Overlays().Top() != nil {
		t.Error("the dialog stayed open after Cancel")
	}
}

// TestProfileAndLeaveCheckOffTheUIThread: the profile and the leave
// dialog's check of open applications are read in the background; leaving
// the screen (or closing the dialog) first cancels them.
func TestProfileAndLeaveCheckOffTheUIThread(t *testing.T) {
	w, svc, slow := slowWindow(t, "Profile", "Applications")
	ctx := context.Background()
	open(w, "nav.managers")
	m := w.Managers
	test.Type(m.Search, "D002")
	m.Select(0)
	// The profile: the button waits, the list stays until it arrives.
	test.Tap(m.ProfileBtn)
	slow.arrive(t, "Profile")
	if !m.ProfileBtn.Disabled() || m.Profile != nil || m.Count.Text != "正在读取……" {
		t.Errorf("while reading the profile: button disabled %v, shown %v, %q", m.ProfileBtn.Disabled(), m.Profile != nil, m.Count.Text)
	}
	open(w, "nav.dashboard") // the screen goes away: the read is cancelled
	select {
	case <-slow.ended:
	case <-time.After(20 * time.Second):
		t.Fatal("leaving the screen did not cancel the profile's read")
	}
	open(w, "nav.managers")
	if m.Profile != nil || m.ProfileBtn.Disabled() || !strings.Contains(m.Count.Text, "共") {
		t.Errorf("back on the list: profile %v, button disabled %v, %q", m.Profile != nil, m.ProfileBtn.Disabled(), m.Count.Text)
	}
	close(slow.gate)
	test.Tap(m.ProfileBtn)
	slow.arrive(t, "Profile")
	w.Wait()
	if m.Profile == nil || m.Profile.P.EmployeeNo != "D002" {
		t.Fatalf("the profile shown: %+v", m.Profile)
	}
	test.Tap(buttonIn(t, m.View(), T("action.back")))
	w.Wait()

	// The leave dialog opens before its check is answered; the warning
	// comes with it (a manager whose application is under review).
	slow.gate = make(chan struct{})
	all, _ := svc.Applications(ctx, "")
	var under kaohe.ManagerLevel
	for _, a := range all {
		if a.Review.State.UnderReview() {
			under, _ = svc.Store.Manager(ctx, a.ManagerID)
			break
		}
	}
	if under.ID == "" {
		t.Fatal("the demo has no application under review")
	}
	l := m.LeaveDialog(under)
	slow.arrive(t, "Applications")
	if w.Canvas().Overlays().Top() == nil || l.Warning.Visible() {
		t.Fatalf("the leave dialog waited for its check (open %v, warning %v)", w.Canvas().Overlays().Top() != nil, l.Warning.Visible())
	}
	close(slow.gate)
	w.Wait()
	if !l.Warning.Visible() || !strings.Contains(l.Warning.Text, "申请") {
		t.Errorf("an application under review: warning shown %v %q", l.Warning.Visible(), l.Warning.Text)
	}
	// Cancelled before its check is answered: the check's context ends.
	slow.gate = make(chan struct{})
	l.Dialog.d.Hide()
	l = m.LeaveDialog(under)
	slow.arrive(t, "Applications")
	test.Tap(buttonIn(t, w.Canvas().Overlays().Top(), T("Cancel")))
	select {
	case <-slow.ended:
	case <-time.After(20 * time.Second):
		t.Fatal("Cancel did not cancel the leave dialog's check")
	}
	w.Wait()
	if got, _ := svc.Store.ManagerByNo(ctx, under.EmployeeNo); got.Status != kaohe.StatusActive {
		t.Errorf("a cancelled leave dialog changed %s: %+v", under.EmployeeNo, got.Status)
	}
}

// TestScreenSavesOnce: on the assessment, target and account screens a
// second tap while the store is slow saves nothing twice, and what is
// stored afterwards is what was typed.
func TestScreenSavesOnce(t *testing.T) {
	w, svc, slow := slowWindow(t, "SaveAssessment", "SetTarget", "SaveAccount")
	ctx := context.Background()
	close(slow.gate) // held only long enough to be seen waiting: each arrives, then goes through
	d3, _ := svc.Store.ManagerByNo(ctx, "D003")

	open(w, "nav.assessments")
	a := w.Assessments
	var before kaohe.Assessment // a draft of 2026-H2 (still running: saved, not submitted)
	for _, id := range a.Manager.values {
		if x, err := svc.Assessment(ctx, id, "2026-H2"); err == nil && x.Status == kaohe.AssessDraft {
			before = x
			break
		}
	}
	if before.ManagerID == "" {
		t.Fatal("no manager the showroom assesses has a draft of 2026-H1")
	}
	a.Open(before.ManagerID, "2026-H2")
	w.Wait()
	a.Comment.SetText("第一次保存")
	test.Tap(a.SaveBtn)
	if !a.SaveBtn.Disabled() || !a.Submit.Disabled() {
		t.Errorf("while saving: save disabled %v, submit disabled %v", a.SaveBtn.Disabled(), a.Submit.Disabled())
	}
	test.Tap(a.SaveBtn)
	w.Wait()
	slow.arrive(t, "SaveAssessment")
	if n := slow.count("SaveAssessment"); n != 1 {
		t.Errorf("the assessment was saved %d times", n)
	}
	if got, _ := svc.Assessment(ctx, before.ManagerID, "2026-H2"); got.Comment != "第一次保存" || got.Status != kaohe.AssessDraft || (before.ID != "" && got.ID != before.ID) {
		t.Errorf("stored %+v", got)
	}
	if a.SaveBtn.Disabled() || !strings.Contains(a.Problem.Text, "已保存") {
		t.Errorf("after the save: save disabled %v, %q", a.SaveBtn.Disabled(), a.Problem.Text)
	}

	open(w, "nav.targets")
	s := w.Targets
	s.Manager.Set(d3.ID)
	s.Metric.Set(kaohe.MetricSales)
	s.Year.SetText("2027")
	s.load()
	w.Wait()
	s.Seasonal.SetChecked(false)
	s.Annual.SetText("2400")
	test.Tap(s.Split)
	test.Tap(s.Split)
	test.Tap(s.SaveActualsBtn) // the other save waits too
	w.Wait()
	slow.arrive(t, "SetTarget")
	if n := slow.count("SetTarget"); n != 1 {
		t.Errorf("the target was saved %d times", n)
	}
	tg, ac, _ := svc.Figures(ctx, d3.ID, kaohe.MetricSales, 2027)
	if tg[0] != 200 || tg.Total() != 2400 || ac.Total() != 0 {
		t.Errorf("stored target %v, actuals %v", tg, ac)
	}
	if s.Targets[0].Text != "200" || s.Message.Text != T("targets.saved") {
		t.Errorf("after the save: January %q, message %q", s.Targets[0].Text, s.Message.Text)
	}

	open(w, "nav.accounts")
	acc := w.Accounts
	accounts, _ := svc.Accounts(ctx, w.e.actor)
	acc.edit(kaohe.Account{})
	acc.Name.SetText("郑文")
	acc.EmployeeNo.SetText("W077")
	acc.Role.SetSelectedIndex(0)
	acc.Password.SetText("secret-pw-077")
	test.Tap(acc.Save)
	test.Tap(acc.Save)
	w.Wait()
	slow.arrive(t, "SaveAccount")
	after, _ := svc.Accounts(ctx, w.e.actor)
	if len(after) != len(accounts)+1 || slow.count("SaveAccount") != 1 {
		t.Errorf("accounts %d -> %d after a double tap (%d saves)", len(accounts), len(after), slow.count("SaveAccount"))
	}
	if acc.cur.ID == "" || acc.cur.EmployeeNo != "W077" || len(acc.List.Rows()) != len(after) {
		t.Errorf("after the save: form holds %+v, list %d", acc.cur, len(acc.List.Rows()))
	}
}

// TestNoStoreWorkOnTheUIThread reads the ui package: a service call given
// the package's background context (bg) runs wherever its caller runs,
// which for a button's or an entry's callback is the UI thread. Only the
// few listed below may: one small row, or already in a goroutine of their
// own. Every other read or write goes through load, run or save, which
// hand their work a context of the screen, the dialog or the window.
func TestNoStoreWorkOnTheUIThread(t *testing.T) {
	allowed := map[string]string{
		"IsHQ":            "one meta row, when the tabs are built",
		"Showroom":        "one row, the header's name",
		"NeedsSetup":      "one EXISTS, before any screen",
		"IdleLockMinutes": "CheckIdle for tests; the idle watch reads it in its goroutine",
		"Login":           "in the sign-in's goroutine",
		"Unlock":          "in the lock screen's goroutine",
		"ListManagers":    "the list without a window (NewManagersScreen), never in the window",
	}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	found := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			if id, ok := call.Args[0].(*ast.Ident); !ok || id.Name != "bg" {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			found++
			if _, ok := allowed[sel.Sel.Name]; !ok {
				t.Errorf("%s: %s(bg, …) runs on its caller's thread (a button's callback: the UI thread); use load, run or save", fset.Position(call.Pos()), sel.Sel.Name)
			}
			return true
		})
	}
	if found == 0 {
		t.Error("no call with bg found: the test reads the wrong files")
	}
}

// TestASaveReadsAgainOnce: a reward saved reads the records again once,
// through the data version: the list shows it at once, and the screen shown
// again after another one reads nothing more (its page knows it is up to
// date); a screen that shows no rewards reads nothing for it. A refused
// save reads nothing and leaves the form as typed.
func TestASaveReadsAgainOnce(t *testing.T) {
	var rd *reads
	w, svc, _ := demoWindowWith(t, func(s *service.Service) Service {
		rd = &reads{Service: s, n: map[string]int{}}
		return rd
	})
	ctx := context.Background()
	open(w, "nav.managers")
	open(w, "nav.rewards")
	r := w.Rewards
	shown, lists := len(r.List.Rows()), rd.get("ListManagers")
	d4, _ := svc.Store.ManagerByNo(ctx, "D004")
	r.Manager.Set(d4.ID)
	r.Type.Set(kaohe.RewardPraise)
	test.Type(r.Reason, "展厅陈列获评第一")
	n := rd.get("RewardsPenalties")
	test.Tap(r.SaveBtn)
	w.Wait()
	if got := rd.get("RewardsPenalties"); got != n+1 || len(r.List.Rows()) != shown+1 {
		t.Errorf("after a save: %d reads of the records (want %d), %d shown (want %d)", got, n+1, len(r.List.Rows()), shown+1)
	}
	open(w, "nav.managers") // shows managers: no reward kind, nothing read again
	open(w, "nav.rewards")
	if got := rd.get("RewardsPenalties"); got != n+1 {
		t.Errorf("shown again after its own save, the screen read the records %d times more", got-n-1)
	}
	if got := rd.get("ListManagers"); got != lists {
		t.Errorf("a reward's save read the managers %d times", got-lists)
	}
	// Refused (no reason): nothing read, the choices stay.
	r.Manager.Set(d4.ID)
	r.Type.Set(kaohe.RewardPraise)
	test.Tap(r.SaveBtn)
	w.Wait()
	if got := rd.get("RewardsPenalties"); got != n+1 || !strings.Contains(r.Message.Text, "原因") {
		t.Errorf("a refused save: %d more reads, message %q", got-n-1, r.Message.Text)
	}
	if id, _ := r.Manager.Value(); id != d4.ID {
		t.Errorf("a refused save cleared the manager chosen")
	}
}
