package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"kaohe/internal/kaohe"
	"kaohe/internal/store"
	"kaohe/internal/store/hq"
	"kaohe/sync/protocol"
)

// The showroom HQ's demo sets up for the demo showroom.
const (
	HQShowroomCode   = "SH01"
	HQShowroomName   = "上海徐汇旗舰展厅"
	HQShowroomRegion = "华东片区"
)

// HQSummary is what SeedHQ set up: the showroom, its one-time enrollment
// code, and how much HQ took in.
type HQSummary struct {
	Showroom hq.Showroom
	Code     string // one-time enrollment code for the demo showroom
	Summary         // the showroom's demo, as HQ holds it
	Pushed   int    // the showroom's changes HQ applied
	Acts     int    // HQ's own acts (levels, exemptions, decisions) HQ made
}

// SeedHQ seeds an empty HQ with the demo's story as HQ sees it: the demo
// showroom (o: the same options as the showroom's demo) with all the
// showroom has written, the review group's names, and HQ's own acts —
// levels set, exemptions and review decisions on the same dates, a grant
// and its certificate signed with HQ's key. Nothing goes around HQ's rules:
// the showroom's rows arrive as a showroom's push, HQ's decisions as the
// review group's, both judged by the server's one path (Store.Push), and
// levels by Store.RecordLevel. Enrolling the demo showroom (kaohe demo with
// the same options) with the code returned, and syncing, then shows the
// same states at both ends. An HQ that has a showroom already is refused.
func SeedHQ(ctx context.Context, h *hq.Store, o Options) (HQSummary, error) {
	var out HQSummary
	srs, err := h.Showrooms(ctx)
	if err != nil {
		return out, err
	}
	if len(srs) > 0 {
		return out, kaohe.Errorf(kaohe.ECONFLICT, "err.demo_hq_not_empty", "Count", len(srs))
	}
	// The showroom's demo, written in a throw-away database exactly as
	// `kaohe demo` writes it.
	dir, err := os.MkdirTemp("", "kaohe-hq-demo-")
	if err != nil {
		return out, err
	}
	defer os.RemoveAll(dir)
	room, err := store.Open(ctx, filepath.Join(dir, "showroom.db"))
	if err != nil {
		return out, err
	}
	defer room.Close()
	room.Now = h.Now // the showroom's story on HQ's calendar
	if out.Summary, err = Seed(ctx, room, o); err != nil {
		return out, err
	}
	// HQ publishes the periods the demo assesses, those of years before its
	// own first start too: the story's oldest assessments come in with it.
	if _, err := h.PublishPeriods(ctx, Periods(o)); err != nil {
		return out, err
	}
	sr, code, err := h.AddShowroom(ctx, HQShowroomCode, HQShowroomName, HQShowroomRegion)
	if err != nil {
		return out, err
	}
	out.Showroom, out.Code = sr, code
	// Enrolled moves the rows to HQ's id for the showroom, as the real
	// enrollment will.
	local, err := room.Showroom(ctx)
	if err != nil {
		return out, err
	}
	if err := room.Enrolled(ctx, kaohe.Showroom{ID: sr.ID, Code: sr.Code, Name: sr.Name, Region: sr.Region, City: local.City}, "", "", "demo-seed"); err != nil {
		return out, err
	}
	showroom := hq.Credential{ID: "demo-seed", Kind: hq.KindShowroom, ShowroomID: sr.ID, Name: sr.Name}
	reviewGroup := hq.Credential{ID: "demo-review-group", Kind: hq.KindHQ, Name: "演示数据"}

	pending, err := room.PendingChanges(ctx, 1<<30)
	if err != nil {
		return out, err
	}
	// The people and their first levels first; then the levels HQ set
	// before the system (the demo's level-2 and level-3 managers); then
	// the rest, in the order the showroom wrote it. The showroom's accounts
	// are its own: they arrive when it syncs.
	var people, rest []protocol.Change
	for _, c := range pending {
		pc := protocol.Change{ID: c.ID, Entity: c.Entity, RowID: c.RowID, Op: c.Op, Payload: c.Payload, At: c.Created, Version: c.Version}
		switch c.Entity {
		case kaohe.EntAccount:
		case kaohe.EntManager, kaohe.EntLevelAssignment:
			people = append(people, pc)
		default:
			rest = append(rest, pc)
		}
	}
	n, err := push(ctx, h, showroom, people)
	out.Pushed += n
	if err != nil {
		return out, err
	}
	var hqActs []protocol.Change
	for _, a := range out.Summary.HQ {
		if lc, ok := a.Row.(*kaohe.LevelChange); ok && lc.AppID == "" {
			if _, err := h.RecordLevel(ctx, *lc); err != nil {
				return out, fmt.Errorf("demo level %s: %w", lc.ID, err)
			}
			out.Acts++
			continue
		}
		c, err := change(a.Entity, a.Row)
		if err != nil {
			return out, err
		}
		hqActs = append(hqActs, c)
	}
	n, err = push(ctx, h, showroom, rest)
	out.Pushed += n
	if err != nil {
		return out, err
	}
	// HQ signs the grant's certificate with its own key (the first is made
	// now if it has none yet); the review group gets its names, then decides.
	if _, _, _, err := h.SigningKey(ctx); err != nil {
		return out, err
	}
	var names []protocol.Change
	for _, m := range ReviewGroup() {
		c, err := change(kaohe.EntReviewMember, m)
		if err != nil {
			return out, err
		}
		names = append(names, c)
	}
	if _, err := push(ctx, h, reviewGroup, names); err != nil {
		return out, err
	}
	n, err = push(ctx, h, reviewGroup, hqActs)
	out.Acts += n
	return out, err
}

// change is an HQ act as the review group's app sends it.
func change(entity string, row any) (protocol.Change, error) {
	p, err := json.Marshal(row)
	if err != nil {
		return protocol.Change{}, err
	}
	e, err := kaohe.EntityOf(entity)
	if err != nil {
		return protocol.Change{}, err
	}
	r, err := e.Decode(p)
	if err != nil {
		return protocol.Change{}, err
	}
	return protocol.Change{ID: store.NewID(), Entity: entity, RowID: r.ID(), Op: store.OpUpsert, Payload: p}, nil
}

// push sends changes to HQ's one accepting path in batches; any refusal
// is an error: the demo's story is one HQ accepts whole.
func push(ctx context.Context, h *hq.Store, cred hq.Credential, changes []protocol.Change) (int, error) {
	applied := 0
	for len(changes) > 0 {
		b := changes[:min(len(changes), protocol.MaxBatch)]
		changes = changes[len(b):]
		res, err := h.Push(ctx, cred, b)
		if err != nil {
			return applied, err
		}
		for i, r := range res {
			if r.Status == protocol.Refused {
				return applied, fmt.Errorf("demo: HQ refused %s %s: %s", b[i].Entity, b[i].RowID, r.Message)
			}
			applied++
		}
	}
	return applied, nil
}
