package ui

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"kaohe/internal/kaohe"
	"kaohe/internal/service"
	"kaohe/internal/store"
	"kaohe/internal/testhq"
)

// emptyWindow opens the app over a database enrolled with a brand-new HQ
// and synced (HQ mode when asHQ), with its first account signed in and no
// data of its own.
func emptyWindow(t *testing.T, lang kaohe.Lang, asHQ, sync bool, reviewer ...bool) *Window {
	t.Helper()
	a := test.NewTempApp(t)
	if err := SetLanguage(lang); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { SetLanguage(kaohe.LangZh) })
	ctx := context.Background()
	th := testhq.New(t, testhq.Options{})
	h := th.Store
	srv := th.Server
	var code string
	var err error
	if asHQ {
		code, err = h.AddHQUser(ctx, "评审小组")
	} else {
		_, code, err = h.AddShowroom(ctx, "SH01", "上海徐汇旗舰展厅", "华东片区")
	}
	if err != nil {
		t.Fatal(err)
	}
	s, err := store.Open(ctx, filepath.Join(t.TempDir(), "kaohe.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	s.Now = func() time.Time { return demoToday } // the service's day too
	svc := service.New(s, t.TempDir())
	svc.Sleep = func(time.Duration) {}
	if _, err := svc.Enroll(ctx, srv.URL, code); err != nil {
		t.Fatal(err)
	}
	first, err := svc.Setup(ctx, "董喆", "D001", "first-account-pw")
	if err != nil {
		t.Fatal(err)
	}
	who := "D001"
	if len(reviewer) > 0 && reviewer[0] { // HQ mode's review group: an account the HQ admin adds
		if _, err := svc.SaveAccount(ctx, first, kaohe.Account{Name: "陈建国", EmployeeNo: "H002", Role: kaohe.RoleReviewer}, "reviewer-pw"); err != nil {
			t.Fatal(err)
		}
		who = "H002"
	}
	if sync {
		if err := svc.SyncNow(ctx); err != nil {
			t.Fatal(err)
		}
	}
	pw := "first-account-pw"
	if who == "H002" {
		pw = "reviewer-pw"
	}
	signInAs(t, svc, who, pw)
	w := NewWindow(Params{App: a, Service: svc, DocDir: t.TempDir(), DataDir: t.TempDir(), Now: func() time.Time { return demoToday }})
	t.Cleanup(w.Close)
	w.Wait()
	return w
}

// TestEmptyScreensSayWhy: over a database enrolled with a new HQ and synced,
// with no data of its own, every screen that can be empty says why and what
// to do, in Chinese and in English; HQ mode likewise over an HQ no showroom
// has synced with, and its reference-data screen before the first sync.
func TestEmptyScreensSayWhy(t *testing.T) {
	for _, lang := range []kaohe.Lang{kaohe.LangZh, kaohe.LangEn} {
		t.Run(string(lang), func(t *testing.T) {
			w := emptyWindow(t, lang, false, true)
			for _, c := range []struct {
				nav, key string
				shown    func() string
			}{
				{"nav.dashboard", "empty.dashboard", func() string { return w.Dashboard.Empty.Shown() }},
				{"nav.managers", "empty.managers", func() string { return w.Managers.Empty.Shown() }},
				{"nav.targets", "empty.targets", func() string { return w.Targets.Empty.Shown() }},
				{"nav.assessments", "assess.no_assessable", func() string { return w.Assessments.Problem.Text }},
				{"nav.applications", "empty.applications_nobody", func() string { return w.Applications.Empty.Shown() }},
				{"nav.training", "empty.training", func() string { return w.Training.Sessions.Empty.Shown() }},
				{"nav.rewards", "empty.rewards", func() string { return w.Rewards.List.Empty.Shown() }},
				{"nav.research", "empty.research", func() string { return w.Research.List.Empty.Shown() }},
				{"nav.documents", "empty.documents", func() string { return w.Documents.Empty.Shown() }},
			} {
				open(w, c.nav)
				if got, want := c.shown(), T(c.key); got != want || want == c.key || want == "" {
					t.Errorf("%s says %q, want %q", c.nav, got, want)
				}
			}
			// A screen with data says nothing of the kind.
			open(w, "nav.training")
			w.Training.Sessions.Set([]kaohe.Training{{ID: "t1", Title: "厨柜基础"}})
			if got := w.Training.Sessions.Empty.Shown(); got != "" {
				t.Errorf("training with a row still says %q", got)
			}

			hqw := emptyWindow(t, lang, true, true, true)
			for _, c := range []struct {
				nav, key string
				shown    func() string
			}{
				{"nav.review", "empty.hq_review", func() string { return hqw.Review.Empty.Shown() }},
				{"nav.filing", "empty.hq_filing", func() string { return hqw.Filing.Queue.Empty.Shown() }},
				{"nav.hq_report", "empty.hq_report", func() string { return hqw.HQReport.Empty.Shown() }},
				{"nav.all_managers", "empty.hq_managers", func() string { return hqw.AllManagers.Empty.Shown() }},
			} {
				open(hqw, c.nav)
				if got, want := c.shown(), T(c.key); got != want || want == c.key {
					t.Errorf("HQ %s says %q, want %q", c.nav, got, want)
				}
			}
			// A new HQ publishes the policy's reference data: nothing missing.
			admin := emptyWindow(t, lang, true, true)
			open(admin, "nav.reference")
			if got := admin.Reference.Empty.Shown(); got != "" {
				t.Errorf("reference data after the first sync says %q", got)
			}
			fresh := emptyWindow(t, lang, true, false)
			open(fresh, "nav.reference")
			if got, want := fresh.Reference.Empty.Shown(), T("empty.hq_reference"); got != want {
				t.Errorf("reference data before any sync says %q, want %q", got, want)
			}
			open(fresh, "nav.hq_report")
			if got, want := fresh.HQReport.Empty.Shown(), T("empty.hq_report_period"); got != want {
				t.Errorf("HQ report with no period says %q, want %q", got, want)
			}
		})
	}
}
