package store

import (
	"strings"
	"testing"

	"kaohe/internal/kaohe"
)

// TestSubmitOnlyTheNextLevel: the store refuses, before saving anything, a
// submit of an application for a level that is not the one above the
// applicant's (1→3, or 2→2), as HQ refuses it (kaohe.Levels.CheckNext):
// nothing is recorded or queued for HQ, and the draft stays a draft. The
// application for the next level then goes in.
func TestSubmitOnlyTheNextLevel(t *testing.T) {
	s := newStore(t)
	m1 := addManager(t, s, "D001", "张喆", kaohe.Level1, kaohe.EduBachelor)
	m2 := addManager(t, s, "D002", "李玥", kaohe.Level2, kaohe.EduBachelor)
	draft := func(m kaohe.Manager, target kaohe.Level) kaohe.Application {
		var app kaohe.Application
		if err := s.Update(ctx, "展厅经理", func(tx *Tx) error {
			var err error
			app, err = tx.SaveApplication(kaohe.Application{ManagerID: m.ID, TargetLevel: target, PersonalInfo: "个人情况",
				Achievements: "政绩", Report: strings.Repeat("述", 5000), Education: kaohe.EduBachelor})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return app
	}
	submit := func(app kaohe.Application) error {
		return s.Update(ctx, "展厅经理", func(tx *Tx) error { _, err := tx.SubmitApplication(app.ID, kaohe.D(2026, 11, 1)); return err })
	}
	m3 := addManager(t, s, "D003", "王堃", kaohe.Level1, kaohe.EduBachelor)
	for _, tc := range []struct {
		m      kaohe.Manager
		target kaohe.Level
	}{{m1, kaohe.Level3}, {m2, kaohe.Level2}, {m3, kaohe.Level5}} {
		app := draft(tc.m, tc.target)
		events := count(t, s, `SELECT count(*) FROM outbox WHERE entity = 'application_event'`)
		err := submit(app)
		if kaohe.ErrorKey(err) != "err.level_not_next" || kaohe.ErrorCode(err) != kaohe.ECONFLICT {
			t.Errorf("submit of %s's application for level %d = %v; want err.level_not_next", tc.m.Name, tc.target, err)
		}
		if v, _ := s.Application(ctx, app.ID); v.Review.State != kaohe.AppDraft || len(v.Review.Decisions) != 0 {
			t.Errorf("after the refused submit: %s with %d decisions; want a draft", v.Review.State, len(v.Review.Decisions))
		}
		if n := count(t, s, `SELECT count(*) FROM outbox WHERE entity = 'application_event'`); n != events {
			t.Errorf("the refused submit queued %d events for HQ", n-events)
		}
		// The same draft, asking for the next level, goes in.
		cur, _ := s.Manager(ctx, tc.m.ID)
		app.TargetLevel = cur.Level + 1
		if err := s.Update(ctx, "展厅经理", func(tx *Tx) error { _, err := tx.SaveApplication(app); return err }); err != nil {
			t.Fatal(err)
		}
		if err := submit(app); err != nil {
			t.Errorf("submit for the next level %d = %v", app.TargetLevel, err)
		}
	}
}
