package store

import (
	"testing"

	"kaohe/internal/kaohe"
)

// TestRecordsDatedAfterToday: by the showroom's own day (2026-11-27 in
// newStore) a reward or penalty and a market survey dated tomorrow are
// refused with err.date_in_future, and nothing of them is stored or
// queued; today's are saved. A training may be planned ahead, but no
// attendance is recorded for it before it is held (err.training_not_held),
// and a held training with attendance cannot move after today
// (err.training_attended). HQ refuses the same by the same kaohe rules.
func TestRecordsDatedAfterToday(t *testing.T) {
	s := newStore(t)
	m := addManager(t, s, "D001", "王堃", kaohe.Level1, kaohe.EduBachelor)
	today, tomorrow := kaohe.D(2026, 11, 27), kaohe.D(2026, 11, 28)
	save := func(f func(tx *Tx) error) error { return s.Update(ctx, "test", f) }
	queued := func() int { return count(t, s, `SELECT count(*) FROM outbox`) }
	reward := func(d kaohe.Date) kaohe.RewardPenalty {
		return kaohe.RewardPenalty{ManagerID: m.ID, Type: kaohe.RewardPraise, Reason: "客户书面表扬", Date: d, DecidedBy: "展厅经理"}
	}
	survey := func(d kaohe.Date) kaohe.MarketResearch {
		return kaohe.MarketResearch{ManagerID: m.ID, Kind: kaohe.ResearchCompetitor, Date: d, Subject: "欧派橱柜", Details: "小区驻点宣传"}
	}
	before := queued()
	if err := save(func(tx *Tx) error { _, err := tx.SaveRewardPenalty(reward(tomorrow)); return err }); kaohe.ErrorKey(err) != "err.date_in_future" {
		t.Errorf("a reward dated tomorrow: %v", err)
	}
	if err := save(func(tx *Tx) error { _, err := tx.SaveResearch(survey(tomorrow)); return err }); kaohe.ErrorKey(err) != "err.date_in_future" {
		t.Errorf("a survey dated tomorrow: %v", err)
	}
	if n := count(t, s, `SELECT (SELECT count(*) FROM rewards) + (SELECT count(*) FROM market_research)`); n != 0 || queued() != before {
		t.Errorf("refused records stored: %d rows, %d changes queued", n, queued()-before)
	}
	var held, planned kaohe.Training
	if err := save(func(tx *Tx) error {
		if _, err := tx.SaveRewardPenalty(reward(today)); err != nil {
			return err
		}
		if _, err := tx.SaveResearch(survey(today)); err != nil {
			return err
		}
		var err error
		if held, err = tx.SaveTraining(kaohe.Training{Title: "厨柜基础知识", Category: kaohe.TrainBasic, Method: kaohe.MethodClassroom,
			Date: kaohe.D(2026, 11, 1), Hours: 4}); err != nil {
			return err
		}
		if planned, err = tx.SaveTraining(kaohe.Training{Title: "购销谈判技巧", Category: kaohe.TrainProfession, Method: kaohe.MethodClassroom,
			Date: kaohe.D(2026, 12, 10), Hours: 6}); err != nil { // planned ahead: allowed
			return err
		}
		_, err = tx.RecordAttendance(kaohe.Attendance{TrainingID: held.ID, ManagerID: m.ID, Result: kaohe.AttendPassed})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	before = queued()
	if err := save(func(tx *Tx) error {
		_, err := tx.RecordAttendance(kaohe.Attendance{TrainingID: planned.ID, ManagerID: m.ID, Result: kaohe.AttendPassed})
		return err
	}); kaohe.ErrorKey(err) != "err.training_not_held" {
		t.Errorf("attendance of a training not held yet: %v", err)
	}
	moved := held
	moved.Date = kaohe.D(2026, 12, 10)
	if err := save(func(tx *Tx) error { _, err := tx.SaveTraining(moved); return err }); kaohe.ErrorKey(err) != "err.training_attended" {
		t.Errorf("a training with attendance moved after today: %v", err)
	}
	if n := count(t, s, `SELECT count(*) FROM attendance WHERE training_id = ?`, planned.ID); n != 0 || queued() != before {
		t.Errorf("refused attendance stored: %d rows, %d changes queued", n, queued()-before)
	}
	if n := count(t, s, `SELECT count(*) FROM trainings WHERE id = ? AND date = '2026-11-01'`, held.ID); n != 1 {
		t.Error("the refused move changed the training's date")
	}
	// A planned training without attendance moves freely.
	planned.Date = kaohe.D(2026, 12, 17)
	if err := save(func(tx *Tx) error { _, err := tx.SaveTraining(planned); return err }); err != nil {
		t.Errorf("moving a planned training: %v", err)
	}
}
