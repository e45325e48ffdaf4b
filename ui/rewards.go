package ui

import (
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
	e       *env
	view    fyne.CanvasObject
	List    *widget.Label
	Manager *selectOf[string]
	Type    *selectOf[kaohe.RewardType]
	Amount  *field
	Reason  *field
	Date    *field
	By      *field
	Message *widget.Label
	names   map[string]kaohe.ManagerLevel
}

func newRewardScreen(e *env) *RewardScreen {
	s := &RewardScreen{e: e, names: map[string]kaohe.ManagerLevel{}}
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
	s.By.SetText(e.actor)
	s.Message = wrapLabel("")
	s.List = wrapLabel("")
	save := primaryButton(T("action.save"), theme.DocumentSaveIcon(), s.Save)
	form := widget.NewForm(
		widget.NewFormItem(T("assess.manager"), s.Manager),
		widget.NewFormItem(T("field.type"), s.Type),
		widget.NewFormItem(T("field.amount"), s.Amount),
		widget.NewFormItem(T("field.reason"), s.Reason),
		widget.NewFormItem(T("field.date"), s.Date),
		widget.NewFormItem(T("field.decided_by"), s.By),
	)
	submitOnEnter(form, s.Save)
	left := container.NewBorder(container.NewVBox(bold(T("rewards.new")), form, s.Message, container.NewHBox(save)), nil, nil, nil, nil)
	split := container.NewHSplit(left, container.NewBorder(bold(T("rewards.list")), nil, nil, nil, container.NewVScroll(s.List)))
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
	return fmt.Sprintf("%s（%s · %s）", Tr(info.Name), kind, sub)
}

// View returns the screen's content.
func (s *RewardScreen) View() fyne.CanvasObject { return s.view }

// Reload re-reads the records.
func (s *RewardScreen) Reload() {
	all, err := s.e.svc.ListManagers(bg, kaohe.ManagerFilter{})
	if err != nil {
		s.e.showError(err)
	}
	s.names = map[string]kaohe.ManagerLevel{}
	for _, m := range all {
		s.names[m.ID] = m // records of people who left still show their names
	}
	fillManagers(s.Manager, s.e.activeManagers(), false)
	rs, err := s.e.svc.RewardsPenalties(bg, "")
	if err != nil {
		s.e.showError(err)
	}
	var lines []string
	for _, r := range rs {
		info, _ := r.Type.Info()
		amount := ""
		if info.HasAmount {
			amount = fmt.Sprintf(" %d %s", r.Amount, T("unit.yuan"))
		}
		lines = append(lines, fmt.Sprintf("%s　%s　%s%s　%s（%s）", FormatDate(r.Date), managerLabel(s.names[r.ManagerID]), Tr(info.Name), amount, r.Reason, r.DecidedBy))
	}
	if len(lines) == 0 {
		lines = []string{T("dash.none")}
	}
	s.List.SetText(strings.Join(lines, "\n"))
}

// Save records the reward or penalty.
func (s *RewardScreen) Save() {
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
		say(s.Message, ErrorText(err), true)
		return
	}
	r.Date = d
	if _, err := s.e.svc.SaveRewardPenalty(bg, s.e.actor, r); err != nil {
		say(s.Message, ErrorText(err), true)
		return
	}
	s.Reason.SetText("")
	s.Amount.SetText("")
	s.Reload()
	say(s.Message, T("rewards.saved"), false)
}
