package ui

import (
	"context"

	"kaohe/internal/kaohe"
)

// watched is the window's service: every write through it bumps the data
// version, so screens shown again know whether to read again. Reads pass
// straight through.
type watched struct {
	Service
	v *version
}

// bumped records a write of the given kinds (none: of everything, when the
// kinds are not known) and passes its error on.
func (w watched) bumped(err error, kinds ...string) error { w.v.bump(kinds...); return err }

func (w watched) CreateManager(ctx context.Context, actor kaohe.Actor, m kaohe.Manager, level kaohe.Level) (kaohe.Manager, error) {
	r, err := w.Service.CreateManager(ctx, actor, m, level)
	return r, w.bumped(err, managerKinds...)
}
func (w watched) UpdateManager(ctx context.Context, actor kaohe.Actor, m kaohe.Manager) (kaohe.Manager, error) {
	r, err := w.Service.UpdateManager(ctx, actor, m)
	return r, w.bumped(err, managerKinds...)
}
func (w watched) DeleteManager(ctx context.Context, actor kaohe.Actor, id string) error {
	return w.bumped(w.Service.DeleteManager(ctx, actor, id), managerKinds...)
}
func (w watched) SaveAssessment(ctx context.Context, actor kaohe.Actor, a kaohe.Assessment, submit bool) (kaohe.Assessment, error) {
	r, err := w.Service.SaveAssessment(ctx, actor, a, submit)
	return r, w.bumped(err, kaohe.EntAssessment)
}
func (w watched) SaveApplication(ctx context.Context, actor kaohe.Actor, a kaohe.Application) (kaohe.Application, error) {
	r, err := w.Service.SaveApplication(ctx, actor, a)
	return r, w.bumped(err, kaohe.EntApplication)
}
func (w watched) SubmitApplication(ctx context.Context, actor kaohe.Actor, id string) (kaohe.ApplicationView, error) {
	r, err := w.Service.SubmitApplication(ctx, actor, id)
	return r, w.bumped(err, kaohe.EntApplication, kaohe.EntApplicationEvent)
}
func (w watched) SaveAndSubmitApplication(ctx context.Context, actor kaohe.Actor, a kaohe.Application) (kaohe.ApplicationView, error) {
	r, err := w.Service.SaveAndSubmitApplication(ctx, actor, a)
	return r, w.bumped(err, kaohe.EntApplication, kaohe.EntApplicationEvent)
}
func (w watched) CertificatePDF(ctx context.Context, actor kaohe.Actor, employeeNo, path string) error {
	return w.bumped(w.Service.CertificatePDF(ctx, actor, employeeNo, path), kaohe.EntCertificatePrint) // prints are logged
}
func (w watched) Restore(ctx context.Context, path string) error {
	return w.bumped(w.Service.Restore(ctx, path))
}
func (w watched) SetTarget(ctx context.Context, actor kaohe.Actor, managerID, metric string, year int, annual int64, weights []float64) (kaohe.Target, error) {
	r, err := w.Service.SetTarget(ctx, actor, managerID, metric, year, annual, weights)
	return r, w.bumped(err, kaohe.EntTarget)
}
func (w watched) SetActuals(ctx context.Context, actor kaohe.Actor, managerID, metric string, year int, values map[int]int64) error {
	return w.bumped(w.Service.SetActuals(ctx, actor, managerID, metric, year, values), kaohe.EntActual)
}
func (w watched) SaveTraining(ctx context.Context, actor kaohe.Actor, t kaohe.Training) (kaohe.Training, error) {
	r, err := w.Service.SaveTraining(ctx, actor, t)
	return r, w.bumped(err, kaohe.EntTraining)
}
func (w watched) RecordAttendance(ctx context.Context, actor kaohe.Actor, as []kaohe.Attendance) error {
	return w.bumped(w.Service.RecordAttendance(ctx, actor, as), kaohe.EntAttendance)
}
func (w watched) SaveRewardPenalty(ctx context.Context, actor kaohe.Actor, r kaohe.RewardPenalty) (kaohe.RewardPenalty, error) {
	x, err := w.Service.SaveRewardPenalty(ctx, actor, r)
	return x, w.bumped(err, kaohe.EntReward)
}
func (w watched) SaveResearch(ctx context.Context, actor kaohe.Actor, r kaohe.MarketResearch) (kaohe.MarketResearch, error) {
	x, err := w.Service.SaveResearch(ctx, actor, r)
	return x, w.bumped(err, kaohe.EntResearch)
}
func (w watched) ConfirmImport(ctx context.Context, actor kaohe.Actor, previewID string) (int, error) {
	n, err := w.Service.ConfirmImport(ctx, actor, previewID)
	return n, w.bumped(err)
}

// SyncNow bumps what the sync applied, from the sync status it ends with
// (NewWindow's OnSyncStatus): a sync that brought nothing reloads nothing.
func (w watched) SyncNow(ctx context.Context) error { return w.Service.SyncNow(ctx) }
func (w watched) Enroll(ctx context.Context, hqURL, code string) (kaohe.Showroom, error) {
	r, err := w.Service.Enroll(ctx, hqURL, code)
	return r, w.bumped(err)
}
func (w watched) ImportBundle(ctx context.Context, path string) (int, error) {
	n, err := w.Service.ImportBundle(ctx, path)
	return n, w.bumped(err)
}
func (w watched) RecordDecision(ctx context.Context, actor kaohe.Actor, d kaohe.Decision) (kaohe.ApplicationView, error) {
	r, err := w.Service.RecordDecision(ctx, actor, d)
	return r, w.bumped(err, kindsOf(applicationKinds, managerKinds)...)
}
func (w watched) DecideExemption(ctx context.Context, actor kaohe.Actor, e kaohe.Exemption) error {
	return w.bumped(w.Service.DecideExemption(ctx, actor, e), kaohe.EntExemption)
}
func (w watched) SaveReviewMember(ctx context.Context, actor kaohe.Actor, m kaohe.ReviewMember) error {
	return w.bumped(w.Service.SaveReviewMember(ctx, actor, m), kaohe.EntReviewMember)
}
func (w watched) SaveLevels(ctx context.Context, actor kaohe.Actor, ls kaohe.Levels) error {
	return w.bumped(w.Service.SaveLevels(ctx, actor, ls), kaohe.EntLevel)
}
func (w watched) SaveTemplate(ctx context.Context, actor kaohe.Actor, t kaohe.Template) error {
	return w.bumped(w.Service.SaveTemplate(ctx, actor, t), kaohe.EntTemplate)
}
func (w watched) SavePeriod(ctx context.Context, actor kaohe.Actor, p kaohe.Period) error {
	return w.bumped(w.Service.SavePeriod(ctx, actor, p), kaohe.EntPeriod)
}
func (w watched) FileAssessments(ctx context.Context, actor kaohe.Actor, ids []string) error {
	return w.bumped(w.Service.FileAssessments(ctx, actor, ids), kaohe.EntFiling)
}
func (w watched) Setup(ctx context.Context, name, employeeNo, password string) (kaohe.Actor, error) {
	r, err := w.Service.Setup(ctx, name, employeeNo, password)
	return r, w.bumped(err)
}
func (w watched) SaveAccount(ctx context.Context, actor kaohe.Actor, a kaohe.Account, password string) (kaohe.Account, error) {
	r, err := w.Service.SaveAccount(ctx, actor, a, password)
	return r, w.bumped(err, accountKinds...)
}
func (w watched) BlockAccount(ctx context.Context, actor kaohe.Actor, accountID string, blocked bool, reason string) error {
	return w.bumped(w.Service.BlockAccount(ctx, actor, accountID, blocked, reason), accountKinds...)
}
func (w watched) SetIdleLockMinutes(ctx context.Context, actor kaohe.Actor, minutes int) error {
	return w.bumped(w.Service.SetIdleLockMinutes(ctx, actor, minutes), kaohe.EntAccount)
}
func (w watched) Retire(ctx context.Context, actor kaohe.Actor, entity, id string) error {
	return w.bumped(w.Service.Retire(ctx, actor, entity, id), entity)
}
