package hq

import (
	"context"
	"encoding/json"
	"strconv"

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
