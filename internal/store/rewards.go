package store

import (
	"context"

	"kaohe/internal/kaohe"
)

// SaveRewardPenalty records a reward or penalty.
func (tx *Tx) SaveRewardPenalty(r kaohe.RewardPenalty) (kaohe.RewardPenalty, error) {
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
	info, _ := r.Type.Info()
	if r.ID == "" {
		r.ID = tx.newID()
	}
	r.ShowroomID = m.ShowroomID
	ts := stamp(tx.now)
	if _, err := tx.exec(`INSERT INTO rewards (id, showroom_id, manager_id, type, substantive, amount, reason, date, decided_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET showroom_id = excluded.showroom_id, manager_id = excluded.manager_id, type = excluded.type, substantive = excluded.substantive, amount = excluded.amount, reason = excluded.reason,
		date = excluded.date, decided_by = excluded.decided_by, updated_at = excluded.updated_at`,
		r.ID, r.ShowroomID, r.ManagerID, string(r.Type), boolInt(info.Substantive), r.Amount, r.Reason, r.Date.String(), r.DecidedBy, ts, ts); err != nil {
		return r, err
	}
	return r, tx.logChange("reward", r.ID, OpUpsert, "reward.save", r)
}

// RewardsPenalties returns the records of a manager (all when ""), latest first.
func (s *Store) RewardsPenalties(ctx context.Context, managerID string) ([]kaohe.RewardPenalty, error) {
	q := `SELECT id, showroom_id, manager_id, type, amount, reason, date, decided_by FROM rewards WHERE deleted_at IS NULL`
	var args []any
	if managerID != "" {
		q += ` AND manager_id = ?`
		args = append(args, managerID)
	}
	return queryAll(ctx, s.r, func(sc scanner) (kaohe.RewardPenalty, error) {
		var r kaohe.RewardPenalty
		err := sc.Scan(&r.ID, &r.ShowroomID, &r.ManagerID, &r.Type, &r.Amount, &r.Reason, dateCol{&r.Date}, &r.DecidedBy)
		return r, err
	}, q+` ORDER BY date DESC, id`, args...)
}
