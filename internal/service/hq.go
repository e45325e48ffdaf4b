package service

import (
	"context"

	"kaohe/internal/kaohe"
	"kaohe/internal/store"
)

// IsHQ reports whether this database is HQ's replica (the review group's app).
func (s *Service) IsHQ(ctx context.Context) bool {
	role, _ := s.Store.Role(ctx)
	return role == store.RoleHQ
}

// ReviewQueue lists every application under review with its applicant and
// showroom, who waited longest first. What the group reads of one item when
// it is shown — the report's text, the applicant's assessments and training
// hours — is ReviewDetail's: over every showroom it is tens of megabytes
// and most of the queue's reading time, for a list that shows none of it
// (App.Report is "", Assessments and TrainingHours are nil).
func (s *Service) ReviewQueue(ctx context.Context) ([]kaohe.ReviewItem, error) {
	if err := s.seeAll(); err != nil {
		return nil, err
	}
	apps, err := s.Store.ApplicationsBrief(ctx, "")
	if err != nil {
		return nil, err
	}
	var queue []kaohe.ApplicationView
	for _, a := range apps {
		if underReview(a.Review.State) {
			queue = append(queue, a)
		}
	}
	if len(queue) == 0 {
		return nil, nil
	}
	rooms, err := s.showroomsByID(ctx)
	if err != nil {
		return nil, err
	}
	// Every manager in one read (kept by the store until a write), not one
	// per application: HQ holds 10,000 people.
	ms, err := s.Store.ListManagers(ctx, kaohe.ManagerFilter{})
	if err != nil {
		return nil, err
	}
	managers := make(map[string]kaohe.ManagerLevel, len(ms))
	for _, m := range ms {
		managers[m.ID] = m
	}
	out := make([]kaohe.ReviewItem, 0, len(queue))
	for _, a := range queue {
		m, ok := managers[a.ManagerID]
		if !ok {
			continue // deleted since
		}
		out = append(out, kaohe.ReviewItem{App: a, Manager: m, Showroom: rooms[m.ShowroomID]})
	}
	kaohe.SortQueue(out)
	return out, nil
}

// underReview reports whether an application in this state is in the
// review group's queue.
func underReview(st kaohe.AppState) bool {
	switch st {
	case kaohe.AppSubmitted, kaohe.AppExam, kaohe.AppSecond, kaohe.AppProbation:
		return true
	}
	return false
}

func (s *Service) showroomsByID(ctx context.Context) (map[string]kaohe.Showroom, error) {
	srs, err := s.Store.Showrooms(ctx)
	rooms := make(map[string]kaohe.Showroom, len(srs))
	for _, sr := range srs {
		rooms[sr.ID] = sr
	}
	return rooms, err
}

// ReviewDetail is one application with everything the review group reads
// to decide: its report, the applicant, their showroom, assessment history
// and this year's training hours.
func (s *Service) ReviewDetail(ctx context.Context, appID string) (kaohe.ReviewItem, error) {
	var it kaohe.ReviewItem
	if err := s.seeAll(); err != nil {
		return it, err
	}
	var err error
	if it.App, err = s.Store.Application(ctx, appID); err != nil {
		return it, err
	}
	if it.Manager, err = s.Store.Manager(ctx, it.App.ManagerID); err != nil {
		return it, err
	}
	rooms, err := s.showroomsByID(ctx)
	if err != nil {
		return it, err
	}
	it.Showroom = rooms[it.Manager.ShowroomID]
	if it.Assessments, err = s.Store.Assessments(ctx, store.AssessmentFilter{ManagerID: it.Manager.ID}); err != nil {
		return it, err
	}
	it.TrainingHours, err = s.Store.TrainingHoursOf(ctx, it.Manager.ID, s.Today().Year)
	return it, err
}

// RecordDecision records a review-group decision (HQ mode): the members
// present decide, the signed-in reviewer enters it.
func (s *Service) RecordDecision(ctx context.Context, actor kaohe.Actor, d kaohe.Decision) (kaohe.ApplicationView, error) {
	var v kaohe.ApplicationView
	if err := s.allow(actor, kaohe.PermReview); err != nil {
		return v, err
	}
	d.EnteredBy = actor.String()
	err := s.update(ctx, actor, func(tx *store.Tx) error {
		var err error
		v, err = tx.RecordDecision(d)
		return err
	})
	return v, err
}

// DecideExemption approves or refuses an education exemption (HQ mode).
func (s *Service) DecideExemption(ctx context.Context, actor kaohe.Actor, e kaohe.Exemption) error {
	if err := s.allow(actor, kaohe.PermReview); err != nil {
		return err
	}
	return s.update(ctx, actor, func(tx *store.Tx) error {
		_, err := tx.DecideExemption(e)
		return err
	})
}

// ReviewMembers lists the review group.
func (s *Service) ReviewMembers(ctx context.Context) ([]kaohe.ReviewMember, error) {
	return s.Store.ReviewMembers(ctx)
}

// SaveReviewMember adds or edits a review-group member (HQ mode).
func (s *Service) SaveReviewMember(ctx context.Context, actor kaohe.Actor, m kaohe.ReviewMember) error {
	if err := s.allow(actor, kaohe.PermReference); err != nil {
		return err
	}
	return s.update(ctx, actor, func(tx *store.Tx) error {
		_, err := tx.PutReviewMember(m)
		return err
	})
}

// SaveLevels saves the level reference data (HQ mode: enabling levels 4–5).
func (s *Service) SaveLevels(ctx context.Context, actor kaohe.Actor, ls kaohe.Levels) error {
	if err := s.allow(actor, kaohe.PermReference); err != nil {
		return err
	}
	return s.update(ctx, actor, func(tx *store.Tx) error { return tx.PutLevels(ls) })
}

// CurrentTemplate returns the template new assessments use.
func (s *Service) CurrentTemplate(ctx context.Context) (kaohe.Template, error) {
	return s.Store.CurrentTemplate(ctx)
}

// SaveTemplate stores a new template version and makes it current (HQ
// mode); finished assessments keep theirs.
func (s *Service) SaveTemplate(ctx context.Context, actor kaohe.Actor, t kaohe.Template) error {
	if err := s.allow(actor, kaohe.PermReference); err != nil {
		return err
	}
	return s.update(ctx, actor, func(tx *store.Tx) error { return tx.PutTemplate(t, true) })
}

// Retire withdraws a period or a review-group member from use (HQ mode);
// its history stays in the audit trail.
func (s *Service) Retire(ctx context.Context, actor kaohe.Actor, entity, id string) error {
	if err := s.allow(actor, kaohe.PermReference); err != nil {
		return err
	}
	return s.update(ctx, actor, func(tx *store.Tx) error { return tx.Retire(entity, id) })
}

// History is the audit trail of one piece of reference data, newest first.
func (s *Service) History(ctx context.Context, entity, id string) ([]kaohe.HistoryEntry, error) {
	es, err := s.Store.Audit(ctx, entity, id, 50)
	out := make([]kaohe.HistoryEntry, len(es))
	for i, e := range es {
		out[i] = kaohe.HistoryEntry{At: e.At, Actor: e.Actor, Action: e.Action}
	}
	return out, err
}

// SavePeriod adds or edits an assessment period (HQ mode).
func (s *Service) SavePeriod(ctx context.Context, actor kaohe.Actor, p kaohe.Period) error {
	if err := s.allow(actor, kaohe.PermReference); err != nil {
		return err
	}
	return s.update(ctx, actor, func(tx *store.Tx) error { return tx.PutPeriod(p) })
}

// FilingQueue lists submitted level-1 assessments not yet filed (HQ mode):
// level-1 managers are assessed by their showroom manager and filed at HQ.
func (s *Service) FilingQueue(ctx context.Context) ([]kaohe.FilingItem, error) {
	if err := s.seeAll(); err != nil {
		return nil, err
	}
	// What waits, with only what the queue shows: tens of thousands over
	// every showroom.
	as, err := s.Store.Unfiled(ctx)
	if err != nil {
		return nil, err
	}
	rooms := map[string]kaohe.Showroom{}
	srs, _ := s.Store.Showrooms(ctx)
	for _, sr := range srs {
		rooms[sr.ID] = sr
	}
	// Every manager read once, not one query per assessment: HQ holds
	// every showroom's.
	ms, err := s.Store.ListManagers(ctx, kaohe.ManagerFilter{})
	if err != nil {
		return nil, err
	}
	byID := make(map[string]kaohe.ManagerLevel, len(ms))
	for _, m := range ms {
		byID[m.ID] = m
	}
	out := make([]kaohe.FilingItem, 0, len(as)) // tens of thousands of items: no regrowing
	for _, a := range as {
		m, ok := byID[a.ManagerID]
		if !ok || m.Level != kaohe.Level1 {
			continue
		}
		out = append(out, kaohe.FilingItem{Assessment: a, Manager: m, Showroom: rooms[m.ShowroomID]})
	}
	return out, nil
}

// FileAssessments files assessments in one transaction (HQ mode).
func (s *Service) FileAssessments(ctx context.Context, actor kaohe.Actor, ids []string) error {
	if err := s.allow(actor, kaohe.PermReview); err != nil {
		return err
	}
	return s.update(ctx, actor, func(tx *store.Tx) error {
		for _, id := range ids {
			if _, err := tx.FileAssessment(kaohe.Filing{AssessmentID: id, Date: s.Today(), FiledBy: actor.String()}); err != nil {
				return err
			}
		}
		return nil
	})
}

// Showrooms lists the showrooms this database knows (all of them at HQ).
func (s *Service) Showrooms(ctx context.Context) ([]kaohe.Showroom, error) {
	return s.Store.Showrooms(ctx)
}
