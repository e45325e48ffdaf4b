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

// ReviewQueue gathers every application under review, with what the review
// group reads: the applicant, their showroom, assessment history and this
// year's training hours. Earliest stage first.
func (s *Service) ReviewQueue(ctx context.Context) ([]kaohe.ReviewItem, error) {
	if err := s.seeAll(); err != nil {
		return nil, err
	}
	apps, err := s.Store.Applications(ctx, "")
	if err != nil {
		return nil, err
	}
	rooms := map[string]kaohe.Showroom{}
	srs, err := s.Store.Showrooms(ctx)
	if err != nil {
		return nil, err
	}
	for _, sr := range srs {
		rooms[sr.ID] = sr
	}
	order := map[kaohe.AppState]int{kaohe.AppSubmitted: 0, kaohe.AppExam: 1, kaohe.AppSecond: 2, kaohe.AppProbation: 3}
	var out []kaohe.ReviewItem
	for _, a := range apps {
		if _, ok := order[a.Review.State]; !ok {
			continue
		}
		m, err := s.Store.Manager(ctx, a.ManagerID)
		if err != nil {
			continue
		}
		as, err := s.Store.Assessments(ctx, store.AssessmentFilter{ManagerID: m.ID})
		if err != nil {
			return nil, err
		}
		hours, err := s.Store.TrainingHoursOf(ctx, m.ID, s.Today().Year)
		if err != nil {
			return nil, err
		}
		out = append(out, kaohe.ReviewItem{App: a, Manager: m, Showroom: rooms[m.ShowroomID], Assessments: as, TrainingHours: hours})
	}
	kaohe.SortQueue(out)
	return out, nil
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
	as, err := s.Store.Assessments(ctx, store.AssessmentFilter{})
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
	var out []kaohe.FilingItem
	for _, a := range as {
		if a.Status != kaohe.AssessSubmitted {
			continue
		}
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
