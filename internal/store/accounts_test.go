package store

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"kaohe/internal/kaohe"
)

const fakeHash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g"

func saveAccount(t *testing.T, s *Store, a kaohe.Account) kaohe.Account {
	t.Helper()
	err := s.UpdateAs(ctx, kaohe.Actor{AccountID: "acc-0", Name: "董喆", EmployeeNo: "D001", Role: kaohe.RoleShowroomManager}, func(tx *Tx) error {
		var err error
		a, err = tx.SaveAccount(a)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestAccountsSaveSyncAndAudit(t *testing.T) {
	s := newStore(t)
	a := saveAccount(t, s, kaohe.Account{Name: " 董喆 ", EmployeeNo: "D001", Role: kaohe.RoleShowroomManager, PasswordHash: fakeHash})
	if a.ID == "" || a.ShowroomID == "" || a.Name != "董喆" {
		t.Errorf("saved = %+v", a)
	}
	// The same employee number twice is refused, in any case (HQ refuses
	// it so too); nothing else is written.
	for _, no := range []string{"D001", "d001"} {
		err := s.Update(ctx, "t", func(tx *Tx) error {
			_, err := tx.SaveAccount(kaohe.Account{Name: "别人", EmployeeNo: no, Role: kaohe.RoleClerk, PasswordHash: fakeHash})
			return err
		})
		if kaohe.ErrorCode(err) != kaohe.ECONFLICT {
			t.Errorf("duplicate employee number %s: %v", no, err)
		}
	}
	for name, bad := range map[string]kaohe.Account{
		"no hash":  {Name: "甲", EmployeeNo: "D002", Role: kaohe.RoleClerk},
		"bad role": {Name: "甲", EmployeeNo: "D002", Role: "boss", PasswordHash: fakeHash},
		"bad no":   {Name: "甲", EmployeeNo: "D 2", Role: kaohe.RoleClerk, PasswordHash: fakeHash},
	} {
		err := s.Update(ctx, "t", func(tx *Tx) error { _, err := tx.SaveAccount(bad); return err })
		if kaohe.ErrorCode(err) != kaohe.EINVALID {
			t.Errorf("%s: %v", name, err)
		}
	}
	if n := count(t, s, `SELECT count(*) FROM accounts`); n != 1 {
		t.Errorf("%d accounts stored; want 1", n)
	}
	// The outbox carries the hash to HQ; the audit names the account that
	// wrote and never keeps the hash.
	if n := count(t, s, `SELECT count(*) FROM outbox WHERE entity = 'account' AND payload LIKE '%argon2id%'`); n != 1 {
		t.Errorf("account changes with the hash in the outbox: %d", n)
	}
	au, _ := s.Audit(ctx, kaohe.EntAccount, a.ID, 10)
	if len(au) != 1 || au[0].Actor != "董喆（D001）" || au[0].ActorID != "acc-0" || strings.Contains(au[0].Detail, "argon2") {
		t.Errorf("audit = %+v", au)
	}
	// Updating without a new hash keeps the old one.
	a.Role, a.PasswordHash = kaohe.RoleClerk, ""
	a = saveAccount(t, s, a)
	got, err := s.AccountByEmployeeNo(ctx, "D001")
	if err != nil || got.PasswordHash != fakeHash || got.Role != kaohe.RoleClerk {
		t.Errorf("after update = %+v, %v", got, err)
	}
}

func TestAccountBeforeShowroomIsAdopted(t *testing.T) {
	s, err := Open(ctx, filepath.Join(t.TempDir(), "kaohe.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	a := saveAccount(t, s, kaohe.Account{Name: "董喆", EmployeeNo: "D001", Role: kaohe.RoleShowroomManager, PasswordHash: fakeHash})
	if a.ShowroomID != "" {
		t.Fatalf("showroom before one exists = %q", a.ShowroomID)
	}
	if ok, _ := s.HasAccounts(ctx); !ok {
		t.Fatal("account not found before the showroom")
	}
	sr := kaohe.Showroom{ID: "hq-room", Code: "SH01", Name: "徐汇"}
	if err := s.Enrolled(ctx, sr, "http://hq", "token", "replica"); err != nil {
		t.Fatal(err)
	}
	got, err := s.AccountByEmployeeNo(ctx, "D001")
	if err != nil || got.ShowroomID != "hq-room" {
		t.Errorf("after enrolling = %+v, %v", got, err)
	}
	if n := count(t, s, `SELECT count(*) FROM outbox WHERE entity = 'account' AND json_extract(payload, '$.showroom_id') = 'hq-room'`); n != 1 {
		t.Errorf("queued account change not moved to the showroom: %d", n)
	}
}

func TestAccountBlockAndFailures(t *testing.T) {
	s := newStore(t)
	a := saveAccount(t, s, kaohe.Account{Name: "王芳", EmployeeNo: "D005", Role: kaohe.RoleClerk, PasswordHash: fakeHash})
	// HQ's replica blocks it; the showroom applies HQ's change.
	hq, err := Open(ctx, filepath.Join(t.TempDir(), "hq.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer hq.Close()
	if err := hq.Update(ctx, "hq", func(tx *Tx) error { return tx.SetRole(RoleHQ) }); err != nil {
		t.Fatal(err)
	}
	changes, _ := s.PendingChanges(ctx, 1000)
	if err := hq.ApplyRemote(ctx, "sync", changes, 1); err != nil {
		t.Fatal(err)
	}
	if err := hq.Update(ctx, "hq", func(tx *Tx) error {
		return tx.BlockAccount(kaohe.AccountBlock{AccountID: a.ID, Blocked: true, Reason: "离职", By: "陈建国（H001）"})
	}); err != nil {
		t.Fatal(err)
	}
	all, _ := hq.AllAccounts(ctx)
	if len(all) != 1 || !all[0].BlockedByHQ || all[0].Active() {
		t.Fatalf("HQ's replica accounts = %+v", all)
	}
	if own, _ := hq.Accounts(ctx); len(own) != 0 {
		t.Errorf("a showroom's account counted as HQ's own: %+v", own)
	}
	back, _ := hq.PendingChanges(ctx, 1000)
	if len(back) != 1 || back[0].Entity != kaohe.EntAccountBlock {
		t.Fatalf("HQ's outbox = %+v", back)
	}
	if err := s.ApplyRemote(ctx, "sync", back, 1); err != nil {
		t.Fatal(err)
	}
	got, _ := s.AccountByEmployeeNo(ctx, "D005")
	if !got.BlockedByHQ || got.Active() {
		t.Errorf("blocked at HQ, at the showroom = %+v", got)
	}

	for want := 1; want <= 3; want++ {
		var n int
		if err := s.Update(ctx, "login", func(tx *Tx) error { var err error; n, err = tx.LoginFailed(a.ID); return err }); err != nil || n != want {
			t.Errorf("LoginFailed = %d, %v; want %d", n, err, want)
		}
	}
	if n, last, _ := s.LoginFailures(ctx, a.ID); n != 3 || last.IsZero() {
		t.Errorf("failures = %d at %v", n, last)
	}
	if err := s.Update(ctx, "login", func(tx *Tx) error { return tx.LoginSucceeded(a.ID) }); err != nil {
		t.Fatal(err)
	}
	if n, _, _ := s.LoginFailures(ctx, a.ID); n != 0 {
		t.Errorf("failures after a sign-in = %d", n)
	}
	if n := count(t, s, `SELECT count(*) FROM outbox WHERE entity NOT IN ('account')`); n != 0 {
		t.Errorf("sign-in bookkeeping went to the outbox: %d", n)
	}
}

func TestDataFilesPrivate(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("mode bits are Unix's")
	}
	dir := filepath.Join(t.TempDir(), "data")
	s, err := Open(ctx, filepath.Join(dir, "kaohe.db"))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Update(ctx, "t", func(tx *Tx) error { return tx.setMeta("x", "y") }); err != nil {
		t.Fatal(err)
	}
	b, err := s.Backup(ctx, filepath.Join(dir, "backups"), 3)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, p := range []string{filepath.Join(dir, "kaohe.db"), filepath.Join(dir, "kaohe.db-wal"), b.Path} {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v; want 0600", filepath.Base(p), st.Mode().Perm())
		}
	}
	for _, d := range []string{dir, filepath.Join(dir, "backups")} {
		st, _ := os.Stat(d)
		if st.Mode().Perm() != 0o700 {
			t.Errorf("%s: mode %v; want 0700", d, st.Mode().Perm())
		}
	}
	// An existing database made readable by others is closed up on open.
	s.Close()
	os.Chmod(filepath.Join(dir, "kaohe.db"), 0o644)
	s2, err := Open(ctx, filepath.Join(dir, "kaohe.db"))
	if err != nil {
		t.Fatal(err)
	}
	s2.Close()
	if st, _ := os.Stat(filepath.Join(dir, "kaohe.db")); st.Mode().Perm() != 0o600 {
		t.Errorf("reopened: mode %v", st.Mode().Perm())
	}
}
