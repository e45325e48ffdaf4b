package service

import (
	"testing"
	"time"

	"kaohe/internal/kaohe"
)

// TestASecondHQPCGetsHQsPeople: HQ's people are HQ's, not one PC's. The
// first HQ PC enrolls as an HQ user, sets up its admin and adds a
// reviewer; a second PC, whose first-run set-up made an account with the
// admin's employee number before it enrolled, enrolls with another HQ-user
// code and syncs: it has the same people with the same roles, ids and
// passwords (its set-up account gave way), a wrong password still waits,
// and no showroom is ever sent HQ's people.
func TestASecondHQPCGetsHQsPeople(t *testing.T) {
	h, url := newHQ(t)
	_, roomCode, _ := h.AddShowroom(ctx, "SH01", "上海徐汇旗舰展厅", "华东片区")
	first, _ := freshInstall(t, "hq1")
	code1, _ := h.AddHQUser(ctx, "评审小组一号机")
	if _, err := first.Enroll(ctx, url, code1); err != nil {
		t.Fatal(err)
	}
	admin, err := first.Setup(ctx, "孙浩", "H001", "hq-admin-pw")
	if err != nil || admin.Role != kaohe.RoleHQAdmin {
		t.Fatalf("set-up: %+v %v", admin, err)
	}
	if _, err := first.SaveAccount(ctx, admin, kaohe.Account{Name: "陈建国", EmployeeNo: "H002", Role: kaohe.RoleReviewer}, "reviewer-pw"); err != nil {
		t.Fatal(err)
	}
	if err := first.SyncNow(ctx); err != nil {
		t.Fatal(err)
	}
	if refused, _ := first.RefusedChanges(ctx); len(refused) != 0 {
		t.Fatalf("HQ refused HQ's people: %+v", refused)
	}
	people := byNo(t, first)

	second, w := freshInstall(t, "hq2")
	if _, err := second.Setup(ctx, "孙浩", "H001", "second-pc-pw"); err != nil {
		t.Fatal(err)
	}
	code2, _ := h.AddHQUser(ctx, "评审小组二号机")
	if _, err := second.Enroll(ctx, url, code2); err != nil {
		t.Fatal(err)
	}
	if err := second.SyncNow(ctx); err != nil {
		t.Fatal(err)
	}
	if !second.IsHQ(ctx) {
		t.Fatal("the second PC is not in HQ mode")
	}
	got := byNo(t, second)
	sameAccounts(t, got, people)
	if cur, _ := second.Session(); cur.AccountID != "" {
		t.Errorf("still signed in as the set-up account %+v", cur)
	}
	rev, err := second.Login(ctx, "H002", "reviewer-pw")
	if err != nil || rev.Role != kaohe.RoleReviewer || rev.AccountID != people["h002"].ID {
		t.Fatalf("the reviewer on the second PC: %+v %v", rev, err)
	}
	if _, err := second.Login(ctx, "H001", "second-pc-pw"); kaohe.ErrorKey(err) != "err.wrong_password" {
		t.Errorf("the set-up password on the second PC: %v", err)
	}
	if len(*w) == 0 || (*w)[len(*w)-1] != time.Second {
		t.Errorf("a wrong password did not wait: %v", *w)
	}
	if a, err := second.Login(ctx, "H001", "hq-admin-pw"); err != nil || a.Role != kaohe.RoleHQAdmin {
		t.Errorf("the admin on the second PC: %+v %v", a, err)
	}
	// The admin's later changes on the second PC reach the first.
	admin2, _ := second.Session()
	if _, err := second.SaveAccount(ctx, admin2, kaohe.Account{Name: "周静", EmployeeNo: "H003", Role: kaohe.RoleReviewer}, "reviewer-3-pw"); err != nil {
		t.Fatal(err)
	}
	if err := second.SyncNow(ctx); err != nil {
		t.Fatal(err)
	}
	if err := first.SyncNow(ctx); err != nil {
		t.Fatal(err)
	}
	if _, ok := byNo(t, first)["h003"]; !ok {
		t.Errorf("the first PC did not get H003")
	}

	// A PC set up before it enrolls as HQ (as the window's first run does):
	// its account becomes HQ's admin, signed in as such, and reaches HQ.
	third, _ := freshInstall(t, "hq3")
	if _, err := third.Setup(ctx, "刘洋", "H004", "third-admin-pw"); err != nil {
		t.Fatal(err)
	}
	code3, _ := h.AddHQUser(ctx, "评审小组三号机")
	if _, err := third.Enroll(ctx, url, code3); err != nil {
		t.Fatal(err)
	}
	if cur, _ := third.Session(); cur.Role != kaohe.RoleHQAdmin {
		t.Errorf("after enrolling as HQ the set-up account is %s", cur.Role)
	}
	if err := third.SyncNow(ctx); err != nil {
		t.Fatal(err)
	}
	if refused, _ := third.RefusedChanges(ctx); len(refused) != 0 {
		t.Errorf("refused: %+v", refused)
	}
	if err := first.SyncNow(ctx); err != nil {
		t.Fatal(err)
	}
	if a, ok := byNo(t, first)["h004"]; !ok || a.Role != kaohe.RoleHQAdmin {
		t.Errorf("the first PC has H004 as %+v", a)
	}

	// A showroom is never sent HQ's people (their hashes).
	room, _ := freshInstall(t, "room")
	if _, err := room.Setup(ctx, "董喆", "D001", "manager-pw-1"); err != nil {
		t.Fatal(err)
	}
	if _, err := room.Enroll(ctx, url, roomCode); err != nil {
		t.Fatal(err)
	}
	if err := room.SyncNow(ctx); err != nil {
		t.Fatal(err)
	}
	all, _ := room.Store.AllAccounts(ctx)
	for _, a := range all {
		if a.Role.HQ() || a.ShowroomID == "" {
			t.Errorf("the showroom holds HQ's %s (%s)", a.EmployeeNo, a.Role)
		}
	}
}
