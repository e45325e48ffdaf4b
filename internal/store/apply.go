package store

import (
	"fmt"
	"maps"
	"slices"

	"kaohe/internal/kaohe"
)

// applyChange writes one remote change: the row as it is at its writer,
// upserted by id (or, for append-only facts, inserted once). Rows keep the
// showroom they came from. Nothing goes to the outbox; the audit trail
// records who applied it (the transaction's actor). The kind, its strict
// decoding and its apply order come from the one registry
// (kaohe.EntityOf); what is written where is the kind's applier.
func (tx *Tx) applyChange(c Change) error {
	e, err := kaohe.EntityOf(c.Entity)
	if err != nil {
		return err
	}
	apply, ok := appliers[e.Name]
	if !ok {
		return kaohe.Errorf(kaohe.EINVALID, "err.unknown_entity", "Value", c.Entity)
	}
	row, err := e.Decode(c.Payload)
	if err != nil {
		return err
	}
	if err := apply(tx, c, row.Value); err != nil || tx.quiet {
		return err
	}
	detail := string(c.Payload)
	if c.Entity == kaohe.EntAccount || c.Entity == kaohe.EntHQAccount {
		detail = "{}" // never a password's hash in the audit trail
	}
	// The audit names who made the change at its writer, as it came with it.
	by := c.By
	if by == "" {
		by = tx.actor
	}
	return tx.auditIn(tx.showroomOfApplied(c), by, "", "sync."+c.Op, c.Entity, c.RowID, detail)
}

// showroomOfApplied is the showroom of the row a remote change wrote ("" for
// reference data): HQ mode's audit view filters by it.
func (tx *Tx) showroomOfApplied(c Change) string {
	e, err := kaohe.EntityOf(c.Entity)
	if err != nil || e.Shared {
		return ""
	}
	if c.Entity == kaohe.EntShowroom {
		return c.RowID
	}
	var sr string
	if err := tx.queryRow(`SELECT showroom_id FROM `+e.Table+` WHERE id = ?`, c.RowID).Scan(&sr); err != nil {
		return ""
	}
	return sr
}

// applier writes one decoded remote row (v: a pointer to the entity's
// type, as kaohe.Entity.Decode gives it) to this database's tables.
type applier func(tx *Tx, c Change, v any) error

// appliers are the local writes of every synced kind, one per entity of
// kaohe.Entities() (TestEveryEntityHasAnApplier): adding a kind is its
// registry entry, its rule and its applier here.
var appliers = map[string]applier{
	kaohe.EntShowroom: func(tx *Tx, c Change, x any) error {
		v := x.(*kaohe.Showroom)
		return tx.upsert("showrooms", v.ID, c.Op, cols{"showroom_id": v.ID, "code": v.Code, "name": v.Name, "region": v.Region, "city": v.City})
	},
	kaohe.EntLevel: func(tx *Tx, c Change, x any) error {
		v := x.(*kaohe.LevelInfo)
		if err := v.Validate(); err != nil {
			return err
		}
		_, err := tx.exec(`INSERT INTO levels (level, data, enabled, updated_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (level) DO UPDATE SET data = excluded.data, enabled = excluded.enabled, updated_at = excluded.updated_at`,
			int(v.Level), mustJSON(v), boolInt(v.Enabled), stamp(tx.now))
		return err
	},
	kaohe.EntTemplate: func(tx *Tx, c Change, x any) error {
		v := x.(*kaohe.Template)
		if err := v.Validate(); err != nil {
			return err
		}
		if _, err := tx.exec(`INSERT OR IGNORE INTO templates (id, version, data, created_at) VALUES (?, ?, ?, ?)`, v.ID, v.Version, mustJSON(v), stamp(tx.now)); err != nil {
			return err
		}
		// The newest version HQ sent is the one new assessments use.
		_, err := tx.exec(`UPDATE templates SET current = (id = ? AND version = (SELECT max(version) FROM templates WHERE id = ?))`, v.ID, v.ID)
		return err
	},
	kaohe.EntPeriod: func(tx *Tx, c Change, x any) error {
		v := x.(*kaohe.Period)
		if err := v.Validate(); err != nil {
			return err
		}
		return tx.upsert("periods", v.ID, c.Op, cols{"kind": string(v.Kind), "name_zh": v.Name.Zh, "name_en": v.Name.En,
			"start_date": v.Start.String(), "end_date": v.End.String()})
	},
	kaohe.EntReviewMember: func(tx *Tx, c Change, x any) error {
		v := x.(*kaohe.ReviewMember)
		return tx.upsert("review_members", v.ID, c.Op, cols{"name": v.Name, "role": v.Role, "title": v.Title})
	},
	kaohe.EntManager: func(tx *Tx, c Change, x any) error {
		v := x.(*kaohe.Manager)
		if err := v.Validate(); err != nil {
			return err
		}
		return tx.upsert("managers", v.ID, c.Op, cols{"showroom_id": v.ShowroomID, "employee_no": v.EmployeeNo, "name": v.Name,
			"gender": string(v.Gender), "phone": v.Phone, "education": int(v.Education), "hire_date": dateArg(v.HireDate),
			"status": string(v.Status), "left_on": dateArg(v.LeftOn), "note": v.Note})
	},
	kaohe.EntLevelAssignment: applyLevelChange,
	kaohe.EntLevelChange:     applyLevelChange,
	kaohe.EntTarget: func(tx *Tx, c Change, x any) error {
		v := x.(*kaohe.Target)
		weights := ""
		if v.Weights != nil {
			weights = mustJSON(v.Weights)
		}
		return tx.upsert("targets", v.ID, c.Op, cols{"showroom_id": tx.managerShowroom(v.ManagerID), "manager_id": v.ManagerID, "metric": v.Metric,
			"year": v.Year, "annual": v.Annual, "weights": weights, "months": mustJSON(v.Months)})
	},
	kaohe.EntActual: func(tx *Tx, c Change, x any) error {
		v := x.(*kaohe.Actual)
		return tx.upsert("actuals", v.ID, c.Op, cols{"showroom_id": tx.managerShowroom(v.ManagerID), "manager_id": v.ManagerID, "metric": v.Metric,
			"year": v.Year, "month": v.Month, "value": v.Value})
	},
	kaohe.EntAssessment: func(tx *Tx, c Change, x any) error {
		v := x.(*kaohe.Assessment)
		return tx.upsert("assessments", v.ID, c.Op, cols{"showroom_id": v.ShowroomID, "manager_id": v.ManagerID, "period_id": v.PeriodID,
			"template_id": v.TemplateID, "template_version": v.TemplateVersion, "scores": mustJSON(v.Scores), "total": v.Total, "grade": v.Grade,
			"coefficient": v.Coefficient, "comment": v.Comment, "assessor": v.Assessor, "status": string(v.Status), "submitted_on": dateArg(v.SubmittedOn)})
	},
	kaohe.EntTraining: func(tx *Tx, c Change, x any) error {
		v := x.(*kaohe.Training)
		if err := v.Validate(); err != nil {
			return err
		}
		return tx.upsert("trainings", v.ID, c.Op, cols{"showroom_id": v.ShowroomID, "title": v.Title, "category": string(v.Category),
			"method": string(v.Method), "date": v.Date.String(), "hours": v.Hours, "trainer": v.Trainer})
	},
	kaohe.EntAttendance: func(tx *Tx, c Change, x any) error {
		v := x.(*kaohe.Attendance)
		return tx.upsert("attendance", v.ID, c.Op, cols{"showroom_id": tx.managerShowroom(v.ManagerID), "training_id": v.TrainingID,
			"manager_id": v.ManagerID, "result": string(v.Result), "score": v.Score})
	},
	kaohe.EntReward: func(tx *Tx, c Change, x any) error {
		v := x.(*kaohe.RewardPenalty)
		info, _ := v.Type.Info()
		return tx.upsert("rewards", v.ID, c.Op, cols{"showroom_id": v.ShowroomID, "manager_id": v.ManagerID, "type": string(v.Type),
			"substantive": boolInt(info.Substantive), "amount": v.Amount, "reason": v.Reason, "date": v.Date.String(), "decided_by": v.DecidedBy})
	},
	kaohe.EntApplication: func(tx *Tx, c Change, x any) error {
		v := x.(*kaohe.Application)
		return tx.upsert("applications", v.ID, c.Op, cols{"showroom_id": v.ShowroomID, "manager_id": v.ManagerID, "target_level": int(v.TargetLevel),
			"personal_info": v.PersonalInfo, "achievements": v.Achievements, "report": v.Report, "education": int(v.Education),
			"exemption": boolInt(v.Exemption != kaohe.ExemptionNone), "exemption_reason": v.ExemptReason})
	},
	kaohe.EntApplicationEvent: applyDecision,
	kaohe.EntDecision:         applyDecision,
	kaohe.EntExemption: func(tx *Tx, c Change, x any) error {
		v := x.(*kaohe.Exemption)
		if err := tx.requireParent("applications", v.AppID); err != nil {
			return err
		}
		_, err := tx.exec(`INSERT OR IGNORE INTO exemptions (id, showroom_id, application_id, approved, date, decided_by, comment, created_at)
			SELECT ?, showroom_id, id, ?, ?, ?, ?, ? FROM applications WHERE id = ?`,
			v.ID, boolInt(v.Approved), v.Date.String(), v.DecidedBy, v.Comment, stamp(tx.now), v.AppID)
		return err
	},
	kaohe.EntHQInfo: func(tx *Tx, c Change, x any) error {
		v := x.(*kaohe.HQInfo)
		if err := kaohe.ValidPublicURL(v.PublicURL); err != nil {
			return err
		}
		return tx.setMeta(MetaPublicURL, v.PublicURL)
	},
	kaohe.EntHQKey: func(tx *Tx, c Change, x any) error {
		v := x.(*kaohe.HQKey)
		_, err := tx.exec(`INSERT OR IGNORE INTO hq_keys (id, public, created_at) VALUES (?, ?, ?)`, v.ID, v.Public, stamp(tx.now))
		return err
	},
	kaohe.EntFiling: func(tx *Tx, c Change, x any) error {
		v := x.(*kaohe.Filing)
		if err := tx.requireParent("assessments", v.AssessmentID); err != nil {
			return err
		}
		_, err := tx.exec(`INSERT OR IGNORE INTO filings (id, showroom_id, assessment_id, date, filed_by, created_at)
			SELECT ?, showroom_id, id, ?, ?, ? FROM assessments WHERE id = ?`, v.ID, v.Date.String(), v.FiledBy, stamp(tx.now), v.AssessmentID)
		return err
	},
	kaohe.EntCertificate: func(tx *Tx, c Change, x any) error {
		v := x.(*kaohe.Certificate)
		return tx.upsert("certificates", v.ID, c.Op, cols{"showroom_id": v.ShowroomID, "manager_id": v.ManagerID, "application_id": v.AppID,
			"serial": v.Serial, "level": int(v.Level), "holder_name": v.HolderName, "showroom_name": v.Showroom, "granted_on": v.GrantedOn.String(),
			"issuer": v.Issuer, "verify_code": v.VerifyCode, "key_id": v.KeyID, "signature": v.Signature, "revoked": boolInt(v.Revoked),
			"revoked_reason": v.RevokedWhy})
	},
	kaohe.EntResearch: func(tx *Tx, c Change, x any) error {
		v := x.(*kaohe.MarketResearch)
		return tx.upsert("market_research", v.ID, c.Op, cols{"showroom_id": v.ShowroomID, "manager_id": v.ManagerID, "kind": string(v.Kind),
			"date": v.Date.String(), "subject": v.Subject, "details": v.Details, "price_per_m2": v.PricePerM2, "units": v.Units,
			"delivery": dateArg(v.Delivery), "sales_status": v.SalesStatus, "decoration": v.Decoration, "cooperation": v.Cooperation})
	},
	kaohe.EntCertificatePrint: func(tx *Tx, c Change, x any) error {
		v := x.(*CertificatePrint)
		if err := tx.requireParent("certificates", v.CertID); err != nil {
			return err
		}
		_, err := tx.exec(`INSERT OR IGNORE INTO certificate_prints (id, showroom_id, certificate_id, copy, printed_by, created_at)
			SELECT ?, showroom_id, id, ?, ?, ? FROM certificates WHERE id = ?`, v.ID, boolInt(v.Copy), v.PrintedBy, v.At, v.CertID)
		return err
	},
	kaohe.EntAccount:      func(tx *Tx, c Change, x any) error { return tx.applyAccount(c.Op, *x.(*kaohe.Account)) },
	kaohe.EntHQAccount:    func(tx *Tx, c Change, x any) error { return tx.applyAccount(c.Op, *x.(*kaohe.Account)) },
	kaohe.EntAccountBlock: func(tx *Tx, c Change, x any) error { return tx.applyAccountBlock(*x.(*kaohe.AccountBlockRow)) },
}

// applyLevelChange appends a level change (HQ's, or a showroom's first
// level of a new hire) once, in its manager's showroom.
func applyLevelChange(tx *Tx, c Change, x any) error {
	v := x.(*kaohe.LevelChange)
	if err := v.Validate(); err != nil {
		return err
	}
	if err := tx.requireParent("managers", v.ManagerID); err != nil {
		return err
	}
	_, err := tx.exec(`INSERT OR IGNORE INTO level_changes (`+levelChangeCols+`, showroom_id, created_at)
		SELECT ?, ?, ?, ?, ?, ?, ?, ?, showroom_id, ? FROM managers WHERE id = ?`,
		v.ID, v.ManagerID, int(v.From), int(v.To), v.Date.String(), v.Reason, v.DecidedBy, v.AppID, stamp(tx.now), v.ManagerID)
	return err
}

func applyDecision(tx *Tx, c Change, x any) error { return tx.applyDecision(*x.(*kaohe.Decision)) }

// cols are a row's columns by name.
type cols map[string]any

// upsert writes a row of a table with created/updated times and a
// tombstone, by id; op delete sets the tombstone.
func (tx *Tx) upsert(table, id, op string, c cols) error {
	if id == "" {
		return kaohe.Errorf(kaohe.EINVALID, "err.required").OnField("id")
	}
	if twinTables[table] {
		c["twin"] = "" // the key's row, unless applyHeld says it is a twin
		if tx.twin {
			c["twin"] = id
		}
	}
	ts := stamp(tx.now)
	if op == OpDelete {
		// A delete carries the row as it was: a row never seen here is
		// written as a tombstone, so an older state arriving after the delete
		// is known to be older, and the row's children find their parent.
		if err := tx.upsert(table, id, OpUpsert, c); err != nil {
			return err
		}
		_, err := tx.exec(fmt.Sprintf(`UPDATE %s SET deleted_at = ?, updated_at = ? WHERE id = ?`, table), ts, ts, id)
		return err
	}
	names := sortedKeys(c)
	q := "INSERT INTO " + table + " (id"
	vals := []any{id}
	for _, n := range names {
		q += ", " + n
		vals = append(vals, c[n])
	}
	q += ", created_at, updated_at) VALUES (?"
	for range names {
		q += ", ?"
	}
	q += ", ?, ?) ON CONFLICT (id) DO UPDATE SET updated_at = excluded.updated_at, deleted_at = NULL"
	for _, n := range names {
		q += ", " + n + " = excluded." + n
	}
	vals = append(vals, ts, ts)
	_, err := tx.exec(q, vals...)
	return err
}

func sortedKeys(c cols) []string { return slices.Sorted(maps.Keys(c)) }

// requireParent refuses a row whose parent is not here (yet): a pulled
// child waits for its parent instead of being dropped in silence.
func (tx *Tx) requireParent(table, id string) error {
	var n int
	if err := tx.queryRow(`SELECT count(*) FROM `+table+` WHERE id = ?`, id).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return kaohe.Errorf(kaohe.EINVALID, "err.missing_reference")
	}
	return nil
}

// managerShowroom is the showroom of a manager (rows that do not carry one
// take their manager's).
func (tx *Tx) managerShowroom(managerID string) string {
	var s string
	tx.queryRow(`SELECT showroom_id FROM managers WHERE id = ?`, managerID).Scan(&s)
	return s
}

// applyDecision appends a review event once, in its application's order,
// checked against the state machine.
func (tx *Tx) applyDecision(d kaohe.Decision) error {
	var exists int
	if err := tx.queryRow(`SELECT count(*) FROM decisions WHERE id = ?`, d.ID).Scan(&exists); err != nil || exists > 0 {
		return err
	}
	v, err := view(tx.ctx, tx.tx, d.AppID)
	if err != nil {
		return err
	}
	r, err := v.Review.Apply(d)
	if err != nil {
		return err
	}
	_, err = tx.exec(`INSERT INTO decisions (id, showroom_id, application_id, seq, stage, pass, date, decided_by, comment, exam_score, entered_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		d.ID, v.ShowroomID, v.ID, len(r.Decisions), string(d.Stage), boolInt(d.Pass), d.Date.String(), mustJSON(d.DecidedBy), d.Comment, d.ExamScore, d.EnteredBy, stamp(tx.now))
	return err
}
