package ui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"kaohe/internal/kaohe"
)

// AuditScreen is HQ mode's audit view: who changed what, in which
// showroom, when. Each line names the account that made the change, as the
// change carried it from its showroom (or from HQ mode, HQ's decisions by
// the person who entered them).
type AuditScreen struct {
	loader
	e        *env
	Showroom *selectOf[string]
	Person   *field
	From     *field
	To       *field
	Apply    *widget.Button
	List     *listTable[auditRow]
	Message  *widget.Label
	codes    map[string]string // showroom id → code (read with the lines)
	filling  bool              // the showroom picker is being filled: no read
	view     fyne.CanvasObject
}

// auditRow is an audit line with its showroom's code, looked up in the
// background with the lines.
type auditRow struct {
	kaohe.AuditLine
	room string
}

func newAuditScreen(e *env) *AuditScreen {
	s := &AuditScreen{loader: loader{e: e}, e: e, Person: newField(), From: newField(), To: newField(), Message: wrapLabel(""), codes: map[string]string{}}
	// The showrooms come with the first lines (Reload): all of them until
	// then.
	s.Showroom = newSelectOf([]string{""}, s.roomLabel, func(string) {
		if !s.filling {
			s.Reload()
		}
	})
	s.Person.SetPlaceHolder(T("audit.person_hint"))
	s.From.SetPlaceHolder("2026-01-01")
	s.To.SetPlaceHolder("2026-12-31")
	s.Apply = primaryButton(T("audit.apply"), theme.SearchIcon(), s.Reload)
	for _, f := range []*field{s.Person, s.From, s.To} {
		f.OnSubmitted = func(string) { s.Reload() }
	}
	s.List = newListTable([]column[auditRow]{
		{key: "audit.at", width: 160, text: func(l auditRow) string { return shortStamp(l.At) }},
		{key: "col.showroom", width: 90, text: func(l auditRow) string { return l.room }},
		{key: "audit.by", width: 150, text: func(l auditRow) string { return l.By }},
		{key: "audit.action", width: 120, text: func(l auditRow) string { return l.Action }},
		{key: "audit.entity", width: 130, text: func(l auditRow) string { return l.Entity }},
		{key: "audit.row", width: 200, text: func(l auditRow) string { return l.RowID }},
	})
	s.List.SortBy(0) // the same column again: newest first
	filters := widget.NewForm(
		widget.NewFormItem(T("col.showroom"), s.Showroom),
		widget.NewFormItem(T("audit.person"), s.Person),
		widget.NewFormItem(T("audit.from"), s.From),
		widget.NewFormItem(T("audit.to"), s.To),
	)
	top := container.NewVBox(bold(T("nav.audit")), wrapLabel(T("audit.hint")), filters, container.NewHBox(s.Apply), s.Message)
	s.view = container.NewBorder(top, nil, nil, nil, s.List.View())
	s.Showroom.SetSelectedIndex(0) // all showrooms: reads the lines
	return s
}

// View returns the screen.
func (s *AuditScreen) View() fyne.CanvasObject { return s.view }

// roomLabel names a showroom in the picker.
func (s *AuditScreen) roomLabel(id string) string {
	if id == "" {
		return T("audit.all_showrooms")
	}
	return s.codes[id]
}

// roomOf is the showroom column of a line: HQ, or the showroom's code.
func roomOf(codes map[string]string, l kaohe.AuditLine) string {
	if l.ShowroomID == "" {
		return T("audit.hq")
	}
	if c, ok := codes[l.ShowroomID]; ok {
		return c
	}
	return l.ShowroomID
}

// shortStamp shows an audit time to the second.
func shortStamp(at string) string {
	at = strings.Replace(at, "T", " ", 1)
	if len(at) > 19 {
		at = at[:19]
	}
	return at
}

// Reload reads the lines the filters choose.
func (s *AuditScreen) Reload() {
	var f kaohe.AuditFilter
	f.ShowroomID, _ = s.Showroom.Value()
	f.Person = s.Person.Text
	var bad []string
	for _, d := range []struct {
		in  *field
		out *kaohe.Date
	}{{s.From, &f.From}, {s.To, &f.To}} {
		if t := strings.TrimSpace(d.in.Text); t != "" {
			v, err := kaohe.ParseDate(t)
			if err != nil {
				bad = append(bad, ErrorText(err))
				continue
			}
			*d.out = v
		}
	}
	if len(bad) > 0 {
		say(s.Message, strings.Join(bad, "\n"), true)
		return
	}
	type read struct {
		rooms []kaohe.Showroom
		codes map[string]string
		rows  tableRows[auditRow]
	}
	e, view, list := s.e, s.List.view(), s.List
	if s.Message.Text == "" {
		showLoading(s.Message)
	}
	// Everything in the background: the showrooms, the lines (up to
	// kaohe.AuditLimit) and their texts and order.
	load(&s.loader, func(ctx context.Context) (r read, err error) {
		if r.rooms, err = e.svc.Showrooms(ctx); err != nil {
			return r, err
		}
		r.codes = make(map[string]string, len(r.rooms))
		for _, sr := range r.rooms {
			r.codes[sr.ID] = sr.Code
		}
		lines, err := e.svc.HQAudit(ctx, f)
		if err != nil {
			return r, err
		}
		rows := make([]auditRow, len(lines))
		for i, l := range lines {
			rows[i] = auditRow{l, roomOf(r.codes, l)}
		}
		r.rows = list.prepare(rows, view)
		return r, nil
	}, func(r read, err error) {
		if err != nil {
			say(s.Message, ErrorText(err), true)
			return
		}
		s.codes = r.codes
		ids := []string{""}
		for _, sr := range r.rooms {
			ids = append(ids, sr.ID)
		}
		s.filling = true
		s.Showroom.refill(ids, s.roomLabel, true)
		s.filling = false
		s.List.SetPrepared(r.rows)
		s.Message.SetText("")
		if n := len(r.rows.all); n >= kaohe.AuditLimit {
			say(s.Message, T("audit.limited", "N", n), false)
		}
	})
}
