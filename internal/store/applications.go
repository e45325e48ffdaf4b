package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"kaohe/internal/kaohe"
)

const applicationCols = `id, showroom_id, manager_id, target_level, personal_info, achievements, report, education, exemption, exemption_reason`

func scanApplication(sc scanner) (kaohe.Application, bool, error) {
	var a kaohe.Application
	var requested bool
	err := sc.Scan(&a.ID, &a.ShowroomID, &a.ManagerID, &a.TargetLevel, &a.PersonalInfo, &a.Achievements, &a.Report, &a.Education, &requested, &a.ExemptReason)
	return a, requested, err
}

// view loads an application with its decisions and exemption.
func view(ctx context.Context, q querier, id string) (kaohe.ApplicationView, error) {
	a, requested, err := scanApplication(q.QueryRowContext(ctx, `SELECT `+applicationCols+` FROM applications WHERE id = ? AND deleted_at IS NULL`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return kaohe.ApplicationView{}, notFound("application", id)
	}
	if err != nil {
		return kaohe.ApplicationView{}, err
	}
	var decided []kaohe.Exemption
	if requested {
		var e kaohe.Exemption
		err := q.QueryRowContext(ctx, `SELECT approved FROM exemptions WHERE application_id = ? ORDER BY created_at DESC, id DESC LIMIT 1`, id).Scan(&e.Approved)
		if err == nil {
			decided = append(decided, e)
		} else if !errors.Is(err, sql.ErrNoRows) {
			return kaohe.ApplicationView{}, err
		}
	}
	a.Exemption = kaohe.ExemptionOf(requested, decided)
	ds, err := queryAll(ctx, q, scanDecision, `SELECT `+decisionCols+` FROM decisions WHERE application_id = ? ORDER BY seq`, id)
	if err != nil {
		return kaohe.ApplicationView{}, err
	}
	r, err := kaohe.Replay(ds)
	if err != nil {
		return kaohe.ApplicationView{}, err
	}
	return kaohe.ApplicationView{Application: a, Review: r}, nil
}

// Application returns one application with its review.
func (s *Store) Application(ctx context.Context, id string) (kaohe.ApplicationView, error) {
	return view(ctx, s.r, id)
}

const decisionCols = `id, application_id, stage, pass, date, decided_by, comment, exam_score, entered_by`

func scanDecision(sc scanner) (kaohe.Decision, error) {
	var d kaohe.Decision
	err := sc.Scan(&d.ID, &d.AppID, &d.Stage, &d.Pass, dateCol{&d.Date}, jsonCol{&d.DecidedBy}, &d.Comment, &d.ExamScore, &d.EnteredBy)
	return d, err
}

// Applications returns the applications of a manager (all when ""),
// newest first, each with its review. Three queries whatever their number
// (HQ mode reads every showroom's: one per application took seconds), in
// one read transaction so that they agree.
func (s *Store) Applications(ctx context.Context, managerID string) ([]kaohe.ApplicationView, error) {
	return s.applications(ctx, managerID, applicationCols)
}

// ApplicationsBrief is Applications without the reports' text (Report is
// ""): thousands of characters each, which HQ's queue and report, reading
// every showroom's applications, do not show in a list.
func (s *Store) ApplicationsBrief(ctx context.Context, managerID string) ([]kaohe.ApplicationView, error) {
	return s.applications(ctx, managerID, strings.Replace(applicationCols, "report", "''", 1))
}

func (s *Store) applications(ctx context.Context, managerID, cols string) ([]kaohe.ApplicationView, error) {
	where := `deleted_at IS NULL`
	var args []any
	if managerID != "" {
		where += ` AND manager_id = ?`
		args = append(args, managerID)
	}
	type row struct {
		a         kaohe.Application
		requested bool
	}
	var out []kaohe.ApplicationView
	err := s.snapshot(ctx, func(q querier) error {
		rows, err := queryAll(ctx, q, func(sc scanner) (row, error) {
			a, requested, err := scanApplication(sc)
			return row{a, requested}, err
		}, `SELECT `+cols+` FROM applications WHERE `+where+` ORDER BY id DESC`, args...)
		if err != nil || len(rows) == 0 {
			return err
		}
		ids := `SELECT id FROM applications WHERE ` + where
		exemptions, err := queryAll(ctx, q, func(sc scanner) (e kaohe.Exemption, err error) {
			err = sc.Scan(&e.AppID, &e.Approved)
			return e, err
		}, `SELECT application_id, approved FROM exemptions WHERE application_id IN (`+ids+`)`, args...)
		if err != nil {
			return err
		}
		decided := make(map[string]kaohe.Exemption, len(exemptions))
		for _, e := range exemptions {
			decided[e.AppID] = e
		}
		ds, err := queryAll(ctx, q, scanDecision, `SELECT `+decisionCols+` FROM decisions WHERE application_id IN (`+ids+`) ORDER BY application_id, seq`, args...)
		if err != nil {
			return err
		}
		byApp := make(map[string][]kaohe.Decision, len(rows))
		for _, d := range ds {
			byApp[d.AppID] = append(byApp[d.AppID], d)
		}
		out = make([]kaohe.ApplicationView, 0, len(rows))
		for _, r := range rows {
			var ex []kaohe.Exemption
			if e, ok := decided[r.a.ID]; ok && r.requested {
				ex = append(ex, e)
			}
			r.a.Exemption = kaohe.ExemptionOf(r.requested, ex)
			review, err := kaohe.Replay(byApp[r.a.ID])
			if err != nil {
				return err
			}
			out = append(out, kaohe.ApplicationView{Application: r.a, Review: review})
		}
		return nil
	})
	return out, err
}

// SaveApplication creates or edits a draft application. A manager has at
// most one application under way; one that was submitted is read-only.
func (tx *Tx) SaveApplication(a kaohe.Application) (kaohe.Application, error) {
	m, err := tx.manager(a.ManagerID)
	if err != nil {
		return a, err
	}
	if a.Education == kaohe.EduUnknown {
		a.Education = m.Education
	}
	if err := a.Validate(); err != nil {
		return a, err
	}
	a.ShowroomID = m.ShowroomID
	exists := false
	if a.ID != "" {
		v, err := view(tx.ctx, tx.tx, a.ID)
		switch {
		case err == nil:
			if err := v.CheckEdit(a, false); err != nil {
				return a, err
			}
			if v.Review.State != kaohe.AppDraft {
				return a, kaohe.ErrReadOnly // nothing to save: a save writes a draft
			}
			exists = true
		case kaohe.ErrorCode(err) != kaohe.ENOTFOUND:
			return a, err
		}
	} else {
		a.ID = tx.newID()
	}
	if !exists {
		if err := tx.checkNoOpenApplication(a.ManagerID); err != nil {
			return a, err
		}
	}
	requested := a.Exemption == kaohe.ExemptionRequested
	ts := stamp(tx.now)
	if exists {
		_, err = tx.exec(`UPDATE applications SET target_level = ?, personal_info = ?, achievements = ?, report = ?, education = ?, exemption = ?, exemption_reason = ?, updated_at = ? WHERE id = ?`,
			int(a.TargetLevel), a.PersonalInfo, a.Achievements, a.Report, int(a.Education), boolInt(requested), a.ExemptReason, ts, a.ID)
	} else {
		_, err = tx.exec(`INSERT INTO applications (`+applicationCols+`, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			a.ID, a.ShowroomID, a.ManagerID, int(a.TargetLevel), a.PersonalInfo, a.Achievements, a.Report, int(a.Education), boolInt(requested), a.ExemptReason, ts, ts)
	}
	if err != nil {
		return a, err
	}
	return a, tx.logChange("application", a.ID, OpUpsert, "application.save", a)
}

func (tx *Tx) checkNoOpenApplication(managerID string) error {
	rows, err := tx.tx.QueryContext(tx.ctx, `SELECT id FROM applications WHERE manager_id = ? AND deleted_at IS NULL`, managerID)
	if err != nil {
		return err
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, id)
	}
	rows.Close()
	others := make([]kaohe.ApplicationView, 0, len(ids))
	for _, id := range ids {
		v, err := view(tx.ctx, tx.tx, id)
		if err != nil {
			return err
		}
		others = append(others, v)
	}
	return kaohe.CheckNoOpenApplication(others, "")
}

// review is what a step of an application's review is judged against: the
// application with its review, the levels, and the applicant's level.
func (tx *Tx) review(appID string) (kaohe.ApplicationView, kaohe.Levels, kaohe.Level, error) {
	v, err := view(tx.ctx, tx.tx, appID)
	if err != nil {
		return v, nil, 0, err
	}
	levels, err := tx.levels()
	if err != nil {
		return v, nil, 0, err
	}
	cur, err := tx.CurrentLevel(v.ManagerID)
	return v, levels, cur, err
}

// SubmitApplication checks the submission as HQ will (kaohe.CheckEvent: the
// materials against the policy, a date not ahead of today) and records it.
func (tx *Tx) SubmitApplication(id string, on kaohe.Date) (kaohe.ApplicationView, error) {
	v, levels, cur, err := tx.review(id)
	if err != nil {
		return v, err
	}
	d := kaohe.Decision{Stage: kaohe.StageSubmit, Pass: true, Date: on, DecidedBy: []string{tx.actor}}
	if _, err := kaohe.CheckEvent(v, levels, cur, d, tx.today()); err != nil {
		return v, err
	}
	return tx.decide(v, d)
}

// RecordDecision records a review decision (HQ's). It must be the next step
// of the state machine; a first-review pass also needs the education met or
// an approved exemption; a third-review pass grants the level.
func (tx *Tx) RecordDecision(d kaohe.Decision) (kaohe.ApplicationView, error) {
	v, levels, cur, err := tx.review(d.AppID)
	if err != nil {
		return v, err
	}
	if _, err := kaohe.CheckDecision(v, levels, cur, d, tx.today()); err != nil {
		return v, err
	}
	if d.ID == "" {
		d.ID = tx.newID()
	}
	nv, err := tx.decide(v, d)
	if err != nil {
		return nv, err
	}
	role, err := tx.Role()
	if err != nil {
		return nv, err
	}
	// In HQ's replica the server grants the level and issues the certificate
	// when the decision arrives; both come back by sync.
	if nv.Review.State == kaohe.AppGranted && role != RoleHQ {
		lc, _ := kaohe.GrantIDs(d.ID)
		if _, err := tx.RecordLevelChange(kaohe.Grant(v, cur, d, lc)); err != nil {
			return nv, err
		}
	}
	return nv, nil
}

func (tx *Tx) decide(v kaohe.ApplicationView, d kaohe.Decision) (kaohe.ApplicationView, error) {
	d.AppID = v.ID
	if d.ID == "" {
		d.ID = tx.newID()
	}
	r, err := v.Review.Apply(d)
	if err != nil {
		return v, err
	}
	if _, err := tx.exec(`INSERT INTO decisions (id, showroom_id, application_id, seq, stage, pass, date, decided_by, comment, exam_score, entered_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		d.ID, v.ShowroomID, v.ID, len(r.Decisions), string(d.Stage), boolInt(d.Pass), d.Date.String(), mustJSON(d.DecidedBy), d.Comment, d.ExamScore, d.EnteredBy, stamp(tx.now)); err != nil {
		return v, err
	}
	v.Review = r
	entity := "decision" // HQ's review stages
	if !d.Stage.HQOwned() {
		entity = "application_event" // the showroom's submit and withdraw
	}
	return v, tx.logChange(entity, d.ID, OpUpsert, "decision."+string(d.Stage), d)
}

// DecideExemption records HQ's decision on an application's exemption request.
func (tx *Tx) DecideExemption(e kaohe.Exemption) (kaohe.Exemption, error) {
	v, err := view(tx.ctx, tx.tx, e.AppID)
	if err != nil {
		return e, err
	}
	if err := kaohe.CheckExemption(v, e, tx.today()); err != nil {
		return e, err
	}
	if e.ID == "" {
		e.ID = tx.newID()
	}
	if _, err := tx.exec(`INSERT INTO exemptions (id, showroom_id, application_id, approved, date, decided_by, comment, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		e.ID, v.ShowroomID, e.AppID, boolInt(e.Approved), e.Date.String(), e.DecidedBy, e.Comment, stamp(tx.now)); err != nil {
		return e, err
	}
	return e, tx.logChange("exemption", e.ID, OpUpsert, "exemption.decide", e)
}
