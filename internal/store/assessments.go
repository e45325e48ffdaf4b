package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"kaohe/internal/kaohe"
)

const assessmentCols = `id, showroom_id, manager_id, period_id, template_id, template_version, scores, total, grade, coefficient, comment, assessor, status, submitted_on`

// filedStatus shows a submitted assessment that HQ filed as filed.
const filedStatus = `CASE WHEN EXISTS (SELECT 1 FROM filings f WHERE f.assessment_id = a.id) THEN 'filed' ELSE a.status END`

func scanAssessment(sc scanner) (kaohe.Assessment, error) {
	var a kaohe.Assessment
	err := sc.Scan(&a.ID, &a.ShowroomID, &a.ManagerID, &a.PeriodID, &a.TemplateID, &a.TemplateVersion, jsonCol{&a.Scores},
		&a.Total, &a.Grade, &a.Coefficient, &a.Comment, &a.Assessor, &a.Status, dateCol{&a.SubmittedOn})
	return a, err
}

// SaveAssessment saves a draft assessment (scores may be partial), or
// submits it when submit is true: then every item must be scored and the
// assessment becomes read-only. The total, grade and coefficient are always
// computed by the template, never taken from the caller.
func (tx *Tx) SaveAssessment(a kaohe.Assessment, submit bool) (kaohe.Assessment, error) {
	m, err := tx.manager(a.ManagerID)
	if err != nil {
		return a, err
	}
	p, err := tx.period(a.PeriodID)
	if err != nil {
		return a, err
	}
	var old kaohe.Assessment
	id := a.ID
	if id == "" { // the one of the manager and period, if any
		if id, err = tx.keyHolder(kaohe.EntAssessment, mustJSON(a), ""); err != nil {
			return a, err
		}
	}
	old, err = scanAssessment(tx.queryRow(`SELECT `+assessmentCols+` FROM assessments WHERE id = ? AND deleted_at IS NULL`, id))
	exists := err == nil
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return a, err
	}
	if exists {
		if old.Status != kaohe.AssessDraft {
			return a, kaohe.ErrReadOnly
		}
		// A save under its id that names another manager or period would
		// leave this row as it is and send HQ a row moved onto another key.
		if err := a.CheckKeepsKey(old); err != nil {
			return a, err
		}
		a.ID, a.TemplateID, a.TemplateVersion = old.ID, old.TemplateID, old.TemplateVersion
	} else if a.ID == "" {
		a.ID = tx.newID()
	}
	var tpl kaohe.Template
	if a.TemplateID != "" {
		tpl, err = template(tx.ctx, tx.tx, `WHERE id = ? AND version = ?`, a.TemplateID, a.TemplateVersion)
	} else {
		tpl, err = template(tx.ctx, tx.tx, `WHERE current = 1`)
	}
	if err != nil {
		return a, err
	}
	levels, err := tx.levels()
	if err != nil {
		return a, err
	}
	hist, err := levelHistory(tx.ctx, tx.tx, a.ManagerID)
	if err != nil {
		return a, err
	}
	if err := kaohe.CheckAssessableIn(levels, hist, p, m, a.Assessor); err != nil {
		return a, err
	}
	if err := tx.checkShowroomAssessor(a.Assessor, m, p); err != nil {
		return a, err
	}
	a.ShowroomID = m.ShowroomID
	if a.Scores == nil {
		a.Scores = kaohe.Scores{}
	}
	a.Status = kaohe.AssessDraft
	a.SubmittedOn = kaohe.Date{}
	if submit {
		if err := a.CheckSubmit(tpl); err != nil {
			return a, err
		}
		if err := p.CheckEnded(tx.today()); err != nil {
			return a, err
		}
		a.Status = kaohe.AssessSubmitted
		a.SubmittedOn = tx.today()
	} else if _, err := a.Score(tpl); err != nil {
		return a, err
	}
	ts := stamp(tx.now)
	if exists {
		_, err = tx.exec(`UPDATE assessments SET scores = ?, total = ?, grade = ?, coefficient = ?, comment = ?, assessor = ?, status = ?, submitted_on = ?, updated_at = ? WHERE id = ?`,
			mustJSON(a.Scores), a.Total, a.Grade, a.Coefficient, a.Comment, a.Assessor, string(a.Status), dateArg(a.SubmittedOn), ts, a.ID)
	} else {
		_, err = tx.exec(`INSERT INTO assessments (`+assessmentCols+`, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			a.ID, a.ShowroomID, a.ManagerID, a.PeriodID, a.TemplateID, a.TemplateVersion, mustJSON(a.Scores), a.Total, a.Grade, a.Coefficient,
			a.Comment, a.Assessor, string(a.Status), dateArg(a.SubmittedOn), ts, ts)
	}
	if err != nil {
		return a, err
	}
	action := "assessment.save"
	if submit {
		action = "assessment.submit"
	}
	return a, tx.logChange("assessment", a.ID, OpUpsert, action, a)
}

// checkShowroomAssessor checks the assessor an assessment of m names, as
// HQ will (kaohe.CheckShowroomAssessor): the manager of m's showroom with
// the employee number the record gives, at level 3 at the period's end.
func (tx *Tx) checkShowroomAssessor(assessor string, m kaohe.Manager, p kaohe.Period) error {
	var who kaohe.Manager
	var hist []kaohe.LevelChange
	found := false
	if no := strings.TrimSpace(kaohe.AssessorOf(assessor).EmployeeNo); no != "" {
		var err error
		who, err = scanManager(tx.queryRow(`SELECT `+managerCols+` FROM managers WHERE showroom_id = ? AND lower(employee_no) = lower(?) AND deleted_at IS NULL`, m.ShowroomID, no))
		switch {
		case err == nil:
			found = true
			if hist, err = levelHistory(tx.ctx, tx.tx, who.ID); err != nil {
				return err
			}
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
	}
	appointed, err := tx.appointed(m.ShowroomID, p.End)
	if err != nil {
		return err
	}
	return kaohe.CheckShowroomAssessor(assessor, who, found, hist, p, appointed)
}

// appointed says whether a manager of the showroom was its manager (level
// 3, kaohe.ManagesShowroomOn) on a day, as HQ's level records say here.
func (tx *Tx) appointed(showroomID string, on kaohe.Date) (bool, error) {
	ids, err := queryAll(tx.ctx, tx.tx, func(r scanner) (string, error) {
		var id string
		err := r.Scan(&id)
		return id, err
	}, `SELECT DISTINCT lc.manager_id FROM level_changes lc JOIN managers m ON m.id = lc.manager_id
		WHERE m.showroom_id = ? AND m.deleted_at IS NULL AND lc.to_level = ?`, showroomID, int(kaohe.ShowroomManagerLevel))
	if err != nil {
		return false, err
	}
	for _, id := range ids {
		m, err := tx.manager(id)
		if err != nil {
			return false, err
		}
		h, err := levelHistory(tx.ctx, tx.tx, id)
		if err != nil {
			return false, err
		}
		if kaohe.ManagesShowroomOn(m, h, on) {
			return true, nil
		}
	}
	return false, nil
}

func (tx *Tx) period(id string) (kaohe.Period, error) { return period(tx.ctx, tx.tx, id) }

// AssessmentFilter narrows Assessments. Zero values mean "any".
type AssessmentFilter struct {
	ManagerID string
	PeriodID  string
	// NoScores leaves each assessment's item scores out (nil): lists over
	// every showroom that show totals and grades need not decode tens of
	// thousands of them.
	NoScores bool
}

// Assessments returns assessments, the latest period first.
func (s *Store) Assessments(ctx context.Context, f AssessmentFilter) ([]kaohe.Assessment, error) {
	cols := strings.Replace(prefixed("a", assessmentCols), "a.status", filedStatus, 1)
	if f.NoScores {
		cols = strings.Replace(cols, "a.scores", "NULL", 1)
	}
	q := `SELECT ` + cols + ` FROM assessments a LEFT JOIN periods p ON p.id = a.period_id WHERE a.deleted_at IS NULL`
	var args []any
	if f.ManagerID != "" {
		q += ` AND a.manager_id = ?`
		args = append(args, f.ManagerID)
	}
	if f.PeriodID != "" {
		q += ` AND a.period_id = ?`
		args = append(args, f.PeriodID)
	}
	return queryAll(ctx, s.r, scanAssessment, q+` ORDER BY p.end_date IS NULL, p.end_date DESC, a.period_id DESC, a.manager_id`, args...)
}

// Unfiled returns the submitted assessments HQ has not filed yet, the
// latest period first, with only what the filing queue shows and files by:
// id, showroom, manager, period, total and grade (status submitted; no
// scores, comment or assessor). Over every showroom they are tens of
// thousands.
func (s *Store) Unfiled(ctx context.Context) ([]kaohe.Assessment, error) {
	return queryAll(ctx, s.r, func(sc scanner) (a kaohe.Assessment, err error) {
		err = sc.Scan(&a.ID, &a.ShowroomID, &a.ManagerID, &a.PeriodID, &a.Total, &a.Grade)
		a.Status = kaohe.AssessSubmitted
		return a, err
	}, `SELECT a.id, a.showroom_id, a.manager_id, a.period_id, a.total, a.grade FROM assessments a
		WHERE a.deleted_at IS NULL AND a.status = 'submitted' AND NOT EXISTS (SELECT 1 FROM filings f WHERE f.assessment_id = a.id)
		ORDER BY a.period_id DESC, a.manager_id`)
}

// PeriodTallies returns a period's assessments with only what counting its
// results needs — id, showroom, manager, period, total, grade and status
// (filed or not) — by manager, as Assessments orders one period's. HQ's
// report counts every showroom's: tens of thousands of rows, of which
// Assessments also reads the item scores, comments and dates.
func (s *Store) PeriodTallies(ctx context.Context, periodID string) ([]kaohe.Assessment, error) {
	return queryAll(ctx, s.r, func(sc scanner) (a kaohe.Assessment, err error) {
		err = sc.Scan(&a.ID, &a.ShowroomID, &a.ManagerID, &a.PeriodID, &a.Total, &a.Grade, &a.Status)
		return a, err
	}, `SELECT a.id, a.showroom_id, a.manager_id, a.period_id, a.total, a.grade, `+filedStatus+` FROM assessments a
		WHERE a.deleted_at IS NULL AND a.period_id = ? ORDER BY a.manager_id`, periodID)
}

// prefixed qualifies a column list with a table alias.
func prefixed(alias, cols string) string {
	parts := strings.Split(cols, ", ")
	for i, p := range parts {
		parts[i] = alias + "." + p
	}
	return strings.Join(parts, ", ")
}

// FileAssessment records HQ's filing (备案) of a submitted assessment.
func (tx *Tx) FileAssessment(f kaohe.Filing) (kaohe.Filing, error) {
	a, err := scanAssessment(tx.queryRow(`SELECT `+assessmentCols+` FROM assessments WHERE id = ? AND deleted_at IS NULL`, f.AssessmentID))
	if errors.Is(err, sql.ErrNoRows) {
		return f, notFound("assessment", f.AssessmentID)
	}
	if err != nil {
		return f, err
	}
	var filed int
	if err := tx.queryRow(`SELECT count(*) FROM filings WHERE assessment_id = ?`, a.ID).Scan(&filed); err != nil {
		return f, err
	}
	if err := kaohe.CheckFiling(a, filed > 0, f, tx.today()); err != nil {
		return f, err
	}
	if f.ID == "" {
		f.ID = tx.newID()
	}
	if _, err := tx.exec(`INSERT INTO filings (id, showroom_id, assessment_id, date, filed_by, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		f.ID, a.ShowroomID, a.ID, f.Date.String(), f.FiledBy, stamp(tx.now)); err != nil {
		return f, err
	}
	return f, tx.logChange(kaohe.EntFiling, f.ID, OpUpsert, "assessment.file", f)
}
