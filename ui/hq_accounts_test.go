package ui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"kaohe/internal/kaohe"
)

// TestHQAdminDisablesAShowroomAccount: in HQ mode the admin's Accounts
// screen lists the showrooms' accounts; disabling one (tapped) reaches HQ
// with the next sync and the showroom's after it: the person cannot sign
// in there; enabled again, they can. A reviewer is refused by the service.
// The audit screen names the account behind each change, filtered by
// person and showroom.
func TestHQAdminDisablesAShowroomAccount(t *testing.T) {
	ctx := context.Background()
	w, svc, h, rs := hqWorldAs(t, "H001", "hq-admin-pw")
	// The showroom's manager makes a change HQ mode will see, by name.
	boss := signInAs(t, rs, "D001", "manager-demo")
	if _, err := rs.SaveAccount(ctx, boss, kaohe.Account{Name: "周杰", EmployeeNo: "W009", Role: kaohe.RoleClerk}, "clerk-new-pw"); err != nil {
		t.Fatal(err)
	}
	rs.Logout()
	if err := rs.SyncNow(ctx); err != nil {
		t.Fatal(err)
	}
	if err := svc.SyncNow(ctx); err != nil {
		t.Fatal(err)
	}
	w.Wait()

	open(w, "nav.accounts")
	s := w.Accounts
	s.Reload()
	w.Wait()
	row := -1
	for i, a := range s.Rooms.Rows() {
		if a.EmployeeNo == "W001" {
			row = i
		}
		if a.PasswordHash != "" {
			t.Errorf("the screen holds %s's hash", a.EmployeeNo)
		}
	}
	if row < 0 {
		t.Fatalf("W001 not among the showrooms' accounts: %+v", s.Rooms.Rows())
	}
	if got := s.Rooms.Cell(row, 0); got != "SH01" {
		t.Errorf("showroom column %q", got)
	}
	s.Rooms.Table.Select(widget.TableCellID{Row: row, Col: 1})
	s.BlockReason.SetText("离职")
	test.Tap(s.Block)
	w.Wait()
	if !strings.Contains(s.RoomMessage.Text, "已停用") {
		t.Fatalf("after disable: %q", s.RoomMessage.Text)
	}
	if err := svc.SyncNow(ctx); err != nil {
		t.Fatal(err)
	}
	as, err := h.ShowroomAccounts(ctx, "SH01")
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range as {
		if a.EmployeeNo == "W001" && (!a.BlockedByHQ || a.BlockReason != "离职" || a.BlockedBy != "孙浩（H001）") {
			t.Errorf("HQ holds %+v", a)
		}
	}
	if err := rs.SyncNow(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := rs.Login(ctx, "W001", "clerk-demo"); kaohe.ErrorKey(err) != "err.account_disabled" {
		t.Errorf("the disabled clerk signs in at the showroom: %v", err)
	}
	if cell := s.Rooms.Cell(row, 4); cell != "总部停用" {
		t.Errorf("state column %q", cell)
	}

	// Enabled again from the screen.
	s.Rooms.Table.Select(widget.TableCellID{Row: row, Col: 2})
	test.Tap(s.Unblock)
	w.Wait()
	if err := svc.SyncNow(ctx); err != nil {
		t.Fatal(err)
	}
	if err := rs.SyncNow(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := rs.Login(ctx, "W001", "clerk-demo"); err != nil {
		t.Errorf("enabled again: %v", err)
	}

	// Who changed what.
	open(w, "nav.audit")
	a := w.Audit
	a.Person.SetText("D001")
	test.Tap(a.Apply)
	w.Wait()
	lines := a.List.Rows()
	found := false
	for i, l := range lines {
		if !strings.Contains(l.By, "D001") {
			t.Errorf("filtered by D001, a line by %q", l.By)
		}
		if l.Entity == kaohe.EntAccount && l.By == boss.String() && a.List.Cell(i, 1) == "SH01" {
			found = true
		}
	}
	if !found {
		t.Errorf("no line names %s's new account in SH01: %+v", boss, lines)
	}
	a.Person.SetText("H001")
	test.Tap(a.Apply)
	w.Wait()
	blocks := 0
	for _, l := range a.List.Rows() {
		if l.Entity == kaohe.EntAccountBlock && l.By == "孙浩（H001）" && l.ShowroomID != "" {
			blocks++
		}
	}
	if blocks != 2 {
		t.Errorf("%d block lines by the admin in a showroom, want 2: %+v", blocks, a.List.Rows())
	}
	a.From.SetText("not a date")
	test.Tap(a.Apply)
	w.Wait()
	if !strings.Contains(a.Message.Text, "日期") {
		t.Errorf("a bad date: %q", a.Message.Text)
	}

	// A reviewer may not disable anyone: the service refuses.
	svc.Logout()
	rev := signInAs(t, svc, "H002", "reviewer-pw")
	if err := svc.BlockAccount(ctx, rev, lines[0].RowID, true, "x"); kaohe.ErrorCode(err) != kaohe.EUNAUTHORIZED {
		t.Errorf("a reviewer blocked an account: %v", err)
	}
	if _, err := svc.AllAccounts(ctx, rev); kaohe.ErrorCode(err) != kaohe.EUNAUTHORIZED {
		t.Errorf("a reviewer lists the accounts: %v", err)
	}
	if _, err := svc.HQAudit(ctx, kaohe.AuditFilter{}); err != nil {
		t.Errorf("a reviewer reads the audit: %v", err)
	}
}
