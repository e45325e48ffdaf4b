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
	CreateManager(ctx context.Context, actor string, m kaohe.Manager, level kaohe.Level) (kaohe.Manager, error)
	UpdateManager(ctx context.Context, actor string, m kaohe.Manager) (kaohe.Manager, error)
	DeleteManager(ctx context.Context, actor, id string) error
	Profile(ctx context.Context, id string) (kaohe.Profile, error)
}

// AssessmentService scores assessments.
type AssessmentService interface {
	Periods(ctx context.Context) ([]kaohe.Period, error)
	TemplateFor(ctx context.Context, a kaohe.Assessment) (kaohe.Template, error)
	Assessment(ctx context.Context, managerID, periodID string) (kaohe.Assessment, error)
	SaveAssessment(ctx context.Context, actor string, a kaohe.Assessment, submit bool) (kaohe.Assessment, error)
	PlanCompletion(ctx context.Context, managerID, periodID string) (kaohe.Completion, error)
}

// ApplicationService keeps level applications.
type ApplicationService interface {
	Applications(ctx context.Context, managerID string) ([]kaohe.ApplicationView, error)
	SaveApplication(ctx context.Context, actor string, a kaohe.Application) (kaohe.Application, error)
	SubmitApplication(ctx context.Context, actor, id string) (kaohe.ApplicationView, error)
}

// DocumentService makes PDFs.
type DocumentService interface {
	SetLanguage(l kaohe.Lang)
	CertificatePDF(ctx context.Context, actor, employeeNo, path string) error
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

// Service is everything the window uses.
type Service interface {
	DashboardService
	ManagerService
	AssessmentService
	ApplicationService
	DocumentService
	BackupService
}
