package ui

import (
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
	e    *env
	view fyne.CanvasObject
	// Empty says why there is no report and what to do.
	Empty   *emptyNote
	Period  *selectOf[string]
	Summary *widget.Label
	Chart   *fyne.Container
	Message *widget.Label
	Report  kaohe.HQReport
}

func newHQReportScreen(e *env) *HQReportScreen {
	s := &HQReportScreen{e: e, Chart: container.NewStack()}
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

// Reload refreshes the periods and the report.
func (s *HQReportScreen) Reload() {
	s.e.fillPeriods(s.Period)
	s.load()
}

func (s *HQReportScreen) load() {
	pid, ok := s.Period.Value()
	if !ok { // no period: no report of another one left on screen
		s.Report = kaohe.HQReport{}
		s.Chart.Objects = nil
		s.Chart.Refresh()
		s.Summary.SetText("")
		s.Empty.Say(true, "empty.hq_report_period")
		return
	}
	r, err := s.e.svc.HQReport(bg, pid)
	if err != nil {
		say(s.Message, ErrorText(err), true)
		return
	}
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
	var err error
	if kind == "pdf" {
		err = s.e.svc.HQReportPDF(bg, pid, path)
	} else {
		err = s.e.svc.HQReportXLSX(bg, pid, path)
	}
	if err != nil {
		say(s.Message, ErrorText(err), true)
		return
	}
	say(s.Message, T("doc.made", "Path", path), false)
	s.e.open(path)
}
