package server

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"kaohe/internal/kaohe"
	"kaohe/internal/store/hq"
	"kaohe/sync/protocol"
)

// world is a real HQ server on a real SQLite file with two honest
// showrooms' rows, an HQ credential and the products of a complete review
// (a level-2 manager and a certificate). A dishonest showroom then attacks
// it over HTTP.
type world struct {
	*fixture
	path     string
	hqToken  string
	today    time.Time
	mA1, mA2 kaohe.Manager // A's: level 1, and level 2 after a granted review
	mB1      kaohe.Manager // B's, level 1
	// Each showroom's manager (展厅经理), at level 3 since 2022 by HQ's
	// 定级, and as assessments name her: the assessor of its level 1.
	bossA, bossB kaohe.Manager
	byA, byB     string
	tA, tB       kaohe.Training
	appA         kaohe.Application // A's, submitted (mA1 → level 2)
	appDone      kaohe.Application // A's, granted (mA2)
	asA          kaohe.Assessment  // A's, submitted, for mA1
	draftA       kaohe.Assessment  // A's draft, for mA1
	certA        kaohe.Certificate // issued to mA2
	accA         kaohe.Account
	seq          int
}

func newWorld(t *testing.T) *world {
	t.Helper()
	path := filepath.Join(t.TempDir(), "hq.db")
	w := &world{path: path, today: time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)}
	w.fixture = setupAt(t, path, hq.WithClock(func() time.Time { return w.today }))
	s := w.store
	code, _ := s.AddHQUser(ctx, "评审小组")
	resp, err := s.Enroll(ctx, code, "")
	if err != nil {
		t.Fatal(err)
	}
	w.hqToken = resp.Token
	// The periods the world's rows name that HQ's first start, on the
	// world's day, did not publish (2025's quarters and months).
	var periods []protocol.Change
	for _, p := range append(kaohe.StandardPeriods(2026), kaohe.StandardPeriods(2025)...) {
		var had kaohe.Period
		if s.RowPayload(ctx, kaohe.EntPeriod, p.ID, &had) != nil {
			periods = append(periods, w.change(kaohe.EntPeriod, p))
		}
	}
	if len(periods) > 0 {
		w.mustApply(w.hqToken, periods)
	}

	mk := func(id, sr, no, name string) kaohe.Manager {
		return kaohe.Manager{ID: id, ShowroomID: sr, EmployeeNo: no, Name: name, Education: kaohe.EduCollege,
			HireDate: kaohe.D(2024, 3, 1), Status: kaohe.StatusActive}
	}
	w.mA1, w.mA2, w.mB1 = mk("mA1", w.idA, "A001", "张喆"), mk("mA2", w.idA, "A002", "李玥"), mk("mB1", w.idB, "B001", "王堃")
	w.bossA, w.bossB = mk("mAboss", w.idA, "A900", "赵敏"), mk("mBboss", w.idB, "B900", "孙莉")
	w.bossA.HireDate, w.bossB.HireDate = kaohe.D(2020, 3, 1), kaohe.D(2020, 3, 1)
	w.byA, w.byB = "赵敏（A900）", "孙莉（B900）"
	hire := func(m kaohe.Manager) kaohe.LevelChange {
		return kaohe.LevelChange{ID: "lc-" + m.ID, ManagerID: m.ID, To: kaohe.Level1, Date: m.HireDate, Reason: "入职定级", DecidedBy: "展厅经理"}
	}
	w.mustApply(w.tokenA, []protocol.Change{w.change(kaohe.EntManager, w.bossA), w.change(kaohe.EntLevelAssignment, hire(w.bossA))})
	w.mustApply(w.tokenB, []protocol.Change{w.change(kaohe.EntManager, w.bossB), w.change(kaohe.EntLevelAssignment, hire(w.bossB))})
	for _, b := range []kaohe.Manager{w.bossA, w.bossB} {
		up := func(from kaohe.Level, on kaohe.Date) kaohe.LevelChange {
			return kaohe.LevelChange{ID: fmt.Sprintf("lc-%s-%d", b.ID, from+1), ManagerID: b.ID, From: from, To: from + 1, Date: on, Reason: "总部定级", DecidedBy: "评审小组"}
		}
		if _, err := s.RecordLevels(ctx, []kaohe.LevelChange{up(kaohe.Level1, kaohe.D(2021, 1, 4)), up(kaohe.Level2, kaohe.D(2022, 1, 4))}); err != nil {
			t.Fatal(err)
		}
	}
	w.tA = kaohe.Training{ID: "tA", ShowroomID: w.idA, Title: "厨柜基础知识", Category: kaohe.TrainBasic, Method: kaohe.MethodClassroom, Date: kaohe.D(2026, 3, 3), Hours: 4}
	w.tB = w.tA
	w.tB.ID, w.tB.ShowroomID = "tB", w.idB
	report := strings.Repeat("述", 3000)
	w.appA = kaohe.Application{ID: "appA", ShowroomID: w.idA, ManagerID: "mA1", TargetLevel: kaohe.Level2, PersonalInfo: "个人情况",
		Achievements: "主要政绩", Report: report, Education: kaohe.EduCollege}
	w.appDone = w.appA
	w.appDone.ID, w.appDone.ManagerID = "appDone", "mA2"
	tpl := kaohe.DefaultTemplate()
	w.asA = kaohe.Assessment{ID: "asA", ShowroomID: w.idA, ManagerID: "mA1", PeriodID: "2026-Q1",
		Scores: kaohe.Scores{"plan": 90, "satisfaction": 80, "expansion": 70, "feedback": 85, "cooperation": 95}, Assessor: w.byA,
		Status: kaohe.AssessSubmitted, SubmittedOn: kaohe.D(2026, 5, 30)}
	if _, err := w.asA.Score(tpl); err != nil {
		t.Fatal(err)
	}
	w.draftA = w.asA
	w.draftA.ID, w.draftA.PeriodID, w.draftA.Status, w.draftA.SubmittedOn = "draftA", "2026-H1", kaohe.AssessDraft, kaohe.Date{}
	w.accA = kaohe.Account{ID: "accA", ShowroomID: w.idA, Name: "赵敏", EmployeeNo: "A900", Role: kaohe.RoleShowroomManager,
		PasswordHash: "$argon2id$v=19$m=65536,t=1,p=2$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g"}

	sub := func(app kaohe.Application, on kaohe.Date) kaohe.Decision {
		return kaohe.Decision{ID: "sub-" + app.ID, AppID: app.ID, Stage: kaohe.StageSubmit, Pass: true, Date: on, DecidedBy: []string{"展厅经理"}}
	}
	w.mustApply(w.tokenA, []protocol.Change{
		w.change(kaohe.EntManager, w.mA1), w.change(kaohe.EntLevelAssignment, hire(w.mA1)),
		w.change(kaohe.EntManager, w.mA2), w.change(kaohe.EntLevelAssignment, hire(w.mA2)),
		w.change(kaohe.EntTraining, w.tA), w.change(kaohe.EntAccount, w.accA),
		w.change(kaohe.EntApplication, w.appA), w.change(kaohe.EntApplicationEvent, sub(w.appA, kaohe.D(2026, 5, 1))),
		w.change(kaohe.EntApplication, w.appDone), w.change(kaohe.EntApplicationEvent, sub(w.appDone, kaohe.D(2026, 5, 1))),
		w.change(kaohe.EntAssessment, w.asA), w.change(kaohe.EntAssessment, w.draftA),
	})
	w.mustApply(w.tokenB, []protocol.Change{w.change(kaohe.EntManager, w.mB1), w.change(kaohe.EntLevelAssignment, hire(w.mB1)),
		w.change(kaohe.EntTraining, w.tB)})
	// The review group takes appDone through every stage; HQ grants.
	by := []string{"陈建国（总经理）"}
	score := 80.0
	w.mustApply(w.hqToken, []protocol.Change{
		w.change(kaohe.EntDecision, kaohe.Decision{ID: "d1", AppID: "appDone", Stage: kaohe.StageFirst, Pass: true, Date: kaohe.D(2026, 5, 2), DecidedBy: by}),
		w.change(kaohe.EntDecision, kaohe.Decision{ID: "d2", AppID: "appDone", Stage: kaohe.StageExam, Pass: true, Date: kaohe.D(2026, 5, 3), DecidedBy: by, ExamScore: &score}),
		w.change(kaohe.EntDecision, kaohe.Decision{ID: "d3", AppID: "appDone", Stage: kaohe.StageSecond, Pass: true, Date: kaohe.D(2026, 5, 4), DecidedBy: by}),
	})
	w.today = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	w.mustApply(w.hqToken, []protocol.Change{
		w.change(kaohe.EntDecision, kaohe.Decision{ID: "d4", AppID: "appDone", Stage: kaohe.StageThird, Pass: true, Date: kaohe.D(2026, 8, 5), DecidedBy: by}),
	})
	var certs int
	w.query(`SELECT count(*) FROM rows WHERE entity = 'certificate'`, &certs)
	var p string
	w.query(`SELECT payload FROM rows WHERE entity = 'certificate'`, &p)
	json.Unmarshal([]byte(p), &w.certA)
	if certs != 1 || w.certA.ManagerID != "mA2" || w.certA.Level != kaohe.Level2 {
		t.Fatalf("the honest review did not grant: %d certificates, %+v", certs, w.certA)
	}
	return w
}

func (w *world) change(entity string, v any) protocol.Change {
	p, err := json.Marshal(v)
	if err != nil {
		w.t.Fatal(err)
	}
	return w.raw(entity, rowIDOf(entity, v), string(p))
}

func (w *world) raw(entity, rowID, payload string) protocol.Change {
	w.seq++
	return protocol.Change{ID: fmt.Sprintf("chg-%04d", w.seq), Entity: entity, RowID: rowID, Op: "upsert", Payload: json.RawMessage(payload), At: "2026-11-27T00:00:00Z"}
}

func rowIDOf(entity string, v any) string {
	e, _ := kaohe.EntityOf(entity)
	b, _ := json.Marshal(v)
	r, err := e.Decode(b)
	if err != nil {
		return ""
	}
	return r.ID()
}

// send pushes over HTTP, building the body by hand so payload bytes travel
// exactly as written (duplicate keys, invalid UTF-8…).
func (w *world) send(token string, changes []protocol.Change) (int, []protocol.Result, []byte) {
	var b strings.Builder
	b.WriteString(`{"version":1,"changes":[`)
	for i, c := range changes {
		if i > 0 {
			b.WriteString(",")
		}
		by := ""
		if c.By != "" {
			by = `,"by":` + js(c.By)
		}
		if c.RSeq != 0 {
			by += fmt.Sprintf(`,"rseq":%d`, c.RSeq)
		}
		fmt.Fprintf(&b, `{"id":%q,"entity":%q,"row_id":%q,"op":%q,"payload":%s,"at":%q%s}`, c.ID, c.Entity, c.RowID, c.Op, c.Payload, c.At, by)
	}
	b.WriteString(`]}`)
	status, _, raw := w.post(protocol.PathPush, token, []byte(b.String()), true, v1)
	if status != 200 {
		return status, nil, raw
	}
	return status, w.results(raw), raw
}

func (w *world) mustApply(token string, changes []protocol.Change) {
	w.t.Helper()
	status, res, raw := w.send(token, changes)
	if status != 200 {
		w.t.Fatalf("push: %d %s", status, raw)
	}
	for _, r := range res {
		if r.Status != protocol.Applied {
			w.t.Fatalf("honest change %s: %s %s", r.ID, r.Status, r.Message)
		}
	}
}

func (w *world) query(q string, dst ...any) {
	w.t.Helper()
	db, err := sql.Open("sqlite3", "file:"+w.path+"?mode=ro")
	if err != nil {
		w.t.Fatal(err)
	}
	defer db.Close()
	if err := db.QueryRow(q).Scan(dst...); err != nil {
		w.t.Fatalf("%s: %v", q, err)
	}
}

// stored is everything HQ holds that a change could touch.
func (w *world) stored() string {
	var changes int
	var rows string
	w.query(`SELECT count(*) FROM changes`, &changes)
	w.query(`SELECT coalesce(group_concat(entity || '/' || row_id || '/' || deleted || '/' || payload, char(10)), '') FROM (SELECT * FROM rows ORDER BY entity, row_id)`, &rows)
	return fmt.Sprintf("%d\n%s", changes, rows)
}

// mutate returns v's JSON with fields set (nil deletes a field).
func mutate(v any, set map[string]any) string {
	b, _ := json.Marshal(v)
	m := map[string]any{}
	json.Unmarshal(b, &m)
	for k, x := range set {
		if x == nil {
			delete(m, k)
		} else {
			m[k] = x
		}
	}
	out, _ := json.Marshal(m)
	return string(out)
}

func js(v any) string { b, _ := json.Marshal(v); return string(b) }

type attack struct {
	name   string
	entity string
	token  string // "" means showroom A's
	rowID  string
	body   string
	code   string // the refusal's kaohe code
}

// TestDishonestShowroom plays a dishonest showroom (and a careless HQ
// client) against a real server: every attack is answered refused with the
// domain's code, and HQ stores nothing of it. Every entity of the registry
// is attacked.
func TestDishonestShowroom(t *testing.T) {
	w := newWorld(t)
	A, B, HQ := w.tokenA, w.tokenB, w.hqToken
	lvl := func(id, mgr string, from, to kaohe.Level) kaohe.LevelChange {
		return kaohe.LevelChange{ID: id, ManagerID: mgr, From: from, To: to, Date: kaohe.D(2026, 11, 1), Reason: "晋级", DecidedBy: "展厅经理"}
	}
	dec := func(id, app string, stage kaohe.Stage, pass bool, on kaohe.Date) kaohe.Decision {
		return kaohe.Decision{ID: id, AppID: app, Stage: stage, Pass: pass, Date: on, DecidedBy: []string{"陈建国"}}
	}
	score := func(v float64) *float64 { return &v }
	newApp := w.appA
	newApp.ID, newApp.ManagerID = "appNew", "mB1"
	tpl := kaohe.DefaultTemplate()
	assess := func(id, mgr, assessor string) kaohe.Assessment {
		a := w.draftA
		a.ID, a.ManagerID, a.Assessor, a.PeriodID = id, mgr, assessor, "2026-Q2"
		a.Score(tpl)
		return a
	}
	deep := strings.Repeat(`{"a":`, 9000) + "1" + strings.Repeat("}", 9000)
	period, _ := kaohe.StandardPeriod(kaohe.PeriodHalf, 2027, 1)
	badTpl := kaohe.DefaultTemplate()
	badTpl.Version, badTpl.Items[0].Weight = 2, 39

	attacks := []attack{
		// HQ's server writes these itself; no push may carry them.
		{"a showroom record", kaohe.EntShowroom, A, w.idB, js(kaohe.Showroom{ID: w.idB, Code: "BJ01", Name: "改名"}), kaohe.EUNAUTHORIZED},
		{"a showroom record from HQ mode", kaohe.EntShowroom, HQ, w.idB, js(kaohe.Showroom{ID: w.idB, Code: "BJ01", Name: "改名"}), kaohe.EUNAUTHORIZED},
		{"a signing key", kaohe.EntHQKey, A, "k", js(kaohe.HQKey{ID: "k", Public: "AAAA"}), kaohe.EUNAUTHORIZED},
		{"HQ's public address", kaohe.EntHQInfo, A, kaohe.HQInfoID, js(kaohe.HQInfo{PublicURL: "https://evil.example"}), kaohe.EUNAUTHORIZED},
		{"HQ's public address from HQ mode", kaohe.EntHQInfo, HQ, kaohe.HQInfoID, js(kaohe.HQInfo{PublicURL: "https://evil.example"}), kaohe.EUNAUTHORIZED},
		{"a level change to 5", kaohe.EntLevelChange, A, "lc5", js(lvl("lc5", "mA1", 1, 5)), kaohe.EUNAUTHORIZED},
		{"a level change by hand from HQ mode", kaohe.EntLevelChange, HQ, "lc5", js(lvl("lc5", "mA1", 1, 2)), kaohe.EUNAUTHORIZED},
		{"a hand-made certificate", kaohe.EntCertificate, A, "c9", js(kaohe.Certificate{ID: "c9", ShowroomID: w.idA, ManagerID: "mA1", Serial: "KH-2026-999999", Level: 5}), kaohe.EUNAUTHORIZED},
		{"a hand-made certificate from HQ mode", kaohe.EntCertificate, HQ, "c9", js(kaohe.Certificate{ID: "c9", ShowroomID: w.idA, ManagerID: "mA1", Serial: "KH-2026-999999", Level: 2}), kaohe.EUNAUTHORIZED},

		// HQ's reference data and decisions.
		{"enabling level 5", kaohe.EntLevel, A, "5", js(kaohe.LevelInfo{Level: 5, Name: kaohe.Text{Zh: "五级"}, MinEducation: 1, MinReportChars: 1, AssessedBy: kaohe.AssessorShowroom, Enabled: true, HireLevel: true}), kaohe.EUNAUTHORIZED},
		{"a level HQ mode gets wrong", kaohe.EntLevel, HQ, "2", mutate(kaohe.DefaultLevels()[1], map[string]any{"exam_pass_mark": 250}), kaohe.EINVALID},
		{"a template", kaohe.EntTemplate, A, "tpl-default@2", js(badTpl), kaohe.EUNAUTHORIZED},
		{"a template whose weights sum to 99", kaohe.EntTemplate, HQ, "tpl-default@2", js(badTpl), kaohe.EINVALID},
		{"a published template version changed", kaohe.EntTemplate, HQ, "tpl-default@1", mutate(kaohe.DefaultTemplate(), map[string]any{"score_max": 10}), kaohe.ECONFLICT},
		{"a period", kaohe.EntPeriod, A, period.ID, js(period), kaohe.EUNAUTHORIZED},
		{"a period ending before it starts", kaohe.EntPeriod, HQ, "p-bad", js(kaohe.Period{ID: "p-bad", Kind: kaohe.PeriodHalf, Name: kaohe.Text{Zh: "坏"}, Start: kaohe.D(2026, 7, 1), End: kaohe.D(2026, 1, 1)}), kaohe.EINVALID},
		{"a review-group member", kaohe.EntReviewMember, A, "rg-x", js(kaohe.ReviewMember{ID: "rg-x", Name: "自己人", Role: "leader"}), kaohe.EUNAUTHORIZED},
		{"a review-group member without a role", kaohe.EntReviewMember, HQ, "rg-x", js(kaohe.ReviewMember{ID: "rg-x", Name: "某人"}), kaohe.EINVALID},
		{"a decision", kaohe.EntDecision, A, "dx", js(dec("dx", "appA", kaohe.StageFirst, true, kaohe.D(2026, 11, 1))), kaohe.EUNAUTHORIZED},
		{"a decision dated in the future", kaohe.EntDecision, HQ, "dx", js(dec("dx", "appA", kaohe.StageFirst, true, kaohe.D(2026, 12, 2))), kaohe.EINVALID},
		{"a decision before the previous stage", kaohe.EntDecision, HQ, "dx", js(dec("dx", "appA", kaohe.StageFirst, true, kaohe.D(2026, 4, 30))), kaohe.EINVALID},
		{"a decision skipping the first review", kaohe.EntDecision, HQ, "dx", js(dec("dx", "appA", kaohe.StageSecond, true, kaohe.D(2026, 11, 1))), kaohe.ECONFLICT},
		{"a decision on a missing application", kaohe.EntDecision, HQ, "dx", js(dec("dx", "nope", kaohe.StageFirst, true, kaohe.D(2026, 11, 1))), kaohe.EINVALID},
		{"a decision on a granted application", kaohe.EntDecision, HQ, "dx", js(dec("dx", "appDone", kaohe.StageThird, true, kaohe.D(2026, 11, 1))), kaohe.ECONFLICT},
		{"an exemption", kaohe.EntExemption, A, "ex", js(kaohe.Exemption{ID: "ex", AppID: "appA", Approved: true, Date: kaohe.D(2026, 11, 1), DecidedBy: "自己"}), kaohe.EUNAUTHORIZED},
		{"an exemption nobody asked for", kaohe.EntExemption, HQ, "ex", js(kaohe.Exemption{ID: "ex", AppID: "appA", Approved: true, Date: kaohe.D(2026, 11, 1), DecidedBy: "陈建国"}), kaohe.ECONFLICT},
		{"a filing", kaohe.EntFiling, A, "f1", js(kaohe.Filing{ID: "f1", AssessmentID: "asA", Date: kaohe.D(2026, 11, 1), FiledBy: "自己"}), kaohe.EUNAUTHORIZED},
		{"a filing of a draft", kaohe.EntFiling, HQ, "f1", js(kaohe.Filing{ID: "f1", AssessmentID: "draftA", Date: kaohe.D(2026, 11, 1), FiledBy: "陈建国"}), kaohe.ECONFLICT},
		{"a filing of a missing assessment", kaohe.EntFiling, HQ, "f1", js(kaohe.Filing{ID: "f1", AssessmentID: "nope", Date: kaohe.D(2026, 11, 1), FiledBy: "陈建国"}), kaohe.EINVALID},
		{"blocking an account", kaohe.EntAccountBlock, A, "accA", js(kaohe.AccountBlockRow{AccountBlock: kaohe.AccountBlock{ID: "accA", AccountID: "accA", Blocked: true, By: "x"}, ShowroomID: w.idA}), kaohe.EUNAUTHORIZED},
		{"a block claiming another showroom", kaohe.EntAccountBlock, HQ, "accA", js(kaohe.AccountBlockRow{AccountBlock: kaohe.AccountBlock{ID: "accA", AccountID: "accA", Blocked: true, By: "x"}, ShowroomID: w.idB}), kaohe.EUNAUTHORIZED},

		// Another showroom's rows, by showroom_id in the payload or by reference.
		{"a manager claiming B's showroom", kaohe.EntManager, A, "mX", js(mkManager("mX", w.idB)), kaohe.EUNAUTHORIZED},
		{"B's manager rewritten", kaohe.EntManager, A, "mB1", js(mkManager("mB1", w.idA)), kaohe.EUNAUTHORIZED},
		{"B's manager rewritten with B's id", kaohe.EntManager, A, "mB1", js(mkManager("mB1", w.idB)), kaohe.EUNAUTHORIZED},
		{"a foreign showroom hidden behind a duplicate key", kaohe.EntManager, A, "mX", fmt.Sprintf(`{"id":"mX","showroom_id":%q,"showroom_id":%q,"employee_no":"X1","name":"某","gender":"","phone":"","education":4,"hire_date":"","status":"active","left_on":"","note":""}`, w.idB, w.idA), kaohe.EINVALID},
		{"a manager with a bidi override in the name", kaohe.EntManager, A, "mX", mutate(mkManager("mX", w.idA), map[string]any{"name": "王\u202e五"}), kaohe.EINVALID},
		{"a manager with NUL in the note", kaohe.EntManager, A, "mX", mutate(mkManager("mX", w.idA), map[string]any{"note": "a\x00b"}), kaohe.EINVALID},
		{"a manager with invalid UTF-8", kaohe.EntManager, A, "mX", strings.Replace(js(mkManager("mX", w.idA)), "某", "\xff\xfe", 1), kaohe.EINVALID},
		{"a second manager with A001 written a001", kaohe.EntManager, A, "mX", mutate(mkManager("mX", w.idA), map[string]any{"employee_no": "a001"}), kaohe.ECONFLICT},
		{"a manager hired in the future", kaohe.EntManager, A, "mX", mutate(mkManager("mX", w.idA), map[string]any{"hire_date": kaohe.D(2027, 1, 1)}), kaohe.EINVALID},
		{"a manager's hire date moved into the future", kaohe.EntManager, A, "mA1", mutate(w.mA1, map[string]any{"hire_date": kaohe.D(2026, 12, 2)}), kaohe.EINVALID},
		{"a manager with an unknown field", kaohe.EntManager, A, "mX", mutate(mkManager("mX", w.idA), map[string]any{"level": 5}), kaohe.EINVALID},
		{"a payload 9,000 levels deep", kaohe.EntManager, A, "mX", deep, kaohe.EINVALID},
		{"a row id that is not the payload's", kaohe.EntManager, A, "mA1", js(mkManager("mX", w.idA)), kaohe.EINVALID},
		{"a penalty on B's manager", kaohe.EntReward, A, "r1", js(kaohe.RewardPenalty{ID: "r1", ShowroomID: w.idA, ManagerID: "mB1", Type: kaohe.PenaltyFine, Amount: 500, Reason: "迟到", Date: kaohe.D(2026, 11, 1), DecidedBy: "展厅经理"}), kaohe.EUNAUTHORIZED},
		{"a penalty claiming B's showroom", kaohe.EntReward, A, "r1", js(kaohe.RewardPenalty{ID: "r1", ShowroomID: w.idB, ManagerID: "mB1", Type: kaohe.PenaltyFine, Amount: 500, Reason: "迟到", Date: kaohe.D(2026, 11, 1), DecidedBy: "展厅经理"}), kaohe.EUNAUTHORIZED},
		{"a fine without an amount", kaohe.EntReward, A, "r1", js(kaohe.RewardPenalty{ID: "r1", ShowroomID: w.idA, ManagerID: "mA1", Type: kaohe.PenaltyFine, Reason: "迟到", Date: kaohe.D(2026, 11, 1), DecidedBy: "展厅经理"}), kaohe.EINVALID},
		{"a target for B's manager", kaohe.EntTarget, A, "tg", js(kaohe.Target{ID: "tg", ManagerID: "mB1", Metric: kaohe.MetricSales, Year: 2026, Annual: 12}), kaohe.EUNAUTHORIZED},
		{"a negative target", kaohe.EntTarget, A, "tg", js(kaohe.Target{ID: "tg", ManagerID: "mA1", Metric: kaohe.MetricSales, Year: 2026, Annual: -12}), kaohe.EINVALID},
		{"an actual for a missing manager", kaohe.EntActual, A, "ac", js(kaohe.Actual{ID: "ac", ManagerID: "nobody", Metric: kaohe.MetricSales, Year: 2026, Month: 1, Value: 1}), kaohe.EINVALID},
		{"an actual for month 13", kaohe.EntActual, A, "ac", js(kaohe.Actual{ID: "ac", ManagerID: "mA1", Metric: kaohe.MetricSales, Year: 2026, Month: 13, Value: 1}), kaohe.EINVALID},
		{"a training claiming B's showroom", kaohe.EntTraining, A, "tX", mutate(w.tA, map[string]any{"id": "tX", "showroom_id": w.idB}), kaohe.EUNAUTHORIZED},
		{"B's training rewritten", kaohe.EntTraining, A, "tB", mutate(w.tB, map[string]any{"showroom_id": w.idA}), kaohe.EUNAUTHORIZED},
		{"attendance of B's manager at A's training", kaohe.EntAttendance, A, "at", js(kaohe.Attendance{ID: "at", TrainingID: "tA", ManagerID: "mB1", Result: kaohe.AttendPassed}), kaohe.EUNAUTHORIZED},
		{"attendance at B's training", kaohe.EntAttendance, A, "at", js(kaohe.Attendance{ID: "at", TrainingID: "tB", ManagerID: "mA1", Result: kaohe.AttendPassed}), kaohe.EUNAUTHORIZED},
		{"attendance at a missing training", kaohe.EntAttendance, A, "at", js(kaohe.Attendance{ID: "at", TrainingID: "nope", ManagerID: "mA1", Result: kaohe.AttendPassed}), kaohe.EINVALID},
		{"market research on B's manager", kaohe.EntResearch, A, "mr", js(kaohe.MarketResearch{ID: "mr", ShowroomID: w.idA, ManagerID: "mB1", Kind: kaohe.ResearchKinds()[0].Code, Date: kaohe.D(2026, 11, 1), Subject: "对手", Details: "促销"}), kaohe.EUNAUTHORIZED},
		{"a certificate print of a missing certificate", kaohe.EntCertificatePrint, A, "cp", js(kaohe.CertificatePrint{ID: "cp", CertID: "nope", PrintedBy: "x", At: "2026-11-01T00:00:00Z"}), kaohe.EINVALID},
		{"B printing A's certificate", kaohe.EntCertificatePrint, B, "cp", js(kaohe.CertificatePrint{ID: "cp", CertID: w.certA.ID, PrintedBy: "x", At: "2026-11-01T00:00:00Z"}), kaohe.EUNAUTHORIZED},
		{"an account claiming B's showroom", kaohe.EntAccount, A, "accX", mutate(w.accA, map[string]any{"id": "accX", "showroom_id": w.idB}), kaohe.EUNAUTHORIZED},
		{"A's account rewritten by B", kaohe.EntAccount, B, "accA", mutate(w.accA, map[string]any{"showroom_id": w.idB}), kaohe.EUNAUTHORIZED},
		{"a second account with an employee number A has", kaohe.EntAccount, A, "accY", mutate(w.accA, map[string]any{"id": "accY"}), kaohe.ECONFLICT},
		{"a showroom account with HQ's admin role", kaohe.EntAccount, A, "accZ", mutate(w.accA, map[string]any{"id": "accZ", "employee_no": "Z9", "role": "hq_admin"}), kaohe.EINVALID},
		{"an HQ person's account from a showroom", kaohe.EntHQAccount, A, "hqX", mutate(w.accA, map[string]any{"id": "hqX", "showroom_id": "", "employee_no": "H9", "role": "hq_admin"}), kaohe.EUNAUTHORIZED},
		{"an HQ account with a showroom's role", kaohe.EntHQAccount, HQ, "hqY", mutate(w.accA, map[string]any{"id": "hqY", "showroom_id": "", "employee_no": "H8"}), kaohe.EINVALID},
		{"an HQ account claiming a showroom", kaohe.EntHQAccount, HQ, "hqZ", mutate(w.accA, map[string]any{"id": "hqZ", "employee_no": "H7", "role": "reviewer"}), kaohe.EUNAUTHORIZED},

		// Levels: only a new hire's first level, as HQ allows (level 1).
		{"a promotion from 1 to 5 with no review", kaohe.EntLevelAssignment, A, "la5", js(lvl("la5", "mA1", 1, 5)), kaohe.EUNAUTHORIZED},
		{"a second first level", kaohe.EntLevelAssignment, A, "la2", js(lvl("la2", "mA1", 0, 2)), kaohe.EUNAUTHORIZED},
		{"a new hire at level 3", kaohe.EntLevelAssignment, A, "la3", js(lvl("la3", "mA1", 0, 3)), kaohe.EUNAUTHORIZED},
		{"a level for B's manager", kaohe.EntLevelAssignment, A, "la4", js(lvl("la4", "mB1", 0, 1)), kaohe.EUNAUTHORIZED},

		// Assessments: rescored, by the showroom only for level 1, never of oneself.
		{"an assessment totalling 1e308 with grade S+++", kaohe.EntAssessment, A, "as1", mutate(assess("as1", "mA1", w.byA), map[string]any{"total": 1e308, "grade": "S+++"}), kaohe.EINVALID},
		{"an assessment whose coefficient is not its grade's", kaohe.EntAssessment, A, "as1", mutate(assess("as1", "mA1", w.byA), map[string]any{"coefficient": 9}), kaohe.EINVALID},
		{"an assessment holding only a showroom", kaohe.EntAssessment, A, "as1", fmt.Sprintf(`{"id":"as1","showroom_id":%q}`, w.idA), kaohe.EINVALID},
		{"an assessment of a template version that does not exist", kaohe.EntAssessment, A, "as1", mutate(assess("as1", "mA1", w.byA), map[string]any{"template_version": 7}), kaohe.EINVALID},
		// mA2 was granted level 2 on 2026-08-05: 2026-Q3 ended with her there
		// (2026-Q2, which she ended at level 1, stays the showroom's).
		{"an assessment of a level-2 manager", kaohe.EntAssessment, A, "as2", mutate(assess("as2", "mA2", w.byA), map[string]any{"period_id": "2026-Q3"}), kaohe.EUNAUTHORIZED},
		{"an assessment of oneself", kaohe.EntAssessment, A, "as3", js(assess("as3", "mA1", "张喆")), kaohe.EUNAUTHORIZED},
		{"an assessment of oneself, the number in another case and spacing", kaohe.EntAssessment, A, "as3", js(assess("as3", "mA1", "张喆（ a001 ）")), kaohe.EUNAUTHORIZED},
		{"an assessment of oneself under another name", kaohe.EntAssessment, A, "as3", js(assess("as3", "mA1", "小张（A001）")), kaohe.EUNAUTHORIZED},
		{"an assessment of oneself, in English", kaohe.EntAssessment, A, "as3", js(assess("as3", "mA1", "Zhang Zhe (A001)")), kaohe.EUNAUTHORIZED},
		{"an assessment of oneself by bare number", kaohe.EntAssessment, A, "as3", js(assess("as3", "mA1", " a001")), kaohe.EUNAUTHORIZED},
		{"an assessment of oneself, the name spaced", kaohe.EntAssessment, A, "as3", js(assess("as3", "mA1", "张 喆")), kaohe.EUNAUTHORIZED},
		// The assessor: the showroom's level-3 manager, by name and number (一级：由相应展厅的展厅经理考核).
		{"an assessment naming its assessor without a number", kaohe.EntAssessment, A, "as7", js(assess("as7", "mA1", "展厅经理 赵敏")), kaohe.EUNAUTHORIZED},
		{"an assessment by another showroom's manager", kaohe.EntAssessment, A, "as7", js(assess("as7", "mA1", w.byB)), kaohe.EUNAUTHORIZED},
		{"an assessment by the showroom manager's number under another name", kaohe.EntAssessment, A, "as7", js(assess("as7", "mA1", "李四（A900）")), kaohe.EUNAUTHORIZED},
		{"an assessment by a number nobody has", kaohe.EntAssessment, A, "as7", js(assess("as7", "mA1", "赵敏（A999）")), kaohe.EUNAUTHORIZED},
		{"an assessment by a level-1 colleague", kaohe.EntAssessment, A, "as7", js(assess("as7", "mA2", "张喆（A001）")), kaohe.EUNAUTHORIZED}, // HQ holds A's manager at level 3: she assesses
		{"an assessment of an unpublished period by nobody of the showroom", kaohe.EntAssessment, A, "as7", mutate(assess("as7", "mA1", "赵敏（A999）"), map[string]any{"period_id": "1999-H1"}), kaohe.EUNAUTHORIZED},
		{"an assessment of B's manager", kaohe.EntAssessment, A, "as4", js(assess("as4", "mB1", w.byA)), kaohe.EUNAUTHORIZED},
		{"a submitted assessment edited", kaohe.EntAssessment, A, "asA", mutate(w.asA, map[string]any{"comment": "改过"}), kaohe.ECONFLICT},
		{"an assessment in a missing period", kaohe.EntAssessment, A, "as5", mutate(assess("as5", "mA1", w.byA), map[string]any{"period_id": "1999-H1"}), kaohe.EAWAIT}, // stored nowhere; the sender keeps it until HQ publishes the period
		{"an assessment of the current month submitted", kaohe.EntAssessment, A, "as6", mutate(assess("as6", "mA1", w.byA), map[string]any{"period_id": "2026-M12", "status": "submitted", "submitted_on": kaohe.D(2026, 12, 1)}), kaohe.EINVALID},
		{"an assessment of the current half-year submitted, dated after it ends", kaohe.EntAssessment, A, "as6", mutate(assess("as6", "mA1", w.byA), map[string]any{"period_id": "2026-H2", "status": "submitted", "submitted_on": kaohe.D(2027, 1, 5)}), kaohe.EINVALID},
		{"an assessment of a month submitted before it ended", kaohe.EntAssessment, A, "as6", mutate(assess("as6", "mA1", w.byA), map[string]any{"period_id": "2026-M11", "status": "submitted", "submitted_on": kaohe.D(2026, 11, 30)}), kaohe.EINVALID},

		// Applications: frozen once submitted; only submit and withdraw from a showroom.
		{"an application holding only a showroom", kaohe.EntApplication, A, "app1", fmt.Sprintf(`{"id":"app1","showroom_id":%q}`, w.idA), kaohe.EINVALID},
		{"a submitted application's target raised to 5", kaohe.EntApplication, A, "appA", mutate(w.appA, map[string]any{"target_level": 5}), kaohe.ECONFLICT},
		{"a submitted application's report edited", kaohe.EntApplication, A, "appA", mutate(w.appA, map[string]any{"report": w.appA.Report + "补"}), kaohe.ECONFLICT},
		{"a submitted application's education raised", kaohe.EntApplication, A, "appA", mutate(w.appA, map[string]any{"education": int(kaohe.EduMaster)}), kaohe.ECONFLICT},
		{"an application for B's manager", kaohe.EntApplication, A, "appNew", js(newApp), kaohe.EUNAUTHORIZED},
		{"a second open application of one manager", kaohe.EntApplication, A, "app3", mutate(w.appA, map[string]any{"id": "app3"}), kaohe.ECONFLICT},
		{"an application moved to another manager", kaohe.EntApplication, A, "appA", mutate(w.appA, map[string]any{"manager_id": "mA2"}), kaohe.EUNAUTHORIZED},
		{"an application approving its own exemption", kaohe.EntApplication, A, "app2", mutate(w.appA, map[string]any{"id": "app2", "exemption": "approved"}), kaohe.EUNAUTHORIZED},
		{"a showroom's first review", kaohe.EntApplicationEvent, A, "ev1", js(dec("ev1", "appA", kaohe.StageFirst, true, kaohe.D(2026, 11, 1))), kaohe.EUNAUTHORIZED},
		{"a showroom's exam", kaohe.EntApplicationEvent, A, "ev1", js(kaohe.Decision{ID: "ev1", AppID: "appA", Stage: kaohe.StageExam, Pass: true, Date: kaohe.D(2026, 11, 1), DecidedBy: []string{"x"}, ExamScore: score(100)}), kaohe.EUNAUTHORIZED},
		{"a showroom's second review", kaohe.EntApplicationEvent, A, "ev1", js(dec("ev1", "appA", kaohe.StageSecond, true, kaohe.D(2026, 11, 1))), kaohe.EUNAUTHORIZED},
		{"a showroom's third review", kaohe.EntApplicationEvent, A, "ev1", js(dec("ev1", "appA", kaohe.StageThird, true, kaohe.D(2026, 11, 1))), kaohe.EUNAUTHORIZED},
		{"an event of a missing application", kaohe.EntApplicationEvent, A, "ev1", js(dec("ev1", "nope", kaohe.StageSubmit, true, kaohe.D(2026, 11, 1))), kaohe.EINVALID},
		{"an event of B's application", kaohe.EntApplicationEvent, B, "ev1", js(dec("ev1", "appA", kaohe.StageWithdraw, true, kaohe.D(2026, 11, 1))), kaohe.EUNAUTHORIZED},
		{"a second submit", kaohe.EntApplicationEvent, A, "ev1", js(dec("ev1", "appA", kaohe.StageSubmit, true, kaohe.D(2026, 11, 1))), kaohe.ECONFLICT},
		{"a submit dated in the future", kaohe.EntApplicationEvent, A, "ev1", js(dec("ev1", "appA", kaohe.StageWithdraw, true, kaohe.D(2027, 1, 1))), kaohe.EINVALID},
	}

	// Every entity of the registry is attacked.
	covered := map[string]bool{}
	for _, a := range attacks {
		covered[a.entity] = true
	}
	for _, e := range kaohe.Entities() {
		if !covered[e.Name] {
			t.Errorf("entity %s is not attacked", e.Name)
		}
	}

	// For these the rule refusing them is named too: a payload that fails to
	// decode would be refused with the same code for another reason.
	wantKey := map[string]string{
		"an assessment in a missing period":                                     "err.period_unpublished",
		"an assessment naming its assessor without a number":                    "err.assessor_not_showroom_manager",
		"an assessment by another showroom's manager":                           "err.assessor_not_showroom_manager",
		"an assessment by the showroom manager's number under another name":     "err.assessor_not_showroom_manager",
		"an assessment by a number nobody has":                                  "err.assessor_not_showroom_manager",
		"an assessment by a level-1 colleague":                                  "err.assessor_not_level3",
		"an assessment of an unpublished period by nobody of the showroom":      "err.assessor_not_showroom_manager",
		"an assessment of the current month submitted":                          "err.period_not_ended",
		"an assessment of the current half-year submitted, dated after it ends": "err.date_in_future",
		"an assessment of a month submitted before it ended":                    "err.period_not_ended",
		"a manager hired in the future":                                         "err.hire_in_future",
		"a second manager with A001 written a001":                               "err.duplicate_employee_no",
		"a manager's hire date moved into the future":                           "err.hire_in_future",
		"a second open application of one manager":                              "err.application_open",
		"an application moved to another manager":                               "err.other_showroom",
	}
	for name := range wantKey {
		if !slices.ContainsFunc(attacks, func(a attack) bool { return a.name == name }) {
			t.Errorf("no attack named %q", name)
		}
	}
	before := w.stored()
	stats, _ := w.store.Stats(ctx)
	for _, a := range attacks {
		t.Run(a.name, func(t *testing.T) {
			status, res, raw := w.send(a.token, []protocol.Change{w.raw(a.entity, a.rowID, a.body)})
			if status != 200 || len(res) != 1 {
				t.Fatalf("push: %d %s", status, raw)
			}
			if res[0].Status != protocol.Refused || res[0].Code != a.code {
				t.Errorf("%s = %s %s %s; want refused %s", a.name, res[0].Status, res[0].Code, res[0].Message, a.code)
			}
			if k := wantKey[a.name]; !strings.Contains(res[0].Message, k) {
				t.Errorf("%s refused for %s; want %s", a.name, res[0].Message, k)
			}
			if after := w.stored(); after != before {
				t.Errorf("%s changed what HQ stores", a.name)
				before = after
			}
		})
	}
	if after, _ := w.store.Stats(ctx); js(after) != js(stats) {
		t.Errorf("stats moved: %v -> %v", stats, after)
	}

	// A refusal never blocks the rest of a batch: the honest change between
	// two attacks is applied.
	honest := w.change(kaohe.EntActual, kaohe.Actual{ID: "ok1", ManagerID: "mA1", Metric: kaohe.MetricSales, Year: 2026, Month: 5, Value: 1000})
	_, res, _ := w.send(A, []protocol.Change{
		w.raw(kaohe.EntLevelAssignment, "la9", js(lvl("la9", "mA1", 1, 5))), honest,
		w.raw(kaohe.EntManager, "mB1", js(mkManager("mB1", w.idA)))})
	if len(res) != 3 || res[0].Status != protocol.Refused || res[1].Status != protocol.Applied || res[2].Status != protocol.Refused {
		t.Errorf("mixed batch: %+v", res)
	}
}

// TestDishonestEnvelope: duplicate keys and unknown fields in the request
// itself are refused before anything is read.
func TestDishonestEnvelope(t *testing.T) {
	w := newWorld(t)
	before := w.stored()
	for _, body := range []string{
		`{"version":1,"changes":[{"id":"e1","entity":"manager","entity":"level_change","row_id":"x","op":"upsert","payload":{},"at":""}]}`,
		`{"version":1,"version":1,"changes":[]}`,
		"{\"version\":1,\"changes\":[{\"id\":\"e\u202e1\",\"entity\":\"manager\",\"row_id\":\"x\",\"op\":\"upsert\",\"payload\":{},\"at\":\"\"}]}",
	} {
		status, e, _ := w.post(protocol.PathPush, w.tokenA, []byte(body), true, v1)
		if status != 400 || e.Code != kaohe.EINVALID {
			t.Errorf("%s = %d %+v; want 400 invalid", body, status, e)
		}
	}
	if w.stored() != before {
		t.Error("a refused request changed what HQ stores")
	}
}

// TestDishonestBy: who made a change travels with it; a name longer than
// any account's, or one with control or bidi characters, is refused and HQ
// stores nothing of it; an honest one is stored with the change.
func TestDishonestBy(t *testing.T) {
	w := newWorld(t)
	before := w.stored()
	for _, by := range []string{strings.Repeat("董", kaohe.MaxByChars+1), "董喆\u202e（D001）", "董喆\u0007"} {
		c := w.change(kaohe.EntActual, kaohe.Actual{ID: "by1", ManagerID: "mA1", Metric: kaohe.MetricSales, Year: 2026, Month: 6, Value: 1})
		c.By = by
		status, res, raw := w.send(w.tokenA, []protocol.Change{c})
		if status == 200 && (len(res) != 1 || res[0].Status != protocol.Refused) {
			t.Errorf("by %q: %d %s", by, status, raw)
		}
	}
	if w.stored() != before {
		t.Error("a refused by changed what HQ stores")
	}
	c := w.change(kaohe.EntActual, kaohe.Actual{ID: "by2", ManagerID: "mA1", Metric: kaohe.MetricSales, Year: 2026, Month: 6, Value: 1})
	c.By = "董喆（D001）"
	w.mustApply(w.tokenA, []protocol.Change{c})
	var got string
	w.query(`SELECT actor FROM changes WHERE change_id = '`+c.ID+`'`, &got)
	if got != c.By {
		t.Errorf("stored by %q, want %q", got, c.By)
	}
	// A showroom may name anyone, HQ's own command or a reviewer: HQ's
	// audit keeps the claim as the showroom's, never as HQ's.
	c = w.change(kaohe.EntActual, kaohe.Actual{ID: "by3", ManagerID: "mA1", Metric: kaohe.MetricSales, Year: 2026, Month: 5, Value: 1})
	c.By = "kaohe-hq"
	w.mustApply(w.tokenA, []protocol.Change{c})
	lines, err := w.store.Audit(ctx, "SH01", "", 0)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, l := range lines {
		if l.RowID == "by3" {
			found = true
			if l.Origin != hq.KindShowroom || l.Showroom != "SH01" || l.By != c.By {
				t.Errorf("a showroom's claim to be HQ is audited as %+v", l)
			}
		}
	}
	if !found {
		t.Error("the change naming HQ is not in HQ's audit")
	}
}

// TestHQPeopleStayAtHQ: HQ's people's accounts (their hashes) reach HQ
// mode's PCs and never a showroom, by pull or in the row states.
func TestHQPeopleStayAtHQ(t *testing.T) {
	w := newWorld(t)
	c := w.raw(kaohe.EntHQAccount, "hqP", mutate(w.accA, map[string]any{"id": "hqP", "showroom_id": "", "employee_no": "H1", "role": "hq_admin"}))
	w.mustApply(w.hqToken, []protocol.Change{c})
	for name, token := range map[string]string{"A": w.tokenA, "B": w.tokenB, "HQ": w.hqToken} {
		_, _, raw := w.post(protocol.PathPull, token, []byte(`{"version":1,"cursor":0}`), false, v1)
		var pr protocol.PullResponse
		json.Unmarshal(raw, &pr)
		got := false
		for _, x := range pr.Changes {
			got = got || x.Entity == kaohe.EntHQAccount
		}
		if got != (name == "HQ") {
			t.Errorf("%s pulled HQ's people: %v", name, got)
		}
	}
}

// TestExamPassMarkAndProbationByHQClock: 45/100 with 通过 is refused; the
// third review waits for the end of probation by HQ's own clock even when
// the decision is dated after it; the grant is the next level only.
func TestExamPassMarkAndProbationByHQClock(t *testing.T) {
	w := newWorld(t)
	w.today = time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
	by := []string{"陈建国（总经理）"}
	d := func(id string, stage kaohe.Stage, pass bool, on kaohe.Date, score float64) protocol.Change {
		x := kaohe.Decision{ID: id, AppID: "appA", Stage: stage, Pass: pass, Date: on, DecidedBy: by}
		if stage == kaohe.StageExam {
			x.ExamScore = &score
		}
		return w.change(kaohe.EntDecision, x)
	}
	w.mustApply(w.hqToken, []protocol.Change{d("x1", kaohe.StageFirst, true, kaohe.D(2026, 5, 10), 0)})
	_, res, _ := w.send(w.hqToken, []protocol.Change{d("x2", kaohe.StageExam, true, kaohe.D(2026, 5, 11), 45)})
	if res[0].Status != protocol.Refused || !strings.Contains(res[0].Message, "err.exam_pass_mark") {
		t.Errorf("45/100 passed: %+v", res[0])
	}
	w.mustApply(w.hqToken, []protocol.Change{d("x3", kaohe.StageExam, true, kaohe.D(2026, 5, 11), 60), d("x4", kaohe.StageSecond, true, kaohe.D(2026, 5, 12), 0)})
	// Recorded on 2026-06-01, dated at the end of probation (2026-08-12).
	_, res, _ = w.send(w.hqToken, []protocol.Change{d("x5", kaohe.StageThird, true, kaohe.D(2026, 8, 12), 0)})
	if res[0].Status != protocol.Refused || !strings.Contains(res[0].Message, "err.date_in_future") {
		t.Errorf("third review before probation really ended: %+v", res[0])
	}
	var certs int
	w.query(`SELECT count(*) FROM rows WHERE entity = 'certificate'`, &certs)
	if certs != 1 {
		t.Errorf("%d certificates; only the honest one", certs)
	}
	w.today = time.Date(2026, 8, 12, 9, 0, 0, 0, time.UTC)
	w.mustApply(w.hqToken, []protocol.Change{d("x6", kaohe.StageThird, true, kaohe.D(2026, 8, 12), 0)})
	var level int
	w.query(`SELECT json_extract(payload, '$.to_level') FROM rows WHERE entity = 'level_change' AND parent = 'mA1'`, &level)
	if level != 2 {
		t.Errorf("granted level %d; want 2", level)
	}
}

func mkManager(id, showroom string) kaohe.Manager {
	return kaohe.Manager{ID: id, ShowroomID: showroom, EmployeeNo: "X1", Name: "某", Education: kaohe.EduCollege, Status: kaohe.StatusActive}
}

func newTestServer(s *hq.Store) *httptest.Server {
	return httptest.NewServer((&Server{Store: s}).Handler())
}

// TestDishonestLargeBatch: a batch large enough to be decoded on several
// cores, in which every fifth change is poisoned (a duplicate key, a NUL, a
// bidi override, deep nesting, a negative figure). Each change is answered in
// its own place, the honest ones are stored and the poisoned ones are not;
// the same batch again, and again reversed, changes nothing.
func TestDishonestLargeBatch(t *testing.T) {
	w := newWorld(t)
	var n0 int
	w.query(`SELECT count(*) FROM changes`, &n0)
	deep := strings.Repeat("[", kaohe.MaxJSONDepth+2) + strings.Repeat("]", kaohe.MaxJSONDepth+2)
	poison := []func(a kaohe.Actual) string{
		func(a kaohe.Actual) string { return strings.TrimSuffix(js(a), "}") + `,"value":9}` },
		func(a kaohe.Actual) string { return mutate(a, map[string]any{"metric": a.Metric + "\u0000"}) },
		func(a kaohe.Actual) string { return mutate(a, map[string]any{"manager_id": "\u202e" + a.ManagerID}) },
		func(a kaohe.Actual) string { return strings.TrimSuffix(js(a), "}") + `,"note":` + deep + `}` },
		func(a kaohe.Actual) string { return mutate(a, map[string]any{"value": -1}) },
	}
	const total = 1200
	metrics := kaohe.DefaultMetrics()
	var batch []protocol.Change
	honest := map[string]bool{}
	for i := range total {
		k := i / 2
		a := kaohe.Actual{ID: fmt.Sprintf("big-%04d", i), ManagerID: []string{"mA1", "mA2"}[i%2], Metric: metrics[k%len(metrics)].Code,
			Month: 1 + (k/len(metrics))%12, Year: 2025 - k/len(metrics)/12, Value: int64(i)}
		if i%5 == 3 {
			batch = append(batch, w.raw(kaohe.EntActual, a.ID, poison[(i/5)%len(poison)](a)))
			continue
		}
		honest[a.ID] = true
		batch = append(batch, w.change(kaohe.EntActual, a))
	}
	check := func(name string, batch []protocol.Change, want string) {
		t.Helper()
		status, res, raw := w.send(w.tokenA, batch)
		if status != 200 || len(res) != len(batch) {
			t.Fatalf("%s: %d, %d results: %.300s", name, status, len(res), raw)
		}
		for i, r := range res {
			st := want
			if !honest[batch[i].RowID] {
				st = protocol.Refused
			}
			if r.ID != batch[i].ID || r.Status != st {
				t.Fatalf("%s: result %d is %s %s %s, want %s %s", name, i, r.ID, r.Status, r.Message, batch[i].ID, st)
			}
		}
	}
	check("first", batch, protocol.Applied)
	var rows, changes int
	w.query(`SELECT count(*) FROM rows WHERE entity = 'actual' AND row_id LIKE 'big-%'`, &rows)
	w.query(`SELECT count(*) FROM changes`, &changes)
	if rows != len(honest) || changes != n0+len(honest) {
		t.Fatalf("stored %d rows and %d changes, want %d and %d", rows, changes-n0, len(honest), len(honest))
	}
	before := w.stored()
	check("again", batch, protocol.Duplicate)
	rev := make([]protocol.Change, len(batch))
	for i, c := range batch {
		rev[len(batch)-1-i] = c
	}
	check("reversed", rev, protocol.Duplicate)
	if w.stored() != before {
		t.Error("a replayed batch changed what HQ stores")
	}
}

// TestDishonestIDOfAnotherKind: a showroom that has pulled the id of HQ's
// grant (a level change) or of a review decision writes a row of its own
// kind with that id — a level assignment, an application event — which the
// desktop keeps in the same table. HQ refuses it: else every replica that
// pulls it (HQ's review app, a reinstall) would take it for, or overwrite,
// HQ's row.
func TestDishonestIDOfAnotherKind(t *testing.T) {
	w := newWorld(t)
	grant, _ := kaohe.GrantIDs("d4")
	mA3 := mkManager("mA3", w.idA)
	for _, batch := range [][]protocol.Change{
		{w.change(kaohe.EntManager, mA3), w.change(kaohe.EntLevelAssignment, kaohe.LevelChange{ID: grant, ManagerID: "mA3", To: kaohe.Level1,
			Date: mA3.HireDate, Reason: "入职定级", DecidedBy: "展厅经理"})},
		{w.change(kaohe.EntApplicationEvent, kaohe.Decision{ID: "d1", AppID: "appA", Stage: kaohe.StageWithdraw, Pass: true,
			Date: kaohe.D(2026, 5, 20), DecidedBy: []string{"展厅经理"}})},
	} {
		status, res, raw := w.send(w.tokenA, batch)
		last := len(batch) - 1
		if status != 200 || len(res) != len(batch) || res[last].Status != protocol.Refused || res[last].Code != kaohe.ECONFLICT ||
			(last > 0 && res[0].Status != protocol.Applied) {
			t.Errorf("%s %s: %d %s", batch[last].Entity, batch[last].RowID, status, raw)
		}
	}
	var n int
	w.query(`SELECT count(*) FROM rows WHERE row_id IN ('`+grant+`', 'd1')`, &n)
	if n != 2 {
		t.Errorf("HQ holds %d rows with the grant's or the decision's id, want 2 (HQ's own)", n)
	}
	var withdrawn int
	w.query(`SELECT count(*) FROM rows WHERE entity = 'application_event' AND json_extract(payload, '$.app_id') = 'appA' AND json_extract(payload, '$.stage') = 'withdraw'`, &withdrawn)
	if withdrawn != 0 {
		t.Error("the withdrawal with a decision's id was stored")
	}
}

// TestDishonestSecondHire: a showroom gives a new manager two hire levels,
// in one batch (read from the batch's level histories) and in two: the
// second is refused and the manager has one level change.
func TestDishonestSecondHire(t *testing.T) {
	w := newWorld(t)
	for i, split := range []bool{false, true} {
		m := mkManager(fmt.Sprintf("hire%d", i), w.idA)
		m.EmployeeNo, m.HireDate = fmt.Sprintf("H%d", i), kaohe.D(2026, 1, 5)
		hire := func(id string) protocol.Change {
			return w.change(kaohe.EntLevelAssignment, kaohe.LevelChange{ID: id, ManagerID: m.ID, To: kaohe.Level1, Date: m.HireDate,
				Reason: "入职定级", DecidedBy: "展厅经理"})
		}
		batches := [][]protocol.Change{{w.change(kaohe.EntManager, m), hire(m.ID + "-1"), hire(m.ID + "-2")}}
		if split {
			batches = [][]protocol.Change{batches[0][:2], batches[0][2:]}
		}
		var res []protocol.Result
		for _, b := range batches {
			status, r, raw := w.send(w.tokenA, b)
			if status != 200 {
				t.Fatalf("%d %s", status, raw)
			}
			res = append(res, r...)
		}
		if res[0].Status != protocol.Applied || res[1].Status != protocol.Applied || res[2].Status != protocol.Refused {
			t.Errorf("split %v: %+v", split, res)
		}
		var n int
		w.query(`SELECT count(*) FROM rows WHERE entity IN ('level_assignment', 'level_change') AND json_extract(payload, '$.manager_id') = '`+m.ID+`'`, &n)
		if n != 1 {
			t.Errorf("split %v: the new manager has %d level changes", split, n)
		}
	}
}

// TestNaturalKeyWithinABatch: natural keys looked up once per batch still
// see the batch's own writes: a second actual for a key taken earlier in the
// batch is refused; a key freed earlier in the batch (the first row moved to
// another month) may be taken.
func TestNaturalKeyWithinABatch(t *testing.T) {
	w := newWorld(t)
	act := func(id string, month int) protocol.Change {
		return w.change(kaohe.EntActual, kaohe.Actual{ID: id, ManagerID: "mA1", Metric: kaohe.MetricSales, Year: 2025, Month: month, Value: 5})
	}
	status, res, raw := w.send(w.tokenA, []protocol.Change{act("nk1", 3), act("nk2", 3), act("nk1", 4), act("nk3", 3)})
	if status != 200 || len(res) != 4 {
		t.Fatalf("%d %s", status, raw)
	}
	want := []string{protocol.Applied, protocol.Refused, protocol.Applied, protocol.Applied}
	for i, r := range res {
		if r.Status != want[i] {
			t.Errorf("change %d: %s %s, want %s", i, r.Status, r.Message, want[i])
		}
	}
	var got string
	w.query(`SELECT group_concat(row_id || ':' || json_extract(payload, '$.month'), ' ') FROM (SELECT * FROM rows WHERE entity = 'actual' AND row_id LIKE 'nk%' ORDER BY row_id)`, &got)
	if got != "nk1:4 nk3:3" {
		t.Errorf("HQ holds %s, want nk1:4 nk3:3", got)
	}
}

// TestDishonestHQRoleAccount: a showroom pushes an account holding an HQ
// role (reviewer, HQ admin) with a password of its choosing: HQ refuses it
// and stores nothing, as the showroom's own window refuses such a role.
func TestDishonestHQRoleAccount(t *testing.T) {
	w := newWorld(t)
	before := w.stored()
	for i, role := range []kaohe.Role{kaohe.RoleReviewer, kaohe.RoleHQAdmin} {
		a := w.accA
		a.ID, a.EmployeeNo, a.Role = fmt.Sprintf("accHQ%d", i), fmt.Sprintf("H90%d", i), role
		status, res, raw := w.send(w.tokenA, []protocol.Change{w.change(kaohe.EntAccount, a)})
		if status != 200 || len(res) != 1 || res[0].Status != protocol.Refused || res[0].Code != kaohe.EINVALID {
			t.Errorf("%s: %d %s", role, status, raw)
		}
		// Nor may an honest account be turned into one.
		a = w.accA
		a.Role = role
		status, res, raw = w.send(w.tokenA, []protocol.Change{w.change(kaohe.EntAccount, a)})
		if status != 200 || len(res) != 1 || res[0].Status != protocol.Refused {
			t.Errorf("%s over accA: %d %s", role, status, raw)
		}
	}
	if w.stored() != before {
		t.Error("an HQ-role account from a showroom changed what HQ stores")
	}
}

// TestAssessmentOfAnOpenPeriod: HQ keeps a showroom's draft of the current
// month but refuses it submitted until the month has ended by HQ's own
// clock, whatever date the payload carries; what HQ stores stays the draft.
func TestAssessmentOfAnOpenPeriod(t *testing.T) {
	w := newWorld(t) // HQ's day: 2026-12-01
	tpl := kaohe.DefaultTemplate()
	draft := w.draftA
	draft.ID, draft.PeriodID = "asM12", "2026-M12"
	if _, err := draft.Score(tpl); err != nil {
		t.Fatal(err)
	}
	w.mustApply(w.tokenA, []protocol.Change{w.change(kaohe.EntAssessment, draft)})
	stored := func() string {
		var p string
		w.query(`SELECT payload FROM rows WHERE entity = 'assessment' AND row_id = 'asM12'`, &p)
		return p
	}
	before := stored()
	sub := draft
	sub.Status = kaohe.AssessSubmitted
	for _, on := range []kaohe.Date{kaohe.D(2026, 12, 1), kaohe.D(2026, 11, 30), kaohe.D(2027, 1, 1)} {
		sub.SubmittedOn = on
		_, res, raw := w.send(w.tokenA, []protocol.Change{w.change(kaohe.EntAssessment, sub)})
		if len(res) != 1 || res[0].Status != protocol.Refused || res[0].Code != kaohe.EINVALID {
			t.Fatalf("submitted on %s before the month ended: %s", on, raw)
		}
		want := "err.period_not_ended"
		if on.After(kaohe.D(2026, 12, 1)) {
			want = "err.date_in_future" // the typed date is not HQ's
		}
		if !strings.Contains(res[0].Message, want) {
			t.Errorf("submitted on %s: %s; want %s", on, res[0].Message, want)
		}
		if after := stored(); after != before {
			t.Errorf("HQ stored %s", after)
		}
	}
	w.today = time.Date(2027, 1, 1, 9, 0, 0, 0, time.UTC)
	sub.SubmittedOn = kaohe.D(2027, 1, 1)
	w.mustApply(w.tokenA, []protocol.Change{w.change(kaohe.EntAssessment, sub)})
	var status string
	w.query(`SELECT json_extract(payload, '$.status') FROM rows WHERE entity = 'assessment' AND row_id = 'asM12'`, &status)
	if status != string(kaohe.AssessSubmitted) {
		t.Errorf("after the month: stored status %q; want submitted", status)
	}
}
