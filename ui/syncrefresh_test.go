package ui

import (
	"context"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"kaohe/internal/kaohe"
	"kaohe/internal/service"
)

// reads counts some of the window's reads, to see which screens read again.
type reads struct {
	Service
	mu sync.Mutex
	n  map[string]int
}

func (r *reads) count(name string) {
	r.mu.Lock()
	r.n[name]++
	r.mu.Unlock()
}

func (r *reads) get(name string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.n[name]
}

func (r *reads) RewardsPenalties(ctx context.Context, managerID string) ([]kaohe.RewardPenalty, error) {
	r.count("RewardsPenalties")
	return r.Service.RewardsPenalties(ctx, managerID)
}

func (r *reads) ListManagers(ctx context.Context, f kaohe.ManagerFilter) ([]kaohe.ManagerLevel, error) {
	r.count("ListManagers")
	return r.Service.ListManagers(ctx, f)
}

func (r *reads) Accounts(ctx context.Context, actor kaohe.Actor) ([]kaohe.Account, error) {
	r.count("Accounts")
	return r.Service.Accounts(ctx, actor)
}

// until waits (running the window's queued work) until ok holds, or fails
// saying what.
func until(t *testing.T, w *Window, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		w.Wait()
		if ok() {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 30 s: %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestBackgroundSyncRefreshesTheOpenScreen: HQ decides something for the
// showroom (a promotion, an account blocked); the background sync pulls it,
// nobody taps anything, and the list on screen shows it, with the search
// typed and the row chosen kept, and the form being typed untouched.
// Screens that do not show what came do not read again when shown.
func TestBackgroundSyncRefreshesTheOpenScreen(t *testing.T) {
	ctx := context.Background()
	var rd *reads
	w, svc, _ := demoWindowWith(t, func(s *service.Service) Service {
		rd = &reads{Service: s, n: map[string]int{}}
		return rd
	})
	h, srv, code := hqFor(t)
	enrollFromSettings(t, w, svc, srv.URL, code)
	hqSetsShowroomManager(t, w, svc, h)
	waitHQ(t, w, svc, h, 20)
	open(w, "nav.rewards")
	open(w, "nav.accounts")

	// The Managers screen: a search typed, a level-1 manager chosen.
	open(w, "nav.managers")
	m := w.Managers
	test.Type(m.Search, "D0")
	w.Wait()
	var who kaohe.ManagerLevel
	row := -1
	for i, r := range m.Rows() {
		if r.Level == kaohe.Level1 && r.Status == kaohe.StatusActive {
			who, row = r, i
			break
		}
	}
	if row < 0 {
		t.Fatal("no active level-1 manager shown")
	}
	m.Select(row)
	levelCol := -1
	for i, c := range m.cols {
		if c.key == "col.level" {
			levelCol = i
		}
	}
	if levelCol < 0 || m.Cell(row, levelCol) != LevelName(kaohe.Level1) {
		t.Fatalf("level column %d shows %q", levelCol, m.Cell(row, levelCol))
	}

	// HQ promotes them; the background sync runs (as after any write).
	promotion := kaohe.LevelChange{ManagerID: who.ID, From: kaohe.Level1, To: kaohe.Level2, Date: kaohe.D(2026, 11, 20),
		Reason: "总部评定", DecidedBy: "实施小组"}
	if _, err := h.RecordLevel(ctx, promotion); err != nil {
		t.Fatal(err)
	}
	svc.KickSync()
	shownAt := func() int {
		for i, r := range m.Rows() {
			if r.ID == who.ID {
				return i
			}
		}
		return -1
	}
	until(t, w, "the Managers screen does not show "+who.EmployeeNo+" at level 2", func() bool {
		i := shownAt()
		return i >= 0 && m.Cell(i, levelCol) == LevelName(kaohe.Level2)
	})
	if m.Search.Text != "D0" {
		t.Errorf("the search typed became %q", m.Search.Text)
	}
	if i := shownAt(); m.sel != i {
		t.Errorf("the chosen row is %d; want %s's, %d", m.sel, who.EmployeeNo, i)
	}

	// The promotion changed what Rewards shows (names and levels): it reads
	// again when shown.
	rewards := rd.get("RewardsPenalties")
	open(w, "nav.rewards")
	if n := rd.get("RewardsPenalties"); n != rewards+1 {
		t.Errorf("the Rewards screen read %d times when shown after the promotion; want once", n-rewards)
	}

	// The Accounts screen, a name being typed in its form: HQ blocks W001.
	open(w, "nav.accounts")
	a := w.Accounts
	test.Type(a.Name, "正在输入")
	rewards, managers := rd.get("RewardsPenalties"), rd.get("ListManagers")
	if _, err := h.BlockAccount(ctx, "SH01", "W001", true, "离职", "admin"); err != nil {
		t.Fatal(err)
	}
	svc.KickSync()
	until(t, w, "the Accounts screen does not show W001 blocked by HQ", func() bool {
		for i, r := range a.List.Rows() {
			if r.EmployeeNo == "W001" {
				return a.List.Cell(i, 3) == T("accounts.blocked_by_hq")
			}
		}
		return false
	})
	if a.Name.Text != "正在输入" {
		t.Errorf("the name being typed became %q", a.Name.Text)
	}
	// What came was an account block: rewards and managers did not change,
	// so their screens (and the managers shared by the pickers) are not
	// read again.
	open(w, "nav.rewards")
	open(w, "nav.managers")
	if n := rd.get("RewardsPenalties"); n != rewards {
		t.Errorf("the Rewards screen read again (%d -> %d) after a sync that brought only an account block", rewards, n)
	}
	if n := rd.get("ListManagers"); n != managers {
		t.Errorf("the managers were read again (%d -> %d) after a sync that brought only an account block", managers, n)
	}
	// A write of a reward: the Rewards screen reads again, Managers not.
	who2 := m.Rows()[0]
	if _, err := w.e.svc.SaveRewardPenalty(ctx, w.e.actor, kaohe.RewardPenalty{ManagerID: who2.ID, Type: kaohe.RewardTypes()[0].Type,
		Amount: 100, Reason: "测试", Date: kaohe.D(2026, 11, 26), DecidedBy: "展厅"}); err != nil {
		t.Fatal(err)
	}
	open(w, "nav.rewards")
	open(w, "nav.managers")
	if n := rd.get("RewardsPenalties"); n != rewards+1 {
		t.Errorf("the Rewards screen read %d times after a reward was saved; want once", n-rewards)
	}
	if n := rd.get("ListManagers"); n != managers {
		t.Errorf("the managers were read again (%d -> %d) after a reward was saved", managers, n)
	}
	if i := shownAt(); i < 0 || m.Cell(i, levelCol) != LevelName(kaohe.Level2) {
		t.Errorf("the Managers screen no longer shows %s at level 2", who.EmployeeNo)
	}
}
