package ui

import (
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"kaohe/internal/kaohe"
)

// AccountsScreen keeps the install's accounts (showroom manager; HQ admin in
// HQ mode) and the idle-lock setting.
type AccountsScreen struct {
	e    *env
	list []kaohe.Account
	cur  kaohe.Account

	List       *widget.List
	Name       *widget.Entry
	EmployeeNo *widget.Entry
	Role       *widget.Select
	Password   *widget.Entry
	Disabled   *widget.Check
	Save       *widget.Button
	New        *widget.Button
	Idle       *widget.Entry
	SaveIdle   *widget.Button
	Message    *widget.Label
	view       fyne.CanvasObject
	roles      []kaohe.Role

	// HQ mode: the showrooms' accounts, which HQ's admin may disable.
	Rooms       *listTable[kaohe.Account]
	BlockReason *field
	Block       *widget.Button
	Unblock     *widget.Button
	RoomMessage *widget.Label
	room        kaohe.Account
	codes       map[string]string // showroom id → code
}

func newAccountsScreen(e *env) *AccountsScreen {
	s := &AccountsScreen{e: e, Name: widget.NewEntry(), EmployeeNo: widget.NewEntry(), Password: widget.NewPasswordEntry(), Message: wrapLabel("")}
	s.roles = kaohe.ShowroomRoles
	if e.svc.IsHQ(bg) {
		s.roles = kaohe.HQRoles
	}
	var names []string
	for _, r := range s.roles {
		names = append(names, T("role."+string(r)))
	}
	s.Role = widget.NewSelect(names, nil)
	s.Disabled = widget.NewCheck(T("accounts.disabled"), nil)
	s.Password.SetPlaceHolder(T("accounts.password_keep"))
	s.List = widget.NewList(func() int { return len(s.list) }, func() fyne.CanvasObject { return widget.NewLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			a := s.list[i]
			text := personName(a.Name, a.EmployeeNo) + " " + T("role."+string(a.Role))
			if !a.Active() {
				text += " · " + T("accounts.disabled")
			}
			o.(*widget.Label).SetText(text)
		})
	s.List.OnSelected = func(i widget.ListItemID) { s.edit(s.list[i]) }
	s.Save = primaryButton(T("action.save"), theme.DocumentSaveIcon(), s.save)
	s.New = widget.NewButtonWithIcon(T("accounts.new"), theme.ContentAddIcon(), func() { s.List.UnselectAll(); s.edit(kaohe.Account{}) })
	s.Idle = widget.NewEntry()
	s.SaveIdle = widget.NewButton(T("action.save"), s.saveIdle)
	form := widget.NewForm(
		widget.NewFormItem(T("field.name"), s.Name),
		widget.NewFormItem(T("field.employee_no"), s.EmployeeNo),
		widget.NewFormItem(T("field.role"), s.Role),
		widget.NewFormItem(T("field.password"), s.Password),
		widget.NewFormItem("", s.Disabled),
	)
	idle := widget.NewForm(widget.NewFormItem(T("field.idle_minutes"), container.NewBorder(nil, nil, nil, s.SaveIdle, s.Idle)))
	right := container.NewVBox(form, container.NewHBox(s.Save, s.New), s.Message, widget.NewSeparator(), idle)
	s.view = container.NewHSplit(container.NewBorder(widget.NewLabel(T("nav.accounts")), nil, nil, nil, s.List), container.NewVScroll(right))
	if e.svc.IsHQ(bg) {
		split := container.NewVSplit(s.view, s.showroomAccounts())
		split.Offset = 0.5
		s.view = split
	}
	s.edit(kaohe.Account{})
	s.Reload()
	return s
}

// View returns the screen.
func (s *AccountsScreen) View() fyne.CanvasObject { return s.view }

// showroomAccounts is HQ mode's list of every showroom's accounts, with
// disable (a reason) and enable: HQ's word reaches the showroom with its
// next sync. The service refuses anyone but HQ's admin.
func (s *AccountsScreen) showroomAccounts() fyne.CanvasObject {
	state := func(a kaohe.Account) string {
		switch {
		case a.BlockedByHQ:
			return T("accounts.blocked_by_hq")
		case a.Disabled:
			return T("accounts.disabled")
		}
		return T("accounts.active")
	}
	s.Rooms = newListTable([]column[kaohe.Account]{
		{key: "col.showroom", width: 110, text: func(a kaohe.Account) string { return s.codes[a.ShowroomID] }},
		{key: "field.employee_no", width: 90, text: func(a kaohe.Account) string { return a.EmployeeNo }},
		{key: "field.name", width: 110, text: func(a kaohe.Account) string { return a.Name }},
		{key: "field.role", width: 110, text: func(a kaohe.Account) string { return T("role." + string(a.Role)) }},
		{key: "field.status", width: 120, text: state},
	})
	s.BlockReason = newField()
	s.BlockReason.SetPlaceHolder(T("field.reason"))
	s.RoomMessage = wrapLabel("")
	s.Block = widget.NewButtonWithIcon(T("accounts.block"), theme.CancelIcon(), func() { s.block(true) })
	s.Unblock = widget.NewButtonWithIcon(T("accounts.unblock"), theme.ConfirmIcon(), func() { s.block(false) })
	s.Block.Disable()
	s.Unblock.Disable()
	s.Rooms.OnSelected = func(a kaohe.Account) {
		s.room = a
		s.Block.Enable()
		s.Unblock.Enable()
		say(s.RoomMessage, T("accounts.chosen", "Name", Textf("%s（%s）", a.Name, a.EmployeeNo), "Showroom", s.codes[a.ShowroomID]), false)
	}
	actions := container.NewBorder(nil, nil, widget.NewLabel(T("field.reason")), container.NewHBox(s.Block, s.Unblock), s.BlockReason)
	return container.NewBorder(container.NewVBox(bold(T("accounts.showrooms")), wrapLabel(T("accounts.showrooms_hint"))),
		container.NewVBox(actions, s.RoomMessage), nil, nil, s.Rooms.View())
}

func (s *AccountsScreen) block(blocked bool) {
	a := s.room
	if a.ID == "" {
		return
	}
	if err := s.e.svc.BlockAccount(bg, s.e.actor, a.ID, blocked, s.BlockReason.Text); err != nil {
		say(s.RoomMessage, ErrorText(err), true)
		return
	}
	s.BlockReason.SetText("")
	s.Reload()
	key := map[bool]string{true: "accounts.blocked", false: "accounts.unblocked"}[blocked]
	say(s.RoomMessage, T(key, "Name", Textf("%s（%s）", a.Name, a.EmployeeNo)), false)
}

// Reload re-reads the accounts.
func (s *AccountsScreen) Reload() {
	var err error
	if s.list, err = s.e.svc.Accounts(bg, s.e.actor); err != nil {
		say(s.Message, ErrorText(err), true)
	}
	s.List.Refresh()
	s.Idle.SetText(strconv.Itoa(s.e.svc.IdleLockMinutes(bg)))
	if s.Rooms != nil {
		s.codes = map[string]string{}
		if srs, err := s.e.svc.Showrooms(bg); err == nil {
			for _, sr := range srs {
				s.codes[sr.ID] = sr.Code
			}
		}
		all, err := s.e.svc.AllAccounts(bg, s.e.actor)
		if err != nil {
			say(s.RoomMessage, ErrorText(err), true)
		}
		var rooms []kaohe.Account
		for _, a := range all {
			if a.ShowroomID != "" {
				rooms = append(rooms, a)
			}
		}
		s.Rooms.Set(rooms)
	}
}

func (s *AccountsScreen) edit(a kaohe.Account) {
	s.cur = a
	s.Name.SetText(a.Name)
	s.EmployeeNo.SetText(a.EmployeeNo)
	s.Role.ClearSelected()
	for i, r := range s.roles {
		if r == a.Role {
			s.Role.SetSelectedIndex(i)
		}
	}
	s.Password.SetText("")
	s.Disabled.SetChecked(a.Disabled)
}

func (s *AccountsScreen) save() {
	a := s.cur
	a.Name, a.EmployeeNo, a.Disabled = s.Name.Text, strings.TrimSpace(s.EmployeeNo.Text), s.Disabled.Checked
	a.Role = ""
	if i := s.Role.SelectedIndex(); i >= 0 {
		a.Role = s.roles[i]
	}
	saved, err := s.e.svc.SaveAccount(bg, s.e.actor, a, s.Password.Text)
	if err != nil {
		say(s.Message, ErrorText(err), true)
		return
	}
	s.Reload()
	s.edit(saved)
	say(s.Message, T("accounts.saved", "Name", saved.Name), false)
}

func (s *AccountsScreen) saveIdle() {
	n, err := strconv.Atoi(strings.TrimSpace(s.Idle.Text))
	if err != nil {
		n = -1
	}
	if err := s.e.svc.SetIdleLockMinutes(bg, s.e.actor, n); err != nil {
		say(s.Message, ErrorText(err), true)
		return
	}
	say(s.Message, T("accounts.idle_saved", "Minutes", n), false)
}
