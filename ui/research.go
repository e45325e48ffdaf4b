package ui

import (
	"context"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"kaohe/internal/kaohe"
)

// ResearchScreen keeps the market surveys the policy makes a duty of each
// level: competitors, the property market, local housing projects (price,
// units, handover, sales, decoration, cooperation) and decorators.
type ResearchScreen struct {
	loader
	e       *env
	view    fyne.CanvasObject
	Manager *selectOf[string]
	Kind    *selectOf[kaohe.ResearchKind]
	Date    *field
	Subject *field
	Details *field
	Price   *field
	Units   *field
	Deliver *field
	Sales   *field
	Decor   *field
	Coop    *field
	List    *listTable[kaohe.MarketResearch]
	Message *widget.Label
	SaveBtn *widget.Button
	names   map[string]kaohe.ManagerLevel
	project *fyne.Container
	sv      *saver
}

func newResearchScreen(e *env) *ResearchScreen {
	s := &ResearchScreen{loader: loader{e: e}, e: e, names: map[string]kaohe.ManagerLevel{}}
	s.Manager = newSelectOf[string](nil, func(id string) string { return managerLabel(s.names[id]) }, func(string) { s.loadRecords() })
	var kinds []kaohe.ResearchKind
	for _, k := range kaohe.ResearchKinds() {
		kinds = append(kinds, k.Code)
	}
	s.Kind = newSelectOf(kinds, func(k kaohe.ResearchKind) string { return Tr(kaohe.NameOf(kaohe.ResearchKinds(), k)) }, func(k kaohe.ResearchKind) {
		if k == kaohe.ResearchProject {
			s.project.Show()
		} else {
			s.project.Hide()
		}
	})
	s.Date, s.Subject, s.Details = newField(), newField(), newMultiField()
	s.Details.Wrapping = fyne.TextWrapWord
	s.Details.SetMinRowsVisible(3)
	s.Date.SetText(e.today().String())
	s.Price, s.Units, s.Deliver, s.Sales, s.Decor, s.Coop = newField(), newField(), newField(), newField(), newField(), newField()
	s.Deliver.SetPlaceHolder(T("hint.date"))
	s.project = container.NewVBox(widget.NewForm(
		widget.NewFormItem(T("research.price"), s.Price),
		widget.NewFormItem(T("research.units"), s.Units),
		widget.NewFormItem(T("research.delivery"), s.Deliver),
		widget.NewFormItem(T("research.sales"), s.Sales),
		widget.NewFormItem(T("research.decoration"), s.Decor),
	))
	s.project.Hide()
	s.Message = wrapLabel("")
	kind := func(r kaohe.MarketResearch) string { return Tr(kaohe.NameOf(kaohe.ResearchKinds(), r.Kind)) }
	project := func(r kaohe.MarketResearch) string {
		if r.Kind != kaohe.ResearchProject {
			return ""
		}
		return strings.TrimLeft(T("research.project_line", "Price", r.PricePerM2, "Units", r.Units, "Delivery", FormatDate(r.Delivery), "Sales", r.SalesStatus, "Decor", r.Decoration), "　; ")
	}
	s.List = newListTable([]column[kaohe.MarketResearch]{
		{key: "field.date", width: 130, text: func(r kaohe.MarketResearch) string { return FormatDate(r.Date) },
			less: func(a, b kaohe.MarketResearch) bool { return a.Date.Before(b.Date) }},
		{key: "field.kind", width: 90, text: kind},
		{key: "field.subject", width: 130, text: func(r kaohe.MarketResearch) string { return r.Subject }},
		{key: "field.details", width: 200, text: func(r kaohe.MarketResearch) string { return r.Details }},
		{key: "research.project", width: 300, text: project},
		{key: "research.cooperation", width: 150, text: func(r kaohe.MarketResearch) string { return r.Cooperation }},
	})
	s.List.SetEmpty("empty.research")
	s.List.ID = func(r kaohe.MarketResearch) string { return r.ID }
	s.List.SortBy(0) // the same column again: latest first
	s.SaveBtn = primaryButton(T("action.save"), theme.DocumentSaveIcon(), s.Save)
	s.sv = newSaver(e, s.SaveBtn)
	form := widget.NewForm(
		widget.NewFormItem(T("assess.manager"), s.Manager),
		widget.NewFormItem(T("field.kind"), s.Kind),
		widget.NewFormItem(T("field.date"), s.Date),
		widget.NewFormItem(T("field.subject"), s.Subject),
		widget.NewFormItem(T("field.details"), s.Details),
		widget.NewFormItem(T("research.cooperation"), s.Coop),
	)
	submitOnEnter(form, s.Save)
	left := container.NewVScroll(container.NewVBox(form, s.project, s.Message, container.NewHBox(s.SaveBtn)))
	split := container.NewHSplit(left, container.NewBorder(bold(T("research.list")), nil, nil, nil, s.List.View()))
	split.Offset = 0.5
	s.view = split
	s.Kind.SetSelectedIndex(0)
	s.Reload()
	return s
}

// View returns the screen's content.
func (s *ResearchScreen) View() fyne.CanvasObject { return s.view }

// Reload re-reads the managers and the chosen one's records.
func (s *ResearchScreen) Reload() {
	e := s.e
	load(&s.loader, func(ctx context.Context) ([]kaohe.ManagerLevel, error) {
		_, active, err := e.managers(ctx)
		return active, err
	}, func(active []kaohe.ManagerLevel, err error) {
		if err != nil {
			s.e.showError(err)
		}
		s.Manager.Select.OnChanged = nil
		s.names = s.e.fillManagers(s.Manager, active, true)
		s.Manager.Select.OnChanged = func(string) { s.loadRecords() }
		s.loadRecords()
	})
}

// loadRecords reads the chosen manager's records in the background.
func (s *ResearchScreen) loadRecords() {
	id, _ := s.Manager.Value()
	e := s.e
	load(&s.loader, func(ctx context.Context) ([]kaohe.MarketResearch, error) {
		if id == "" {
			return nil, nil
		}
		return e.svc.Research(ctx, id)
	}, func(rs []kaohe.MarketResearch, err error) {
		if err != nil {
			s.e.showError(err)
		}
		s.List.Set(rs)
	})
}

// Save saves a survey record.
func (s *ResearchScreen) Save() {
	if s.sv.saving() {
		return // a second tap or Enter saves nothing twice
	}
	r := kaohe.MarketResearch{Subject: strings.TrimSpace(s.Subject.Text), Details: strings.TrimSpace(s.Details.Text), Cooperation: strings.TrimSpace(s.Coop.Text)}
	r.ManagerID, _ = s.Manager.Value()
	r.Kind, _ = s.Kind.Value()
	d, err := kaohe.ParseDate(s.Date.Text)
	if err != nil {
		say(s.Message, ErrorText(err.(*kaohe.Error).OnField("date")), true)
		return
	}
	r.Date = d
	if r.Kind == kaohe.ResearchProject {
		if t := strings.TrimSpace(s.Price.Text); t != "" {
			if r.PricePerM2, err = strconv.ParseInt(t, 10, 64); err != nil {
				say(s.Message, ErrorText(kaohe.Errorf(kaohe.EINVALID, "err.not_a_number", "Item", T("research.price"), "Value", t)), true)
				return
			}
		}
		if t := strings.TrimSpace(s.Units.Text); t != "" {
			if r.Units, err = strconv.Atoi(t); err != nil {
				say(s.Message, ErrorText(kaohe.Errorf(kaohe.EINVALID, "err.not_a_number", "Item", T("research.units"), "Value", t)), true)
				return
			}
		}
		if t := strings.TrimSpace(s.Deliver.Text); t != "" {
			if r.Delivery, err = kaohe.ParseDate(t); err != nil {
				say(s.Message, ErrorText(err.(*kaohe.Error).OnField("delivery")), true)
				return
			}
		}
		r.SalesStatus, r.Decoration = strings.TrimSpace(s.Sales.Text), strings.TrimSpace(s.Decor.Text)
	}
	e := s.e
	showSaving(s.Message)
	save(s.sv, func(ctx context.Context) (kaohe.MarketResearch, error) {
		return e.svc.SaveResearch(ctx, e.actor, r)
	}, func(_ kaohe.MarketResearch, err error) {
		if err != nil {
			say(s.Message, ErrorText(err), true)
			return
		}
		for _, en := range []*field{s.Subject, s.Details, s.Price, s.Units, s.Deliver, s.Sales, s.Decor, s.Coop} {
			en.SetText("")
		}
		say(s.Message, T("research.saved"), false) // the records are read again through the data version
	})
}
