package store

import (
	"testing"
	"time"

	"kaohe/internal/kaohe"
)

// TestShowroomDayIsHQDay: the app judges "today" by the policy's day, the
// one HQ judges by (kaohe.Today), whatever zone the PC is kept in. A PC
// whose clock is right but whose zone is not China's (Windows installed in
// UTC or US time, a laptop brought back from Japan) otherwise saves a
// reward HQ then refuses for good as dated in the future (the PC's day
// ahead of HQ's), or refuses today's reward HQ would take (behind). Each
// hour of a day: a reward and a survey of HQ's today are saved, and of
// HQ's tomorrow refused, whatever the PC's own day is then.
func TestShowroomDayIsHQDay(t *testing.T) {
	s := newStore(t)
	m := addManager(t, s, "D001", "王堃", kaohe.Level1, kaohe.EduBachelor)
	start := time.Date(2026, 11, 27, 0, 30, 0, 0, time.UTC)
	for h := 0; h < 24; h++ {
		now := start.Add(time.Duration(h) * time.Hour)
		s.Now = func() time.Time { return now }
		today := kaohe.Today(now)
		for _, d := range []kaohe.Date{today, today.AddDays(1)} {
			err := s.Update(ctx, "test", func(tx *Tx) error {
				if _, err := tx.SaveRewardPenalty(kaohe.RewardPenalty{ManagerID: m.ID, Type: kaohe.RewardPraise, Reason: "客户书面表扬",
					Date: d, DecidedBy: "展厅经理"}); err != nil {
					return err
				}
				_, err := tx.SaveResearch(kaohe.MarketResearch{ManagerID: m.ID, Kind: kaohe.ResearchCompetitor, Date: d,
					Subject: "欧派橱柜", Details: "小区驻点宣传"})
				return err
			})
			if d == today && err != nil {
				t.Errorf("%s (HQ's day %s, the PC's %s): a reward of HQ's today refused: %v", now.Format(time.RFC3339), today,
					kaohe.DateOf(now.Local()), err)
			}
			if d != today && kaohe.ErrorKey(err) != "err.date_in_future" {
				t.Errorf("%s (HQ's day %s, the PC's %s): a reward of HQ's tomorrow: %v; want err.date_in_future", now.Format(time.RFC3339),
					today, kaohe.DateOf(now.Local()), err)
			}
		}
	}
	if n := count(t, s, `SELECT count(*) FROM rewards WHERE date > ?`, kaohe.Today(start.Add(23*time.Hour)).String()); n != 0 {
		t.Errorf("%d rewards dated after HQ's day stored", n)
	}
}
