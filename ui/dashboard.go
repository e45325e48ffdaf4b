package ui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"kaohe/internal/kaohe"
)

// DashboardScreen shows headcount by level, applications under review,
// probations ending soon, this year's training hours, the last period's
// grades and the sync state.
type DashboardScreen struct {
	loader
	e    *env
	view *fyne.Container

	Data      kaohe.Dashboard
	Headcount *BarChart
	Hours     *BarChart
	Grades    *BarChart
	Pending   *widget.Label
	Ending    *widget.Label
	Sync      *widget.Label
	// Empty says why there are no figures yet and what to do.
	Empty *emptyNote
}

func newDashboard(e *env) *DashboardScreen {
	d := &DashboardScreen{loader: loader{e: e}, e: e, view: container.NewStack(widget.NewLabel(T("loading"))), Empty: newEmptyNote()}
	d.Refresh()
	return d
}

// View returns the screen's content.
func (d *DashboardScreen) View() fyne.CanvasObject { return d.view }

// Refresh reads the figures again, in the background.
func (d *DashboardScreen) Refresh() {
	e := d.e
	type figures struct {
		data kaohe.Dashboard
		sync kaohe.SyncStatus
	}
	load(&d.loader, func(ctx context.Context) (figures, error) {
		data, err := e.svc.Dashboard(ctx)
		if err != nil {
			return figures{}, err
		}
		return figures{data, e.svc.SyncStatus(ctx)}, nil
	}, func(f figures, err error) {
		if err != nil {
			d.view.Objects = []fyne.CanvasObject{wrapLabel(ErrorText(err))}
			d.view.Refresh()
			return
		}
		d.show(f.data, f.sync)
	})
}

// show draws the figures.
func (d *DashboardScreen) show(data kaohe.Dashboard, st kaohe.SyncStatus) {
	d.Data = data
	var heads []Bar
	total := 0
	for l := kaohe.Level1; l <= kaohe.Level5; l++ {
		if n := data.Headcount[l]; n > 0 || l <= kaohe.Level3 {
			heads = append(heads, Bar{LevelName(l), float64(n)})
			total += n
		}
	}
	d.Headcount = NewBarChart(heads)
	var hours []Bar
	for _, c := range kaohe.TrainingCategories() {
		// "专业知识培训" → "专业知识": the card's title already says
		// training. Long English names wrap under their bar (BarChart).
		hours = append(hours, Bar{strings.TrimSuffix(Tr(c.Name), "培训"), data.TrainingHours[c.Code]})
	}
	d.Hours = NewBarChart(hours)
	var grades []Bar
	for _, g := range data.Grades {
		grades = append(grades, Bar{Tr(g.Grade.Name), float64(g.Count)})
	}
	d.Grades = NewBarChart(grades)

	pending := ""
	for _, p := range data.Pending {
		pending += Textf("%s → %s：%s\n", managerLabel(p.Manager), LevelName(p.App.TargetLevel), T("state."+string(p.App.Review.State)))
	}
	if pending == "" {
		pending = T("dash.none")
	}
	d.Pending = widget.NewLabel(pending)
	ending := ""
	for _, p := range data.ProbationsEnding {
		ending += T("dash.probation_line", "Who", managerLabel(p.Manager), "Date", FormatDate(p.App.Review.ProbationEnd)) + "\n"
	}
	if ending == "" {
		ending = T("dash.none")
	}
	d.Ending = widget.NewLabel(ending)
	d.Sync = wrapLabel(syncText(st))

	gradeTitle := T("dash.grades")
	if data.LastPeriod.ID != "" {
		gradeTitle = T("dash.grades_period", "Period", Tr(data.LastPeriod.Name))
	}
	grid := container.NewGridWithColumns(3,
		card(T("dash.headcount", "Total", total), d.Headcount),
		card(T("dash.training_hours", "Year", d.e.today().Year), d.Hours),
		card(gradeTitle, d.Grades),
		card(T("dash.pending"), container.NewVScroll(d.Pending)),
		card(T("dash.probations"), container.NewVScroll(d.Ending)),
		card(T("dash.sync"), d.Sync),
	)
	d.Empty.Say(total == 0, "empty.dashboard")
	d.view.Objects = []fyne.CanvasObject{container.NewBorder(d.Empty.View(), nil, nil, nil, container.NewVScroll(grid))}
	d.view.Refresh()
}

// ShowSync shows a new sync status.
func (d *DashboardScreen) ShowSync(st kaohe.SyncStatus) {
	if d.Sync != nil {
		d.Sync.SetText(syncText(st))
	}
}

// Reload reads the figures again.
func (d *DashboardScreen) Reload() { d.Refresh() }
