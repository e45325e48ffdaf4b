// Package service is what the window does, one call per user action: each
// reads or writes through the store in one transaction and answers with
// domain values, so the UI never sees the database. HQ mode and sync add
// their own calls here as they arrive.
package service

import (
	"context"
	"io"
	"sort"
	"time"

	"kaohe/internal/documents"
	"kaohe/internal/kaohe"
	"kaohe/internal/store"
)

// Service serves one database.
type Service struct {
	Store     *store.Store
	Documents *documents.Maker
	BackupDir string
	// Now is the clock; tests replace it. By default it is the store's
	// (Store.Now), so that the service's day (an HQ filing's date, the
	// year of training hours) and the store's checks keep one calendar.
	Now func() time.Time
	// Sleep waits out a wrong password's delay; tests replace it (nil: wait).
	Sleep func(time.Duration)

	// App names the running program, for updates from HQ (update.go).
	App AppInfo

	sync    syncer
	updates updates
	sess    session
}

// New returns a service over s.
func New(s *store.Store, backupDir string) *Service {
	return &Service{Store: s, Documents: &documents.Maker{Store: s, Lang: kaohe.LangZh}, BackupDir: backupDir,
		Now: func() time.Time { return s.Now() }}
}

// Today is the current day, the policy's (kaohe.Today) as HQ's.
func (s *Service) Today() kaohe.Date { return kaohe.Today(s.Now()) }

// Showroom returns this database's showroom.
func (s *Service) Showroom(ctx context.Context) (kaohe.Showroom, error) { return s.Store.Showroom(ctx) }

// Levels returns the level reference data.
func (s *Service) Levels(ctx context.Context) (kaohe.Levels, error) { return s.Store.Levels(ctx) }

// ListManagers lists managers.
func (s *Service) ListManagers(ctx context.Context, f kaohe.ManagerFilter) ([]kaohe.ManagerLevel, error) {
	v, err := s.viewer()
	if err != nil {
		return nil, err
	}
	ms, err := s.Store.ListManagers(ctx, f)
	if err != nil || v.Role.Can(kaohe.PermSeeAll) {
		return ms, err
	}
	var own []kaohe.ManagerLevel // a customer manager sees only their own record
	for _, m := range ms {
		if v.ManagerID != "" && m.ID == v.ManagerID {
			own = append(own, m)
		}
	}
	return own, nil
}

// scope is the manager whose records a list read shows: managerID ("" for
// all) for a viewer who sees everyone, else only the viewer's own.
func (s *Service) scope(managerID string) (string, error) {
	v, err := s.viewer()
	if err != nil {
		return "", err
	}
	if v.Role.Can(kaohe.PermSeeAll) {
		return managerID, nil
	}
	if managerID == "" {
		if v.ManagerID == "" {
			return "\x00none", nil // no manager record: nothing to show
		}
		return v.ManagerID, nil
	}
	return managerID, v.MayFor(kaohe.PermSeeAll, kaohe.PermApplyOwn, managerID)
}

// CreateManager adds a manager at a level.
func (s *Service) CreateManager(ctx context.Context, actor kaohe.Actor, m kaohe.Manager, level kaohe.Level) (kaohe.Manager, error) {
	if err := s.allow(actor, kaohe.PermRoster); err != nil {
		return m, err
	}
	err := s.update(ctx, actor, func(tx *store.Tx) error {
		var err error
		m, err = tx.CreateManager(m, level, kaohe.Date{})
		return err
	})
	return m, err
}

// UpdateManager saves a changed profile (including leaving: status left).
func (s *Service) UpdateManager(ctx context.Context, actor kaohe.Actor, m kaohe.Manager) (kaohe.Manager, error) {
	if err := s.allow(actor, kaohe.PermRoster); err != nil {
		return m, err
	}
	err := s.update(ctx, actor, func(tx *store.Tx) error {
		var err error
		m, err = tx.UpdateManager(m)
		return err
	})
	return m, err
}

// DeleteManager tombstones a manager entered by mistake.
func (s *Service) DeleteManager(ctx context.Context, actor kaohe.Actor, id string) error {
	if err := s.allow(actor, kaohe.PermRoster); err != nil {
		return err
	}
	return s.update(ctx, actor, func(tx *store.Tx) error { return tx.DeleteManager(id) })
}

// Profile gathers everything about one manager.
func (s *Service) Profile(ctx context.Context, id string) (kaohe.Profile, error) {
	var p kaohe.Profile
	if err := s.seeFor(id); err != nil {
		return p, err
	}
	var err error
	if p.ManagerLevel, err = s.Store.Manager(ctx, id); err != nil {
		return p, err
	}
	if p.LevelHistory, err = s.Store.LevelHistory(ctx, id); err != nil {
		return p, err
	}
	if p.Assessments, err = s.Store.Assessments(ctx, store.AssessmentFilter{ManagerID: id}); err != nil {
		return p, err
	}
	if p.Applications, err = s.Store.Applications(ctx, id); err != nil {
		return p, err
	}
	if p.Trainings, err = s.Store.AttendanceOf(ctx, id); err != nil {
		return p, err
	}
	if p.Rewards, err = s.Store.RewardsPenalties(ctx, id); err != nil {
		return p, err
	}
	p.Certificates, err = s.Store.Certificates(ctx, id)
	return p, err
}

// Periods returns the assessment periods, latest first.
func (s *Service) Periods(ctx context.Context) ([]kaohe.Period, error) { return s.Store.Periods(ctx) }

// LevelHistories returns every manager's level changes, by manager id; a
// customer manager gets only their own, as ListManagers lists them.
func (s *Service) LevelHistories(ctx context.Context) (map[string][]kaohe.LevelChange, error) {
	v, err := s.viewer()
	if err != nil {
		return nil, err
	}
	hs, err := s.Store.LevelHistories(ctx)
	if err != nil || v.Role.Can(kaohe.PermSeeAll) {
		return hs, err
	}
	own := map[string][]kaohe.LevelChange{}
	if v.ManagerID != "" && hs[v.ManagerID] != nil {
		own[v.ManagerID] = hs[v.ManagerID]
	}
	return own, nil
}

// TemplateFor returns the template an assessment is scored with: its own
// version once it has one, else the current template.
func (s *Service) TemplateFor(ctx context.Context, a kaohe.Assessment) (kaohe.Template, error) {
	if a.TemplateID != "" {
		return s.Store.Template(ctx, a.TemplateID, a.TemplateVersion)
	}
	return s.Store.CurrentTemplate(ctx)
}

// Assessment returns a manager's assessment of a period, or a new draft.
func (s *Service) Assessment(ctx context.Context, managerID, periodID string) (kaohe.Assessment, error) {
	if err := s.seeFor(managerID); err != nil {
		return kaohe.Assessment{}, err
	}
	as, err := s.Store.Assessments(ctx, store.AssessmentFilter{ManagerID: managerID, PeriodID: periodID})
	if err != nil || len(as) > 0 {
		if len(as) > 0 {
			return as[0], nil
		}
		return kaohe.Assessment{}, err
	}
	return kaohe.Assessment{ManagerID: managerID, PeriodID: periodID, Status: kaohe.AssessDraft, Scores: kaohe.Scores{}}, nil
}

// SaveAssessment saves a draft, or submits it.
// The assessor is the account that saves it; nobody assesses themselves.
func (s *Service) SaveAssessment(ctx context.Context, actor kaohe.Actor, a kaohe.Assessment, submit bool) (kaohe.Assessment, error) {
	if err := s.allow(actor, kaohe.PermAssess); err != nil {
		return a, err
	}
	if err := kaohe.CheckAssessor(actor, a.ManagerID); err != nil {
		return a, err
	}
	a.Assessor = actor.String()
	err := s.update(ctx, actor, func(tx *store.Tx) error {
		var err error
		a, err = tx.SaveAssessment(a, submit)
		return err
	})
	return a, err
}

// PlanCompletion is the sales completion of a manager over a period, which
// suggests the plan-completion score.
func (s *Service) PlanCompletion(ctx context.Context, managerID, periodID string) (kaohe.Completion, error) {
	if err := s.seeFor(managerID); err != nil {
		return kaohe.Completion{}, err
	}
	p, err := s.Store.Period(ctx, periodID)
	if err != nil {
		return kaohe.Completion{}, err
	}
	return s.Store.PeriodCompletion(ctx, managerID, kaohe.MetricSales, p)
}

// Applications returns a manager's applications (all when ""), newest first.
func (s *Service) Applications(ctx context.Context, managerID string) ([]kaohe.ApplicationView, error) {
	managerID, err := s.scope(managerID)
	if err != nil {
		return nil, err
	}
	return s.Store.Applications(ctx, managerID)
}

// SaveApplication saves a draft application.
// A customer manager writes only their own.
func (s *Service) SaveApplication(ctx context.Context, actor kaohe.Actor, a kaohe.Application) (kaohe.Application, error) {
	if err := s.mayApply(ctx, actor, a); err != nil {
		return a, err
	}
	err := s.update(ctx, actor, func(tx *store.Tx) error {
		var err error
		a, err = tx.SaveApplication(a)
		return err
	})
	return a, err
}

// mayApply checks the actor may write the application: anyone's with the
// permission, else only one's own, as stored and as sent.
func (s *Service) mayApply(ctx context.Context, actor kaohe.Actor, a kaohe.Application) error {
	if a.ID != "" {
		old, err := s.Store.Application(ctx, a.ID)
		if err != nil && kaohe.ErrorCode(err) != kaohe.ENOTFOUND {
			return err
		}
		if err == nil {
			if err := s.allowFor(actor, kaohe.PermApplyOthers, kaohe.PermApplyOwn, old.ManagerID); err != nil {
				return err
			}
		}
	}
	return s.allowFor(actor, kaohe.PermApplyOthers, kaohe.PermApplyOwn, a.ManagerID)
}

// SaveAndSubmitApplication saves the materials and submits them today in
// one transaction: when the policy refuses the submission nothing is saved,
// so a refused first submission leaves no draft behind.
func (s *Service) SaveAndSubmitApplication(ctx context.Context, actor kaohe.Actor, a kaohe.Application) (kaohe.ApplicationView, error) {
	var v kaohe.ApplicationView
	if err := s.mayApply(ctx, actor, a); err != nil {
		return v, err
	}
	err := s.update(ctx, actor, func(tx *store.Tx) error {
		saved, err := tx.SaveApplication(a)
		if err != nil {
			return err
		}
		v, err = tx.SubmitApplication(saved.ID, s.Today())
		return err
	})
	return v, err
}

// SubmitApplication submits a saved application today.
func (s *Service) SubmitApplication(ctx context.Context, actor kaohe.Actor, id string) (kaohe.ApplicationView, error) {
	var v kaohe.ApplicationView
	old, err := s.Store.Application(ctx, id)
	if err != nil {
		return v, err
	}
	if err := s.allowFor(actor, kaohe.PermApplyOthers, kaohe.PermApplyOwn, old.ManagerID); err != nil {
		return v, err
	}
	err = s.update(ctx, actor, func(tx *store.Tx) error {
		var err error
		v, err = tx.SubmitApplication(id, s.Today())
		return err
	})
	return v, err
}

// Dashboard gathers the dashboard.
func (s *Service) Dashboard(ctx context.Context) (kaohe.Dashboard, error) {
	d := kaohe.Dashboard{Headcount: map[kaohe.Level]int{}}
	if err := s.seeAll(); err != nil {
		return d, err
	}
	today := s.Today()
	var err error
	if d.Showroom, err = s.Store.Showroom(ctx); err != nil && kaohe.ErrorCode(err) != kaohe.ENOTFOUND {
		return d, err
	}
	ms, err := s.Store.ListManagers(ctx, kaohe.ManagerFilter{Status: kaohe.StatusActive})
	if err != nil {
		return d, err
	}
	byID := map[string]kaohe.ManagerLevel{}
	for _, m := range ms {
		d.Headcount[m.Level]++
		byID[m.ID] = m
	}
	apps, err := s.Store.Applications(ctx, "")
	if err != nil {
		return d, err
	}
	for _, a := range apps {
		m, ok := byID[a.ManagerID]
		if !ok || a.Review.State.Terminal() || a.Review.State == kaohe.AppDraft {
			continue
		}
		d.Pending = append(d.Pending, kaohe.PendingApplication{Manager: m, App: a})
		if a.Review.State == kaohe.AppProbation && !a.Review.ProbationEnd.After(today.AddDays(30)) {
			d.ProbationsEnding = append(d.ProbationsEnding, kaohe.PendingApplication{Manager: m, App: a})
		}
	}
	sort.Slice(d.ProbationsEnding, func(i, j int) bool {
		return d.ProbationsEnding[i].App.Review.ProbationEnd.Before(d.ProbationsEnding[j].App.Review.ProbationEnd)
	})
	if d.TrainingHours, err = s.Store.TrainingHoursOf(ctx, "", today.Year); err != nil {
		return d, err
	}
	periods, err := s.Store.Periods(ctx)
	if err != nil {
		return d, err
	}
	// The latest ended period with graded assessments (a period just ended
	// whose assessments are still drafts would show only zeros); failing
	// that, the latest ended period.
	var as []kaohe.Assessment
	for _, p := range periods {
		if !p.End.Before(today) {
			continue
		}
		pas, err := s.Store.Assessments(ctx, store.AssessmentFilter{PeriodID: p.ID})
		if err != nil {
			return d, err
		}
		if d.LastPeriod.ID == "" {
			d.LastPeriod, as = p, pas
		}
		if n, _ := kaohe.TallyGrades(pas); n > 0 {
			d.LastPeriod, as = p, pas
			break
		}
	}
	if d.LastPeriod.ID != "" {
		tpl, err := s.Store.CurrentTemplate(ctx)
		if err == nil && len(as) > 0 {
			tpl, err = s.Store.Template(ctx, as[0].TemplateID, as[0].TemplateVersion)
		}
		if err != nil {
			return d, err
		}
		_, counts := kaohe.TallyGrades(as) // as HQ's report counts them
		for _, g := range tpl.Grades {
			d.Grades = append(d.Grades, kaohe.GradeCount{Grade: g, Count: counts[g.Code]})
		}
	}
	d.PendingChanges, err = s.Store.PendingCount(ctx)
	return d, err
}

// update runs a write and asks the background sync to send it soon.
func (s *Service) update(ctx context.Context, actor kaohe.Actor, fn func(*store.Tx) error) error {
	err := s.Store.UpdateAs(ctx, actor, fn)
	if err == nil {
		s.KickSync()
	}
	return err
}

// SetLanguage sets the language of the documents made from now on.
func (s *Service) SetLanguage(l kaohe.Lang) { s.Documents.Lang = l }

// CertificatePDF writes the manager's latest certificate to path and logs
// the print (a reprint is marked 副本) with the account that printed it.
func (s *Service) CertificatePDF(ctx context.Context, actor kaohe.Actor, employeeNo, path string) error {
	if err := s.docFor(actor, employeeNo); err != nil {
		return err
	}
	return documents.WriteFile(path, func(w io.Writer) error {
		_, err := s.Documents.Certificate(ctx, w, actor.String(), employeeNo)
		return err
	})
}

// ReportPDF writes an assessment report to path.
func (s *Service) ReportPDF(ctx context.Context, employeeNo, periodID, path string) error {
	if err := s.docOf(ctx, employeeNo); err != nil {
		return err
	}
	return documents.WriteFile(path, func(w io.Writer) error { return s.Documents.Report(ctx, w, employeeNo, periodID) })
}

// ApplicationPDF writes the manager's latest application form to path.
func (s *Service) ApplicationPDF(ctx context.Context, employeeNo, path string) error {
	if err := s.docOf(ctx, employeeNo); err != nil {
		return err
	}
	return documents.WriteFile(path, func(w io.Writer) error { return s.Documents.Application(ctx, w, employeeNo) })
}

// SummaryPDF writes the showroom summary of a period to path.
func (s *Service) SummaryPDF(ctx context.Context, periodID, path string) error {
	if err := s.docOf(ctx, ""); err != nil {
		return err
	}
	return documents.WriteFile(path, func(w io.Writer) error { return s.Documents.Summary(ctx, w, periodID) })
}

// ReportsPDF writes every assessment report of a period into dir.
func (s *Service) ReportsPDF(ctx context.Context, dir, periodID string, progress func(done, total int)) ([]string, error) {
	if err := s.docOf(ctx, ""); err != nil {
		return nil, err
	}
	return s.Documents.Reports(ctx, dir, periodID, progress)
}

// docOf checks the viewer may print the documents of the manager with the
// employee number ("": of everyone).
func (s *Service) docOf(ctx context.Context, employeeNo string) error {
	v, err := s.viewer()
	if err != nil || v.Role.Can(kaohe.PermDocuments) {
		return err
	}
	if employeeNo == "" || employeeNo != v.EmployeeNo || v.ManagerID == "" {
		return kaohe.Forbidden(v.Role, kaohe.PermDocuments)
	}
	return nil
}

// docFor is docOf for a write (a print is logged) by actor.
func (s *Service) docFor(actor kaohe.Actor, employeeNo string) error {
	if err := s.current(actor); err != nil {
		return err
	}
	if actor.Role.Can(kaohe.PermDocuments) || (actor.ManagerID != "" && employeeNo == actor.EmployeeNo) {
		return nil
	}
	return kaohe.Forbidden(actor.Role, kaohe.PermDocuments)
}

// Backups lists the local backups, newest first.
func (s *Service) Backups() ([]kaohe.Backup, error) {
	list, err := store.ListBackups(s.BackupDir)
	out := make([]kaohe.Backup, len(list))
	for i, b := range list {
		out[i] = kaohe.Backup{Path: b.Path, Time: b.Time, Size: b.Size}
	}
	return out, err
}

// BackupNow makes a backup.
func (s *Service) BackupNow(ctx context.Context) (kaohe.Backup, error) {
	b, err := s.Store.Backup(ctx, s.BackupDir, BackupKeep)
	return kaohe.Backup{Path: b.Path, Time: b.Time, Size: b.Size}, err
}

// BackupKeep is how many backups are kept.
const BackupKeep = 30

// Restore replaces the data with a backup while the app runs, in place
// (the store stays the same, so nothing holds a closed one): the sync is
// stopped first and started again on the restored data, whose next sync
// recovers from HQ what the backup lacks. See store.RestoreFrom for what is
// checked and kept.
func (s *Service) Restore(ctx context.Context, backupPath string) error {
	v, err := s.viewer()
	if err != nil {
		return err
	}
	if err := v.May(kaohe.PermBackup); err != nil {
		return err
	}
	resume := s.pauseSync() // no sync may run while the data is replaced
	defer resume()
	_, err = s.Store.RestoreFrom(ctx, backupPath, s.BackupDir)
	return err
}

// Figures returns a manager's monthly targets and actuals of a metric and year.
func (s *Service) Figures(ctx context.Context, managerID, metric string, year int) (targets, actuals kaohe.Months, err error) {
	if err := s.seeFor(managerID); err != nil {
		return targets, actuals, err
	}
	return s.Store.Figures(ctx, managerID, metric, year)
}

// Target returns a manager's annual target with the weights it was split by.
func (s *Service) Target(ctx context.Context, managerID, metric string, year int) (kaohe.Target, error) {
	if err := s.seeFor(managerID); err != nil {
		return kaohe.Target{}, err
	}
	return s.Store.Target(ctx, managerID, metric, year)
}

// SetTarget sets an annual target, split evenly (weights nil) or seasonally.
func (s *Service) SetTarget(ctx context.Context, actor kaohe.Actor, managerID, metric string, year int, annual int64, weights []float64) (kaohe.Target, error) {
	var t kaohe.Target
	if err := s.allow(actor, kaohe.PermFigures); err != nil {
		return t, err
	}
	err := s.update(ctx, actor, func(tx *store.Tx) error {
		var err error
		t, err = tx.SetTarget(managerID, metric, year, annual, weights)
		return err
	})
	return t, err
}

// SetActuals records several months' actual figures in one transaction.
func (s *Service) SetActuals(ctx context.Context, actor kaohe.Actor, managerID, metric string, year int, values map[int]int64) error {
	if err := s.allow(actor, kaohe.PermFigures); err != nil {
		return err
	}
	return s.update(ctx, actor, func(tx *store.Tx) error {
		for m := 1; m <= 12; m++ {
			if v, ok := values[m]; ok {
				if _, err := tx.SetActual(managerID, metric, year, m, v); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// Trainings returns the training sessions, latest first.
func (s *Service) Trainings(ctx context.Context) ([]kaohe.Training, error) {
	return s.Store.Trainings(ctx)
}

// SaveTraining creates or updates a training session.
func (s *Service) SaveTraining(ctx context.Context, actor kaohe.Actor, t kaohe.Training) (kaohe.Training, error) {
	if err := s.allow(actor, kaohe.PermTraining); err != nil {
		return t, err
	}
	err := s.update(ctx, actor, func(tx *store.Tx) error {
		var err error
		t, err = tx.SaveTraining(t)
		return err
	})
	return t, err
}

// Attendance returns a training's attendance.
func (s *Service) Attendance(ctx context.Context, trainingID string) ([]kaohe.Attendance, error) {
	mid, err := s.scope("")
	if err != nil {
		return nil, err
	}
	as, err := s.Store.AttendanceOfTraining(ctx, trainingID)
	if err != nil || mid == "" {
		return as, err
	}
	var own []kaohe.Attendance
	for _, a := range as {
		if a.ManagerID == mid {
			own = append(own, a)
		}
	}
	return own, nil
}

// RecordAttendance records several participants' results in one transaction.
func (s *Service) RecordAttendance(ctx context.Context, actor kaohe.Actor, as []kaohe.Attendance) error {
	if err := s.allow(actor, kaohe.PermTraining); err != nil {
		return err
	}
	return s.update(ctx, actor, func(tx *store.Tx) error {
		for _, a := range as {
			if _, err := tx.RecordAttendance(a); err != nil {
				return err
			}
		}
		return nil
	})
}

// RewardsPenalties returns the records of a manager (all when "").
func (s *Service) RewardsPenalties(ctx context.Context, managerID string) ([]kaohe.RewardPenalty, error) {
	managerID, err := s.scope(managerID)
	if err != nil {
		return nil, err
	}
	return s.Store.RewardsPenalties(ctx, managerID)
}

// SaveRewardPenalty records a reward or penalty.
func (s *Service) SaveRewardPenalty(ctx context.Context, actor kaohe.Actor, r kaohe.RewardPenalty) (kaohe.RewardPenalty, error) {
	if err := s.allow(actor, kaohe.PermRewards); err != nil {
		return r, err
	}
	err := s.update(ctx, actor, func(tx *store.Tx) error {
		var err error
		r, err = tx.SaveRewardPenalty(r)
		return err
	})
	return r, err
}

// Research returns market research records of a manager (all when "").
func (s *Service) Research(ctx context.Context, managerID string) ([]kaohe.MarketResearch, error) {
	managerID, err := s.scope(managerID)
	if err != nil {
		return nil, err
	}
	return s.Store.Research(ctx, managerID)
}

// SaveResearch saves a market research record.
func (s *Service) SaveResearch(ctx context.Context, actor kaohe.Actor, r kaohe.MarketResearch) (kaohe.MarketResearch, error) {
	if err := s.allow(actor, kaohe.PermResearch); err != nil {
		return r, err
	}
	err := s.update(ctx, actor, func(tx *store.Tx) error {
		var err error
		r, err = tx.SaveResearch(r)
		return err
	})
	return r, err
}
