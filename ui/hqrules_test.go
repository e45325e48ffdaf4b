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
