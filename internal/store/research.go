package store

import (
	"context"

	"kaohe/internal/kaohe"
)

const researchCols = `id, showroom_id, manager_id, kind, date, subject, details, price_per_m2, units, delivery, sales_status, decoration, cooperation`

// SaveResearch creates or updates a market research record.
func (tx *Tx) SaveResearch(r kaohe.MarketResearch) (kaohe.MarketResearch, error) {
	m, err := tx.manager(r.ManagerID)
	if err != nil {
		return r, err
	}
	if err := r.Validate(); err != nil {
		return r, err
	}
	if err := r.CheckDay(tx.today()); err != nil {
		return r, err
	}
	if r.ID == "" {
		r.ID = tx.newID()
	}
	r.ShowroomID = m.ShowroomID
	ts := stamp(tx.now)
	if _, err := tx.exec(`INSERT INTO market_research (`+researchCols+`, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET showroom_id = excluded.showroom_id, manager_id = excluded.manager_id, kind = excluded.kind, date = excluded.date, subject = excluded.subject, details = excluded.details,
		price_per_m2 = excluded.price_per_m2, units = excluded.units, delivery = excluded.delivery, sales_status = excluded.sales_status,
		decoration = excluded.decoration, cooperation = excluded.cooperation, updated_at = excluded.updated_at`,
		r.ID, r.ShowroomID, r.ManagerID, string(r.Kind), r.Date.String(), r.Subject, r.Details, r.PricePerM2, r.Units, dateArg(r.Delivery),
		r.SalesStatus, r.Decoration, r.Cooperation, ts, ts); err != nil {
		return r, err
	}
	return r, tx.logChange("market_research", r.ID, OpUpsert, "research.save", r)
}

// Research returns a manager's research records (all when ""), latest first.
func (s *Store) Research(ctx context.Context, managerID string) ([]kaohe.MarketResearch, error) {
	q := `SELECT ` + researchCols + ` FROM market_research WHERE deleted_at IS NULL`
	var args []any
	if managerID != "" {
		q += ` AND manager_id = ?`
		args = append(args, managerID)
	}
	return queryAll(ctx, s.r, func(sc scanner) (kaohe.MarketResearch, error) {
		var r kaohe.MarketResearch
		err := sc.Scan(&r.ID, &r.ShowroomID, &r.ManagerID, &r.Kind, dateCol{&r.Date}, &r.Subject, &r.Details, &r.PricePerM2, &r.Units,
			dateCol{&r.Delivery}, &r.SalesStatus, &r.Decoration, &r.Cooperation)
		return r, err
	}, q+` ORDER BY date DESC, id`, args...)
}

// AttendanceOfTraining returns the attendance records of a training.
func (s *Store) AttendanceOfTraining(ctx context.Context, trainingID string) ([]kaohe.Attendance, error) {
	return queryAll(ctx, s.r, func(sc scanner) (kaohe.Attendance, error) {
		var a kaohe.Attendance
		err := sc.Scan(&a.ID, &a.TrainingID, &a.ManagerID, &a.Result, &a.Score)
		return a, err
	}, `SELECT id, training_id, manager_id, result, score FROM attendance WHERE training_id = ? AND deleted_at IS NULL`, trainingID)
}
