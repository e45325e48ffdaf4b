package store

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"kaohe/internal/kaohe"
)

// The crash test runs this test binary again as a child that writes in a
// loop, and kills it with SIGKILL in the middle of a transaction.
func TestMain(m *testing.M) {
	if path := os.Getenv("KAOHE_CRASH_CHILD"); path != "" {
		crashChild(path)
		return
	}
	os.Exit(m.Run())
}

func crashChild(path string) {
	ctx := context.Background()
	s, err := Open(ctx, path)
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	err = s.Update(ctx, "child", func(tx *Tx) error {
		_, err := tx.SetShowroom(kaohe.Showroom{Code: "SH01", Name: "测试展厅"})
		return err
	})
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	for i := 1; ; i++ {
		no := fmt.Sprintf("E%05d", i)
		err := s.Update(ctx, "child", func(tx *Tx) error {
			m, err := tx.CreateManager(kaohe.Manager{EmployeeNo: no, Name: "员工" + no, Education: kaohe.EduCollege}, kaohe.Level1, kaohe.D(2026, 1, 1))
			if err != nil {
				return err
			}
			for mo := 1; mo <= 12; mo++ {
				if _, err := tx.SetActual(m.ID, kaohe.MetricSales, 2026, mo, int64(mo*1000)); err != nil {
					return err
				}
				if mo == 6 {
					// Hold the transaction open half-way, so the kill
					// often lands inside it.
					time.Sleep(time.Millisecond)
				}
			}
			return nil
		})
		if err != nil {
			fmt.Println("error", err)
			os.Exit(1)
		}
		fmt.Println("committed", no)
	}
}

func TestKillMidTransactionKeepsCommittedRows(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns a child process")
	}
	for round := 0; round < 3; round++ {
		path := filepath.Join(t.TempDir(), "crash.db")
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "KAOHE_CRASH_CHILD="+path)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		committed := map[string]bool{}
		sc := bufio.NewScanner(out)
		want := 40 + round*37
		for sc.Scan() {
			line := sc.Text()
			if strings.HasPrefix(line, "error") {
				t.Fatal(line)
			}
			if no, ok := strings.CutPrefix(line, "committed "); ok {
				committed[no] = true
			}
			if len(committed) >= want {
				break
			}
		}
		cmd.Process.Signal(syscall.SIGKILL)
		// The child may have committed and printed more while the kill was on
		// its way: those lines are still in the pipe, and count.
		for sc.Scan() {
			if no, ok := strings.CutPrefix(sc.Text(), "committed "); ok {
				committed[no] = true
			}
		}
		cmd.Wait()

		s, err := Open(ctx, path)
		if err != nil {
			t.Fatalf("reopen after kill: %v", err)
		}
		if res, err := s.IntegrityCheck(ctx); err != nil || res != "ok" {
			t.Fatalf("integrity_check = %q, %v", res, err)
		}
		rows, err := s.ListManagers(ctx, kaohe.ManagerFilter{})
		if err != nil {
			t.Fatal(err)
		}
		have := map[string]bool{}
		for _, r := range rows {
			have[r.EmployeeNo] = true
		}
		for no := range committed {
			if !have[no] {
				t.Errorf("round %d: committed manager %s lost", round, no)
			}
		}
		// At most the one transaction that committed before its line was
		// printed may be there beyond what the child reported.
		if len(rows) < len(committed) || len(rows) > len(committed)+1 {
			t.Errorf("round %d: %d managers for %d reported commits", round, len(rows), len(committed))
		}
		// No transaction is half there: each manager has all 12 actuals, a
		// level change and its outbox and audit rows.
		var bad int
		s.r.QueryRow(`SELECT count(*) FROM managers m WHERE
			(SELECT count(*) FROM actuals a WHERE a.manager_id = m.id) <> 12 OR
			(SELECT count(*) FROM level_changes l WHERE l.manager_id = m.id) <> 1 OR
			(SELECT count(*) FROM outbox o WHERE o.row_id = m.id) <> 1 OR
			(SELECT count(*) FROM audit a WHERE a.row_id = m.id) <> 1`).Scan(&bad)
		if bad != 0 {
			t.Errorf("round %d: %d managers with a partial transaction", round, bad)
		}
		if n := count(t, s, `SELECT count(*) FROM outbox`); n != len(rows)*14 {
			t.Errorf("round %d: outbox has %d rows; want %d", round, n, len(rows)*14)
		}
		s.Close()
	}
}
