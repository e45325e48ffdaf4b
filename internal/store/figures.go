package store

import (
	"context"
	"database/sql"
	"errors"

	"kaohe/internal/kaohe"
)

// SetTarget sets a manager's annual target for a metric and year, split into
// months evenly (weights nil) or by seasonal weights.
func (tx *Tx) SetTarget(managerID, metric string, year int, annual int64, weights []float64) (kaohe.Target, error) {
	t := kaohe.Target{ManagerID: managerID, Metric: metric, Year: year, Annual: annual, Weights: weights}
	m, err := tx.manager(managerID)
	if err != nil {
		return t, err
	}
	if err := t.Validate(); err != nil {
		return t, err
	}
	if t.Months, err = kaohe.SplitAnnual(annual, weights); err != nil {
		return t, err
	}
	if t.ID, err = tx.keyHolder(kaohe.EntTarget, mustJSON(t), ""); err != nil {
		return t, err
	}
	ts := stamp(tx.now)
	weightsJSON := ""
	if weights != nil {
		weightsJSON = mustJSON(weights)
	}
	switch {
	case t.ID == "":
		t.ID = tx.newID()
		_, err = tx.exec(`INSERT INTO targets (id, showroom_id, manager_id, metric, year, annual, weights, months, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			t.ID, m.ShowroomID, managerID, metric, year, annual, weightsJSON, mustJSON(t.Months), ts, ts)
	default:
		_, err = tx.exec(`UPDATE targets SET annual = ?, weights = ?, months = ?, updated_at = ? WHERE id = ?`, annual, weightsJSON, mustJSON(t.Months), ts, t.ID)
	}
	if err != nil {
		return t, err
	}
	return t, tx.logChange("target", t.ID, OpUpsert, "target.set", t)
}

// SetActual records a month's actual figure, replacing an earlier one.
func (tx *Tx) SetActual(managerID, metric string, year, month int, value int64) (kaohe.Actual, error) {
	a := kaohe.Actual{ManagerID: managerID, Metric: metric, Year: year, Month: month, Value: value}
	m, err := tx.manager(managerID)
	if err != nil {
		return a, err
	}
	if err := a.Validate(); err != nil {
		return a, err
	}
	if a.ID, err = tx.keyHolder(kaohe.EntActual, mustJSON(a), ""); err != nil {
		return a, err
	}
	ts := stamp(tx.now)
	switch {
	case a.ID == "":
		a.ID = tx.newID()
		_, err = tx.exec(`INSERT INTO actuals (id, showroom_id, manager_id, metric, year, month, value, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			a.ID, m.ShowroomID, managerID, metric, year, month, value, ts, ts)
	default:
		_, err = tx.exec(`UPDATE actuals SET value = ?, updated_at = ? WHERE id = ?`, value, ts, a.ID)
	}
	if err != nil {
		return a, err
	}
	return a, tx.logChange("actual", a.ID, OpUpsert, "actual.set", a)
}

// Figures returns a manager's monthly targets and actuals of a metric and year.
func (s *Store) Figures(ctx context.Context, managerID, metric string, year int) (targets, actuals kaohe.Months, err error) {
	err = s.r.QueryRowContext(ctx, `SELECT months FROM targets WHERE manager_id = ? AND metric = ? AND year = ? AND deleted_at IS NULL`,
		managerID, metric, year).Scan(jsonCol{&targets})
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return targets, actuals, err
	}
	rows, err := s.r.QueryContext(ctx, `SELECT month, value FROM actuals WHERE manager_id = ? AND metric = ? AND year = ? AND deleted_at IS NULL`, managerID, metric, year)
	if err != nil {
		return targets, actuals, err
	}
	defer rows.Close()
	for rows.Next() {
		var m int
		var v int64
		if err := rows.Scan(&m, &v); err != nil {
			return targets, actuals, err
		}
		actuals[m-1] = v
	}
	return targets, actuals, rows.Err()
}

// Target returns a manager's annual target of a metric, with the weights it
// was split by (nil: evenly); a zero Target (no ID) when none is set.
func (s *Store) Target(ctx context.Context, managerID, metric string, year int) (kaohe.Target, error) {
	t := kaohe.Target{ManagerID: managerID, Metric: metric, Year: year}
	err := s.r.QueryRowContext(ctx, `SELECT id, annual, weights, months FROM targets WHERE manager_id = ? AND metric = ? AND year = ? AND deleted_at IS NULL`,
		managerID, metric, year).Scan(&t.ID, &t.Annual, jsonCol{&t.Weights}, jsonCol{&t.Months})
	if errors.Is(err, sql.ErrNoRows) {
		return t, nil
	}
	return t, err
}

// PeriodCompletion rolls a manager's figures of a metric up over a period
// (which may span two years, like the policy's own).
func (s *Store) PeriodCompletion(ctx context.Context, managerID, metric string, p kaohe.Period) (kaohe.Completion, error) {
	var c kaohe.Completion
	for _, ym := range p.MonthSpans() {
		t, a, err := s.Figures(ctx, managerID, metric, ym.Year)
		if err != nil {
			return c, err
		}
		part := kaohe.RollupMonths(t, a, ym.From, ym.To)
		c.Target += part.Target
		c.Actual += part.Actual
	}
	return c, nil
}
