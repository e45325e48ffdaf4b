package ui

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"kaohe/internal/kaohe"
)

// HQReportScreen shows every showroom's results for a period (HQ mode): by
// showroom and region, the grade distribution, the promotion pipeline and
// training coverage, with exports to Excel and PDF.
type HQReportScreen struct {
	loader
	e    *env
	view fyne.CanvasObject
	// Empty says why there is no report and what to do.
	Empty   *emptyNote
	Period  *selectOf[string]
	Summary *widget.Label
	Chart   *fyne.Container
	Message *widget.Label
	Report  kaohe.HQReport
	reading bool // the periods are being filled in
}

func newHQReportScreen(e *env) *HQReportScreen {
	s := &HQReportScreen{loader: loader{e: e}, e: e, Chart: container.NewStack()}
	s.Period = newSelectOf[string](nil, func(string) string { return "" }, func(string) { s.load() })
	s.Summary = wrapLabel("")
	s.Message = wrapLabel("")
	xlsx := widget.NewButtonWithIcon(T("hqr.xlsx"), theme.DownloadIcon(), func() { s.Export("xlsx") })
	pdfBtn := widget.NewButtonWithIcon(T("hqr.pdf"), theme.DocumentPrintIcon(), func() { s.Export("pdf") })
	top := container.NewBorder(nil, nil, widget.NewLabel(T("assess.period")), container.NewHBox(xlsx, pdfBtn), s.Period)
	s.Empty = newEmptyNote()
	s.view = container.NewBorder(container.NewVBox(top, s.Empty.View(), s.Message), nil, nil, nil,
		container.NewVScroll(container.NewVBox(s.Chart, s.Summary)))
	s.Reload()
	return s
}

// View returns the screen's content.
func (s *HQReportScreen) View() fyne.CanvasObject { return s.view }

// Reload refreshes the periods and the report, in the background.
func (s *HQReportScreen) Reload() {
	e := s.e
	s.Summary.SetText(T("loading"))
	load(&s.loader, e.svc.Periods, func(ps []kaohe.Period, err error) {
		if err != nil {
			s.Summary.SetText("")
			say(s.Message, ErrorText(err), true)
			return
		}
		s.reading = true // choosing the period below reads once, after
		setPeriods(s.Period, ps)
		s.reading = false
		s.load()
	})
}

// load reads the chosen period's report in the background: over every
// showroom it takes a while.
func (s *HQReportScreen) load() {
	if s.reading {
		return
	}
	pid, ok := s.Period.Value()
	if !ok { // no period: no report of another one left on screen
		s.loader.stop()
		s.Report = kaohe.HQReport{}
		s.Chart.Objects = nil
		s.Chart.Refresh()
		s.Summary.SetText("")
		s.Empty.Say(true, "empty.hq_report_period")
		return
	}
	e := s.e
	s.Summary.SetText(T("loading"))
	load(&s.loader, func(ctx context.Context) (kaohe.HQReport, error) {
		return e.svc.HQReport(ctx, pid)
	}, func(r kaohe.HQReport, err error) {
		if err != nil {
			s.Summary.SetText("")
			say(s.Message, ErrorText(err), true)
			return
		}
		s.show(r)
	})
}

// show draws a period's report.
func (s *HQReportScreen) show(r kaohe.HQReport) {
	s.Report = r
	s.Empty.Say(len(r.Showrooms) == 0, "empty.hq_report")
	var bars []Bar
	for _, g := range r.Template.Grades {
		n := 0
		for _, x := range r.Showrooms {
			n += x.Grades[g.Code]
		}
		bars = append(bars, Bar{Tr(g.Name), float64(n)})
	}
	s.Chart.Objects = []fyne.CanvasObject{card(T("hqr.grades_of", "Period", Tr(r.Period.Name)), NewBarChart(bars))}
	s.Chart.Refresh()
	var b strings.Builder
	line := func(g kaohe.GroupStats) {
		var grades []string
		for _, gb := range r.Template.Grades {
			grades = append(grades, fmt.Sprintf("%s %d", Tr(gb.Name), g.Grades[gb.Code]))
		}
		writeTextf(&b, "%s　%s\n", g.Name, T("hqr.line", "Headcount", g.Headcount, "Assessed", g.Assessed, "Average", numText(g.Average), "Grades", joinList(grades)))
	}
	writeTextf(&b, "【%s】\n", T("hqr.showrooms"))
	for _, g := range r.Showrooms {
		line(g)
	}
	writeTextf(&b, "\n【%s】\n", T("hqr.regions"))
	for _, g := range r.Regions {
		line(g)
	}
	writeTextf(&b, "\n【%s】\n", T("hqr.pipeline"))
	for _, p := range r.Pipeline {
		writeTextf(&b, "%s　", p.Showroom)
		for _, st := range []kaohe.AppState{kaohe.AppSubmitted, kaohe.AppExam, kaohe.AppSecond, kaohe.AppProbation, kaohe.AppGranted, kaohe.AppFailed} {
			writeTextf(&b, "%s %d　", T("state."+string(st)), p.ByState[st])
		}
		b.WriteString("\n")
	}
	writeTextf(&b, "\n【%s】\n", T("hqr.training"))
	for _, t := range r.Training {
		writeTextf(&b, "%s（%d）　", t.Showroom, t.Headcount)
		for _, c := range kaohe.TrainingCategories() {
			writeTextf(&b, "%s %d/%s h　", strings.TrimSuffix(Tr(c.Name), "培训"), t.Covered[c.Code], numText(t.Hours[c.Code]))
		}
		b.WriteString("\n")
	}
	writeTextf(&b, "\n【%s】\n", T("hqr.top"))
	for i, x := range r.Ranking {
		if i == 10 {
			break
		}
		writeTextf(&b, "%d　%s　%s　%s　%s\n", x.Rank, x.Showroom, managerLabel(x.Manager), numText(x.Total), T("grade."+x.Grade))
	}
	s.Summary.SetText(b.String())
}

// Export writes the report as "xlsx" or "pdf" into the documents folder
// and opens it.
func (s *HQReportScreen) Export(kind string) {
	pid, ok := s.Period.Value()
	if !ok {
		return
	}
	path := filepath.Join(s.e.docDir, T("hqr.file", "Period", pid)+"."+kind)
	e := s.e
	say(s.Message, T("working"), false)
	// Its own loader: a file asked for is written even if the screen is left.
	run(&loader{e: e}, func(ctx context.Context) error {
		if kind == "pdf" {
			return e.svc.HQReportPDF(ctx, pid, path)
		}
		return e.svc.HQReportXLSX(ctx, pid, path)
	}, func(err error) {
		if err != nil {
			say(s.Message, ErrorText(err), true)
			return
		}
		say(s.Message, T("doc.made", "Path", path), false)
		e.open(path)
	})
}
