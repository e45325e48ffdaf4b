package ui

import (
	"context"
	"strings"
	"testing"

	"kaohe/internal/kaohe"
)

// TestHQReviewRefusesWhatHQRefuses: HQ mode's review form, the real path of
// the review group's decisions, refuses by HQ's own day what HQ's server
// refuses, with the reason in Chinese and nothing recorded: a decision
// dated ahead of today or before the stage before it, an exam result whose
// verdict disagrees with the pass mark; the third review cannot be
// recorded before probation has ended.
func TestHQReviewRefusesWhatHQRefuses(t *testing.T) {
	w, svc, h := hqWindow(t)
	ctx := context.Background()
	open(w, "nav.review")
	s := w.Review
	pick := func(ok func(kaohe.ReviewItem) bool) kaohe.ReviewItem {
		for i, it := range s.Items() {
			if ok(it) {
				s.Select(i)
				w.Wait()
				return it
			}
		}
		for _, it := range s.Items() {
			t.Logf("%s %s %s", it.Manager.EmployeeNo, it.App.Review.State, it.App.Exemption)
		}
		t.Fatal("no such application in the demo's queue")
		return kaohe.ReviewItem{}
	}
	// HQ holds the demo showroom's applications as submitted (no stage of
	// HQ's came with them): one without an exemption request goes through.
	it := pick(func(it kaohe.ReviewItem) bool {
		return it.App.Review.State == kaohe.AppSubmitted && it.App.Exemption == kaohe.ExemptionNone
	})
	id := it.App.ID
	record := func(date, score string, pass bool) string {
		s.Deciders.SetSelected([]string{"陈建国（总经理）", "周静（人事部经理）"})
		verdict := T("verdict.fail")
		if pass {
			verdict = T("verdict.pass")
		}
		s.Pass.SetSelected(verdict)
		s.Date.SetText(date)
		if score != "" {
			s.Score.SetText(score)
		}
		s.RecordDecision()
		w.Wait()
		return s.Message.Text
	}
	state := func() kaohe.AppState {
		v, err := svc.Store.Application(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return v.Review.State
	}
	today := kaohe.DateOf(demoToday)
	if msg := record(today.AddDays(30).String(), "", true); !strings.Contains(msg, "晚于今天") || state() != kaohe.AppSubmitted {
		t.Errorf("first review dated a month ahead: %q, state %s", msg, state())
	}
	before := it.App.Review.Submitted().AddDays(-1)
	if msg := record(before.String(), "", true); !strings.Contains(msg, "早于上一步") || state() != kaohe.AppSubmitted {
		t.Errorf("first review dated before the submission: %q, state %s", msg, state())
	}
	if msg := record(today.String(), "", true); !strings.Contains(msg, "已记录") || state() != kaohe.AppExam {
		t.Fatalf("first review today: %q, state %s", msg, state())
	}
	// The exam: a verdict that disagrees with the pass mark is refused.
	if msg := record(today.String(), "45", true); !strings.Contains(msg, "及格线为 60 分") || state() != kaohe.AppExam {
		t.Errorf("exam 45 recorded as passed: %q, state %s", msg, state())
	}
	if msg := record(today.String(), "75", false); !strings.Contains(msg, "及格线为 60 分") || state() != kaohe.AppExam {
		t.Errorf("exam 75 recorded as failed: %q, state %s", msg, state())
	}
	if msg := record(today.String(), "75", true); !strings.Contains(msg, "已记录") || state() != kaohe.AppSecond {
		t.Fatalf("exam 75 passed: %q, state %s", msg, state())
	}
	if msg := record(today.String(), "", true); !strings.Contains(msg, "已记录") || state() != kaohe.AppProbation {
		t.Fatalf("second review today: %q, state %s", msg, state())
	}
	// Probation not over: the form says until when, and cannot record.
	if !s.Record.Disabled() || !strings.Contains(s.Next.Text, "期满后方可三审") {
		t.Errorf("third review before probation ends: record disabled %v, %q", s.Record.Disabled(), s.Next.Text)
	}
	// HQ holds what was recorded, and only that.
	if err := svc.SyncNow(ctx); err != nil {
		t.Fatal(err)
	}
	if rs, _ := svc.RefusedChanges(ctx); len(rs) != 0 {
		t.Errorf("HQ refused: %+v", rs)
	}
	v, ok, err := h.Application(ctx, id)
	if err != nil || !ok || v.Review.State != kaohe.AppProbation || len(v.Review.Decisions) != 4 ||
		v.Review.Decisions[2].ExamScore == nil || *v.Review.Decisions[2].ExamScore != 75 {
		t.Errorf("at HQ: %+v (found %v, %v)", v.Review, ok, err)
	}
}

// TestHQListsAndCorrectsEachLevel: HQ mode lists every level's reference
// data (duties, skills, customer groups) and corrects what a level needs:
// its education, its report length and whether a new hire may start at it;
// a length that is no number is refused with nothing saved; HQ holds the
// correction after a sync, and the levels' changes stay in HQ's log.
func TestHQListsAndCorrectsEachLevel(t *testing.T) {
	w, svc, h := hqWindowAs(t, "H001", "hq-admin-pw")
	ctx := context.Background()
	open(w, "nav.reference")
	s := w.Reference
	if len(s.LevelEdu) != 5 || len(s.LevelChars) != 5 || len(s.LevelHire) != 5 {
		t.Fatalf("levels listed: %d, %d, %d; want 5", len(s.LevelEdu), len(s.LevelChars), len(s.LevelHire))
	}
	for _, want := range []string{"一级客户经理", "三级客户经理（展厅经理级）", "职责：展厅日常的销售与设计；", "技能要求：", "客户群："} {
		if !strings.Contains(s.LevelText.Text, want) {
			t.Errorf("the levels' text lacks %q", want)
		}
	}
	if s.LevelChars[kaohe.Level2].Text != "3000" || !s.LevelHire[kaohe.Level1].Checked || s.LevelHire[kaohe.Level2].Checked {
		t.Errorf("level 2 needs %q 字, hire levels 1 %v 2 %v", s.LevelChars[kaohe.Level2].Text, s.LevelHire[kaohe.Level1].Checked, s.LevelHire[kaohe.Level2].Checked)
	}
	s.LevelChars[kaohe.Level2].SetText("三千")
	s.SaveLevels()
	w.Wait()
	if ls, _ := svc.Levels(ctx); ls[1].MinReportChars != 3000 || !strings.Contains(s.Message.Text, "述职报告最少字数") {
		t.Errorf("a length in words: level 2 needs %d, %q", ls[1].MinReportChars, s.Message.Text)
	}
	s.LevelChars[kaohe.Level2].SetText("3500")
	s.LevelEdu[kaohe.Level2].Set(kaohe.EduBachelor)
	s.LevelHire[kaohe.Level2].SetChecked(true)
	s.SaveLevels()
	w.Wait()
	ls, _ := svc.Levels(ctx)
	if l2 := ls[1]; l2.MinReportChars != 3500 || l2.MinEducation != kaohe.EduBachelor || !l2.HireLevel || !strings.Contains(s.Message.Text, "已保存") {
		t.Errorf("level 2 after the correction: %+v, %q", l2, s.Message.Text)
	}
	if err := svc.SyncNow(ctx); err != nil {
		t.Fatal(err)
	}
	at, _ := h.Levels(ctx)
	if l2, _ := at.Get(kaohe.Level2); l2.MinReportChars != 3500 || l2.MinEducation != kaohe.EduBachelor || !l2.HireLevel {
		t.Errorf("HQ's level 2: %+v", l2)
	}
	if hl := at.HireLevels(); len(hl) != 2 {
		t.Errorf("HQ's hire levels %v; want 1 and 2", hl)
	}
}
