package service

import (
	"context"
	"fmt"
	"io"
	"os"
	"sync"

	"kaohe/internal/documents"
	"kaohe/internal/excel"
	"kaohe/internal/kaohe"
	"kaohe/internal/store"
)

// pending holds parsed spreadsheets until the user confirms or drops them.
var pending = struct {
	sync.Mutex
	m map[string]any
}{m: map[string]any{}}

// ExportRoster writes every manager to an .xlsx file.
func (s *Service) ExportRoster(ctx context.Context, path string) error {
	if err := s.seeAll(); err != nil {
		return err
	}
	ms, err := s.Store.ListManagers(ctx, kaohe.ManagerFilter{})
	if err != nil {
		return err
	}
	return documents.WriteFile(path, func(w io.Writer) error { return excel.WriteRoster(w, ms) })
}

// ExportFigures writes every manager's monthly targets and actuals of a year.
func (s *Service) ExportFigures(ctx context.Context, year int, path string) error {
	if err := s.seeAll(); err != nil {
		return err
	}
	ms, err := s.Store.ListManagers(ctx, kaohe.ManagerFilter{})
	if err != nil {
		return err
	}
	var rows []excel.FigureRow
	for _, m := range ms {
		for _, metric := range kaohe.DefaultMetrics() {
			t, a, err := s.Store.Figures(ctx, m.ID, metric.Code, year)
			if err != nil {
				return err
			}
			if t.Total() == 0 && a.Total() == 0 {
				continue
			}
			rows = append(rows, excel.FigureRow{EmployeeNo: m.EmployeeNo, Name: m.Name, Metric: metric.Code, Year: year, Targets: t, Actuals: a})
		}
	}
	return documents.WriteFile(path, func(w io.Writer) error { return excel.WriteFigures(w, rows) })
}

// ExportAssessments writes the assessment results of a period.
func (s *Service) ExportAssessments(ctx context.Context, periodID, path string) error {
	if err := s.seeAll(); err != nil {
		return err
	}
	p, err := s.Store.Period(ctx, periodID)
	if err != nil {
		return err
	}
	as, err := s.Store.Assessments(ctx, store.AssessmentFilter{PeriodID: periodID})
	if err != nil {
		return err
	}
	tpl, err := s.Store.CurrentTemplate(ctx)
	if err != nil {
		return err
	}
	var rows []excel.AssessmentRow
	for i, a := range as {
		m, err := s.Store.Manager(ctx, a.ManagerID)
		if err != nil {
			continue
		}
		at, err := s.Store.Template(ctx, a.TemplateID, a.TemplateVersion)
		if err != nil {
			return err
		}
		if i == 0 {
			tpl = at
		}
		rows = append(rows, excel.AssessmentRow{Period: p, Manager: m, Assessment: a, Template: at})
	}
	return documents.WriteFile(path, func(w io.Writer) error { return excel.WriteAssessments(w, rows, tpl) })
}

// readFile opens path and parses it with read, which stops when ctx ends.
func readFile[T any](ctx context.Context, path string, read func(context.Context, io.Reader) ([]T, error)) ([]T, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return read(ctx, f)
}

// PreviewRoster parses a roster file and checks each row, saving nothing.
func (s *Service) PreviewRoster(ctx context.Context, path string) (kaohe.ImportPreview, error) {
	if err := s.mayPreview(); err != nil {
		return kaohe.ImportPreview{}, err
	}
	rows, err := readFile(ctx, path, excel.ReadRosterContext)
	if err != nil {
		return kaohe.ImportPreview{}, err
	}
	existing, err := s.Store.ListManagers(ctx, kaohe.ManagerFilter{})
	if err != nil {
		return kaohe.ImportPreview{}, err
	}
	byNo := map[string]kaohe.ManagerLevel{}
	for _, m := range existing {
		byNo[m.EmployeeNo] = m
	}
	levels, err := s.Store.Levels(ctx)
	if err != nil {
		return kaohe.ImportPreview{}, err
	}
	p := kaohe.ImportPreview{ID: store.NewID(), Kind: "roster"}
	seen := map[string]int{}
	for i, r := range rows {
		if r.Err == nil {
			if first, dup := seen[r.Manager.EmployeeNo]; dup {
				r.Err = kaohe.Errorf(kaohe.EINVALID, "err.xlsx_duplicate", "Value", r.Manager.EmployeeNo, "Row", first)
			}
			seen[r.Manager.EmployeeNo] = r.Row
		}
		old, update := byNo[r.Manager.EmployeeNo]
		if r.Err == nil && update {
			r.Manager.ID = old.ID // same person: update the profile
		}
		if r.Err == nil && !update { // a new hire's first level: only what HQ allows
			if err := levels.CheckHire(r.Level); err != nil {
				r.Err = err
			}
		}
		rows[i] = r
		p.Rows = append(p.Rows, kaohe.ImportRow{Row: r.Row, Summary: fmt.Sprintf("%s %s", r.Manager.EmployeeNo, r.Manager.Name), Err: r.Err, Update: update})
		if r.Err == nil {
			p.Valid++
		}
	}
	pending.Lock()
	pending.m[p.ID] = rows
	pending.Unlock()
	return p, nil
}

// PreviewActuals parses a monthly actuals file and checks each row.
func (s *Service) PreviewActuals(ctx context.Context, path string) (kaohe.ImportPreview, error) {
	if err := s.mayPreview(); err != nil {
		return kaohe.ImportPreview{}, err
	}
	rows, err := readFile(ctx, path, excel.ReadActualsContext)
	if err != nil {
		return kaohe.ImportPreview{}, err
	}
	p := kaohe.ImportPreview{ID: store.NewID(), Kind: "actuals"}
	for i, r := range rows {
		if r.Err == nil {
			if _, err := s.Store.ManagerByNo(ctx, r.EmployeeNo); err != nil {
				r.Err = kaohe.Errorf(kaohe.EINVALID, "err.xlsx_unknown_manager", "Value", r.EmployeeNo)
			}
		}
		rows[i] = r
		p.Rows = append(p.Rows, kaohe.ImportRow{Row: r.Row, Summary: fmt.Sprintf("%s %s %d（%d 个月）", r.EmployeeNo, r.Metric, r.Year, len(r.Values)), Err: r.Err})
		if r.Err == nil {
			p.Valid++
		}
	}
	pending.Lock()
	pending.m[p.ID] = rows
	pending.Unlock()
	return p, nil
}

// ConfirmImport imports the valid rows of a preview in one transaction:
// all of them or, if the database refuses one, none (the error names its row).
func (s *Service) ConfirmImport(ctx context.Context, actor kaohe.Actor, previewID string) (int, error) {
	if err := s.allow(actor, kaohe.PermExcel); err != nil {
		return 0, err
	}
	pending.Lock()
	parsed, ok := pending.m[previewID]
	delete(pending.m, previewID)
	pending.Unlock()
	if !ok {
		return 0, kaohe.Errorf(kaohe.ENOTFOUND, "err.not_found", "What", "preview", "Key", previewID)
	}
	n := 0
	err := s.update(ctx, actor, func(tx *store.Tx) error {
		switch rows := parsed.(type) {
		case []excel.RosterRow:
			for _, r := range rows {
				if r.Err != nil {
					continue
				}
				var err error
				if r.Manager.ID != "" {
					_, err = tx.UpdateManager(r.Manager)
				} else {
					_, err = tx.CreateManager(r.Manager, r.Level, kaohe.Date{})
				}
				if err != nil {
					return rowError(r.Row, err)
				}
				n++
			}
		case []excel.ActualRow:
			for _, r := range rows {
				if r.Err != nil {
					continue
				}
				m, err := s.Store.ManagerByNo(ctx, r.EmployeeNo)
				if err != nil {
					return rowError(r.Row, err)
				}
				for month, v := range r.Values {
					if _, err := tx.SetActual(m.ID, r.Metric, r.Year, month, v); err != nil {
						return rowError(r.Row, err)
					}
				}
				n++
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// mayPreview checks the viewer may read a spreadsheet for import: a person
// who may import, or the command line's machine (a preview saves nothing;
// saving signs in).
func (s *Service) mayPreview() error {
	v, err := s.viewer()
	if err != nil || v.Role == kaohe.RoleSystem {
		return err
	}
	return v.May(kaohe.PermExcel)
}

// DropImport forgets a preview the user cancelled.
func (s *Service) DropImport(previewID string) {
	pending.Lock()
	delete(pending.m, previewID)
	pending.Unlock()
}

func rowError(row int, err error) error {
	return kaohe.Errorf(kaohe.EINVALID, "err.xlsx_row", "Row", row, "Cause", err)
}
