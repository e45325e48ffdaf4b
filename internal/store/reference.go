package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"

	"kaohe/internal/kaohe"
)

// Meta keys.
const (
	metaShowroomID = "showroom_id"
)

// Showroom returns the showroom this database belongs to.
func (s *Store) Showroom(ctx context.Context) (kaohe.Showroom, error) {
	var sr kaohe.Showroom
	err := s.r.QueryRowContext(ctx, `SELECT s.id, s.code, s.name, s.region, s.city FROM showrooms s
		JOIN meta m ON m.key = ? AND m.value = s.id`, metaShowroomID).Scan(&sr.ID, &sr.Code, &sr.Name, &sr.Region, &sr.City)
	if errors.Is(err, sql.ErrNoRows) {
		return sr, notFound("showroom", "")
	}
	return sr, err
}

// SetShowroom makes sr this database's own showroom, creating or updating
// its row.
func (tx *Tx) SetShowroom(sr kaohe.Showroom) (kaohe.Showroom, error) {
	if sr.ID == "" {
		sr.ID = tx.newID()
	}
	if sr.Code == "" || sr.Name == "" {
		return sr, kaohe.Errorf(kaohe.EINVALID, "err.required").OnField("code")
	}
	if err := tx.PutShowroom(sr); err != nil {
		return sr, err
	}
	if _, err := tx.exec(`INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, metaShowroomID, sr.ID); err != nil {
		return sr, err
	}
	return sr, tx.adoptAccounts(sr.ID)
}

// ShowroomID returns the id of this database's showroom, or "" before one
// is set.
func (tx *Tx) ShowroomID() (string, error) {
	var id string
	err := tx.queryRow(`SELECT value FROM meta WHERE key = ?`, metaShowroomID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", notFound("showroom", "")
	}
	return id, err
}

// PutShowroom creates or updates a showroom row (HQ reference data).
func (tx *Tx) PutShowroom(sr kaohe.Showroom) error {
	ts := stamp(tx.now)
	if _, err := tx.exec(`INSERT INTO showrooms (id, showroom_id, code, name, region, city, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET code = excluded.code, name = excluded.name, region = excluded.region, city = excluded.city, updated_at = excluded.updated_at`,
		sr.ID, sr.ID, sr.Code, sr.Name, sr.Region, sr.City, ts, ts); err != nil {
		return err
	}
	return tx.logChange("showroom", sr.ID, OpUpsert, "showroom.put", sr)
}

// PutLevels stores the level reference data.
func (tx *Tx) PutLevels(levels kaohe.Levels) error {
	for _, li := range levels {
		if err := li.Validate(); err != nil {
			return err
		}
		if _, err := tx.exec(`INSERT INTO levels (level, data, enabled, updated_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (level) DO UPDATE SET data = excluded.data, enabled = excluded.enabled, updated_at = excluded.updated_at`,
			int(li.Level), mustJSON(li), boolInt(li.Enabled), stamp(tx.now)); err != nil {
			return err
		}
		if err := tx.logChange("level", itoa(int(li.Level)), OpUpsert, "level.put", li); err != nil {
			return err
		}
	}
	return nil
}

// Levels returns the level reference data, or the policy's defaults when HQ
// has sent none yet.
func (s *Store) Levels(ctx context.Context) (kaohe.Levels, error) {
	return levels(ctx, s.r)
}

func (tx *Tx) levels() (kaohe.Levels, error) { return levels(tx.ctx, tx.tx) }

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func levels(ctx context.Context, q querier) (kaohe.Levels, error) {
	out, err := queryAll(ctx, q, func(sc scanner) (kaohe.LevelInfo, error) {
		var li kaohe.LevelInfo
		err := sc.Scan(jsonCol{&li})
		return li, err
	}, `SELECT data FROM levels ORDER BY level`)
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return kaohe.DefaultLevels(), nil
	}
	return out, nil
}

// PutTemplate stores a scoring template version and, if current, makes it
// the one new assessments use. A stored version never changes: finished
// assessments refer to it.
func (tx *Tx) PutTemplate(t kaohe.Template, current bool) error {
	if err := t.Validate(); err != nil {
		return err
	}
	var existing string
	err := tx.queryRow(`SELECT data FROM templates WHERE id = ? AND version = ?`, t.ID, t.Version).Scan(&existing)
	switch {
	case err == nil && existing != mustJSON(t):
		return kaohe.Errorf(kaohe.ECONFLICT, "err.template_version_exists", "ID", t.ID, "Version", t.Version)
	case err == nil:
	case errors.Is(err, sql.ErrNoRows):
		if _, err := tx.exec(`INSERT INTO templates (id, version, data, created_at) VALUES (?, ?, ?, ?)`, t.ID, t.Version, mustJSON(t), stamp(tx.now)); err != nil {
			return err
		}
		if err := tx.logChange("template", t.ID+"@"+itoa(t.Version), OpUpsert, "template.put", t); err != nil {
			return err
		}
	default:
		return err
	}
	if current {
		if _, err := tx.exec(`UPDATE templates SET current = (id = ? AND version = ?)`, t.ID, t.Version); err != nil {
			return err
		}
	}
	return nil
}

// Template returns a stored template version.
func (s *Store) Template(ctx context.Context, id string, version int) (kaohe.Template, error) {
	return template(ctx, s.r, `WHERE id = ? AND version = ?`, id, version)
}

// CurrentTemplate returns the template new assessments use.
func (s *Store) CurrentTemplate(ctx context.Context) (kaohe.Template, error) {
	return template(ctx, s.r, `WHERE current = 1`)
}

func template(ctx context.Context, q querier, where string, args ...any) (kaohe.Template, error) {
	var t kaohe.Template
	err := q.QueryRowContext(ctx, `SELECT data FROM templates `+where+` ORDER BY version DESC LIMIT 1`, args...).Scan(jsonCol{&t})
	if errors.Is(err, sql.ErrNoRows) {
		return t, notFound("template", "")
	}
	return t, err
}

// PutPeriod creates or updates an assessment period.
func (tx *Tx) PutPeriod(p kaohe.Period) error {
	if err := p.Validate(); err != nil {
		return err
	}
	ts := stamp(tx.now)
	if _, err := tx.exec(`INSERT INTO periods (id, kind, name_zh, name_en, start_date, end_date, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, name_zh = excluded.name_zh, name_en = excluded.name_en,
		start_date = excluded.start_date, end_date = excluded.end_date, updated_at = excluded.updated_at, deleted_at = NULL`,
		p.ID, string(p.Kind), p.Name.Zh, p.Name.En, p.Start.String(), p.End.String(), ts, ts); err != nil {
		return err
	}
	return tx.logChange("period", p.ID, OpUpsert, "period.put", p)
}

// Periods returns the periods, latest end first.
func (s *Store) Periods(ctx context.Context) ([]kaohe.Period, error) {
	return queryAll(ctx, s.r, scanPeriod, `SELECT `+periodCols+` FROM periods WHERE deleted_at IS NULL ORDER BY end_date DESC, start_date DESC, id`)
}

// Period returns one period.
func (s *Store) Period(ctx context.Context, id string) (kaohe.Period, error) {
	return period(ctx, s.r, id)
}

const periodCols = `id, kind, name_zh, name_en, start_date, end_date`

func scanPeriod(sc scanner) (kaohe.Period, error) {
	var p kaohe.Period
	err := sc.Scan(&p.ID, &p.Kind, &p.Name.Zh, &p.Name.En, dateCol{&p.Start}, dateCol{&p.End})
	return p, err
}

func period(ctx context.Context, q querier, id string) (kaohe.Period, error) {
	p, err := scanPeriod(q.QueryRowContext(ctx, `SELECT `+periodCols+` FROM periods WHERE id = ? AND deleted_at IS NULL`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return p, notFound("period", id)
	}
	return p, err
}

// PutReviewMember creates or updates a review-group member.
func (tx *Tx) PutReviewMember(m kaohe.ReviewMember) (kaohe.ReviewMember, error) {
	if m.ID == "" {
		m.ID = tx.newID()
	}
	if m.Name == "" || (m.Role != "leader" && m.Role != "member") {
		return m, kaohe.Errorf(kaohe.EINVALID, "err.required").OnField("name")
	}
	ts := stamp(tx.now)
	if _, err := tx.exec(`INSERT INTO review_members (id, name, role, title, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET name = excluded.name, role = excluded.role, title = excluded.title, updated_at = excluded.updated_at`,
		m.ID, m.Name, m.Role, m.Title, ts, ts); err != nil {
		return m, err
	}
	return m, tx.logChange("review_member", m.ID, OpUpsert, "review_member.put", m)
}

// Retire withdraws a period or a review-group member from use (HQ mode):
// a tombstone, synced, never a hard delete; its past writes stay in the
// audit trail, and whatever refers to it keeps its record.
func (tx *Tx) Retire(entity, id string) error {
	var table string
	switch entity {
	case kaohe.EntPeriod:
		table = "periods"
	case kaohe.EntReviewMember:
		table = "review_members"
	default:
		return kaohe.Errorf(kaohe.EINVALID, "err.unknown_entity", "Value", entity)
	}
	var payload any
	if entity == kaohe.EntPeriod {
		p, err := tx.period(id)
		if err != nil {
			return err
		}
		payload = p
	} else {
		var m kaohe.ReviewMember
		err := tx.queryRow(`SELECT id, name, role, title FROM review_members WHERE id = ? AND deleted_at IS NULL`, id).Scan(&m.ID, &m.Name, &m.Role, &m.Title)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("review_member", id)
		}
		if err != nil {
			return err
		}
		payload = m
	}
	ts := stamp(tx.now)
	if _, err := tx.exec(`UPDATE `+table+` SET deleted_at = ?, updated_at = ? WHERE id = ?`, ts, ts, id); err != nil {
		return err
	}
	return tx.logChange(entity, id, OpDelete, entity+".retire", payload)
}

// ReviewMembers returns the review group, leader first.
func (s *Store) ReviewMembers(ctx context.Context) ([]kaohe.ReviewMember, error) {
	return queryAll(ctx, s.r, func(sc scanner) (kaohe.ReviewMember, error) {
		var m kaohe.ReviewMember
		err := sc.Scan(&m.ID, &m.Name, &m.Role, &m.Title)
		return m, err
	}, `SELECT id, name, role, title FROM review_members WHERE deleted_at IS NULL ORDER BY role = 'member', created_at`)
}

func itoa(i int) string { return strconv.Itoa(i) }

// Showrooms lists the showrooms this database knows (all of them at HQ).
func (s *Store) Showrooms(ctx context.Context) ([]kaohe.Showroom, error) {
	return queryAll(ctx, s.r, func(sc scanner) (kaohe.Showroom, error) {
		var sr kaohe.Showroom
		err := sc.Scan(&sr.ID, &sr.Code, &sr.Name, &sr.Region, &sr.City)
		return sr, err
	}, `SELECT id, code, name, region, city FROM showrooms WHERE deleted_at IS NULL ORDER BY code`)
}
