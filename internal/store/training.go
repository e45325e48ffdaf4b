package store

import (
	"context"
	"database/sql"
	"errors"

	"kaohe/internal/kaohe"
)

// SaveTraining creates or updates a training session of this showroom.
func (tx *Tx) SaveTraining(t kaohe.Training) (kaohe.Training, error) {
	sid, err := tx.ownShowroom()
	if err != nil {
		return t, err
	}
	if err := t.Validate(); err != nil {
		return t, err
	}
	if t.ID != "" && t.Date.After(tx.today()) { // planned ahead: not if its results are recorded
		var n int
		if err := tx.queryRow(`SELECT count(*) FROM attendance WHERE training_id = ? AND deleted_at IS NULL`, t.ID).Scan(&n); err != nil {
			return t, err
		}
		if err := t.CheckDay(n, tx.today()); err != nil {
			return t, err
		}
	}
	if t.ID == "" {
		t.ID = tx.newID()
	}
	t.ShowroomID = sid
	ts := stamp(tx.now)
	if _, err := tx.exec(`INSERT INTO trainings (id, showroom_id, title, category, method, date, hours, trainer, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET title = excluded.title, category = excluded.category, method = excluded.method, date = excluded.date,
		hours = excluded.hours, trainer = excluded.trainer, updated_at = excluded.updated_at`,
		t.ID, t.ShowroomID, t.Title, string(t.Category), string(t.Method), t.Date.String(), t.Hours, t.Trainer, ts, ts); err != nil {
		return t, err
	}
	return t, tx.logChange("training", t.ID, OpUpsert, "training.save", t)
}

// RecordAttendance records (or corrects) a manager's attendance of a training.
func (tx *Tx) RecordAttendance(a kaohe.Attendance) (kaohe.Attendance, error) {
	m, err := tx.manager(a.ManagerID)
	if err != nil {
		return a, err
	}
	if err := a.Validate(); err != nil {
		return a, err
	}
	t, err := tx.training(a.TrainingID)
	if err != nil {
		return a, err
	}
	if err := a.CheckHeld(t, tx.today()); err != nil {
		return a, err
	}
	existing, err := tx.keyHolder(kaohe.EntAttendance, mustJSON(a), "")
	if err != nil {
		return a, err
	}
	if existing != "" { // one attendance per training and manager: corrected
		a.ID = existing
	} else if a.ID == "" {
		a.ID = tx.newID()
	}
	ts := stamp(tx.now)
	if _, err := tx.exec(`INSERT INTO attendance (id, showroom_id, training_id, manager_id, result, score, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET result = excluded.result, score = excluded.score, updated_at = excluded.updated_at`,
		a.ID, m.ShowroomID, a.TrainingID, a.ManagerID, string(a.Result), a.Score, ts, ts); err != nil {
		return a, err
	}
	return a, tx.logChange("attendance", a.ID, OpUpsert, "attendance.record", a)
}

// Trainings returns the training sessions, latest first.
func (s *Store) Trainings(ctx context.Context) ([]kaohe.Training, error) {
	return queryAll(ctx, s.r, func(sc scanner) (kaohe.Training, error) {
		var t kaohe.Training
		err := sc.Scan(&t.ID, &t.ShowroomID, &t.Title, &t.Category, &t.Method, dateCol{&t.Date}, &t.Hours, &t.Trainer)
		return t, err
	}, `SELECT id, showroom_id, title, category, method, date, hours, trainer FROM trainings WHERE deleted_at IS NULL ORDER BY date DESC, id`)
}

// TrainingHoursOf returns the hours a manager (or, with managerID "", the
// whole showroom) was credited in a year, by category.
func (s *Store) TrainingHoursOf(ctx context.Context, managerID string, year int) (kaohe.TrainingHours, error) {
	q := `SELECT t.category, t.hours, a.result FROM attendance a JOIN trainings t ON t.id = a.training_id
		WHERE a.deleted_at IS NULL AND t.deleted_at IS NULL AND t.date >= ? AND t.date <= ?`
	args := []any{kaohe.D(year, 1, 1).String(), kaohe.D(year, 12, 31).String()}
	if managerID != "" {
		q += ` AND a.manager_id = ?`
		args = append(args, managerID)
	}
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := kaohe.TrainingHours{}
	for rows.Next() {
		var t kaohe.Training
		var a kaohe.Attendance
		if err := rows.Scan(&t.Category, &t.Hours, &a.Result); err != nil {
			return nil, err
		}
		out[t.Category] += a.CreditedHours(t)
	}
	return out, rows.Err()
}

// TrainingHoursByManager returns the hours each manager was credited in a
// year, by category, in one query (HQ mode's queue and report read every
// showroom's: one query per manager took seconds). A manager who attended
// no training that year is not in the map.
func (s *Store) TrainingHoursByManager(ctx context.Context, year int) (map[string]kaohe.TrainingHours, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT a.manager_id, t.category, t.hours, a.result FROM attendance a JOIN trainings t ON t.id = a.training_id
		WHERE a.deleted_at IS NULL AND t.deleted_at IS NULL AND t.date >= ? AND t.date <= ?`,
		kaohe.D(year, 1, 1).String(), kaohe.D(year, 12, 31).String())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]kaohe.TrainingHours{}
	for rows.Next() {
		var id string
		var t kaohe.Training
		var a kaohe.Attendance
		if err := rows.Scan(&id, &t.Category, &t.Hours, &a.Result); err != nil {
			return nil, err
		}
		h := out[id]
		if h == nil {
			h = kaohe.TrainingHours{}
			out[id] = h
		}
		h[t.Category] += a.CreditedHours(t)
	}
	return out, rows.Err()
}

// AttendanceOf returns the trainings a manager took part in, latest first.
func (s *Store) AttendanceOf(ctx context.Context, managerID string) ([]kaohe.AttendanceView, error) {
	return queryAll(ctx, s.r, func(sc scanner) (kaohe.AttendanceView, error) {
		var v kaohe.AttendanceView
		t, a := &v.Training, &v.Attendance
		err := sc.Scan(&t.ID, &t.ShowroomID, &t.Title, &t.Category, &t.Method, dateCol{&t.Date}, &t.Hours, &t.Trainer,
			&a.ID, &a.TrainingID, &a.ManagerID, &a.Result, &a.Score)
		return v, err
	}, `SELECT t.id, t.showroom_id, t.title, t.category, t.method, t.date, t.hours, t.trainer, a.id, a.training_id, a.manager_id, a.result, a.score
		FROM attendance a JOIN trainings t ON t.id = a.training_id
		WHERE a.manager_id = ? AND a.deleted_at IS NULL AND t.deleted_at IS NULL ORDER BY t.date DESC`, managerID)
}

// training reads a live training session of this database.
func (tx *Tx) training(id string) (kaohe.Training, error) {
	var t kaohe.Training
	err := tx.queryRow(`SELECT id, showroom_id, title, category, method, date, hours, trainer FROM trainings WHERE id = ? AND deleted_at IS NULL`, id).
		Scan(&t.ID, &t.ShowroomID, &t.Title, &t.Category, &t.Method, dateCol{&t.Date}, &t.Hours, &t.Trainer)
	if errors.Is(err, sql.ErrNoRows) {
		return t, notFound("training", id)
	}
	return t, err
}
