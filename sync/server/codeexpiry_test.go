package server

import (
	"database/sql"
	"encoding/json"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"kaohe/internal/store/hq"
	"kaohe/sync/protocol"
)

// TestEnrollCodeExpiresByTheClock: an enrollment code's expiry is an
// instant, compared as one by HQ's own clock (hq.WithClock), not as text.
// A code issued on a whole second expires 14 days later to the second,
// though "…:00Z" sorts after "…:00.5Z"; one whose expiry is kept with a
// zone's offset expires when that instant has come. An expired code is
// refused over HTTP with err.enroll_code_expired and nothing is stored (no
// credential, the code still unused and listed as expired); one still
// valid a nanosecond before its end enrolls.
func TestEnrollCodeExpiresByTheClock(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC) // a whole second: stored as "…T10:00:00Z"
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	set := func(t time.Time) { mu.Lock(); defer mu.Unlock(); now = t }
	path := filepath.Join(t.TempDir(), "hq.db")
	f := setupAt(t, path, hq.WithClock(clock))
	_, whole, err := f.store.AddShowroom(ctx, "GZ01", "广州展厅", "")
	if err != nil {
		t.Fatal(err)
	}
	_, early, err := f.store.AddShowroom(ctx, "SZ01", "深圳展厅", "")
	if err != nil {
		t.Fatal(err)
	}
	hqCode, err := f.store.AddHQUser(ctx, "评审乙")
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite3", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// SZ01's expiry as another writer may have kept it: in Beijing time,
	// 17:00+08:00 = 09:00Z, an hour before GZ01's (10:00Z).
	if _, err := db.Exec(`UPDATE enroll_codes SET expires_at = '2026-12-15T17:00:00+08:00' WHERE showroom_id = (SELECT id FROM showrooms WHERE code = 'SZ01')`); err != nil {
		t.Fatal(err)
	}
	enroll := func(code string) (int, protocol.Error) {
		t.Helper()
		body, _ := json.Marshal(protocol.EnrollRequest{Version: protocol.Version, Code: code, RequestID: "req-" + code})
		status, e, _ := f.post(protocol.PathEnroll, "", body, false, v1)
		return status, e
	}
	credentials := func() int {
		t.Helper()
		var n int
		if err := db.QueryRow(`SELECT count(*) FROM credentials`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	end := time.Date(2026, 12, 15, 10, 0, 0, 0, time.UTC)
	// Half a second after GZ01's end ("…T10:00:00.5Z" > "…T10:00:00Z" as
	// text only by luck of the digits: '.' sorts before 'Z').
	set(end.Add(500 * time.Millisecond))
	before := credentials()
	for _, code := range []string{whole, early} {
		if status, e := enroll(code); status != 401 || !strings.Contains(e.Message, "err.enroll_code_expired") {
			t.Errorf("an expired code: %d %+v; want 401 err.enroll_code_expired", status, e)
		}
	}
	if n := credentials(); n != before {
		t.Errorf("expired codes made %d credentials", n-before)
	}
	var unused int
	db.QueryRow(`SELECT count(*) FROM enroll_codes WHERE used_at IS NULL AND showroom_id IN (SELECT id FROM showrooms WHERE code IN ('GZ01', 'SZ01'))`).Scan(&unused)
	if unused != 2 {
		t.Errorf("%d showroom codes unused after the refusals; want 2 (refused, not used up)", unused)
	}
	users, err := f.store.HQUsers(ctx)
	if err != nil || len(users) != 1 || users[0].Status != "expired" {
		t.Errorf("HQ users after the code's end: %+v %v; want 评审乙 expired", users, err)
	}

	// A nanosecond before its end GZ01's code still enrolls (SZ01's, an
	// hour earlier, does not); so does the HQ user's.
	set(end.Add(-time.Nanosecond))
	if status, e := enroll(early); status != 401 || !strings.Contains(e.Message, "err.enroll_code_expired") {
		t.Errorf("SZ01's code an hour after its end (kept in +08:00): %d %+v", status, e)
	}
	if status, e := enroll(whole); status != 200 {
		t.Errorf("GZ01's code before its end: %d %+v", status, e)
	}
	users, _ = f.store.HQUsers(ctx)
	if len(users) != 1 || users[0].Status != "waiting" {
		t.Errorf("HQ users before the code's end: %+v; want waiting", users)
	}
	if status, e := enroll(hqCode); status != 200 {
		t.Errorf("the HQ user's code before its end: %d %+v", status, e)
	}
	if n := credentials(); n != before+2 {
		t.Errorf("%d credentials made by the valid codes; want 2", n-before)
	}
}
