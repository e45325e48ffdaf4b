package store

import (
	"encoding/json"
	"testing"

	"kaohe/internal/kaohe"
)

// A reward or a research record saved again under its id for another
// manager is stored as queued: the row and the change HQ receives name
// the same manager (before, the row kept the first one while the change
// named the second).
func TestRecordSavedForAnotherManagerIsStoredAsQueued(t *testing.T) {
	s := newStore(t)
	m := addManager(t, s, "D001", "王堃", kaohe.Level1, kaohe.EduBachelor)
	other := addManager(t, s, "D002", "李喆", kaohe.Level1, kaohe.EduBachelor)
	var rp kaohe.RewardPenalty
	var mr kaohe.MarketResearch
	for _, who := range []string{m.ID, other.ID} {
		if err := s.Update(ctx, "test", func(tx *Tx) error {
			var err error
			if rp, err = tx.SaveRewardPenalty(kaohe.RewardPenalty{ID: rp.ID, ManagerID: who, Type: kaohe.RewardBonus, Amount: 2000,
				Reason: "季度销售第一", Date: kaohe.D(2026, 4, 1), DecidedBy: "王经理"}); err != nil {
				return err
			}
			mr, err = tx.SaveResearch(kaohe.MarketResearch{ID: mr.ID, ManagerID: who, Kind: kaohe.ResearchProject, Date: kaohe.D(2026, 3, 1),
				Subject: "万科城三期", PricePerM2: 42000, Units: 800, Delivery: kaohe.D(2027, 6, 30), SalesStatus: "已售七成", Decoration: "精装"})
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct{ entity, table, id string }{{"reward", "rewards", rp.ID}, {"market_research", "market_research", mr.ID}} {
		if n := count(t, s, `SELECT count(*) FROM `+c.table+` WHERE id = ? AND manager_id = ?`, c.id, other.ID); n != 1 {
			t.Errorf("%s: the stored row does not name the manager it was saved for", c.table)
		}
		var payload string
		if err := s.r.QueryRowContext(ctx, `SELECT payload FROM outbox WHERE entity = ? AND row_id = ? ORDER BY seq DESC LIMIT 1`, c.entity, c.id).Scan(&payload); err != nil {
			t.Fatal(err)
		}
		var queued struct {
			ManagerID string `json:"manager_id"`
		}
		if err := json.Unmarshal([]byte(payload), &queued); err != nil {
			t.Fatal(err)
		}
		if queued.ManagerID != other.ID {
			t.Errorf("%s: the queued change names %q; want %q", c.entity, queued.ManagerID, other.ID)
		}
	}
}
