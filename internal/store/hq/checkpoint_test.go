package hq

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"kaohe/internal/store/sqliteuri"
	"kaohe/sync/protocol"
)

// inMainFile counts the showrooms the database file itself holds, without
// its WAL: what checkpoints have copied there (0 before the tables are).
// The file is copied first, so the running HQ's WAL is not read or touched.
func inMainFile(t *testing.T, path string) int {
	t.Helper()
	n, err := readMainFile(t, path)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// copiedAfterAll polls inMainFile's count until it is want. A copy made
// while the checkpointer writes the file may be torn (SQLite then calls
// it malformed): that copy says nothing yet, and the next is read.
func copiedAfterAll(t *testing.T, path, what string, want func(int) bool) {
	t.Helper()
	var last error
	for end := time.Now().Add(5 * time.Second); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		n, err := readMainFile(t, path)
		if err == nil && want(n) {
			return
		}
		last = err
	}
	t.Fatalf("after 5 s: %s (last read: %v)", what, last)
}

func readMainFile(t *testing.T, path string) (int, error) {
	t.Helper()
	body, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	cp := filepath.Join(t.TempDir(), "main-only.db")
	if err := os.WriteFile(cp, body, 0o600); err != nil {
		return 0, err
	}
	db, err := sql.Open("sqlite3", sqliteuri.File(cp))
	if err != nil {
		return 0, err
	}
	defer db.Close()
	var tables, n int
	if err := db.QueryRow(`SELECT count(*) FROM sqlite_schema WHERE name = 'showrooms'`).Scan(&tables); err != nil {
		return 0, err
	}
	if tables == 0 { // not even the schema has been copied
		return 0, nil
	}
	err = db.QueryRow(`SELECT count(*) FROM showrooms`).Scan(&n)
	return n, err
}

// A commit leaves the database file alone (the writer does not checkpoint
// inside it); the checkpointer copies the WAL there once writes pause, and
// Close leaves everything in the file.
func TestCheckpointWaitsForAPause(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "hq.db")
	s, err := Open(ctx, path, withCheckpointTimes(time.Hour, time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.AddShowroom(ctx, "SH01", "上海展厅", ""); err != nil {
		t.Fatal(err)
	}
	if n := inMainFile(t, path); n != 0 {
		t.Errorf("right after the commit the database file holds %d showrooms; want 0 (the WAL holds it)", n)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if n := inMainFile(t, path); n != 1 {
		t.Errorf("after Close the database file holds %d showrooms; want 1", n)
	}

	path = filepath.Join(t.TempDir(), "hq.db")
	s, err = Open(ctx, path, withCheckpointTimes(20*time.Millisecond, time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, _, err := s.AddShowroom(ctx, "SH01", "上海展厅", ""); err != nil {
		t.Fatal(err)
	}
	copiedAfterAll(t, path, "no checkpoint after the writes paused", func(n int) bool { return n == 1 })
}

// Writes that never pause are checkpointed too, at the longest wait, while
// they go on.
func TestCheckpointUnderWritesThatNeverPause(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "hq.db")
	s, err := Open(ctx, path, withCheckpointTimes(time.Hour, 100*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	stop, done := make(chan struct{}), make(chan error, 1)
	go func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				done <- nil
				return
			default:
			}
			if _, _, err := s.AddShowroom(ctx, fmt.Sprintf("SH%03d", i), "展厅", ""); err != nil {
				done <- err
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
	}()
	copiedAfterAll(t, path, "no checkpoint under constant writes", func(n int) bool { return n > 0 })
	close(stop)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// What a push committed survives a crash before any checkpoint: the
// database file and its WAL as they are on the disk open with every change.
func TestCommitsBeforeACheckpointSurviveACrash(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "hq.db")
	s, err := Open(ctx, path, withCheckpointTimes(time.Hour, time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	cred, _ := enrollSH01(t, s)
	var batch []protocol.Change
	for i := range 50 {
		batch = append(batch, managerChange(t, cred, fmt.Sprintf("m%02d", i), fmt.Sprintf("E%02d", i)))
	}
	res, err := s.Push(ctx, cred, batch)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		if r.Status != protocol.Applied {
			t.Fatalf("%s: %s %s", r.ID, r.Status, r.Message)
		}
	}
	// The crash: the files copied as they are, HQ never closed.
	crashed := filepath.Join(t.TempDir(), "hq.db")
	for _, suffix := range []string{"", "-wal"} {
		body, err := os.ReadFile(path + suffix)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(crashed+suffix, body, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if n := inMainFile(t, path); n != 0 {
		t.Fatalf("the database file holds %d showrooms before any checkpoint; want 0", n)
	}
	again, err := Open(ctx, crashed)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	var n int
	if err := again.db.QueryRow(`SELECT count(*) FROM changes WHERE entity = 'manager'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != len(batch) {
		t.Errorf("after the crash HQ holds %d of the %d changes pushed", n, len(batch))
	}
}
