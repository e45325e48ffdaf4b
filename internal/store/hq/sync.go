package hq

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"kaohe/internal/kaohe"
	"kaohe/sync/protocol"
)

// Push applies a batch of the caller's changes in one transaction and
// answers each: applied, duplicate (seen before: nothing done) or refused
// with the reason. A refusal never stops the rest of the batch.
func (s *Store) Push(ctx context.Context, cred Credential, changes []protocol.Change) ([]protocol.Result, error) {
	results := make([]protocol.Result, len(changes))
	err := s.tx(ctx, func(tx *txn) error {
		for i, c := range changes {
			r := protocol.Result{ID: c.ID, Status: protocol.Applied}
			var seen int
			if cred.Kind == KindHQ { // a showroom's replays are caught by the insert itself
				if err := tx.QueryRow(`SELECT count(*) FROM changes WHERE change_id = ?`, c.ID).Scan(&seen); err != nil {
					return err
				}
			}
			if seen > 0 { // a replay of a decision: judged when it was first applied
				results[i] = protocol.Result{ID: c.ID, Status: protocol.Duplicate}
				continue
			}
			showroom, err := s.check(tx, cred, c)
			if err == nil && cred.Kind == KindHQ {
				err = s.checkHQ(tx, c)
			}
			if err == nil {
				var fresh bool
				if fresh, err = s.apply(tx, c, showroom, cred); err == nil && !fresh {
					r.Status = protocol.Duplicate
				}
				if err != nil {
					var ke *kaohe.Error
					if !errors.As(err, &ke) {
						return err // a fault of ours: the whole batch is retried
					}
				}
			}
			var ke *kaohe.Error
			if errors.As(err, &ke) {
				r = protocol.Result{ID: c.ID, Status: protocol.Refused, Code: ke.Code, Message: ke.Error()}
			} else if err != nil {
				return err
			}
			results[i] = r
		}
		return nil
	})
	return results, err
}

// check decides whether the caller may write the change, and which showroom
// the row belongs to.
func (s *Store) check(tx *txn, cred Credential, c protocol.Change) (string, error) {
	if c.ID == "" || c.RowID == "" || (c.Op != "upsert" && c.Op != "delete") {
		return "", kaohe.Errorf(kaohe.EINVALID, "err.bad_change")
	}
	switch {
	case cred.Kind == KindShowroom && !kaohe.OwnedByShowroom(c.Entity):
		return "", kaohe.Errorf(kaohe.EUNAUTHORIZED, "err.not_owner", "Entity", c.Entity)
	case cred.Kind == KindHQ && !kaohe.OwnedByHQ(c.Entity):
		return "", kaohe.Errorf(kaohe.EUNAUTHORIZED, "err.not_owner", "Entity", c.Entity)
	}
	var fields refs
	if err := json.Unmarshal(c.Payload, &fields); err != nil {
		return "", kaohe.Errorf(kaohe.EINVALID, "err.bad_payload", "Entity", c.Entity, "Detail", err.Error())
	}
	id := fields.ID
	if c.Entity == kaohe.EntTemplate { // one row per version
		id = fmt.Sprintf("%s@%d", fields.ID, fields.Version)
	}
	if id != "" && id != c.RowID {
		return "", kaohe.Errorf(kaohe.EINVALID, "err.bad_change")
	}
	if err := validate(c.Entity, c.Payload); err != nil {
		return "", err
	}
	showroom, err := s.showroomOf(tx, c.Entity, fields)
	if err != nil {
		return "", err
	}
	if cred.Kind == KindShowroom && showroom != cred.ShowroomID {
		return "", kaohe.Errorf(kaohe.EUNAUTHORIZED, "err.other_showroom")
	}
	// A row keeps its showroom: no writer may move another's row.
	var existing string
	err = tx.QueryRow(`SELECT showroom_id FROM rows WHERE entity = ? AND row_id = ?`, c.Entity, c.RowID).Scan(&existing)
	if err == nil && existing != showroom {
		return "", kaohe.Errorf(kaohe.EUNAUTHORIZED, "err.other_showroom")
	}
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", err
	}
	return showroom, nil
}

// refs are the fields of a row that say whose it is.
type refs struct {
	ID            string `json:"id"`
	ShowroomID    string `json:"showroom_id"`
	ManagerID     string `json:"manager_id"`
	ApplicationID string `json:"application_id"`
	CertificateID string `json:"certificate_id"`
	TrainingID    string `json:"training_id"`
	AssessmentID  string `json:"assessment_id"`
	Version       int    `json:"version"`
}

// showroomOf finds the showroom a row belongs to: its own showroom_id, or
// that of the row it refers to; reference data belongs to every showroom ("").
func (s *Store) showroomOf(tx *txn, entity string, f refs) (string, error) {
	switch entity {
	case kaohe.EntLevel, kaohe.EntTemplate, kaohe.EntPeriod, kaohe.EntReviewMember, kaohe.EntHQKey:
		return "", nil
	case kaohe.EntShowroom:
		return f.ID, nil
	}
	if f.ShowroomID != "" {
		return f.ShowroomID, nil
	}
	for _, ref := range []struct{ id, entity string }{
		{f.ManagerID, kaohe.EntManager}, {f.ApplicationID, kaohe.EntApplication},
		{f.CertificateID, kaohe.EntCertificate}, {f.TrainingID, kaohe.EntTraining}, {f.AssessmentID, kaohe.EntAssessment},
	} {
		id := ref.id
		if id == "" {
			continue
		}
		key := ref.entity + "\x00" + id
		if sr, ok := tx.owners[key]; ok { // most rows of a batch share a manager
			return sr, nil
		}
		var sr string
		err := tx.QueryRow(`SELECT showroom_id FROM rows WHERE entity = ? AND row_id = ?`, ref.entity, id).Scan(&sr)
		if errors.Is(err, sql.ErrNoRows) {
			return "", kaohe.Errorf(kaohe.EINVALID, "err.missing_reference")
		}
		if err == nil {
			tx.owners[key] = sr
		}
		return sr, err
	}
	return "", kaohe.Errorf(kaohe.EINVALID, "err.missing_reference")
}

// validate checks a row with the domain's own rules.
func validate(entity string, payload json.RawMessage) error {
	var v interface{ Validate() error }
	switch entity {
	case kaohe.EntManager:
		v = &kaohe.Manager{}
	case kaohe.EntTraining:
		v = &kaohe.Training{}
	case kaohe.EntReward:
		v = &kaohe.RewardPenalty{}
	case kaohe.EntResearch:
		v = &kaohe.MarketResearch{}
	case kaohe.EntLevelChange, kaohe.EntLevelAssignment:
		v = &kaohe.LevelChange{}
	case kaohe.EntAttendance:
		v = &kaohe.Attendance{}
	case kaohe.EntPeriod:
		v = &kaohe.Period{}
	case kaohe.EntTemplate:
		v = &kaohe.Template{}
	case kaohe.EntLevel:
		v = &kaohe.LevelInfo{}
	default:
		return nil
	}
	if err := json.Unmarshal(payload, v); err != nil {
		return kaohe.Errorf(kaohe.EINVALID, "err.bad_payload", "Entity", entity, "Detail", err.Error())
	}
	return v.Validate()
}

// Pull returns the changes after cursor a caller may read: for a showroom,
// HQ's changes for it and the reference data; for HQ, everything.
func (s *Store) Pull(ctx context.Context, cred Credential, cursor int64, limit int) (protocol.PullResponse, error) {
	if limit <= 0 || limit > protocol.MaxBatch {
		limit = protocol.MaxBatch
	}
	q := `SELECT seq, change_id, entity, row_id, op, payload, at FROM changes WHERE seq > ?`
	args := []any{cursor}
	if cred.Kind == KindShowroom {
		q += ` AND origin = 'hq' AND showroom_id IN (?, '')`
		args = append(args, cred.ShowroomID)
	}
	rows, err := s.db.QueryContext(ctx, q+` ORDER BY seq LIMIT ?`, append(args, limit+1)...)
	if err != nil {
		return protocol.PullResponse{}, err
	}
	defer rows.Close()
	resp := protocol.PullResponse{Cursor: cursor}
	for rows.Next() {
		var c protocol.Change
		var p string
		if err := rows.Scan(&c.Seq, &c.ID, &c.Entity, &c.RowID, &c.Op, &p, &c.At); err != nil {
			return resp, err
		}
		c.Payload = json.RawMessage(p)
		if len(resp.Changes) == limit {
			resp.More = true
			break
		}
		resp.Changes = append(resp.Changes, c)
		resp.Cursor = c.Seq
	}
	return resp, rows.Err()
}

// tables names the local table each entity's rows live in, for stats.
var tables = map[string]string{
	kaohe.EntShowroom: "showrooms", kaohe.EntLevel: "levels", kaohe.EntTemplate: "templates", kaohe.EntPeriod: "periods",
	kaohe.EntReviewMember: "review_members", kaohe.EntDecision: "decisions", kaohe.EntApplicationEvent: "decisions",
	kaohe.EntExemption: "exemptions", kaohe.EntFiling: "filings", kaohe.EntCertificate: "certificates",
	kaohe.EntLevelChange: "level_changes", kaohe.EntLevelAssignment: "level_changes", kaohe.EntManager: "managers",
	kaohe.EntTarget: "targets", kaohe.EntActual: "actuals", kaohe.EntAssessment: "assessments", kaohe.EntTraining: "trainings",
	kaohe.EntAttendance: "attendance", kaohe.EntReward: "rewards", kaohe.EntApplication: "applications",
	kaohe.EntResearch: "market_research", kaohe.EntCertificatePrint: "certificate_prints", kaohe.EntHQKey: "hq_keys",
}

// Stats counts the live rows per table per showroom code.
func (s *Store) Stats(ctx context.Context) (map[string]map[string]int, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT s.code, r.entity, count(*) FROM rows r JOIN showrooms s ON s.id = r.showroom_id
		WHERE r.deleted = 0 GROUP BY s.code, r.entity`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]map[string]int{}
	for rows.Next() {
		var code, entity string
		var n int
		if err := rows.Scan(&code, &entity, &n); err != nil {
			return nil, err
		}
		if out[code] == nil {
			out[code] = map[string]int{}
		}
		t := tables[entity]
		if t == "" {
			t = entity
		}
		out[code][t] += n
	}
	return out, rows.Err()
}

// apply records a change; an HQ decision and the grant it may cause stand
// or fall together.
func (s *Store) apply(tx *txn, c protocol.Change, showroom string, cred Credential) (bool, error) {
	if cred.Kind != KindHQ || c.Entity != kaohe.EntDecision {
		return s.record(tx, c, showroom, cred.Kind, cred.ID)
	}
	if _, err := tx.Exec(`SAVEPOINT change`); err != nil {
		return false, err
	}
	fresh, err := s.record(tx, c, showroom, cred.Kind, cred.ID)
	if err == nil && fresh {
		err = s.grant(tx, c, showroom, cred.ID)
	}
	if err != nil {
		if _, rerr := tx.Exec(`ROLLBACK TO change`); rerr != nil {
			return false, rerr
		}
	}
	if _, rerr := tx.Exec(`RELEASE change`); rerr != nil {
		return false, rerr
	}
	return fresh, err
}
