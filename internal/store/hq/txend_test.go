package hq

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"kaohe/internal/kaohe"
	"kaohe/sync/protocol"
)

// openFiles lists the descriptors this process holds on path or its -wal
// and -shm (Linux's /proc; nil elsewhere).
func openFiles(t *testing.T, path string) []string {
	t.Helper()
	if runtime.GOOS != "linux" {
		return nil
	}
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	var open []string
	for _, fd := range fds {
		to, err := os.Readlink(filepath.Join("/proc/self/fd", fd.Name()))
		if err == nil && strings.HasPrefix(to, path) {
			open = append(open, to)
		}
	}
	return open
}

func managerChange(t *testing.T, cred Credential, id, no string) protocol.Change {
	t.Helper()
	p, err := json.Marshal(kaohe.Manager{ID: id, ShowroomID: cred.ShowroomID, EmployeeNo: no, Name: "张喆", Education: kaohe.EduCollege, Status: kaohe.StatusActive})
	if err != nil {
		t.Fatal(err)
	}
	return protocol.Change{ID: "chg-" + id, Entity: kaohe.EntManager, RowID: id, Op: "upsert", Payload: p, At: "2026-12-01T09:00:00Z"}
}

// within runs fn, failing the test if it has not returned after d (HQ's
// writer stuck in a transaction never ended).
func within(t *testing.T, d time.Duration, what string, fn func() error) {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- fn() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	case <-time.After(d):
		t.Fatalf("%s: still waiting after %v", what, d)
	}
}

// TestPanicInAWriteLeavesNothing: a transaction whose code panics after
// HQ's raw writes of a change (a bug met by some payload) leaves nothing of
// it, the next push is written at once (the one connection is not kept in
// the dead transaction), and Store.Close closes the file: no descriptor
// left, and the files deleted and made again open as a new HQ.
func TestPanicInAWriteLeavesNothing(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "hq.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if s != nil {
			s.Close()
		}
	}()
	cred, _ := enrollSH01(t, s)
	if _, err := s.Push(ctx, cred, []protocol.Change{managerChange(t, cred, "m1", "A001")}); err != nil {
		t.Fatal(err)
	}
	panicked := func() (p any) {
		defer func() { p = recover() }()
		s.tx(ctx, func(tx *txn) error {
			if _, err := s.recordKeyed(tx, managerChange(t, cred, "m2", "A002"), cred.ShowroomID, "", "", KindShowroom, cred.ID); err != nil {
				return err
			}
			panic("a bug met by a payload")
		})
		return nil
	}()
	if panicked == nil {
		t.Fatal("the transaction did not panic")
	}
	within(t, 20*time.Second, "a push after a panicked transaction", func() error {
		res, err := s.Push(ctx, cred, []protocol.Change{managerChange(t, cred, "m3", "A003")})
		if err == nil && (len(res) != 1 || res[0].Status != protocol.Applied) {
			err = fmt.Errorf("answered %+v", res)
		}
		return err
	})
	var m2, m3 int
	if err := s.db.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM changes WHERE row_id = 'm2') + (SELECT count(*) FROM rows WHERE row_id = 'm2'),
		(SELECT count(*) FROM changes WHERE row_id = 'm3') + (SELECT count(*) FROM rows WHERE row_id = 'm3')`).Scan(&m2, &m3); err != nil {
		t.Fatal(err)
	}
	if m2 != 0 || m3 != 2 {
		t.Errorf("HQ holds %d rows of the panicked change (want 0), %d of the next (want 2)", m2, m3)
	}
	within(t, 20*time.Second, "Close", s.Close)
	s = nil
	if open := openFiles(t, path); len(open) > 0 {
		t.Errorf("closed, the process still holds %v", open)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.Remove(p); err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
	}
	if s, err = Open(ctx, path); err != nil {
		t.Fatal(err)
	}
	var showrooms int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM showrooms`).Scan(&showrooms); err != nil || showrooms != 0 {
		t.Errorf("made again: %d showrooms (%v), want a new HQ", showrooms, err)
	}
}

// TestCloseAfterFailedWrites: after batches whose raw writes SQLite
// refused halfway (a constraint on the row state, after the change was
// logged), Store.Close leaves no descriptor of the file: no statement of
// a failed batch was left unfinalized to keep the connection open.
func TestCloseAfterFailedWrites(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "hq.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	cred, _ := enrollSH01(t, s)
	if _, err := s.db.ExecContext(ctx, `CREATE TRIGGER fault BEFORE INSERT ON row_states WHEN NEW.row_id GLOB 'bad*' BEGIN SELECT RAISE(ABORT, 'full'); END`); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		batch := []protocol.Change{managerChange(t, cred, fmt.Sprintf("ok%d", i), fmt.Sprintf("A%03d", i)), managerChange(t, cred, fmt.Sprintf("bad%d", i), fmt.Sprintf("B%03d", i))}
		if _, err := s.Push(ctx, cred, batch); err == nil {
			t.Errorf("batch %d: a refused write was not an error", i)
		}
		if _, err := s.Push(ctx, cred, batch[:1]); err != nil {
			t.Fatal(err)
		}
	}
	var logged int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM changes WHERE row_id GLOB 'bad*' OR row_id GLOB 'ok*'`).Scan(&logged); err != nil || logged != 3 {
		t.Errorf("%d changes logged (%v), want the 3 good ones", logged, err)
	}
	within(t, 20*time.Second, "Close", s.Close)
	if open := openFiles(t, path); len(open) > 0 {
		t.Errorf("closed, the process still holds %v", open)
	}
}
