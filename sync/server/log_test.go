package server

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"kaohe/internal/kaohe"
	"kaohe/sync/protocol"
)

// TestBatchLogsEveryChangeInOrder: a batch that mixes applied changes,
// refusals, a repeat, a third review that grants (HQ's own level change
// and certificate written between) and a refused grant leaves each applied
// change in the log once, in the batch's order with the grant's changes
// right after their decision, and every row pointing at the log entry that
// wrote it; the log's counter agrees with its last entry.
func TestBatchLogsEveryChangeInOrder(t *testing.T) {
	w := newWorld(t)
	by := []string{"陈建国（总经理）"}
	score := 75.0
	dec := func(id, app string, stage kaohe.Stage, on kaohe.Date) protocol.Change {
		d := kaohe.Decision{ID: id, AppID: app, Stage: stage, Pass: true, Date: on, DecidedBy: by}
		if stage == kaohe.StageExam {
			d.ExamScore = &score
		}
		return w.change(kaohe.EntDecision, d)
	}
	var before int
	w.query(`SELECT count(*) FROM changes`, &before)
	w.today = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	first := dec("e1", "appA", kaohe.StageFirst, kaohe.D(2026, 6, 2))
	batch := []protocol.Change{
		first,
		dec("e0", "nope", kaohe.StageFirst, kaohe.D(2026, 6, 2)), // refused: no such application
		first, // the same change again: a duplicate
		dec("e2", "appA", kaohe.StageExam, kaohe.D(2026, 6, 3)),
		dec("e3", "appA", kaohe.StageSecond, kaohe.D(2026, 6, 4)),
		dec("e4", "appA", kaohe.StageThird, kaohe.D(2026, 11, 30)),    // grants: a level change and a certificate
		dec("e5", "appDone", kaohe.StageThird, kaohe.D(2026, 11, 30)), // refused: granted already
		w.change(kaohe.EntFiling, kaohe.Filing{ID: "f9", AssessmentID: "asA", Date: kaohe.D(2026, 11, 30), FiledBy: "陈建国"}),
	}
	status, res, raw := w.send(w.hqToken, batch)
	if status != 200 {
		t.Fatalf("push: %d %s", status, raw)
	}
	want := []string{protocol.Applied, protocol.Refused, protocol.Duplicate, protocol.Applied, protocol.Applied,
		protocol.Applied, protocol.Refused, protocol.Applied}
	var applied []string
	for i, r := range res {
		if r.Status != want[i] {
			t.Errorf("change %d (%s): %s %s; want %s", i, r.ID, r.Status, r.Message, want[i])
		}
		if r.Status == protocol.Applied {
			applied = append(applied, batch[i].ID)
		}
	}
	// The log after the batch, in order: the applied changes, with HQ's
	// level change and certificate after the third review.
	var log string
	w.query(fmt.Sprintf(`SELECT group_concat(CASE WHEN change_id LIKE 'chg-%%' THEN change_id ELSE entity END, ' ')
		FROM (SELECT * FROM changes ORDER BY seq LIMIT -1 OFFSET %d)`, before), &log)
	wantLog := strings.Join(applied[:4], " ") + " level_change certificate " + applied[4]
	if log != wantLog {
		t.Errorf("log after the batch:\n%s\nwant\n%s", log, wantLog)
	}
	var n, distinct, orphans, maxSeq, seqs int
	w.query(`SELECT count(*), count(DISTINCT change_id), max(seq) FROM changes`, &n, &distinct, &maxSeq)
	if n != distinct {
		t.Errorf("%d log entries for %d changes", n, distinct)
	}
	w.query(`SELECT count(*) FROM rows r WHERE NOT EXISTS (SELECT 1 FROM changes c WHERE c.seq = r.seq AND c.change_id = r.change_id)`, &orphans)
	if orphans != 0 {
		t.Errorf("%d rows point at no log entry of theirs", orphans)
	}
	// Each entry's receipt (when and under which credential it came) is
	// stored, and each receipt stored is some entry's.
	var unreceipted, unused int
	w.query(`SELECT (SELECT count(*) FROM changes c WHERE NOT EXISTS (SELECT 1 FROM receipts r WHERE r.id = c.receipt)),
		(SELECT count(*) FROM receipts r WHERE NOT EXISTS (SELECT 1 FROM changes c WHERE c.receipt = r.id))`, &unreceipted, &unused)
	if unreceipted != 0 || unused != 0 {
		t.Errorf("%d log entries without their receipt, %d receipts of no entry", unreceipted, unused)
	}
	w.query(`SELECT seq FROM sqlite_sequence WHERE name = 'changes'`, &seqs)
	if seqs != maxSeq {
		t.Errorf("the log's counter is %d, its last entry %d", seqs, maxSeq)
	}
	// A later push goes on after them.
	m := mkManager("mA9", w.idA)
	m.EmployeeNo = "A909"
	w.mustApply(w.tokenA, []protocol.Change{w.change(kaohe.EntManager, m)})
	var last string
	w.query(`SELECT change_id FROM changes ORDER BY seq DESC LIMIT 1`, &last)
	if last != w.seqID() {
		t.Errorf("last log entry %s; want the last push's", last)
	}
}

func (w *world) seqID() string { return fmt.Sprintf("chg-%04d", w.seq) }

// TestBatchSeesItsOwnWrites: the rules read what HQ holds as of each
// change, including what earlier changes of the same batch wrote (HQ reads
// a batch's level histories, filings and natural keys once, ahead, and
// forgets each as the batch writes it): a manager's assessment before the
// batch gives them a level is refused, the same after it applies; a
// level-2 manager is not the showroom's to assess; a second manager with
// an employee number the batch gave already is refused, one taking the
// number another manager gave up earlier in the batch is not.
func TestBatchSeesItsOwnWrites(t *testing.T) {
	w := newWorld(t)
	m := mkManager("mA7", w.idA)
	m.EmployeeNo, m.HireDate = "A007", kaohe.D(2024, 3, 1)
	hire := kaohe.LevelChange{ID: "lc-mA7", ManagerID: "mA7", To: kaohe.Level1, Date: m.HireDate, Reason: "入职定级", DecidedBy: "展厅经理"}
	as := w.asA
	as.ID, as.ManagerID = "as7", "mA7"
	early := as
	early.ID = "as6"
	batch := []protocol.Change{w.change(kaohe.EntManager, m), w.change(kaohe.EntAssessment, early),
		w.change(kaohe.EntLevelAssignment, hire), w.change(kaohe.EntAssessment, as)}
	_, res, raw := w.send(w.tokenA, batch)
	want := []string{protocol.Applied, protocol.Refused, protocol.Applied, protocol.Applied}
	for i, r := range res {
		if r.Status != want[i] {
			t.Errorf("change %d (%s): %s %s; want %s", i, batch[i].Entity, r.Status, r.Message, want[i])
		}
	}
	if len(res) != len(want) {
		t.Fatalf("push: %s", raw)
	}
	as2 := w.asA
	as2.ID, as2.ManagerID, as2.PeriodID = "as8", "mA2", "2026-Q2" // mA2 holds level 2 since the granted review
	_, res, raw = w.send(w.tokenA, []protocol.Change{w.change(kaohe.EntAssessment, as2)})
	if len(res) != 1 || res[0].Status != protocol.Refused {
		t.Fatalf("the showroom assessed a level-2 manager: %s", raw)
	}
	twin := mkManager("mA8", w.idA)
	twin.EmployeeNo = "A007" // mA7's
	renum := w.mA1
	renum.EmployeeNo = "A011"
	heir := mkManager("mA9", w.idA)
	heir.EmployeeNo = "A001" // mA1's until the change before
	batch = []protocol.Change{w.change(kaohe.EntManager, twin), w.change(kaohe.EntManager, renum), w.change(kaohe.EntManager, heir)}
	_, res, raw = w.send(w.tokenA, batch)
	want = []string{protocol.Refused, protocol.Applied, protocol.Applied}
	for i, r := range res {
		if r.Status != want[i] {
			t.Errorf("manager %s: %s %s; want %s", batch[i].RowID, r.Status, r.Message, want[i])
		}
	}
	if len(res) != len(want) {
		t.Fatalf("push: %s", raw)
	}
	newer := mkManager("mB7", w.idA)
	newer.EmployeeNo = "A077"
	again := mkManager("mB8", w.idA)
	again.EmployeeNo = "A077" // the number the same batch gave just before
	_, res, raw = w.send(w.tokenA, []protocol.Change{w.change(kaohe.EntManager, newer), w.change(kaohe.EntManager, again)})
	if len(res) != 2 || res[0].Status != protocol.Applied || res[1].Status != protocol.Refused {
		t.Errorf("two managers numbered A077 in one batch: %s", raw)
	}
}
