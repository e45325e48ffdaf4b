package ui

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"kaohe/internal/demo"
	"kaohe/internal/kaohe"
	"kaohe/internal/service"
	"kaohe/internal/store"
)

// roleWindow opens the window over a demo database, with nobody signed in
// yet (the sign-in screen shows), or signed in as no when it is not "".
func roleWindow(t *testing.T, no string) (*Window, *service.Service) {
	t.Helper()
	a, svc, dir := demoService(t)
	for _, d := range demo.DemoAccounts {
		if d.EmployeeNo == no {
			signInAs(t, svc, no, d.Password)
		}
	}
	w := NewWindow(Params{App: a, Service: svc, DocDir: filepath.Join(dir, "documents"), DataDir: dir,
		OpenFile: func(string) {}, Now: func() time.Time { return demoToday }})
	t.Cleanup(w.Close)
	return w, svc
}

// demoService is a test app in Chinese and the demo showroom's service on
// demoToday, in dir, with no one signed in.
func demoService(t *testing.T) (a fyne.App, svc *service.Service, dir string) {
	t.Helper()
	a = test.NewTempApp(t)
	SetLanguage(kaohe.LangZh)
	dir = t.TempDir()
	s, err := store.Open(context.Background(), filepath.Join(dir, "kaohe.db"))
	if err != nil {
		t.Fatal(err)
	}
	s.Now = func() time.Time { return demoToday }
	if _, err := demo.Seed(context.Background(), s, demo.Options{Today: kaohe.DateOf(demoToday)}); err != nil {
		t.Fatal(err)
	}
	svc = service.New(s, filepath.Join(dir, "backups"))
	svc.Now = func() time.Time { return demoToday }
	svc.Sleep = func(time.Duration) {}
	t.Cleanup(func() { svc.Store.Close() })
	return a, svc, dir
}

func tabTitles(w *Window) string {
	var ts []string
	for _, it := range w.Tabs.Items {
		ts = append(ts, it.Text)
	}
	return strings.Join(ts, " ")
}

func TestSignInScreen(t *testing.T) {
	w, svc := roleWindow(t, "")
	g := w.gate.Login
	if g == nil || w.Tabs != nil {
		t.Fatal("no sign-in screen before anyone signed in")
	}
	test.Type(g.EmployeeNo, "D001")
	test.Type(g.Password, "not-it")
	test.Tap(g.SignIn)
	w.Wait()
	if g.Message.Text != "工号或密码不正确。" || w.Tabs != nil || g.Password.Text != "" {
		t.Fatalf("wrong password: %q", g.Message.Text)
	}
	test.Type(g.Password, "manager-demo")
	test.Tap(g.SignIn)
	w.Wait()
	if a, _ := svc.Session(); a.EmployeeNo != "D001" || w.Tabs == nil || !strings.Contains(labels(w), "（D001） · 展厅经理") {
		t.Errorf("signed in as %+v; header %q", a, labels(w))
	}
}

func TestRolesSeeTheirScreens(t *testing.T) {
	for _, tc := range []struct {
		no       string
		has, not []string
	}{
		{"D001", []string{"工作台", "客户经理", "考核评分", "考级申请", "账号", "同步"}, nil},
		{"W001", []string{"工作台", "客户经理", "指标与业绩", "培训", "奖惩", "市场调查", "同步"}, []string{"账号", "考级申请"}},
		{"D002", []string{"客户经理", "考级申请", "培训", "文档打印", "设置"}, []string{"工作台", "指标与业绩", "考核评分", "奖惩", "市场调查", "账号"}},
	} {
		t.Run(tc.no, func(t *testing.T) {
			w, _ := roleWindow(t, tc.no)
			got := " " + tabTitles(w) + " "
			for _, h := range tc.has {
				if !strings.Contains(got, " "+h+" ") {
					t.Errorf("%s: no %q tab in %q", tc.no, h, got)
				}
			}
			for _, n := range tc.not {
				if strings.Contains(got, " "+n+" ") {
					t.Errorf("%s: %q tab shown in %q", tc.no, n, got)
				}
			}
			openAll(w) // every screen the role sees builds without a refusal
		})
	}
}

func TestClerkAssessmentRefused(t *testing.T) {
	w, svc := roleWindow(t, "W001")
	open(w, "nav.assessments")
	s := w.Assessments
	m, _ := svc.Store.ManagerByNo(context.Background(), "D003")
	before, _ := svc.Store.Assessments(context.Background(), store.AssessmentFilter{ManagerID: m.ID, PeriodID: "2026-H2"})
	s.Open(m.ID, "2026-H2")
	w.Wait()
	for _, f := range s.Scores {
		test.Type(f, "80")
	}
	test.Tap(s.SaveBtn)
	w.Wait()
	if s.Problem.Text != "您的角色（文员/人事）不能填写或提交考核。" {
		t.Errorf("clerk saving an assessment: %q", s.Problem.Text)
	}
	as, _ := svc.Store.Assessments(context.Background(), store.AssessmentFilter{ManagerID: m.ID, PeriodID: "2026-H2"})
	if len(as) != len(before) || (len(as) == 1 && (as[0].Total != before[0].Total || as[0].Assessor != before[0].Assessor)) {
		t.Errorf("a refused assessment was saved: %+v (was %+v)", as, before)
	}
}

func TestCustomerManagerSeesOwnRecordOnly(t *testing.T) {
	w, svc := roleWindow(t, "D002")
	open(w, "nav.managers")
	if n := len(w.Managers.rows); n != 1 || w.Managers.rows[0].EmployeeNo != "D002" {
		t.Errorf("customer manager's list: %d rows", n)
	}
	open(w, "nav.applications")
	apps, _ := svc.Applications(context.Background(), "")
	me, _ := svc.Store.ManagerByNo(context.Background(), "D002")
	for _, a := range apps {
		if a.ManagerID != me.ID {
			t.Errorf("sees someone else's application")
		}
	}
}

func TestLockReturnsToTheSameScreen(t *testing.T) {
	w, svc := roleWindow(t, "W001")
	open(w, "nav.training")
	before := w.Tabs.SelectedIndex()
	under := w.Content()
	w.LockNow()
	l := w.gate.Lock
	if l == nil || w.Content() == under {
		t.Fatal("not locked")
	}
	if _, err := svc.ListManagers(context.Background(), kaohe.ManagerFilter{}); err == nil {
		t.Errorf("the service reads while the window is locked")
	}
	test.Type(l.Password, "wrong-one")
	test.Tap(l.Unlock)
	w.Wait()
	if w.gate.Lock == nil || !strings.Contains(l.Message.Text, "不正确") {
		t.Fatalf("unlocked with a wrong password: %q", l.Message.Text)
	}
	test.Type(l.Password, "clerk-demo")
	test.Tap(l.Unlock)
	w.Wait()
	if w.Content() != under || w.Tabs.SelectedIndex() != before {
		t.Errorf("after unlocking: tab %d, want %d", w.Tabs.SelectedIndex(), before)
	}
	// Idle minutes lock it too.
	w.p.IdleTime = func() time.Duration { return time.Hour }
	w.CheckIdle()
	if w.gate.Lock == nil {
		t.Errorf("an hour idle did not lock the window")
	}
}

func TestFirstRunSetup(t *testing.T) {
	for _, lang := range []kaohe.Lang{kaohe.LangZh, kaohe.LangEn} {
		t.Run(string(lang), func(t *testing.T) {
			a := test.NewTempApp(t)
			SetLanguage(kaohe.LangZh)
			defer SetLanguage(kaohe.LangZh)
			dir := t.TempDir()
			s, err := store.Open(context.Background(), filepath.Join(dir, "kaohe.db"))
			if err != nil {
				t.Fatal(err)
			}
			svc := service.New(s, filepath.Join(dir, "backups"))
			svc.Now = func() time.Time { return demoToday }
			t.Cleanup(func() { svc.Store.Close() })
			w := NewWindow(Params{App: a, Service: svc, DocDir: dir, DataDir: dir, Now: func() time.Time { return demoToday }})
			t.Cleanup(w.Close)
			st := w.gate.Setup
			if st == nil {
				t.Fatal("no set-up screen on an empty install")
			}
			if lang == kaohe.LangEn {
				st.Language.SetSelected("English")
				st = w.gate.Setup
				if !strings.Contains(shownLabels(w), "Welcome to Kaohe") {
					t.Errorf("English set-up shows %q", shownLabels(w))
				}
			} else if !strings.Contains(shownLabels(w), "欢迎使用客户经理考核") {
				t.Errorf("set-up shows %q", shownLabels(w))
			}
			test.Type(st.Name, "董喆")
			test.Type(st.EmployeeNo, "D001")
			test.Type(st.Password, "dong-zhe-2026")
			test.Type(st.Confirm, "dong-zhe-2027")
			test.Tap(st.Create)
			w.Wait()
			if ok, _ := svc.NeedsSetup(context.Background()); !ok || st.Message.Text == "" {
				t.Fatalf("mismatched passwords accepted: %q", st.Message.Text)
			}
			st.Confirm.SetText("dong-zhe-2026")
			test.Tap(st.Create)
			w.Wait()
			if st.Demo == nil {
				t.Fatalf("no next step: %q", st.Message.Text)
			}
			test.Tap(st.Demo)
			w.Wait()
			if w.Tabs == nil || len(w.Tabs.Items) < 10 {
				t.Fatalf("after the demo: %v", w.Tabs)
			}
			a0, _ := svc.Session()
			if a0.String() != "董喆（D001）" || a0.Role != kaohe.RoleShowroomManager {
				t.Errorf("signed in as %+v", a0)
			}
			// The set-up account kept its password; the demo added the others.
			accs, _ := svc.Store.Accounts(context.Background())
			if len(accs) != 3 {
				t.Errorf("%d accounts after the demo", len(accs))
			}
		})
	}
}

// shownLabels returns the texts of the labels shown now.
func shownLabels(w *Window) string {
	var b strings.Builder
	for _, o := range test.LaidOutObjects(w.Content()) {
		if l, ok := o.(*widget.Label); ok {
			b.WriteString(l.Text + "\n")
		}
	}
	return b.String()
}
