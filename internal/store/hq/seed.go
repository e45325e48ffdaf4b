package hq

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"kaohe/internal/kaohe"
	"kaohe/sync/protocol"
)

// seed publishes the policy's reference data on a new HQ's first start:
// levels 1–5 (4 and 5 disabled), the five-item default template, this
// year's periods (half-years, quarters, months) with last year's halves,
// and the review group's roles without names, so a showroom enrolled with
// it can assess a level-1 manager at once. An HQ that has any level
// already is left as it is.
func (s *Store) seed(ctx context.Context) error {
	return s.tx(ctx, func(tx *txn) error {
		var n int
		if err := tx.QueryRow(`SELECT count(*) FROM rows WHERE entity = ?`, kaohe.EntLevel).Scan(&n); err != nil || n > 0 {
			return err
		}
		year := s.today().Year
		put := func(entity, id string, v any) error {
			p, err := json.Marshal(v)
			if err != nil {
				return err
			}
			_, err = s.record(tx, protocol.Change{ID: uuid.Must(uuid.NewV7()).String(), Entity: entity, RowID: id, Op: "upsert",
				Payload: p, At: s.stamp()}, "", "", KindHQ, "seed")
			return err
		}
		for _, li := range kaohe.DefaultLevels() {
			if err := put(kaohe.EntLevel, strconv.Itoa(int(li.Level)), li); err != nil {
				return err
			}
		}
		t := kaohe.DefaultTemplate()
		if err := put(kaohe.EntTemplate, t.ID+"@"+strconv.Itoa(t.Version), t); err != nil {
			return err
		}
		// Last year's half-years too: its second half is assessed early in
		// this one (半年一考评).
		periods := kaohe.StandardPeriods(year)
		for h := 1; h <= 2; h++ {
			p, _ := kaohe.StandardPeriod(kaohe.PeriodHalf, year-1, h)
			periods = append(periods, p)
		}
		for _, p := range periods {
			if err := put(kaohe.EntPeriod, p.ID, p); err != nil {
				return err
			}
		}
		for _, m := range kaohe.DefaultReviewGroup() {
			if err := put(kaohe.EntReviewMember, m.ID, m); err != nil {
				return err
			}
		}
		return nil
	})
}

// SetPublicURL publishes HQ's public address to every showroom (reference
// data): certificates printed from then on carry URL/verify/SERIAL?code=…
// in their QR code. Publishing the same address again changes nothing.
func (s *Store) SetPublicURL(ctx context.Context, publicURL string) error {
	if err := kaohe.ValidPublicURL(publicURL); err != nil {
		return err
	}
	return s.tx(ctx, func(tx *txn) error {
		cur, ok, err := rowOf[kaohe.HQInfo](tx, kaohe.EntHQInfo, kaohe.HQInfoID)
		if err != nil || (ok && cur.PublicURL == publicURL) {
			return err
		}
		p, _ := json.Marshal(kaohe.HQInfo{PublicURL: publicURL})
		_, err = s.record(tx, protocol.Change{ID: uuid.Must(uuid.NewV7()).String(), Entity: kaohe.EntHQInfo, RowID: kaohe.HQInfoID, Op: "upsert",
			Payload: p, At: s.stamp()}, "", "", KindHQ, "admin")
		return err
	})
}

// PublicURL is the public address HQ publishes ("" when none).
func (s *Store) PublicURL(ctx context.Context) (string, error) {
	var out string
	err := s.tx(ctx, func(tx *txn) error {
		cur, _, err := rowOf[kaohe.HQInfo](tx, kaohe.EntHQInfo, kaohe.HQInfoID)
		out = cur.PublicURL
		return err
	})
	return out, err
}

// PeriodState is an assessment period HQ holds, and whether HQ retired it.
type PeriodState struct {
	kaohe.Period
	Retired bool
}

// Periods lists the assessment periods HQ holds, retired ones too, by start
// date, then kind and id.
func (s *Store) Periods(ctx context.Context) ([]PeriodState, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT payload, deleted FROM rows WHERE entity = ?`, kaohe.EntPeriod)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []PeriodState
	for rows.Next() {
		var p string
		var ps PeriodState
		if err := rows.Scan(&p, &ps.Retired); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(p), &ps.Period); err != nil {
			return nil, err
		}
		out = append(out, ps)
	}
	slices.SortFunc(out, func(a, b PeriodState) int {
		if c := a.Start.Compare(b.Start); c != 0 {
			return c
		}
		return strings.Compare(string(a.Kind)+a.ID, string(b.Kind)+b.ID)
	})
	return out, rows.Err()
}

// PublishPeriods publishes assessment periods to every showroom as HQ's
// reference data, periods of years before this HQ started too: a
// showroom's assessments of them, which waited (kaohe.EAWAIT), then come
// in at its next sync. They go through HQ's one accepting path (Push, as
// HQ's administrator), so the period's rule is the one every change meets.
// A period HQ holds already is left as it is, a retired one too; added
// are the ones published now.
func (s *Store) PublishPeriods(ctx context.Context, ps []kaohe.Period) (added []kaohe.Period, err error) {
	held, err := s.Periods(ctx)
	if err != nil {
		return nil, err
	}
	have := map[string]bool{}
	for _, p := range held {
		have[p.ID] = true
	}
	var changes []protocol.Change
	var fresh []kaohe.Period
	for _, p := range ps {
		if err := p.Validate(); err != nil {
			return nil, err
		}
		if have[p.ID] {
			continue
		}
		have[p.ID] = true
		payload, err := json.Marshal(p)
		if err != nil {
			return nil, err
		}
		changes = append(changes, protocol.Change{ID: uuid.Must(uuid.NewV7()).String(), Entity: kaohe.EntPeriod, RowID: p.ID, Op: "upsert",
			Payload: payload, At: s.stamp()})
		fresh = append(fresh, p)
	}
	if len(changes) == 0 {
		return nil, nil
	}
	res, err := s.Push(ctx, Credential{ID: "admin", Kind: KindHQ, Name: "admin"}, changes)
	if err != nil {
		return nil, err
	}
	for i, r := range res {
		if r.Status == protocol.Refused {
			return added, kaohe.Errorf(r.Code, "err.hq_refused", "Status", fresh[i].ID, "Detail", r.Message)
		}
		added = append(added, fresh[i])
	}
	return added, nil
}
