package ui

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"kaohe/internal/kaohe"
)

// RewardScreen records rewards and penalties, substantive (奖金、罚款、降级)
// or not (通报表扬、警告、通报批评).
type RewardScreen struct {
	loader
	e       *env
	view    fyne.CanvasObject
	List    *listTable[kaohe.RewardPenalty]
	Manager *selectOf[string]
	Type    *selectOf[kaohe.RewardType]
	Amount  *field
	Reason  *field
	Date    *field
	By      *field
	Message *widget.Label
	SaveBtn *widget.Button
	names   map[string]kaohe.ManagerLevel
	sv      *saver
}

func newRewardScreen(e *env) *RewardScreen {
	s := &RewardScreen{loader: loader{e: e}, e: e, names: map[string]kaohe.ManagerLevel{}}
	s.Manager = newSelectOf[string](nil, func(id string) string { return managerLabel(s.names[id]) }, nil)
	var types []kaohe.RewardType
	for _, t := range kaohe.RewardTypes() {
		types = append(types, t.Type)
	}
	s.Type = newSelectOf(types, rewardLabel, func(t kaohe.RewardType) {
		if info, _ := t.Info(); info.HasAmount {
			s.Amount.Enable()
		} else {
			s.Amount.SetText("")
			s.Amount.Disable()
		}
	})
	s.Amount, s.Reason, s.Date, s.By = newField(), newField(), newField(), newField()
	s.Date.SetText(e.today().String())
	s.By.SetText(e.actor.String())
	s.Message = wrapLabel("")
	amount := func(r kaohe.RewardPenalty) string {
		if info, _ := r.Type.Info(); info.HasAmount {
			return fmt.Sprintf("%d %s", r.Amount, T("unit.yuan"))
		}
		return ""
	}
	s.List = newListTable([]column[kaohe.RewardPenalty]{
		{key: "field.date", width: 150, text: func(r kaohe.RewardPenalty) string { return FormatDate(r.Date) },
			less: func(a, b kaohe.RewardPenalty) bool { return a.Date.Before(b.Date) }},
		{key: "assess.manager", width: 110, text: func(r kaohe.RewardPenalty) string { return managerLabel(s.names[r.ManagerID]) }},
		{key: "field.type", width: 200, text: func(r kaohe.RewardPenalty) string { return rewardLabel(r.Type) }},
		{key: "field.amount", width: 90, text: amount, less: func(a, b kaohe.RewardPenalty) bool { return a.Amount < b.Amount }},
		{key: "field.reason", width: 200, text: func(r kaohe.RewardPenalty) string { return r.Reason }},
		{key: "field.decided_by", width: 90, text: func(r kaohe.RewardPenalty) string { return r.DecidedBy }},
	})
	s.List.SetEmpty("empty.rewards")
	s.List.ID = func(r kaohe.RewardPenalty) string { return r.ID }
	s.List.SortBy(0) // the same column again: latest first
	s.SaveBtn = primaryButton(T("action.save"), theme.DocumentSaveIcon(), s.Save)
	s.sv = newSaver(e, s.SaveBtn)
	form := widget.NewForm(
		widget.NewFormItem(T("assess.manager"), s.Manager),
		widget.NewFormItem(T("field.type"), s.Type),
		widget.NewFormItem(T("field.amount"), s.Amount),
		widget.NewFormItem(T("field.reason"), s.Reason),
		widget.NewFormItem(T("field.date"), s.Date),
		widget.NewFormItem(T("field.decided_by"), s.By),
	)
	submitOnEnter(form, s.Save)
	left := container.NewBorder(container.NewVBox(bold(T("rewards.new")), form, s.Message, container.NewHBox(s.SaveBtn)), nil, nil, nil, nil)
	split := container.NewHSplit(left, container.NewBorder(bold(T("rewards.list")), nil, nil, nil, s.List.View()))
	split.Offset = 0.45
	s.view = split
	s.Reload()
	return s
}

func rewardLabel(t kaohe.RewardType) string {
	info, _ := t.Info()
	kind := T("rewards.reward")
	if !info.Reward {
		kind = T("rewards.penalty")
	}
	sub := T("rewards.nonsubstantive")
	if info.Substantive {
		sub = T("rewards.substantive")
	}
	return Textf("%s（%s · %s）", Tr(info.Name), kind, sub)
}

// View returns the screen's content.
func (s *RewardScreen) View() fyne.CanvasObject { return s.view }

// Reload re-reads the records, in the background.
func (s *RewardScreen) Reload() {
	type data struct {
		all, active []kaohe.ManagerLevel
		records     []kaohe.RewardPenalty
	}
	e := s.e
	load(&s.loader, func(ctx context.Context) (d data, err error) {
		if d.all, d.active, err = e.managers(ctx); err != nil {
			return d, err
		}
		d.records, err = e.svc.RewardsPenalties(ctx, "")
		return d, err
	}, func(d data, err error) {
		if err != nil {
			s.e.showError(err)
		}
		s.names = e.byID(d.all) // records of people who left still show their names
		e.fillManagers(s.Manager, d.active, false)
		s.List.Set(d.records)
	})
}

// Save records the reward or penalty.
func (s *RewardScreen) Save() {
	if s.sv.saving() {
		return // a second tap or Enter saves nothing twice
	}
	r := kaohe.RewardPenalty{Reason: strings.TrimSpace(s.Reason.Text), DecidedBy: strings.TrimSpace(s.By.Text)}
	r.ManagerID, _ = s.Manager.Value()
	r.Type, _ = s.Type.Value()
	if r.ManagerID == "" {
		say(s.Message, T("managers.select_first"), true)
		return
	}
	if txt := strings.TrimSpace(s.Amount.Text); txt != "" {
		v, ok := parseNumber(txt)
		if !ok {
			say(s.Message, ErrorText(kaohe.Errorf(kaohe.EINVALID, "err.not_a_number", "Item", T("field.amount"), "Value", txt)), true)
			return
		}
		r.Amount = int64(v)
	}
	d, err := kaohe.ParseDate(s.Date.Text)
	if err != nil {
		say(s.Message, ErrorText(err.(*kaohe.Error).OnField("date")), true)
		return
	}
	r.Date = d
	e := s.e
	showSaving(s.Message)
	save(s.sv, func(ctx context.Context) (kaohe.RewardPenalty, error) {
		return e.svc.SaveRewardPenalty(ctx, e.actor, r)
	}, func(_ kaohe.RewardPenalty, err error) {
		if err != nil {
			say(s.Message, ErrorText(err), true)
			return
		}
		s.Reason.SetText("")
		s.Amount.SetText("")
		say(s.Message, T("rewards.saved"), false) // the list is read again through the data version
	})
}
