package ui

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"kaohe/internal/kaohe"
)

// TargetScreen sets a manager's annual target of a metric, split into months
// evenly or by seasonal weights, takes the monthly actuals, and shows the
// completion by month, quarter, half-year and year.
type TargetScreen struct {
	loader
	e    *env
	view fyne.CanvasObject
	// Empty says why the screen has nothing to show and what to do.
	Empty *emptyNote

	Manager  *selectOf[string]
	Metric   *selectOf[string]
	Year     *field
	Annual   *field
	Seasonal *widget.Check
	Weights  [12]*field
	Actuals  [12]*field
	Targets  [12]*widget.Label
	Rates    [12]*widget.Label
	Rollups  *widget.Label
	Message  *widget.Label
	header   *widget.Label // the grid's first heading (月份)
	names    map[string]kaohe.ManagerLevel
	pick     loader // the chosen figures, read after each pick
	shown    string // the figures on screen: manager, metric and year ("" while reading)
	reading  bool   // the chosen figures are being read
	// Split and SaveActualsBtn save; sv runs their writes, one at a time.
	Split, SaveActualsBtn *widget.Button
	sv                    *saver
}

func newTargetScreen(e *env) *TargetScreen {
	s := &TargetScreen{loader: loader{e: e}, pick: loader{e: e}, e: e, names: map[string]kaohe.ManagerLevel{}}
	s.Manager = newSelectOf[string](nil, func(id string) string { return managerLabel(s.names[id]) }, func(string) { s.load() })
	var metrics []string
	for _, m := range kaohe.DefaultMetrics() {
		metrics = append(metrics, m.Code)
	}
	s.Metric = newSelectOf(metrics, func(c string) string { return metricName(c) }, func(string) { s.load() })
	s.Year = newField()
	s.Year.SetText(strconv.Itoa(e.today().Year))
	s.Year.OnSubmitted = func(string) { s.load() }
	s.Annual = newField()
	s.Seasonal = widget.NewCheck(T("targets.seasonal"), nil)
	s.Message = wrapLabel("")
	s.Rollups = wrapLabel("")
	s.header = bold(T("targets.month"))
	grid := container.NewGridWithColumns(5, s.header, bold(T("targets.weight")), bold(T("targets.target")), bold(T("targets.actual")), bold(T("targets.rate")))
	seasonal := kaohe.SeasonalWeights()
	for i := 0; i < 12; i++ {
		s.Weights[i] = newField()
		s.Weights[i].SetText(numText(seasonal[i]))
		s.Actuals[i] = newField()
		s.Targets[i], s.Rates[i] = widget.NewLabel(""), widget.NewLabel("")
		grid.Add(widget.NewLabel(T("targets.month_n", "Month", i+1)))
		grid.Add(s.Weights[i])
		grid.Add(s.Targets[i])
		grid.Add(s.Actuals[i])
		grid.Add(s.Rates[i])
	}
	split := primaryButton(T("targets.split"), theme.ViewRefreshIcon(), s.SaveTarget)
	saveActuals := widget.NewButtonWithIcon(T("targets.save_actuals"), theme.DocumentSaveIcon(), s.SaveActuals)
	s.Split, s.SaveActualsBtn = split, saveActuals
	s.sv = newSaver(e, split, saveActuals)
	importBtn := widget.NewButtonWithIcon(T("excel.import_actuals"), theme.FolderOpenIcon(), func() { e.chooseXLSX(func(p string) { s.ImportActuals(p) }) })
	exportBtn := widget.NewButtonWithIcon(T("excel.export_figures"), theme.DownloadIcon(), func() {
		y, _ := strconv.Atoi(strings.TrimSpace(s.Year.Text))
		e.exportXLSX(T("excel.figures_file", "Year", y), func(ctx context.Context, p string) error { return e.svc.ExportFigures(ctx, y, p) })
	})
	top := container.NewVBox(
		container.NewGridWithColumns(3,
			container.NewBorder(nil, nil, widget.NewLabel(T("assess.manager")), nil, s.Manager),
			container.NewBorder(nil, nil, widget.NewLabel(T("targets.metric")), nil, s.Metric),
			container.NewBorder(nil, nil, widget.NewLabel(T("field.year")), nil, s.Year)),
		container.NewBorder(nil, nil, widget.NewLabel(T("targets.annual")), container.NewHBox(s.Seasonal, split), s.Annual),
	)
	bottom := container.NewVBox(s.Rollups, s.Message, container.NewHBox(saveActuals, importBtn, exportBtn))
	s.Empty = newEmptyNote()
	s.view = container.NewBorder(container.NewVBox(s.Empty.View(), top), bottom, nil, nil, container.NewVScroll(grid))
	s.Empty.In(s.view)
	s.Reload()
	return s
}

func metricName(code string) string {
	for _, m := range kaohe.DefaultMetrics() {
		if m.Code == code {
			return Tr(m.Name)
		}
	}
	return code
}

// View returns the screen's content.
func (s *TargetScreen) View() fyne.CanvasObject { return s.view }

// stop abandons the reads in flight: the screen went away.
func (s *TargetScreen) stop() { s.loader.stop(); s.pick.stop() }

// stale says the figures chosen were never shown (their read was abandoned):
// the screen reads again when shown.
func (s *TargetScreen) stale() bool { return s.reading }

// Reload refreshes the manager list (read in the background) and the
// figures.
func (s *TargetScreen) Reload() { s.readManagers(false) }

// refresh refreshes the manager list (a sync brought changes) and leaves
// the figures as typed while the same manager stays chosen.
func (s *TargetScreen) refresh() { s.readManagers(true) }

func (s *TargetScreen) readManagers(keepForm bool) {
	if _, ok := s.Metric.Value(); !ok {
		s.Metric.SetSelectedIndex(0)
	}
	if s.Message.Text == "" || !keepForm { // a save's outcome stays on a refresh
		showLoading(s.Message)
	}
	e := s.e
	load(&s.loader, func(ctx context.Context) ([]kaohe.ManagerLevel, error) {
		_, ms, err := e.managers(ctx)
		return ms, err
	}, func(ms []kaohe.ManagerLevel, err error) {
		if err != nil {
			say(s.Message, ErrorText(err), true)
			return
		}
		doneLoading(s.Message)
		on := s.Manager.OnChanged
		s.Manager.OnChanged = nil // read once, below
		s.names = s.e.fillManagers(s.Manager, ms, true)
		s.Manager.OnChanged = on
		s.Empty.Say(len(s.Manager.values) == 0, "empty.targets")
		if mid, metric, y, err := s.key(); keepForm && err == nil && s.shown == figuresKey(mid, metric, y) {
			return // the same figures, as typed
		}
		s.load()
	})
}

func figuresKey(managerID, metric string, year int) string {
	return fmt.Sprintf("%s\x00%s\x00%d", managerID, metric, year)
}

// ready says whether the figures on screen may be saved: not while the
// chosen ones are read, else what was typed for one manager would be saved
// as another's.
func (s *TargetScreen) ready() bool {
	if !s.reading {
		return true
	}
	say(s.Message, T("loading"), false)
	return false
}

func (s *TargetScreen) key() (string, string, int, error) {
	mid, _ := s.Manager.Value()
	metric, _ := s.Metric.Value()
	y, err := strconv.Atoi(strings.TrimSpace(s.Year.Text))
	if err != nil || y < 2000 || y > 2100 {
		return "", "", 0, kaohe.Errorf(kaohe.EINVALID, "err.bad_year", "Value", s.Year.Text).OnField("year")
	}
	return mid, metric, y, nil
}

// load shows the chosen manager's figures, read in the background.
func (s *TargetScreen) load() {
	mid, metric, y, err := s.key()
	s.shown, s.reading = "", false
	if err != nil || mid == "" || metric == "" { // nothing chosen: show no one's figures
		s.pick.stop()
		s.Annual.SetText("")
		for i := 0; i < 12; i++ {
			s.Targets[i].SetText("")
			s.Actuals[i].SetText("")
			s.Rates[i].SetText("")
		}
		s.Rollups.SetText("")
		return
	}
	type read struct {
		t, a  kaohe.Months
		saved kaohe.Target
	}
	e := s.e
	s.reading = true
	load(&s.pick, func(ctx context.Context) (r read, err error) {
		if r.t, r.a, err = e.svc.Figures(ctx, mid, metric, y); err != nil {
			return r, err
		}
		// The weights the saved target was split by, so saving it again
		// keeps its split.
		r.saved, err = e.svc.Target(ctx, mid, metric, y)
		return r, err
	}, func(r read, err error) {
		s.reading = false
		if err != nil {
			say(s.Message, ErrorText(err), true)
			return
		}
		s.show(r.t, r.a, r.saved, y)
		s.shown = figuresKey(mid, metric, y)
	})
}

// show puts a manager's figures of a year on screen.
func (s *TargetScreen) show(t, a kaohe.Months, saved kaohe.Target, y int) {
	s.Annual.SetText(strconv.FormatInt(t.Total(), 10))
	// An even or new target offers the seasonal defaults.
	weights := saved.Weights
	s.Seasonal.SetChecked(len(weights) == 12)
	if len(weights) != 12 {
		weights = kaohe.SeasonalWeights()
	}
	for i, w := range weights {
		s.Weights[i].SetText(numText(w))
	}
	for i := 0; i < 12; i++ {
		s.Targets[i].SetText(strconv.FormatInt(t[i], 10))
		s.Actuals[i].SetText("")
		if a[i] != 0 {
			s.Actuals[i].SetText(strconv.FormatInt(a[i], 10))
		}
		s.Rates[i].SetText(progressText(kaohe.RollupAsOf(t, a, kaohe.Span{Kind: kaohe.PeriodMonth, Index: i + 1}, y, s.e.today())))
	}
	var parts []string
	for _, sp := range []kaohe.Span{{Kind: kaohe.PeriodQuarter, Index: 1}, {Kind: kaohe.PeriodQuarter, Index: 2}, {Kind: kaohe.PeriodQuarter, Index: 3},
		{Kind: kaohe.PeriodQuarter, Index: 4}, {Kind: kaohe.PeriodHalf, Index: 1}, {Kind: kaohe.PeriodHalf, Index: 2}, {Kind: kaohe.PeriodYear}} {
		parts = append(parts, fmt.Sprintf("%s %s", T("span."+string(sp.Kind), "N", sp.Index), progressText(kaohe.RollupAsOf(t, a, sp, y, s.e.today()))))
	}
	s.Rollups.SetText(strings.Join(parts, Textf("　")))
}

// progressText is a span's completion as of today: months not yet ended
// are in progress (marked, and left out of the rate), never 0 %.
func progressText(p kaohe.SpanProgress) string {
	rate, ok := p.Rate()
	switch {
	case p.Ended == 0:
		return T("targets.in_progress")
	case p.InProgress():
		return T("targets.so_far", "Rate", pctText(rate, ok), "Ended", p.Ended, "Months", p.Months)
	}
	return pctText(rate, ok)
}

func pctText(rate float64, ok bool) string {
	if !ok {
		return "—"
	}
	return fmt.Sprintf("%.1f%%", rate*100)
}

// SaveTarget splits the annual target into months and saves it.
func (s *TargetScreen) SaveTarget() {
	if s.sv.saving() {
		return // a second tap saves nothing twice
	}
	mid, metric, y, err := s.key()
	if err != nil {
		say(s.Message, ErrorText(err), true)
		return
	}
	if !s.ready() {
		return
	}
	annual, ok := parseNumber(s.Annual.Text)
	if !ok || annual != float64(int64(annual)) {
		say(s.Message, ErrorText(kaohe.Errorf(kaohe.EINVALID, "err.not_a_number", "Item", T("targets.annual"), "Value", s.Annual.Text)), true)
		return
	}
	var weights []float64
	if s.Seasonal.Checked {
		weights = make([]float64, 12)
		for i, en := range s.Weights {
			v, ok := parseNumber(en.Text)
			if !ok {
				say(s.Message, ErrorText(kaohe.Errorf(kaohe.EINVALID, "err.not_a_number", "Item", T("targets.month_n", "Month", i+1), "Value", en.Text)), true)
				return
			}
			weights[i] = v
		}
	}
	e := s.e
	showSaving(s.Message)
	save(s.sv, func(ctx context.Context) (kaohe.Target, error) {
		return e.svc.SetTarget(ctx, e.actor, mid, metric, y, int64(annual), weights)
	}, func(_ kaohe.Target, err error) { s.saved(err) })
}

// saved says how a save went; the figures saved are read again (split into
// months) through the data version.
func (s *TargetScreen) saved(err error) {
	if err != nil {
		say(s.Message, ErrorText(err), true)
		return
	}
	s.shown = "" // not as typed any more: the refresh reads them again
	say(s.Message, T("targets.saved"), false)
}

// SaveActuals saves the typed monthly actuals, all or none.
func (s *TargetScreen) SaveActuals() {
	if s.sv.saving() {
		return
	}
	mid, metric, y, err := s.key()
	if err != nil {
		say(s.Message, ErrorText(err), true)
		return
	}
	if !s.ready() {
		return
	}
	values := map[int]int64{}
	for i, en := range s.Actuals {
		if strings.TrimSpace(en.Text) == "" {
			continue
		}
		v, ok := parseNumber(en.Text)
		if !ok || v < 0 || v != float64(int64(v)) {
			say(s.Message, ErrorText(kaohe.Errorf(kaohe.EINVALID, "err.bad_figure", "Month", i+1, "Value", en.Text)), true)
			return
		}
		values[i+1] = int64(v)
	}
	e := s.e
	showSaving(s.Message)
	saveErr(s.sv, func(ctx context.Context) error {
		return e.svc.SetActuals(ctx, e.actor, mid, metric, y, values)
	}, s.saved)
}

// ImportActuals previews a workbook of monthly actuals for import.
func (s *TargetScreen) ImportActuals(path string) *ImportDialog {
	return s.e.importFile(path, s.e.svc.PreviewActuals, s.load)
}
