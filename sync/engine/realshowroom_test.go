package engine

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"kaohe/internal/kaohe"
	"kaohe/internal/password"
	"kaohe/internal/store"
	"kaohe/internal/store/sqliteuri"
)

// TestRealShowroomKeepsEveryRowAtFirstEnrollment: a showroom that is no
// demo — its own people entered by hand (level-1 hires, one who left), its
// accounts, targets and actuals, trainings and attendance, rewards and
// penalties, market research and applications submitted but not decided
// (one asking for an education exemption), its rows in the very tables that hold the
// demo's stand-ins of HQ's acts (hires' first levels beside HQ's level
// changes, applications' own submissions beside HQ's review decisions) —
// enrolls with HQ for the first time. Every row it held is still there, as it was, after the enrollment
// (which drops the demo's stand-ins of HQ's acts) and after the first
// sync, now under HQ's showroom id; HQ refuses none and holds each one.
// It holds no assessment: its level-1 managers are assessed by its manager
// at level 3 (kaohe.CheckShowroomAssessor), a level only HQ records, so a
// showroom assesses once HQ has set its manager's level after enrolling
// (TestNewHQPublishesThePolicy).
func TestRealShowroomKeepsEveryRowAtFirstEnrollment(t *testing.T) {
	h := newHQ(t)
	code := h.real.Showroom(t, "SH01", "上海徐汇旗舰展厅")
	path := filepath.Join(t.TempDir(), "SH01.db")
	s, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	s.Now = h.clock.Now
	today := kaohe.DateOf(h.clock.Now())
	var mine []kaohe.Manager
	var apps []kaohe.Application
	err = s.Update(ctx, "展厅经理 赵敏", func(tx *store.Tx) error {
		if _, err := tx.SetShowroom(kaohe.Showroom{Code: "SH01", Name: "上海徐汇旗舰展厅", Region: "华东片区", City: "上海"}); err != nil {
			return err
		}
		// The policy's reference data as HQ publishes it (the same ids), for
		// assessments: HQ sends it again at the first sync.
		if err := tx.PutLevels(kaohe.DefaultLevels()); err != nil {
			return err
		}
		if err := tx.PutTemplate(kaohe.DefaultTemplate(), true); err != nil {
			return err
		}
		for _, p := range kaohe.StandardPeriods(today.Year) {
			if err := tx.PutPeriod(p); err != nil {
				return err
			}
		}
		for i, a := range []struct{ name, no string }{{"赵敏", "M001"}, {"钱多多", "M002"}} {
			hash, err := password.Hash(fmt.Sprintf("real-showroom-%d", i))
			if err != nil {
				return err
			}
			role := kaohe.RoleShowroomManager
			if i > 0 {
				role = kaohe.RoleClerk
			}
			if _, err := tx.SaveAccount(kaohe.Account{Name: a.name, EmployeeNo: a.no, Role: role, PasswordHash: hash}); err != nil {
				return err
			}
		}
		people := []kaohe.Manager{
			{EmployeeNo: "R001", Name: "孙丽", Gender: kaohe.GenderFemale, Phone: "13800000001", Education: kaohe.EduBachelor, HireDate: kaohe.D(2021, 3, 1)},
			{EmployeeNo: "R002", Name: "周强", Gender: kaohe.GenderMale, Education: kaohe.EduHighSchool, HireDate: kaohe.D(2022, 6, 15)},
			{EmployeeNo: "r003", Name: "吴芳", Education: kaohe.EduCollege, HireDate: kaohe.D(2023, 9, 1), Note: "从杭州展厅调入"},
			{EmployeeNo: "R004", Name: "郑伟", Education: kaohe.EduCollege, HireDate: kaohe.D(2024, 1, 8), Status: kaohe.StatusLeft, LeftOn: kaohe.D(2026, 8, 31)},
			{EmployeeNo: "R005", Name: "王静", Education: kaohe.EduVocational, HireDate: today.AddDays(-20)},
		}
		for i, m := range people {
			since := kaohe.Date{}
			if i == 0 {
				since = kaohe.D(2021, 4, 1) // level given a month after hiring
			}
			m, err := tx.CreateManager(m, kaohe.Level1, since)
			if err != nil {
				return fmt.Errorf("%s: %w", m.EmployeeNo, err)
			}
			mine = append(mine, m)
		}
		// Looks like the demo's stand-in of HQ's grant, but it is the
		// showroom's own first level of a hire (from level 0).
		m, err := tx.CreateManager(kaohe.Manager{EmployeeNo: "R006", Name: "冯晓", Education: kaohe.EduCollege, HireDate: kaohe.D(2025, 2, 10)}, kaohe.Level1, kaohe.Date{})
		if err != nil {
			return err
		}
		mine = append(mine, m)
		for _, m := range mine[:3] {
			tg, err := tx.SetTarget(m.ID, kaohe.MetricSales, today.Year, 1_500_000, kaohe.SeasonalWeights())
			if err != nil {
				return err
			}
			if _, err := tx.SetTarget(m.ID, kaohe.MetricOrders, today.Year, 60, nil); err != nil {
				return err
			}
			for mo := 1; mo < int(today.Month); mo++ {
				if _, err := tx.SetActual(m.ID, kaohe.MetricSales, today.Year, mo, tg.Months[mo-1]*9/10); err != nil {
					return err
				}
			}
		}
		tr, err := tx.SaveTraining(kaohe.Training{Title: "厨柜基础知识", Category: kaohe.TrainBasic, Method: kaohe.MethodClassroom,
			Date: today.AddDays(-30), Hours: 4, Trainer: "王工程师"})
		if err != nil {
			return err
		}
		score := 86.0
		for i, m := range mine[:4] {
			a := kaohe.Attendance{TrainingID: tr.ID, ManagerID: m.ID, Result: kaohe.AttendPassed, Score: &score}
			if i == 3 {
				a = kaohe.Attendance{TrainingID: tr.ID, ManagerID: m.ID, Result: kaohe.AttendAbsent}
			}
			if _, err := tx.RecordAttendance(a); err != nil {
				return err
			}
		}
		for _, r := range []kaohe.RewardPenalty{
			{ManagerID: mine[0].ID, Type: kaohe.RewardBonus, Reason: "季度销售额第一名", Amount: 2000, Date: today.AddDays(-50), DecidedBy: "展厅经理"},
			{ManagerID: mine[1].ID, Type: kaohe.PenaltyWarning, Reason: "多次迟到", Date: today.AddDays(-10), DecidedBy: "展厅经理"},
		} {
			if _, err := tx.SaveRewardPenalty(r); err != nil {
				return err
			}
		}
		if _, err := tx.SaveResearch(kaohe.MarketResearch{ManagerID: mine[0].ID, Kind: kaohe.ResearchCompetitor, Date: today.AddDays(-5),
			Subject: "欧派橱柜", Details: "推出整体厨房套餐促销，小区驻点宣传。"}); err != nil {
			return err
		}
		levels := kaohe.DefaultLevels()
		l2, _ := levels.Get(kaohe.Level2)
		report := strings.Repeat("本考核期内，我严格按照公司下达的年度工作计划，分解月度指标，认真接待每一位到店客户。", 1+l2.MinReportChars/30)
		for i, m := range mine[:3] {
			a := kaohe.Application{ManagerID: m.ID, TargetLevel: kaohe.Level2, Education: m.Education,
				PersonalInfo: m.Name + "，入职以来负责展厅散户与小区客户的销售和服务。",
				Achievements: "连续两个考核期完成销售指标。", Report: report}
			if m.Education < l2.MinEducation {
				a.Exemption, a.ExemptReason = kaohe.ExemptionRequested, "业绩特别优秀，近两年销售额均居展厅前列。"
			}
			a, err := tx.SaveApplication(a)
			if err != nil {
				return fmt.Errorf("application of %s: %w", m.EmployeeNo, err)
			}
			if i < 2 { // submitted, not decided; the third stays a draft
				if _, err := tx.SubmitApplication(a.ID, today.AddDays(-3)); err != nil {
					return fmt.Errorf("submit of %s: %w", m.EmployeeNo, err)
				}
			}
			apps = append(apps, a)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	before := dumpRows(t, path)
	if n := len(before["managers"]); n != 6 {
		t.Fatalf("the showroom holds %d managers; want 6", n)
	}
	if v, _ := s.Application(ctx, apps[1].ID); v.Exemption != kaohe.ExemptionRequested || v.Review.State != kaohe.AppSubmitted {
		t.Fatalf("R002's application: exemption %q, state %q", v.Exemption, v.Review.State)
	}

	if _, err := Enroll(ctx, s, h.proxy.URL, code); err != nil {
		t.Fatal(err)
	}
	sr, _ := s.Showroom(ctx)
	enrolled := dumpRows(t, path)
	sameRows(t, "after the first enrollment", before, enrolled, sr.ID, false)

	token, _ := s.Meta(ctx, store.MetaToken)
	e := &Engine{Store: s, Client: fastClient(h.proxy.URL, token), Batch: 50}
	if err := e.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if rs, _ := s.Refused(ctx); len(rs) != 0 {
		t.Fatalf("HQ refused %d of the real showroom's changes, first %s %s: %s", len(rs), rs[0].Entity, rs[0].RowID, rs[0].Refused)
	}
	if n, _ := s.PendingCount(ctx); n != 0 {
		t.Fatalf("%d changes still pending after the sync", n)
	}
	synced := dumpRows(t, path)
	sameRows(t, "after the first sync", before, synced, sr.ID, true)

	// HQ holds every one of them, each as the showroom last wrote it.
	states, err := h.store.RowStates(ctx, sr.ID)
	if err != nil {
		t.Fatal(err)
	}
	own, err := s.RowStates(ctx)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for key, change := range own {
		entity := key[:strings.IndexByte(key, '/')]
		if kaohe.OwnedByHQ(entity) {
			continue
		}
		n++
		if got, ok := states[key]; !ok || got != change {
			t.Errorf("HQ holds %s as change %q; the showroom wrote %q", key, got, change)
		}
	}
	if n < 40 {
		t.Errorf("only %d showroom rows compared with HQ", n)
	}
	stats, _ := h.store.Stats(ctx)
	for table, want := range map[string]int{"managers": 6, "applications": 3, "assessments": 0, "trainings": 1} {
		if got := stats["SH01"][table]; got != want {
			t.Errorf("HQ has %d %s of SH01; want %d", got, table, want)
		}
	}
	var atHQ kaohe.Application
	if err := h.store.RowPayload(ctx, kaohe.EntApplication, apps[1].ID, &atHQ); err != nil || atHQ.Exemption != kaohe.ExemptionRequested || atHQ.Report != apps[1].Report {
		t.Errorf("R002's application at HQ: %v, exemption %q, report of %d bytes", err, atHQ.Exemption, len(atHQ.Report))
	}
	if v, found, err := h.store.Application(ctx, apps[0].ID); err != nil || !found || v.Review.State != kaohe.AppSubmitted {
		t.Errorf("R001's application at HQ: %v %v, state %q; want submitted", found, err, v.Review.State)
	}
}

// dumpRows reads every row of a showroom database's record tables (not its
// bookkeeping: meta, audit, outbox, row counters, sync queues), each as
// its JSON, by table.
func dumpRows(t *testing.T, path string) map[string][]map[string]any {
	t.Helper()
	db, err := sql.Open("sqlite3", sqliteuri.File(path)+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	skip := []string{"meta", "audit", "outbox", "outbox_queue", "row_versions", "remote_pending", "login_failures", "showrooms"}
	rows, err := db.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		if !slices.Contains(skip, n) {
			tables = append(tables, n)
		}
	}
	rows.Close()
	out := map[string][]map[string]any{}
	for _, table := range tables {
		rs, err := db.QueryContext(ctx, `SELECT * FROM `+table+` ORDER BY rowid`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rs.Columns()
		for rs.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rs.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			row := map[string]any{}
			for i, c := range cols {
				if b, ok := vals[i].([]byte); ok {
					vals[i] = string(b)
				}
				row[c] = vals[i]
			}
			out[table] = append(out[table], row)
		}
		rs.Close()
	}
	return out
}

// sameRows checks that every row of before is in after as it was, but for
// its showroom, which is now showroomID (enrollment gives the rows HQ's id).
// After a sync, HQ's reference data (levels, template, periods: HQ writes
// them) is as HQ sent it: with synced, those tables are not compared.
func sameRows(t *testing.T, when string, before, after map[string][]map[string]any, showroomID string, synced bool) {
	t.Helper()
	reference := map[string]bool{}
	for _, e := range kaohe.Entities() {
		if e.Shared {
			reference[e.Table] = true
		}
	}
	key := func(r map[string]any) string {
		c := map[string]any{}
		for k, v := range r {
			if k != "showroom_id" {
				c[k] = v
			}
		}
		b, _ := json.Marshal(c)
		return string(b)
	}
	for table, rows := range before {
		if synced && reference[table] {
			continue
		}
		have := map[string]bool{}
		for _, r := range after[table] {
			if sid, ok := r["showroom_id"]; ok && sid != showroomID {
				t.Errorf("%s: a row of %s belongs to showroom %v, not %s", when, table, sid, showroomID)
			}
			have[key(r)] = true
		}
		for _, r := range rows {
			if !have[key(r)] {
				t.Errorf("%s: lost or changed a row of %s: %s", when, table, key(r))
			}
		}
	}
}
