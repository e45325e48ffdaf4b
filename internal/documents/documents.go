// Package documents gathers each printed document's data from the store and
// renders it with internal/pdf. The command line and the window both use it.
package documents

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"kaohe/internal/kaohe"
	"kaohe/internal/pdf"
	"kaohe/internal/store"
)

// Maker makes documents from one database.
type Maker struct {
	Store *store.Store
	Lang  kaohe.Lang
	// PublicURL overrides the public address HQ published (kaohe.HQInfo),
	// which certificates' QR codes carry; both "" before enrolling.
	PublicURL string
}

// trendLength is how many periods an assessment report's chart shows.
const trendLength = 6

func (m *Maker) levelName(levels kaohe.Levels, l kaohe.Level) kaohe.Text {
	li, err := levels.Get(l)
	if err != nil {
		return kaohe.Text{Zh: "—", En: "—"}
	}
	return li.Name
}

func (m *Maker) manager(ctx context.Context, employeeNo string) (kaohe.ManagerLevel, error) {
	return m.Store.ManagerByNo(ctx, strings.TrimSpace(employeeNo))
}

// Certificate writes the manager's latest certificate and logs the print; a
// reprint comes out marked 副本.
func (m *Maker) Certificate(ctx context.Context, w io.Writer, actor, employeeNo string) (kaohe.Certificate, error) {
	mgr, err := m.manager(ctx, employeeNo)
	if err != nil {
		return kaohe.Certificate{}, err
	}
	certs, err := m.Store.Certificates(ctx, mgr.ID)
	if err != nil {
		return kaohe.Certificate{}, err
	}
	if len(certs) == 0 {
		return kaohe.Certificate{}, kaohe.Errorf(kaohe.ENOTFOUND, "err.no_certificate", "Name", mgr.Name)
	}
	c := certs[0]
	levels, err := m.Store.Levels(ctx)
	if err != nil {
		return c, err
	}
	// The print is logged in the same transaction that renders it: a
	// failed render logs nothing.
	public := m.PublicURL
	if public == "" {
		if public, err = m.Store.Meta(ctx, store.MetaPublicURL); err != nil {
			return c, err
		}
	}
	token, err := m.Store.Meta(ctx, store.MetaToken)
	if err != nil {
		return c, err
	}
	data := pdf.CertificateData{Certificate: c, LevelName: m.levelName(levels, c.Level), VerifyURL: pdf.VerifyLink(public, c),
		Enrolled: token != "", Lang: m.Lang}
	if err := m.Store.Update(ctx, actor, func(tx *store.Tx) error {
		p, err := tx.LogCertificatePrint(c.ID)
		if err != nil {
			return err
		}
		data.Copy = p.Copy
		var buf bytes.Buffer
		if err := pdf.Certificate(&buf, data, nil); err != nil {
			return err
		}
		_, err = w.Write(buf.Bytes())
		return err
	}); err != nil {
		return c, err
	}
	return c, nil
}

// ReportData gathers one manager's assessment report of a period ("" for
// the latest period the manager was assessed in).
func (m *Maker) ReportData(ctx context.Context, employeeNo, periodID string) (pdf.ReportData, error) {
	mgr, err := m.manager(ctx, employeeNo)
	if err != nil {
		return pdf.ReportData{}, err
	}
	return m.reportData(ctx, mgr, periodID)
}

func (m *Maker) reportData(ctx context.Context, mgr kaohe.ManagerLevel, periodID string) (pdf.ReportData, error) {
	var r pdf.ReportData
	all, err := m.Store.Assessments(ctx, store.AssessmentFilter{ManagerID: mgr.ID}) // latest period first
	if err != nil {
		return r, err
	}
	idx := -1
	for i, a := range all {
		if periodID == "" || a.PeriodID == periodID {
			idx = i
			break
		}
	}
	if idx < 0 {
		return r, kaohe.Errorf(kaohe.ENOTFOUND, "err.no_assessment", "Name", mgr.Name, "Period", periodID)
	}
	a := all[idx]
	sr, err := m.Store.Showroom(ctx)
	if err != nil {
		return r, err
	}
	p, err := m.Store.Period(ctx, a.PeriodID)
	if err != nil {
		return r, err
	}
	tpl, err := m.Store.Template(ctx, a.TemplateID, a.TemplateVersion)
	if err != nil {
		return r, err
	}
	levels, err := m.Store.Levels(ctx)
	if err != nil {
		return r, err
	}
	r = pdf.ReportData{Lang: m.Lang, Showroom: sr.Name, Manager: mgr.Manager, LevelName: m.levelName(levels, mgr.Level),
		Period: p, Template: tpl, Assessment: a}
	for _, metric := range kaohe.DefaultMetrics() {
		c, err := m.Store.PeriodCompletion(ctx, mgr.ID, metric.Code, p)
		if err != nil {
			return r, err
		}
		if c.Target > 0 || c.Actual > 0 {
			r.Figures = append(r.Figures, pdf.MetricCompletion{Metric: metric, Completion: c})
		}
	}
	// The trend: this period and the ones before it, oldest first.
	for i := min(len(all)-1, idx+trendLength-1); i >= idx; i-- {
		tp, err := m.Store.Period(ctx, all[i].PeriodID)
		if err != nil {
			return r, err
		}
		r.Trend = append(r.Trend, pdf.Point{Label: tp.Name.In(m.Lang), Value: all[i].Total})
	}
	return r, nil
}

// Report writes an assessment report.
func (m *Maker) Report(ctx context.Context, w io.Writer, employeeNo, periodID string) error {
	r, err := m.ReportData(ctx, employeeNo, periodID)
	if err != nil {
		return err
	}
	return pdf.Report(w, r, nil)
}

// SummaryData gathers every assessed manager of a period ("" for the latest).
func (m *Maker) SummaryData(ctx context.Context, periodID string) (pdf.SummaryData, error) {
	var s pdf.SummaryData
	p, err := m.period(ctx, periodID)
	if err != nil {
		return s, err
	}
	sr, err := m.Store.Showroom(ctx)
	if err != nil {
		return s, err
	}
	as, err := m.Store.Assessments(ctx, store.AssessmentFilter{PeriodID: p.ID})
	if err != nil {
		return s, err
	}
	levels, err := m.Store.Levels(ctx)
	if err != nil {
		return s, err
	}
	tpl, err := m.Store.CurrentTemplate(ctx)
	if err != nil {
		return s, err
	}
	if len(as) > 0 {
		if tpl, err = m.Store.Template(ctx, as[0].TemplateID, as[0].TemplateVersion); err != nil {
			return s, err
		}
	}
	s = pdf.SummaryData{Lang: m.Lang, Showroom: sr.Name, Period: p, Template: tpl}
	for _, a := range as {
		mgr, err := m.Store.Manager(ctx, a.ManagerID)
		if err != nil {
			continue // a manager entered by mistake and deleted
		}
		at, err := m.Store.Template(ctx, a.TemplateID, a.TemplateVersion)
		if err != nil {
			return s, err
		}
		g, _ := at.Grade(a.Grade)
		sales, err := m.Store.PeriodCompletion(ctx, a.ManagerID, kaohe.MetricSales, p)
		if err != nil {
			return s, err
		}
		s.Rows = append(s.Rows, pdf.SummaryRow{Manager: mgr.Manager, LevelName: m.levelName(levels, mgr.Level), Assessment: a, Grade: g.Name, Sales: sales})
	}
	return s, nil
}

func (m *Maker) period(ctx context.Context, id string) (kaohe.Period, error) {
	if id != "" {
		return m.Store.Period(ctx, id)
	}
	ps, err := m.Store.Periods(ctx)
	if err != nil {
		return kaohe.Period{}, err
	}
	if len(ps) == 0 {
		return kaohe.Period{}, kaohe.Errorf(kaohe.ENOTFOUND, "err.no_period")
	}
	return ps[0], nil
}

// Summary writes a showroom summary.
func (m *Maker) Summary(ctx context.Context, w io.Writer, periodID string) error {
	s, err := m.SummaryData(ctx, periodID)
	if err != nil {
		return err
	}
	return pdf.Summary(w, s, nil)
}

// Application writes the manager's latest level application form.
func (m *Maker) Application(ctx context.Context, w io.Writer, employeeNo string) error {
	mgr, err := m.manager(ctx, employeeNo)
	if err != nil {
		return err
	}
	apps, err := m.Store.Applications(ctx, mgr.ID)
	if err != nil {
		return err
	}
	if len(apps) == 0 {
		return kaohe.Errorf(kaohe.ENOTFOUND, "err.no_application", "Name", mgr.Name)
	}
	v := apps[0]
	levels, err := m.Store.Levels(ctx)
	if err != nil {
		return err
	}
	target, err := levels.Get(v.TargetLevel)
	if err != nil {
		return err
	}
	sr, err := m.Store.Showroom(ctx)
	if err != nil {
		return err
	}
	// The level before this application: the one it was made from.
	current := mgr.Level
	if v.Review.State == kaohe.AppGranted && current == v.TargetLevel {
		hist, _ := m.Store.LevelHistory(ctx, mgr.ID)
		for _, c := range hist {
			if c.AppID == v.ID {
				current = c.From
			}
		}
	}
	var submitted kaohe.Date
	for _, d := range v.Review.Decisions {
		if d.Stage == kaohe.StageSubmit {
			submitted = d.Date
		}
	}
	return pdf.Application(w, pdf.ApplicationData{Lang: m.Lang, Showroom: sr.Name, Manager: mgr.Manager, Current: m.levelName(levels, current),
		Target: target, Application: v.Application, State: v.Review.State, Submitted: submitted}, nil)
}

// Progress is told how many of a batch's documents are done.
type Progress func(done, total int)

// Reports writes the assessment report of every manager assessed in a period
// into dir, one file each, named by employee number. It stops when ctx is
// cancelled, leaving the files finished so far.
func (m *Maker) Reports(ctx context.Context, dir, periodID string, progress Progress) ([]string, error) {
	p, err := m.period(ctx, periodID)
	if err != nil {
		return nil, err
	}
	as, err := m.Store.Assessments(ctx, store.AssessmentFilter{PeriodID: p.ID})
	if err != nil {
		return nil, err
	}
	var data []pdf.ReportData
	for _, a := range as {
		mgr, err := m.Store.Manager(ctx, a.ManagerID)
		if err != nil {
			continue
		}
		r, err := m.reportData(ctx, mgr, p.ID)
		if err != nil {
			return nil, err
		}
		data = append(data, r)
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	}
	font, err := pdf.CutFontFor(data)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var files []string
	for i, r := range data {
		if err := ctx.Err(); err != nil {
			return files, err
		}
		name := filepath.Join(dir, fmt.Sprintf("%s-%s-%s.pdf", p.ID, r.Manager.EmployeeNo, safeName(r.Manager.Name)))
		if err := writeFile(name, func(w io.Writer) error { return pdf.Report(w, r, font) }); err != nil {
			return files, err
		}
		files = append(files, name)
		if progress != nil {
			progress(i+1, len(data))
		}
	}
	return files, nil
}

// writeFile writes a document through a temporary file, so a failed or
// cancelled one leaves no half-written PDF behind. A document open in a viewer or Excel
// (Windows refuses to replace it) is reported as such, and nothing is left.
func writeFile(path string, write func(io.Writer) error) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp := path + ".part"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := rename(tmp, path); err != nil {
		os.Remove(tmp)
		if inUse(err) {
			return kaohe.Errorf(kaohe.ECONFLICT, "err.file_in_use", "Path", path)
		}
		return err
	}
	return nil
}

// rename replaces the old document; tests stand in a failing one.
var rename = os.Rename

// WriteFile is writeFile for callers that make one document.
func WriteFile(path string, write func(io.Writer) error) error { return writeFile(path, write) }

func safeName(s string) string {
	return strings.Map(func(r rune) rune {
		if strings.ContainsRune(`\/:*?"<>| `, r) {
			return '_'
		}
		return r
	}, s)
}
