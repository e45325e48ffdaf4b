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

// AccountsScreen keeps the install's accounts (showroom manager; HQ admin in
// HQ mode) and the idle-lock setting.
type AccountsScreen struct {
	loader
	e    *env
	list []kaohe.Account
	cur  kaohe.Account

	// List is the install's accounts, sortable and searchable.
	List       *listTable[kaohe.Account]
	Name       *widget.Entry
	EmployeeNo *widget.Entry
	Role       *widget.Select
	Password   *widget.Entry
	Disabled   *widget.Check
	Save       *widget.Button
	New        *widget.Button
	Idle       *widget.Entry
	idleTyped  bool // Idle holds what was typed, not what was read
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
	sv, roomSv  *saver            // the writes under way: the form's, the showrooms' list's
	edits       int               // one more each time another account is put in the form
}

func newAccountsScreen(e *env) *AccountsScreen {
	s := &AccountsScreen{loader: loader{e: e}, e: e, Name: widget.NewEntry(), EmployeeNo: widget.NewEntry(), Password: widget.NewPasswordEntry(), Message: wrapLabel("")}
	s.roles = kaohe.ShowroomRoles
	hqMode := e.svc.IsHQ(bg)
	if hqMode {
		s.roles = kaohe.HQRoles
	}
	var names []string
	for _, r := range s.roles {
		names = append(names, T("role."+string(r)))
	}
	s.Role = widget.NewSelect(names, nil)
	s.Role.PlaceHolder = T("select.placeholder") // not Fyne's English "(Select one)"
	s.Disabled = widget.NewCheck(T("accounts.disabled"), nil)
	s.Password.SetPlaceHolder(T("accounts.password_keep"))
	s.List = newListTable([]column[kaohe.Account]{
		{key: "field.employee_no", width: 90, text: func(a kaohe.Account) string { return a.EmployeeNo }},
		{key: "field.name", width: 110, text: func(a kaohe.Account) string { return a.Name }},
		{key: "field.role", width: 110, text: func(a kaohe.Account) string { return T("role." + string(a.Role)) }},
		{key: "field.status", width: 100, text: accountState},
	})
	s.List.ID = func(a kaohe.Account) string { return a.ID }
	s.List.OnSelected = func(a kaohe.Account) { s.edit(a) }
	s.Save = primaryButton(T("action.save"), theme.DocumentSaveIcon(), s.save)
	s.New = widget.NewButtonWithIcon(T("accounts.new"), theme.ContentAddIcon(), func() { s.List.Table.UnselectAll(); s.edit(kaohe.Account{}) })
	s.Idle = widget.NewEntry()
	s.Idle.OnChanged = func(string) { s.idleTyped = true }
	s.SaveIdle = widget.NewButton(T("action.save"), s.saveIdle)
	s.sv = newSaver(e, s.Save, s.New, s.SaveIdle)
	form := widget.NewForm(
		widget.NewFormItem(T("field.name"), s.Name),
		widget.NewFormItem(T("field.employee_no"), s.EmployeeNo),
		widget.NewFormItem(T("field.role"), s.Role),
		widget.NewFormItem(T("field.password"), s.Password),
		widget.NewFormItem("", s.Disabled),
	)
	idle := widget.NewForm(widget.NewFormItem(T("field.idle_minutes"), container.NewBorder(nil, nil, nil, s.SaveIdle, s.Idle)))
	right := container.NewVBox(form, container.NewHBox(s.Save, s.New), s.Message, widget.NewSeparator(), idle)
	s.view = container.NewHSplit(container.NewBorder(widget.NewLabel(T("nav.accounts")), nil, nil, nil, s.List.View()), container.NewVScroll(right))
	if hqMode {
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
	state := accountState
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
	s.roomSv = newSaver(s.e, s.Block, s.Unblock)
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
	a, e, reason := s.room, s.e, s.BlockReason.Text
	if a.ID == "" || s.roomSv.saving() {
		return
	}
	showSaving(s.RoomMessage)
	saveErr(s.roomSv, func(ctx context.Context) error {
		return e.svc.BlockAccount(ctx, e.actor, a.ID, blocked, reason)
	}, func(err error) {
		if err != nil {
			say(s.RoomMessage, ErrorText(err), true)
			return
		}
		s.BlockReason.SetText("")
		key := map[bool]string{true: "accounts.blocked", false: "accounts.unblocked"}[blocked]
		say(s.RoomMessage, T(key, "Name", Textf("%s（%s）", a.Name, a.EmployeeNo)), false)
	})
}

// accountState says whether an account may sign in, and who stopped it.
func accountState(a kaohe.Account) string {
	switch {
	case a.BlockedByHQ:
		return T("accounts.blocked_by_hq")
	case a.Disabled:
		return T("accounts.disabled")
	}
	return T("accounts.active")
}

// Reload re-reads the accounts, in the background; the form stays as
// typed (a saved account is put in it by save).
func (s *AccountsScreen) Reload() {
	type read struct {
		list, rooms []kaohe.Account
		idle        int
		codes       map[string]string
		err         error // the install's accounts
		roomErr     error // the showrooms' accounts (HQ mode)
	}
	e, actor, hq := s.e, s.e.actor, s.Rooms != nil
	load(&s.loader, func(ctx context.Context) (r read, _ error) {
		r.list, r.err = e.svc.Accounts(ctx, actor)
		r.idle = e.svc.IdleLockMinutes(ctx)
		if !hq {
			return r, nil
		}
		r.codes = map[string]string{}
		if srs, err := e.svc.Showrooms(ctx); err == nil {
			for _, sr := range srs {
				r.codes[sr.ID] = sr.Code
			}
		}
		all, err := e.svc.AllAccounts(ctx, actor)
		r.roomErr = err
		for _, a := range all {
			if a.ShowroomID != "" {
				r.rooms = append(r.rooms, a)
			}
		}
		return r, nil
	}, func(r read, _ error) {
		if r.err != nil {
			say(s.Message, ErrorText(r.err), true)
		}
		s.list = r.list
		s.List.Set(r.list)
		if !s.idleTyped { // a number being typed stays
			s.Idle.SetText(strconv.Itoa(r.idle))
			s.idleTyped = false
		}
		if hq {
			if r.roomErr != nil {
				say(s.RoomMessage, ErrorText(r.roomErr), true)
			}
			s.codes = r.codes
			s.Rooms.Set(r.rooms)
		}
	})
}

// refresh re-reads the lists (a sync brought changes); the form stays.
func (s *AccountsScreen) refresh() { s.Reload() }

func (s *AccountsScreen) edit(a kaohe.Account) {
	s.cur = a
	s.edits++
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
	if s.sv.saving() {
		return // a second tap saves nothing twice
	}
	a := s.cur
	a.Name, a.EmployeeNo, a.Disabled = s.Name.Text, strings.TrimSpace(s.EmployeeNo.Text), s.Disabled.Checked
	a.Role = ""
	if i := s.Role.SelectedIndex(); i >= 0 {
		a.Role = s.roles[i]
	}
	e, pw, gen := s.e, s.Password.Text, s.edits
	showSaving(s.Message)
	save(s.sv, func(ctx context.Context) (kaohe.Account, error) {
		return e.svc.SaveAccount(ctx, e.actor, a, pw)
	}, func(saved kaohe.Account, err error) {
		if err != nil {
			say(s.Message, ErrorText(err), true)
			return
		}
		if gen == s.edits { // the form still holds it
			s.edit(saved)
		}
		say(s.Message, T("accounts.saved", "Name", saved.Name), false) // the list is read again through the data version
	})
}

func (s *AccountsScreen) saveIdle() {
	if s.sv.saving() {
		return
	}
	n, err := strconv.Atoi(strings.TrimSpace(s.Idle.Text))
	if err != nil {
		n = -1
	}
	e := s.e
	showSaving(s.Message)
	saveErr(s.sv, func(ctx context.Context) error { return e.svc.SetIdleLockMinutes(ctx, e.actor, n) }, func(err error) {
		if err != nil {
			say(s.Message, ErrorText(err), true)
			return
		}
		s.idleTyped = false
		say(s.Message, T("accounts.idle_saved", "Minutes", n), false)
	})
}
