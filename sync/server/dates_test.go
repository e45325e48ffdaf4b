package server

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"kaohe/internal/kaohe"
	"kaohe/sync/protocol"
)

// TestDishonestDates: by HQ's own day (its clock, the policy's calendar),
// not the one typed, a showroom's reward dated next month, a survey dated
// tomorrow, an attendance (with a result) of a training that has not been
// held yet, and a held training with attendance moved after today are
// refused per change with the domain's coded error, the rest of the batch
// applying (a training planned ahead, today's reward); afterwards HQ holds
// none of the refused rows and its stats count only the applied ones.
// Today is the policy's: at 20:00 UTC it is already tomorrow in Beijing.
func TestDishonestDates(t *testing.T) {
	w := newWorld(t)
	A := w.tokenA
	w.today = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC) // 17:00 in Beijing: 2026-12-01
	reward := func(id string, d kaohe.Date) kaohe.RewardPenalty {
		return kaohe.RewardPenalty{ID: id, ShowroomID: w.idA, ManagerID: "mA1", Type: kaohe.RewardPraise, Reason: "客户书面表扬", Date: d, DecidedBy: "展厅经理"}
	}
	survey := func(id string, d kaohe.Date) kaohe.MarketResearch {
		return kaohe.MarketResearch{ID: id, ShowroomID: w.idA, ManagerID: "mA1", Kind: kaohe.ResearchCompetitor, Date: d, Subject: "欧派橱柜", Details: "小区驻点宣传"}
	}
	planned := kaohe.Training{ID: "tPlan", ShowroomID: w.idA, Title: "购销谈判技巧", Category: kaohe.TrainProfession, Method: kaohe.MethodClassroom,
		Date: kaohe.D(2026, 12, 20), Hours: 6}
	attend := func(id, training string) kaohe.Attendance {
		return kaohe.Attendance{ID: id, TrainingID: training, ManagerID: "mA1", Result: kaohe.AttendPassed}
	}
	w.mustApply(A, []protocol.Change{w.change(kaohe.EntAttendance, attend("atHeld", "tA"))})
	statsBefore := w.stats()
	moved := w.tA
	moved.Date = kaohe.D(2026, 12, 20)

	batch := []protocol.Change{
		w.change(kaohe.EntReward, reward("rwNext", kaohe.D(2027, 1, 5))),
		w.change(kaohe.EntResearch, survey("mrTomorrow", kaohe.D(2026, 12, 2))),
		w.change(kaohe.EntTraining, planned), // a plan: applied
		w.change(kaohe.EntAttendance, attend("atPlan", "tPlan")),
		w.change(kaohe.EntTraining, moved),
		w.change(kaohe.EntReward, reward("rwToday", kaohe.D(2026, 12, 1))),
	}
	want := []string{"err.date_in_future", "err.date_in_future", protocol.Applied, "err.training_not_held", "err.training_attended", protocol.Applied}
	status, res, raw := w.send(A, batch)
	if status != 200 || len(res) != len(batch) {
		t.Fatalf("push: %d %s", status, raw)
	}
	for i, r := range res {
		if want[i] == protocol.Applied && r.Status != protocol.Applied ||
			want[i] != protocol.Applied && (r.Status != protocol.Refused || r.Code != kaohe.EINVALID || !strings.Contains(r.Message, want[i])) {
			t.Errorf("%s %s: %s %s %s; want %s", batch[i].Entity, batch[i].RowID, r.Status, r.Code, r.Message, want[i])
		}
	}
	var n int
	w.query(`SELECT count(*) FROM rows WHERE row_id IN ('rwNext', 'mrTomorrow', 'atPlan')`, &n)
	if n != 0 {
		t.Errorf("%d refused rows stored at HQ", n)
	}
	var tA kaohe.Training
	w.payloadOf(kaohe.EntTraining, "tA", &tA)
	if tA.Date != w.tA.Date {
		t.Errorf("the refused move left tA on %s", tA.Date)
	}
	statsBefore[w.codeA()]["trainings"]++
	statsBefore[w.codeA()]["rewards"]++
	if got := w.stats(); !reflect.DeepEqual(got, statsBefore) {
		t.Errorf("kaohe-hq stats:\n%v\nwant\n%v", got, statsBefore)
	}

	// Late in the evening by UTC it is the next day in the showrooms.
	w.today = time.Date(2026, 12, 1, 20, 0, 0, 0, time.UTC)
	w.mustApply(A, []protocol.Change{w.change(kaohe.EntReward, reward("rwBeijing", kaohe.D(2026, 12, 2))),
		w.change(kaohe.EntResearch, survey("mrBeijing", kaohe.D(2026, 12, 2)))})
	// Once the planned training has been held its attendance is taken.
	w.today = time.Date(2026, 12, 20, 3, 0, 0, 0, time.UTC)
	w.mustApply(A, []protocol.Change{w.change(kaohe.EntAttendance, attend("atPlan", "tPlan"))})
}
