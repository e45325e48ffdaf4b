package kaohe

import (
	"testing"
	"time"
)

func TestRolePermissions(t *testing.T) {
	type want map[Perm]bool
	cases := map[Role]want{
		RoleShowroomManager: {PermSeeAll: true, PermRoster: true, PermAssess: true, PermAccounts: true, PermExcel: true, PermBackup: true, PermApplyOwn: true, PermReview: false, PermReference: false},
		RoleClerk:           {PermSeeAll: true, PermRoster: true, PermFigures: true, PermTraining: true, PermRewards: true, PermResearch: true, PermExcel: true, PermAssess: false, PermAccounts: false, PermBackup: false},
		RoleCustomerManager: {PermApplyOwn: true, PermSeeAll: false, PermRoster: false, PermFigures: false, PermAssess: false, PermApplyOthers: false, PermDocuments: false, PermExcel: false},
		RoleReviewer:        {PermReview: true, PermSeeAll: true, PermReference: false, PermAccounts: false, PermRoster: false},
		RoleHQAdmin:         {PermReference: true, PermAccounts: true, PermReview: false, PermRoster: false},
		RoleSystem:          {PermSync: true, PermRoster: false, PermAssess: false, PermAccounts: false},
		"":                  {PermSeeAll: false, PermSync: false},
	}
	for r, ps := range cases {
		for p, ok := range ps {
			if r.Can(p) != ok {
				t.Errorf("%q.Can(%q) = %v; want %v", r, p, !ok, ok)
			}
		}
	}
}

func TestActorMay(t *testing.T) {
	cm := Actor{AccountID: "a", Name: "李娜", EmployeeNo: "D010", Role: RoleCustomerManager, ManagerID: "m10"}
	if err := cm.MayFor(PermApplyOthers, PermApplyOwn, "m10"); err != nil {
		t.Errorf("own application refused: %v", err)
	}
	err := cm.MayFor(PermApplyOthers, PermApplyOwn, "m11")
	if ErrorCode(err) != EUNAUTHORIZED || err.(*Error).Key != "err.forbidden_others" {
		t.Errorf("someone else's application: %v", err)
	}
	unlinked := Actor{AccountID: "a", Name: "x", EmployeeNo: "X1", Role: RoleCustomerManager}
	if err := unlinked.MayFor(PermApplyOthers, PermApplyOwn, ""); err == nil {
		t.Errorf("an account with no manager record matched the empty manager")
	}
	clerk := Actor{AccountID: "b", Name: "王芳", EmployeeNo: "D005", Role: RoleClerk}
	if err := clerk.May(PermAssess); ErrorCode(err) != EUNAUTHORIZED {
		t.Errorf("clerk assesses: %v", err)
	}
	if s := clerk.String(); s != "王芳（D005）" {
		t.Errorf("String = %q", s)
	}
	if s := System("sync").String(); s != "sync" || System("sync").IsPerson() {
		t.Errorf("System = %q", s)
	}
}

func TestPasswordAndLockoutRules(t *testing.T) {
	for pw, ok := range map[string]bool{"": false, "1234567": false, "12345678": true, "密码密码密码密码": true, "        ": false} {
		if err := CheckPassword(pw); (err == nil) != ok {
			t.Errorf("CheckPassword(%q) = %v", pw, err)
		}
	}
	for n, d := range map[int]time.Duration{0: 0, 1: time.Second, 2: 2 * time.Second, 3: 4 * time.Second, 4: 8 * time.Second, 9: 8 * time.Second} {
		if got := LoginDelay(n); got != d {
			t.Errorf("LoginDelay(%d) = %v; want %v", n, got, d)
		}
	}
	last := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	if !LockedUntil(LockoutAfter-1, last).IsZero() || !LockedUntil(LockoutAfter, last).Equal(last.Add(LockoutFor)) {
		t.Errorf("LockedUntil wrong")
	}
	for n, ok := range map[int]bool{-1: false, 0: true, 10: true, 241: false} {
		if err := CheckIdleMinutes(n); (err == nil) != ok {
			t.Errorf("CheckIdleMinutes(%d) = %v", n, err)
		}
	}
}
