package ui

import (
	"context"
	"path/filepath"
	"strconv"
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
	Chart   *fyne.Container
	Message *widget.Label
	Report  kaohe.HQReport
	reading bool // the periods are being filled in

	// The grade chart, then each part of the report as a virtual table
	// (500 showrooms make thousands of lines: as one text it was laid out
	// again on every screen switch), one tab each; Top is the ten best.
	Sections  *container.AppTabs
	Showrooms *listTable[kaohe.GroupStats]
	Regions   *listTable[kaohe.GroupStats]
	Pipeline  *listTable[kaohe.PipelineRow]
	Training  *listTable[kaohe.TrainingRow]
	Top       *widget.Label
	grades    string // the grade codes the two results tables have columns for
	// The pipeline and the training coverage are read when their tab is
	// first shown (each reads every showroom's applications or a year's
	// attendance): have says what Report holds, parts reads one.
	have  kaohe.ReportPart
	parts loader
}

// partOf is the part of the report each of Sections' tabs shows.
var partOf = []kaohe.ReportPart{kaohe.ReportResults, kaohe.ReportResults, kaohe.ReportResults,
	kaohe.ReportPipeline, kaohe.ReportTraining, kaohe.ReportResults}

func newHQReportScreen(e *env) *HQReportScreen {
	s := &HQReportScreen{loader: loader{e: e}, parts: loader{e: e}, e: e, Chart: container.NewStack()}
	s.Period = newSelectOf[string](nil, func(string) string { return "" }, func(string) { s.load() })
	s.Top = wrapLabel("")
	s.Message = wrapLabel("")
	xlsx := widget.NewButtonWithIcon(T("hqr.xlsx"), theme.DownloadIcon(), func() { s.Export("xlsx") })
	pdfBtn := widget.NewButtonWithIcon(T("hqr.pdf"), theme.DocumentPrintIcon(), func() { s.Export("pdf") })
	top := container.NewBorder(nil, nil, widget.NewLabel(T("assess.period")), container.NewHBox(xlsx, pdfBtn), s.Period)
	s.Empty = newEmptyNote()
	s.resultTables(nil)
	s.Pipeline = newListTable(pipelineColumns())
	s.Training = newListTable(trainingColumns())
	s.Sections = container.NewAppTabs(
		container.NewTabItem(T("hqr.grades"), s.Chart),
		container.NewTabItem(T("hqr.showrooms"), s.Showrooms.View()),
		container.NewTabItem(T("hqr.regions"), s.Regions.View()),
		container.NewTabItem(T("hqr.pipeline"), s.Pipeline.View()),
		container.NewTabItem(T("hqr.training"), s.Training.View()),
		container.NewTabItem(T("hqr.top"), container.NewVScroll(s.Top)),
	)
	s.Sections.OnSelected = func(*container.TabItem) { s.loadPart() }
	s.view = container.NewBorder(container.NewVBox(top, s.Empty.View(), s.Message), nil, nil, nil, s.Sections)
	s.Empty.In(s.view)
	s.Reload()
	return s
}

// resultTables makes the showrooms' and regions' tables with a column per
// grade of the template.
func (s *HQReportScreen) resultTables(grades []kaohe.GradeBand) {
	cols := func(first string) []column[kaohe.GroupStats] {
		c := []column[kaohe.GroupStats]{
			{key: first, width: 170, text: func(g kaohe.GroupStats) string { return g.Name }},
			{key: "col.headcount", width: 80, text: func(g kaohe.GroupStats) string { return strconv.Itoa(g.Headcount) },
				less: func(a, b kaohe.GroupStats) bool { return a.Headcount < b.Headcount }},
			{key: "col.assessed", width: 80, text: func(g kaohe.GroupStats) string { return strconv.Itoa(g.Assessed) },
				less: func(a, b kaohe.GroupStats) bool { return a.Assessed < b.Assessed }},
			{key: "col.average", width: 80, text: func(g kaohe.GroupStats) string { return numText(g.Average) },
				less: func(a, b kaohe.GroupStats) bool { return a.Average < b.Average }},
		}
		if first == "col.showroom" {
			c = append(c[:1], append([]column[kaohe.GroupStats]{{key: "col.region", width: 100, text: func(g kaohe.GroupStats) string { return g.Region }}}, c[1:]...)...)
		}
		for _, gb := range grades {
			code := gb.Code
			c = append(c, column[kaohe.GroupStats]{key: "grade." + code, title: Tr(gb.Name), width: 70,
				text: func(g kaohe.GroupStats) string { return strconv.Itoa(g.Grades[code]) },
				less: func(a, b kaohe.GroupStats) bool { return a.Grades[code] < b.Grades[code] }})
		}
		return c
	}
	var codes []string
	for _, gb := range grades {
		codes = append(codes, gb.Code)
	}
	if s.Showrooms != nil && strings.Join(codes, ",") == s.grades {
		return
	}
	s.grades = strings.Join(codes, ",")
	s.Showrooms, s.Regions = newListTable(cols("col.showroom")), newListTable(cols("col.region"))
	if s.Sections != nil {
		s.Sections.Items[1].Content = s.Showrooms.View()
		s.Sections.Items[2].Content = s.Regions.View()
		s.Sections.Refresh()
	}
}

// pipelineStates are the stages the pipeline counts.
var pipelineStates = []kaohe.AppState{kaohe.AppSubmitted, kaohe.AppExam, kaohe.AppSecond, kaohe.AppProbation, kaohe.AppGranted, kaohe.AppFailed}

func pipelineColumns() []column[kaohe.PipelineRow] {
	c := []column[kaohe.PipelineRow]{{key: "col.showroom", width: 170, text: func(p kaohe.PipelineRow) string { return p.Showroom }}}
	for _, st := range pipelineStates {
		c = append(c, column[kaohe.PipelineRow]{key: "state." + string(st), width: 80,
			text: func(p kaohe.PipelineRow) string { return strconv.Itoa(p.ByState[st]) },
			less: func(a, b kaohe.PipelineRow) bool { return a.ByState[st] < b.ByState[st] }})
	}
	return c
}

// trainingColumns: per category, how many had any of it / its hours.
func trainingColumns() []column[kaohe.TrainingRow] {
	c := []column[kaohe.TrainingRow]{
		{key: "col.showroom", width: 170, text: func(t kaohe.TrainingRow) string { return t.Showroom }},
		{key: "col.headcount", width: 80, text: func(t kaohe.TrainingRow) string { return strconv.Itoa(t.Headcount) },
			less: func(a, b kaohe.TrainingRow) bool { return a.Headcount < b.Headcount }},
	}
	for _, cat := range kaohe.TrainingCategories() {
		code := cat.Code
		c = append(c, column[kaohe.TrainingRow]{key: "train." + string(code), title: strings.TrimSuffix(Tr(cat.Name), "培训"), width: 110,
			text: func(t kaohe.TrainingRow) string { return Textf("%d / %s h", t.Covered[code], numText(t.Hours[code])) },
			less: func(a, b kaohe.TrainingRow) bool { return a.Hours[code] < b.Hours[code] }})
	}
	return c
}

// View returns the screen's content.
func (s *HQReportScreen) View() fyne.CanvasObject { return s.view }

// Reload refreshes the periods and the report, in the background.
func (s *HQReportScreen) Reload() {
	e := s.e
	if s.Message.Text == "" {
		showLoading(s.Message)
	}
	load(&s.loader, e.svc.Periods, func(ps []kaohe.Period, err error) {
		if err != nil {
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
		s.parts.stop()
		s.have = 0
		s.show(kaohe.HQReport{})
		doneLoading(s.Message)
		s.Empty.Say(true, "empty.hq_report_period")
		return
	}
	e := s.e
	if s.Message.Text == "" {
		showLoading(s.Message)
	}
	// The results, and the part of the tab shown if it is another.
	parts := kaohe.ReportResults | s.shownPart()
	s.parts.stop() // of the period shown before
	load(&s.loader, func(ctx context.Context) (kaohe.HQReport, error) {
		return e.svc.HQReportParts(ctx, pid, parts)
	}, func(r kaohe.HQReport, err error) {
		if err != nil {
			say(s.Message, ErrorText(err), true)
			return
		}
		doneLoading(s.Message)
		s.have = parts
		s.show(r)
		s.loadPart() // the tab chosen meanwhile
	})
}

// shownPart is the part of the report the tab shown shows.
func (s *HQReportScreen) shownPart() kaohe.ReportPart {
	if i := s.Sections.SelectedIndex(); i >= 0 && i < len(partOf) {
		return partOf[i]
	}
	return kaohe.ReportResults
}

// loadPart reads the part of the report the tab shown needs, if the report
// shown lacks it.
func (s *HQReportScreen) loadPart() {
	part := s.shownPart()
	pid := s.Report.Period.ID
	if s.have&part != 0 || pid == "" || s.have == 0 {
		return // in hand, or the results are still coming (they bring it)
	}
	e := s.e
	showLoading(s.Message)
	load(&s.parts, func(ctx context.Context) (kaohe.HQReport, error) {
		return e.svc.HQReportParts(ctx, pid, part)
	}, func(r kaohe.HQReport, err error) {
		if err != nil {
			say(s.Message, ErrorText(err), true)
			return
		}
		if s.Report.Period.ID != pid {
			return // another period is shown by now
		}
		doneLoading(s.Message)
		s.have |= part
		switch part {
		case kaohe.ReportPipeline:
			s.Report.Pipeline = r.Pipeline
			s.Pipeline.Set(r.Pipeline)
		case kaohe.ReportTraining:
			s.Report.Training = r.Training
			s.Training.Set(r.Training)
		}
	})
}

// show draws a period's report.
func (s *HQReportScreen) show(r kaohe.HQReport) {
	s.Report = r
	s.Empty.Say(len(r.Showrooms) == 0, "empty.hq_report")
	s.Chart.Objects = nil
	if r.Period.ID != "" {
		s.Chart.Objects = []fyne.CanvasObject{card(T("hqr.grades_of", "Period", Tr(r.Period.Name)), NewBarChart(s.bars(r)))}
	}
	s.Chart.Refresh()
	s.resultTables(r.Template.Grades)
	s.Showrooms.Set(r.Showrooms)
	s.Regions.Set(r.Regions)
	s.Pipeline.Set(r.Pipeline)
	s.Training.Set(r.Training)
	var b strings.Builder
	for i, x := range r.Ranking {
		if i == 10 {
			break
		}
		writeTextf(&b, "%d　%s　%s　%s　%s\n", x.Rank, x.Showroom, managerLabel(x.Manager), numText(x.Total), T("grade."+x.Grade))
	}
	s.Top.SetText(b.String())
}

// bars are the grade distribution over every showroom.
func (s *HQReportScreen) bars(r kaohe.HQReport) []Bar {
	var bars []Bar
	for _, g := range r.Template.Grades {
		n := 0
		for _, x := range r.Showrooms {
			n += x.Grades[g.Code]
		}
		bars = append(bars, Bar{Tr(g.Name), float64(n)})
	}
	return bars
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
