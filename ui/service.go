package ui

import (
	"context"

	"kaohe/internal/kaohe"
)

// The window reaches its data only through these interfaces; cmd/kaohe
// passes internal/service's Service, tests pass a real one over a temporary
// database.

// DashboardService feeds the dashboard.
type DashboardService interface {
	Dashboard(ctx context.Context) (kaohe.Dashboard, error)
}

// ManagerService keeps managers.
type ManagerService interface {
	ManagerStore
	Showroom(ctx context.Context) (kaohe.Showroom, error)
	Levels(ctx context.Context) (kaohe.Levels, error)
	CreateManager(ctx context.Context, actor kaohe.Actor, m kaohe.Manager, level kaohe.Level) (kaohe.Manager, error)
	UpdateManager(ctx context.Context, actor kaohe.Actor, m kaohe.Manager) (kaohe.Manager, error)
	DeleteManager(ctx context.Context, actor kaohe.Actor, id string) error
	Profile(ctx context.Context, id string) (kaohe.Profile, error)
}

// AssessmentService scores assessments.
type AssessmentService interface {
	Periods(ctx context.Context) ([]kaohe.Period, error)
	// LevelHistories: every manager's level changes, by manager id (who
	// may be assessed for a period is judged by the level held at its end).
	LevelHistories(ctx context.Context) (map[string][]kaohe.LevelChange, error)
	TemplateFor(ctx context.Context, a kaohe.Assessment) (kaohe.Template, error)
	Assessment(ctx context.Context, managerID, periodID string) (kaohe.Assessment, error)
	SaveAssessment(ctx context.Context, actor kaohe.Actor, a kaohe.Assessment, submit bool) (kaohe.Assessment, error)
	PlanCompletion(ctx context.Context, managerID, periodID string) (kaohe.Completion, error)
}

// ApplicationService keeps level applications.
type ApplicationService interface {
	Applications(ctx context.Context, managerID string) ([]kaohe.ApplicationView, error)
	SaveApplication(ctx context.Context, actor kaohe.Actor, a kaohe.Application) (kaohe.Application, error)
	SubmitApplication(ctx context.Context, actor kaohe.Actor, id string) (kaohe.ApplicationView, error)
	SaveAndSubmitApplication(ctx context.Context, actor kaohe.Actor, a kaohe.Application) (kaohe.ApplicationView, error)
}

// DocumentService makes PDFs.
type DocumentService interface {
	SetLanguage(l kaohe.Lang)
	VerifyCertificate(ctx context.Context, serial, code string) (kaohe.Certificate, kaohe.Verdict, error)
	CertificatePDF(ctx context.Context, actor kaohe.Actor, employeeNo, path string) error
	ReportPDF(ctx context.Context, employeeNo, periodID, path string) error
	ApplicationPDF(ctx context.Context, employeeNo, path string) error
	SummaryPDF(ctx context.Context, periodID, path string) error
	ReportsPDF(ctx context.Context, dir, periodID string, progress func(done, total int)) ([]string, error)
}

// BackupService lists, makes and restores backups.
type BackupService interface {
	Backups() ([]kaohe.Backup, error)
	BackupNow(ctx context.Context) (kaohe.Backup, error)
	Restore(ctx context.Context, path string) error
}

// FigureService keeps targets and actuals.
type FigureService interface {
	Figures(ctx context.Context, managerID, metric string, year int) (targets, actuals kaohe.Months, err error)
	Target(ctx context.Context, managerID, metric string, year int) (kaohe.Target, error)
	SetTarget(ctx context.Context, actor kaohe.Actor, managerID, metric string, year int, annual int64, weights []float64) (kaohe.Target, error)
	SetActuals(ctx context.Context, actor kaohe.Actor, managerID, metric string, year int, values map[int]int64) error
}

// TrainingService keeps training sessions and attendance.
type TrainingService interface {
	Trainings(ctx context.Context) ([]kaohe.Training, error)
	SaveTraining(ctx context.Context, actor kaohe.Actor, t kaohe.Training) (kaohe.Training, error)
	Attendance(ctx context.Context, trainingID string) ([]kaohe.Attendance, error)
	RecordAttendance(ctx context.Context, actor kaohe.Actor, as []kaohe.Attendance) error
}

// RewardService keeps rewards and penalties.
type RewardService interface {
	RewardsPenalties(ctx context.Context, managerID string) ([]kaohe.RewardPenalty, error)
	SaveRewardPenalty(ctx context.Context, actor kaohe.Actor, r kaohe.RewardPenalty) (kaohe.RewardPenalty, error)
}

// ResearchService keeps market research records.
type ResearchService interface {
	Research(ctx context.Context, managerID string) ([]kaohe.MarketResearch, error)
	SaveResearch(ctx context.Context, actor kaohe.Actor, r kaohe.MarketResearch) (kaohe.MarketResearch, error)
}

// ExcelService exports and imports spreadsheets.
type ExcelService interface {
	ExportRoster(ctx context.Context, path string) error
	ExportFigures(ctx context.Context, year int, path string) error
	ExportAssessments(ctx context.Context, periodID, path string) error
	PreviewRoster(ctx context.Context, path string) (kaohe.ImportPreview, error)
	PreviewActuals(ctx context.Context, path string) (kaohe.ImportPreview, error)
	ConfirmImport(ctx context.Context, actor kaohe.Actor, previewID string) (int, error)
	DropImport(previewID string)
}

// SyncService syncs with HQ.
type SyncService interface {
	SyncStatus(ctx context.Context) kaohe.SyncStatus
	SyncNow(ctx context.Context) error
	OnSyncStatus(f func(kaohe.SyncStatus))
	StartSync(ctx context.Context)
	Enroll(ctx context.Context, hqURL, code string) (kaohe.Showroom, error)
	RefusedChanges(ctx context.Context) ([]kaohe.RefusedChange, error)
	ExportBundle(ctx context.Context, path string) (int, error)
	ImportBundle(ctx context.Context, path string) (int, error)
	// AvailableUpdate is the version of the build staged for install (fetched
	// from HQ or beside a bundle), or "": SyncStatus.Update without reading
	// the database.
	AvailableUpdate() string
	// InstallUpdate puts the build fetched from HQ (SyncStatus.Update) in
	// place; the window then closes and the new version starts.
	InstallUpdate(ctx context.Context) error
}

// HQService is what the review group's app (HQ mode) does.
type HQService interface {
	IsHQ(ctx context.Context) bool
	Showrooms(ctx context.Context) ([]kaohe.Showroom, error)
	ReviewQueue(ctx context.Context) ([]kaohe.ReviewItem, error)
	ReviewDetail(ctx context.Context, appID string) (kaohe.ReviewItem, error)
	RecordDecision(ctx context.Context, actor kaohe.Actor, d kaohe.Decision) (kaohe.ApplicationView, error)
	DecideExemption(ctx context.Context, actor kaohe.Actor, e kaohe.Exemption) error
	ReviewMembers(ctx context.Context) ([]kaohe.ReviewMember, error)
	SaveReviewMember(ctx context.Context, actor kaohe.Actor, m kaohe.ReviewMember) error
	SaveLevels(ctx context.Context, actor kaohe.Actor, ls kaohe.Levels) error
	CurrentTemplate(ctx context.Context) (kaohe.Template, error)
	SaveTemplate(ctx context.Context, actor kaohe.Actor, t kaohe.Template) error
	SavePeriod(ctx context.Context, actor kaohe.Actor, p kaohe.Period) error
	Retire(ctx context.Context, actor kaohe.Actor, entity, id string) error
	History(ctx context.Context, entity, id string) ([]kaohe.HistoryEntry, error)
	FilingQueue(ctx context.Context) ([]kaohe.FilingItem, error)
	HQReport(ctx context.Context, periodID string) (kaohe.HQReport, error)
	HQReportParts(ctx context.Context, periodID string, parts kaohe.ReportPart) (kaohe.HQReport, error)
	HQReportPDF(ctx context.Context, periodID, path string) error
	HQReportXLSX(ctx context.Context, periodID, path string) error
	FileAssessments(ctx context.Context, actor kaohe.Actor, ids []string) error
	HQAudit(ctx context.Context, f kaohe.AuditFilter) ([]kaohe.AuditLine, error)
	AllAccounts(ctx context.Context, actor kaohe.Actor) ([]kaohe.Account, error)
	BlockAccount(ctx context.Context, actor kaohe.Actor, accountID string, blocked bool, reason string) error
}

// AccountService signs people in and keeps their accounts.
type AccountService interface {
	NeedsSetup(ctx context.Context) (bool, error)
	Setup(ctx context.Context, name, employeeNo, password string) (kaohe.Actor, error)
	Login(ctx context.Context, employeeNo, password string) (kaohe.Actor, error)
	Unlock(ctx context.Context, password string) (kaohe.Actor, error)
	Lock()
	Logout()
	Session() (kaohe.Actor, bool)
	Accounts(ctx context.Context, actor kaohe.Actor) ([]kaohe.Account, error)
	SaveAccount(ctx context.Context, actor kaohe.Actor, a kaohe.Account, password string) (kaohe.Account, error)
	ChangePassword(ctx context.Context, actor kaohe.Actor, old, password string) error
	IdleLockMinutes(ctx context.Context) int
	SetIdleLockMinutes(ctx context.Context, actor kaohe.Actor, minutes int) error
	OpenDemo(ctx context.Context) error
}

// Service is everything the window uses.
type Service interface {
	AccountService
	HQService
	SyncService
	DashboardService
	ManagerService
	AssessmentService
	ApplicationService
	DocumentService
	BackupService
	FigureService
	TrainingService
	RewardService
	ResearchService
	ExcelService
}
